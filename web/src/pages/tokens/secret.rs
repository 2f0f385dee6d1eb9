//! The one time a new token's secret is shown.

use portcullis_shared::dto::CreatedTokenDto;
use yew::prelude::*;

use crate::components::{CopyButton, ShownOnce};

/// Props of [`NewTokenSecret`].
#[derive(Properties, PartialEq)]
pub struct NewTokenSecretProps {
    /// The token just created, with its secret.
    pub created: CreatedTokenDto,
    /// Called when the user says the secret is stored.
    pub on_done: Callback<()>,
    /// The token was regenerated (its old secret was just revoked), not created.
    #[prop_or_default]
    pub renewed: bool,
}

/// The secret in a box of its own with a Copy button, and a plain warning that it will not
/// be shown again. Scrolled into view when it appears.
#[component]
pub fn NewTokenSecret(props: &NewTokenSecretProps) -> Html {
    let CreatedTokenDto { token, secret } = &props.created;
    html! {
        <ShownOnce id="new-token-created" shown={token.id.clone()}
            title={if props.renewed {
                format!("Token “{}” regenerated", token.name)
            } else {
                format!("Token “{}” created", token.name)
            }}
            subtitle={html! { <>{ "Use it as a bearer token: " }
                <code>{ "Authorization: Bearer <token>" }</code></> }}
            warning={if props.renewed {
                "Copy the new secret now — you won't see it again. The old one no longer works."
            } else {
                "Copy it now — you won't see it again."
            }}
            warning_detail="Portcullis keeps only what it needs to check the token, not the token \
                itself. If you lose it, delete the token and create a new one."
            done_id="token-secret-done" done_label="I've stored it safely"
            on_done={props.on_done.clone()}>
            <div class="secret-box">
                <code id="token-secret" class="secret-value">{ secret.clone() }</code>
                <CopyButton id="copy-token-secret" text={secret.clone()} label="Copy the token" />
            </div>
        </ShownOnce>
    }
}
