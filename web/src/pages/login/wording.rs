//! What the code step says and checks, as pure functions of the held sign-in.

use portcullis_shared::dto::{ChallengeReason, LoginChallengeDto, VerificationMethod};
use portcullis_shared::problem::FieldError;
use portcullis_shared::validate::codes;

/// Digits in a code sent by SMS or e-mail or shown by an authenticator app.
const CODE_DIGITS: usize = 6;

/// The method the step starts with: the channel the code went by, else the preferred one.
pub fn first_method(challenge: &LoginChallengeDto) -> VerificationMethod {
    challenge
        .sent_by
        .or_else(|| challenge.methods.first().copied())
        .unwrap_or(VerificationMethod::RecoveryCode)
}

/// True for methods whose code the API sends (by SMS or e-mail).
pub fn is_sent(method: VerificationMethod) -> bool {
    matches!(method, VerificationMethod::Sms | VerificationMethod::Email)
}

/// The step's heading.
pub fn heading(reason: ChallengeReason) -> &'static str {
    match reason {
        ChallengeReason::NewDevice => "Confirm it's you",
        ChallengeReason::TwoFactor => "Two-factor sign-in",
    }
}

/// The plain sentence above the code field: what to enter, and why.
pub fn prompt(
    reason: ChallengeReason,
    method: VerificationMethod,
    sent_to: Option<&str>,
) -> String {
    let to = |fallback: &'static str| sent_to.unwrap_or(fallback).to_owned();
    let destination = match method {
        VerificationMethod::Totp => {
            return "Enter the 6-digit code from your authenticator app.".to_owned()
        }
        VerificationMethod::RecoveryCode => {
            return "Enter one of the recovery codes you saved when you turned on two-factor \
                    sign-in. Each code works once."
                .to_owned()
        }
        VerificationMethod::Passkey => {
            return "Use your passkey: your browser asks for your fingerprint, face, PIN or \
                    security key."
                .to_owned()
        }
        VerificationMethod::Sms => to("your phone"),
        VerificationMethod::Email => to("your e-mail address"),
    };
    match reason {
        ChallengeReason::NewDevice => {
            format!("Enter the code we sent to {destination} to confirm this new device.")
        }
        ChallengeReason::TwoFactor => format!("Enter the code we sent to {destination}."),
    }
}

/// The label of the code field for `method`.
pub fn code_label(method: VerificationMethod) -> &'static str {
    match method {
        VerificationMethod::RecoveryCode => "Recovery code",
        VerificationMethod::Totp => "Authenticator code",
        VerificationMethod::Passkey => "Passkey",
        VerificationMethod::Sms | VerificationMethod::Email => "Code",
    }
}

/// The link offering `method` instead of the current one. `already_sent`: a code went
/// that way already, so switching back needs no new one.
pub fn switch_label(method: VerificationMethod, already_sent: bool) -> &'static str {
    match (method, already_sent) {
        (VerificationMethod::Totp, _) => "Use your authenticator app",
        (VerificationMethod::RecoveryCode, _) => "Use a recovery code",
        (VerificationMethod::Passkey, _) => "Use a passkey",
        (VerificationMethod::Sms, true) => "Use the code we texted you",
        (VerificationMethod::Sms, false) => "Text me a code instead",
        (VerificationMethod::Email, true) => "Use the code we e-mailed you",
        (VerificationMethod::Email, false) => "E-mail me a code instead",
    }
}

/// The code as the API wants it: app and sent codes without the spaces people type.
pub fn normalize_code(method: VerificationMethod, code: &str) -> String {
    match method {
        VerificationMethod::RecoveryCode => code.trim().to_owned(),
        _ => code.chars().filter(|c| !c.is_whitespace()).collect(),
    }
}

/// The checks worth making before asking the API (which parses the code again).
pub fn check_code(method: VerificationMethod, code: &str) -> Option<FieldError> {
    let error = |code_name: &str, message: &str| Some(FieldError::new("code", code_name, message));
    if code.is_empty() {
        return error(codes::REQUIRED, "Enter the code.");
    }
    let digits_only = code.len() == CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit());
    if method != VerificationMethod::RecoveryCode && !digits_only {
        return error(codes::INVALID_CODE, "Enter the 6 digits of the code.");
    }
    None
}

/// What the resend line says while the API asks to wait.
pub fn wait_message(seconds: u32) -> String {
    let unit = if seconds == 1 { "second" } else { "seconds" };
    format!("You can ask for another code in {seconds} {unit}.")
}

/// What the resend line says once a code went out.
pub fn sent_message(method: VerificationMethod, sent_to: Option<&str>) -> String {
    match (method, sent_to) {
        (VerificationMethod::Email, Some(to)) => format!("We e-mailed a new code to {to}."),
        (_, Some(to)) => format!("We texted a new code to {to}."),
        (_, None) => "We sent a new code.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use VerificationMethod::{Email, RecoveryCode, Sms, Totp};

    fn challenge(
        methods: Vec<VerificationMethod>,
        sent_by: Option<VerificationMethod>,
    ) -> LoginChallengeDto {
        LoginChallengeDto {
            challenge_id: "lch_1".into(),
            reason: ChallengeReason::TwoFactor,
            methods,
            sent_to: sent_by.map(|_| "+48******200".into()),
            sent_by,
            expires_at: "2026-01-02T03:09:05Z".into(),
        }
    }

    #[test]
    fn the_step_starts_with_the_code_that_was_sent_else_the_preferred_method() {
        assert_eq!(first_method(&challenge(vec![Sms, Email], Some(Sms))), Sms);
        assert_eq!(
            first_method(&challenge(vec![Totp, Sms, RecoveryCode], None)),
            Totp
        );
        assert_eq!(first_method(&challenge(vec![], None)), RecoveryCode);
    }

    #[test]
    fn the_prompt_names_the_masked_destination_and_the_reason() {
        assert_eq!(
            prompt(ChallengeReason::NewDevice, Sms, Some("+48******200")),
            "Enter the code we sent to +48******200 to confirm this new device."
        );
        assert_eq!(
            prompt(ChallengeReason::TwoFactor, Sms, Some("+48******200")),
            "Enter the code we sent to +48******200."
        );
        assert_eq!(
            prompt(ChallengeReason::NewDevice, Email, None),
            "Enter the code we sent to your e-mail address to confirm this new device."
        );
        assert_eq!(
            prompt(ChallengeReason::TwoFactor, Totp, Some("+48******200")),
            "Enter the 6-digit code from your authenticator app."
        );
        assert!(prompt(ChallengeReason::TwoFactor, RecoveryCode, None).contains("recovery codes"));
    }

    #[test]
    fn switching_says_whether_a_code_will_be_sent() {
        assert_eq!(switch_label(Sms, false), "Text me a code instead");
        assert_eq!(switch_label(Email, false), "E-mail me a code instead");
        assert_eq!(switch_label(Sms, true), "Use the code we texted you");
        assert_eq!(switch_label(Totp, false), "Use your authenticator app");
        assert_eq!(switch_label(RecoveryCode, true), "Use a recovery code");
    }

    #[test]
    fn codes_are_checked_for_their_shape_before_asking() {
        assert_eq!(check_code(Sms, "").unwrap().code, codes::REQUIRED);
        assert_eq!(check_code(Totp, "12345").unwrap().code, codes::INVALID_CODE);
        assert_eq!(check_code(Sms, "12a456").unwrap().field, "code");
        assert_eq!(check_code(Email, "123456"), None);
        assert_eq!(check_code(RecoveryCode, "abcde-fghij"), None);
        assert_eq!(normalize_code(Sms, " 123 456 "), "123456");
        assert_eq!(normalize_code(RecoveryCode, " abcde-fghij "), "abcde-fghij");
    }

    #[test]
    fn the_resend_line_reads_naturally() {
        assert_eq!(
            wait_message(27),
            "You can ask for another code in 27 seconds."
        );
        assert_eq!(wait_message(1), "You can ask for another code in 1 second.");
        assert_eq!(
            sent_message(Email, Some("o****@example.com")),
            "We e-mailed a new code to o****@example.com."
        );
        assert_eq!(
            sent_message(Sms, Some("+48******200")),
            "We texted a new code to +48******200."
        );
    }
}
