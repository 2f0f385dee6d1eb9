//! SMS text: GSM 03.38 or UCS-2, and how many parts (and so points) it takes.

use portcullis_shared::{
    problem::FieldError,
    validate::{self, codes},
};

/// Longest text accepted, in characters (10 UCS-2 parts).
pub const MAX_CHARS: usize = 670;
/// At most this many parts per message.
pub const MAX_PARTS: i64 = 10;

/// How the text is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gsm7 => "gsm7",
            Self::Ucs2 => "ucs2",
        }
    }
}

/// A message text that fits in [`MAX_PARTS`] parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsText {
    text: String,
    encoding: Encoding,
    parts: i64,
}

impl SmsText {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let error = |code: &str, message: &str| FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        };
        if raw.trim().is_empty() {
            return Err(error(codes::REQUIRED, "Write the message text."));
        }
        if raw.chars().count() > MAX_CHARS {
            return Err(error(
                codes::TOO_LONG,
                "The message is longer than 10 parts.",
            ));
        }
        let length = validate::sms_length(raw);
        let encoding = if length.gsm7 {
            Encoding::Gsm7
        } else {
            Encoding::Ucs2
        };
        let parts = length.parts;
        if parts > MAX_PARTS {
            return Err(error(
                codes::TOO_LONG,
                "The message is longer than 10 parts.",
            ));
        }
        Ok(Self {
            text: raw.to_owned(),
            encoding,
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub fn parts(&self) -> i64 {
        self.parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (Encoding, i64) {
        let sms = SmsText::parse("text", text).unwrap();
        (sms.encoding(), sms.parts())
    }

    #[test]
    fn gsm_texts_use_160_and_153_septet_parts() {
        assert_eq!(parts(&"a".repeat(160)), (Encoding::Gsm7, 1));
        assert_eq!(parts(&"a".repeat(161)), (Encoding::Gsm7, 2));
        assert_eq!(parts(&"a".repeat(306)), (Encoding::Gsm7, 2));
        assert_eq!(parts(&"a".repeat(307)), (Encoding::Gsm7, 3));
        // Extension characters take two septets.
        assert_eq!(parts(&"€".repeat(80)), (Encoding::Gsm7, 1));
        assert_eq!(parts(&"€".repeat(81)), (Encoding::Gsm7, 2));
    }

    #[test]
    fn other_texts_use_ucs2_with_70_and_67_unit_parts() {
        assert_eq!(parts(&"ż".repeat(70)), (Encoding::Ucs2, 1));
        assert_eq!(parts(&"ż".repeat(71)), (Encoding::Ucs2, 2));
        assert_eq!(parts(&"ż".repeat(134)), (Encoding::Ucs2, 2));
        // An emoji is two UTF-16 units.
        assert_eq!(parts(&"😀".repeat(35)), (Encoding::Ucs2, 1));
        assert_eq!(parts(&"😀".repeat(36)), (Encoding::Ucs2, 2));
    }

    #[test]
    fn empty_and_overlong_texts_are_refused() {
        assert_eq!(
            SmsText::parse("text", "  ").unwrap_err().code,
            codes::REQUIRED
        );
        assert_eq!(
            SmsText::parse("text", &"a".repeat(1531)).unwrap_err().code,
            codes::TOO_LONG
        );
        assert_eq!(
            SmsText::parse("text", &"ż".repeat(671)).unwrap_err().code,
            codes::TOO_LONG
        );
        assert_eq!(parts(&"a".repeat(670)), (Encoding::Gsm7, 5));
    }
}
