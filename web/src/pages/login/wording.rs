//! What the code step says and checks, as pure functions of the held sign-in.

use portcullis_shared::dto::{ChallengeReason, LoginChallengeDto, VerificationMethod};
use portcullis_shared::problem::FieldError;
use portcullis_shared::validate::codes;

use crate::i18n::Texts;

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
pub fn heading(reason: ChallengeReason, texts: Texts) -> String {
    match reason {
        ChallengeReason::NewDevice => texts.t("code-step-heading-new-device"),
        ChallengeReason::TwoFactor => texts.t("code-step-heading-two-factor"),
    }
}

/// The plain sentence above the code field: what to enter, and why.
pub fn prompt(
    reason: ChallengeReason,
    method: VerificationMethod,
    sent_to: Option<&str>,
    texts: Texts,
) -> String {
    let to = |fallback: String| sent_to.map_or(fallback, str::to_owned);
    let destination = match method {
        VerificationMethod::Totp => return texts.t("code-step-prompt-totp"),
        VerificationMethod::RecoveryCode => return texts.t("code-step-prompt-recovery"),
        VerificationMethod::Passkey => return texts.t("code-step-prompt-passkey"),
        VerificationMethod::Sms => to(texts.t("code-step-your-phone")),
        VerificationMethod::Email => to(texts.t("code-step-your-email")),
    };
    let args = [("destination", destination.into())];
    match reason {
        ChallengeReason::NewDevice => texts.t_args("code-step-prompt-new-device", &args),
        ChallengeReason::TwoFactor => texts.t_args("code-step-prompt-two-factor", &args),
    }
}

/// The label of the code field for `method`.
pub fn code_label(method: VerificationMethod, texts: Texts) -> String {
    match method {
        VerificationMethod::RecoveryCode => texts.t("code-step-label-recovery"),
        VerificationMethod::Totp => texts.t("code-step-label-totp"),
        VerificationMethod::Passkey => texts.t("code-step-label-passkey"),
        VerificationMethod::Sms | VerificationMethod::Email => texts.t("code-step-label-code"),
    }
}

/// The link offering `method` instead of the current one. `already_sent`: a code went
/// that way already, so switching back needs no new one.
pub fn switch_label(method: VerificationMethod, already_sent: bool, texts: Texts) -> String {
    match (method, already_sent) {
        (VerificationMethod::Totp, _) => texts.t("code-step-use-totp"),
        (VerificationMethod::RecoveryCode, _) => texts.t("code-step-use-recovery"),
        (VerificationMethod::Passkey, _) => texts.t("code-step-use-passkey"),
        (VerificationMethod::Sms, true) => texts.t("code-step-use-texted"),
        (VerificationMethod::Sms, false) => texts.t("code-step-text-me"),
        (VerificationMethod::Email, true) => texts.t("code-step-use-emailed"),
        (VerificationMethod::Email, false) => texts.t("code-step-email-me"),
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
pub fn check_code(method: VerificationMethod, code: &str, texts: Texts) -> Option<FieldError> {
    let error =
        |code_name: &str, message: String| Some(FieldError::new("code", code_name, message));
    if code.is_empty() {
        return error(codes::REQUIRED, texts.t("code-step-code-required"));
    }
    let digits_only = code.len() == CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit());
    if method != VerificationMethod::RecoveryCode && !digits_only {
        return error(codes::INVALID_CODE, texts.t("code-step-code-digits"));
    }
    None
}

/// What the resend line says while the API asks to wait.
pub fn wait_message(seconds: u32, texts: Texts) -> String {
    texts.t_args("code-step-wait", &[("seconds", seconds.into())])
}

/// What the resend line says once a code went out.
pub fn sent_message(method: VerificationMethod, sent_to: Option<&str>, texts: Texts) -> String {
    match (method, sent_to) {
        (VerificationMethod::Email, Some(to)) => {
            texts.t_args("code-step-emailed-to", &[("to", to.into())])
        }
        (_, Some(to)) => texts.t_args("code-step-texted-to", &[("to", to.into())]),
        (_, None) => texts.t("code-step-sent"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_shared::dto::Language;
    use VerificationMethod::{Email, RecoveryCode, Sms, Totp};

    const EN: Texts = Texts::new(Language::En);

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
            prompt(ChallengeReason::NewDevice, Sms, Some("+48******200"), EN),
            "Enter the code we sent to +48******200 to confirm this new device."
        );
        assert_eq!(
            prompt(ChallengeReason::TwoFactor, Sms, Some("+48******200"), EN),
            "Enter the code we sent to +48******200."
        );
        assert_eq!(
            prompt(ChallengeReason::NewDevice, Email, None, EN),
            "Enter the code we sent to your e-mail address to confirm this new device."
        );
        assert_eq!(
            prompt(ChallengeReason::TwoFactor, Totp, Some("+48******200"), EN),
            "Enter the 6-digit code from your authenticator app."
        );
        assert!(
            prompt(ChallengeReason::TwoFactor, RecoveryCode, None, EN).contains("recovery codes")
        );
    }

    #[test]
    fn switching_says_whether_a_code_will_be_sent() {
        assert_eq!(switch_label(Sms, false, EN), "Text me a code instead");
        assert_eq!(switch_label(Email, false, EN), "E-mail me a code instead");
        assert_eq!(switch_label(Sms, true, EN), "Use the code we texted you");
        assert_eq!(switch_label(Totp, false, EN), "Use your authenticator app");
        assert_eq!(switch_label(RecoveryCode, true, EN), "Use a recovery code");
    }

    #[test]
    fn codes_are_checked_for_their_shape_before_asking() {
        assert_eq!(check_code(Sms, "", EN).unwrap().code, codes::REQUIRED);
        assert_eq!(
            check_code(Totp, "12345", EN).unwrap().code,
            codes::INVALID_CODE
        );
        assert_eq!(check_code(Sms, "12a456", EN).unwrap().field, "code");
        assert_eq!(check_code(Email, "123456", EN), None);
        assert_eq!(check_code(RecoveryCode, "abcde-fghij", EN), None);
        assert_eq!(normalize_code(Sms, " 123 456 "), "123456");
        assert_eq!(normalize_code(RecoveryCode, " abcde-fghij "), "abcde-fghij");
    }

    #[test]
    fn the_polish_resend_line_counts_in_polish() {
        let pl = Texts::new(Language::Pl);
        assert_eq!(
            wait_message(1, pl),
            "Kolejny kod można zamówić za 1 sekundę."
        );
        assert_eq!(
            wait_message(3, pl),
            "Kolejny kod można zamówić za 3 sekundy."
        );
        assert_eq!(
            wait_message(27, pl),
            "Kolejny kod można zamówić za 27 sekund."
        );
        assert_eq!(
            prompt(ChallengeReason::TwoFactor, Sms, None, pl),
            "Wpisz kod wysłany na numer telefonu."
        );
    }

    #[test]
    fn the_resend_line_reads_naturally() {
        assert_eq!(
            wait_message(27, EN),
            "You can ask for another code in 27 seconds."
        );
        assert_eq!(
            wait_message(1, EN),
            "You can ask for another code in 1 second."
        );
        assert_eq!(
            sent_message(Email, Some("o****@example.com"), EN),
            "We e-mailed a new code to o****@example.com."
        );
        assert_eq!(
            sent_message(Sms, Some("+48******200"), EN),
            "We texted a new code to +48******200."
        );
    }
}
