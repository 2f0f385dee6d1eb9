//! The "current code" a change to the second factors needs while two-factor sign-in is on.

use yew::prelude::*;

use crate::api;
use crate::components::TextField;
use crate::hooks::use_form_call;

/// Props of [`CurrentCodeField`].
#[derive(Properties, PartialEq)]
pub struct CurrentCodeFieldProps {
    /// Prefix of the element ids (`sms`, `totp`, `recovery`).
    pub prefix: AttrValue,
    /// SMS codes are on, so a code can be texted.
    pub sms_on: bool,
    /// An authenticator app is on.
    pub totp_on: bool,
    pub value: AttrValue,
    pub on_change: Callback<String>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

/// A code from the app, a texted code (with a button to text one) or a recovery code.
#[component]
pub fn CurrentCodeField(props: &CurrentCodeFieldProps) -> Html {
    let texted = use_form_call();
    let sent_to = use_state(|| None::<String>);
    let on_text = {
        let (texted, sent_to) = (texted.clone(), sent_to.clone());
        Callback::from(move |_: MouseEvent| {
            let (csrf_token, sent_to) = (texted.csrf_token(), sent_to.clone());
            texted.run(
                async move { api::send_two_factor_code(&csrf_token).await },
                move |sent| sent_to.set(Some(sent.sent_to)),
            );
        })
    };
    let hint = match (props.totp_on, props.sms_on) {
        (true, true) => {
            "Two-factor sign-in is on: a code from your authenticator app, a texted code, or a recovery code."
        }
        (true, false) => {
            "Two-factor sign-in is on: a code from your authenticator app, or a recovery code."
        }
        _ => "Two-factor sign-in is on: the code we text you, or a recovery code.",
    };
    let prefix = props.prefix.clone();
    html! {
        <>
            <TextField id={format!("{prefix}-current-code")} label="Current code"
                autocomplete="one-time-code" hint={hint}
                value={props.value.clone()}
                on_change={props.on_change.clone()}
                error={props.error.clone()} />
            if props.sms_on {
                <p class="method-text">
                    <button type="button" id={format!("{prefix}-current-send")}
                        class="button button--secondary button--small"
                        disabled={texted.busy()} onclick={on_text}>
                        { if texted.busy() { "Sending…" } else { "Text me a code" } }
                    </button>
                    { " " }
                    <span class="muted" aria-live="polite">
                        { (*sent_to).as_ref().map(|to| format!("We texted a code to {to}.")).unwrap_or_default() }
                    </span>
                </p>
            }
        </>
    }
}
