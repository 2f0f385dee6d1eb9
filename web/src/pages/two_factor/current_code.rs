//! The "current code" a change to the second factors needs while two-factor sign-in is on.

use yew::prelude::*;

use crate::api;
use crate::components::{message_html, TextField};
use crate::hooks::use_i18n;
use crate::hooks::{use_form_call, FormCall};

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
    let texts = use_i18n();
    let texted = use_texted_code();
    let hint = match (props.totp_on, props.sms_on) {
        (true, true) => texts.t("twofactor-two-factor-sign-code"),
        (true, false) => texts.t("twofactor-two-factor-sign-code-2"),
        _ => texts.t("twofactor-code-hint-sms"),
    };
    let prefix = props.prefix.clone();
    html! {
        <>
            <TextField id={format!("{prefix}-current-code")} label={texts.t("twofactor-current-code")}
                autocomplete="one-time-code" hint={hint}
                value={props.value.clone()}
                on_change={props.on_change.clone()}
                error={props.error.clone()} />
            if props.sms_on {
                <TextMeACode id={format!("{prefix}-current-send")} busy={texted.call.busy()}
                    onclick={texted.start.clone()} sent_to={texted.sent_to.clone()}
                    error={texted.call.problem.banner(&[])} />
            }
        </>
    }
}

/// Texting a code to the account's phone, to confirm a change with.
pub struct TextedCode {
    /// The call: under way, or why it failed.
    pub call: FormCall,
    /// Where the last code went (masked), once one was sent.
    pub sent_to: Option<String>,
    /// Sends a code.
    pub start: Callback<MouseEvent>,
}

/// State for "Text me a code".
#[hook]
pub fn use_texted_code() -> TextedCode {
    let call = use_form_call();
    let sent_to = use_state(|| None::<String>);
    let start = {
        let (call, sent_to) = (call.clone(), sent_to.clone());
        Callback::from(move |_: MouseEvent| {
            let (csrf_token, sent_to) = (call.csrf_token(), sent_to.clone());
            call.run(
                async move { api::send_two_factor_code(&csrf_token).await },
                move |sent| sent_to.set(Some(sent.sent_to)),
            );
        })
    };
    TextedCode {
        call,
        sent_to: (*sent_to).clone(),
        start,
    }
}

/// Props of [`TextMeACode`].
#[derive(Properties, PartialEq)]
pub struct TextMeACodeProps {
    pub id: AttrValue,
    /// A code is being sent.
    pub busy: bool,
    pub onclick: Callback<MouseEvent>,
    /// Where the last code went (masked), once one was sent.
    pub sent_to: Option<String>,
    /// Why the last code could not be sent, where no banner says it.
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

/// "Text me a code", and where the code went (or why it could not be sent).
#[component]
pub fn TextMeACode(props: &TextMeACodeProps) -> Html {
    let texts = use_i18n();
    html! {
        <p class="method-text">
            <button type="button" id={props.id.clone()}
                class="button button--secondary button--small"
                disabled={props.busy} onclick={props.onclick.clone()}>
                { if props.busy { texts.t("twofactor-sending") } else { texts.t("twofactor-text-me-code") } }
            </button>
            { " " }
            <span class="muted" aria-live="polite">
                { props.sent_to.as_ref().map(|to| texts.t_args("twofactor-texted-to", &[("to", to.as_str().into())])).unwrap_or_default() }
            </span>
            if let Some(error) = &props.error {
                <span class="field-error" role="alert">{ message_html(error) }</span>
            }
        </p>
    }
}
