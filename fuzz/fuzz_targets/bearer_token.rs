//! Bearer tokens: the `Authorization` header and the access-token (JWT)
//! verification path. Nothing unsigned verifies; a token we signed verifies
//! to exactly its claims (or says it expired, with those claims); a token
//! with any byte changed either fails or still yields exactly the signed
//! claims (never different ones).
#![no_main]

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use portcullis_api::{
    auth::parse_bearer,
    services::tokens::signing::{AccessClaims, KeyRing, VerifyError, ACCESS_TOKEN_PREFIX, AUDIENCE},
};

const ISSUER: &str = "https://portcullis.fuzz.example";

static RING: LazyLock<KeyRing> =
    LazyLock::new(|| KeyRing::ephemeral(ISSUER.to_owned()).expect("a fresh signing key"));

/// The whole input is the `Authorization` header; the claims of a token to
/// sign and the bytes to tamper with are generated from the same bytes.
#[derive(Debug, Arbitrary)]
struct Input {
    sub: String,
    jti: String,
    scope: String,
    client_id: String,
    /// `None` for the right issuer, else this one.
    wrong_issuer: Option<String>,
    wrong_audience: Option<String>,
    /// Seconds from now, or no expiry.
    expires_in: Option<i32>,
    iat: u32,
    tamper: Vec<(u16, u8)>,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fuzz_target!(|data: &[u8]| {
    let header = String::from_utf8_lossy(data);
    let Ok(input) = Input::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    // The header: only the Bearer scheme yields a token, trimmed, and it round-trips.
    if let Some(token) = parse_bearer(&header) {
        let (scheme, _) = header.split_once(' ').expect("a scheme and a token");
        assert!(scheme.eq_ignore_ascii_case("bearer"));
        assert_eq!(token, token.trim());
        assert_eq!(parse_bearer(&format!("Bearer {token}")), Some(token));
        // Whatever an outsider sends is refused: the key is fresh in this process.
        assert_eq!(RING.verify(token), Err(VerifyError::Malformed));
    }
    assert_eq!(RING.verify(&header), Err(VerifyError::Malformed));

    let now = now();
    let claims = AccessClaims {
        iss: input
            .wrong_issuer
            .clone()
            .unwrap_or_else(|| ISSUER.to_owned()),
        sub: input.sub.clone(),
        aud: input
            .wrong_audience
            .clone()
            .unwrap_or_else(|| AUDIENCE.to_owned()),
        exp: input.expires_in.map(|secs| now + i64::from(secs)),
        iat: i64::from(input.iat),
        jti: input.jti.clone(),
        scope: input.scope.clone(),
        client_id: input.client_id.clone(),
    };
    let token = RING.sign(&claims).expect("claims serialise");
    assert!(token.starts_with(ACCESS_TOKEN_PREFIX));
    let ours = claims.iss == ISSUER && claims.aud == AUDIENCE;
    let result = RING.verify(&token);
    match (ours, claims.exp) {
        (false, _) => assert!(result.is_err(), "a foreign iss/aud verified: {claims:?}"),
        (true, None) => assert_eq!(result, Ok(claims.clone())),
        (true, Some(exp)) if exp > now + 5 => assert_eq!(result, Ok(claims.clone())),
        // Before 1970: jsonwebtoken reads `exp` as unsigned, so the token is
        // malformed rather than expired. Refused either way; we never sign one.
        (true, Some(exp)) if exp < 0 => assert!(result.is_err()),
        (true, Some(exp)) if exp < now - 5 => {
            assert_eq!(result, Err(VerifyError::Expired(Box::new(claims.clone()))))
        }
        // Within a few seconds of the expiry either answer is right.
        (true, Some(_)) => assert!(matches!(result, Ok(_) | Err(VerifyError::Expired(_)))),
    }

    let mut bytes = token.clone().into_bytes();
    for (at, value) in &input.tamper {
        let at = usize::from(*at) % bytes.len();
        bytes[at] = *value;
    }
    if let Ok(tampered) = String::from_utf8(bytes) {
        if tampered != token {
            match RING.verify(&tampered) {
                Ok(got) => assert_eq!(got, claims, "a changed token verified to other claims"),
                Err(VerifyError::Expired(got)) => assert_eq!(*got, claims),
                Err(VerifyError::Malformed) => {}
            }
        }
    }
});
