//! `/api/v1/password`, `/api/v1/password/policy` and
//! `/api/v1/auth/password-reset[/confirm]`: changing, resetting and rotating
//! the portal password.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        ChangePasswordRequest, ConfirmPasswordResetRequest, MeResponse, PasswordPolicyDto,
        PasswordResetRequest, UpdatePasswordPolicyRequest,
    },
    problem::Problem,
    routes,
};

use super::responses::{
    CsrfHeaderMissing, MalformedJson, PortalErrors, PortalJsonErrors, StorageUnavailable,
};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{passwords::change, passwords::reset, AppState},
};

endpoints! {
    routes::PASSWORD => post(change_password);
    routes::PASSWORD_POLICY => get(get_policy).put(set_policy);
    routes::PASSWORD_RESET => post(request_reset);
    routes::PASSWORD_RESET_CONFIRM => post(confirm_reset);
}

/// Change the password.
///
/// Needs the current password. The new one must meet the policy and differ
/// from the last 5. Every other portal session of the account ends; this one
/// stays, and a session restricted to a due password change is free again. API
/// tokens and OAuth clients keep working. An e-mail tells the owner.
#[utoipa::path(
    post,
    path = "/api/v1/password",
    tag = "account",
    request_body = ChangePasswordRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Changed; the session as it is now", body = MeResponse),
        (status = 403, description = "Missing or wrong X-CSRF-Token (`csrf_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The password changed meanwhile (`conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password (field `current_password`: `wrong_password`), or the new one breaks the policy or is one of the last 5 (field `new_password`: `reused_password`…)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: locked for a while (`login_locked`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn change_password(
    state: web::Data<AppState>,
    user: PortalUser,
    client: ClientInfo,
    body: web::Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ChangePassword)?;
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner();
    let request = change::PasswordChange {
        current_password,
        new_password,
    };
    let changed = change::change_password(&state, session, request, &client.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(MeResponse::from(&changed)))
}

/// The password policy: whether a new password is required every 30 days, and when it is due.
///
/// For a subuser, the owner's policy applies too (only the owner changes it).
#[utoipa::path(
    get,
    path = "/api/v1/password/policy",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The policy", body = PasswordPolicyDto),
        (status = 403, description = "The session must change the password first (`password_change_required`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn get_policy(state: web::Data<AppState>, user: PortalUser) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ReadAccountSettings)?;
    let policy = change::password_policy(&state, &session.account.id).await?;
    Ok(HttpResponse::Ok().json(PasswordPolicyDto::from(policy)))
}

/// Turn "choose a new password every 30 days" on or off.
///
/// Applies from the next sign-in: once the password is 30 days old, a sign-in
/// may only change it (`password_change_required`).
#[utoipa::path(
    put,
    path = "/api/v1/password/policy",
    tag = "account",
    request_body = UpdatePasswordPolicyRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The policy as stored", body = PasswordPolicyDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or the session must change the password first; or a subuser: account-wide settings are the owner's (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn set_policy(
    state: web::Data<AppState>,
    user: PortalUser,
    client: ClientInfo,
    body: web::Json<UpdatePasswordPolicyRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let policy = change::set_password_policy(
        &state,
        &session.account.id,
        body.rotation_required,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(PasswordPolicyDto::from(policy)))
}

/// Ask for a password reset link.
///
/// Always answers 202 the same way, whether or not an account has this
/// e-mail. If one has, a link valid for 30 minutes is e-mailed to it (at most 3
/// an hour per account).
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset",
    tag = "auth",
    request_body = PasswordResetRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 202, description = "Accepted: a link is on its way if the account exists"),
        (status = 422, description = "Not an e-mail address (field `email`: `invalid_email`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
    )
)]
pub async fn request_reset(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: web::Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    reset::request_reset(&state, &body.email, client.0)?;
    Ok(HttpResponse::Accepted().finish())
}

/// Set a new password with a reset link.
///
/// The link works once, for 30 minutes. The new password must meet the policy
/// and differ from the last 5. Every portal session of the account ends (sign
/// in with the new password); API tokens keep working.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset/confirm",
    tag = "auth",
    request_body = ConfirmPasswordResetRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 204, description = "The password is set"),
        (status = 409, description = "The password changed meanwhile (`conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Link unknown, expired or used (field `token`: `invalid_reset_link`, `expired_reset_link`, `used_reset_link`), or the password breaks the policy or is one of the last 5 (field `new_password`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
        StorageUnavailable,
    )
)]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: web::Json<ConfirmPasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    let ConfirmPasswordResetRequest {
        token,
        new_password,
    } = body.into_inner();
    let confirmation = reset::ResetConfirmation {
        token,
        new_password,
    };
    reset::confirm_reset(&state, confirmation, &client.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
