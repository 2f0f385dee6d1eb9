//! The card that holds a list read from the API: its title and count, why it could not be
//! read, and the list (or that it is on its way).

use portcullis_shared::problem::Problem;
use yew::prelude::*;

use crate::components::{banner_message, message_html};

/// What a list holds, one and many ("token", "tokens").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noun {
    pub one: &'static str,
    pub many: &'static str,
}

/// `1 token`, `3 tokens`.
pub fn count_label(count: usize, noun: Noun) -> String {
    let word = if count == 1 { noun.one } else { noun.many };
    format!("{count} {word}")
}

/// Props of [`ListCard`].
#[derive(Properties, PartialEq)]
pub struct ListCardProps {
    /// The card's heading ("Your tokens").
    pub title: AttrValue,
    /// Id of the count next to the heading.
    pub count_id: AttrValue,
    pub noun: Noun,
    /// How many there are; `None` until the list is known.
    pub count: Option<usize>,
    /// Why the last read failed, if it did.
    pub problem: Option<Problem>,
    /// Whether a failed read says the list on screen is the old one (and not just that it
    /// could not be loaded).
    #[prop_or_default]
    pub says_refresh: bool,
    /// The list, once it is known.
    pub children: Html,
}

/// The list's card: heading and count, the load error, and the list or "Loading…".
#[component]
pub fn ListCard(props: &ListCardProps) -> Html {
    let loaded = props.count.is_some();
    let load_error = props
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            let prefix = if props.says_refresh && loaded {
                "Could not refresh the list.".to_owned()
            } else {
                format!("Could not load your {}.", props.noun.many)
            };
            html! { <div class="banner banner--error" role="alert">{ message_html(&format!("{prefix} {message}")) }</div> }
        });
    let body = if loaded {
        props.children.clone()
    } else if props.problem.is_none() {
        html! {
            <p class="loading muted" aria-busy="true">{ format!("Loading your {}…", props.noun.many) }</p>
        }
    } else {
        Html::default()
    };
    html! {
        <div class="card card--flush">
            <div class="card-head">
                <h2>{ props.title.clone() }</h2>
                if let Some(count) = props.count {
                    <span class="count" id={props.count_id.clone()}>{ count_label(count, props.noun) }</span>
                }
            </div>
            { load_error.unwrap_or_default() }
            { body }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_naturally() {
        let clients = Noun {
            one: "client",
            many: "clients",
        };
        assert_eq!(count_label(1, clients), "1 client");
        assert_eq!(count_label(0, clients), "0 clients");
    }
}
