//! The password: changing it, the "new password every 30 days" policy, and the view a
//! session gets when a change is due and it may do nothing else.

use portcullis_shared::dto::{
    ChangePasswordRequest, PasswordPolicyDto, UpdatePasswordPolicyRequest,
};
use portcullis_shared::problem::FieldError;
use portcullis_shared::validate::codes;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::checks;
use crate::components::{FormBanner, LogoutButton, SecurityTabs, TextField};
use crate::format::format_timestamp_in;
use crate::hooks::{
    use_form_problem, use_i18n, use_logout, use_session, use_session_calls, use_text_input,
    use_toasts,
};
use crate::i18n::Texts;
use crate::state::SessionAction;

/// Request fields the change form shows errors next to.
const FIELDS: &[&str] = &["current_password", "new_password"];

/// The policy's words, shared by the forms that set a new password.
pub fn new_password_hint(texts: Texts) -> String {
    texts.t("password-new-hint")
}

/// The password page: the change form and the rotation policy. Rendered only behind
/// `RequireSession`.
#[component]
pub fn PasswordPage() -> Html {
    let texts = use_i18n();
    let session = use_session();
    // The rotation policy is the account's, set by its owner.
    let owner = session.me().is_some_and(|me| me.access.is_owner());
    // Each change makes the policy card load again: it shows when the password was set.
    let changes = use_state(|| 0_u32);
    let on_changed = {
        let changes = changes.clone();
        Callback::from(move |()| changes.set(*changes + 1))
    };
    html! {
        <section class="password" data-testid="password">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{ texts.t("twofactor-security") }</p>
                    <h1>{ texts.t("twofactor-password-2") }</h1>
                    <p class="muted lead">
                        { texts.t("twofactor-changing-password-signs-out") }
                    </p>
                </div>
            </div>
            <SecurityTabs />
            <div class="card card--narrow">
                <h2>{ texts.t("twofactor-change-password") }</h2>
                <ChangePasswordForm {on_changed} />
            </div>
            if owner {
                <PasswordPolicyCard changes={*changes} />
            }
        </section>
    }
}

/// What a session may see while a password change is due: the change form, and a way out.
#[component]
pub fn ForcedPasswordChange() -> Html {
    let texts = use_i18n();
    let logout = use_logout();
    html! {
        <section class="auth" data-testid="password-change-required">
            <div class="card card--narrow">
                <h1>{ texts.t("twofactor-choose-new-password") }</h1>
                <p class="muted" id="password-due">
                    { texts.t("twofactor-account-asks-new-password") }
                </p>
                <FormBanner message={logout.banner.clone()} />
                <ChangePasswordForm />
                <p class="card-footer"><LogoutButton {logout} /></p>
            </div>
        </section>
    }
}

/// Props of [`ChangePasswordForm`].
#[derive(Properties, PartialEq)]
pub struct ChangePasswordFormProps {
    /// Called after the password was changed.
    #[prop_or_default]
    pub on_changed: Callback<()>,
}

/// The form that changes the signed-in account's password.
#[component]
pub fn ChangePasswordForm(props: &ChangePasswordFormProps) -> Html {
    let session = use_session();
    let calls = use_session_calls();
    let texts = use_i18n();
    let current = use_text_input("");
    let new = use_text_input("");
    let problem = use_form_problem();
    let submitting = use_state(|| false);
    let changed = use_state(|| false);
    let toasts = use_toasts();

    let onsubmit = {
        let request = ChangePasswordRequest {
            current_password: current.value.clone(),
            new_password: new.value.clone(),
        };
        let email = session
            .me()
            .map(|me| me.account.email.clone())
            .unwrap_or_default();
        let (problem, submitting, changed) = (problem.clone(), submitting.clone(), changed.clone());
        let (current, new) = (current.clone(), new.clone());
        let on_changed = toasts.after(props.on_changed.clone(), move |()| {
            texts.t("twofactor-password-changed-toast")
        });
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *submitting {
                return;
            }
            if let Some(invalid) =
                api::client_validation_problem(check_change(&request, &email, texts))
            {
                problem.set(Some(invalid));
                return;
            }
            problem.set(None);
            submitting.set(true);
            let (request, session, calls) = (request.clone(), session.clone(), calls.clone());
            let (problem, submitting, changed) =
                (problem.clone(), submitting.clone(), changed.clone());
            let (current, new, on_changed) = (current.clone(), new.clone(), on_changed.clone());
            spawn_local(async move {
                match api::change_password(calls.csrf_token(), &request).await {
                    Ok(me) => {
                        current.set.emit(String::new());
                        new.set.emit(String::new());
                        changed.set(true);
                        session.dispatch(SessionAction::SignedIn(me.into()));
                        on_changed.emit(());
                    }
                    Err(err) => problem.set(Some(calls.problem(err))),
                }
                submitting.set(false);
            });
        })
    };

    let banner = problem.banner(FIELDS);
    html! {
        <form class="form" onsubmit={onsubmit} novalidate=true>
            if *changed && problem.get().is_none() {
                <div class="banner banner--success" id="password-changed" role="status">
                    { texts.t("twofactor-password-changed-every-other") }
                </div>
            }
            <FormBanner message={banner} />
            <TextField id="current_password" label={texts.t("twofactor-current-password")} input_type="password"
                autocomplete="current-password"
                value={current.value.clone()}
                on_change={problem.on_change(&current.set, "current_password")}
                error={problem.field_message("current_password")} />
            <TextField id="new_password" label={texts.t("twofactor-new-password")} input_type="password"
                autocomplete="new-password" hint={new_password_hint(texts)}
                value={new.value.clone()}
                on_change={problem.on_change(&new.set, "new_password")}
                error={problem.field_message("new_password")} />
            <button id="change-password-submit" type="submit" class="button button--block"
                disabled={*submitting}>
                { if *submitting { texts.t("twofactor-changing") } else { texts.t("twofactor-change-password-2") } }
            </button>
        </form>
    }
}

/// The checks worth making before asking the API (which also checks the last 5).
fn check_change(request: &ChangePasswordRequest, email: &str, texts: Texts) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if request.current_password.is_empty() {
        errors.push(FieldError::new(
            "current_password",
            codes::REQUIRED,
            texts.t("password-current-required"),
        ));
    }
    errors.extend(checks::check_password(
        "new_password",
        &request.new_password,
        email,
    ));
    if errors.is_empty() && request.new_password == request.current_password {
        errors.push(FieldError::new(
            "new_password",
            codes::REUSED_PASSWORD,
            texts.t("password-must-differ"),
        ));
    }
    errors
}

#[derive(Properties, PartialEq)]
struct PasswordPolicyCardProps {
    /// How many times the password was changed on this page: the card reloads on each.
    changes: u32,
}

/// The "new password every 30 days" switch, saved as soon as it is flipped.
#[component]
fn PasswordPolicyCard(props: &PasswordPolicyCardProps) -> Html {
    let texts = use_i18n();
    let calls = use_session_calls();
    let policy = use_state(|| None::<PasswordPolicyDto>);
    let problem = use_form_problem();
    let saving = use_state(|| false);

    {
        let (policy, problem, calls) = (policy.clone(), problem.clone(), calls.clone());
        use_effect_with(props.changes, move |_| {
            spawn_local(async move {
                match api::password_policy().await {
                    Ok(loaded) => policy.set(Some(loaded)),
                    Err(err) => problem.set(Some(calls.problem(err))),
                }
            });
        });
    }
    let onchange = {
        let (policy, problem, saving) = (policy.clone(), problem.clone(), saving.clone());
        Callback::from(move |event: Event| {
            let request = UpdatePasswordPolicyRequest {
                rotation_required: event.target_unchecked_into::<HtmlInputElement>().checked(),
            };
            saving.set(true);
            problem.set(None);
            let (policy, problem, saving, calls) = (
                policy.clone(),
                problem.clone(),
                saving.clone(),
                calls.clone(),
            );
            spawn_local(async move {
                match api::set_password_policy(calls.csrf_token(), &request).await {
                    Ok(saved) => policy.set(Some(saved)),
                    Err(err) => problem.set(Some(calls.problem(err))),
                }
                saving.set(false);
            });
        })
    };
    let banner = problem.banner(&[]);

    html! {
        <div class="card card--narrow" id="password-policy">
            <h2>{ texts.t("twofactor-require-new-password-every") }</h2>
            <p class="muted">
                { texts.t("twofactor-when-password-30-days") }
            </p>
            <FormBanner message={banner} />
            <label class="checkbox" for="rotation-required">
                <input id="rotation-required" name="rotation_required" type="checkbox"
                    checked={policy.as_ref().is_some_and(|p| p.rotation_required)}
                    disabled={policy.is_none() || *saving}
                    {onchange} />
                { " " }{ texts.t("twofactor-ask-new-password-every") }
            </label>
            <PolicySummary policy={(*policy).clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PolicySummaryProps {
    policy: Option<PasswordPolicyDto>,
}

/// When the password was set, and when the next change is due.
#[component]
fn PolicySummary(props: &PolicySummaryProps) -> Html {
    let texts = use_i18n();
    let Some(policy) = &props.policy else {
        return html! { <p class="loading muted" aria-busy="true">{ texts.t("twofactor-loading-password-policy") }</p> };
    };
    html! {
        <dl class="details">
            <dt>{ texts.t("twofactor-password-set") }</dt>
            <dd id="password-changed-at">
                <time datetime={policy.password_changed_at.clone()}>
                    { format_timestamp_in(&policy.password_changed_at, texts) }
                </time>
            </dd>
            if let Some(due) = &policy.change_due_at {
                <dt>{ texts.t("twofactor-next-change-due") }</dt>
                <dd id="password-due-at">{ format_timestamp_in(due, texts) }</dd>
            }
        </dl>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(current: &str, new: &str) -> ChangePasswordRequest {
        ChangePasswordRequest {
            current_password: current.into(),
            new_password: new.into(),
        }
    }

    #[test]
    fn the_form_needs_the_current_password_and_a_policy_password() {
        let fields: Vec<String> = check_change(&request("", "weak"), "a@b.io", Texts::default())
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields[0], "current_password");
        assert!(fields[1..].iter().all(|f| f == "new_password"));
        assert!(check_change(
            &request("Old-Pass-1", "Amber-Lantern-77"),
            "a@b.io",
            Texts::default()
        )
        .is_empty());
    }

    #[test]
    fn the_new_password_must_differ_from_the_current_one() {
        let errors = check_change(
            &request("Amber-Lantern-77", "Amber-Lantern-77"),
            "a@b.io",
            Texts::default(),
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, codes::REUSED_PASSWORD);
    }
}
