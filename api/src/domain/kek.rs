//! The key-encryption key (KEK) and the secrets it seals at rest: signing keys
//! and TOTP secrets are stored as `pcs1.<kek id>.<base64url(nonce ‖ AES-256-GCM
//! ciphertext ‖ tag)>`, with the table, column and row key bound as associated
//! data, so a value copied to another row or column does not open.

use std::fmt;

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::{
    aead::{Aead, AeadCore, KeyInit, Payload},
    Aes256Gcm, Key, Nonce,
};
use base64::{
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
    Engine,
};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

/// Prefix of a sealed value: the format's version. A stored value without it
/// is still in clear (written before secrets were sealed).
pub const SEALED_PREFIX: &str = "pcs1.";
const NONCE_BYTES: usize = 12;

/// A 32-byte AES-256-GCM key-encryption key. Zeroed when dropped; its Debug
/// shows only its id.
#[derive(Clone)]
pub struct Kek {
    key: Zeroizing<[u8; 32]>,
    id: String,
}

/// Why a text is not a key-encryption key (the text itself is never repeated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a key-encryption key must be 32 bytes written as 64 hex digits or as standard base64 (e.g. `openssl rand -hex 32`)")]
pub struct KekFormatError;

impl Kek {
    /// Reads a key written as 64 hex digits or as standard base64 of 32 bytes
    /// (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self, KekFormatError> {
        let text = text.trim();
        let mut bytes = Zeroizing::new([0u8; 32]);
        if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            for (i, pair) in text.as_bytes().chunks(2).enumerate() {
                let hex = std::str::from_utf8(pair).map_err(|_| KekFormatError)?;
                bytes[i] = u8::from_str_radix(hex, 16).map_err(|_| KekFormatError)?;
            }
        } else {
            let mut decoded = STANDARD.decode(text).map_err(|_| KekFormatError)?;
            if decoded.len() != 32 {
                decoded.zeroize();
                return Err(KekFormatError);
            }
            bytes.copy_from_slice(&decoded);
            decoded.zeroize();
        }
        Ok(Self::from_bytes(bytes))
    }

    /// A new random key.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        aes_gcm::aead::OsRng.fill_bytes(&mut bytes[..]);
        Self::from_bytes(bytes)
    }

    fn from_bytes(key: Zeroizing<[u8; 32]>) -> Self {
        // A public fingerprint, stored beside each sealed value: it says which
        // key sealed it without helping anyone guess the key.
        let digest = Sha256::new()
            .chain_update(b"portcullis key-encryption key id\0")
            .chain_update(&key[..])
            .finalize();
        let id = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Self { key, id }
    }

    /// The key as 64 hex digits, for writing a generated key to its file.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(self.key.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The key's public fingerprint (16 hex digits), stored in every value it seals.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.key[..]))
    }

    /// Seals `plain` for the place `at`, with a fresh random nonce.
    pub fn seal(&self, at: &SealedAt<'_>, plain: &[u8]) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut aes_gcm::aead::OsRng);
        let aad = at.associated_data();
        let ciphertext = self
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: aad.as_bytes(),
                },
            )
            // Only fails for inputs of gigabytes.
            .unwrap_or_default();
        let mut body = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        body.extend_from_slice(&nonce);
        body.extend_from_slice(&ciphertext);
        format!(
            "{SEALED_PREFIX}{}.{}",
            self.id,
            URL_SAFE_NO_PAD.encode(body)
        )
    }

    /// Opens a value sealed for the place `at`. Fails (never answers a guess)
    /// on a value in clear, one sealed by another key, or one moved from
    /// another row or column.
    pub fn open(&self, at: &SealedAt<'_>, stored: &str) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let rest = stored
            .strip_prefix(SEALED_PREFIX)
            .ok_or(OpenError::NotSealed)?;
        let (id, body) = rest.split_once('.').ok_or(OpenError::Damaged)?;
        if id != self.id {
            return Err(OpenError::OtherKey(id.to_owned()));
        }
        let body = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| OpenError::Damaged)?;
        if body.len() < NONCE_BYTES {
            return Err(OpenError::Damaged);
        }
        let (nonce, ciphertext) = body.split_at(NONCE_BYTES);
        let aad = at.associated_data();
        self.cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| OpenError::Damaged)
    }
}

impl fmt::Debug for Kek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kek({}, key redacted)", self.id)
    }
}

/// The id of the key that sealed a stored value, if it is sealed.
pub fn sealed_by(stored: &str) -> Option<&str> {
    stored
        .strip_prefix(SEALED_PREFIX)
        .and_then(|rest| rest.split_once('.'))
        .map(|(id, _)| id)
}

/// Where a sealed value lives: bound into its ciphertext as associated data.
#[derive(Debug, Clone, Copy)]
pub struct SealedAt<'a> {
    pub table: &'static str,
    pub column: &'static str,
    /// The row's primary key.
    pub row: &'a str,
}

impl SealedAt<'_> {
    fn associated_data(&self) -> String {
        format!("portcullis/v1/{}.{}/{}", self.table, self.column, self.row)
    }
}

impl fmt::Display for SealedAt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{} of row {}", self.table, self.column, self.row)
    }
}

/// Why a stored value did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the value is stored in clear, not sealed")]
    NotSealed,
    #[error("the value was sealed by key-encryption key {0}, not the configured one")]
    OtherKey(String),
    #[error("the value does not open: damaged, or moved from another row or column")]
    Damaged,
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: SealedAt<'static> = SealedAt {
        table: "second_factors",
        column: "totp_secret",
        row: "2fa_1",
    };

    #[test]
    fn a_sealed_value_opens_only_in_its_place_and_with_its_key() {
        let kek = Kek::generate();
        let sealed = kek.seal(&AT, b"JBSWY3DPEHPK3PXP");
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(sealed_by(&sealed), Some(kek.id()));
        assert_eq!(&kek.open(&AT, &sealed).unwrap()[..], b"JBSWY3DPEHPK3PXP");
        assert_ne!(
            kek.seal(&AT, b"JBSWY3DPEHPK3PXP"),
            sealed,
            "a fresh nonce each time"
        );

        let other_row = SealedAt { row: "2fa_2", ..AT };
        assert_eq!(kek.open(&other_row, &sealed), Err(OpenError::Damaged));
        let other_column = SealedAt {
            column: "phone",
            ..AT
        };
        assert_eq!(kek.open(&other_column, &sealed), Err(OpenError::Damaged));
        let other = Kek::generate();
        assert_eq!(
            other.open(&AT, &sealed),
            Err(OpenError::OtherKey(kek.id().to_owned()))
        );
        assert_eq!(kek.open(&AT, "JBSWY3DPEHPK3PXP"), Err(OpenError::NotSealed));
    }

    #[test]
    fn keys_are_read_as_hex_or_base64_and_never_shown() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let from_hex = Kek::parse(&format!("{hex}\n")).unwrap();
        let from_base64 = Kek::parse(&STANDARD.encode(&from_hex.key[..])).unwrap();
        assert_eq!(from_hex.id(), from_base64.id());
        assert_eq!(from_hex.to_hex().as_str(), hex);
        assert!(!format!("{from_hex:?}").contains("0011"));
        assert_eq!(Kek::parse("short").unwrap_err(), KekFormatError);
        assert_eq!(
            Kek::parse(&STANDARD.encode([0u8; 31])).unwrap_err(),
            KekFormatError
        );
    }
}
