use portcullis_shared::{problem::FieldError, validate};

/// An ISO 3166-1 alpha-2 country code (upper case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim().to_ascii_uppercase();
        match validate::check_country(field, &code) {
            Some(error) => Err(error),
            None => Ok(Self(code)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
