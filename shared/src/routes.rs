//! Paths and header names both sides agree on.

/// Prefix of every portal and integrator endpoint.
pub const API_V1: &str = "/api/v1";
/// Create an account.
pub const SIGNUP: &str = "/api/v1/auth/signup";
/// Start a portal session.
pub const LOGIN: &str = "/api/v1/auth/login";
/// End the current portal session.
pub const LOGOUT: &str = "/api/v1/auth/logout";
/// The signed-in account.
pub const ME: &str = "/api/v1/me";
/// The account's security log, newest first.
pub const SECURITY_LOG: &str = "/api/v1/security-log";
/// The account's security log as a CSV or JSON download.
pub const SECURITY_LOG_EXPORT: &str = "/api/v1/security-log/export";
/// Development only: messages stored instead of sent (404 unless enabled).
pub const DEV_OUTBOX: &str = "/api/v1/dev/outbox";
/// Process is up.
pub const LIVEZ: &str = "/livez";
/// Storage is reachable.
pub const READYZ: &str = "/readyz";
/// The OpenAPI document as JSON.
pub const OPENAPI_JSON: &str = "/api/openapi.json";
/// Swagger UI over the OpenAPI document.
pub const API_DOCS: &str = "/api/docs";

/// Header carrying the session's CSRF token on state-changing portal requests.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// `X-CSRF-Token` value for requests made before a session exists (sign-up,
/// login): the API requires the header there but has no token to match yet.
pub const PRE_SESSION_CSRF: &str = "1";
/// Name of the HttpOnly portal session cookie.
pub const SESSION_COOKIE: &str = "portcullis_session";
/// Header carrying the request id the server assigned (or accepted) for a request.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";
