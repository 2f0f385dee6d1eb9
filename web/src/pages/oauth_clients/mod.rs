//! The OAuth2 clients page: clients that fetch their own short-lived access tokens with the
//! client_credentials grant, a form for a new one, its secret once, and how to use it.

mod client_list;
mod new_client;

pub use client_list::{ClientList, ClientListProps, ClientRow, ClientRowProps};
pub use new_client::{new_client_request, NewClientForm, NewClientFormProps, LIFETIMES};

use portcullis_shared::dto::CreatedOAuthClientDto;
use portcullis_shared::routes::{OAUTH_TOKEN, PROFILE};
use yew::prelude::*;

use crate::api;
use crate::components::{banner_message, ApiAccessTabs, CopyButton, ShownOnce};
use crate::hooks::use_collection;

/// OAuth2 clients: list, state and scope changes, deletion and registration. Rendered only
/// behind `RequireSession`.
#[component]
pub fn OAuthClientsPage() -> Html {
    let clients = use_collection(api::list_oauth_clients);
    let created = use_state(|| None::<CreatedOAuthClientDto>);
    let token_url = use_memo((), |_| token_endpoint_url());

    let on_created = {
        let (created, clients) = (created.clone(), clients.clone());
        Callback::from(move |client: CreatedOAuthClientDto| {
            created.set(Some(client));
            clients.reload();
        })
    };
    let on_done = {
        let created = created.clone();
        Callback::from(move |()| created.set(None))
    };

    let collection = clients.get();
    let load_error = collection
        .problem
        .as_ref()
        .and_then(|p| banner_message(p, &[]))
        .map(|message| {
            let prefix = if collection.items.is_some() {
                "Could not refresh the list."
            } else {
                "Could not load your clients."
            };
            html! { <div class="banner banner--error" role="alert">{ format!("{prefix} {message}") }</div> }
        });
    let count = collection.items.as_ref().map(|items| items.len());
    let body = match &collection.items {
        Some(items) => html! {
            <ClientList clients={items.clone()}
                highlight={(*created).as_ref().map(|c| AttrValue::from(c.client.id.clone()))}
                on_changed={clients.replace_callback()}
                on_removed={clients.remove_callback()} />
        },
        None if collection.problem.is_none() => html! {
            <p class="loading muted" aria-busy="true">{ "Loading your clients…" }</p>
        },
        None => Html::default(),
    };

    html! {
        <section class="api-access" data-testid="oauth-clients">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ "API access" }</p>
                    <h1>{ "OAuth2 clients" }</h1>
                    <p class="muted lead">
                        { "A client holds an ID and a secret and exchanges them for a short-lived \
                           access token (the OAuth2 client credentials grant). If a \
                           token leaks, it expires on its own; disable the client to cut off every \
                           token it was given at once." }
                    </p>
                </div>
            </div>
            <ApiAccessTabs />
            if let Some(created) = &*created {
                <NewClientSecret created={created.clone()} token_url={(*token_url).clone()} {on_done} />
            }
            <div class="card card--flush">
                <div class="card-head">
                    <h2>{ "Your clients" }</h2>
                    if let Some(count) = count {
                        <span class="count" id="client-count">{ count_label(count) }</span>
                    }
                </div>
                { load_error.unwrap_or_default() }
                { body }
            </div>
            <div class="card" id="new-client">
                <h2 id="new-client-title">{ "Register a client" }</h2>
                <NewClientForm {on_created} />
            </div>
            <div class="card" id="client-usage">
                <h2>{ "How to use a client" }</h2>
                <p class="muted">
                    { "Ask the token endpoint for an access token with HTTP Basic authentication, \
                       then send it as a bearer token. Ask for a new one when " }
                    <code>{ "expires_in" }</code>{ " seconds have passed." }
                </p>
                <pre class="code-block" id="client-usage-snippet">
                    { usage_snippet(&token_url, "<client_id>", "<client_secret>") }
                </pre>
            </div>
        </section>
    }
}

/// `1 client`, `3 clients`.
fn count_label(count: usize) -> String {
    format!("{count} client{}", if count == 1 { "" } else { "s" })
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
}

/// The client ID and the secret, each with a Copy button, the warning that the secret is
/// not shown again, and the snippet filled in. Scrolled into view when it appears.
#[component]
pub fn NewClientSecret(props: &NewClientSecretProps) -> Html {
    let CreatedOAuthClientDto {
        client,
        client_secret,
    } = &props.created;

    html! {
        <ShownOnce id="new-client-created" shown={client.id.clone()}
            title={format!("Client “{}” registered", client.name)}
            subtitle={html! { "Give your system both values below." }}
            warning="Copy the secret now — you won't see it again."
            warning_detail="Portcullis keeps only what it needs to check it. If you lose it, \
                delete the client and register a new one."
            done_id="client-secret-done" done_label="I've stored it safely"
            on_done={props.on_done.clone()}>
            <p class="secret-label">{ "Client ID" }</p>
            <div class="secret-box secret-box--plain">
                <code id="client-id" class="secret-value">{ client.id.clone() }</code>
                <CopyButton id="copy-client-id" text={client.id.clone()} label="Copy the client ID" />
            </div>
            <p class="secret-label">{ "Client secret" }</p>
            <div class="secret-box">
                <code id="client-secret" class="secret-value">{ client_secret.clone() }</code>
                <CopyButton id="copy-client-secret" text={client_secret.clone()} label="Copy the secret" />
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

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count_label(1), "1 client");
        assert_eq!(count_label(0), "0 clients");
    }
}
