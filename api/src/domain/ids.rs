use std::fmt;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new account's public id: `acc_` and a time-ordered UUID.
pub fn new_account_id() -> String {
    format!("acc_{}", uuid::Uuid::now_v7().simple())
}

/// Declares a random 256-bit secret carried by a client (cookie or body),
/// of which only a SHA-256 (with a per-kind prefix) is stored.
macro_rules! secret_token {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn generate() -> Self {
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                Self(URL_SAFE_NO_PAD.encode(bytes))
            }

            /// Accepts a value only if it has the shape we issue.
            pub fn parse(value: &str) -> Option<Self> {
                let value = value.trim();
                let well_formed = value.len() == 43
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                well_formed.then(|| Self(value.to_owned()))
            }

            pub fn expose(&self) -> &str {
                &self.0
            }

            /// The storage key: hex SHA-256 of the prefixed secret.
            pub fn storage_id(&self) -> String {
                hex_sha256(&[$prefix, self.0.as_bytes()])
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
    };
}

secret_token!(
    /// The secret a portal session cookie carries.
    SessionToken,
    b"session:"
);

secret_token!(
    /// The long-lived random cookie that identifies a browser, so that a
    /// sign-in from an unknown one can be held for verification.
    DeviceToken,
    b"device:"
);

secret_token!(
    /// The handle a client continues a held sign-in with (two-factor or
    /// new-device verification). Knowing it proves the password was right.
    ChallengeToken,
    b"challenge:"
);

secret_token!(
    /// The handle a client finishes a WebAuthn ceremony (a passkey
    /// registration or sign-in) with; single use.
    CeremonyToken,
    b"webauthn-ceremony:"
);

secret_token!(
    /// The secret of a password reset link. Only its hash is stored, so the
    /// database cannot be used to reset anyone's password.
    ResetToken,
    b"password-reset:"
);

secret_token!(
    /// The secret of a sign-up confirmation link. Only its hash is stored.
    SignupToken,
    b"signup:"
);

impl SessionToken {
    pub fn from_cookie(value: &str) -> Option<Self> {
        Self::parse(value)
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

pub(crate) fn hex_sha256(parts: &[&[u8]]) -> String {
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

    #[test]
    fn each_kind_of_secret_hashes_under_its_own_prefix() {
        let device = DeviceToken::generate();
        let same_secret_as_session = SessionToken::parse(device.expose()).unwrap();
        assert_ne!(device.storage_id(), same_secret_as_session.storage_id());
        assert!(ChallengeToken::parse("not a token").is_none());
        assert_eq!(format!("{device:?}"), "DeviceToken(***)");
    }
}
