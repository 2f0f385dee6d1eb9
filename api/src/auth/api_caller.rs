//! `ApiCaller`: an integrator call with a bearer token that passed every rule
//! but the endpoint's capability (checked with [`ApiCaller::require`]).

use crate::domain::TokenRefusal;
use std::{future::Future, pin::Pin, sync::Arc};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};

use super::client_ip;
use crate::{
    error::{ApiError, ApiResult},
    services::{
        access::{self, Login},
        now,
        tokens::api_access::{ApiAccess, ApiCallerInfo},
        tokens::policies,
        AppState,
    },
};
use portcullis_shared::capability::Capability;

#[derive(Clone)]
pub struct ApiCaller {
    info: ApiCallerInfo,
    access: Arc<ApiAccess>,
}

impl ApiCaller {
    /// The caller, if its token may use `capability`; a token lacking the
    /// scope is counted for the security log.
    pub fn require(&self, capability: Capability) -> ApiResult<&ApiCallerInfo> {
        access::decide(Login::Token(&self.info), capability).map_err(|error| {
            if let ApiError::TokenRefused(refusal) = error {
                self.access.refused.note(
                    &self.info.account_id,
                    self.info.credential.clone(),
                    refusal,
                    self.info.ip,
                    now(),
                );
            }
            error
        })?;
        Ok(&self.info)
    }
}

/// The token of an `Authorization` header value `Bearer …` (scheme
/// case-insensitive, surrounding blanks ignored); `None` for other schemes.
pub fn parse_bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The token of the request's `Authorization: Bearer …` header.
fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    parse_bearer(value).map(str::to_owned)
}

impl FromRequest for ApiCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let ip = client_ip(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
            let token = token
                .filter(|t| !t.is_empty())
                .ok_or(ApiError::TokenRefused(TokenRefusal::Missing))?;
            let info = state
                .access
                .authenticate(&state.db, &token, ip, now())
                .await?;
            // Only a credential with a rate limit pays for counting.
            if let Some(rate) = policies::count_request(
                &state,
                &info.credential,
                info.policy.as_ref(),
                chrono::Utc::now(),
            )
            .await?
            {
                // The answer carries the RateLimit headers, refused or not.
                req.extensions_mut().insert(rate);
                if rate.exceeded {
                    policies::note_rate_limited(&state, &info.account_id, &info.credential, ip);
                    return Err(ApiError::RateLimited {
                        retry_after_secs: u64::try_from(rate.reset_secs).unwrap_or(1),
                    });
                }
            }
            Ok(ApiCaller {
                info,
                access: state.access.clone(),
            })
        })
    }
}
