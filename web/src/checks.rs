//! The input checks the portal shares with the API (`portcullis_shared::validate`), saying
//! what is wrong in the portal's current language.

use portcullis_shared::problem::FieldError;
use portcullis_shared::validate;

use crate::api::field_error_in_language;

/// [`validate::check_email`] in the portal's language.
pub fn check_email(field: &str, email: &str) -> Option<FieldError> {
    validate::check_email(field, email).map(field_error_in_language)
}

/// [`validate::check_password`] in the portal's language.
pub fn check_password(field: &str, password: &str, email: &str) -> Vec<FieldError> {
    validate::check_password(field, password, email)
        .into_iter()
        .map(field_error_in_language)
        .collect()
}

/// [`validate::check_phone_shape`] in the portal's language.
pub fn check_phone_shape(field: &str, phone: &str) -> Option<FieldError> {
    validate::check_phone_shape(field, phone).map(field_error_in_language)
}

/// [`validate::check_country`] in the portal's language.
pub fn check_country(field: &str, country: &str) -> Option<FieldError> {
    validate::check_country(field, country).map(field_error_in_language)
}
