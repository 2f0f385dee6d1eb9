//! `PortalUser`: the request carries a live portal session (and, when it
//! changes state, that session's CSRF token).

use std::{future::Future, pin::Pin};

use actix_web::{
    cookie::{time::Duration as CookieDuration, Cookie, SameSite},
    dev::Payload,
    http::Method,
    web, FromRequest, HttpRequest,
};
use portcullis_shared::routes::SESSION_COOKIE;
use subtle::ConstantTimeEq;

use crate::{
    config::Config,
    domain::SessionToken,
    error::ApiError,
    error::ApiResult,
    services::{
        access::{self, Login, Principal},
        sessions::portal_allowlist,
        sessions::portal_session::{self, PortalSession},
        AppState,
    },
};
use portcullis_shared::capability::Capability;

use super::client_ip;

/// A signed-in portal user, on an address the account's portal allowlist
/// allows. What it may do is asked with [`PortalUser::require`].
#[derive(Debug, Clone)]
pub struct PortalUser(PortalSession);

impl PortalUser {
    /// The principal, if the session may use `capability`.
    pub fn require(&self, capability: Capability) -> ApiResult<Principal> {
        Ok(Principal::of(self.login(capability)?))
    }

    /// The session itself, if it may use `capability` (for what concerns the
    /// login and its session rather than the company's resources).
    pub fn require_session(&self, capability: Capability) -> ApiResult<&PortalSession> {
        self.login(capability)?;
        Ok(&self.0)
    }

    fn login(&self, capability: Capability) -> ApiResult<Login<'_>> {
        let login = Login::Session(&self.0);
        access::decide(login, capability)?;
        Ok(login)
    }
}

impl FromRequest for PortalUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .cookie(SESSION_COOKIE)
            .and_then(|c| SessionToken::from_cookie(c.value()));
        let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        let csrf_header = req
            .headers()
            .get(&crate::middleware::CSRF_HEADER_NAME)
            .map(|v| v.as_bytes().to_vec());
        let ip = client_ip(req);
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
            let token = token.ok_or(ApiError::Unauthenticated)?;
            if changes_state {
                let expected = token.csrf_token();
                let presented = csrf_header.unwrap_or_default();
                if !bool::from(presented.ct_eq(expected.as_bytes())) {
                    return Err(ApiError::CsrfFailed);
                }
            }
            let mut session = portal_session::authenticate(&state, token).await?;
            portal_allowlist::check_request(&state, &session.account.id, ip).await?;
            // The owner's list applies to the whole company.
            if let Some(owner_id) = session.account.parent_id.as_deref() {
                portal_allowlist::check_request(&state, owner_id, ip).await?;
            }
            // A restricted session (password change due, two-factor set-up
            // required) is refused by `require` for what it may not do yet.
            portal_session::touch(&state, &mut session).await?;
            Ok(PortalUser(session))
        })
    }
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure when configured.
/// `None` makes the cookie that deletes it.
pub fn session_cookie(config: &Config, token: Option<&SessionToken>) -> Cookie<'static> {
    let (value, max_age) = match token {
        Some(token) => (
            token.expose().to_owned(),
            CookieDuration::seconds(
                i64::try_from(config.session_lifetime.as_secs()).unwrap_or(i64::MAX),
            ),
        ),
        None => (String::new(), CookieDuration::ZERO),
    };
    Cookie::build(SESSION_COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(config.cookie_secure)
        .max_age(max_age)
        .finish()
}
