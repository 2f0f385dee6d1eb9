//! Request and response bodies, one module per resource. The words they carry
//! (event kinds, outcomes, roles, …) live in [`crate::vocabulary`] and are re-exported here.

pub mod account;
pub mod activity;
pub mod auth;
pub mod authenticator;
pub mod contacts;
pub mod credential_networks;
pub mod credential_policies;
pub mod health;
pub mod oauth;
pub mod outbox;
pub mod overview;
pub mod passkeys;
pub mod passwords;
pub mod portal_allowlist;
pub mod security_log;
pub mod senders;
pub mod sessions;
pub mod sms;
pub mod subusers;
pub mod tokens;
pub mod two_factor;

pub use crate::vocabulary::{
    ChainBreak, ChallengeReason, Language, LoginOutcome, MessageStatus, PortalPermission, Role,
    SecurityEventKind, SubuserStatus, VerificationMethod, Weekday, SESSION_TIMEOUT_CHOICES_SECS,
};
pub use account::{AccountDto, CurrentSessionDto, MeResponse, SetLanguageRequest};
pub use activity::{
    ActivityDto, ActivityQuery, ActivityScope, DayPointsDto, DaySignInsDto, DestinationDto,
    LoginPointsDto, RefusedCallsDto, DEFAULT_ACTIVITY_DAYS, MAX_ACTIVITY_DAYS, MIN_ACTIVITY_DAYS,
};
pub use auth::{ConfirmSignupRequest, LoginRequest, SignupAcceptedDto, SignupRequest};
pub use authenticator::{
    AuthenticatorLimitsDto, SendCodeRequest, SentCodeDto, VerifyCodeRequest, VerifyCodeResponse,
};
pub use contacts::{
    ContactDto, ContactGroupDto, CreateContactGroupRequest, CreateContactRequest, ImportResultDto,
    ImportRowError, UpdateContactRequest,
};
pub use credential_networks::{
    CredentialNetworkDto, CredentialNetworksDto, SetNetworkPinRequest, TokenLeakDto,
    TokenLeakReport, TokenLeaksAcceptedDto,
};
pub use credential_policies::{CredentialPolicyDto, CredentialPolicyRequest};
pub use health::HealthDto;
pub use oauth::{
    AuthorizationServerMetadata, CreateOAuthClientRequest, CreatedOAuthClientDto,
    IntrospectionResponse, Jwk, JwkSet, OAuthClientDto, OAuthErrorResponse, OAuthTokenActionForm,
    OAuthTokenForm, OAuthTokenResponse, RotateOAuthClientSecretRequest, UpdateOAuthClientRequest,
};
pub use outbox::{OutboxMessageDto, OutboxPage, OutboxQuery};
pub use overview::{
    CheckStatus, SecurityCheckDto, SecurityCheckId, SecurityOverviewDto, SubuserLimitsDto,
};
pub use passkeys::{
    FinishHeldPasskeyRequest, FinishPasskeyRegistrationRequest, FinishPasskeySignInRequest,
    PasskeyAddedDto, PasskeyCeremonyDto, PasskeyDto, PasskeyListDto, PasskeyPolicyRequest,
    RemovePasskeyRequest, RenamePasskeyRequest, StartHeldPasskeyRequest,
    StartPasskeyRegistrationRequest, PASSKEY_NAME_MAX_CHARS,
};
pub use passwords::{
    ChangePasswordRequest, ConfirmPasswordResetRequest, PasswordPolicyDto, PasswordResetRequest,
    UpdatePasswordPolicyRequest,
};
pub use portal_allowlist::{
    AddPortalAllowlistEntryRequest, PortalAllowlistDto, PortalAllowlistEntryDto,
    RemovePortalAllowlistEntryQuery,
};
pub use security_log::{
    BrokenLinkDto, ChainVerificationDto, ExportFormat, RotateStreamSecretRequest,
    SavedSecurityStreamDto, SecurityEventDto, SecurityLogExportQuery, SecurityLogPage,
    SecurityLogQuery, SecurityLogVerification, SecurityStreamDto, SecurityStreamHealthDto,
    SetSecurityStreamRequest, StreamTestQueuedDto,
};
pub use senders::{RequestSenderRequest, SenderDto, SenderStatus};
pub use sessions::{
    LoginAttemptDto, LoginHistoryPage, LoginHistoryQuery, RevokedSessionsDto, SessionDto,
    SessionTimeoutDto, SetSessionTimeoutRequest,
};
pub use sms::{
    CountryFilterDto, MessageDto, SendSmsBatchRequest, SendSmsRequest, SmsBatchCountsDto,
    SmsBatchDto, SmsBatchPageDto, SmsBatchRecipientDto,
};
pub use subusers::{
    AccessDto, CreateSubuserRequest, SendingWindowDto, SubuserDto, SubuserGrantsDto,
    UpdateSubuserRequest,
};
pub use tokens::{
    AddAllowlistEntryRequest, AllowlistEntryDto, CreateTokenRequest, CreatedTokenDto, ProfileDto,
    TokenDto, TokenState, UpdateTokenRequest,
};
pub use two_factor::{
    CodeSentDto, ConfirmTwoFactorRequest, DisableTwoFactorRequest, LoginChallengeDto,
    PasswordConfirmation, RecoveryCodesDto, ResendLoginCodeRequest, SmsFactorDto,
    StartSmsTwoFactorRequest, TotpFactorDto, TotpSetupDto, TrustedDeviceDto, TwoFactorEnabledDto,
    TwoFactorPolicyRequest, TwoFactorStatusDto, VerifyLoginRequest,
};
