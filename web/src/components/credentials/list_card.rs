//! The card that holds a list read from the API: its title and count, why it could not be
//! read, and the list (or that it is on its way).

use portcullis_shared::problem::Problem;
use yew::prelude::*;

use crate::components::{banner_message, message_html};
use crate::hooks::use_i18n;
use crate::i18n::{MessageId, Texts};

/// What a list holds, in the words its card needs: the count (a message with `$count`),
/// "Loading your …" and "Could not load your …".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noun {
    pub count: MessageId,
    pub loading: MessageId,
    pub load_failed: MessageId,
}

/// "1 client", "3 clients".
pub fn count_label(count: usize, noun: Noun, texts: Texts) -> String {
    texts.msg_args(noun.count, &[("count", count.into())])
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
    let texts = use_i18n();
    let loaded = props.count.is_some();
    let load_error = props
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            let prefix = if props.says_refresh && loaded {
                texts.t("credentials-refresh-failed")
            } else {
                texts.msg(props.noun.load_failed)
            };
            html! { <div class="banner banner--error" role="alert">{ message_html(&format!("{prefix} {message}")) }</div> }
        });
    let body = if loaded {
        props.children.clone()
    } else if props.problem.is_none() {
        html! {
            <p class="loading muted" aria-busy="true">{ texts.msg(props.noun.loading) }</p>
        }
    } else {
        Html::default()
    };
    html! {
        <div class="card card--flush">
            <div class="card-head">
                <h2>{ props.title.clone() }</h2>
                if let Some(count) = props.count {
                    <span class="count" id={props.count_id.clone()}>{ count_label(count, props.noun, texts) }</span>
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
    use crate::i18n::msg;
    use portcullis_shared::dto::Language;

    #[test]
    fn counts_read_naturally() {
        let clients = Noun {
            count: msg("clients-count"),
            loading: msg("clients-loading"),
            load_failed: msg("clients-load-failed"),
        };
        assert_eq!(count_label(1, clients, Texts::default()), "1 client");
        assert_eq!(count_label(0, clients, Texts::default()), "0 clients");
        let pl = Texts::new(Language::Pl);
        assert_eq!(count_label(1, clients, pl), "1 klient");
        assert_eq!(count_label(3, clients, pl), "3 klientów");
        assert_eq!(count_label(22, clients, pl), "22 klientów");
    }
}
