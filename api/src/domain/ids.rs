use std::fmt;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new account's public id: `acc_` and a time-ordered UUID.
pub fn new_account_id() -> String {
    format!("acc_{}", uuid::Uuid::now_v7().simple())
}

/// The secret a portal session cookie carries: 256 random bits. Only its
/// SHA-256 is stored, so a leaked database does not hand out sessions.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn generate() -> Self {
        Self(random_secret())
    }

    /// Accepts a cookie value only if it has the shape we issue.
    pub fn from_cookie(value: &str) -> Option<Self> {
        is_secret_shaped(value).then(|| Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The storage key: hex SHA-256 of the secret.
    pub fn storage_id(&self) -> String {
        hex_sha256(&[b"session:", self.0.as_bytes()])
    }

    /// The CSRF token bound to this session. Derived, so nothing more is stored;
    /// only someone holding the cookie's secret can compute it.
    pub fn csrf_token(&self) -> String {
        let digest = Sha256::new()
            .chain_update(b"csrf:")
            .chain_update(self.0.as_bytes())
            .finalize();
        URL_SAFE_NO_PAD.encode(digest)
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(***)")
    }
}

/// The secret of a password reset link: 256 random bits. Only its SHA-256 is
/// stored, so the database cannot be used to reset anyone's password.
#[derive(Clone, PartialEq, Eq)]
pub struct ResetToken(String);

impl ResetToken {
    pub fn generate() -> Self {
        Self(random_secret())
    }

    /// Accepts a link's token only if it has the shape we issue.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        is_secret_shaped(value).then(|| Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The storage key: hex SHA-256 of the secret.
    pub fn storage_id(&self) -> String {
        hex_sha256(&[b"password-reset:", self.0.as_bytes()])
    }
}

impl fmt::Debug for ResetToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResetToken(***)")
    }
}

/// 256 random bits, base64url without padding (43 characters).
fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `value` has the shape of a [`random_secret`].
fn is_secret_shaped(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn hex_sha256(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_the_cookie_and_derive_distinct_values() {
        let token = SessionToken::generate();
        let parsed = SessionToken::from_cookie(token.expose()).unwrap();
        assert_eq!(parsed, token);
        assert_eq!(token.storage_id().len(), 64);
        assert_ne!(token.csrf_token(), token.expose());
        assert_ne!(SessionToken::generate(), token);
        assert!(SessionToken::from_cookie("short").is_none());
        assert!(format!("{token:?}").contains("***"));
    }
}
