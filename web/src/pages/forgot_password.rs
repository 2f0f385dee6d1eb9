//! Asking for a password reset link, and setting a new password with one.

use portcullis_shared::dto::{ConfirmPasswordResetRequest, PasswordResetRequest};
use portcullis_shared::problem::FieldError;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::checks;
use crate::components::{EmailField, FormBanner, TextField};
use crate::hooks::{use_form_problem, use_i18n, use_session, use_text_input, FormProblem};
use crate::pages::password::new_password_hint;
use crate::state::SessionAction;

/// Runs `call` for a form: clears the problem, marks it submitting, and on success marks
/// it done; a refusal goes to the form's problem.
fn submit<F>(
    problem: &FormProblem,
    submitting: &UseStateHandle<bool>,
    done: &UseStateHandle<bool>,
    call: F,
) where
    F: std::future::Future<Output = Result<(), api::ApiError>> + 'static,
{
    problem.set(None);
    submitting.set(true);
    let (problem, submitting, done) = (problem.clone(), submitting.clone(), done.clone());
    spawn_local(async move {
        match call.await {
            Ok(()) => done.set(true),
            Err(err) => problem.set(Some(err.into_problem())),
        }
        submitting.set(false);
    });
}

/// "Forgot password?": asks for a reset link by e-mail. The answer is the same whether or
/// not the address has an account, and so is what this page says.
#[component]
pub fn ForgotPasswordPage() -> Html {
    let texts = use_i18n();
    let email = use_text_input("");
    let problem = use_form_problem();
    let submitting = use_state(|| false);
    let sent = use_state(|| false);

    let onsubmit = {
        let request = PasswordResetRequest {
            email: email.value.trim().to_owned(),
        };
        let (problem, submitting, sent) = (problem.clone(), submitting.clone(), sent.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *submitting {
                return;
            }
            let errors: Vec<FieldError> = checks::check_email("email", &request.email)
                .into_iter()
                .collect();
            if let Some(invalid) = api::client_validation_problem(errors) {
                problem.set(Some(invalid));
                return;
            }
            let request = request.clone();
            submit(&problem, &submitting, &sent, async move {
                api::request_password_reset(&request).await
            });
        })
    };
    let banner = problem.banner(&["email"]);

    html! {
        <section class="auth" data-testid="forgot-password">
            <div class="card card--narrow">
                <h1>{ texts.t("reset-request-title") }</h1>
                if *sent {
                    <div class="banner banner--success" id="reset-sent" role="status">
                        { texts.t("reset-request-sent") }
                    </div>
                } else {
                    <p class="muted">{ texts.t("reset-request-intro") }</p>
                    <FormBanner message={banner} />
                    <form class="form" onsubmit={onsubmit} novalidate=true>
                        <EmailField input={email.clone()} problem={problem.clone()} />
                        <button id="reset-request-submit" type="submit" class="button button--block"
                            disabled={*submitting}>
                            { if *submitting { texts.t("reset-request-sending") } else { texts.t("reset-request-submit") } }
                        </button>
                    </form>
                }
                <p class="card-footer">
                    <Link<Route> to={Route::Login}>{ texts.t("reset-back-to-login") }</Link<Route>>
                </p>
            </div>
        </section>
    }
}

/// The `token` of a reset or sign-up link's query string (`?token=…`). The tokens the API makes are
/// base64url, which needs no decoding; anything else the API refuses.
pub fn token_from_query(query: &str) -> String {
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .unwrap_or_default()
        .to_owned()
}

/// The page a reset link opens: choose the new password (the link's `token` is in the query).
#[component]
pub fn ResetPasswordPage() -> Html {
    let texts = use_i18n();
    let token = use_location()
        .map(|l| token_from_query(l.query_str()))
        .unwrap_or_default();
    html! {
        <section class="auth" data-testid="reset-password">
            <div class="card card--narrow">
                <h1>{ texts.t("reset-title") }</h1>
                <ResetPasswordForm {token} />
            </div>
        </section>
    }
}

/// Props of [`ResetPasswordForm`].
#[derive(Properties, PartialEq)]
pub struct ResetPasswordFormProps {
    /// The reset link's token; empty when the link had none.
    pub token: AttrValue,
}

/// The new password for a reset link. Setting it ends every session of the account, so a
/// visitor signed in here is signed out too.
#[component]
pub fn ResetPasswordForm(props: &ResetPasswordFormProps) -> Html {
    let session = use_session();
    let texts = use_i18n();
    let password = use_text_input("");
    let problem = use_form_problem();
    let submitting = use_state(|| false);
    let done = use_state(|| false);

    let onsubmit = {
        let request = ConfirmPasswordResetRequest {
            token: props.token.to_string(),
            new_password: password.value.clone(),
        };
        let (problem, submitting, done) = (problem.clone(), submitting.clone(), done.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *submitting {
                return;
            }
            // The e-mail is not known here; the API checks that part of the policy.
            let errors = checks::check_password("new_password", &request.new_password, "");
            if let Some(invalid) = api::client_validation_problem(errors) {
                problem.set(Some(invalid));
                return;
            }
            let (request, session) = (request.clone(), session.clone());
            submit(&problem, &submitting, &done, async move {
                api::confirm_password_reset(&request).await?;
                session.dispatch(SessionAction::SignedOut);
                Ok(())
            });
        })
    };
    // The token is not a field the visitor can fix: its errors go to the banner.
    let banner = problem.banner(&["new_password"]);

    if *done {
        return html! {
            <div class="banner banner--success" id="reset-done" role="status">
                { texts.t("reset-done") }{ " " }
                <Link<Route> to={Route::Login}>{ texts.t("reset-done-log-in") }</Link<Route>>
            </div>
        };
    }
    if props.token.is_empty() {
        return html! {
            <div class="banner banner--error" id="reset-no-token" role="alert">
                { texts.t("reset-incomplete") }{ " " }
                <Link<Route> to={Route::ForgotPassword}>{ texts.t("reset-incomplete-link") }</Link<Route>>
                { "." }
            </div>
        };
    }
    html! {
        <>
            <FormBanner message={banner} />
            <form class="form" onsubmit={onsubmit} novalidate=true>
                <TextField id="new_password" label={texts.t("reset-new-password")} input_type="password"
                    autocomplete="new-password" hint={new_password_hint(texts)}
                    value={password.value.clone()}
                    on_change={problem.on_change(&password.set, "new_password")}
                    error={problem.field_message("new_password")} />
                <button id="reset-submit" type="submit" class="button button--block"
                    disabled={*submitting}>
                    { if *submitting { texts.t("reset-saving") } else { texts.t("reset-submit") } }
                </button>
            </form>
            <p class="card-footer">
                <Link<Route> to={Route::ForgotPassword}>{ texts.t("reset-ask-again") }</Link<Route>>
            </p>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_the_query_string() {
        assert_eq!(token_from_query("?token=abc-_1"), "abc-_1");
        assert_eq!(token_from_query("?utm=x&token=abc"), "abc");
        assert_eq!(token_from_query(""), "");
        assert_eq!(token_from_query("?tokens=abc"), "");
    }
}
