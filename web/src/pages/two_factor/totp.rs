//! An authenticator app: on (with a way to turn it off), or set up by scanning a QR code
//! and entering a first code from the app.

use portcullis_shared::dto::{
    PasswordConfirmation, TotpFactorDto, TotpSetupDto, TwoFactorEnabledDto, TwoFactorStatusDto,
    VerificationMethod,
};
use yew::prelude::*;

use super::current_code::CurrentCodeField;
use super::password::password_missing;
use super::set_up::{back_callback, confirm_callback};
use super::turn_off::{MethodState, TurnOffForm};
use crate::api;
use crate::components::{CopyButton, FormBanner, TextField};
use crate::hooks::use_i18n;
use crate::hooks::{use_form_call, use_text_input};

/// Request fields the authenticator-app forms show errors next to.
const FIELDS: &[&str] = &["password", "code"];

/// Props of [`TotpMethod`].
#[derive(Properties, PartialEq)]
pub struct TotpMethodProps {
    /// The confirmed authenticator app, if it is on.
    pub factor: Option<TotpFactorDto>,
    /// SMS codes are on too (a texted code can confirm turning this off).
    pub sms_on: bool,
    /// Called when set-up is confirmed.
    pub on_enabled: Callback<TwoFactorEnabledDto>,
    /// Called with the status after turning it off.
    pub on_status: Callback<TwoFactorStatusDto>,
}

/// The authenticator-app card.
#[component]
pub fn TotpMethod(props: &TotpMethodProps) -> Html {
    let texts = use_i18n();
    html! {
        <div class="card method-card" id="totp-method">
            <div class="method-head">
                <h2>{ texts.t("twofactor-authenticator-app") }</h2>
                <MethodState on={props.factor.is_some()} />
            </div>
            { match &props.factor {
                Some(factor) => html! {
                    <TurnOffForm method={VerificationMethod::Totp} sms_on={props.sms_on}
                        summary={texts.t("twofactor-codes-come-authenticator-app")}
                        since={factor.enabled_at.clone()}
                        on_status={props.on_status.clone()} />
                },
                None => html! {
                    <TotpSetUp sms_on={props.sms_on} on_enabled={props.on_enabled.clone()} />
                },
            } }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TotpSetUpProps {
    /// SMS codes are on: adding an app needs a current code.
    sms_on: bool,
    on_enabled: Callback<TwoFactorEnabledDto>,
}

/// The password, then the QR code and secret with the first code from the app.
#[component]
fn TotpSetUp(props: &TotpSetUpProps) -> Html {
    let texts = use_i18n();
    let password = use_text_input("");
    let code = use_text_input("");
    let current_code = use_text_input("");
    let setup = use_state(|| None::<TotpSetupDto>);
    let call = use_form_call();
    let problem = &call.problem;

    let on_start = {
        let (call, setup) = (call.clone(), setup.clone());
        let request = PasswordConfirmation {
            password: password.value.clone(),
            code: props.sms_on.then(|| current_code.value.trim().to_owned()),
        };
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if password_missing(&call, &request.password) {
                return;
            }
            let (csrf_token, request, setup) = (call.csrf_token(), request.clone(), setup.clone());
            call.run(
                async move { api::start_totp_two_factor(&csrf_token, &request).await },
                move |answer| setup.set(Some(answer)),
            );
        })
    };
    let on_confirm = confirm_callback(
        &call,
        VerificationMethod::Totp,
        &code.value,
        &props.on_enabled,
    );
    let on_cancel = back_callback(&setup, problem, &code.set);
    let banner = problem.banner(FIELDS);

    let Some(setup) = &*setup else {
        return html! {
            <form class="form" onsubmit={on_start} novalidate=true>
                <p class="method-text">
                    { texts.t("twofactor-use-app-such-google") }
                </p>
                <FormBanner message={banner} />
                <TextField id="totp-password" label={texts.t("twofactor-password")} input_type="password"
                    autocomplete="current-password"
                    value={password.value.clone()}
                    on_change={problem.on_change(&password.set, "password")}
                    error={problem.field_message("password")} />
                if props.sms_on {
                    <CurrentCodeField prefix="totp" sms_on=true totp_on=false
                        value={current_code.value.clone()}
                        on_change={problem.on_change(&current_code.set, "code")}
                        error={problem.field_message("code")} />
                }
                <div class="form-actions">
                    <button id="totp-start" type="submit" class="button" disabled={call.busy()}>
                        { if call.busy() { texts.t("twofactor-checking") } else { texts.t("twofactor-set-up-app") } }
                    </button>
                </div>
            </form>
        };
    };
    html! {
        <form class="form" onsubmit={on_confirm} novalidate=true>
            <div class="totp-setup">
                <img id="totp-qr" class="totp-qr" src={setup.qr_svg.clone()} width="220" height="220"
                    alt={texts.t("twofactor-qr-code-scan-authenticator")} />
                <ol class="totp-steps">
                    <li>{ texts.t("twofactor-scan-qr-code-authenticator") }</li>
                    <li>{ texts.t("twofactor-enter-6-digit-code") }</li>
                </ol>
            </div>
            <div>
                <p class="method-text muted">{ texts.t("twofactor-cant-scan-type-key") }</p>
                <div class="secret-box secret-box--plain totp-key">
                    <code id="totp-secret" class="secret-value">{ in_groups_of_four(&setup.secret) }</code>
                    <CopyButton id="copy-totp-secret" text={setup.secret.clone()}
                        label={texts.t("twofactor-copy-key")} />
                </div>
            </div>
            <FormBanner message={banner} />
            <TextField id="totp-code" label={texts.t("twofactor-code-app")} autocomplete="one-time-code"
                inputmode="numeric" placeholder="123456"
                value={code.value.clone()}
                on_change={problem.on_change(&code.set, "code")}
                error={problem.field_message("code")} />
            <div class="form-actions">
                <button id="totp-confirm" type="submit" class="button" disabled={call.busy()}>
                    { if call.busy() { texts.t("twofactor-checking") } else { texts.t("twofactor-turn-app") } }
                </button>
                <button type="button" class="button button--secondary" onclick={on_cancel}>
                    { texts.t("twofactor-cancel") }
                </button>
            </div>
        </form>
    }
}

/// A key to type by hand, in groups of four (`JBSW Y3DP EHPK 3PXP`); apps ignore the spaces.
pub fn in_groups_of_four(key: &str) -> String {
    key.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod grouping_tests {
    use super::in_groups_of_four;

    #[test]
    fn a_key_reads_in_groups_of_four() {
        assert_eq!(in_groups_of_four("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
        assert_eq!(in_groups_of_four("ABCDEF"), "ABCD EF");
        assert_eq!(in_groups_of_four(""), "");
    }
}
