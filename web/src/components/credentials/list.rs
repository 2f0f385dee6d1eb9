//! The list of one kind of credential, or a word on what they are for when there are none.

use std::rc::Rc;

use yew::prelude::*;

use super::{Credential, CredentialRow};
use crate::hooks::use_i18n;

/// Props of [`CredentialList`].
#[derive(Properties, PartialEq)]
pub struct CredentialListProps<C: Credential> {
    /// The credentials, in the API's order.
    pub items: Rc<Vec<C>>,
    /// Called with a credential the API changed.
    pub on_changed: Callback<C>,
    /// Called with the id of a credential that is gone.
    pub on_removed: Callback<String>,
    /// Called with the answer to a renewal, which holds the new secret.
    pub on_renewed: Callback<C::Created>,
    /// A credential to draw attention to (the one just created).
    #[prop_or_default]
    pub highlight: Option<AttrValue>,
}

/// Every credential, or the kind's empty state when there are none.
#[component]
pub fn CredentialList<C: Credential>(props: &CredentialListProps<C>) -> Html {
    let texts = use_i18n();
    let kind = &C::KIND;
    if props.items.is_empty() {
        return html! {
            <EmptyState id={kind.empty_id} title={texts.msg(kind.empty_title)}>{ texts.msg(kind.empty_text) }</EmptyState>
        };
    }
    html! {
        <ul class="token-list" id={kind.list_id}>
            for item in props.items.iter() {
                <CredentialRow<C> key={item.id().to_owned()} item={item.clone()}
                    highlight={props.highlight.as_deref() == Some(item.id())}
                    on_changed={props.on_changed.clone()}
                    on_removed={props.on_removed.clone()}
                    on_renewed={props.on_renewed.clone()} />
            }
        </ul>
    }
}

/// Props of [`EmptyState`].
#[derive(Properties, PartialEq)]
pub struct EmptyStateProps {
    pub id: AttrValue,
    pub title: AttrValue,
    /// What the things listed are for.
    pub children: Html,
}

/// What an empty list shows instead: a title and what the things listed are for.
#[component]
pub fn EmptyState(props: &EmptyStateProps) -> Html {
    html! {
        <div class="empty-state" id={props.id.clone()}>
            <p class="empty-title">{ props.title.clone() }</p>
            <p class="muted">{ props.children.clone() }</p>
        </div>
    }
}
