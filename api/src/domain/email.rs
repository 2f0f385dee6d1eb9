use portcullis_shared::{problem::FieldError, validate};

/// A syntactically valid e-mail address, with its case-insensitive key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    as_typed: String,
    normalized: String,
}

impl Email {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        if let Some(error) = validate::check_email(field, raw) {
            return Err(error);
        }
        let as_typed = raw.trim().to_owned();
        Ok(Self {
            normalized: Self::normalize(&as_typed),
            as_typed,
        })
    }

    /// The lookup key: trimmed and lower-cased, so `Owner@Example.com` and
    /// `owner@example.com` are one account.
    pub fn normalize(raw: &str) -> String {
        raw.trim().to_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.as_typed
    }

    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_typed_form_and_a_case_insensitive_key() {
        let email = Email::parse("email", "  Owner@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Owner@Example.COM");
        assert_eq!(email.normalized(), "owner@example.com");
        assert!(Email::parse("email", "nope").is_err());
    }
}
