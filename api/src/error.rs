//! The API's one error type. Every refusal becomes an RFC 9457
//! `application/problem+json` body with a stable `code`.

use actix_web::{
    http::{header, StatusCode},
    HttpResponse, ResponseError,
};
use portcullis_shared::{
    problem::{
        FieldError, Problem, ProblemCode, RecipientError, OWNER_RESTRICTION, PROBLEM_CONTENT_TYPE,
    },
    validate::codes,
};

use crate::{
    db::{StorageError, WorkError},
    domain::TokenRefusal,
    telemetry,
};

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("malformed body: {0}")]
    MalformedBody(String),
    #[error("malformed path: {0}")]
    MalformedPath(String),
    #[error("malformed query: {0}")]
    MalformedQuery(String),
    /// One query-string parameter is wrong: a 400 `malformed_query` whose
    /// `errors` names it, so a form can show the problem by its field.
    #[error("malformed query parameter `{}`: {}", .0.field, .0.message)]
    MalformedQueryField(FieldError),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("session expired")]
    SessionExpired,
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The password was right, but the operator suspended the account.
    #[error("account suspended")]
    AccountSuspended,
    #[error("CSRF check failed")]
    CsrfFailed,
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The session may only change the password until it has.
    #[error("password change required")]
    PasswordChangeRequired,
    /// A subuser lacks this portal permission or API scope (or the part is the owner's alone).
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// A subuser may not send now; sending opens again at this time.
    #[error("outside sending hours until {opens_at}")]
    OutsideSendingHours {
        opens_at: chrono::DateTime<chrono::Utc>,
    },
    /// The message would take the subuser over their monthly points limit.
    #[error("monthly points limit reached: needs {needed}, {used} of {limit} used")]
    PointsLimitReached { needed: i64, used: i64, limit: i64 },
    /// The sending credential's policy does not allow this destination country.
    #[error("country not allowed for this credential: {0}")]
    TokenCountryNotAllowed(String),
    /// The sending credential's policy does not allow sending now; it opens at this time.
    #[error("outside the credential's sending window until {opens_at}")]
    OutsideTokenWindow {
        opens_at: chrono::DateTime<chrono::Utc>,
    },
    /// The message would take the credential over its daily or monthly points cap.
    #[error("credential's {period} points cap reached: needs {needed}, {used} of {cap} used")]
    TokenPointsCapReached {
        period: &'static str,
        needed: i64,
        used: i64,
        cap: i64,
    },
    /// The owner requires two-factor sign-in and this login has not set it up.
    #[error("two-factor setup required")]
    TwoFactorSetupRequired,
    #[error("bearer token refused: {0:?}")]
    TokenRefused(TokenRefusal),
    /// The portal IP allowlist refuses the caller's address.
    #[error("address not on the portal allowlist: {0}")]
    IpNotAllowed(std::net::IpAddr),
    /// A portal allowlist change would refuse the caller's own address.
    #[error("the change would lock {0} out")]
    WouldLockOut(std::net::IpAddr),
    #[error("country not allowed: {0}")]
    CountryNotAllowed(String),
    /// A company on trial points may send only to (and allow only) its home country.
    #[error("trial restricted to {home_country}")]
    TrialRestricted { home_country: String },
    #[error("insufficient points: needs {needed}, has {balance}")]
    InsufficientPoints { needed: i64, balance: i64 },
    /// Some recipients of a bulk send cannot be sent to (each named by index).
    #[error("{} invalid recipients", .0.len())]
    InvalidRecipients(Vec<RecipientError>),
    #[error("one-time code expired")]
    CodeExpired,
    #[error("one-time code already used")]
    CodeUsed,
    #[error("one-time code locked")]
    CodeLocked,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The sender used this `Idempotency-Key` for a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyKeyReused,
    /// A subuser tried to lift a restriction the account owner set on their
    /// token or OAuth client; says what the owner did.
    #[error("restricted by the owner: {0}")]
    OwnerRestriction(String),
    #[error("conflict: {detail}")]
    Conflict {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// Sign-in locked after repeated failures; the same answer whatever the password.
    #[error("login locked")]
    LoginLocked { retry_after_secs: u64 },
    #[error("login challenge invalid")]
    LoginChallengeInvalid,
    /// The public URL's host is an IP address: no WebAuthn relying party.
    #[error("passkeys unavailable: the public URL's host is not a domain")]
    PasskeysUnavailable,
    /// A passkey's answer did not verify (the reason is logged, not shown).
    #[error("passkey refused: {0}")]
    PasskeyRefused(&'static str),
    /// The WebAuthn ceremony is unknown, finished or timed out.
    #[error("passkey ceremony invalid")]
    PasskeyCeremonyInvalid,
    /// A budget of texts the platform sends on its own behalf is used up for a while.
    #[error("SMS budget exhausted ({scope})")]
    SmsBudgetExhausted {
        scope: &'static str,
        retry_after_secs: u64,
    },
    /// System texts to this calling code are paused after a surge.
    #[error("system texts to +{calling_code} paused")]
    SmsCountryPaused {
        calling_code: String,
        retry_after_secs: u64,
    },
    #[error("unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    /// An SMS or e-mail could not be handed over; the cause is logged, not shown.
    #[error("delivery failed: {0:#}")]
    DeliveryFailed(anyhow::Error),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::Internal(cause.into())
    }

    pub fn field(field: &str, code: &str, message: &str) -> Self {
        Self::Validation(vec![FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.to_owned(),
        }])
    }

    pub fn code(&self) -> ProblemCode {
        match self {
            Self::Validation(_) => ProblemCode::ValidationFailed,
            Self::MalformedBody(_) => ProblemCode::MalformedBody,
            Self::MalformedPath(_) => ProblemCode::MalformedPath,
            Self::MalformedQuery(_) => ProblemCode::MalformedQuery,
            Self::MalformedQueryField(_) => ProblemCode::MalformedQuery,
            Self::PayloadTooLarge => ProblemCode::PayloadTooLarge,
            Self::UnsupportedMediaType => ProblemCode::UnsupportedMediaType,
            Self::Unauthenticated => ProblemCode::Unauthenticated,
            Self::SessionExpired => ProblemCode::SessionExpired,
            Self::InvalidCredentials => ProblemCode::InvalidCredentials,
            Self::AccountSuspended => ProblemCode::AccountSuspended,
            Self::CsrfFailed => ProblemCode::CsrfFailed,
            Self::Forbidden(_) => ProblemCode::Forbidden,
            Self::PasswordChangeRequired => ProblemCode::PasswordChangeRequired,
            Self::PermissionDenied(_) => ProblemCode::PermissionDenied,
            Self::OutsideSendingHours { .. } => ProblemCode::OutsideSendingHours,
            Self::PointsLimitReached { .. } => ProblemCode::PointsLimitReached,
            Self::TokenCountryNotAllowed(_) => ProblemCode::TokenCountryNotAllowed,
            Self::OutsideTokenWindow { .. } => ProblemCode::OutsideTokenWindow,
            Self::TokenPointsCapReached { .. } => ProblemCode::TokenPointsCapReached,
            Self::TwoFactorSetupRequired => ProblemCode::TwoFactorSetupRequired,
            Self::TokenRefused(refusal) => match refusal {
                TokenRefusal::Missing => ProblemCode::MissingToken,
                TokenRefusal::Invalid => ProblemCode::TokenInvalid,
                TokenRefusal::Expired => ProblemCode::TokenExpired,
                TokenRefusal::Disabled => ProblemCode::TokenDisabled,
                TokenRefusal::Revoked => ProblemCode::TokenRevoked,
                TokenRefusal::TokenIpNotAllowed => ProblemCode::TokenIpNotAllowed,
                TokenRefusal::AccountIpNotAllowed => ProblemCode::AccountIpNotAllowed,
                TokenRefusal::AccountSuspended => ProblemCode::AccountSuspended,
                TokenRefusal::NetworkNotAllowed => ProblemCode::TokenNetworkNotAllowed,
                // Lacking a capability is one answer whatever the credential;
                // RFC 6750's `insufficient_scope` is in the challenge header.
                TokenRefusal::InsufficientScope(_) => ProblemCode::PermissionDenied,
                TokenRefusal::CountryNotAllowed => ProblemCode::TokenCountryNotAllowed,
                TokenRefusal::OutsideWindow => ProblemCode::OutsideTokenWindow,
                TokenRefusal::PointsCapReached => ProblemCode::TokenPointsCapReached,
                TokenRefusal::RateLimited => ProblemCode::RateLimited,
            },
            Self::IpNotAllowed(_) => ProblemCode::IpNotAllowed,
            Self::WouldLockOut(_) => ProblemCode::WouldLockOut,
            Self::CountryNotAllowed(_) => ProblemCode::CountryNotAllowed,
            Self::InsufficientPoints { .. } => ProblemCode::InsufficientPoints,
            Self::InvalidRecipients(_) => ProblemCode::InvalidRecipients,
            Self::TrialRestricted { .. } => ProblemCode::TrialRestricted,
            Self::CodeExpired => ProblemCode::CodeExpired,
            Self::CodeUsed => ProblemCode::CodeUsed,
            Self::CodeLocked => ProblemCode::CodeLocked,
            Self::NotFound => ProblemCode::NotFound,
            Self::MethodNotAllowed => ProblemCode::MethodNotAllowed,
            Self::Conflict { .. } => ProblemCode::Conflict,
            Self::IdempotencyKeyReused => ProblemCode::IdempotencyKeyReused,
            Self::OwnerRestriction(_) => ProblemCode::PermissionDenied,
            Self::RateLimited { .. } => ProblemCode::RateLimited,
            Self::LoginLocked { .. } => ProblemCode::LoginLocked,
            Self::LoginChallengeInvalid => ProblemCode::LoginChallengeInvalid,
            Self::PasskeysUnavailable => ProblemCode::PasskeysUnavailable,
            Self::PasskeyRefused(_) => ProblemCode::PasskeyRefused,
            Self::PasskeyCeremonyInvalid => ProblemCode::PasskeyCeremonyInvalid,
            Self::SmsBudgetExhausted { .. } => ProblemCode::SmsBudgetExhausted,
            Self::SmsCountryPaused { .. } => ProblemCode::SmsCountryPaused,
            Self::Unavailable(_) => ProblemCode::Unavailable,
            Self::DeliveryFailed(_) => ProblemCode::DeliveryFailed,
            Self::Internal(_) => ProblemCode::Internal,
        }
    }

    fn title_and_detail(&self) -> (&'static str, Option<String>) {
        match self {
            Self::Validation(_) => (
                "Some fields are not valid",
                Some("See `errors` for each field.".into()),
            ),
            Self::MalformedBody(why) => ("The request body could not be read", Some(why.clone())),
            Self::MalformedPath(why) => ("The URL path is not valid", Some(why.clone())),
            Self::MalformedQuery(why) => ("The query string is not valid", Some(why.clone())),
            Self::MalformedQueryField(error) => {
                ("The query string is not valid", Some(error.message.clone()))
            }
            Self::PayloadTooLarge => ("The request body is too large", None),
            Self::UnsupportedMediaType => ("Send the body as application/json", None),
            Self::Unauthenticated => ("Sign in to continue", None),
            Self::SessionExpired => ("Your session has ended; sign in again", None),
            Self::InvalidCredentials => ("The e-mail or password is not correct", None),
            Self::AccountSuspended => ("The account is suspended", Some(SUSPENDED_DETAIL.into())),
            Self::CsrfFailed => (
                "Missing or invalid X-CSRF-Token header",
                Some("State-changing portal requests must carry the session's CSRF token.".into()),
            ),
            Self::Forbidden(why) => ("You may not do this", Some(why.clone())),
            Self::PasswordChangeRequired => (
                "Choose a new password first",
                Some("The account requires a new password every 30 days and this one is due. Change it with POST /api/v1/password; until then only that, GET /api/v1/me and logout are allowed.".into()),
            ),
            Self::PermissionDenied(permission) => (
                "You do not have permission to do this",
                Some(format!("Your login lacks the `{permission}` permission; the account owner can grant it.")),
            ),
            Self::OutsideSendingHours { opens_at } => (
                "Sending is not allowed at this time",
                Some(format!("Your login may send again from {}.", opens_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
            ),
            Self::PointsLimitReached { needed, used, limit } => (
                "This message would exceed your monthly points limit",
                Some(format!("The message costs {needed} points; {used} of your {limit} points this month are used.")),
            ),
            Self::TokenCountryNotAllowed(country) => (
                "This credential may not send to this country",
                Some(format!("Destination country {country} is not among the countries the policy of this API token or OAuth client allows; the account owner can change the policy in the portal.")),
            ),
            Self::OutsideTokenWindow { opens_at } => (
                "This credential may not send at this time",
                Some(format!("The policy of this API token or OAuth client allows sending again from {}.", opens_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
            ),
            Self::TokenPointsCapReached { period, needed, used, cap } => (
                "This message would exceed the credential's points cap",
                Some(format!("The message costs {needed} points; {used} of this credential's {cap} points this {period} (UTC) are used.")),
            ),
            Self::TwoFactorSetupRequired => (
                "Set up two-factor sign-in first",
                Some("The account requires two-factor sign-in for every user. Set it up under /api/v1/two-factor; until then only that, GET /api/v1/me and logout are allowed.".into()),
            ),
            Self::TokenRefused(refusal) => match refusal {
                TokenRefusal::Missing => (
                    "Send an API token in the Authorization header",
                    Some("Use `Authorization: Bearer <token>`.".into()),
                ),
                TokenRefusal::Invalid => (
                    "The API token is not valid",
                    Some("It is malformed, badly signed, or not issued by this server.".into()),
                ),
                TokenRefusal::Expired => ("The API token has expired", None),
                TokenRefusal::Disabled => (
                    "The API token is disabled",
                    Some("Re-enable it in the portal's API tokens page.".into()),
                ),
                TokenRefusal::Revoked => ("The API token was deleted or revoked", None),
                TokenRefusal::TokenIpNotAllowed => {
                    ("Your address is not on this token's IP allowlist", None)
                }
                TokenRefusal::AccountIpNotAllowed => (
                    "Your address is not on the account's API IP allowlist",
                    None,
                ),
                TokenRefusal::AccountSuspended => (
                    "The account is suspended",
                    Some(SUSPENDED_DETAIL.into()),
                ),
                TokenRefusal::NetworkNotAllowed => (
                    "This credential refuses calls from new networks",
                    Some("It is pinned to the networks it was used from, and your address is on none of them. The account can unpin it in the portal.".into()),
                ),
                TokenRefusal::InsufficientScope(scope) => (
                    "The API token lacks the permission this needs",
                    Some(format!(
                        "This endpoint needs the `{}` scope.",
                        scope.as_str()
                    )),
                ),
                TokenRefusal::CountryNotAllowed => (
                    "This credential may not send to this country",
                    None,
                ),
                TokenRefusal::OutsideWindow => ("This credential may not send at this time", None),
                TokenRefusal::PointsCapReached => (
                    "This message would exceed the credential's points cap",
                    None,
                ),
                TokenRefusal::RateLimited => (
                    "Too many requests with this credential",
                    None,
                ),
            },
            Self::IpNotAllowed(address) => (
                "Your address is not on the account's portal IP allowlist",
                Some(format!("Requests from {address} are refused. Use the portal from an allowed address, or ask the account owner to add this one.")),
            ),
            Self::WouldLockOut(address) => (
                "This change would lock you out of the portal",
                Some(format!("Afterwards the portal allowlist would refuse your address, {address}. Send `confirm_lockout: true` to make the change anyway.")),
            ),
            Self::CountryNotAllowed(country) => (
                "Messages to this country are blocked by the account's country filter",
                Some(format!("Destination country {country} is not on the country filter; an account owner can add it in the portal.")),
            ),
            Self::TrialRestricted { home_country } => (
                "Trial accounts may send only to their home country",
                Some(format!("Until the gateway's operator lifts the trial restriction, this account can send to, and allow on its country filter, only {home_country}. Contact support to send abroad.")),
            ),
            Self::InsufficientPoints { needed, balance } => (
                "Not enough points for this message",
                Some(format!("The message costs {needed} points and the balance is {balance}.")),
            ),
            Self::InvalidRecipients(recipients) => (
                "Some recipients cannot be sent to",
                Some(format!("{} of the recipients cannot be sent to; see `recipients`. Nothing was sent or charged.", recipients.len())),
            ),
            Self::CodeExpired => ("The code has expired; send a new one", None),
            Self::CodeUsed => ("The code was already used; send a new one", None),
            Self::CodeLocked => ("Too many wrong attempts; send a new code", None),
            Self::NotFound => ("Not found", None),
            Self::MethodNotAllowed => ("Method not allowed on this resource", None),
            Self::Conflict { detail, .. } => (
                "The request conflicts with the current state",
                Some(detail.clone()),
            ),
            Self::IdempotencyKeyReused => (
                "This Idempotency-Key was used for a different request",
                Some("You already sent a different message with this Idempotency-Key. A retry must repeat the original request exactly; a new message needs a new key.".into()),
            ),
            Self::OwnerRestriction(what) => (
                "Only the account owner can lift this restriction",
                Some(format!("The account owner {what}; only the owner can undo that. You may still rename it, disable it or narrow it further.")),
            ),
            Self::RateLimited { retry_after_secs } => (
                "Too many requests",
                Some(format!("Try again in {retry_after_secs} seconds.")),
            ),
            Self::LoginLocked { retry_after_secs } => (
                "Too many failed sign-ins; sign-in is locked for a while",
                Some(format!("Try again in {retry_after_secs} seconds. The account owner was told by e-mail.")),
            ),
            Self::LoginChallengeInvalid => (
                "This sign-in step has ended; sign in again",
                None,
            ),
            Self::PasskeysUnavailable => (
                "Passkeys cannot be used on this server",
                Some("Its public address (PORTCULLIS_PUBLIC_URL) is an IP address; passkeys need a domain name. Ask the operator to serve the portal under a domain.".into()),
            ),
            Self::PasskeyRefused(_) => (
                "The passkey was not accepted",
                Some("Its answer did not verify for this site. Try again, or use another method.".into()),
            ),
            Self::PasskeyCeremonyInvalid => (
                "This passkey request has ended; start again",
                Some("Each passkey request works once, for 5 minutes.".into()),
            ),
            Self::SmsBudgetExhausted { retry_after_secs, .. } => (
                "Too many codes were sent by text; try again later",
                Some(format!("No more code texts can go out for now. Try again in {retry_after_secs} seconds, or use an authenticator app or a recovery code where you have one.")),
            ),
            Self::SmsCountryPaused { retry_after_secs, .. } => (
                "Code texts to this country are paused for a while",
                Some(format!("An unusual number of texts to this country was sent, so they are held for now. Try again in {retry_after_secs} seconds.")),
            ),
            Self::Unavailable(_) => (
                "The service is temporarily unavailable; try again shortly",
                None,
            ),
            Self::DeliveryFailed(_) => (
                "The message could not be sent; try again shortly",
                Some("The delivery service did not accept it. Quote the request id if this keeps happening.".into()),
            ),
            Self::Internal(_) => (
                "Something went wrong on our side",
                Some("Quote the request id when contacting support.".into()),
            ),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (title, detail) = self.title_and_detail();
        let errors = match self {
            Self::Validation(errors) | Self::Conflict { errors, .. } => errors.clone(),
            Self::MalformedQueryField(error) => vec![error.clone()],
            // Code problems also name the field, so forms can show them by it.
            Self::CodeExpired => vec![FieldError::new("code", codes::CODE_EXPIRED, title)],
            Self::CodeUsed => vec![FieldError::new("code", codes::CODE_USED, title)],
            Self::CodeLocked => vec![FieldError::new("code", codes::CODE_LOCKED, title)],
            Self::WouldLockOut(address) => vec![FieldError::new(
                "confirm_lockout",
                portcullis_shared::validate::codes::LOCKS_YOU_OUT,
                format!("Your address {address} would no longer be allowed."),
            )],
            _ => Vec::new(),
        };
        let code = self.code();
        Problem {
            type_uri: problem_type_uri(code),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail,
            code,
            request_id: telemetry::current_request_id(),
            permission: match self {
                Self::PermissionDenied(permission) => Some(permission.clone()),
                Self::TokenRefused(TokenRefusal::InsufficientScope(scope)) => {
                    Some(scope.as_str().to_owned())
                }
                Self::OwnerRestriction(_) => Some(OWNER_RESTRICTION.to_owned()),
                _ => None,
            },
            opens_at: match self {
                Self::OutsideSendingHours { opens_at } | Self::OutsideTokenWindow { opens_at } => {
                    Some(opens_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                }
                _ => None,
            },
            country: match self {
                Self::CountryNotAllowed(country) | Self::TokenCountryNotAllowed(country) => {
                    Some(country.clone())
                }
                _ => None,
            },
            recipients: match self {
                Self::InvalidRecipients(recipients) => recipients.clone(),
                _ => Vec::new(),
            },
            errors,
        }
    }
}

/// A stable URI per problem code. A URN rather than a URL: it names the
/// problem type without promising a page at some address.
pub fn problem_type_uri(code: ProblemCode) -> String {
    format!("urn:portcullis:problem:{}", code_name(code))
}

/// The stable snake_case name of a problem code, as clients see it.
pub fn code_name(code: ProblemCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// Writes a problem body with the right media type.
pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(serde_json::to_string(problem).unwrap_or_else(|_| String::from("{}")))
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::InvalidRecipients(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MalformedBody(_) | Self::MalformedPath(_) | Self::MalformedQuery(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::MalformedQueryField(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unauthenticated | Self::SessionExpired | Self::InvalidCredentials => {
                StatusCode::UNAUTHORIZED
            }
            Self::CsrfFailed
            | Self::AccountSuspended
            | Self::Forbidden(_)
            | Self::PasswordChangeRequired
            | Self::PermissionDenied(_)
            | Self::OwnerRestriction(_)
            | Self::OutsideSendingHours { .. }
            | Self::TokenCountryNotAllowed(_)
            | Self::OutsideTokenWindow { .. }
            | Self::TwoFactorSetupRequired => StatusCode::FORBIDDEN,
            Self::PointsLimitReached { .. } | Self::TokenPointsCapReached { .. } => {
                StatusCode::PAYMENT_REQUIRED
            }
            Self::TokenRefused(refusal) => match refusal {
                TokenRefusal::TokenIpNotAllowed
                | TokenRefusal::AccountIpNotAllowed
                | TokenRefusal::AccountSuspended
                | TokenRefusal::InsufficientScope(_)
                | TokenRefusal::CountryNotAllowed
                | TokenRefusal::OutsideWindow
                | TokenRefusal::NetworkNotAllowed => StatusCode::FORBIDDEN,
                TokenRefusal::PointsCapReached => StatusCode::PAYMENT_REQUIRED,
                TokenRefusal::RateLimited => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            },
            Self::IpNotAllowed(_) | Self::CountryNotAllowed(_) | Self::TrialRestricted { .. } => {
                StatusCode::FORBIDDEN
            }
            Self::WouldLockOut(_) => StatusCode::CONFLICT,
            Self::InsufficientPoints { .. } => StatusCode::PAYMENT_REQUIRED,
            Self::CodeExpired | Self::CodeUsed => StatusCode::GONE,
            Self::CodeLocked => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } | Self::IdempotencyKeyReused => StatusCode::CONFLICT,
            Self::RateLimited { .. }
            | Self::LoginLocked { .. }
            | Self::SmsBudgetExhausted { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::SmsCountryPaused { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::LoginChallengeInvalid | Self::PasskeyRefused(_) => StatusCode::UNAUTHORIZED,
            Self::PasskeysUnavailable => StatusCode::CONFLICT,
            Self::PasskeyCeremonyInvalid => StatusCode::GONE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::DeliveryFailed(_) => StatusCode::BAD_GATEWAY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // The cause chain goes to the log, never to the client.
        match self {
            Self::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "request failed")
            }
            Self::Unavailable(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "dependency unavailable")
            }
            Self::DeliveryFailed(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "message delivery failed")
            }
            _ => {}
        }
        let mut response = problem_response(&self.to_problem());
        if let Self::RateLimited { retry_after_secs }
        | Self::LoginLocked { retry_after_secs }
        | Self::SmsBudgetExhausted {
            retry_after_secs, ..
        }
        | Self::SmsCountryPaused {
            retry_after_secs, ..
        } = self
        {
            if let Ok(value) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if let Self::OutsideSendingHours { opens_at } | Self::OutsideTokenWindow { opens_at } = self
        {
            let wait = (*opens_at - chrono::Utc::now()).num_seconds().max(1);
            if let Ok(value) = header::HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if let Self::TokenRefused(refusal) = self {
            if let Some(value) =
                bearer_challenge(*refusal).and_then(|c| header::HeaderValue::from_str(&c).ok())
            {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        }
        if matches!(
            self,
            Self::Unauthenticated | Self::SessionExpired | Self::InvalidCredentials
        ) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Cookie realm=\"portcullis\""),
            );
        }
        response
    }
}

/// The RFC 6750 `WWW-Authenticate` challenge for a refused bearer token.
/// What a suspended account's users are told.
const SUSPENDED_DETAIL: &str =
    "The gateway's operator suspended this account: its users cannot sign in and its API tokens are refused. Contact the gateway's support.";

fn bearer_challenge(refusal: TokenRefusal) -> Option<String> {
    const REALM: &str = "Bearer realm=\"portcullis\"";
    match refusal {
        TokenRefusal::Missing => Some(REALM.to_owned()),
        TokenRefusal::Invalid | TokenRefusal::Revoked | TokenRefusal::Disabled => Some(format!(
            "{REALM}, error=\"invalid_token\", error_description=\"The access token is not valid\""
        )),
        TokenRefusal::Expired => Some(format!(
            "{REALM}, error=\"invalid_token\", error_description=\"The access token expired\""
        )),
        TokenRefusal::InsufficientScope(scope) => Some(format!(
            "{REALM}, error=\"insufficient_scope\", scope=\"{}\"",
            scope.as_str()
        )),
        // An address refusal or a suspension is not an authentication failure: no challenge.
        TokenRefusal::TokenIpNotAllowed
        | TokenRefusal::AccountIpNotAllowed
        | TokenRefusal::AccountSuspended
        | TokenRefusal::CountryNotAllowed
        | TokenRefusal::OutsideWindow
        | TokenRefusal::PointsCapReached
        | TokenRefusal::RateLimited
        | TokenRefusal::NetworkNotAllowed => None,
    }
}

/// The service boundary: storage's failures as the API answers them.
impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> Self {
        match error {
            // Gone, dead or full: 503, retryable.
            StorageError::Unavailable(cause) => Self::Unavailable(cause),
            // A uniqueness conflict the service did not expect and turn into
            // a refusal of its own is a bug: 500. The cause stays the diesel
            // error, so a service can still recognise it.
            StorageError::Conflict(cause) | StorageError::Internal(cause) => Self::Internal(cause),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        StorageError::from(error).into()
    }
}

impl WorkError for ApiError {
    fn into_failure(self) -> Result<StorageError, Self> {
        match self {
            Self::Unavailable(cause) => Ok(StorageError::Unavailable(cause)),
            Self::Internal(cause) => Ok(StorageError::Internal(cause)),
            refusal => Err(refusal),
        }
    }
}

/// Maps actix's extractor errors (JSON, path, query) onto our problem bodies.
pub mod extractors {
    use actix_web::{
        error::{JsonPayloadError, PathError, QueryPayloadError},
        HttpRequest,
    };

    use super::ApiError;

    pub fn json_error(error: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
        let api_error = match &error {
            JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
                ApiError::PayloadTooLarge
            }
            JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
            JsonPayloadError::Deserialize(cause) => {
                ApiError::MalformedBody(describe_serde_error(cause))
            }
            _ => ApiError::MalformedBody("The body could not be read as JSON.".into()),
        };
        api_error.into()
    }

    pub fn path_error(error: PathError, _: &HttpRequest) -> actix_web::Error {
        ApiError::MalformedPath(error.to_string()).into()
    }

    pub fn query_error(error: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
        ApiError::MalformedQuery(error.to_string()).into()
    }

    /// serde_json's message names the field and position but never echoes the value.
    fn describe_serde_error(error: &serde_json::Error) -> String {
        let message = error.to_string();
        // Keep messages short and free of input echoes such as long invalid strings.
        let message: String = message.chars().take(200).collect();
        format!("Invalid JSON: {message}")
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    #[test]
    fn storage_failures_answer_as_before_and_refusals_pass_through() {
        let full = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("database or disk is full".to_owned()),
        );
        assert_eq!(
            ApiError::from(full).status_code(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        let unique = Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("dup".to_owned()),
        );
        let ApiError::Internal(cause) = ApiError::from(unique) else {
            panic!("an unforeseen conflict is a bug");
        };
        // Services recognise a unique violation by the cause it carries.
        assert!(cause.downcast_ref::<Error>().is_some());

        assert!(matches!(
            ApiError::Internal(anyhow::anyhow!("x")).into_failure(),
            Ok(StorageError::Internal(_))
        ));
        assert!(matches!(
            ApiError::Unavailable(anyhow::anyhow!("x")).into_failure(),
            Ok(StorageError::Unavailable(_))
        ));
        assert!(matches!(
            ApiError::NotFound.into_failure(),
            Err(ApiError::NotFound)
        ));
    }
}
