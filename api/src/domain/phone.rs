use portcullis_shared::{problem::FieldError, validate::codes};

/// A valid mobile-or-fixed phone number, held in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    e164: String,
    /// ISO 3166-1 alpha-2 of the region the number belongs to, when known.
    region: Option<String>,
}

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
        let region = number
            .country()
            .id()
            .map(|id| AsRef::<str>::as_ref(&id).to_owned());
        let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
        // libphonenumber reads letters as keypad digits and can then hand back
        // more than E.164's 15 digits (found by fuzzing): refuse those.
        let digits = e164.strip_prefix('+').unwrap_or_default();
        if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        Ok(Self { e164, region })
    }

    pub fn as_str(&self) -> &str {
        &self.e164
    }

    /// The destination country (ISO 3166-1 alpha-2), when the number has one.
    pub fn country(&self) -> Option<&str> {
        self.region.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_that_make_more_than_fifteen_digits_are_refused() {
        assert!(PhoneNumber::parse("phone", "+492114z4592114z9").is_err());
    }

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
        assert_eq!(
            PhoneNumber::parse("phone", "+48500100200")
                .unwrap()
                .country(),
            Some("PL")
        );
        assert_eq!(
            PhoneNumber::parse("phone", "+4915123456789")
                .unwrap()
                .country(),
            Some("DE")
        );
    }

    #[test]
    fn every_numbering_region_is_a_country_the_filter_knows() {
        // Found by fuzzing (fuzz/corpus/phone_number/kosovo): +383 numbers are
        // in XK, which ISO 3166-1 does not list.
        for (raw, region) in [
            ("+383 44 123 456", "XK"),
            ("+247 40123", "AC"),
            ("+48 500 100 200", "PL"),
        ] {
            let phone = PhoneNumber::parse("to", raw).unwrap();
            assert_eq!(phone.country(), Some(region), "{raw}");
            assert!(crate::domain::CountryCode::parse("country", region).is_ok());
        }
    }
}
