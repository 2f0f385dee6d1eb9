//! The API tokens page: the account's tokens, a form for a new one, and its secret, once.

mod allowlist_text;
mod new_token;
mod secret;
mod token_list;

pub use allowlist_text::{
    allowlist_entries, allowlist_lines, allowlist_message, allowlist_text, ALLOWLIST_FIELD,
};
pub use new_token::{expiry_end_of_day, new_token_request, NewTokenForm, NewTokenFormProps};
pub use secret::{NewTokenSecret, NewTokenSecretProps};
pub use token_list::{state_label, TokenList, TokenListProps, TokenRow, TokenRowProps};

use portcullis_shared::dto::CreatedTokenDto;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::{banner_message, ApiAccessTabs};
use crate::hooks::use_collection;

/// API tokens: list, state changes, deletion and creation. Rendered only behind
/// `RequireSession`.
#[component]
pub fn TokensPage() -> Html {
    let tokens = use_collection(api::list_tokens);
    let created = use_state(|| None::<CreatedTokenDto>);

    let on_created = {
        let (created, tokens) = (created.clone(), tokens.clone());
        Callback::from(move |token: CreatedTokenDto| {
            created.set(Some(token));
            tokens.reload();
        })
    };
    let on_done = {
        let created = created.clone();
        Callback::from(move |()| created.set(None))
    };

    let collection = tokens.get();
    let load_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            let prefix = if collection.items.is_some() {
                "Could not refresh the list."
            } else {
                "Could not load your tokens."
            };
            html! { <div class="banner banner--error" role="alert">{ format!("{prefix} {message}") }</div> }
        });
    let count = collection.items.as_ref().map(|items| items.len());
    let body = match &collection.items {
        Some(items) => html! {
            <TokenList tokens={items.clone()}
                highlight={(*created).as_ref().map(|c| AttrValue::from(c.token.id.clone()))}
                on_changed={tokens.replace_callback()}
                on_removed={tokens.remove_callback()} />
        },
        None if collection.problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ "Loading your tokens…" }</p>
        },
        None => Html::default(),
    };

    html! {
        <section class="api-access" data-testid="tokens">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ "API access" }</p>
                    <h1>{ "API tokens" }</h1>
                    <p class="muted lead">
                        { "Tokens let your own systems call the Portcullis API. Give each integration \
                           its own token with only the permissions it needs; a call must also come \
                           from an address the " }
                        <Link<Route> to={Route::ApiAllowlist}>{ "API IP allowlist" }</Link<Route>>
                        { " allows." }
                    </p>
                </div>
            </div>
            <ApiAccessTabs />
            if let Some(created) = &*created {
                <NewTokenSecret created={created.clone()} {on_done} />
            }
            <div class="card card--flush">
                <div class="card-head">
                    <h2>{ "Your tokens" }</h2>
                    if let Some(count) = count {
                        <span class="count" id="token-count">{ count_label(count) }</span>
                    }
                </div>
                { load_error.unwrap_or_default() }
                { body }
            </div>
            <div class="card" id="new-token">
                <h2 id="new-token-title">{ "New token" }</h2>
                <NewTokenForm {on_created} />
            </div>
        </section>
    }
}

/// `1 token`, `3 tokens`.
fn count_label(count: usize) -> String {
    format!("{count} token{}", if count == 1 { "" } else { "s" })
}
