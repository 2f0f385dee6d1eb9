//! The OpenAPI document, generated from the handlers' annotations. The
//! committed `openapi.yaml` is this document; a test keeps them equal.

use portcullis_shared::{dto, problem};
use utoipa::{
    openapi::security::{ApiKey, ApiKeyValue, SecurityScheme},
    Modify, OpenApi,
};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portcullis API",
        description = "Customer portal and integrator API of an SMS gateway, built around account security.\n\n\
            Every error is an RFC 9457 `application/problem+json` body with a stable `code`. \
            Portal requests authenticate with the HttpOnly `portcullis_session` cookie; \
            state-changing portal requests must send the session's CSRF token in `X-CSRF-Token` \
            (any non-empty value before sign-in).",
        license(name = "MIT"),
    ),
    paths(
        routes::auth::signup,
        routes::auth::login,
        routes::auth::logout,
        routes::me::me,
        routes::security_log::list,
        routes::security_log::export,
        routes::dev_outbox::outbox,
        routes::health::livez,
        routes::health::readyz,
    ),
    components(schemas(
        dto::SignupRequest,
        dto::LoginRequest,
        dto::AccountDto,
        dto::CurrentSessionDto,
        dto::MeResponse,
        dto::HealthDto,
        dto::SecurityEventKind,
        dto::SecurityEventDto,
        dto::SecurityLogPage,
        dto::ExportFormat,
        dto::OutboxMessageDto,
        dto::OutboxPage,
        problem::Problem,
        problem::ProblemCode,
        problem::FieldError,
    )),
    modifiers(&SessionCookie),
    tags(
        (name = "auth", description = "Sign-up and portal sessions"),
        (name = "account", description = "The signed-in account"),
        (name = "security", description = "The account's security log"),
        (name = "operations", description = "Health checks"),
        (name = "development", description = "Development-only helpers, off unless enabled"),
    )
)]
pub struct ApiDoc;

struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                portcullis_shared::routes::SESSION_COOKIE,
                "Portal session cookie set by POST /api/v1/auth/login",
            ))),
        );
    }
}

/// The document as YAML, exactly as committed in `openapi.yaml`.
pub fn yaml() -> String {
    ApiDoc::openapi()
        .to_yaml()
        .expect("the OpenAPI document serialises to YAML")
}
