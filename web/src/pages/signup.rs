//! Signing up (the form, then "check your inbox") and confirming the e-mail with the link.

use std::rc::Rc;

use portcullis_shared::dto::{ConfirmSignupRequest, SignupRequest};
use portcullis_shared::problem::FieldError;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::checks;
use crate::components::{FormBanner, LanguageSwitch, SelectField, TextField};
use crate::hooks::{use_form_problem, use_i18n, use_session, use_text_input};
use crate::pages::country_filter::countries_in;
use crate::pages::forgot_password::token_from_query;
use crate::state::SessionAction;

/// Request fields the sign-up form shows errors next to.
const FIELDS: &[&str] = &["email", "password", "phone", "country"];

/// Country preselected in the picker.
pub const DEFAULT_COUNTRY: &str = "PL";

/// The sign-up form. Nothing is created yet: the API e-mails a link, and the page says to
/// check the inbox (the same whether or not the address already has an account).
#[component]
pub fn SignupPage() -> Html {
    let texts = use_i18n();
    let email = use_text_input("");
    let password = use_text_input("");
    let phone = use_text_input("");
    let country = use_text_input(DEFAULT_COUNTRY);
    let problem = use_form_problem();
    let submitting = use_state(|| false);
    // The address the link went to, and for how many hours it works, once sent.
    let sent = use_state(|| None::<(String, u32)>);
    let countries = use_memo(texts, |texts| {
        countries_in(*texts)
            .into_iter()
            .map(|(code, name)| (AttrValue::from(code), AttrValue::from(name)))
            .collect::<Vec<_>>()
    });

    let onsubmit = {
        let mut request =
            signup_request(&email.value, &password.value, &phone.value, &country.value);
        // The new login's portal and mail start in the language this page is shown in.
        request.language = Some(texts.language());
        let (problem, submitting, sent) = (problem.clone(), submitting.clone(), sent.clone());
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
            let (problem, submitting, sent) = (problem.clone(), submitting.clone(), sent.clone());
            spawn_local(async move {
                match api::signup(&request).await {
                    Ok(accepted) => sent.set(Some((request.email, accepted.link_valid_hours))),
                    Err(err) => problem.set(Some(err.into_problem())),
                }
                submitting.set(false);
            });
        })
    };

    let banner = problem.banner(FIELDS);

    if let Some((address, hours)) = (*sent).clone() {
        return html! {
            <section class="auth" data-testid="signup-sent">
                <div class="card card--narrow">
                    <h1>{ texts.t("signup-sent-title") }</h1>
                    <div class="banner banner--success" id="signup-sent" role="status">
                        { texts.t_args("signup-sent-text", &[
                            ("address", address.into()),
                            ("hours", hours.into()),
                        ]) }
                    </div>
                    <p class="muted">{ texts.t("signup-sent-help") }</p>
                    <p class="card-footer">
                        <Link<Route> to={Route::Login}>{ texts.t("signup-back-to-login") }</Link<Route>>
                    </p>
                </div>
            </section>
        };
    }

    html! {
        <section class="auth">
            <div class="card card--narrow">
                <h1>{ texts.t("signup-title") }</h1>
                <p class="muted">{ texts.t("signup-intro") }</p>
                <FormBanner message={banner} />
                <form class="form" onsubmit={onsubmit} novalidate=true>
                    <TextField id="email" label={texts.t("signup-email")} input_type="email"
                        autocomplete="email" placeholder="name@company.com"
                        hint={texts.t("signup-email-hint")}
                        value={email.value.clone()}
                        on_change={problem.on_change(&email.set, "email")}
                        error={problem.field_message("email")} />
                    <TextField id="password" label={texts.t("signup-password")} input_type="password"
                        autocomplete="new-password"
                        hint={texts.t("signup-password-hint")}
                        value={password.value.clone()}
                        on_change={problem.on_change(&password.set, "password")}
                        error={problem.field_message("password")} />
                    <TextField id="phone" label={texts.t("signup-phone")} input_type="tel" optional=true
                        autocomplete="tel" placeholder="+48500100200"
                        hint={texts.t("signup-phone-hint")}
                        value={phone.value.clone()}
                        on_change={problem.on_change(&phone.set, "phone")}
                        error={problem.field_message("phone")} />
                    <SelectField id="country" label={texts.t("signup-country")} autocomplete="country"
                        dynamic_options={Rc::clone(&countries)}
                        value={country.value.clone()}
                        on_change={problem.on_change(&country.set, "country")}
                        error={problem.field_message("country")} />
                    <button id="signup-submit" type="submit" class="button button--block"
                        disabled={*submitting}>
                        { if *submitting { texts.t("signup-submitting") } else { texts.t("signup-submit") } }
                    </button>
                </form>
                <p class="card-footer">
                    { texts.t("signup-have-account") }{ " " }
                    <Link<Route> to={Route::Login}>{ texts.t("signup-log-in") }</Link<Route>>
                </p>
                <LanguageSwitch />
            </div>
        </section>
    }
}

/// The page a sign-up link opens (`?token=…`). Confirming takes a click rather than
/// happening on load, so a mail scanner that opens links does not use the link up.
/// Success creates the account, signs this browser in and opens the dashboard.
#[component]
pub fn VerifyEmailPage() -> Html {
    let texts = use_i18n();
    let token = use_location()
        .map(|l| token_from_query(l.query_str()))
        .unwrap_or_default();
    let session = use_session();
    let navigator = use_navigator();
    let problem = use_form_problem();
    let submitting = use_state(|| false);

    let onsubmit = {
        let request = ConfirmSignupRequest {
            token: token.clone(),
        };
        let (problem, submitting) = (problem.clone(), submitting.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *submitting {
                return;
            }
            problem.set(None);
            submitting.set(true);
            let request = request.clone();
            let (session, navigator, problem, submitting) = (
                session.clone(),
                navigator.clone(),
                problem.clone(),
                submitting.clone(),
            );
            spawn_local(async move {
                match api::confirm_signup(&request).await {
                    Ok(me) => {
                        session.dispatch(SessionAction::SignedIn(Rc::new(me)));
                        if let Some(navigator) = navigator {
                            navigator.replace(&Route::Dashboard);
                        }
                    }
                    Err(err) => {
                        problem.set(Some(err.into_problem()));
                        submitting.set(false);
                    }
                }
            });
        })
    };
    // The token is not a field the visitor can fix: its errors go to the banner.
    let banner = problem.banner(&[]);

    let body = if token.is_empty() {
        html! {
            <div class="banner banner--error" id="verify-no-token" role="alert">
                { texts.t("verify-incomplete-before") }{ " " }
                <Link<Route> to={Route::Signup}>{ texts.t("verify-incomplete-link") }</Link<Route>>
                { texts.t("verify-incomplete-after") }
            </div>
        }
    } else {
        html! {
            <>
                <p class="muted">{ texts.t("verify-intro") }</p>
                <FormBanner message={banner} />
                <form class="form" onsubmit={onsubmit} novalidate=true>
                    <button id="verify-email-submit" type="submit" class="button button--block"
                        disabled={*submitting}>
                        { if *submitting { texts.t("verify-submitting") } else { texts.t("verify-submit") } }
                    </button>
                </form>
            </>
        }
    };
    html! {
        <section class="auth" data-testid="verify-email">
            <div class="card card--narrow">
                <h1>{ texts.t("verify-title") }</h1>
                { body }
                <p class="card-footer">
                    { texts.t("verify-link-used") }{ " " }
                    <Link<Route> to={Route::Signup}>{ texts.t("verify-sign-up-again") }</Link<Route>>
                    { format!(" {} ", texts.t("verify-or")) }
                    <Link<Route> to={Route::Login}>{ texts.t("verify-log-in") }</Link<Route>>
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
        language: None,
    }
}

/// The shared checks, run before asking the API (which runs them again, and more).
fn check_signup(request: &SignupRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    errors.extend(checks::check_email("email", &request.email));
    errors.extend(checks::check_password(
        "password",
        &request.password,
        &request.email,
    ));
    if let Some(phone) = &request.phone {
        errors.extend(checks::check_phone_shape("phone", phone));
    }
    errors.extend(checks::check_country("country", &request.country));
    errors
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
        assert!(portcullis_shared::validate::countries()
            .iter()
            .any(|(code, _)| *code == DEFAULT_COUNTRY));
    }
}
