//! Codes people type: 6-digit one-time codes sent by SMS or e-mail, and the
//! single-use recovery codes shown when two-factor sign-in is turned on.

use std::{collections::HashMap, fmt};

use argon2::{
    password_hash::{Output, PasswordHash, PasswordHasher, SaltString},
    Algorithm, Argon2, Params, Version,
};

use portcullis_shared::{problem::FieldError, validate::codes};
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

fn hex(digest: impl AsRef<[u8]>) -> String {
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A 6-digit one-time code. Stored only as a hash salted with the id of the
/// row that holds it, compared in constant time.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    pub fn generate() -> Self {
        Self(format!(
            "{:06}",
            rand::rngs::OsRng.gen_range(0..1_000_000u32)
        ))
    }

    /// What a person typed: 6 digits; spaces and dashes between them are ignored.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(FieldError::new(
                field,
                codes::INVALID_CODE,
                "The code is 6 digits.",
            ))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The stored form, salted with `salt` (the id of the row holding it).
    pub fn hash(&self, salt: &str) -> String {
        hex(Sha256::new()
            .chain_update(salt.as_bytes())
            .chain_update(b":")
            .chain_update(self.0.as_bytes())
            .finalize())
    }

    /// Whether this is the code stored as `stored_hash` under `salt`.
    pub fn matches(&self, salt: &str, stored_hash: &str) -> bool {
        self.hash(salt)
            .as_bytes()
            .ct_eq(stored_hash.as_bytes())
            .into()
    }
}

impl fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OneTimeCode(***)")
    }
}

/// Letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const RECOVERY_CODE_CHARS: usize = 10;

/// A single-use recovery code, shown as `xxxxx-xxxxx` (about 49 random bits).
/// Only its SHA-256 is stored; the entropy makes a salt unnecessary.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    pub fn generate() -> Self {
        let mut rng = rand::rngs::OsRng;
        Self(
            (0..RECOVERY_CODE_CHARS)
                .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect(),
        )
    }

    /// What a person typed: case, spaces and dashes do not matter.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let chars: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        if chars.len() == RECOVERY_CODE_CHARS
            && chars.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))
        {
            Ok(Self(chars))
        } else {
            Err(FieldError::new(
                field,
                codes::INVALID_CODE,
                "A recovery code is 10 letters and digits, like abcde-23456.",
            ))
        }
    }

    /// The form shown to the user once.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..5], &self.0[5..])
    }

    /// The stored form: an Argon2id PHC string under the set's `salt`.
    pub fn hash(&self, salt: &RecoverySalt) -> String {
        recovery_argon2()
            .hash_password(self.0.as_bytes(), &salt.0)
            .map(|hash| hash.to_string())
            .expect("constant Argon2 parameters and a generated salt are valid")
    }

    /// Whether this is the code stored as `stored` (an Argon2id PHC string,
    /// or the unsalted SHA-256 of codes made before issue 12). Outputs are
    /// compared in constant time; `cache` keeps one Argon2 computation per
    /// salt, so checking a set of ten costs one.
    pub fn matches(&self, stored: &str, cache: &mut RecoveryHashCache) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return legacy_recovery_hash(&self.0)
                .as_bytes()
                .ct_eq(stored.as_bytes())
                .into();
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return false;
        };
        let key = format!("{}${}${}", parsed.algorithm, parsed.params, salt);
        let computed = cache.0.entry(key).or_insert_with(|| {
            Algorithm::try_from(parsed.algorithm)
                .ok()
                .map(|algorithm| Argon2::new(algorithm, Version::V0x13, params))
                .and_then(|argon2| argon2.hash_password(self.0.as_bytes(), salt).ok())
                .and_then(|hash| hash.hash)
        });
        // `Output`'s equality is constant-time.
        computed.as_ref() == Some(&expected)
    }
}

/// Argon2id for recovery codes: OWASP's lighter equivalent setting (7 MiB,
/// 5 passes, 1 lane). A recovery code has only 50 bits, so a fast unsalted
/// hash would fall to a brute force of a leaked table; this costs an attacker
/// milliseconds per guess per account, while a sign-in computes it once.
fn recovery_argon2() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(7 * 1024, 5, 1, None).expect("constant Argon2 parameters are valid"),
    )
}

/// How recovery codes were stored before issue 12; still verified, so sets
/// shown to people earlier keep working until they are replaced.
fn legacy_recovery_hash(code: &str) -> String {
    hex(Sha256::new()
        .chain_update(b"recovery:")
        .chain_update(code.as_bytes())
        .finalize())
}

/// The random salt one set of recovery codes is hashed with.
pub struct RecoverySalt(SaltString);

impl RecoverySalt {
    pub fn generate() -> Self {
        Self(SaltString::generate(&mut rand::rngs::OsRng))
    }
}

/// Argon2 outputs already computed for one typed code, by salt.
#[derive(Default)]
pub struct RecoveryHashCache(HashMap<String, Option<Output>>);

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_codes_parse_what_people_type_and_match_only_their_hash() {
        let code = OneTimeCode::parse("code", " 123-456 ").unwrap();
        assert_eq!(code.expose(), "123456");
        let stored = code.hash("row1");
        assert!(code.matches("row1", &stored));
        assert!(!code.matches("row2", &stored));
        assert!(!OneTimeCode::parse("code", "123457")
            .unwrap()
            .matches("row1", &stored));
        for bad in ["12345", "1234567", "12a456", ""] {
            assert_eq!(
                OneTimeCode::parse("code", bad).unwrap_err().code,
                codes::INVALID_CODE
            );
        }
        assert_eq!(OneTimeCode::generate().expose().len(), 6);
        assert_eq!(format!("{code:?}"), "OneTimeCode(***)");
    }

    #[test]
    fn recovery_codes_stored_before_issue_12_still_match_once_typed() {
        let code = RecoveryCode::parse("code", "abcde-23456").unwrap();
        let legacy = legacy_recovery_hash("abcde23456");
        assert!(code.matches(&legacy, &mut RecoveryHashCache::default()));
        let other = RecoveryCode::parse("code", "abcde-23457").unwrap();
        assert!(!other.matches(&legacy, &mut RecoveryHashCache::default()));
    }

    #[test]
    fn recovery_codes_round_trip_through_their_display_form() {
        let code = RecoveryCode::generate();
        let shown = code.display();
        assert_eq!(shown.len(), 11);
        let typed = RecoveryCode::parse("code", &shown.to_uppercase()).unwrap();
        let salt = RecoverySalt::generate();
        let stored = code.hash(&salt);
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(typed.matches(&stored, &mut RecoveryHashCache::default()));
        let other = RecoveryCode::generate();
        assert!(!other.matches(&stored, &mut RecoveryHashCache::default()));
        // Another set's salt gives another hash of the same code.
        assert_ne!(code.hash(&RecoverySalt::generate()), stored);
        assert!(RecoveryCode::parse("code", "abcde-0000o").is_err());
        assert_ne!(RecoveryCode::generate(), code);
    }
}
