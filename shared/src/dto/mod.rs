//! Request and response bodies, one module per resource.

pub mod account;
pub mod auth;
pub mod authenticator;
pub mod contacts;
pub mod health;
pub mod oauth;
pub mod outbox;
pub mod passwords;
pub mod security_log;
pub mod senders;
pub mod sms;
pub mod tokens;

pub use account::{AccountDto, CurrentSessionDto, MeResponse};
pub use auth::{LoginRequest, SignupRequest};
pub use authenticator::{SendCodeRequest, SentCodeDto, VerifyCodeRequest, VerifyCodeResponse};
pub use contacts::{
    ContactDto, ContactGroupDto, CreateContactGroupRequest, CreateContactRequest, ImportResultDto,
    ImportRowError, UpdateContactRequest,
};
pub use health::HealthDto;
pub use oauth::{
    AuthorizationServerMetadata, CreateOAuthClientRequest, CreatedOAuthClientDto,
    IntrospectionResponse, Jwk, JwkSet, OAuthClientDto, OAuthErrorResponse, OAuthTokenResponse,
    UpdateOAuthClientRequest,
};
pub use outbox::{OutboxMessageDto, OutboxPage, OutboxQuery};
pub use passwords::{
    ChangePasswordRequest, ConfirmPasswordResetRequest, PasswordPolicyDto, PasswordResetRequest,
    UpdatePasswordPolicyRequest,
};
pub use security_log::{
    ExportFormat, SecurityEventDto, SecurityEventKind, SecurityLogExportQuery, SecurityLogPage,
    SecurityLogQuery,
};
pub use senders::{RequestSenderRequest, SenderDto, SenderStatus};
pub use sms::{CountryFilterDto, MessageDto, MessageStatus, SendSmsRequest};
pub use tokens::{
    AddAllowlistEntryRequest, AllowlistEntryDto, CreateTokenRequest, CreatedTokenDto, ProfileDto,
    TokenDto, TokenState, UpdateTokenRequest,
};
