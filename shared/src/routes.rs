//! Paths and header names both sides agree on.

/// Prefix of every portal and integrator endpoint.
pub const API_V1: &str = "/api/v1";
/// Create an account.
pub const SIGNUP: &str = "/api/v1/auth/signup";
/// Confirm a sign-up with the token from its e-mail; creates the account.
pub const SIGNUP_CONFIRM: &str = "/api/v1/auth/signup/confirm";
/// The portal page a sign-up confirmation link opens (`?token=…`).
pub const VERIFY_EMAIL_PAGE: &str = "/verify-email";
/// Start a portal session.
pub const LOGIN: &str = "/api/v1/auth/login";
/// End the current portal session.
pub const LOGOUT: &str = "/api/v1/auth/logout";
/// Complete a held sign-in with a code.
pub const LOGIN_VERIFY: &str = "/api/v1/auth/login/verify";
/// Send a held sign-in's code again (or by another channel).
pub const LOGIN_RESEND: &str = "/api/v1/auth/login/resend";
/// Finish a held sign-in with a passkey: start (the options for `navigator.credentials.get`).
pub const LOGIN_PASSKEY_START: &str = "/api/v1/auth/login/passkey/start";
/// Finish a held sign-in with a passkey: the authenticator's answer.
pub const LOGIN_PASSKEY_FINISH: &str = "/api/v1/auth/login/passkey/finish";
/// Sign in with a passkey, without a password: start.
pub const PASSKEY_SIGN_IN_START: &str = "/api/v1/auth/passkey/start";
/// Sign in with a passkey, without a password: the authenticator's answer.
pub const PASSKEY_SIGN_IN_FINISH: &str = "/api/v1/auth/passkey/finish";
/// The login's passkeys.
pub const PASSKEYS: &str = "/api/v1/passkeys";
/// Start registering a passkey.
pub const PASSKEY_REGISTER_START: &str = "/api/v1/passkeys/register/start";
/// Finish registering a passkey.
pub const PASSKEY_REGISTER_FINISH: &str = "/api/v1/passkeys/register/finish";
/// "Require a phishing-resistant method" (passkeys only) for the account and its subusers.
pub const PASSKEY_POLICY: &str = "/api/v1/passkeys/policy";
/// One passkey (rename).
pub const PASSKEY: &str = "/api/v1/passkeys/{id}";
/// Remove one passkey (with the password).
pub const PASSKEY_REMOVE: &str = "/api/v1/passkeys/{id}/remove";
/// Two-factor sign-in: status.
pub const TWO_FACTOR: &str = "/api/v1/two-factor";
/// Start SMS two-factor set-up (sends a code).
pub const TWO_FACTOR_SMS: &str = "/api/v1/two-factor/sms";
/// Finish SMS two-factor set-up.
pub const TWO_FACTOR_SMS_CONFIRM: &str = "/api/v1/two-factor/sms/confirm";
/// Start authenticator-app set-up.
pub const TWO_FACTOR_TOTP: &str = "/api/v1/two-factor/totp";
/// Finish authenticator-app set-up.
pub const TWO_FACTOR_TOTP_CONFIRM: &str = "/api/v1/two-factor/totp/confirm";
/// Send an SMS code to the two-factor phone, to confirm a change.
pub const TWO_FACTOR_CODE: &str = "/api/v1/two-factor/code";
/// Turn a two-factor method off.
pub const TWO_FACTOR_DISABLE: &str = "/api/v1/two-factor/disable";
/// Make a new set of recovery codes.
pub const TWO_FACTOR_RECOVERY_CODES: &str = "/api/v1/two-factor/recovery-codes";
/// Require two-factor sign-in for all users of the account.
pub const TWO_FACTOR_POLICY: &str = "/api/v1/two-factor/policy";
/// Trusted devices.
pub const DEVICES: &str = "/api/v1/devices";
/// One trusted device.
pub const DEVICE: &str = "/api/v1/devices/{id}";
/// Ask for a password reset link by e-mail.
pub const PASSWORD_RESET: &str = "/api/v1/auth/password-reset";
/// Set a new password with a reset link's token.
pub const PASSWORD_RESET_CONFIRM: &str = "/api/v1/auth/password-reset/confirm";
/// Change the signed-in account's password.
pub const PASSWORD: &str = "/api/v1/password";
/// The account's password policy ("new password every 30 days").
pub const PASSWORD_POLICY: &str = "/api/v1/password/policy";
/// The portal's sign-in page.
pub const LOGIN_PAGE: &str = "/login";
/// The portal page that asks for a password reset link.
pub const FORGOT_PASSWORD_PAGE: &str = "/forgot-password";
/// The portal page a password reset link opens (`?token=…`).
pub const RESET_PASSWORD_PAGE: &str = "/reset-password";
/// The portal's two-factor page (the security overview's fix for two-factor checks).
pub const TWO_FACTOR_PAGE: &str = "/security/two-factor";
/// The portal's API tokens page.
pub const TOKENS_PAGE: &str = "/tokens";
/// The portal's API IP allowlist page.
pub const API_ALLOWLIST_PAGE: &str = "/api-allowlist";
/// The portal's sign-in allowlist page.
pub const PORTAL_ALLOWLIST_PAGE: &str = "/portal-allowlist";
/// The portal's destination countries page.
pub const COUNTRY_FILTER_PAGE: &str = "/country-filter";
/// The signed-in account.
pub const ME: &str = "/api/v1/me";
/// The signed-in login's language.
pub const ME_LANGUAGE: &str = "/api/v1/me/language";
/// The signed-in login's security checklist and score.
pub const SECURITY_OVERVIEW: &str = "/api/v1/security-overview";
/// The account's security log, newest first.
pub const SECURITY_LOG: &str = "/api/v1/security-log";
/// The account's security log as a CSV or JSON download.
pub const SECURITY_LOG_EXPORT: &str = "/api/v1/security-log/export";
/// Walks the caller's security-log hash chains.
pub const SECURITY_LOG_VERIFY: &str = "/api/v1/security-log/verify";
/// The account's security-log stream to its own HTTPS endpoint (a SIEM).
pub const SECURITY_LOG_STREAM: &str = "/api/v1/security-log/stream";
/// Replaces the stream's signing secret (`POST`).
pub const SECURITY_LOG_STREAM_SECRET: &str = "/api/v1/security-log/stream/secret";
/// Records a test event, delivered through the stream like any other (`POST`).
pub const SECURITY_LOG_STREAM_TEST: &str = "/api/v1/security-log/stream/test";
/// The account's live portal sessions.
pub const SESSIONS: &str = "/api/v1/sessions";
/// One portal session (`DELETE` ends it).
pub const SESSION: &str = "/api/v1/sessions/{id}";
/// End every portal session of the account but the current one.
pub const SESSIONS_REVOKE_OTHERS: &str = "/api/v1/sessions/revoke-others";
/// End every portal session of the account, the current one too.
pub const SESSIONS_REVOKE_ALL: &str = "/api/v1/sessions/revoke-all";
/// Every sign-in attempt on the account, newest first.
pub const LOGIN_HISTORY: &str = "/api/v1/login-history";
/// The inactivity timeout of the account's portal sessions.
pub const SESSION_TIMEOUT: &str = "/api/v1/settings/session-timeout";
/// The account's portal IP allowlist (collection).
pub const PORTAL_ALLOWLIST: &str = "/api/v1/portal-allowlist";
/// One portal allowlist entry.
pub const PORTAL_ALLOWLIST_ENTRY: &str = "/api/v1/portal-allowlist/{id}";
/// Development only: messages stored instead of sent (404 unless enabled).
pub const DEV_OUTBOX: &str = "/api/v1/dev/outbox";
/// API tokens made in the portal (collection).
pub const TOKENS: &str = "/api/v1/tokens";
/// One API token.
pub const TOKEN: &str = "/api/v1/tokens/{id}";
/// The account's API IP allowlist (collection).
pub const API_ALLOWLIST: &str = "/api/v1/api-allowlist";
/// One API allowlist entry.
pub const API_ALLOWLIST_ENTRY: &str = "/api/v1/api-allowlist/{id}";
/// The account profile, for integrators (scope `profile`).
pub const PROFILE: &str = "/api/v1/profile";
/// OAuth2 clients registered in the portal (collection).
pub const OAUTH_CLIENTS: &str = "/api/v1/oauth-clients";
/// One OAuth2 client.
pub const OAUTH_CLIENT: &str = "/api/v1/oauth-clients/{id}";
/// Regenerate one token: a new secret with the same settings, the old one revoked.
pub const TOKEN_REGENERATE: &str = "/api/v1/tokens/{id}/regenerate";
/// Replace one OAuth client's secret (the old one may keep working for a while).
pub const OAUTH_CLIENT_SECRET: &str = "/api/v1/oauth-clients/{id}/secret";
/// The previous secret of one OAuth client, during a rotation's overlap.
pub const OAUTH_CLIENT_PREVIOUS_SECRET: &str = "/api/v1/oauth-clients/{id}/secret/previous";
/// The networks an API token was used from, and its pin.
pub const TOKEN_NETWORKS: &str = "/api/v1/tokens/{id}/networks";
/// An API token's "refuse calls from new networks".
pub const TOKEN_NETWORKS_PINNED: &str = "/api/v1/tokens/{id}/networks/pinned";
/// The networks an OAuth2 client (its tokens) was used from, and its pin.
pub const OAUTH_CLIENT_NETWORKS: &str = "/api/v1/oauth-clients/{id}/networks";
/// An OAuth2 client's "refuse calls from new networks".
pub const OAUTH_CLIENT_NETWORKS_PINNED: &str = "/api/v1/oauth-clients/{id}/networks/pinned";
/// Reports of leaked API tokens and client secrets (no authentication).
pub const TOKEN_LEAKS: &str = "/api/v1/token-leaks";
/// RFC 6749 token endpoint (client_credentials).
pub const OAUTH_TOKEN: &str = "/oauth/token";
/// RFC 7009 revocation endpoint.
pub const OAUTH_REVOKE: &str = "/oauth/revoke";
/// RFC 7662 introspection endpoint.
pub const OAUTH_INTROSPECT: &str = "/oauth/introspect";
/// RFC 8414 metadata.
pub const OAUTH_METADATA: &str = "/.well-known/oauth-authorization-server";
/// The token signing keys (JWKS).
pub const JWKS: &str = "/.well-known/jwks.json";
/// Send and list messages (scope `sms`).
pub const SMS: &str = "/api/v1/sms";
/// One message (scope `sms`).
pub const SMS_MESSAGE: &str = "/api/v1/sms/{id}";
/// Send one text to many recipients, and list such bulk sends (scope `sms`).
pub const SMS_BATCHES: &str = "/api/v1/sms/batches";
/// One bulk send with its recipients' statuses (scope `sms`).
pub const SMS_BATCH: &str = "/api/v1/sms/batches/{id}";
/// The account's country filter (portal).
pub const COUNTRY_FILTER: &str = "/api/v1/country-filter";
/// Header that makes a retried `POST /api/v1/sms` safe: the same key never sends twice.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";
/// SMS Authenticator: send a one-time code (scope `authenticator`).
pub const AUTHENTICATOR_CODES: &str = "/api/v1/authenticator/codes";
/// SMS Authenticator: check a code (scope `authenticator`).
pub const AUTHENTICATOR_VERIFY: &str = "/api/v1/authenticator/codes/{id}/verify";
/// SMS Authenticator: the account's per-number velocity limits (owner, in the portal).
pub const AUTHENTICATOR_LIMITS: &str = "/api/v1/authenticator/limits";
/// Contacts (scopes `contacts`, `contacts:read`).
pub const CONTACTS: &str = "/api/v1/contacts";
/// One contact.
pub const CONTACT: &str = "/api/v1/contacts/{id}";
/// Contact groups.
pub const CONTACT_GROUPS: &str = "/api/v1/contact-groups";
/// One contact group.
pub const CONTACT_GROUP: &str = "/api/v1/contact-groups/{id}";
/// Import contacts from CSV (scope `contacts`).
pub const CONTACTS_IMPORT: &str = "/api/v1/contacts/import";
/// Download contacts as CSV in the import's columns (scope `contacts:read`).
pub const CONTACTS_EXPORT: &str = "/api/v1/contacts/export";
/// Sender names (scope `sms_sender`).
pub const SENDERS: &str = "/api/v1/senders";
/// One sender name.
pub const SENDER: &str = "/api/v1/senders/{id}";
/// Process is up.
pub const LIVEZ: &str = "/livez";
/// Storage is reachable.
pub const READYZ: &str = "/readyz";
/// The OpenAPI document as JSON.
pub const OPENAPI_JSON: &str = "/api/openapi.json";
/// Swagger UI over the OpenAPI document.
pub const API_DOCS: &str = "/api/docs";

/// Cookie that identifies a browser for new-device checks.
pub const DEVICE_COOKIE: &str = "portcullis_device";
/// Header carrying the session's CSRF token on state-changing portal requests.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// `X-CSRF-Token` value for requests made before a session exists (sign-up,
/// login): the API requires the header there but has no token to match yet.
pub const PRE_SESSION_CSRF: &str = "1";
/// Name of the HttpOnly portal session cookie.
pub const SESSION_COOKIE: &str = "portcullis_session";
/// Cookie the portal sets when a visitor picks a language (`en`, `pl`), so the server
/// paints the login page in it before the portal's code has arrived.
pub const LANGUAGE_COOKIE: &str = "portcullis_language";
/// Header carrying the request id the server assigned (or accepted) for a request.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";
/// The account's subusers (owner only).
pub const SUBUSERS: &str = "/api/v1/subusers";
/// One subuser (owner only).
pub const SUBUSER: &str = "/api/v1/subusers/{id}";
/// Disable a subuser: sessions end, tokens are refused, sign-in is refused.
pub const SUBUSER_DISABLE: &str = "/api/v1/subusers/{id}/disable";
/// Re-enable a disabled subuser.
pub const SUBUSER_ENABLE: &str = "/api/v1/subusers/{id}/enable";
/// Send a new invitation e-mail to a subuser who has not set a password yet.
pub const SUBUSER_INVITATION: &str = "/api/v1/subusers/{id}/invitation";
/// One subuser's entries of the security log, newest first (same query and page as the log).
pub const SUBUSER_SECURITY_LOG: &str = "/api/v1/subusers/{id}/security-log";
/// The signed-in login's activity over the last days (the owner's: the whole account's), for charts.
pub const ACTIVITY: &str = "/api/v1/activity";
/// The portal's activity charts page.
pub const ACTIVITY_PAGE: &str = "/activity";
