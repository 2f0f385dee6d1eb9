//! The one time a new token's secret is shown.

use portcullis_shared::dto::CreatedTokenDto;
use web_sys::Element;
use yew::prelude::*;

use crate::components::CopyButton;

/// Props of [`NewTokenSecret`].
#[derive(Properties, PartialEq)]
pub struct NewTokenSecretProps {
    /// The token just created, with its secret.
    pub created: CreatedTokenDto,
    /// Called when the user says the secret is stored.
    pub on_done: Callback<()>,
}

/// The secret in a box of its own with a Copy button, and a plain warning that it will not
/// be shown again. Scrolled into view when it appears.
#[component]
pub fn NewTokenSecret(props: &NewTokenSecretProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.created.token.id.clone(), move |_| {
            if let Some(element) = node.cast::<Element>() {
                element.scroll_into_view();
            }
        });
    }
    let onclick = {
        let on_done = props.on_done.clone();
        Callback::from(move |_: MouseEvent| on_done.emit(()))
    };
    let CreatedTokenDto { token, secret } = &props.created;

    html! {
        <section class="card secret-card" id="new-token-created" ref={node}
            aria-labelledby="new-token-created-title">
            <div class="secret-head">
                <span class="secret-icon" aria-hidden="true">{ "✓" }</span>
                <div>
                    <h2 id="new-token-created-title">{ format!("Token “{}” created", token.name) }</h2>
                    <p class="muted">{ "Use it as a bearer token: " }
                        <code>{ "Authorization: Bearer <token>" }</code></p>
                </div>
            </div>
            <div class="banner banner--warning" role="alert">
                <strong>{ "Copy it now — you won't see it again." }</strong>
                { " Portcullis keeps only what it needs to check the token, not the token itself. \
                   If you lose it, delete the token and create a new one." }
            </div>
            <div class="secret-box">
                <code id="token-secret" class="secret-value">{ secret.clone() }</code>
                <CopyButton id="copy-token-secret" text={secret.clone()} label="Copy the token" />
            </div>
            <div class="form-actions">
                <button type="button" id="token-secret-done" class="button button--secondary" {onclick}>
                    { "I've stored it safely" }
                </button>
            </div>
        </section>
    }
}
