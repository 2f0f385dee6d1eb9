//! Messages from the API as people read them: its texts mark names and values with
//! backticks (`` `limit` must be…``, Markdown-style, for API clients), which the portal
//! shows as code instead of as literal backticks.

use yew::prelude::*;

/// `text` with each `` `quoted` `` part as `<code>`; an unpaired backtick is dropped.
pub fn message_html(text: &str) -> Html {
    let parts: Vec<&str> = text.split('`').collect();
    let paired = parts.len() % 2 == 1;
    html! {
        <>
            for (i, part) in parts.iter().enumerate() {
                if i % 2 == 1 && (paired || i + 1 < parts.len()) {
                    <code>{ *part }</code>
                } else {
                    { *part }
                }
            }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Properties, PartialEq)]
    struct ShowProps {
        text: AttrValue,
    }

    #[component]
    fn Show(props: &ShowProps) -> Html {
        html! { <p>{ message_html(&props.text) }</p> }
    }

    async fn render(text: &'static str) -> String {
        yew::LocalServerRenderer::<Show>::with_props(ShowProps { text: text.into() })
            .hydratable(false)
            .render()
            .await
    }

    #[tokio::test]
    async fn backticked_parts_are_code_and_no_backtick_is_left() {
        assert_eq!(
            render("Line 3: `nonsense` is not an IP address or range.").await,
            "<p>Line 3: <code>nonsense</code> is not an IP address or range.</p>"
        );
        assert_eq!(
            render("`from` must not be later than `to`").await,
            "<p><code>from</code> must not be later than <code>to</code></p>"
        );
        assert_eq!(render("No code here.").await, "<p>No code here.</p>");
        assert_eq!(render("An odd ` one").await, "<p>An odd  one</p>");
    }
}
