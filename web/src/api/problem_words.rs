//! API refusals in the portal's language.
//!
//! The API words its problems in English, for integrators. The portal shows them in the
//! customer's language from what is stable in them: the problem's `code`, each field
//! error's and refused recipient's `code`, and the structured fields a problem carries
//! (`country`, `permission`, `opens_at`). In English the API's own words stay: they are
//! the more specific ("Overlaps 10.0.0.0/8, already on the list.").

use portcullis_shared::dto::Language;
use portcullis_shared::problem::{FieldError, Problem, ProblemCode};
use portcullis_shared::validate::codes;

use crate::format::format_timestamp_in;
use crate::i18n::{msg, MessageId, Texts};
use crate::pages::country_filter::country_name_in;

/// `problem` in the words of `texts`.
pub fn in_language(mut problem: Problem, texts: Texts) -> Problem {
    if texts.language() == Language::En {
        return problem;
    }
    problem.detail = detail(&problem, texts);
    problem.title = texts.msg(title(problem.code));
    for error in &mut problem.errors {
        if let Some(words) = field_words(&error.code) {
            error.message = texts.msg(words);
        }
    }
    for recipient in &mut problem.recipients {
        if let Some(words) = field_words(&recipient.code) {
            recipient.detail = texts.msg(words);
        }
    }
    problem
}

/// A check the portal shares with the API (`portcullis_shared::validate`), in the words
/// of the portal's current language.
pub fn field_error_in_language(mut error: FieldError) -> FieldError {
    let texts = Texts::current();
    if texts.language() != Language::En {
        if let Some(words) = field_words(&error.code) {
            error.message = texts.msg(words);
        }
    }
    error
}

/// What the problem says beyond its title, from what it carries; none where the API's
/// detail holds only figures the body does not carry on their own.
fn detail(problem: &Problem, texts: Texts) -> Option<String> {
    let arg =
        |id: MessageId, name: &str, value: String| texts.msg_args(id, &[(name, value.into())]);
    match problem.code {
        ProblemCode::PermissionDenied => problem.permission.clone().map(|permission| {
            arg(
                msg("problem-permission-denied-detail"),
                "permission",
                permission,
            )
        }),
        ProblemCode::OutsideSendingHours | ProblemCode::OutsideTokenWindow => {
            problem.opens_at.as_deref().map(|opens_at| {
                arg(
                    msg("problem-opens-at-detail"),
                    "time",
                    format_timestamp_in(opens_at, texts),
                )
            })
        }
        ProblemCode::CountryNotAllowed => problem.country.as_deref().map(|country| {
            arg(
                msg("problem-country-not-allowed-detail"),
                "country",
                country_name_in(country, texts),
            )
        }),
        ProblemCode::TokenCountryNotAllowed => problem.country.as_deref().map(|country| {
            arg(
                msg("problem-token-country-not-allowed-detail"),
                "country",
                country_name_in(country, texts),
            )
        }),
        ProblemCode::InvalidRecipients => Some(texts.t_args(
            "problem-invalid-recipients-detail",
            &[("count", problem.recipients.len().into())],
        )),
        ProblemCode::ValidationFailed => Some(texts.t("error-validation-detail")),
        ProblemCode::AccountSuspended => Some(texts.t("problem-account-suspended-detail")),
        ProblemCode::PasswordChangeRequired => {
            Some(texts.t("problem-password-change-required-detail"))
        }
        ProblemCode::TwoFactorSetupRequired => {
            Some(texts.t("problem-two-factor-setup-required-detail"))
        }
        ProblemCode::IdempotencyKeyReused => Some(texts.t("problem-idempotency-key-reused-detail")),
        ProblemCode::Internal | ProblemCode::DeliveryFailed => {
            Some(texts.t("problem-quote-request-id-detail"))
        }
        _ => None,
    }
}

/// The title of a problem with `code`.
fn title(code: ProblemCode) -> MessageId {
    match code {
        ProblemCode::ValidationFailed => msg("problem-validation-failed"),
        ProblemCode::MalformedBody => msg("problem-malformed-body"),
        ProblemCode::MalformedPath => msg("problem-malformed-path"),
        ProblemCode::MalformedQuery => msg("problem-malformed-query"),
        ProblemCode::PayloadTooLarge => msg("problem-payload-too-large"),
        ProblemCode::UnsupportedMediaType => msg("problem-unsupported-media-type"),
        ProblemCode::Unauthenticated => msg("problem-unauthenticated"),
        ProblemCode::SessionExpired => msg("problem-session-expired"),
        ProblemCode::InvalidCredentials => msg("problem-invalid-credentials"),
        ProblemCode::CsrfFailed => msg("problem-csrf-failed"),
        ProblemCode::Forbidden => msg("problem-forbidden"),
        ProblemCode::PasswordChangeRequired => msg("problem-password-change-required"),
        ProblemCode::MissingToken => msg("problem-missing-token"),
        ProblemCode::TokenInvalid => msg("problem-token-invalid"),
        ProblemCode::TokenExpired => msg("problem-token-expired"),
        ProblemCode::TokenDisabled => msg("problem-token-disabled"),
        ProblemCode::TokenRevoked => msg("problem-token-revoked"),
        ProblemCode::InsufficientScope => msg("problem-insufficient-scope"),
        ProblemCode::TokenIpNotAllowed => msg("problem-token-ip-not-allowed"),
        ProblemCode::AccountIpNotAllowed => msg("problem-account-ip-not-allowed"),
        ProblemCode::AccountSuspended => msg("problem-account-suspended"),
        ProblemCode::TokenNetworkNotAllowed => msg("problem-token-network-not-allowed"),
        ProblemCode::IpNotAllowed => msg("problem-ip-not-allowed"),
        ProblemCode::WouldLockOut => msg("problem-would-lock-out"),
        ProblemCode::CountryNotAllowed => msg("problem-country-not-allowed"),
        ProblemCode::InsufficientPoints => msg("problem-insufficient-points"),
        ProblemCode::InvalidRecipients => msg("problem-invalid-recipients"),
        ProblemCode::TrialRestricted => msg("problem-trial-restricted"),
        ProblemCode::CodeExpired => msg("problem-code-expired"),
        ProblemCode::CodeUsed => msg("problem-code-used"),
        ProblemCode::CodeLocked => msg("problem-code-locked"),
        ProblemCode::NotFound => msg("problem-not-found"),
        ProblemCode::PermissionDenied => msg("problem-permission-denied"),
        ProblemCode::OutsideSendingHours => msg("problem-outside-sending-hours"),
        ProblemCode::PointsLimitReached => msg("problem-points-limit-reached"),
        ProblemCode::TokenCountryNotAllowed => msg("problem-token-country-not-allowed"),
        ProblemCode::OutsideTokenWindow => msg("problem-outside-token-window"),
        ProblemCode::TokenPointsCapReached => msg("problem-token-points-cap-reached"),
        ProblemCode::TwoFactorSetupRequired => msg("problem-two-factor-setup-required"),
        ProblemCode::MethodNotAllowed => msg("problem-method-not-allowed"),
        ProblemCode::Conflict => msg("problem-conflict"),
        ProblemCode::IdempotencyKeyReused => msg("problem-idempotency-key-reused"),
        ProblemCode::RateLimited => msg("problem-rate-limited"),
        ProblemCode::LoginLocked => msg("problem-login-locked"),
        ProblemCode::SmsBudgetExhausted => msg("problem-sms-budget-exhausted"),
        ProblemCode::SmsCountryPaused => msg("problem-sms-country-paused"),
        ProblemCode::LoginChallengeInvalid => msg("problem-login-challenge-invalid"),
        ProblemCode::PasskeysUnavailable => msg("problem-passkeys-unavailable"),
        ProblemCode::PasskeyRefused => msg("problem-passkey-refused"),
        ProblemCode::PasskeyCeremonyInvalid => msg("problem-passkey-ceremony-invalid"),
        ProblemCode::Unavailable => msg("problem-unavailable"),
        ProblemCode::DeliveryFailed => msg("problem-delivery-failed"),
        ProblemCode::Internal => msg("problem-internal"),
        ProblemCode::Unknown => msg("problem-unknown"),
    }
}

/// What a field error (or a refused recipient) with `code` says; none for a code this
/// portal does not know yet (the API's words are shown then).
fn field_words(code: &str) -> Option<MessageId> {
    Some(match code {
        codes::REQUIRED => msg("field-required"),
        codes::TOO_SHORT => msg("field-too-short"),
        codes::TOO_LONG => msg("field-too-long"),
        codes::MISSING_UPPERCASE => msg("field-missing-uppercase"),
        codes::MISSING_DIGIT => msg("field-missing-digit"),
        codes::CONTAINS_EMAIL => msg("field-contains-email"),
        codes::COMMON_PASSWORD => msg("field-common-password"),
        codes::INVALID_EMAIL => msg("field-invalid-email"),
        codes::INVALID_PHONE => msg("field-invalid-phone"),
        codes::INVALID_COUNTRY => msg("field-invalid-country"),
        codes::TAKEN => msg("field-taken"),
        codes::INVALID_CIDR => msg("field-invalid-cidr"),
        codes::DUPLICATE => msg("field-duplicate"),
        codes::OVERLAPS => msg("field-overlaps"),
        codes::INVALID_SCOPE => msg("field-invalid-scope"),
        codes::INVALID_DATE => msg("field-invalid-date"),
        codes::INVALID_SENDER => msg("field-invalid-sender"),
        codes::UNKNOWN_GROUP => msg("field-unknown-group"),
        codes::INVALID_CODE => msg("field-invalid-code"),
        codes::UNKNOWN_SENDER => msg("field-unknown-sender"),
        codes::INVALID_IDEMPOTENCY_KEY => msg("field-invalid-idempotency-key"),
        codes::NOT_A_CHOICE => msg("field-not-a-choice"),
        codes::LOCKS_YOU_OUT => msg("field-locks-you-out"),
        codes::INCORRECT => msg("field-incorrect"),
        codes::CODE_EXPIRED => msg("field-code-expired"),
        codes::CODE_USED => msg("field-code-used"),
        codes::CODE_LOCKED => msg("field-code-locked"),
        codes::NO_CODE_SENT => msg("field-no-code-sent"),
        codes::METHOD_UNAVAILABLE => msg("field-method-unavailable"),
        codes::PASSKEY_REQUIRED => msg("field-passkey-required"),
        codes::INVALID_PASSKEY_RESPONSE => msg("field-invalid-passkey-response"),
        codes::TWO_FACTOR_REQUIRED => msg("field-two-factor-required"),
        codes::TWO_FACTOR_NOT_ENABLED => msg("field-two-factor-not-enabled"),
        codes::WRONG_PASSWORD => msg("field-wrong-password"),
        codes::REUSED_PASSWORD => msg("field-reused-password"),
        codes::INVALID_RESET_LINK => msg("field-invalid-reset-link"),
        codes::EXPIRED_RESET_LINK => msg("field-expired-reset-link"),
        codes::USED_RESET_LINK => msg("field-used-reset-link"),
        codes::INVALID_SIGNUP_LINK => msg("field-invalid-signup-link"),
        codes::EXPIRED_SIGNUP_LINK => msg("field-expired-signup-link"),
        codes::USED_SIGNUP_LINK => msg("field-used-signup-link"),
        codes::INVALID_TIME => msg("field-invalid-time"),
        codes::END_BEFORE_START => msg("field-end-before-start"),
        codes::INVALID_TIME_ZONE => msg("field-invalid-time-zone"),
        codes::NEGATIVE => msg("field-negative"),
        codes::UNKNOWN_VALUE => msg("field-unknown-value"),
        codes::OUT_OF_RANGE => msg("field-out-of-range"),
        codes::COUNTRY_NOT_ALLOWED => msg("field-country-not-allowed"),
        codes::INVALID_URL => msg("field-invalid-url"),
        codes::INSECURE_URL => msg("field-insecure-url"),
        codes::URL_CREDENTIALS => msg("field-url-credentials"),
        codes::URL_FRAGMENT => msg("field-url-fragment"),
        codes::ADDRESS_NOT_ALLOWED => msg("field-address-not-allowed"),
        codes::UNRESOLVABLE_HOST => msg("field-unresolvable-host"),
        codes::TRIAL_RESTRICTED => msg("field-trial-restricted"),
        codes::IN_THE_PAST => msg("field-in-the-past"),
        codes::NEEDS_PERMANENT_ENTRY => msg("field-needs-permanent-entry"),
        codes::TOO_MANY => msg("field-too-many"),
        codes::EMPTY_GROUP => msg("field-empty-group"),
        codes::CONFLICTING => msg("field-conflicting"),
        codes::NOT_ON_COUNTRY_FILTER => msg("field-not-on-country-filter"),
        codes::NOT_POSITIVE => msg("field-not-positive"),
        codes::TOKEN_COUNTRY_NOT_ALLOWED => msg("field-token-country-not-allowed"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_shared::problem::RecipientError;

    fn refused(code: ProblemCode) -> Problem {
        Problem {
            type_uri: "about:blank".into(),
            title: "Messages to this country are blocked by the account's country filter".into(),
            status: 422,
            detail: Some("Destination country US is not on the country filter.".into()),
            code,
            request_id: None,
            permission: None,
            opens_at: None,
            country: Some("US".into()),
            recipients: Vec::new(),
            errors: Vec::new(),
        }
    }

    #[test]
    fn english_keeps_the_apis_own_words() {
        let problem = refused(ProblemCode::CountryNotAllowed);
        assert_eq!(
            in_language(problem.clone(), Texts::new(Language::En)),
            problem
        );
    }

    #[test]
    fn polish_words_the_title_detail_fields_and_recipients_by_their_codes() {
        let pl = Texts::new(Language::Pl);
        let shown = in_language(refused(ProblemCode::CountryNotAllowed), pl);
        assert_eq!(
            shown.title,
            "Wiadomości do tego kraju blokuje filtr krajów konta"
        );
        let detail = shown.detail.unwrap();
        // Outside a browser there are no CLDR names (Chromium says "Stany Zjednoczone").
        assert!(detail.starts_with("Kraju United States"), "{detail}");

        let mut problem = Problem::validation_failed(vec![FieldError::new(
            "value",
            codes::OVERLAPS,
            "Overlaps 10.0.0.0/8, already on the list.",
        )]);
        problem.recipients.push(RecipientError {
            index: 0,
            to: "+1555".into(),
            code: codes::INVALID_PHONE.into(),
            detail: "Not a phone number.".into(),
        });
        problem
            .errors
            .push(FieldError::new("x", "brand_new", "Kept."));
        let shown = in_language(problem, pl);
        assert_eq!(
            shown.errors[0].message,
            "Ten zakres pokrywa się z wpisem, który już jest na liście."
        );
        assert_eq!(
            shown.errors[1].message, "Kept.",
            "unknown codes keep the API's words"
        );
        assert!(shown.recipients[0].detail.starts_with("Podaj numer"));
    }

    #[test]
    fn every_problem_code_and_field_code_has_words_in_every_language() {
        let codes_text = include_str!("../../../shared/src/validate.rs");
        let field_codes: Vec<&str> = codes_text
            .lines()
            .filter_map(|line| line.trim().strip_prefix("pub const "))
            .filter_map(|rest| rest.split('"').nth(1))
            .filter(|code| code.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        assert!(field_codes.len() > 50, "{field_codes:?}");
        for code in field_codes {
            let words = field_words(code).unwrap_or_else(|| panic!("no words for {code}"));
            for language in Language::ALL {
                let text = Texts::new(language).msg(words);
                assert!(
                    !text.starts_with("field-"),
                    "{code} in {language:?}: {text}"
                );
            }
        }
    }
}
