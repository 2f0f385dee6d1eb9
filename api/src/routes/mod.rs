//! Thin handlers, one module per resource, each with a `configure`.

pub mod api_allowlist;
pub mod auth;
pub mod authenticator;
pub mod authenticator_limits;
pub mod contacts;
pub mod country_filter;
pub mod dev_outbox;
pub mod devices;
pub mod health;
pub mod login_history;
pub mod me;
pub mod oauth;
pub mod oauth_clients;
pub mod passwords;
pub mod portal_allowlist;
pub mod profile;
pub mod security_log;
pub mod senders;
pub mod session_timeout;
pub mod sessions;
pub mod sms;
pub mod spa;
pub mod subusers;
pub mod tokens;
pub mod two_factor;
mod views;

use actix_web::{web, HttpResponse, Resource};

use crate::error::ApiError;

/// A resource that answers 405 problem+json to methods it does not route.
/// (`.get()`/`.post()` on it add the `Allow`-worthy routes.)
pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed)
}
