//! `Caller`: a portal session or a bearer token, for the endpoints the portal
//! and integrators share.

use std::{future::Future, pin::Pin};

use actix_web::{dev::Payload, http::header, FromRequest, HttpRequest};
use portcullis_shared::capability::Capability;

use super::{ApiCaller, PortalUser};
use crate::{
    error::{ApiError, ApiResult},
    services::access::Principal,
};

/// A portal session (cookie + CSRF) or a bearer token.
pub enum Caller {
    Session(Box<PortalUser>),
    Token(ApiCaller),
}

impl Caller {
    /// The principal, if the caller may use `capability` (see `services::access`).
    pub fn require(&self, capability: Capability) -> ApiResult<Principal> {
        match self {
            Self::Session(user) => user.require(capability),
            Self::Token(caller) => caller.require(capability).map(Principal::of_token),
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
