//! The one time a new token's secret is shown.

use portcullis_shared::dto::CreatedTokenDto;
use yew::prelude::*;

use crate::components::{CopyButton, ShownOnce};
use crate::hooks::use_i18n;

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
    let texts = use_i18n();
    let CreatedTokenDto { token, secret } = &props.created;
    html! {
        <ShownOnce id="new-token-created" shown={token.id.clone()}
            title={if props.renewed {
                texts.t_args("tokens-regenerated-title", &[("name", token.name.as_str().into())])
            } else {
                texts.t_args("tokens-created-title", &[("name", token.name.as_str().into())])
            }}
            subtitle={html! { <>{ texts.t("tokens-use-bearer-token") }{ " " }
                <code>{ "Authorization: Bearer <token>" }</code></> }}
            warning={if props.renewed { texts.t("tokens-copy-new-secret-now") } else { texts.t("tokens-copy-now-you-wont") }}
            warning_detail={texts.t("tokens-portcullis-keeps-only-what")}
            done_id="token-secret-done" done_label={texts.t("tokens-ive-stored-safely")}
            on_done={props.on_done.clone()}>
            <div class="secret-box">
                <code id="token-secret" class="secret-value">{ secret.clone() }</code>
                <CopyButton id="copy-token-secret" text={secret.clone()} label={texts.t("tokens-copy-token")} />
            </div>
        </ShownOnce>
    }
}
