//! The current password that every two-factor change is confirmed with.

use portcullis_shared::problem::FieldError;
use portcullis_shared::validate::codes;

use crate::api;
use crate::hooks::FormCall;
use crate::i18n::Texts;

/// The error for a password left empty.
pub fn password_required() -> FieldError {
    FieldError::new(
        "password",
        codes::REQUIRED,
        Texts::current().t("login-password-required"),
    )
}

/// True, with the error shown by the field, when `password` is empty.
pub fn password_missing(call: &FormCall, password: &str) -> bool {
    let missing = password.is_empty();
    if missing {
        call.problem
            .set(api::client_validation_problem(vec![password_required()]));
    }
    missing
}
