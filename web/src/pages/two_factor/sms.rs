//! SMS codes: on (with a way to turn them off), or set up by confirming a first code.

use portcullis_shared::dto::{
    CodeSentDto, SmsFactorDto, StartSmsTwoFactorRequest, TwoFactorEnabledDto, TwoFactorStatusDto,
    VerificationMethod,
};
use yew::prelude::*;

use super::current_code::CurrentCodeField;
use super::password::password_required;
use super::set_up::{back_callback, confirm_callback};
use super::turn_off::{MethodState, TurnOffForm};
use crate::api;
use crate::checks;
use crate::components::{FormBanner, TextField};
use crate::hooks::use_i18n;
use crate::hooks::{use_form_call, use_text_input};

/// Request fields the SMS forms show errors next to.
const FIELDS: &[&str] = &["password", "phone", "code"];

/// Props of [`SmsMethod`].
#[derive(Properties, PartialEq)]
pub struct SmsMethodProps {
    /// The confirmed SMS method, if it is on.
    pub factor: Option<SmsFactorDto>,
    /// The account's phone, offered for set-up.
    #[prop_or_default]
    pub account_phone: AttrValue,
    /// An authenticator app is on: adding SMS codes needs a current code.
    #[prop_or_default]
    pub totp_on: bool,
    /// Called when set-up is confirmed.
    pub on_enabled: Callback<TwoFactorEnabledDto>,
    /// Called with the status after turning it off.
    pub on_status: Callback<TwoFactorStatusDto>,
}

/// The SMS card.
#[component]
pub fn SmsMethod(props: &SmsMethodProps) -> Html {
    let texts = use_i18n();
    html! {
        <div class="card method-card" id="sms-method">
            <div class="method-head">
                <h2>{ texts.t("twofactor-text-message-sms") }</h2>
                <MethodState on={props.factor.is_some()} />
            </div>
            { match &props.factor {
                Some(factor) => html! {
                    <TurnOffForm method={VerificationMethod::Sms} sms_on=true
                        summary={texts.t_args("twofactor-sms-goes-to", &[("phone", factor.phone.as_str().into())])}
                        since={factor.enabled_at.clone()}
                        on_status={props.on_status.clone()} />
                },
                None => html! {
                    <SmsSetUp account_phone={props.account_phone.clone()}
                        totp_on={props.totp_on}
                        on_enabled={props.on_enabled.clone()} />
                },
            } }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SmsSetUpProps {
    account_phone: AttrValue,
    totp_on: bool,
    on_enabled: Callback<TwoFactorEnabledDto>,
}

/// Password and phone, then the code texted to that phone.
#[component]
fn SmsSetUp(props: &SmsSetUpProps) -> Html {
    let texts = use_i18n();
    let password = use_text_input("");
    let phone = use_text_input(&props.account_phone);
    let code = use_text_input("");
    let current_code = use_text_input("");
    let sent = use_state(|| None::<CodeSentDto>);
    let call = use_form_call();
    let problem = &call.problem;

    let on_send = {
        let (call, sent) = (call.clone(), sent.clone());
        let request = StartSmsTwoFactorRequest {
            password: password.value.clone(),
            phone: phone.value.trim().to_owned(),
            code: props.totp_on.then(|| current_code.value.trim().to_owned()),
        };
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let mut invalid: Vec<_> = checks::check_phone_shape("phone", &request.phone)
                .into_iter()
                .collect();
            if request.password.is_empty() {
                invalid.insert(0, password_required());
            }
            if let Some(invalid) = api::client_validation_problem(invalid) {
                call.problem.set(Some(invalid));
                return;
            }
            let (csrf_token, request, sent) = (call.csrf_token(), request.clone(), sent.clone());
            call.run(
                async move { api::start_sms_two_factor(&csrf_token, &request).await },
                move |answer| sent.set(Some(answer)),
            );
        })
    };
    let on_confirm = confirm_callback(
        &call,
        VerificationMethod::Sms,
        &code.value,
        &props.on_enabled,
    );
    let on_change_number = back_callback(&sent, problem, &code.set);
    let banner = problem.banner(FIELDS);

    let Some(sent) = &*sent else {
        return html! {
            <form class="form" onsubmit={on_send} novalidate=true>
                <p class="method-text">
                    { texts.t("twofactor-we-text-6-digit") }
                </p>
                <FormBanner message={banner} />
                <TextField id="sms-phone" label={texts.t("twofactor-mobile-phone")} input_type="tel" autocomplete="tel"
                    placeholder="+48500100200" hint={texts.t("twofactor-international-format-starting")}
                    value={phone.value.clone()}
                    on_change={problem.on_change(&phone.set, "phone")}
                    error={problem.field_message("phone")} />
                <TextField id="sms-password" label={texts.t("twofactor-password")} input_type="password"
                    autocomplete="current-password"
                    value={password.value.clone()}
                    on_change={problem.on_change(&password.set, "password")}
                    error={problem.field_message("password")} />
                if props.totp_on {
                    <CurrentCodeField prefix="sms" sms_on=false totp_on=true
                        value={current_code.value.clone()}
                        on_change={problem.on_change(&current_code.set, "code")}
                        error={problem.field_message("code")} />
                }
                <div class="form-actions">
                    <button id="sms-send" type="submit" class="button" disabled={call.busy()}>
                        { if call.busy() { texts.t("twofactor-sending") } else { texts.t("twofactor-text-me-code") } }
                    </button>
                </div>
            </form>
        };
    };
    html! {
        <form class="form" onsubmit={on_confirm} novalidate=true>
            <p class="method-text" id="sms-sent-to">
                { texts.t_args("twofactor-sms-enter-code", &[("to", sent.sent_to.as_str().into())]) }
            </p>
            <FormBanner message={banner} />
            <TextField id="sms-code" label={texts.t("twofactor-code")} autocomplete="one-time-code" inputmode="numeric"
                placeholder="123456"
                value={code.value.clone()}
                on_change={problem.on_change(&code.set, "code")}
                error={problem.field_message("code")} />
            <div class="form-actions">
                <button id="sms-confirm" type="submit" class="button" disabled={call.busy()}>
                    { if call.busy() { texts.t("twofactor-checking") } else { texts.t("twofactor-turn-sms-codes") } }
                </button>
                <button type="button" class="button button--secondary" onclick={on_change_number}>
                    { texts.t("twofactor-use-another-number") }
                </button>
            </div>
        </form>
    }
}
