//! The API tokens page: the account's tokens, a form for a new one, and its secret, once.

mod new_token;
mod secret;
mod token;

pub use new_token::{expiry_end_of_day, new_token_request, NewTokenForm, NewTokenFormProps};
pub use secret::{NewTokenSecret, NewTokenSecretProps};
pub use token::TokenList;

use portcullis_shared::dto::{CreatedTokenDto, TokenDto};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::credentials::{CredentialList, CredentialsPage, ListCard, Noun};
use crate::hooks::use_i18n;
use crate::hooks::{use_collection, use_created, use_toasts};
use crate::i18n::msg;

/// What the tokens page lists.
const TOKENS: Noun = Noun {
    count: msg("tokens-count"),
    loading: msg("tokens-loading"),
    load_failed: msg("tokens-load-failed"),
};

/// API tokens: list, state changes, deletion and creation. Rendered only behind
/// `RequireSession`.
#[component]
pub fn TokensPage() -> Html {
    let texts = use_i18n();
    let tokens = use_collection(api::list_tokens);
    let created = use_created::<CreatedTokenDto>(tokens.reload_callback());
    // Whether the secret shown is a regenerated token's (not a new token's).
    let renewed = use_state(|| false);
    let collection = tokens.get();
    let on_created = {
        let (renewed, on_created) = (renewed.clone(), created.on_created.clone());
        Callback::from(move |token: CreatedTokenDto| {
            renewed.set(false);
            on_created.emit(token);
        })
    };
    let on_renewed = {
        let (renewed, on_created) = (renewed.clone(), created.on_created.clone());
        Callback::from(move |token: CreatedTokenDto| {
            renewed.set(true);
            on_created.emit(token);
        })
    };
    let toasts = use_toasts();

    let lead = html! {
        <>
            { texts.t("tokens-lead-before") }{ " " }
            <Link<Route> to={Route::ApiAllowlist}>{ texts.t("tokens-api-ip-allowlist") }</Link<Route>>
            { texts.t("tokens-lead-after") }
        </>
    };
    let secret = (*created.item).as_ref().map(|created_token| {
        html! { <NewTokenSecret created={created_token.clone()} renewed={*renewed}
        on_done={created.on_done.clone()} /> }
    });
    let list = html! {
        <ListCard title={texts.t("tokens-tokens")} count_id="token-count" noun={TOKENS} says_refresh=true
            count={collection.items.as_ref().map(|items| items.len())}
            problem={collection.problem.clone()}>
            if let Some(items) = &collection.items {
                <CredentialList<TokenDto> items={items.clone()}
                    highlight={(*created.item).as_ref().map(|c| AttrValue::from(c.token.id.clone()))}
                    on_changed={tokens.replace_callback()}
                    on_removed={toasts.after(tokens.remove_callback(), move |_| texts.t("tokens-deleted-toast"))}
                    on_renewed={toasts.after(on_renewed, move |c: &CreatedTokenDto| texts.t_args("tokens-regenerated-toast", &[("name", c.token.name.as_str().into())]))} />
            }
        </ListCard>
    };
    html! {
        <CredentialsPage testid="tokens" title={texts.t("tokens-api-tokens")} {lead}
            secret={secret.unwrap_or_default()} {list}
            form_id="new-token" form_title={texts.t("tokens-new-token")}
            form={html! { <NewTokenForm on_created={toasts.after(on_created,
                move |c: &CreatedTokenDto| texts.t_args("tokens-created-toast", &[("name", c.token.name.as_str().into())]))} /> }} />
    }
}
