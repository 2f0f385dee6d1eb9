//! `ApiCaller`: an integrator call with a bearer token that passed every rule
//! but the endpoint's scope (checked with [`ApiCaller::require`]).

use std::{future::Future, pin::Pin};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};

use super::client_ip;
use crate::{
    error::{ApiError, ApiResult},
    services::{
        api_access::{ApiCallerInfo, TokenRefusal},
        now, AppState,
    },
};

#[derive(Debug, Clone)]
pub struct ApiCaller(pub ApiCallerInfo);

impl ApiCaller {
    pub fn require(&self, scope: portcullis_shared::scope::Scope) -> ApiResult<&ApiCallerInfo> {
        self.0.require(scope).map(|()| &self.0)
    }
}

/// The token of an `Authorization: Bearer …` header (scheme case-insensitive).
fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

impl FromRequest for ApiCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let ip = client_ip(req);
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
            let token = token
                .filter(|t| !t.is_empty())
                .ok_or(ApiError::TokenRefused(TokenRefusal::Missing))?;
            state
                .access
                .authenticate(&state.db, &token, ip, now())
                .await
                .map(ApiCaller)
        })
    }
}
