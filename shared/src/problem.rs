//! The RFC 9457 `application/problem+json` body every error is answered with.

use serde::{Deserialize, Serialize};

/// Media type of [`Problem`] bodies.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// The `permission` of a `permission_denied` problem refusing a subuser's change
/// that would lift a restriction the account owner set (re-enable, widen).
pub const OWNER_RESTRICTION: &str = "owner_restriction";

/// Stable, machine-readable reason for a refusal. Clients branch on this, never on `title`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// One or more fields failed validation; see `errors`.
    ValidationFailed,
    /// The body is not valid JSON or does not match the expected shape.
    MalformedBody,
    /// A path parameter could not be parsed.
    MalformedPath,
    /// A query parameter could not be parsed.
    MalformedQuery,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// The body's media type is not accepted.
    UnsupportedMediaType,
    /// No session or credentials were presented, or they are no longer valid.
    Unauthenticated,
    /// The session ended because of inactivity or its absolute lifetime.
    SessionExpired,
    /// The e-mail and password do not match an account.
    InvalidCredentials,
    /// The state-changing request lacks a valid `X-CSRF-Token` header.
    CsrfFailed,
    /// The caller is known but may not do this.
    Forbidden,
    /// The session may only change the password (it is due) until it has: see `GET /api/v1/me`.
    PasswordChangeRequired,
    /// No bearer token was presented to an integrator endpoint.
    MissingToken,
    /// The bearer token is malformed, badly signed, or not issued by this server.
    TokenInvalid,
    /// The bearer token is past its expiry.
    TokenExpired,
    /// The bearer token was disabled by the account; it can be re-enabled.
    TokenDisabled,
    /// The bearer token was deleted or revoked.
    TokenRevoked,
    /// No longer answered: a token lacking a scope gets `permission_denied`
    /// (with `permission` naming the scope). Kept so older clients still parse.
    InsufficientScope,
    /// The caller's address is not on the token's own IP allowlist.
    TokenIpNotAllowed,
    /// The caller's address is not on the account's API IP allowlist.
    AccountIpNotAllowed,
    /// The gateway's operator suspended the account: its tokens are refused and
    /// it cannot sign in until reinstated (contact the gateway's support).
    AccountSuspended,
    /// The credential is pinned ("refuse calls from new networks") and the caller's
    /// network (/24 for IPv4, /48 for IPv6) is not one it was used from.
    TokenNetworkNotAllowed,
    /// The caller's address is not on the account's portal IP allowlist.
    IpNotAllowed,
    /// The allowlist change would refuse the caller's own address; resend with `confirm_lockout`.
    WouldLockOut,
    /// The destination country is not on the account's country filter.
    CountryNotAllowed,
    /// The account's points balance does not cover the message.
    InsufficientPoints,
    /// Some recipients of a bulk send cannot be sent to; see `recipients`.
    /// Nothing was sent or charged.
    InvalidRecipients,
    /// A new account may send only to its home country (and keep its country filter
    /// there) until the gateway's operator lifts the trial restriction.
    TrialRestricted,
    /// The one-time code expired; send a new one.
    CodeExpired,
    /// The one-time code was already used.
    CodeUsed,
    /// Too many wrong attempts for this one-time code; send a new one.
    CodeLocked,
    /// The resource does not exist (or is not visible to the caller).
    NotFound,
    /// The caller lacks what this needs — a subuser's portal permission, a
    /// token's scope, or the owner's part — and `permission` names it.
    PermissionDenied,
    /// The subuser may not send now; `opens_at` says when sending opens again.
    OutsideSendingHours,
    /// The message would take the subuser over their monthly points limit.
    PointsLimitReached,
    /// The destination country is not among those the credential's policy allows; `country` names it.
    TokenCountryNotAllowed,
    /// The credential's policy does not allow sending now; `opens_at` says when it opens again.
    OutsideTokenWindow,
    /// The message would take the credential over its daily or monthly points cap.
    TokenPointsCapReached,
    /// The account requires two-factor sign-in: the session may only set it up
    /// (`/api/v1/two-factor/*`), read `GET /api/v1/me` and log out until it has.
    TwoFactorSetupRequired,
    /// The HTTP method is not supported on this resource.
    MethodNotAllowed,
    /// The request conflicts with the current state (e.g. the e-mail is taken).
    Conflict,
    /// The `Idempotency-Key` was already used by this sender for a different request.
    IdempotencyKeyReused,
    /// Too many requests; retry later.
    RateLimited,
    /// Sign-in is locked for a while after repeated failures (see `Retry-After`).
    LoginLocked,
    /// The platform's budget of texts it sends on its own behalf (codes) is used up for
    /// this account, number, country or address for now (see `Retry-After`).
    SmsBudgetExhausted,
    /// System texts to this country are paused after an unusual surge; retry later.
    SmsCountryPaused,
    /// The held sign-in is unknown, finished or timed out; sign in again.
    LoginChallengeInvalid,
    /// Passkeys cannot be used on this server: its public URL's host is an IP
    /// address, which cannot be a WebAuthn relying-party id.
    PasskeysUnavailable,
    /// The passkey's answer was not accepted (bad signature, wrong origin or
    /// relying party, a signature counter that went backwards, an unknown passkey).
    PasskeyRefused,
    /// The passkey ceremony is unknown, already finished or timed out; start again.
    PasskeyCeremonyInvalid,
    /// A dependency (storage) is unavailable; retry later.
    Unavailable,
    /// An SMS or e-mail could not be handed to the delivery service; retry later.
    DeliveryFailed,
    /// An unexpected server error; the request id identifies it in the logs.
    Internal,
    /// A code this client version does not know yet.
    #[serde(other)]
    Unknown,
}

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Name of the request field, as in the request body.
    pub field: String,
    /// Stable reason, e.g. `too_short`, `missing_digit`, `taken` (see `validate::codes`).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl FieldError {
    /// A field error with this stable code and message.
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// One recipient of a bulk send that cannot be sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientError {
    /// Its index in the request's `to` (or in the group, by contact id), from 0.
    pub index: u32,
    /// The recipient as given (a group's: the contact's phone).
    pub to: String,
    /// Stable reason: `invalid_phone`, `duplicate`, `country_not_allowed`, `trial_restricted`, `token_country_not_allowed`.
    pub code: String,
    /// Human-readable explanation.
    pub detail: String,
}

/// An RFC 9457 problem details body with Portcullis' `code` and `errors` extensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// URI identifying the problem type.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code.
    pub code: ProblemCode,
    /// Request id, to quote when asking for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field validation errors, when `code` is `validation_failed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The missing permission or scope, when `code` is `permission_denied`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// When sending opens again (RFC 3339, UTC), when `code` is `outside_sending_hours` or `outside_token_window`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    /// The destination country (ISO 3166-1 alpha-2), when `code` is `country_not_allowed` or `token_country_not_allowed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Every recipient that cannot be sent to, by index, when `code` is `invalid_recipients`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<RecipientError>,
}

impl Problem {
    /// A `422 validation_failed` answer carrying `errors` (as the API sends
    /// for a body that breaks field rules); clients' tests build theirs here.
    pub fn validation_failed(errors: Vec<FieldError>) -> Self {
        Problem {
            type_uri: "about:blank".into(),
            title: "Invalid".into(),
            status: 422,
            detail: None,
            code: ProblemCode::ValidationFailed,
            request_id: None,
            permission: None,
            opens_at: None,
            country: None,
            recipients: Vec::new(),
            errors,
        }
    }

    /// Every error message reported for `field`, joined into one sentence
    /// list (a password can break several rules at once), if any.
    pub fn field_message(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_from_newer_servers_still_parse() {
        let body = r#"{"type":"about:blank","title":"x","status":418,"code":"brand_new"}"#;
        let problem: Problem = serde_json::from_str(body).unwrap();
        assert_eq!(problem.code, ProblemCode::Unknown);
        assert!(problem.errors.is_empty());
    }

    #[test]
    fn field_message_joins_every_message_for_the_field() {
        let error = |code: &str, message: &str| FieldError {
            field: "password".into(),
            code: code.into(),
            message: message.into(),
        };
        let problem = Problem::validation_failed(vec![
            error("too_short", "Use at least 8 characters."),
            error("missing_digit", "Include at least one digit."),
        ]);
        assert_eq!(
            problem.field_message("password").as_deref(),
            Some("Use at least 8 characters. Include at least one digit.")
        );
    }

    #[test]
    fn field_message_finds_the_field() {
        let problem = Problem::validation_failed(vec![FieldError {
            field: "email".into(),
            code: "invalid_email".into(),
            message: "Enter a valid e-mail address.".into(),
        }]);
        assert_eq!(
            problem.field_message("email").as_deref(),
            Some("Enter a valid e-mail address.")
        );
        assert_eq!(problem.field_message("password"), None);
    }
}
