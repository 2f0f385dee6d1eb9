//! The banner above a form for refusals that are not about one field.

use portcullis_shared::problem::{Problem, ProblemCode};
use yew::prelude::*;

use super::message_html;
use crate::i18n::Texts;

/// Props of [`FormBanner`].
#[derive(Properties, PartialEq)]
pub struct FormBannerProps {
    /// The text; nothing is rendered without one.
    #[prop_or_default]
    pub message: Option<AttrValue>,
}

/// An error banner (`role="alert"`, `id="form-error"`).
#[component]
pub fn FormBanner(props: &FormBannerProps) -> Html {
    match &props.message {
        Some(message) => html! {
            <div class="banner banner--error" id="form-error" role="alert">{ message_html(message) }</div>
        },
        None => Html::default(),
    }
}

/// What the banner of a form with `form_fields` says about `problem`: nothing when every
/// error is shown next to its field, otherwise the part the fields can't show.
///
/// A form field written `name[]` is a list shown in one control: it takes the errors about
/// `name` and about each of its entries, `name[0]`, `name[1]`…
pub fn banner_message(problem: &Problem, form_fields: &[&str]) -> Option<String> {
    let orphans: Vec<&str> = problem
        .errors
        .iter()
        .filter(|error| !shows_field(form_fields, &error.field))
        .map(|error| error.message.as_str())
        .collect();
    if !orphans.is_empty() {
        return Some(orphans.join(" "));
    }
    if !problem.errors.is_empty() {
        return None;
    }
    let texts = Texts::current();
    let own_words = match problem.code {
        ProblemCode::ValidationFailed => return problem.detail.clone(),
        ProblemCode::InvalidCredentials => Some(texts.t("error-invalid-credentials")),
        ProblemCode::RateLimited => Some(texts.t("error-rate-limited")),
        ProblemCode::CsrfFailed => Some(texts.t("error-csrf-failed")),
        ProblemCode::SessionExpired => Some(texts.t("error-session-expired")),
        _ => None,
    };
    let mut message = own_words.or_else(|| match (&problem.detail, problem.code) {
        (Some(detail), _) => Some(format!("{} — {detail}", problem.title)),
        (None, ProblemCode::Internal) => Some(texts.t("error-internal")),
        (None, _) => Some(problem.title.clone()),
    })?;
    if let Some(request_id) = &problem.request_id {
        if problem.code == ProblemCode::Internal {
            message.push(' ');
            message
                .push_str(&texts.t_args("error-request-id", &[("id", request_id.as_str().into())]));
        }
    }
    Some(message)
}

/// True when one of `form_fields` shows the errors about request field `field`.
pub fn shows_field(form_fields: &[&str], field: &str) -> bool {
    form_fields
        .iter()
        .any(|shown| match shown.strip_suffix("[]") {
            Some(list) => list_entry(list, field).is_some() || field == list,
            None => *shown == field,
        })
}

/// Every error the API reported about the list field `list` (`list` itself or one of its
/// entries, `list[2]`), joined; an entry's error is prefixed with what `entry` says the
/// entry was to the user (its line, its code), when it can tell.
pub fn list_message(
    problem: &Problem,
    list: &str,
    entry: impl Fn(usize) -> Option<String>,
) -> Option<String> {
    let messages: Vec<String> = problem
        .errors
        .iter()
        .filter_map(|error| {
            if error.field == list {
                return Some(error.message.clone());
            }
            let index = list_entry(list, &error.field)?;
            Some(match entry(index) {
                Some(label) => format!("{label}: {}", error.message),
                None => error.message.clone(),
            })
        })
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
}

/// The index `i` when `field` is `list[i]`.
pub fn list_entry(list: &str, field: &str) -> Option<usize> {
    field
        .strip_prefix(list)?
        .strip_prefix('[')?
        .strip_suffix(']')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_shared::problem::FieldError;

    fn problem(code: ProblemCode, errors: &[(&str, &str)]) -> Problem {
        Problem {
            type_uri: "about:blank".into(),
            title: "Refused".into(),
            status: 400,
            detail: None,
            code,
            request_id: None,
            permission: None,
            opens_at: None,
            country: None,
            recipients: Vec::new(),
            errors: errors
                .iter()
                .map(|(field, message)| FieldError {
                    field: (*field).into(),
                    code: "x".into(),
                    message: (*message).into(),
                })
                .collect(),
        }
    }

    const LOGIN_FIELDS: &[&str] = &["email", "password"];

    #[test]
    fn field_errors_stay_next_to_their_fields() {
        let p = problem(ProblemCode::ValidationFailed, &[("email", "Bad e-mail.")]);
        assert_eq!(banner_message(&p, LOGIN_FIELDS), None);
    }

    #[test]
    fn errors_about_fields_the_form_lacks_go_to_the_banner() {
        let p = problem(
            ProblemCode::ValidationFailed,
            &[("email", "Bad e-mail."), ("totp", "Enter the code.")],
        );
        assert_eq!(
            banner_message(&p, LOGIN_FIELDS).as_deref(),
            Some("Enter the code.")
        );
    }

    #[test]
    fn a_list_field_shows_the_errors_about_its_entries() {
        let fields = &["name", "ip_allowlist[]"];
        let p = problem(
            ProblemCode::ValidationFailed,
            &[
                ("ip_allowlist[0]", "Bad."),
                ("ip_allowlist[12]", "Overlaps."),
            ],
        );
        assert_eq!(banner_message(&p, fields), None);
        let p = problem(
            ProblemCode::ValidationFailed,
            &[("ip_allowlist", "Too many.")],
        );
        assert_eq!(banner_message(&p, fields), None);
        let p = problem(ProblemCode::ValidationFailed, &[("ip_allowlistx[0]", "?")]);
        assert_eq!(banner_message(&p, fields).as_deref(), Some("?"));
        let p = problem(
            ProblemCode::ValidationFailed,
            &[("ip_allowlist[0]", "Bad.")],
        );
        assert_eq!(
            banner_message(&p, &["ip_allowlist"]).as_deref(),
            Some("Bad.")
        );
        assert_eq!(list_entry("ip_allowlist", "ip_allowlist[3]"), Some(3));
        assert_eq!(list_entry("ip_allowlist", "ip_allowlist[x]"), None);
        assert_eq!(list_entry("ip_allowlist", "ip_allowlist"), None);
    }

    #[test]
    fn known_refusals_use_our_words() {
        let p = problem(ProblemCode::InvalidCredentials, &[]);
        assert_eq!(
            banner_message(&p, LOGIN_FIELDS).as_deref(),
            Some("The e-mail address or password is incorrect.")
        );
        let p = problem(ProblemCode::RateLimited, &[]);
        assert!(banner_message(&p, LOGIN_FIELDS)
            .unwrap()
            .contains("Too many attempts"));
    }

    #[test]
    fn other_refusals_use_the_servers_words_and_request_id() {
        let mut p = problem(ProblemCode::Unavailable, &[]);
        p.detail = Some("Storage is down.".into());
        assert_eq!(
            banner_message(&p, LOGIN_FIELDS).as_deref(),
            Some("Refused — Storage is down.")
        );

        let mut p = problem(ProblemCode::Internal, &[]);
        p.request_id = Some("req-42".into());
        let message = banner_message(&p, LOGIN_FIELDS).unwrap();
        assert!(message.contains("Something went wrong"), "{message}");
        assert!(message.contains("req-42"), "{message}");
    }
}
