//! Typed client for the Portcullis API, over the `shared` DTOs.
//!
//! The portal is served from the API's origin (or proxied to it by `trunk serve`), so the
//! HttpOnly session cookie travels with every same-origin request without any handling here.

mod error;
mod login_security;
mod subusers;

pub use error::{client_validation_problem, ApiError};
pub use login_security::{
    confirm_sms_two_factor, confirm_totp_two_factor, disable_two_factor, list_devices, login,
    new_recovery_codes, remove_device, resend_login_code, send_two_factor_code,
    set_two_factor_policy, start_sms_two_factor, start_totp_two_factor, two_factor_status,
    verify_login, LoginOutcome, NotResent,
};
pub use subusers::{
    create_subuser, delete_subuser, list_contact_groups, list_messages, list_senders,
    list_subusers, send_sms, subuser_action, update_subuser, SubuserAction,
};

use gloo_net::http::{Request, RequestBuilder, Response};
use portcullis_shared::dto::{
    AddAllowlistEntryRequest, AddPortalAllowlistEntryRequest, AllowlistEntryDto,
    ChangePasswordRequest, ConfirmPasswordResetRequest, ConfirmSignupRequest, CountryFilterDto,
    CreateOAuthClientRequest, CreateTokenRequest, CreatedOAuthClientDto, CreatedTokenDto,
    ExportFormat, LoginHistoryPage, MeResponse, OAuthClientDto, PasswordPolicyDto,
    PasswordResetRequest, PortalAllowlistDto, PortalAllowlistEntryDto, RevokedSessionsDto,
    SecurityEventKind, SecurityLogPage, SessionDto, SessionTimeoutDto, SetSessionTimeoutRequest,
    SignupAcceptedDto, SignupRequest, TokenDto, UpdateOAuthClientRequest,
    UpdatePasswordPolicyRequest, UpdateTokenRequest,
};
use portcullis_shared::routes::{
    API_ALLOWLIST, API_ALLOWLIST_ENTRY, COUNTRY_FILTER, CSRF_HEADER, LOGIN_HISTORY, LOGOUT, ME,
    OAUTH_CLIENT, OAUTH_CLIENTS, PASSWORD, PASSWORD_POLICY, PASSWORD_RESET, PASSWORD_RESET_CONFIRM,
    PORTAL_ALLOWLIST, PORTAL_ALLOWLIST_ENTRY, PRE_SESSION_CSRF, SECURITY_LOG, SECURITY_LOG_EXPORT,
    SESSION, SESSIONS, SESSIONS_REVOKE_ALL, SESSIONS_REVOKE_OTHERS, SESSION_TIMEOUT, SIGNUP,
    SIGNUP_CONFIRM, SUBUSER_SECURITY_LOG, TOKEN, TOKENS,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Starts a sign-up: the API e-mails a confirmation link (its answer is the same for every
/// e-mail). Nothing is created until the link is followed.
pub async fn signup(request: &SignupRequest) -> Result<SignupAcceptedDto, ApiError> {
    let response = send_json(Request::post(SIGNUP), PRE_SESSION_CSRF, request).await?;
    decode(response).await
}

/// Confirms a sign-up with its link's token: creates the account and signs this browser in.
pub async fn confirm_signup(request: &ConfirmSignupRequest) -> Result<MeResponse, ApiError> {
    let response = send_json(Request::post(SIGNUP_CONFIRM), PRE_SESSION_CSRF, request).await?;
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

/// Changes the password; answers the session as it is now (no longer restricted).
pub async fn change_password(
    csrf_token: &str,
    request: &ChangePasswordRequest,
) -> Result<MeResponse, ApiError> {
    let response = send_json(Request::post(PASSWORD), csrf_token, request).await?;
    decode(response).await
}

/// The account's password policy and when the password is due.
pub async fn password_policy() -> Result<PasswordPolicyDto, ApiError> {
    let response = send(Request::get(PASSWORD_POLICY)).await?;
    decode(response).await
}

/// Turns "new password every 30 days" on or off.
pub async fn set_password_policy(
    csrf_token: &str,
    request: &UpdatePasswordPolicyRequest,
) -> Result<PasswordPolicyDto, ApiError> {
    let response = send_json(Request::put(PASSWORD_POLICY), csrf_token, request).await?;
    decode(response).await
}

/// Asks for a reset link; the API answers the same whether or not the account exists.
pub async fn request_password_reset(request: &PasswordResetRequest) -> Result<(), ApiError> {
    let response = send_json(Request::post(PASSWORD_RESET), PRE_SESSION_CSRF, request).await?;
    expect_no_content(response).await
}

/// Sets a new password with a reset link's token.
pub async fn confirm_password_reset(request: &ConfirmPasswordResetRequest) -> Result<(), ApiError> {
    let response = send_json(
        Request::post(PASSWORD_RESET_CONFIRM),
        PRE_SESSION_CSRF,
        request,
    )
    .await?;
    expect_no_content(response).await
}

/// One page of the security log, newest first: of one `kind` or all, and older than
/// `cursor` (the previous page's `next_cursor`) when given. The account's whole log, or
/// with `subuser`, that subuser's entries (owner only).
pub async fn security_log(
    subuser: Option<&str>,
    kind: Option<SecurityEventKind>,
    cursor: Option<&str>,
) -> Result<SecurityLogPage, ApiError> {
    let path = match subuser {
        Some(id) => item_path(SUBUSER_SECURITY_LOG, id),
        None => SECURITY_LOG.to_owned(),
    };
    let mut query: Vec<(&str, &str)> = Vec::new();
    if let Some(kind) = kind {
        query.push(("kind", kind.as_str()));
    }
    if let Some(cursor) = cursor {
        query.push(("cursor", cursor));
    }
    let response = send(Request::get(&path).query(query)).await?;
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

/// The account's API tokens, newest first.
pub async fn list_tokens() -> Result<Vec<TokenDto>, ApiError> {
    let response = send(Request::get(TOKENS)).await?;
    decode(response).await
}

/// Creates an API token; the answer holds its secret, which the API never shows again.
pub async fn create_token(
    csrf_token: &str,
    request: &CreateTokenRequest,
) -> Result<CreatedTokenDto, ApiError> {
    let response = send_json(Request::post(TOKENS), csrf_token, request).await?;
    decode(response).await
}

/// Renames, disables or re-enables a token, or replaces its IP allowlist.
pub async fn update_token(
    csrf_token: &str,
    id: &str,
    request: &UpdateTokenRequest,
) -> Result<TokenDto, ApiError> {
    let path = item_path(TOKEN, id);
    let response = send_json(Request::patch(&path), csrf_token, request).await?;
    decode(response).await
}

/// Deletes a token: calls made with it are refused from then on.
pub async fn delete_token(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    let path = item_path(TOKEN, id);
    let response = send(Request::delete(&path).header(CSRF_HEADER, csrf_token)).await?;
    expect_no_content(response).await
}

/// The account's API IP allowlist; empty when API calls may come from anywhere.
pub async fn list_api_allowlist() -> Result<Vec<AllowlistEntryDto>, ApiError> {
    let response = send(Request::get(API_ALLOWLIST)).await?;
    decode(response).await
}

/// Adds an address or range to the account's API IP allowlist.
pub async fn add_api_allowlist_entry(
    csrf_token: &str,
    request: &AddAllowlistEntryRequest,
) -> Result<AllowlistEntryDto, ApiError> {
    let response = send_json(Request::post(API_ALLOWLIST), csrf_token, request).await?;
    decode(response).await
}

/// Removes an entry from the account's API IP allowlist.
pub async fn delete_api_allowlist_entry(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    let path = item_path(API_ALLOWLIST_ENTRY, id);
    let response = send(Request::delete(&path).header(CSRF_HEADER, csrf_token)).await?;
    expect_no_content(response).await
}

/// The account's OAuth2 clients.
pub async fn list_oauth_clients() -> Result<Vec<OAuthClientDto>, ApiError> {
    let response = send(Request::get(OAUTH_CLIENTS)).await?;
    decode(response).await
}

/// Registers an OAuth2 client; the answer holds its secret, the only time it is shown.
pub async fn create_oauth_client(
    csrf_token: &str,
    request: &CreateOAuthClientRequest,
) -> Result<CreatedOAuthClientDto, ApiError> {
    let response = send_json(Request::post(OAUTH_CLIENTS), csrf_token, request).await?;
    decode(response).await
}

/// Disables, re-enables or re-scopes an OAuth2 client; answers the client as changed.
pub async fn update_oauth_client(
    csrf_token: &str,
    id: &str,
    request: &UpdateOAuthClientRequest,
) -> Result<OAuthClientDto, ApiError> {
    let path = item_path(OAUTH_CLIENT, id);
    let response = send_json(Request::patch(&path), csrf_token, request).await?;
    decode(response).await
}

/// Deletes an OAuth2 client and every token issued to it.
pub async fn delete_oauth_client(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    let path = item_path(OAUTH_CLIENT, id);
    let response = send(Request::delete(&path).header(CSRF_HEADER, csrf_token)).await?;
    expect_no_content(response).await
}

/// The destination countries the account's messages may go to.
pub async fn get_country_filter() -> Result<CountryFilterDto, ApiError> {
    let response = send(Request::get(COUNTRY_FILTER)).await?;
    decode(response).await
}

/// Replaces the country filter; answers the list as stored (normalised, sorted).
pub async fn set_country_filter(
    csrf_token: &str,
    request: &CountryFilterDto,
) -> Result<CountryFilterDto, ApiError> {
    let response = send_json(Request::put(COUNTRY_FILTER), csrf_token, request).await?;
    decode(response).await
}

/// The account's live portal sessions, the current one first.
pub async fn list_sessions() -> Result<Vec<SessionDto>, ApiError> {
    let response = send(Request::get(SESSIONS)).await?;
    decode(response).await
}

/// Ends one of the account's sessions (its cookie is refused from then on).
pub async fn revoke_session(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    let path = item_path(SESSION, id);
    let response = send(Request::delete(&path).header(CSRF_HEADER, csrf_token)).await?;
    expect_no_content(response).await
}

/// Ends every session of the account but this one.
pub async fn revoke_other_sessions(csrf_token: &str) -> Result<RevokedSessionsDto, ApiError> {
    let response =
        send(Request::post(SESSIONS_REVOKE_OTHERS).header(CSRF_HEADER, csrf_token)).await?;
    decode(response).await
}

/// Ends every session of the account, this one too; the API clears the cookie.
pub async fn revoke_all_sessions(csrf_token: &str) -> Result<RevokedSessionsDto, ApiError> {
    let response = send(Request::post(SESSIONS_REVOKE_ALL).header(CSRF_HEADER, csrf_token)).await?;
    decode(response).await
}

/// One page of the account's sign-in attempts, newest first, older than `cursor` when given.
pub async fn login_history(cursor: Option<&str>) -> Result<LoginHistoryPage, ApiError> {
    let query: Vec<(&str, &str)> = cursor.map(|c| ("cursor", c)).into_iter().collect();
    let response = send(Request::get(LOGIN_HISTORY).query(query)).await?;
    decode(response).await
}

/// The account's inactivity timeout and the values it may take.
pub async fn get_session_timeout() -> Result<SessionTimeoutDto, ApiError> {
    let response = send(Request::get(SESSION_TIMEOUT)).await?;
    decode(response).await
}

/// Chooses the inactivity timeout; the account's open sessions take it at once.
pub async fn set_session_timeout(
    csrf_token: &str,
    idle_timeout_secs: i64,
) -> Result<SessionTimeoutDto, ApiError> {
    let request = SetSessionTimeoutRequest { idle_timeout_secs };
    let response = send_json(Request::put(SESSION_TIMEOUT), csrf_token, &request).await?;
    decode(response).await
}

/// The portal IP allowlist, with the address the API sees this browser at.
pub async fn get_portal_allowlist() -> Result<PortalAllowlistDto, ApiError> {
    let response = send(Request::get(PORTAL_ALLOWLIST)).await?;
    decode(response).await
}

/// Adds an entry to the portal IP allowlist (`would_lock_out` unless confirmed when it
/// would refuse this browser's address).
pub async fn add_portal_allowlist_entry(
    csrf_token: &str,
    request: &AddPortalAllowlistEntryRequest,
) -> Result<PortalAllowlistEntryDto, ApiError> {
    let response = send_json(Request::post(PORTAL_ALLOWLIST), csrf_token, request).await?;
    decode(response).await
}

/// Removes an entry from the portal IP allowlist; `confirm_lockout` as for adding.
pub async fn remove_portal_allowlist_entry(
    csrf_token: &str,
    id: &str,
    confirm_lockout: bool,
) -> Result<(), ApiError> {
    let path = item_path(PORTAL_ALLOWLIST_ENTRY, id);
    let mut request = Request::delete(&path).header(CSRF_HEADER, csrf_token);
    if confirm_lockout {
        request = request.query([("confirm_lockout", "true")]);
    }
    let response = send(request).await?;
    expect_no_content(response).await
}

/// `template` (a `shared::routes` path with `{id}`) for one resource; the id is
/// percent-encoded, so whatever the API hands out stays a single path segment.
fn item_path(template: &str, id: &str) -> String {
    let mut segment = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            segment.push(char::from(byte));
        } else {
            segment.push_str(&format!("%{byte:02X}"));
        }
    }
    template.replace("{id}", &segment)
}

async fn send_json<B: Serialize>(
    request: RequestBuilder,
    csrf_token: &str,
    body: &B,
) -> Result<Response, ApiError> {
    let request = request
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_paths_keep_the_id_one_segment() {
        assert_eq!(
            item_path(TOKEN, "tok_0193abc"),
            "/api/v1/tokens/tok_0193abc"
        );
        assert_eq!(
            item_path(API_ALLOWLIST_ENTRY, "ipa_1"),
            "/api/v1/api-allowlist/ipa_1"
        );
        assert_eq!(
            item_path(TOKEN, "../me?x=1 #"),
            "/api/v1/tokens/..%2Fme%3Fx%3D1%20%23"
        );
    }
}
