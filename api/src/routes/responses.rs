//! The error answers many operations share, documented once. Use them in a
//! handler's `#[utoipa::path(responses(...))]` next to its own tuples; an
//! operation whose answer for a status says more keeps its own tuple for it
//! instead (one status code, one entry).
//!
//! The types are never built: they only describe the `Problem` bodies
//! [`crate::error::ApiError`] answers with.

use std::collections::BTreeMap;

use portcullis_shared::problem::{Problem, PROBLEM_CONTENT_TYPE};
use utoipa::{
    openapi::{RefOr, Response},
    IntoResponses,
};

/// 400: the JSON body does not parse into the request type.
#[derive(IntoResponses)]
#[response(status = 400, description = "Malformed JSON", content_type = PROBLEM_CONTENT_TYPE)]
pub struct MalformedJson(pub Problem);

/// 401: no session cookie, or its session has ended.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "No live session (`unauthenticated` or `session_expired`)",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct NoSession(pub Problem);

/// 401: the bearer token is not one that may be used now.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "Token missing, invalid, expired, disabled or revoked",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct BadToken(pub Problem);

/// 403: a state-changing portal request without its session's CSRF token.
#[derive(IntoResponses)]
#[response(status = 403, description = "Missing or wrong X-CSRF-Token", content_type = PROBLEM_CONTENT_TYPE)]
pub struct CsrfRefused(pub Problem);

/// 403 before sign-in: the request carries no `X-CSRF-Token` at all.
#[derive(IntoResponses)]
#[response(status = 403, description = "Missing X-CSRF-Token header", content_type = PROBLEM_CONTENT_TYPE)]
pub struct CsrfHeaderMissing(pub Problem);

/// 403 on a portal request that only needs the session and its address.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Missing or wrong X-CSRF-Token (`csrf_failed`), or address not on the portal allowlist (`ip_not_allowed`)",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct CsrfOrAddressRefused(pub Problem);

/// 403 on a change only the account owner may make.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Missing or wrong X-CSRF-Token, or a subuser (`permission_denied`)",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct CsrfOrNotOwner(pub Problem);

/// 403 on a bearer-token or portal request the caller's grants do not cover.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Scope missing, a subuser without the portal permission (`permission_denied`), or address not allowed",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct ScopeRefused(pub Problem);

/// 429: the credential's policy limits its requests a minute.
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "The token's or OAuth client's requests per minute are used up (`rate_limited`); see `Retry-After`. Every answer to a credential with a rate limit carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct CredentialRateLimited(pub Problem);

/// 503: storage did not answer.
#[derive(IntoResponses)]
#[response(status = 503, description = "Storage unavailable", content_type = PROBLEM_CONTENT_TYPE)]
pub struct StorageUnavailable(pub Problem);

/// A portal request: [`NoSession`] and [`StorageUnavailable`].
pub struct PortalErrors;

/// A portal request with a JSON body: [`MalformedJson`] and [`PortalErrors`].
pub struct PortalJsonErrors;

/// A bearer-token request: [`BadToken`], [`CredentialRateLimited`] and [`StorageUnavailable`].
pub struct BearerErrors;

/// A bearer-token request with a JSON body: [`MalformedJson`] and [`BearerErrors`].
pub struct BearerJsonErrors;

type Responses = BTreeMap<String, RefOr<Response>>;

fn all_of<const N: usize>(sets: [Responses; N]) -> Responses {
    sets.into_iter().flatten().collect()
}

impl IntoResponses for PortalErrors {
    fn responses() -> Responses {
        all_of([NoSession::responses(), StorageUnavailable::responses()])
    }
}

impl IntoResponses for PortalJsonErrors {
    fn responses() -> Responses {
        all_of([MalformedJson::responses(), PortalErrors::responses()])
    }
}

impl IntoResponses for BearerErrors {
    fn responses() -> Responses {
        all_of([
            BadToken::responses(),
            CredentialRateLimited::responses(),
            StorageUnavailable::responses(),
        ])
    }
}

impl IntoResponses for BearerJsonErrors {
    fn responses() -> Responses {
        all_of([MalformedJson::responses(), BearerErrors::responses()])
    }
}
