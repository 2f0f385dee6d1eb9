use std::rc::Rc;

use portcullis_shared::dto::{LoginRequest, SignupRequest};
use portcullis_shared::problem::{FieldError, Problem, ProblemCode};
use portcullis_shared::validate;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::{banner_message, FormBanner, SelectField, TextField};
use crate::hooks::{use_form_problem, use_session, use_text_input};
use crate::state::SessionAction;

/// Request fields the sign-up form shows errors next to.
const FIELDS: &[&str] = &["email", "password", "phone", "country"];

/// Country preselected in the picker.
pub const DEFAULT_COUNTRY: &str = "PL";

/// The sign-up form. Sign-up does not start a session, so on success the portal logs in
/// with the same credentials; the route guard then opens the dashboard.
#[component]
pub fn SignupPage() -> Html {
    let session = use_session();
    let email = use_text_input("");
    let password = use_text_input("");
    let phone = use_text_input("");
    let country = use_text_input(DEFAULT_COUNTRY);
    let problem = use_form_problem();
    let submitting = use_state(|| false);
    let countries = use_memo((), |_| validate::countries());

    let onsubmit = {
        let request = signup_request(&email.value, &password.value, &phone.value, &country.value);
        let (problem, submitting) = (problem.clone(), submitting.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *submitting {
                return;
            }
            if let Some(invalid) = api::client_validation_problem(check_signup(&request)) {
                problem.set(Some(invalid));
                return;
            }
            problem.set(None);
            submitting.set(true);
            let request = request.clone();
            let (session, problem, submitting) =
                (session.clone(), problem.clone(), submitting.clone());
            spawn_local(async move {
                let outcome = match api::signup(&request).await {
                    Ok(_account) => {
                        let login = LoginRequest {
                            email: request.email.clone(),
                            password: request.password.clone(),
                        };
                        // The browser that signed up is trusted, so the login is not held;
                        // if it ever is, the login page asks for the code.
                        match api::login(&login).await {
                            Ok(api::LoginOutcome::SignedIn(me)) => Ok(*me),
                            Ok(api::LoginOutcome::Held(_)) | Err(_) => {
                                Err(created_but_not_signed_in())
                            }
                        }
                    }
                    Err(err) => Err(err.into_problem()),
                };
                match outcome {
                    Ok(me) => session.dispatch(SessionAction::SignedIn(me.into())),
                    Err(refusal) => {
                        problem.set(Some(refusal));
                        submitting.set(false);
                    }
                }
            });
        })
    };

    let banner = problem
        .get()
        .and_then(|p| banner_message(p, FIELDS))
        .map(AttrValue::from);

    html! {
        <section class="auth">
            <div class="card card--narrow">
                <h1>{ "Create your account" }</h1>
                <p class="muted">{ "Start sending SMS in minutes. No card needed to sign up." }</p>
                <FormBanner message={banner} />
                <form class="form" onsubmit={onsubmit} novalidate=true>
                    <TextField id="email" label="Work e-mail" input_type="email"
                        autocomplete="email" placeholder="name@company.com"
                        value={email.value.clone()}
                        on_change={problem.on_change(&email.set, "email")}
                        error={problem.field_message("email")} />
                    <TextField id="password" label="Password" input_type="password"
                        autocomplete="new-password"
                        hint="At least 8 characters, with an uppercase letter and a digit."
                        value={password.value.clone()}
                        on_change={problem.on_change(&password.set, "password")}
                        error={problem.field_message("password")} />
                    <TextField id="phone" label="Mobile phone" input_type="tel" optional=true
                        autocomplete="tel" placeholder="+48500100200"
                        hint="International format. Used for sign-in codes."
                        value={phone.value.clone()}
                        on_change={problem.on_change(&phone.set, "phone")}
                        error={problem.field_message("phone")} />
                    <SelectField id="country" label="Country" autocomplete="country"
                        options={Rc::clone(&countries)}
                        value={country.value.clone()}
                        on_change={problem.on_change(&country.set, "country")}
                        error={problem.field_message("country")} />
                    <button id="signup-submit" type="submit" class="button button--block"
                        disabled={*submitting}>
                        { if *submitting { "Creating account…" } else { "Create account" } }
                    </button>
                </form>
                <p class="card-footer">
                    { "Already have an account? " }
                    <Link<Route> to={Route::Login}>{ "Log in" }</Link<Route>>
                </p>
            </div>
        </section>
    }
}

/// The request the form's values make; an empty phone is left out.
fn signup_request(email: &str, password: &str, phone: &str, country: &str) -> SignupRequest {
    let phone = phone.trim();
    SignupRequest {
        email: email.trim().to_owned(),
        password: password.to_owned(),
        phone: (!phone.is_empty()).then(|| phone.to_owned()),
        country: country.to_owned(),
    }
}

/// The shared checks, run before asking the API (which runs them again, and more).
fn check_signup(request: &SignupRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    errors.extend(validate::check_email("email", &request.email));
    errors.extend(validate::check_password(
        "password",
        &request.password,
        &request.email,
    ));
    if let Some(phone) = &request.phone {
        errors.extend(validate::check_phone_shape("phone", phone));
    }
    errors.extend(validate::check_country("country", &request.country));
    errors
}

/// The account exists but the automatic login failed (e.g. rate limited): say so, rather
/// than inviting a second sign-up that would only be refused as a duplicate.
fn created_but_not_signed_in() -> Problem {
    Problem {
        type_uri: "about:blank".to_owned(),
        title: "Your account was created".to_owned(),
        status: 0,
        detail: Some("Log in with your new e-mail address and password.".to_owned()),
        code: ProblemCode::Unknown,
        request_id: None,
        permission: None,
        opens_at: None,
        errors: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_form_passes() {
        let request = signup_request(" owner@example.com ", "Tr0ubadour", "", "PL");
        assert_eq!(request.email, "owner@example.com");
        assert_eq!(request.phone, None);
        assert!(check_signup(&request).is_empty());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let request = signup_request("owner", "weak", "500100200", "");
        assert_eq!(
            fields_of(&check_signup(&request)),
            ["email", "password", "password", "password", "phone", "country"]
        );
    }

    #[test]
    fn the_phone_is_optional_but_checked_when_given() {
        let request = signup_request("owner@example.com", "Tr0ubadour", "+48500100200", "PL");
        assert_eq!(request.phone.as_deref(), Some("+48500100200"));
        assert!(check_signup(&request).is_empty());
    }

    #[test]
    fn the_default_country_is_in_the_picker() {
        assert!(validate::countries()
            .iter()
            .any(|(code, _)| *code == DEFAULT_COUNTRY));
    }
}
