//! Authenticator-app codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps),
//! through the `totp-rs` crate.

use std::fmt;

use base64::{engine::general_purpose::STANDARD, Engine};
use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
const SECRET_BYTES: usize = 20;
const ISSUER: &str = "Portcullis";

/// A TOTP shared secret (160 random bits, as RFC 4226 recommends).
#[derive(Clone)]
pub struct TotpSecret(Vec<u8>);

impl TotpSecret {
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// The stored (and shown) base32 form.
    pub fn from_base32(encoded: &str) -> Option<Self> {
        Secret::Encoded(encoded.to_owned())
            .to_bytes()
            .ok()
            .filter(|b| b.len() >= 16)
            .map(Self)
    }

    pub fn to_base32(&self) -> String {
        Secret::Raw(self.0.clone()).to_encoded().to_string()
    }

    fn totp(&self, account_name: &str) -> TOTP {
        // Only fails on a short secret or a ':' in the names; ours have neither
        // (the account name is cleaned below).
        TOTP::new_unchecked(
            Algorithm::SHA1,
            DIGITS,
            1,
            STEP_SECS,
            self.0.clone(),
            Some(ISSUER.to_owned()),
            account_name.replace(':', "_"),
        )
    }

    /// The time step a 6-digit code belongs to, allowing one step of clock
    /// drift either way; `None` if it matches none.
    pub fn matching_step(&self, code: &str, unix_time: u64) -> Option<i64> {
        let totp = self.totp("");
        let current = unix_time / STEP_SECS;
        [current.saturating_sub(1), current, current + 1]
            .into_iter()
            .find(|step| {
                let expected = totp.generate(step * STEP_SECS);
                bool::from(expected.as_bytes().ct_eq(code.as_bytes()))
            })
            .and_then(|step| i64::try_from(step).ok())
    }

    /// The current code (tests and tools play the authenticator app with it).
    pub fn code_at(&self, unix_time: u64) -> String {
        self.totp("").generate(unix_time)
    }

    /// The `otpauth://totp/...` URI authenticator apps read from a QR code.
    pub fn otpauth_uri(&self, account_name: &str) -> String {
        self.totp(account_name).get_url()
    }

    /// The URI as a QR code: an SVG image in a `data:` URI.
    pub fn qr_svg_data_uri(&self, account_name: &str) -> Option<String> {
        let code = qrcode::QrCode::new(self.otpauth_uri(account_name).as_bytes()).ok()?;
        let svg = code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build();
        Some(format!(
            "data:image/svg+xml;base64,{}",
            STANDARD.encode(svg)
        ))
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vector_and_drift_window() {
        // RFC 6238 appendix B: SHA-1 secret "12345678901234567890", T = 59 s
        // gives 94287082; the 6-digit code is its last six digits.
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        assert_eq!(secret.code_at(59), "287082");
        assert_eq!(secret.matching_step("287082", 59), Some(1));
        // One step late or early still matches; two do not.
        assert_eq!(secret.matching_step("287082", 59 + 30), Some(1));
        assert_eq!(secret.matching_step("287082", 59 + 60), None);
        assert_eq!(secret.matching_step("000000", 59), None);
    }

    #[test]
    fn secrets_round_trip_and_render() {
        let secret = TotpSecret::generate();
        let again = TotpSecret::from_base32(&secret.to_base32()).unwrap();
        assert_eq!(again.code_at(1_000_000), secret.code_at(1_000_000));
        let uri = secret.otpauth_uri("owner@example.com");
        assert!(
            uri.starts_with("otpauth://totp/Portcullis:owner%40example.com?"),
            "{uri}"
        );
        assert!(uri.contains("issuer=Portcullis"));
        assert!(secret
            .qr_svg_data_uri("owner@example.com")
            .unwrap()
            .starts_with("data:image/svg+xml;base64,"));
        assert!(TotpSecret::from_base32("not base32!").is_none());
    }
}
