//! Who a request acts for, however it signed in: the company account whose
//! resources it reaches, the login (owner or subuser) and what that login may
//! do. `Caller` accepts a portal session or a bearer token.

use std::{future::Future, pin::Pin};

use actix_web::{dev::Payload, http::header, FromRequest, HttpRequest};
use portcullis_shared::{dto::PortalPermission, scope::Scope};

use super::{ApiCaller, PortalUser};
use crate::{
    error::{ApiError, ApiResult},
    services::subusers::Principal,
};

impl PortalUser {
    /// The principal of this session.
    pub fn principal(&self) -> Principal {
        Principal {
            tenant_id: self.0.tenant_id().to_owned(),
            login_id: self.0.account.id.clone(),
            subuser: self.0.subuser.clone(),
            token_id: None,
            credential: None,
        }
    }

    /// The principal, if the login may use portal part `needed`.
    pub fn require(&self, needed: PortalPermission) -> ApiResult<Principal> {
        match &self.0.subuser {
            Some(subuser) if !subuser.allows(needed) => {
                Err(ApiError::PermissionDenied(needed.as_str().to_owned()))
            }
            _ => Ok(self.principal()),
        }
    }

    /// Refuses subusers: the part is the owner's alone.
    pub fn require_owner(&self, permission: &str) -> ApiResult<()> {
        self.principal().require_owner(permission)
    }
}

/// A portal session (cookie + CSRF) or a bearer token: the endpoints the
/// portal and integrators share. A session needs the portal permission, a
/// token the scope.
pub enum Caller {
    Session(Box<PortalUser>),
    Token(ApiCaller),
}

impl Caller {
    /// The principal, if the session has `permission` or the token has `scope`.
    pub fn require(&self, scope: Scope, permission: PortalPermission) -> ApiResult<Principal> {
        match self {
            Self::Session(user) => user.require(permission),
            Self::Token(caller) => Ok(Principal::of_token(caller.require(scope)?)),
        }
    }

    /// Like [`Caller::require`], for a part either of `permissions` opens to a
    /// session; a refusal names the first.
    pub fn require_any(
        &self,
        scope: Scope,
        permissions: &[PortalPermission],
    ) -> ApiResult<Principal> {
        match self {
            Self::Session(user) => match permissions.iter().find_map(|p| user.require(*p).ok()) {
                Some(principal) => Ok(principal),
                None => Err(ApiError::PermissionDenied(
                    permissions
                        .first()
                        .map(|p| p.as_str())
                        .unwrap_or("")
                        .to_owned(),
                )),
            },
            Self::Token(caller) => Ok(Principal::of_token(caller.require(scope)?)),
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // A bearer header decides; without one, a session cookie; with neither,
        // the integrator's `missing_token` answer.
        let has_bearer = req.headers().contains_key(header::AUTHORIZATION);
        let has_session = req
            .cookie(portcullis_shared::routes::SESSION_COOKIE)
            .is_some();
        if !has_bearer && has_session {
            let user = PortalUser::from_request(req, payload);
            Box::pin(async move { Ok(Self::Session(Box::new(user.await?))) })
        } else {
            let caller = ApiCaller::from_request(req, payload);
            Box::pin(async move { Ok(Self::Token(caller.await?)) })
        }
    }
}
