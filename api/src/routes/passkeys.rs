//! `/api/v1/passkeys/*`: the login's passkeys (WebAuthn).

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        FinishPasskeyRegistrationRequest, PasskeyAddedDto, PasskeyCeremonyDto, PasskeyDto,
        PasskeyListDto, PasskeyPolicyRequest, RemovePasskeyRequest, RenamePasskeyRequest,
        StartPasskeyRegistrationRequest,
    },
    problem::Problem,
    routes,
};

use super::responses::{CsrfRefused, PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{passkeys, two_factor::ChangeConfirmation, AppState},
};

endpoints! {
    routes::PASSKEYS => get(list_passkeys);
    routes::PASSKEY_REGISTER_START => post(start_registration);
    routes::PASSKEY_REGISTER_FINISH => post(finish_registration);
    // Before `{id}`, which would take `policy` for an id.
    routes::PASSKEY_POLICY => put(set_passkey_policy);
    routes::PASSKEY => patch(rename_passkey);
    routes::PASSKEY_REMOVE => post(remove_passkey);
}

/// The login's passkeys: name, when added, when last used.
///
/// `available` is false when the server's public URL is an IP address, where
/// passkeys cannot work (they need a domain name).
#[utoipa::path(
    get,
    path = "/api/v1/passkeys",
    tag = "passkeys",
    security(("session" = [])),
    responses(
        (status = 200, description = "Oldest first", body = PasskeyListDto),
        PortalErrors,
    )
)]
pub async fn list_passkeys(
    user: PortalUser,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let list = passkeys::list(&state, session).await?;
    Ok(HttpResponse::Ok().json(PasskeyListDto::from(list)))
}

/// Start registering a passkey: checks the password (and a current code while
/// SMS codes or an authenticator app are on) and answers the options for
/// `navigator.credentials.create`.
#[utoipa::path(
    post,
    path = "/api/v1/passkeys/register/start",
    tag = "passkeys",
    request_body = StartPasskeyRegistrationRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Hand `options` to the authenticator, then finish within 5 minutes", body = PasskeyCeremonyDto),
        (status = 409, description = "The public URL's host is an IP address (`passkeys_unavailable`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password (field `password`: `wrong_password`); with SMS codes or an app on, a missing or wrong current code (field `code`: `required`, `incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: locked for a while (`login_locked`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn start_registration(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<StartPasskeyRegistrationRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let StartPasskeyRegistrationRequest { password, code } = body.into_inner();
    let confirmation = ChangeConfirmation { password, code };
    let started = passkeys::start_registration(&state, session, confirmation, &client.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PasskeyCeremonyDto::from(started)))
}

/// Finish registering a passkey with the authenticator's answer and a name.
///
/// When it is the login's first two-factor method, the answer carries 10
/// recovery codes, shown once. The account's holder is e-mailed and the
/// security log records `passkey_added`.
#[utoipa::path(
    post,
    path = "/api/v1/passkeys/register/finish",
    tag = "passkeys",
    request_body = FinishPasskeyRegistrationRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 201, description = "Registered", body = PasskeyAddedDto),
        (status = 401, description = "The answer did not verify: wrong origin or relying party, bad attestation (`passkey_refused`); the ceremony is used up", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already registered (field `credential`: `duplicate`), or passkeys unavailable (`passkeys_unavailable`)", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The ceremony is unknown, finished or older than 5 minutes (`passkey_ceremony_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad name (field `name`: `required`, `too_long`, `unknown_value`) or a malformed answer (field `credential`: `invalid_passkey_response`); nothing changes", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn finish_registration(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<FinishPasskeyRegistrationRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let FinishPasskeyRegistrationRequest {
        ceremony_id,
        name,
        credential,
    } = body.into_inner();
    let registration = passkeys::Registration {
        ceremony_id,
        name,
        credential,
    };
    let added = passkeys::finish_registration(&state, session, registration, &client.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PasskeyAddedDto::from(added)))
}

/// Require a phishing-resistant method (passkeys only) for every user of the account.
///
/// While on, a held sign-in is completed with a passkey only (no SMS, app or
/// recovery code), a login without a passkey may only register one, and the
/// last passkey of a login cannot be removed. Turning it on needs your own passkey.
#[utoipa::path(
    put,
    path = "/api/v1/passkeys/policy",
    tag = "passkeys",
    request_body = PasskeyPolicyRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved; your passkeys and the policy", body = PasskeyListDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token; or a subuser: account-wide settings are the owner's (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "You have no passkey yet (field `require_phishing_resistant`: `passkey_required`)", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn set_passkey_policy(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<PasskeyPolicyRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let list =
        passkeys::set_policy(&state, session, body.require_phishing_resistant, &client.0).await?;
    Ok(HttpResponse::Ok().json(PasskeyListDto::from(list)))
}

/// Rename one of your passkeys.
#[utoipa::path(
    patch,
    path = "/api/v1/passkeys/{id}",
    tag = "passkeys",
    request_body = RenamePasskeyRequest,
    params(
        ("id" = String, Path, description = "Passkey id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "Renamed", body = PasskeyDto),
        (status = 404, description = "No such passkey of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad name (field `name`: `required`, `too_long`, `unknown_value`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn rename_passkey(
    user: PortalUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<RenamePasskeyRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let renamed = passkeys::rename(&state, session, &path.into_inner(), &body.name).await?;
    Ok(HttpResponse::Ok().json(PasskeyDto::from(renamed)))
}

/// Remove one of your passkeys: needs the password (and a current code while
/// SMS codes or an authenticator app are on).
///
/// Removing the last two-factor method also removes the recovery codes; it is
/// refused while the account requires two-factor sign-in. The account's
/// holder is e-mailed and the security log records `passkey_removed`.
#[utoipa::path(
    post,
    path = "/api/v1/passkeys/{id}/remove",
    tag = "passkeys",
    request_body = RemovePasskeyRequest,
    params(
        ("id" = String, Path, description = "Passkey id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "Removed; the passkeys left", body = PasskeyListDto),
        (status = 404, description = "No such passkey of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account requires two-factor sign-in and this is the last method (field `id`: `two_factor_required`), or requires passkeys and this is the last one (field `id`: `passkey_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password (field `password`: `wrong_password`); with SMS codes or an app on, a missing or wrong current code (field `code`: `required`, `incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: locked for a while (`login_locked`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn remove_passkey(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<RemovePasskeyRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let RemovePasskeyRequest { password, code } = body.into_inner();
    let confirmation = ChangeConfirmation { password, code };
    let left =
        passkeys::remove(&state, session, &path.into_inner(), confirmation, &client.0).await?;
    Ok(HttpResponse::Ok().json(PasskeyListDto::from(left)))
}
