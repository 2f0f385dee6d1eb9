//! `/api/v1/auth/*`: sign up, log in, log out.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::{
    dto::{AccountDto, LoginRequest, MeResponse, SignupRequest},
    problem::Problem,
    routes,
};

use super::resource;
use crate::{
    auth::{session_cookie, ClientInfo, PortalUser},
    domain::Password,
    error::ApiResult,
    services::{accounts, sessions, AppState},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource(routes::SIGNUP).post(signup))
        .service(resource(routes::LOGIN).post(login))
        .service(resource(routes::LOGOUT).post(logout));
}

/// Create an account.
///
/// Does not sign in: follow with `POST /api/v1/auth/login`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/signup",
    tag = "auth",
    request_body = SignupRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 201, description = "Account created", body = AccountDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing X-CSRF-Token header", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail already used (`conflict`, field `email`: `taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`validation_failed`, see `errors`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn signup(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: web::Json<SignupRequest>,
) -> ApiResult<HttpResponse> {
    let signup = accounts::Signup::parse(body.into_inner())?;
    let account = accounts::sign_up(&state, signup, client.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, routes::ME))
        .json(accounts::account_dto(&account)))
}

/// Sign in to the portal.
///
/// Sets the HttpOnly `portcullis_session` cookie and returns the account with
/// the session's CSRF token. The same answer is given for an unknown e-mail and
/// a wrong password.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 200, description = "Signed in; `Set-Cookie: portcullis_session=…`", body = MeResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing X-CSRF-Token header", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password } = body.into_inner();
    let session = sessions::log_in(&state, &email, Password::new(password), client.0).await?;
    Ok(HttpResponse::Ok()
        .cookie(session_cookie(&state.config, Some(&session.token)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(session.me()))
}

/// Sign out: ends the current session and clears its cookie.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No live session (`unauthenticated` or `session_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong X-CSRF-Token (`csrf_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn logout(
    state: web::Data<AppState>,
    user: PortalUser,
    client: ClientInfo,
) -> ApiResult<HttpResponse> {
    sessions::log_out(&state, &user.0, &client.0).await?;
    Ok(HttpResponse::NoContent()
        .cookie(session_cookie(&state.config, None))
        .finish())
}
