//! The OAuth2 clients page: clients that fetch their own short-lived access tokens with the
//! client_credentials grant, a form for a new one, its secret once, and how to use it.

mod client;
mod new_client;

pub use client::ClientList;
pub use new_client::{new_client_request, NewClientForm, NewClientFormProps, LIFETIMES};

use portcullis_shared::dto::{CreatedOAuthClientDto, OAuthClientDto};
use portcullis_shared::routes::{OAUTH_TOKEN, PROFILE};
use yew::prelude::*;

use crate::api;
use crate::components::credentials::{CredentialList, CredentialsPage, ListCard, Noun};
use crate::components::{CopyButton, ShownOnce};
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::{use_collection, use_created, use_toasts};
use crate::i18n::msg;

/// What the clients page lists.
const CLIENTS: Noun = Noun {
    count: msg("clients-count"),
    loading: msg("clients-loading"),
    load_failed: msg("clients-load-failed"),
};

/// OAuth2 clients: list, state and scope changes, deletion and registration. Rendered only
/// behind `RequireSession`.
#[component]
pub fn OAuthClientsPage() -> Html {
    let texts = use_i18n();
    let clients = use_collection(api::list_oauth_clients);
    let created = use_created::<CreatedOAuthClientDto>(clients.reload_callback());
    // Whether the secret shown replaced an existing client's (not a new client's).
    let renewed = use_state(|| false);
    let on_created = {
        let (renewed, on_created) = (renewed.clone(), created.on_created.clone());
        Callback::from(move |client: CreatedOAuthClientDto| {
            renewed.set(false);
            on_created.emit(client);
        })
    };
    let on_renewed = {
        let (renewed, on_created) = (renewed.clone(), created.on_created.clone());
        Callback::from(move |client: CreatedOAuthClientDto| {
            renewed.set(true);
            on_created.emit(client);
        })
    };
    let toasts = use_toasts();
    let token_url = use_memo((), |_| token_endpoint_url());
    let collection = clients.get();

    let lead = html! {
        { texts.t("clients-client-holds-id-secret") }
    };
    let secret = (*created.item).as_ref().map(|created_client| {
        html! {
            <NewClientSecret created={created_client.clone()} token_url={(*token_url).clone()}
                renewed={*renewed} on_done={created.on_done.clone()} />
        }
    });
    let list = html! {
        <ListCard title={texts.t("clients-clients")} count_id="client-count" noun={CLIENTS} says_refresh=true
            count={collection.items.as_ref().map(|items| items.len())}
            problem={collection.problem.clone()}>
            if let Some(items) = &collection.items {
                <CredentialList<OAuthClientDto> items={items.clone()}
                    highlight={(*created.item).as_ref().map(|c| AttrValue::from(c.client.id.clone()))}
                    on_changed={clients.replace_callback()}
                    on_removed={toasts.after(clients.remove_callback(), move |_| texts.t("clients-deleted-toast"))}
                    on_renewed={toasts.after(on_renewed, move |c: &CreatedOAuthClientDto| texts.t_args("clients-rotated-toast", &[("name", c.client.name.as_str().into())]))} />
            }
        </ListCard>
    };
    html! {
        <CredentialsPage testid="oauth-clients" title={texts.t("clients-oauth2-clients")} {lead}
            secret={secret.unwrap_or_default()} {list}
            form_id="new-client" form_title={texts.t("clients-register-client-2")}
            form={html! { <NewClientForm on_created={toasts.after(on_created,
                move |c: &CreatedOAuthClientDto| texts.t_args("clients-registered-toast", &[("name", c.client.name.as_str().into())]))} /> }}>
            <div class="card" id="client-usage">
                <h2>{ texts.t("clients-how-use-client") }</h2>
                <p class="muted">
                    { texts.t("clients-usage-before") }{ " " }
                    <code>{ "expires_in" }</code>{ " " }{ texts.t("clients-usage-after") }
                </p>
                <pre class="code-block" id="client-usage-snippet">
                    { usage_snippet(&token_url, "<client_id>", "<client_secret>") }
                </pre>
            </div>
        </CredentialsPage>
    }
}

/// The token endpoint as integrators reach it: this portal's own origin. Rendered outside a
/// browser there is no origin to ask, so the path alone stands in.
pub fn token_endpoint_url() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        if let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) {
            return format!("{origin}{OAUTH_TOKEN}");
        }
    }
    format!("https://portcullis.example{OAUTH_TOKEN}")
}

/// The two calls an integrator makes: the client_credentials grant, then an API call with
/// the access token it answered.
pub fn usage_snippet(token_url: &str, client_id: &str, client_secret: &str) -> String {
    let api_url = token_url
        .strip_suffix(OAUTH_TOKEN)
        .map(|origin| format!("{origin}{PROFILE}"))
        .unwrap_or_else(|| PROFILE.to_owned());
    format!(
        "curl -u '{client_id}:{client_secret}' \\\n  -d grant_type=client_credentials \\\n  {token_url}\n\
         # → {{\"access_token\":\"pcl_at_…\",\"token_type\":\"Bearer\",\"expires_in\":3600,…}}\n\n\
         curl -H 'Authorization: Bearer pcl_at_…' {api_url}"
    )
}

/// Props of [`NewClientSecret`].
#[derive(Properties, PartialEq)]
pub struct NewClientSecretProps {
    /// The client just registered, with its secret.
    pub created: CreatedOAuthClientDto,
    /// The token endpoint, for the snippet.
    pub token_url: String,
    /// Called when the user says the secret is stored.
    pub on_done: Callback<()>,
    /// The secret replaced an existing client's, not a new client's.
    #[prop_or_default]
    pub renewed: bool,
}

/// The client ID and the secret, each with a Copy button, the warning that the secret is
/// not shown again, and the snippet filled in. Scrolled into view when it appears.
#[component]
pub fn NewClientSecret(props: &NewClientSecretProps) -> Html {
    let texts = use_i18n();
    let CreatedOAuthClientDto {
        client,
        client_secret,
    } = &props.created;

    html! {
        <ShownOnce id="new-client-created" shown={client.id.clone()}
            title={if props.renewed {
                texts.t_args("clients-new-secret-title", &[("name", client.name.as_str().into())])
            } else {
                texts.t_args("clients-registered-title", &[("name", client.name.as_str().into())])
            }}
            subtitle={match (props.renewed, &client.previous_secret_expires_at) {
                (true, Some(until)) => html! { <span id="client-previous-until">
                    { texts.t_args("clients-previous-until", &[("until", format_timestamp_in(until, texts).into())]) }</span> },
                (true, None) => html! { <span id="client-previous-until">
                    { texts.t("clients-previous-secret-no-longer") }</span> },
                (false, _) => html! { texts.t("clients-give-system-both-values") },
            }}
            warning={texts.t("clients-copy-secret-now-you")}
            warning_detail={texts.t("clients-portcullis-keeps-only-what-2")}
            done_id="client-secret-done" done_label={texts.t("clients-ive-stored-safely")}
            on_done={props.on_done.clone()}>
            <p class="secret-label">{ texts.t("clients-client-id") }</p>
            <div class="secret-box secret-box--plain">
                <code id="client-id" class="secret-value">{ client.id.clone() }</code>
                <CopyButton id="copy-client-id" text={client.id.clone()} label={texts.t("clients-copy-client-id")} />
            </div>
            <p class="secret-label">{ texts.t("clients-client-secret") }</p>
            <div class="secret-box">
                <code id="client-secret" class="secret-value">{ client_secret.clone() }</code>
                <CopyButton id="copy-client-secret" text={client_secret.clone()} label={texts.t("clients-copy-secret")} />
            </div>
            <pre class="code-block">{ usage_snippet(&props.token_url, &client.id, client_secret) }</pre>
        </ShownOnce>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_uses_the_real_token_endpoint_and_the_profile_call() {
        let snippet = usage_snippet("https://sms.example.com/oauth/token", "oc_1", "pcl_cs_2");
        assert!(snippet.starts_with("curl -u 'oc_1:pcl_cs_2'"), "{snippet}");
        assert!(snippet.contains("-d grant_type=client_credentials"));
        assert!(snippet.contains(" https://sms.example.com/oauth/token\n"));
        assert!(snippet.ends_with("https://sms.example.com/api/v1/profile"));
    }
}
