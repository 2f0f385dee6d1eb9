use portcullis_shared::{problem::FieldError, validate::codes};

/// A valid mobile-or-fixed phone number, held in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses an international number (`+` and country code) with libphonenumber's rules.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let invalid = || FieldError {
            field: field.to_owned(),
            code: codes::INVALID_PHONE.to_owned(),
            message: "Enter a valid number in international form, like +48500100200.".to_owned(),
        };
        let raw = raw.trim();
        if !raw.starts_with('+') || raw.len() > 32 {
            return Err(invalid());
        }
        let number = phonenumber::parse(None, raw).map_err(|_| invalid())?;
        if !phonenumber::is_valid(&number) {
            return Err(invalid());
        }
        Ok(Self(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_validated_and_normalised_to_e164() {
        assert_eq!(
            PhoneNumber::parse("phone", "+48 500 100 200")
                .unwrap()
                .as_str(),
            "+48500100200"
        );
        assert!(PhoneNumber::parse("phone", "+48 12").is_err());
        assert!(PhoneNumber::parse("phone", "500100200").is_err());
        assert!(PhoneNumber::parse("phone", "+999999999999").is_err());
    }
}
