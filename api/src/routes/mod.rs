//! Thin handlers, one module per resource. Each module lists its endpoints
//! once, with [`endpoints!`], which both registers them and documents them.

/// A resource module's endpoints, listed once: `PATH => method(handler)…;`
/// per resource, in the order actix matches them, optionally followed by
/// `, app_data(value)`. Generates the module's `configure` (each path a
/// [`resource`] answering 405 to other methods), its `Api` (the handlers'
/// OpenAPI paths) and `ENDPOINTS`, the two together for [`ALL`].
macro_rules! endpoints {
    ($($path:expr => $($method:ident($handler:ident)).+ $(, app_data($data:expr))?;)+) => {
        pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
            $(cfg.service(
                super::resource($path, &[$(stringify!($method)),+])
                    $(.route(super::route(stringify!($method)).to($handler)))+
                    $(.app_data($data))?
            );)+
        }

        /// This module's operations in the OpenAPI document.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($handler,)+)+))]
        pub struct Api;

        pub const ENDPOINTS: super::Endpoints = super::Endpoints {
            configure,
            openapi: <Api as utoipa::OpenApi>::openapi,
        };
    };
}

pub mod activity;
pub mod api_allowlist;
pub mod auth;
pub mod authenticator;
pub mod authenticator_limits;
pub mod contacts;
pub mod country_filter;
pub mod credential_networks;
pub mod dev_outbox;
pub mod devices;
pub mod health;
pub mod login_history;
pub mod me;
pub mod oauth;
pub mod oauth_clients;
pub mod passkeys;
pub mod passwords;
pub mod portal_allowlist;
pub mod profile;
pub mod responses;
pub mod security_log;
pub mod security_overview;
pub mod senders;
pub mod session_timeout;
pub mod sessions;
pub mod sms;
pub mod spa;
pub mod subusers;
pub mod token_leaks;
pub mod tokens;
pub mod two_factor;
mod views;

use actix_web::{
    guard::{Guard, GuardContext},
    http::{
        header::{self, HeaderValue},
        Method,
    },
    web, Resource, Route,
};

use crate::error::ApiError;

/// A resource with routes for `methods` (added with [`route`], named as
/// [`endpoints!`] names them: `get`, `post`…), answering 405 problem+json
/// with `Allow` listing them (RFC 9110 §15.5.6) to any other method. Its
/// pattern travels with each request it serves as a [`RoutePattern`].
pub fn resource(path: &'static str, methods: &[&str]) -> Resource {
    let allow = methods
        .iter()
        .map(|name| http_method(name).to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let allow = HeaderValue::from_str(&allow).expect("method names are a valid header value");
    web::resource(path)
        .app_data(RoutePattern(path))
        .default_service(web::to(move || {
            let mut response =
                actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed);
            response.headers_mut().insert(header::ALLOW, allow.clone());
            std::future::ready(response)
        }))
}

/// A route of a [`resource`] answering `method` (`get`, `post`…) only.
pub fn route(method: &str) -> Route {
    web::route().guard(MethodIs(http_method(method)))
}

/// The HTTP method [`endpoints!`] names in lower case.
fn http_method(name: &str) -> Method {
    Method::from_bytes(name.to_ascii_uppercase().as_bytes()).expect("a method name")
}

/// The guard of a [`route`]: the request's method is this one. (actix-web's
/// own, which `Resource::get` and `web::get` use, also records every method
/// it is asked about in the request's data, for a 405 of actix's making
/// that [`resource`] makes itself: two allocations per request and route
/// tried.)
struct MethodIs(Method);

impl Guard for MethodIs {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        ctx.head().method == self.0
    }
}

/// The pattern of the resource that served a request (`/api/v1/sms/{id}`),
/// in its app data: the metrics' route label, without working it out again
/// from the resource map for every request (`HttpRequest::match_pattern`
/// walks the map and allocates the string).
#[derive(Debug, Clone, Copy)]
pub struct RoutePattern(pub &'static str);

/// Route label of requests no route matched (scans of random paths must not
/// create a metrics series each).
const UNMATCHED: &str = "unmatched";

impl RoutePattern {
    /// The pattern of the route that served `request` (the metrics' and the
    /// trace span's route label): ours from its [`RoutePattern`], others'
    /// (Swagger UI, the portal's files) worked out from the resource map,
    /// `unmatched` when none matched.
    pub fn of(request: &actix_web::HttpRequest) -> std::borrow::Cow<'static, str> {
        match request.app_data::<Self>() {
            Some(pattern) => pattern.0.into(),
            None => request
                .match_pattern()
                .map_or(UNMATCHED.into(), std::borrow::Cow::Owned),
        }
    }
}

/// What one resource module serves: its routes and their documentation.
#[derive(Clone, Copy)]
pub struct Endpoints {
    pub configure: fn(&mut web::ServiceConfig),
    pub openapi: fn() -> utoipa::openapi::OpenApi,
}

/// Every resource module, in the order the app registers them (the portal's
/// files, [`spa`], come after all of these). actix-web tries resources in this order and
/// matches each path with a dynamic segment (`{id}`) by a regular expression, so the
/// integrators' hot paths come first: a `GET /api/v1/sms/{id}` must not pay for every
/// portal route's pattern before its own (a profile showed the router's regex matching
/// as the largest cost of that request in our own code). No two modules' paths overlap, so
/// the order changes nothing else.
pub const ALL: [Endpoints; 29] = [
    health::ENDPOINTS,
    sms::ENDPOINTS,
    oauth::ENDPOINTS,
    profile::ENDPOINTS,
    auth::ENDPOINTS,
    two_factor::ENDPOINTS,
    passkeys::ENDPOINTS,
    devices::ENDPOINTS,
    me::ENDPOINTS,
    security_overview::ENDPOINTS,
    sessions::ENDPOINTS,
    login_history::ENDPOINTS,
    session_timeout::ENDPOINTS,
    portal_allowlist::ENDPOINTS,
    passwords::ENDPOINTS,
    security_log::ENDPOINTS,
    dev_outbox::ENDPOINTS,
    tokens::ENDPOINTS,
    api_allowlist::ENDPOINTS,
    oauth_clients::ENDPOINTS,
    authenticator::ENDPOINTS,
    authenticator_limits::ENDPOINTS,
    contacts::ENDPOINTS,
    senders::ENDPOINTS,
    country_filter::ENDPOINTS,
    subusers::ENDPOINTS,
    credential_networks::ENDPOINTS,
    token_leaks::ENDPOINTS,
    activity::ENDPOINTS,
];

/// Registers every resource module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    for endpoints in ALL {
        (endpoints.configure)(cfg);
    }
}
