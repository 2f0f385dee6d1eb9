//! Typed client for the Portcullis API, over the `shared` DTOs.
//!
//! The portal is served from the API's origin (or proxied to it by `trunk serve`), so the
//! HttpOnly session cookie travels with every same-origin request without any handling here.

mod error;

pub use error::{client_validation_problem, ApiError};

use gloo_net::http::{Request, RequestBuilder, Response};
use portcullis_shared::dto::{
    AccountDto, ExportFormat, LoginRequest, MeResponse, SecurityEventKind, SecurityLogPage,
    SignupRequest,
};
use portcullis_shared::routes::{
    CSRF_HEADER, LOGIN, LOGOUT, ME, PRE_SESSION_CSRF, SECURITY_LOG, SECURITY_LOG_EXPORT, SIGNUP,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Creates an account. Does not sign in.
pub async fn signup(request: &SignupRequest) -> Result<AccountDto, ApiError> {
    let response = post_json(SIGNUP, PRE_SESSION_CSRF, request).await?;
    decode(response).await
}

/// Starts a portal session; the API sets the session cookie.
pub async fn login(request: &LoginRequest) -> Result<MeResponse, ApiError> {
    let response = post_json(LOGIN, PRE_SESSION_CSRF, request).await?;
    decode(response).await
}

/// Ends the current session; the API clears the session cookie.
pub async fn logout(csrf_token: &str) -> Result<(), ApiError> {
    let response = send(Request::post(LOGOUT).header(CSRF_HEADER, csrf_token)).await?;
    expect_no_content(response).await
}

/// The signed-in account and session, or an `unauthenticated` problem.
pub async fn me() -> Result<MeResponse, ApiError> {
    let response = send(Request::get(ME)).await?;
    decode(response).await
}

/// One page of the account's security log, newest first: of one `kind` or all, and older
/// than `cursor` (the previous page's `next_cursor`) when given.
pub async fn security_log(
    kind: Option<SecurityEventKind>,
    cursor: Option<&str>,
) -> Result<SecurityLogPage, ApiError> {
    let mut query: Vec<(&str, &str)> = Vec::new();
    if let Some(kind) = kind {
        query.push(("kind", kind.as_str()));
    }
    if let Some(cursor) = cursor {
        query.push(("cursor", cursor));
    }
    let response = send(Request::get(SECURITY_LOG).query(query)).await?;
    decode(response).await
}

/// Where the browser downloads the security log as a file (the session cookie goes along).
/// Kinds and formats are fixed snake_case names, so nothing needs escaping.
pub fn security_log_export_url(format: ExportFormat, kind: Option<SecurityEventKind>) -> String {
    match kind {
        Some(kind) => format!(
            "{SECURITY_LOG_EXPORT}?format={}&kind={}",
            format.as_str(),
            kind.as_str()
        ),
        None => format!("{SECURITY_LOG_EXPORT}?format={}", format.as_str()),
    }
}

async fn post_json<B: Serialize>(
    path: &str,
    csrf_token: &str,
    body: &B,
) -> Result<Response, ApiError> {
    let request = Request::post(path)
        .header(CSRF_HEADER, csrf_token)
        .header("Accept", "application/json")
        .json(body)
        .map_err(|err| ApiError::Network(err.to_string()))?;
    request
        .send()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))
}

async fn send(request: RequestBuilder) -> Result<Response, ApiError> {
    request
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))
}

async fn body_text(response: &Response) -> Result<String, ApiError> {
    response
        .text()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    let body = body_text(&response).await?;
    error::decode_body(status, &body)
}

async fn expect_no_content(response: Response) -> Result<(), ApiError> {
    let status = response.status();
    if response.ok() {
        return Ok(());
    }
    let body = body_text(&response).await?;
    Err(ApiError::from_error_body(status, &body))
}
