//! The OpenAPI document, generated from the handlers' annotations. The
//! committed `openapi.yaml` is this document; a test keeps them equal.

use portcullis_shared::{dto, problem, vocabulary};
use utoipa::{
    openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme},
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
    components(schemas(
        dto::SignupRequest,
        dto::SignupAcceptedDto,
        dto::ConfirmSignupRequest,
        dto::LoginRequest,
        dto::AccountDto,
        dto::CurrentSessionDto,
        dto::MeResponse,
        dto::SetLanguageRequest,
        vocabulary::Language,
        dto::ChangePasswordRequest,
        dto::PasswordResetRequest,
        dto::ConfirmPasswordResetRequest,
        dto::PasswordPolicyDto,
        dto::UpdatePasswordPolicyRequest,
        dto::HealthDto,
        vocabulary::SecurityEventKind,
        dto::SecurityEventDto,
        dto::SecurityLogPage,
        dto::SecurityLogVerification,
        dto::ChainVerificationDto,
        dto::BrokenLinkDto,
        dto::SecurityStreamDto,
        dto::SecurityStreamHealthDto,
        dto::SavedSecurityStreamDto,
        dto::SetSecurityStreamRequest,
        dto::RotateStreamSecretRequest,
        dto::StreamTestQueuedDto,
        dto::PasskeyDto,
        dto::PasskeyListDto,
        dto::PasskeyCeremonyDto,
        dto::PasskeyAddedDto,
        dto::StartPasskeyRegistrationRequest,
        dto::FinishPasskeyRegistrationRequest,
        dto::RenamePasskeyRequest,
        dto::PasskeyPolicyRequest,
        dto::RemovePasskeyRequest,
        dto::StartHeldPasskeyRequest,
        dto::FinishHeldPasskeyRequest,
        dto::FinishPasskeySignInRequest,
        vocabulary::ChainBreak,
        dto::ExportFormat,
        dto::SessionDto,
        dto::RevokedSessionsDto,
        dto::SessionTimeoutDto,
        dto::SetSessionTimeoutRequest,
        vocabulary::LoginOutcome,
        dto::LoginAttemptDto,
        dto::LoginHistoryPage,
        dto::PortalAllowlistDto,
        dto::PortalAllowlistEntryDto,
        dto::AddPortalAllowlistEntryRequest,
        dto::OutboxMessageDto,
        dto::OutboxPage,
        dto::CreateTokenRequest,
        dto::UpdateTokenRequest,
        dto::TokenDto,
        dto::TokenState,
        dto::CreatedTokenDto,
        dto::AllowlistEntryDto,
        dto::AddAllowlistEntryRequest,
        dto::ProfileDto,
        portcullis_shared::scope::Scope,
        dto::CreateOAuthClientRequest,
        dto::UpdateOAuthClientRequest,
        dto::RotateOAuthClientSecretRequest,
        dto::OAuthClientDto,
        dto::CreatedOAuthClientDto,
        dto::OAuthTokenResponse,
        dto::OAuthErrorResponse,
        dto::IntrospectionResponse,
        dto::AuthorizationServerMetadata,
        dto::Jwk,
        dto::JwkSet,
        dto::SendSmsRequest,
        dto::MessageDto,
        dto::SendSmsBatchRequest,
        dto::SmsBatchDto,
        dto::SmsBatchCountsDto,
        dto::SmsBatchPageDto,
        dto::SmsBatchRecipientDto,
        vocabulary::MessageStatus,
        dto::CountryFilterDto,
        dto::SenderDto,
        dto::SenderStatus,
        dto::RequestSenderRequest,
        dto::ContactDto,
        dto::CreateContactRequest,
        dto::UpdateContactRequest,
        dto::ContactGroupDto,
        dto::CreateContactGroupRequest,
        dto::ImportRowError,
        dto::ImportResultDto,
        dto::SendCodeRequest,
        dto::SentCodeDto,
        dto::AuthenticatorLimitsDto,
        dto::VerifyCodeRequest,
        dto::VerifyCodeResponse,
        vocabulary::VerificationMethod,
        vocabulary::ChallengeReason,
        dto::LoginChallengeDto,
        dto::VerifyLoginRequest,
        dto::ResendLoginCodeRequest,
        dto::SmsFactorDto,
        dto::TotpFactorDto,
        dto::TwoFactorStatusDto,
        dto::StartSmsTwoFactorRequest,
        dto::CodeSentDto,
        dto::PasswordConfirmation,
        dto::TotpSetupDto,
        dto::ConfirmTwoFactorRequest,
        dto::TwoFactorEnabledDto,
        dto::DisableTwoFactorRequest,
        dto::RecoveryCodesDto,
        dto::TwoFactorPolicyRequest,
        dto::TrustedDeviceDto,
        vocabulary::PortalPermission,
        vocabulary::Role,
        dto::AccessDto,
        vocabulary::Weekday,
        dto::SendingWindowDto,
        dto::SubuserGrantsDto,
        vocabulary::SubuserStatus,
        dto::SubuserDto,
        dto::CreateSubuserRequest,
        dto::UpdateSubuserRequest,
        problem::Problem,
        problem::ProblemCode,
        problem::FieldError,
        problem::RecipientError,
    )),
    modifiers(&ResourcePaths, &SecuritySchemes, &BodyProblems),
    tags(
        (name = "auth", description = "Sign-up and portal sessions"),
        (name = "account", description = "The signed-in account"),
        (name = "security", description = "The account's security log"),
        (name = "two-factor", description = "Two-factor sign-in, recovery codes and trusted devices"),
        (name = "passkeys", description = "Passkeys (WebAuthn): registered from the two-factor settings, used as a second step or to sign in without a password"),
        (name = "sessions", description = "The account's portal sessions, login history and inactivity timeout"),
        (name = "portal allowlist", description = "Where the account's portal may be used from"),
        (name = "tokens", description = "API tokens and the API IP allowlist, managed in the portal"),
        (name = "oauth", description = "OAuth2: clients, client_credentials tokens, revocation, introspection, metadata and keys"),
        (name = "subusers", description = "Logins under the account with their own permissions, sender names, contact groups, sending hours and points limits (owner only)"),
        (name = "integrator", description = "Endpoints integrators call with `Authorization: Bearer <token>`"),
        (name = "operations", description = "Health checks"),
        (name = "development", description = "Development-only helpers, off unless enabled"),
    )
)]
pub struct ApiDoc;

/// Every resource module's operations ([`routes::ALL`]); the modifiers after
/// this one see them all.
struct ResourcePaths;

impl Modify for ResourcePaths {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for endpoints in routes::ALL {
            openapi.merge((endpoints.openapi)());
        }
    }
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                portcullis_shared::routes::SESSION_COOKIE,
                "Portal session cookie set by POST /api/v1/auth/login",
            ))),
        );
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.bearer_format = Some("JWT".into());
        bearer.description =
            Some("An API token (`pcl_at_…`) made in the portal or by `POST /oauth/token`".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
}

/// Every operation that reads a JSON body can be refused before its handler
/// runs: too large (413) or not JSON (415). Documented here once, for all.
struct BodyProblems;

impl Modify for BodyProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    problem::PROBLEM_CONTENT_TYPE,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let reads_json = operation
                    .request_body
                    .as_ref()
                    .is_some_and(|body| body.content.contains_key("application/json"));
                if !reads_json {
                    continue;
                }
                let responses = &mut operation.responses.responses;
                responses
                    .entry("413".into())
                    .or_insert_with(|| problem("Body too large").into());
                responses
                    .entry("415".into())
                    .or_insert_with(|| problem("Body is not JSON").into());
            }
        }
    }
}

/// The document as JSON, serialised once at start-up and shared by the
/// workers: Swagger UI's own route kept the document per worker (a tree of
/// thousands of strings) and serialised it again for every request.
pub fn json() -> actix_web::web::Bytes {
    serde_json::to_vec(&ApiDoc::openapi())
        .expect("the OpenAPI document serialises to JSON")
        .into()
}

/// `GET /api/openapi.json`: the document Swagger UI (`/api/docs/`) loads.
pub async fn serve(document: actix_web::web::Bytes) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(document)
}

/// The document as YAML, exactly as committed in `openapi.yaml`.
pub fn yaml() -> String {
    ApiDoc::openapi()
        .to_yaml()
        .expect("the OpenAPI document serialises to YAML")
}
