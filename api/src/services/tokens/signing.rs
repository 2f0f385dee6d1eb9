//! The keys that sign API access tokens (Ed25519 JWTs, RFC 9068 profile).
//! Kept in storage so every API process signs and verifies with the same keys.
//! The newest unretired key signs; every unretired key verifies and is in the
//! JWKS; a retired key does neither (see [`super::key_rotation`]).

use std::collections::HashMap;

use base64::{
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
    Engine,
};
use ed25519_dalek::{pkcs8::EncodePrivateKey, SigningKey};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::{
    db::{
        tokens::{self as token_rows, SigningKeyRow},
        DbConnection,
    },
    domain::Kek,
    services::secrets_at_rest::{open_text, signing_key_at},
};

/// Prefix of every access token, so secret scanners and people can recognise
/// a leaked Portcullis token.
pub const ACCESS_TOKEN_PREFIX: &str = "pcl_at_";
/// The `aud` of access tokens.
pub const AUDIENCE: &str = "portcullis-api";
/// The JOSE `typ` of access tokens (RFC 9068).
const ACCESS_TOKEN_TYP: &str = "at+jwt";

/// Claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    pub iat: i64,
    pub jti: String,
    pub scope: String,
    pub client_id: String,
}

struct VerifyingKey {
    key: DecodingKey,
    /// base64url public key, for the JWKS.
    x: String,
}

pub struct KeyRing {
    issuer: String,
    signing_kid: String,
    /// When the signing key was made, for the rotation schedule.
    signing_created_at: chrono::NaiveDateTime,
    /// The unretired keys' ids, oldest first (as [`token_rows::unretired_kids`] lists them).
    kids: Vec<String>,
    signing_key: EncodingKey,
    verifying: HashMap<String, VerifyingKey>,
    validation: Validation,
}

/// Why a presented token could not be verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    Malformed,
    /// Well signed by us but past its `exp`: the claims say whose it was.
    Expired(Box<AccessClaims>),
}

/// A new key, its private half sealed with `kek` (the sealed text is the
/// base64 PKCS#8 DER that rows held in clear before secrets were sealed).
pub(crate) fn generate_key(now: chrono::NaiveDateTime, kek: &Kek) -> anyhow::Result<SigningKeyRow> {
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let der = key
        .to_pkcs8_der()
        .map_err(|e| anyhow::anyhow!("encode signing key: {e}"))?;
    let kid = format!("key_{}", uuid::Uuid::now_v7().simple());
    let clear = zeroize::Zeroizing::new(STANDARD.encode(der.as_bytes()));
    let private_key = kek.seal(&signing_key_at(&kid), clear.as_bytes());
    Ok(SigningKeyRow {
        kid,
        algorithm: "EdDSA".into(),
        private_key,
        public_key: URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        created_at: now,
        retired_at: None,
    })
}

impl KeyRing {
    /// Loads the keys, creating the first one if there is none.
    pub fn load_or_create(
        conn: &mut DbConnection,
        issuer: String,
        kek: &Kek,
    ) -> anyhow::Result<Self> {
        let mut rows = token_rows::list_signing_keys(conn)?;
        if !rows.iter().any(|k| k.retired_at.is_none()) {
            let row = generate_key(crate::services::now(), kek)?;
            token_rows::insert_signing_key(conn, &row)?;
            rows.push(row);
        }
        Self::from_rows(&rows, issuer, kek)
    }

    /// Loads the stored keys (for a process that is running: they exist).
    pub fn load(conn: &mut DbConnection, issuer: String, kek: &Kek) -> anyhow::Result<Self> {
        Self::from_rows(&token_rows::list_signing_keys(conn)?, issuer, kek)
    }

    /// A ring holding one fresh key that is never stored: for tools and
    /// fuzzing, which need to sign and verify without a database.
    pub fn ephemeral(issuer: String) -> anyhow::Result<Self> {
        let kek = Kek::generate();
        Self::from_rows(&[generate_key(crate::services::now(), &kek)?], issuer, &kek)
    }

    /// Builds the ring from stored keys (oldest first): the newest unretired
    /// one signs, every unretired one verifies.
    fn from_rows(rows: &[SigningKeyRow], issuer: String, kek: &Kek) -> anyhow::Result<Self> {
        let active = rows
            .iter()
            .rev()
            .find(|k| k.retired_at.is_none())
            .ok_or_else(|| anyhow::anyhow!("no active signing key"))?;
        let clear = open_text(kek, &signing_key_at(&active.kid), &active.private_key)?;
        let der = zeroize::Zeroizing::new(STANDARD.decode(clear.as_bytes())?);
        let signing_key = EncodingKey::from_ed_der(&der);
        let mut verifying = HashMap::new();
        let mut kids = Vec::new();
        for row in rows.iter().filter(|k| k.retired_at.is_none()) {
            kids.push(row.kid.clone());
            let key = DecodingKey::from_ed_components(&row.public_key)
                .map_err(|e| anyhow::anyhow!("bad public key {}: {e}", row.kid))?;
            verifying.insert(
                row.kid.clone(),
                VerifyingKey {
                    key,
                    x: row.public_key.clone(),
                },
            );
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["iss", "aud", "sub"]);
        validation.leeway = 0;
        Ok(Self {
            issuer,
            signing_kid: active.kid.clone(),
            signing_created_at: active.created_at,
            kids,
            signing_key,
            verifying,
            validation,
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The id of the key that signs new tokens.
    pub fn signing_kid(&self) -> &str {
        &self.signing_kid
    }

    /// When the signing key was made.
    pub fn signing_created_at(&self) -> chrono::NaiveDateTime {
        self.signing_created_at
    }

    /// The unretired keys' ids, oldest first.
    pub fn kids(&self) -> &[String] {
        &self.kids
    }

    /// Whether `secret` is a well-formed access token whose `kid` has our
    /// form and is newer than every key of this ring: a key another process
    /// has just made, which this one has not loaded yet. (Key ids are
    /// `key_` and a UUIDv7, so they sort by creation time.)
    pub fn names_newer_key(&self, secret: &str) -> bool {
        let Some(jwt) = secret.strip_prefix(ACCESS_TOKEN_PREFIX) else {
            return false;
        };
        if jwt.len() > 4096 {
            return false;
        }
        let Ok(header) = jsonwebtoken::decode_header(jwt) else {
            return false;
        };
        header.kid.is_some_and(|kid| {
            kid.len() == self.signing_kid.len()
                && kid.starts_with("key_")
                && kid[4..].bytes().all(|b| b.is_ascii_hexdigit())
                && kid.as_str() > self.signing_kid.as_str()
        })
    }

    /// Signs claims into a prefixed bearer secret.
    pub fn sign(&self, claims: &AccessClaims) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(ACCESS_TOKEN_TYP.into());
        header.kid = Some(self.signing_kid.clone());
        let jwt = jsonwebtoken::encode(&header, claims, &self.signing_key)?;
        Ok(format!("{ACCESS_TOKEN_PREFIX}{jwt}"))
    }

    /// Checks the prefix, the header (`typ`, `alg` EdDSA only, a known `kid`),
    /// the signature, `iss`, `aud` and `exp`.
    pub fn verify(&self, secret: &str) -> Result<AccessClaims, VerifyError> {
        let jwt = secret
            .strip_prefix(ACCESS_TOKEN_PREFIX)
            .ok_or(VerifyError::Malformed)?;
        if jwt.len() > 4096 {
            return Err(VerifyError::Malformed);
        }
        let header = jsonwebtoken::decode_header(jwt).map_err(|_| VerifyError::Malformed)?;
        if header.alg != Algorithm::EdDSA || header.typ.as_deref() != Some(ACCESS_TOKEN_TYP) {
            return Err(VerifyError::Malformed);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.verifying.get(kid))
            .ok_or(VerifyError::Malformed)?;
        match jsonwebtoken::decode::<AccessClaims>(jwt, &key.key, &self.validation) {
            Ok(data) => Ok(data.claims),
            Err(error)
                if matches!(
                    error.kind(),
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature
                ) =>
            {
                let mut ignoring_expiry = self.validation.clone();
                ignoring_expiry.validate_exp = false;
                jsonwebtoken::decode::<AccessClaims>(jwt, &key.key, &ignoring_expiry)
                    .map_or(Err(VerifyError::Malformed), |data| {
                        Err(VerifyError::Expired(Box::new(data.claims)))
                    })
            }
            Err(_) => Err(VerifyError::Malformed),
        }
    }

    /// The public keys as (kid, base64url x), for the JWKS endpoint.
    pub fn public_keys(&self) -> Vec<(String, String)> {
        let mut keys: Vec<_> = self
            .verifying
            .iter()
            .map(|(kid, k)| (kid.clone(), k.x.clone()))
            .collect();
        keys.sort();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: Option<i64>) -> AccessClaims {
        AccessClaims {
            iss: "https://portcullis.test".into(),
            sub: "acc_1".into(),
            aud: AUDIENCE.into(),
            exp,
            iat: 0,
            jti: "tok_1".into(),
            scope: "sms".into(),
            client_id: "portal".into(),
        }
    }

    #[test]
    fn tokens_verify_to_their_claims_and_expired_ones_say_whose_they_were() {
        let ring = KeyRing::ephemeral("https://portcullis.test".into()).unwrap();
        let live = claims(Some(i64::from(u32::MAX)));
        assert_eq!(ring.verify(&ring.sign(&live).unwrap()), Ok(live));
        let expired = claims(Some(1));
        assert_eq!(
            ring.verify(&ring.sign(&expired).unwrap()),
            Err(VerifyError::Expired(Box::new(expired)))
        );
    }

    #[test]
    fn retired_keys_neither_verify_nor_are_published_and_newer_keys_are_recognised() {
        let (kek, issuer) = (Kek::generate(), "https://portcullis.test");
        let now = crate::services::now();
        let old = generate_key(now, &kek).unwrap();
        // Key ids sort by creation time (UUIDv7, to the millisecond).
        std::thread::sleep(std::time::Duration::from_millis(2));
        let new = generate_key(now + chrono::Duration::seconds(1), &kek).unwrap();
        let before = KeyRing::from_rows(std::slice::from_ref(&old), issuer.into(), &kek).unwrap();
        let both = KeyRing::from_rows(&[old.clone(), new.clone()], issuer.into(), &kek).unwrap();
        assert_eq!(both.signing_kid(), new.kid);
        assert_eq!(both.kids(), [old.kid.clone(), new.kid.clone()]);
        assert_eq!(both.public_keys().len(), 2);
        let old_token = before.sign(&claims(None)).unwrap();
        let new_token = both.sign(&claims(None)).unwrap();
        assert_eq!(both.verify(&old_token), Ok(claims(None)));
        assert!(before.names_newer_key(&new_token), "made after the ring");
        assert!(!both.names_newer_key(&old_token));
        assert!(!both.names_newer_key("pcl_at_not.a.jwt"));

        let retired = SigningKeyRow {
            retired_at: Some(now),
            ..old
        };
        let after = KeyRing::from_rows(&[retired, new.clone()], issuer.into(), &kek).unwrap();
        assert_eq!(after.verify(&old_token), Err(VerifyError::Malformed));
        assert_eq!(after.verify(&new_token), Ok(claims(None)));
        assert_eq!(after.kids(), std::slice::from_ref(&new.kid));
        assert_eq!(after.public_keys().len(), 1);
    }

    #[test]
    fn an_expiry_before_1970_is_refused() {
        // Found by fuzzing: jsonwebtoken reads `exp` as unsigned, so such a
        // token is malformed rather than expired. Refused either way.
        let ring = KeyRing::ephemeral("https://portcullis.test".into()).unwrap();
        let token = ring.sign(&claims(Some(-43_732_502))).unwrap();
        assert_eq!(ring.verify(&token), Err(VerifyError::Malformed));
        let other = KeyRing::ephemeral("https://portcullis.test".into()).unwrap();
        assert_eq!(
            other.verify(&ring.sign(&claims(None)).unwrap()),
            Err(VerifyError::Malformed),
            "another key's token"
        );
    }
}
