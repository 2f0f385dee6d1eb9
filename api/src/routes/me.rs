//! `/api/v1/me`: the signed-in account, and the login's own language.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{MeResponse, SetLanguageRequest},
    routes,
};

use super::responses::{CsrfOrAddressRefused, PortalErrors, PortalJsonErrors};
use crate::{
    auth::PortalUser,
    error::ApiResult,
    services::{accounts, AppState},
};

endpoints! {
    routes::ME => get(me);
    routes::ME_LANGUAGE => put(set_language);
}

/// The signed-in account and the current session (with its CSRF token).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account", body = MeResponse),
        PortalErrors,
    )
)]
pub async fn me(user: PortalUser) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ReadMe)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(MeResponse::from(session)))
}

/// Choose the signed-in login's language: `en` or `pl`.
///
/// The portal's and that of every e-mail and text sent to this login from
/// now on. Each login (owner or subuser) sets only its own; allowed also while
/// a password change or two-factor set-up is due. A value other than `en` or
/// `pl` is a malformed body (`400`).
#[utoipa::path(
    put,
    path = "/api/v1/me/language",
    tag = "account",
    request_body = SetLanguageRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 204, description = "Set"),
        CsrfOrAddressRefused,
        PortalJsonErrors,
    )
)]
pub async fn set_language(
    user: PortalUser,
    state: web::Data<AppState>,
    body: web::Json<SetLanguageRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ChooseLanguage)?;
    accounts::set_language(&state, session, body.into_inner().language).await?;
    Ok(HttpResponse::NoContent().finish())
}
