//! An enabled method's summary, and turning it off with the password and a current code.

use portcullis_shared::dto::{DisableTwoFactorRequest, TwoFactorStatusDto, VerificationMethod};
use yew::prelude::*;

use super::current_code::{use_texted_code, TextMeACode};
use super::password::password_missing;
use crate::api;
use crate::components::{banner_message, FormBanner, TextField};
use crate::format::format_timestamp_in;
use crate::hooks::use_i18n;
use crate::hooks::{use_form_call, use_text_input};

/// Request fields the turn-off form shows errors next to.
const FIELDS: &[&str] = &["password", "code"];

#[derive(Properties, PartialEq)]
pub struct MethodStateProps {
    pub on: bool,
}

/// A method's "On" / "Off" badge.
#[component]
pub fn MethodState(props: &MethodStateProps) -> Html {
    let texts = use_i18n();
    if props.on {
        html! { <span class="badge badge--restricted method-state">{ texts.t("twofactor-on") }</span> }
    } else {
        html! { <span class="badge method-state">{ texts.t("twofactor-off") }</span> }
    }
}

/// Props of [`TurnOffForm`].
#[derive(Properties, PartialEq)]
pub struct TurnOffFormProps {
    /// `sms` or `totp`.
    pub method: VerificationMethod,
    /// SMS codes are on, so a code can be texted to confirm.
    pub sms_on: bool,
    /// What is on, in a sentence.
    pub summary: AttrValue,
    /// When it was turned on (RFC 3339).
    pub since: AttrValue,
    /// Called with the status once the method is off.
    pub on_status: Callback<TwoFactorStatusDto>,
}

/// The method's summary and a "Turn off" button that opens the confirmation.
#[component]
pub fn TurnOffForm(props: &TurnOffFormProps) -> Html {
    let texts = use_i18n();
    let open = use_state(|| false);
    let password = use_text_input("");
    let code = use_text_input("");
    let call = use_form_call();
    let texted = use_texted_code();
    let problem = &call.problem;
    let prefix = props.method.as_str();

    let toggle = |to: bool| {
        let (open, problem) = (open.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            open.set(to);
        })
    };
    let onsubmit = {
        let call = call.clone();
        let request = DisableTwoFactorRequest {
            method: props.method,
            password: password.value.clone(),
            code: code.value.trim().to_owned(),
        };
        let on_status = props.on_status.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if password_missing(&call, &request.password) {
                return;
            }
            let (csrf_token, request, on_status) =
                (call.csrf_token(), request.clone(), on_status.clone());
            call.run(
                async move { api::disable_two_factor(&csrf_token, &request).await },
                move |status| on_status.emit(status),
            );
        })
    };
    let banner = problem
        .get()
        .or(texted.call.problem.get())
        .and_then(|p| banner_message(p, FIELDS))
        .map(AttrValue::from);
    let code_hint = match (props.method, props.sms_on) {
        (VerificationMethod::Totp, true) => texts.t("twofactor-code-authenticator-app-texted-2"),
        (VerificationMethod::Totp, false) => texts.t("twofactor-code-authenticator-app-one"),
        _ => texts.t("twofactor-code-hint-sms-or-recovery"),
    };

    html! {
        <div class="method-on">
            <p class="method-text" id={format!("{prefix}-summary")}>
                { props.summary.clone() }{ " " }
                <span class="muted">{ texts.t_args("twofactor-on-since", &[("at", format_timestamp_in(&props.since, texts).into())]) }</span>
            </p>
            if !*open {
                <button type="button" id={format!("{prefix}-turn-off")}
                    class="button button--ghost-danger button--small" onclick={toggle(true)}>
                    { texts.t("twofactor-turn-off") }
                </button>
            } else {
                <form class="token-panel token-panel--danger form" {onsubmit} novalidate=true>
                    <p>{ texts.t("twofactor-confirm-password-current-code") }</p>
                    <FormBanner message={banner} />
                    <TextField id={format!("{prefix}-off-password")} label={texts.t("twofactor-password")}
                        input_type="password" autocomplete="current-password"
                        value={password.value.clone()}
                        on_change={problem.on_change(&password.set, "password")}
                        error={problem.field_message("password")} />
                    <TextField id={format!("{prefix}-off-code")} label={texts.t("twofactor-code")}
                        autocomplete="one-time-code" hint={code_hint}
                        value={code.value.clone()}
                        on_change={problem.on_change(&code.set, "code")}
                        error={problem.field_message("code")} />
                    if props.sms_on {
                        <TextMeACode id={format!("{prefix}-off-send")} busy={texted.call.busy()}
                            onclick={texted.start.clone()} sent_to={texted.sent_to.clone()} />
                    }
                    <div class="panel-actions">
                        <button type="submit" id={format!("{prefix}-off-confirm")}
                            class="button button--danger button--small" disabled={call.busy()}>
                            { if call.busy() { texts.t("twofactor-turning-off") } else { texts.t("twofactor-turn-off") } }
                        </button>
                        <button type="button" class="button button--secondary button--small"
                            onclick={toggle(false)}>
                            { texts.t("twofactor-cancel") }
                        </button>
                    </div>
                </form>
            }
        </div>
    }
}
