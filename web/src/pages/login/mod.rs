//! The login card: e-mail and password, then, when the API holds the sign-in, the code
//! step in the same card.

mod code_step;
pub mod wording;

pub use code_step::{CodeStep, CodeStepProps};

use std::cell::RefCell;

use portcullis_shared::dto::{LoginChallengeDto, LoginRequest, MeResponse};
use portcullis_shared::problem::FieldError;
use portcullis_shared::validate::codes;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, LoginOutcome};
use crate::app::{Route, SIGNED_OUT_QUERY};
use crate::checks;
use crate::components::{EmailField, FormBanner, LanguageSwitch, TextField};
use crate::hooks::{use_form_problem, use_i18n, use_session, use_text_input};
use crate::i18n::Texts;
use crate::state::SessionAction;

/// Request fields the login form shows errors next to.
const FIELDS: &[&str] = &["email", "password"];

/// The login form. A successful login sets the session; the route guard then opens the
/// dashboard. A held login shows the [`CodeStep`] instead of the form until a code
/// completes it or the visitor starts over.
#[component]
pub fn LoginPage() -> Html {
    let session = use_session();
    let texts = use_i18n();
    let email = use_text_input(&typed_before_mount("email"));
    let password = use_text_input(&typed_before_mount("password"));
    let problem = use_form_problem();
    let submitting = use_state(|| false);
    let challenge = use_state(|| None::<LoginChallengeDto>);

    if let Some(held) = &*challenge {
        let on_signed_in = {
            let session = session.clone();
            Callback::from(move |me: MeResponse| {
                session.dispatch(SessionAction::SignedIn(me.into()))
            })
        };
        let on_start_over = {
            let (challenge, set_password) = (challenge.clone(), password.set.clone());
            Callback::from(move |()| {
                set_password.emit(String::new());
                challenge.set(None);
            })
        };
        return html! {
            <section class="auth">
                <div class="card card--narrow">
                    <CodeStep key={held.challenge_id.clone()} challenge={held.clone()}
                        {on_signed_in} {on_start_over} />
                </div>
            </section>
        };
    }

    // Passwordless: the browser offers the passkeys it holds for this site.
    let on_passkey = {
        let (session, problem, submitting) = (session.clone(), problem.clone(), submitting.clone());
        Callback::from(move |_: MouseEvent| {
            if *submitting {
                return;
            }
            problem.set(None);
            submitting.set(true);
            let (session, problem, submitting) =
                (session.clone(), problem.clone(), submitting.clone());
            spawn_local(async move {
                match api::sign_in_with_passkey().await {
                    Ok(me) => session.dispatch(SessionAction::SignedIn(me.into())),
                    Err(err) => {
                        problem.set(Some(err.into_problem()));
                        submitting.set(false);
                    }
                }
            });
        })
    };
    let onsubmit = {
        let (email, password) = (email.value.clone(), password.value.clone());
        let (problem, submitting, challenge) =
            (problem.clone(), submitting.clone(), challenge.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *submitting {
                return;
            }
            let request = LoginRequest {
                email: email.trim().to_owned(),
                password: password.clone(),
            };
            if let Some(invalid) = api::client_validation_problem(check_login(&request, texts)) {
                problem.set(Some(invalid));
                return;
            }
            problem.set(None);
            submitting.set(true);
            let (session, problem, submitting, challenge) = (
                session.clone(),
                problem.clone(),
                submitting.clone(),
                challenge.clone(),
            );
            spawn_local(async move {
                match api::login(&request).await {
                    Ok(LoginOutcome::SignedIn(me)) => {
                        session.dispatch(SessionAction::SignedIn(me.into()))
                    }
                    Ok(LoginOutcome::Held(held)) => {
                        submitting.set(false);
                        challenge.set(Some(held));
                    }
                    Err(err) => {
                        problem.set(Some(err.into_problem()));
                        submitting.set(false);
                    }
                }
            });
        })
    };

    let banner = problem.banner(FIELDS);
    let signed_out = use_location().is_some_and(|location| {
        location
            .query_str()
            .trim_start_matches('?')
            .split('&')
            .any(|pair| pair.split('=').next() == Some(SIGNED_OUT_QUERY))
    });

    html! {
        <section class="auth">
            <div class="card card--narrow">
                <h1>{ texts.t("login-title") }</h1>
                <p class="muted">{ texts.t("login-intro") }</p>
                if signed_out {
                    <div class="banner banner--info" id="signed-out" role="status">
                        { texts.t("login-signed-out") }
                    </div>
                }
                <FormBanner message={banner} />
                <form class="form" onsubmit={onsubmit} novalidate=true>
                    <EmailField input={email.clone()} problem={problem.clone()} />
                    <TextField id="password" label={texts.t("login-password")} input_type="password"
                        autocomplete="current-password"
                        value={password.value.clone()}
                        on_change={problem.on_change(&password.set, "password")}
                        error={problem.field_message("password")} />
                    // Element Timing: the browser records when this text is painted (the
                    // first-paint browser test reads it).
                    <button id="login-submit" type="submit" class="button button--block"
                        elementtiming="login-form" disabled={*submitting}>
                        { if *submitting { texts.t("login-submitting") } else { texts.t("login-submit") } }
                    </button>
                </form>
                <button id="login-passkey-sign-in" type="button"
                    class="button button--secondary button--block" onclick={on_passkey}
                    disabled={*submitting}>
                    { texts.t("login-passkey") }
                </button>
                <p class="card-footer" id="forgot-password">
                    <Link<Route> to={Route::ForgotPassword}>{ texts.t("login-forgot-password") }</Link<Route>>
                </p>
                <p class="card-footer">
                    { texts.t("login-new-here") }{ " " }
                    <Link<Route> to={Route::Signup}>{ texts.t("login-create-account") }</Link<Route>>
                </p>
                <LanguageSwitch />
            </div>
        </section>
    }
}

thread_local! {
    /// What was typed into index.html's static login form (`/login`'s first paint), kept
    /// when the app removes it: e-mail, then password.
    static TYPED_BEFORE_MOUNT: RefCell<[String; 2]> = RefCell::default();
}

/// The value of the static login form's field `id` (`email` or `password`), if the page
/// still shows it.
fn static_field(id: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let selector = format!("#{} #{id}", crate::app::LOADING_ID);
    let input = document.query_selector(&selector).ok()??;
    wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(input)
        .ok()
        .map(|input| input.value())
}

/// Keeps what the visitor typed into the static login form before the app removes it
/// (app.rs), so the login page starts with it.
pub fn keep_typed_before_mount() {
    TYPED_BEFORE_MOUNT.with(|typed| {
        let mut typed = typed.borrow_mut();
        for (slot, id) in typed.iter_mut().zip(["email", "password"]) {
            if let Some(value) = static_field(id) {
                *slot = value;
            }
        }
    });
}

/// What the visitor typed into the static login form's field `id` before the app mounted
/// (empty if nothing), taken once.
fn typed_before_mount(id: &str) -> String {
    if cfg!(not(target_arch = "wasm32")) {
        return String::new();
    }
    if let Some(value) = static_field(id) {
        return value;
    }
    let slot = usize::from(id == "password");
    TYPED_BEFORE_MOUNT.with(|typed| std::mem::take(&mut typed.borrow_mut()[slot]))
}

/// The checks worth making before asking the API. The password policy is not among them:
/// it may have changed since the password was chosen.
fn check_login(request: &LoginRequest, texts: Texts) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = checks::check_email("email", &request.email)
        .into_iter()
        .collect();
    if request.password.is_empty() {
        errors.push(FieldError {
            field: "password".to_owned(),
            code: codes::REQUIRED.to_owned(),
            message: texts.t("login-password-required"),
        });
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(email: &str, password: &str) -> LoginRequest {
        LoginRequest {
            email: email.into(),
            password: password.into(),
        }
    }

    #[test]
    fn login_needs_an_email_and_a_password() {
        let errors = check_login(&request("", ""), Texts::default());
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password"]);
    }

    #[test]
    fn login_does_not_apply_the_password_policy() {
        assert!(check_login(&request("owner@example.com", "short"), Texts::default()).is_empty());
    }
}
