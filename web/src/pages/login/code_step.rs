//! The second step of a held sign-in: a code by SMS, e-mail, authenticator app or a
//! recovery code, in the login card.

use std::time::Duration;

use portcullis_shared::dto::{
    ChallengeReason, LoginChallengeDto, MeResponse, ResendLoginCodeRequest, VerificationMethod,
    VerifyLoginRequest,
};
use portcullis_shared::problem::{Problem, ProblemCode};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use super::wording;
use crate::api::{self, NotResent};
use crate::components::{banner_message, FormBanner, TextField};
use crate::hooks::{use_form_problem, use_i18n, use_text_input};
use crate::i18n::Texts;

/// Request fields the code step shows errors next to.
const FIELDS: &[&str] = &["code"];

/// Props of [`CodeStep`].
#[derive(Properties, PartialEq)]
pub struct CodeStepProps {
    /// The held sign-in, as the login answered it.
    pub challenge: LoginChallengeDto,
    /// Called with the session once a code completed the sign-in.
    pub on_signed_in: Callback<MeResponse>,
    /// Back to the password form.
    pub on_start_over: Callback<()>,
}

/// The code form, ways to get or use another code, and "Start over". When the API says
/// the held sign-in has ended, only the way back is left.
#[component]
pub fn CodeStep(props: &CodeStepProps) -> Html {
    let texts = use_i18n();
    let challenge = use_state(|| props.challenge.clone());
    let method = use_state(|| wording::first_method(&props.challenge));
    let code = use_text_input("");
    let trust = use_state(|| false);
    let problem = use_form_problem();
    let submitting = use_state(|| false);
    let ended = use_state(|| false);
    let resend = use_resend(challenge.clone(), method.clone(), ended.clone(), texts);
    // The code is what this step asks for: the field has the focus when the step opens.
    use_effect_with((), |_| {
        if let Some(field) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("login-code"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = field.focus();
        }
    });

    if *ended {
        return html! { <StepEnded on_start_over={props.on_start_over.clone()} /> };
    }

    let reason = challenge.reason;
    let onsubmit = {
        let (challenge, method, code) = (challenge.clone(), *method, code.value.clone());
        let (problem, submitting, ended) = (problem.clone(), submitting.clone(), ended.clone());
        let trust_device = reason == ChallengeReason::NewDevice && *trust;
        let on_signed_in = props.on_signed_in.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *submitting {
                return;
            }
            let code = wording::normalize_code(method, &code);
            if let Some(invalid) = wording::check_code(method, &code, texts) {
                problem.set(api::client_validation_problem(vec![invalid]));
                return;
            }
            let request = VerifyLoginRequest {
                challenge_id: challenge.challenge_id.clone(),
                method,
                code,
                trust_device,
            };
            problem.set(None);
            submitting.set(true);
            let (problem, submitting, ended, on_signed_in) = (
                problem.clone(),
                submitting.clone(),
                ended.clone(),
                on_signed_in.clone(),
            );
            spawn_local(async move {
                match api::verify_login(&request).await {
                    Ok(me) => on_signed_in.emit(me),
                    Err(err) if err.code() == Some(ProblemCode::LoginChallengeInvalid) => {
                        ended.set(true)
                    }
                    Err(err) => {
                        problem.set(Some(err.into_problem()));
                        submitting.set(false);
                    }
                }
            });
        })
    };
    let on_switch = {
        let (method, resend, problem, set_code) = (
            method.clone(),
            resend.clone(),
            problem.clone(),
            code.set.clone(),
        );
        let sent_by = challenge.sent_by;
        Callback::from(move |to: VerificationMethod| {
            problem.set(None);
            set_code.emit(String::new());
            if wording::is_sent(to) && sent_by != Some(to) {
                resend.send(Some(to));
            } else {
                method.set(to);
            }
        })
    };
    let on_trust = {
        let trust = trust.clone();
        Callback::from(move |event: Event| {
            trust.set(event.target_unchecked_into::<HtmlInputElement>().checked());
        })
    };
    let banner = problem
        .get()
        .or(resend.problem.as_ref())
        .and_then(|p| banner_message(p, FIELDS))
        .map(AttrValue::from);
    let recovery = *method == VerificationMethod::RecoveryCode;
    let use_passkey = {
        let challenge_id = challenge.challenge_id.clone();
        let (problem, submitting, ended) = (problem.clone(), submitting.clone(), ended.clone());
        let trust_device = reason == ChallengeReason::NewDevice && *trust;
        let on_signed_in = props.on_signed_in.clone();
        Callback::from(move |_: MouseEvent| {
            if *submitting {
                return;
            }
            problem.set(None);
            submitting.set(true);
            let (challenge_id, problem, submitting, ended, on_signed_in) = (
                challenge_id.clone(),
                problem.clone(),
                submitting.clone(),
                ended.clone(),
                on_signed_in.clone(),
            );
            spawn_local(async move {
                match api::finish_held_sign_in_with_passkey(&challenge_id, trust_device).await {
                    Ok(me) => on_signed_in.emit(me),
                    Err(err) if err.code() == Some(ProblemCode::LoginChallengeInvalid) => {
                        ended.set(true)
                    }
                    Err(err) => {
                        problem.set(Some(err.into_problem()));
                        submitting.set(false);
                    }
                }
            });
        })
    };

    html! {
        <div class="code-step" data-testid="login-code-step"
            data-reason={reason_name(reason)} data-method={method.as_str()}>
            <p class="eyebrow">{ texts.t("code-step-eyebrow") }</p>
            <h1>{ wording::heading(reason, texts) }</h1>
            <p class="muted" id="login-code-prompt">
                { wording::prompt(reason, *method, challenge.sent_to.as_deref(), texts) }
            </p>
            <FormBanner message={banner} />
            if *method == VerificationMethod::Passkey {
                <button id="login-passkey" type="button" class="button button--block"
                    onclick={use_passkey} disabled={*submitting}>
                    { if *submitting { texts.t("code-step-waiting-passkey") } else { texts.t("code-step-use-your-passkey") } }
                </button>
            } else {
            <form class="form" {onsubmit} novalidate=true>
                <TextField id="login-code" label={wording::code_label(*method, texts)}
                    autocomplete={if recovery { "off" } else { "one-time-code" }}
                    inputmode={if recovery { "text" } else { "numeric" }}
                    placeholder={if recovery { "xxxxx-xxxxx" } else { "123456" }}
                    value={code.value.clone()}
                    on_change={problem.on_change(&code.set, "code")}
                    error={problem.field_message("code")} />
                if reason == ChallengeReason::NewDevice {
                    <TrustBrowser checked={*trust} onchange={on_trust} />
                }
                <button id="login-verify" type="submit" class="button button--block"
                    disabled={*submitting}>
                    { if *submitting { texts.t("code-step-checking") } else { texts.t("code-step-submit") } }
                </button>
            </form>
            }
            if wording::is_sent(*method) {
                <ResendLine sending={resend.sending} wait={resend.wait}
                    notice={resend.notice.clone()}
                    on_resend={resend.send_callback()} />
            }
            <OtherMethods methods={challenge.methods.clone()} current={*method}
                sent_by={challenge.sent_by} disabled={resend.sending || resend.wait.is_some()}
                on_switch={on_switch} />
            <p class="card-footer">
                { texts.t("code-step-not-you") }{ " " }
                <StartOver on_start_over={props.on_start_over.clone()} link=true />
            </p>
        </div>
    }
}

fn reason_name(reason: ChallengeReason) -> &'static str {
    match reason {
        ChallengeReason::NewDevice => "new_device",
        ChallengeReason::TwoFactor => "two_factor",
    }
}

/// Sending a held sign-in's code again, and what the resend line shows.
#[derive(Clone)]
struct Resend {
    challenge: UseStateHandle<LoginChallengeDto>,
    method: UseStateHandle<VerificationMethod>,
    /// Set when the API says the held sign-in is over.
    ended: UseStateHandle<bool>,
    texts: Texts,
    sending: bool,
    set_sending: UseStateHandle<bool>,
    /// Seconds the API asked to wait before another code.
    wait: Option<u32>,
    set_wait: UseStateHandle<Option<u32>>,
    notice: Option<AttrValue>,
    set_notice: UseStateHandle<Option<AttrValue>>,
    problem: Option<Problem>,
    set_problem: UseStateHandle<Option<Problem>>,
}

impl Resend {
    /// Asks for a code by `by` (or as before); on success the step switches to it.
    fn send(&self, by: Option<VerificationMethod>) {
        if self.sending || self.wait.is_some() {
            return;
        }
        self.set_sending.set(true);
        self.set_notice.set(None);
        self.set_problem.set(None);
        let request = ResendLoginCodeRequest {
            challenge_id: self.challenge.challenge_id.clone(),
            method: by,
        };
        let this = self.clone();
        spawn_local(async move {
            match api::resend_login_code(&request).await {
                Ok(challenge) => {
                    let method = challenge.sent_by.unwrap_or(*this.method);
                    this.set_notice.set(Some(
                        wording::sent_message(method, challenge.sent_to.as_deref(), this.texts)
                            .into(),
                    ));
                    this.method.set(method);
                    this.challenge.set(challenge);
                }
                Err(NotResent {
                    retry_after_secs: Some(secs),
                    error,
                }) if error.code() == Some(ProblemCode::RateLimited) => {
                    this.set_wait.set(Some(secs.max(1)));
                }
                Err(NotResent { error, .. })
                    if error.code() == Some(ProblemCode::LoginChallengeInvalid) =>
                {
                    this.ended.set(true)
                }
                Err(NotResent { error, .. }) => this.set_problem.set(Some(error.into_problem())),
            }
            this.set_sending.set(false);
        });
    }

    fn send_callback(&self) -> Callback<()> {
        let this = self.clone();
        Callback::from(move |()| this.send(None))
    }
}

/// The resend state of the step, counting a wait down second by second.
#[hook]
fn use_resend(
    challenge: UseStateHandle<LoginChallengeDto>,
    method: UseStateHandle<VerificationMethod>,
    ended: UseStateHandle<bool>,
    texts: Texts,
) -> Resend {
    let set_sending = use_state(|| false);
    let set_wait = use_state(|| None::<u32>);
    let set_notice = use_state(|| None::<AttrValue>);
    let set_problem = use_state(|| None);
    {
        let set_wait = set_wait.clone();
        use_effect_with(*set_wait, move |wait| {
            if let Some(left) = *wait {
                spawn_local(async move {
                    sleep(Duration::from_secs(1)).await;
                    set_wait.set(left.checked_sub(1).filter(|left| *left > 0));
                });
            }
        });
    }
    Resend {
        challenge,
        method,
        ended,
        texts,
        sending: *set_sending,
        wait: *set_wait,
        notice: (*set_notice).clone(),
        problem: (*set_problem).clone(),
        set_sending,
        set_wait,
        set_notice,
        set_problem,
    }
}

#[derive(Properties, PartialEq)]
struct TrustBrowserProps {
    checked: bool,
    onchange: Callback<Event>,
}

/// "Trust this browser", with what it means.
#[component]
fn TrustBrowser(props: &TrustBrowserProps) -> Html {
    let texts = use_i18n();
    html! {
        <label class="check-option" for="trust-device">
            <input type="checkbox" id="trust-device" name="trust_device"
                checked={props.checked} onchange={props.onchange.clone()}
                aria-describedby="trust-device-hint" />
            <span>
                <span class="check-option-title">{ texts.t("code-step-trust") }</span>
                <span class="check-option-hint" id="trust-device-hint">
                    { texts.t("code-step-trust-hint") }
                </span>
            </span>
        </label>
    }
}

#[derive(Properties, PartialEq)]
struct ResendLineProps {
    sending: bool,
    wait: Option<u32>,
    notice: Option<AttrValue>,
    on_resend: Callback<()>,
}

/// "Resend code", with the wait the API asks for or word that a code went out.
#[component]
fn ResendLine(props: &ResendLineProps) -> Html {
    let texts = use_i18n();
    let onclick = props.on_resend.reform(|_: MouseEvent| ());
    let status = match (props.wait, &props.notice) {
        (Some(seconds), _) => Some(AttrValue::from(wording::wait_message(seconds, texts))),
        (None, notice) => notice.clone(),
    };
    html! {
        <div class="code-resend">
            <button type="button" id="login-resend" class="button button--secondary button--small"
                disabled={props.sending || props.wait.is_some()} {onclick}>
                { if props.sending { texts.t("code-step-sending") } else { texts.t("code-step-resend") } }
            </button>
            <span class="muted" id="login-resend-status" aria-live="polite">
                { status.unwrap_or_default() }
            </span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct OtherMethodsProps {
    methods: Vec<VerificationMethod>,
    current: VerificationMethod,
    sent_by: Option<VerificationMethod>,
    disabled: bool,
    on_switch: Callback<VerificationMethod>,
}

/// The held sign-in's other methods, as links.
#[component]
fn OtherMethods(props: &OtherMethodsProps) -> Html {
    let texts = use_i18n();
    let others: Vec<VerificationMethod> = props
        .methods
        .iter()
        .copied()
        .filter(|m| *m != props.current)
        .collect();
    if others.is_empty() {
        return Html::default();
    }
    html! {
        <div class="code-methods">
            <p class="muted">{ texts.t("code-step-other-ways") }</p>
            <ul>
                for method in others {
                    <li>
                        <button type="button" class="link-button"
                            id={format!("use-{}", method.as_str())}
                            disabled={props.disabled && wording::is_sent(method)}
                            onclick={props.on_switch.reform(move |_: MouseEvent| method)}>
                            { wording::switch_label(method, props.sent_by == Some(method), texts) }
                        </button>
                    </li>
                }
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct StartOverProps {
    on_start_over: Callback<()>,
    /// A link in running text rather than a full-width button.
    #[prop_or_default]
    link: bool,
}

#[component]
fn StartOver(props: &StartOverProps) -> Html {
    let texts = use_i18n();
    let onclick = props.on_start_over.reform(|_: MouseEvent| ());
    let class = if props.link {
        classes!("link-button")
    } else {
        classes!("button", "button--block")
    };
    html! {
        <button type="button" id="login-start-over" {class} {onclick}>{ texts.t("code-step-start-over") }</button>
    }
}

#[derive(Properties, PartialEq)]
struct StepEndedProps {
    on_start_over: Callback<()>,
}

/// The held sign-in timed out or was finished elsewhere: only starting over helps.
#[component]
fn StepEnded(props: &StepEndedProps) -> Html {
    let texts = use_i18n();
    html! {
        <div class="code-step" data-testid="login-code-ended">
            <h1>{ texts.t("code-step-ended-title") }</h1>
            <div class="banner banner--error" id="form-error" role="alert">
                { texts.t("code-step-ended-text") }
            </div>
            <StartOver on_start_over={props.on_start_over.clone()} />
        </div>
    }
}
