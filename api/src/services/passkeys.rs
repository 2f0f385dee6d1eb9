//! Passkeys (WebAuthn, through `webauthn-rs`): registering them from a
//! signed-in session (password step-up), listing, renaming and removing them.
//! Signing in with one is in [`crate::services::sessions::passkey_sign_in`].
//!
//! The relying party is the host of `PORTCULLIS_PUBLIC_URL`, the origin that
//! URL's. A host that is an IP address cannot be a relying-party id: passkeys
//! are then unavailable (`409 passkeys_unavailable`), nothing else is affected.
//!
//! Every ceremony's state is stored ([`CeremonyRow`]) so any process can
//! finish it; it lasts 5 minutes and is deleted when finished, so it works once.

use chrono::{Duration, NaiveDateTime};
use portcullis_shared::{
    dto::PASSKEY_NAME_MAX_CHARS, problem::FieldError, validate::codes as field_codes,
    vocabulary::SecurityEventKind,
};
use serde::{de::DeserializeOwned, Serialize};
use webauthn_rs::prelude::{
    AuthenticationResult, Passkey, PasskeyRegistration, RegisterPublicKeyCredential, Url, Uuid,
    Webauthn, WebauthnBuilder, WebauthnError,
};

use crate::services::{
    delivery::i18n::FactorChange,
    now,
    sessions::portal_session::{ClientContext, PortalSession},
    two_factor::{self, ChangeConfirmation},
    AppState,
};
use crate::{
    db::{
        passkeys::{self as passkey_rows, ceremony_kinds, CeremonyRow, PasskeyRow},
        two_factor as factor_rows, DbConnection,
    },
    domain::CeremonyToken,
    error::{ApiError, ApiResult},
};

/// How long a ceremony can be finished after it started.
pub const CEREMONY_MINUTES: i64 = 5;

/// The relying party for this server's public URL, or
/// [`ApiError::PasskeysUnavailable`] when its host is not a domain name.
pub fn relying_party(public_url: &str) -> ApiResult<Webauthn> {
    let origin = Url::parse(public_url).map_err(|_| ApiError::PasskeysUnavailable)?;
    // `domain()` is None for an IP address host.
    let rp_id = origin
        .domain()
        .ok_or(ApiError::PasskeysUnavailable)?
        .to_owned();
    WebauthnBuilder::new(&rp_id, &origin)
        .map(|builder| {
            builder
                .rp_name("Portcullis")
                .timeout(std::time::Duration::from_secs(60 * CEREMONY_MINUTES as u64))
        })
        .and_then(|builder| builder.build())
        .map_err(|_| ApiError::PasskeysUnavailable)
}

/// Whether passkeys can be used with this public URL (logged once at start-up).
pub fn available(public_url: &str) -> bool {
    relying_party(public_url).is_ok()
}

/// A passkey as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyView {
    pub id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

impl From<&PasskeyRow> for PasskeyView {
    fn from(row: &PasskeyRow) -> Self {
        Self {
            id: row.id.clone(),
            name: row.name.clone(),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// The login's passkeys, and whether passkeys can be used here at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyList {
    pub available: bool,
    pub passkeys: Vec<PasskeyView>,
    /// The account requires a phishing-resistant method (passkeys only).
    pub phishing_resistant_required: bool,
}

/// Whether the company account of `account` (its own, or its owner's for a
/// subuser) requires a phishing-resistant method: passkeys only.
pub(crate) fn phishing_resistant_required(
    conn: &mut DbConnection,
    account: &crate::db::accounts::AccountRow,
) -> diesel::QueryResult<bool> {
    passkey_rows::phishing_resistant_required(conn, account.tenant_id())
}

/// The login's passkeys as listed, with the account's policy.
fn list_in(
    conn: &mut DbConnection,
    account: &crate::db::accounts::AccountRow,
    available: bool,
) -> ApiResult<PasskeyList> {
    Ok(PasskeyList {
        available,
        passkeys: passkey_rows::for_account(conn, &account.id)?
            .iter()
            .map(PasskeyView::from)
            .collect(),
        phishing_resistant_required: phishing_resistant_required(conn, account)?,
    })
}

/// A ceremony started: the client's handle, the options for the browser, the end.
#[derive(Debug, Clone)]
pub struct CeremonyStarted {
    pub ceremony_id: String,
    pub options: serde_json::Value,
    pub expires_at: NaiveDateTime,
}

/// A passkey just registered; recovery codes (to show once) when it is the
/// login's first two-factor method.
#[derive(Debug, Clone)]
pub struct PasskeyAdded {
    pub passkey: PasskeyView,
    pub recovery_codes: Option<Vec<String>>,
}

/// A registration ceremony's stored state: `webauthn-rs`'s, and the user
/// handle it gave the authenticator.
#[derive(Serialize, serde::Deserialize)]
struct StoredRegistration {
    user_handle: String,
    registration: PasskeyRegistration,
}

/// What finishing a registration needs, as given.
#[derive(Debug, Clone)]
pub struct Registration {
    pub ceremony_id: String,
    pub name: String,
    pub credential: serde_json::Value,
}

/// A passkey name: trimmed, 1 to [`PASSKEY_NAME_MAX_CHARS`] characters, no control characters.
fn parse_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    let refusal = if name.is_empty() {
        Some((field_codes::REQUIRED, "Give the passkey a name."))
    } else if name.chars().count() > PASSKEY_NAME_MAX_CHARS {
        Some((field_codes::TOO_LONG, "At most 64 characters."))
    } else if name.chars().any(char::is_control) {
        Some((field_codes::UNKNOWN_VALUE, "No control characters."))
    } else {
        None
    };
    match refusal {
        Some((code, message)) => Err(ApiError::field("name", code, message)),
        None => Ok(name.to_owned()),
    }
}

/// A malformed WebAuthn answer: 422 naming the field `credential`.
fn malformed(message: String) -> ApiError {
    ApiError::Validation(vec![FieldError::new(
        "credential",
        field_codes::INVALID_PASSKEY_RESPONSE,
        message,
    )])
}

/// Parses the authenticator's answer as sent by the client.
pub(crate) fn parse_answer<T: DeserializeOwned>(value: serde_json::Value) -> ApiResult<T> {
    serde_json::from_value(value)
        .map_err(|error| malformed(format!("Not a WebAuthn answer: {error}.")))
}

/// Parses the ceremony handle; one we never issued is an ended ceremony.
pub(crate) fn parse_ceremony(ceremony_id: &str) -> ApiResult<CeremonyToken> {
    CeremonyToken::parse(ceremony_id).ok_or(ApiError::PasskeyCeremonyInvalid)
}

/// What `webauthn-rs` refused an answer for: an answer that does not parse is
/// malformed (422, nothing changes); anything else is a refusal (401), whose
/// reason goes to the log and the security log, never to the client.
pub(crate) fn refusal(error: WebauthnError) -> ApiError {
    let reason = match &error {
        WebauthnError::ParseCBORFailure(_)
        | WebauthnError::ParseJSONFailure(_)
        | WebauthnError::ParseNOMFailure
        | WebauthnError::ParseInsufficientBytesAvailable
        | WebauthnError::InvalidClientDataType => {
            return malformed(format!("The WebAuthn answer does not parse: {error}."));
        }
        WebauthnError::InvalidRPOrigin | WebauthnError::CredentialCrossOrigin => "origin",
        WebauthnError::InvalidRPIDHash => "rp_id",
        WebauthnError::MismatchedChallenge => "challenge",
        WebauthnError::UserNotVerified | WebauthnError::UserNotPresent => "user_verification",
        WebauthnError::CredentialPossibleCompromise => "counter",
        WebauthnError::CredentialNotFound | WebauthnError::InvalidUserUniqueId => "unknown_passkey",
        WebauthnError::AuthenticationFailure => "signature",
        _ => "invalid",
    };
    tracing::info!(reason, error = %error, "passkey answer refused");
    ApiError::PasskeyRefused(reason)
}

/// Starts a ceremony: its stored row (with `state`) and the client's handle.
/// Ceremonies that ended unfinished are swept in the same transaction.
pub(crate) async fn store_ceremony(
    state: &AppState,
    kind: &'static str,
    account_id: Option<String>,
    challenge_id: Option<String>,
    ceremony_state: &impl Serialize,
    options: &impl Serialize,
) -> ApiResult<CeremonyStarted> {
    let token = CeremonyToken::generate();
    let at = now();
    let row = CeremonyRow {
        id: token.storage_id(),
        account_id,
        kind: kind.to_owned(),
        challenge_id,
        state: serde_json::to_string(ceremony_state).map_err(ApiError::internal)?,
        created_at: at,
        expires_at: at + Duration::minutes(CEREMONY_MINUTES),
    };
    let options = serde_json::to_value(options).map_err(ApiError::internal)?;
    let expires_at = row.expires_at;
    state
        .db
        .transaction(move |conn| {
            passkey_rows::delete_expired_ceremonies(conn, at)?;
            passkey_rows::insert_ceremony(conn, &row)?;
            Ok(())
        })
        .await?;
    Ok(CeremonyStarted {
        ceremony_id: token.expose().to_owned(),
        options,
        expires_at,
    })
}

/// Takes a ceremony of `kind` out of storage, with its state: it works once.
/// Unknown, used, timed-out, another kind's or (with `account_id`) another
/// login's: [`ApiError::PasskeyCeremonyInvalid`], and (as an `Err`) the
/// transaction rolls back.
pub(crate) fn take_ceremony<S: DeserializeOwned>(
    conn: &mut DbConnection,
    token: &CeremonyToken,
    kind: &str,
    account_id: Option<&str>,
    at: NaiveDateTime,
) -> ApiResult<(CeremonyRow, S)> {
    let row = passkey_rows::take_ceremony(conn, &token.storage_id())?
        .filter(|row| row.kind == kind && at < row.expires_at)
        .filter(|row| account_id.is_none() || row.account_id.as_deref() == account_id)
        .ok_or(ApiError::PasskeyCeremonyInvalid)?;
    let ceremony_state = serde_json::from_str(&row.state).map_err(ApiError::internal)?;
    Ok((row, ceremony_state))
}

/// The stored passkey as `webauthn-rs` uses it.
pub(crate) fn credential(row: &PasskeyRow) -> ApiResult<Passkey> {
    serde_json::from_str(&row.credential).map_err(ApiError::internal)
}

/// Records a verified assertion on the stored passkey. Its signature counter
/// must go past the highest one seen (checked here against storage, not only
/// against the count when the ceremony started, so two uses of a cloned
/// authenticator cannot both pass); `Ok(Err(_))` refuses it.
pub(crate) fn record_assertion(
    conn: &mut DbConnection,
    row: &PasskeyRow,
    result: &AuthenticationResult,
    at: NaiveDateTime,
) -> ApiResult<Result<(), ApiError>> {
    let counter = i64::from(result.counter());
    if (counter > 0 || row.sign_count > 0) && counter <= row.sign_count {
        tracing::warn!(passkey_id = %row.id, counter, stored = row.sign_count, "passkey counter went backwards");
        return Ok(Err(ApiError::PasskeyRefused("counter")));
    }
    let mut passkey = credential(row)?;
    passkey.update_credential(result);
    let stored = serde_json::to_string(&passkey).map_err(ApiError::internal)?;
    if !passkey_rows::record_use(conn, &row.id, row.sign_count, counter, &stored, at)? {
        return Ok(Err(ApiError::PasskeyRefused("counter")));
    }
    Ok(Ok(()))
}

pub async fn list(state: &AppState, session: &PortalSession) -> ApiResult<PasskeyList> {
    let account = session.account.clone();
    let available = available(&state.config.public_url);
    state
        .db
        .run(move |conn| list_in(conn, &account, available))
        .await
}

/// Sets the owner's "require a phishing-resistant method" for the account and its
/// subusers. Turning it on needs the owner's own passkey, so nobody locks themselves
/// out; subusers without one may then only register one.
pub async fn set_policy(
    state: &AppState,
    session: &PortalSession,
    required: bool,
    client: &ClientContext,
) -> ApiResult<PasskeyList> {
    let (session, client) = (session.clone(), client.clone());
    let available = available(&state.config.public_url);
    state
        .db
        .transaction(move |conn| {
            let account = &session.account;
            if required && passkey_rows::count_for_account(conn, &account.id)? == 0 {
                return Err(ApiError::Conflict {
                    detail: "Register a passkey for yourself first.".into(),
                    errors: vec![FieldError::new(
                        "require_phishing_resistant",
                        field_codes::PASSKEY_REQUIRED,
                        "Register a passkey for yourself first.",
                    )],
                });
            }
            let at = now();
            if passkey_rows::set_phishing_resistant_required(conn, &account.id, required, at)? {
                crate::services::audit::security_log::record(
                    conn,
                    &two_factor::event(
                        &session,
                        SecurityEventKind::TwoFactorPolicyChanged,
                        &client,
                    )
                    .detail("require_phishing_resistant", required.to_string()),
                )?;
            }
            list_in(conn, account, available)
        })
        .await
}

/// Starts registering a passkey, once the password (and a current code while
/// SMS codes or an app are on) confirms it: a stolen session alone cannot add
/// a way in.
pub async fn start_registration(
    state: &AppState,
    session: &PortalSession,
    confirmation: ChangeConfirmation,
    client: &ClientContext,
) -> ApiResult<CeremonyStarted> {
    let rp = relying_party(&state.config.public_url)?;
    two_factor::confirm_change(state, session, confirmation, client).await?;
    let account_id = session.account.id.clone();
    let existing = state
        .db
        .run(move |conn| Ok(passkey_rows::for_account(conn, &account_id)?))
        .await?;
    // One WebAuthn user handle per login, shared by its passkeys.
    let user_handle = match existing.first() {
        Some(row) => Uuid::parse_str(&row.user_handle).map_err(ApiError::internal)?,
        None => Uuid::new_v4(),
    };
    // The authenticator refuses to register a second passkey of the same login.
    let exclude = existing
        .iter()
        .map(|row| credential(row).map(|p| p.cred_id().clone()))
        .collect::<ApiResult<Vec<_>>>()?;
    let email = &session.account.email;
    let (options, registration) = rp
        .start_passkey_registration(user_handle, email, email, Some(exclude))
        .map_err(ApiError::internal)?;
    // Passwordless sign-in needs a discoverable credential (a passkey the browser can
    // offer before anyone is named), so ask for one where the authenticator can keep it;
    // one that cannot still registers a passkey for the second step.
    let mut options = serde_json::to_value(options).map_err(ApiError::internal)?;
    if let Some(selection) = options
        .pointer_mut("/publicKey/authenticatorSelection")
        .and_then(serde_json::Value::as_object_mut)
    {
        selection.insert("residentKey".into(), "preferred".into());
    }
    let stored = StoredRegistration {
        user_handle: user_handle.to_string(),
        registration,
    };
    store_ceremony(
        state,
        ceremony_kinds::REGISTRATION,
        Some(session.account.id.clone()),
        None,
        &stored,
        &options,
    )
    .await
}

/// Finishes registering a passkey with the authenticator's answer. A malformed
/// answer or name changes nothing; a refused one uses the ceremony up.
pub async fn finish_registration(
    state: &AppState,
    session: &PortalSession,
    registration: Registration,
    client: &ClientContext,
) -> ApiResult<PasskeyAdded> {
    let name = parse_name(&registration.name)?;
    let answer: RegisterPublicKeyCredential = parse_answer(registration.credential)?;
    let token = parse_ceremony(&registration.ceremony_id)?;
    let rp = relying_party(&state.config.public_url)?;
    let (session_in, client_in) = (session.clone(), client.clone());
    let added = state
        .db
        .transaction(move |conn| {
            let at = now();
            let account_id = session_in.account.id.clone();
            let (_, stored): (_, StoredRegistration) = take_ceremony(
                conn,
                &token,
                ceremony_kinds::REGISTRATION,
                Some(&account_id),
                at,
            )?;
            let passkey = match rp.finish_passkey_registration(&answer, &stored.registration) {
                Ok(passkey) => passkey,
                Err(error) => {
                    let refused = refusal(error);
                    return match refused {
                        ApiError::Validation(_) => Err(refused),
                        refused => Ok(Err(refused)),
                    };
                }
            };
            let credential_id = base64_url(passkey.cred_id().as_ref());
            if passkey_rows::find_by_credential_id(conn, &credential_id)?.is_some() {
                return Ok(Err(ApiError::Conflict {
                    detail: "This passkey is already registered.".into(),
                    errors: vec![FieldError::new(
                        "credential",
                        field_codes::DUPLICATE,
                        "This passkey is already registered.",
                    )],
                }));
            }
            let had_factors = two_factor::confirmed_factors(conn, &account_id)?.any();
            let row = PasskeyRow {
                id: format!("pk_{}", Uuid::now_v7().simple()),
                account_id: account_id.clone(),
                name,
                credential_id,
                // The handle the authenticator keeps and answers a passwordless
                // sign-in with.
                user_handle: stored.user_handle,
                credential: serde_json::to_string(&passkey).map_err(ApiError::internal)?,
                sign_count: 0,
                created_at: at,
                last_used_at: None,
            };
            passkey_rows::insert(conn, &row)?;
            let recovery_codes = if had_factors {
                None
            } else {
                crate::services::audit::security_log::record(
                    conn,
                    &two_factor::event(
                        &session_in,
                        SecurityEventKind::RecoveryCodesGenerated,
                        &client_in,
                    ),
                )?;
                Some(two_factor::new_recovery_codes(conn, &account_id, at)?)
            };
            crate::services::audit::security_log::record(
                conn,
                &two_factor::event(&session_in, SecurityEventKind::PasskeyAdded, &client_in)
                    .detail("passkey_id", &row.id)
                    .detail("name", &row.name),
            )?;
            Ok(Ok(PasskeyAdded {
                passkey: PasskeyView::from(&row),
                recovery_codes,
            }))
        })
        .await??;
    two_factor::notify_factor_change(
        state,
        session,
        client,
        "passkey_added",
        FactorChange::PasskeyAdded,
    )
    .await;
    Ok(added)
}

pub(crate) fn base64_url(bytes: &[u8]) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Renames one of the login's passkeys; another login's is not found.
pub async fn rename(
    state: &AppState,
    session: &PortalSession,
    passkey_id: &str,
    name: &str,
) -> ApiResult<PasskeyView> {
    let name = parse_name(name)?;
    let (account_id, passkey_id) = (session.account.id.clone(), passkey_id.to_owned());
    state
        .db
        .transaction(move |conn| {
            if !passkey_rows::rename(conn, &account_id, &passkey_id, &name)? {
                return Err(ApiError::NotFound);
            }
            let row = passkey_rows::find_owned(conn, &account_id, &passkey_id)?
                .ok_or(ApiError::NotFound)?;
            Ok(PasskeyView::from(&row))
        })
        .await
}

/// Removes one of the login's passkeys, confirmed with the password (and a
/// current code while SMS codes or an app are on). The last method of a login
/// that must have two-factor sign-in cannot go; when no method is left the
/// recovery codes go too.
pub async fn remove(
    state: &AppState,
    session: &PortalSession,
    passkey_id: &str,
    confirmation: ChangeConfirmation,
    client: &ClientContext,
) -> ApiResult<PasskeyList> {
    let (account_id, id) = (session.account.id.clone(), passkey_id.to_owned());
    let exists = state
        .db
        .run(move |conn| Ok(passkey_rows::find_owned(conn, &account_id, &id)?.is_some()))
        .await?;
    if !exists {
        return Err(ApiError::NotFound);
    }
    two_factor::confirm_change(state, session, confirmation, client).await?;
    let (session_in, client_in, id) = (session.clone(), client.clone(), passkey_id.to_owned());
    let available = available(&state.config.public_url);
    let left = state
        .db
        .transaction(move |conn| {
            let account_id = session_in.account.id.clone();
            let row =
                passkey_rows::find_owned(conn, &account_id, &id)?.ok_or(ApiError::NotFound)?;
            let factors = two_factor::confirmed_factors(conn, &account_id)?;
            let last_passkey = passkey_rows::count_for_account(conn, &account_id)? == 1;
            let last_method = last_passkey && factors.kinds_on() == 1;
            let account = crate::db::accounts::find_by_id(conn, &account_id)?
                .ok_or(ApiError::Unauthenticated)?;
            if last_passkey && phishing_resistant_required(conn, &account)? {
                return Err(ApiError::Conflict {
                    detail: "The account requires a passkey for every sign-in.".into(),
                    errors: vec![FieldError::new(
                        "id",
                        field_codes::PASSKEY_REQUIRED,
                        "Register another passkey first, or turn the requirement off.",
                    )],
                });
            }
            if last_method && two_factor::required_for_login(conn, &account)? {
                return Err(ApiError::Conflict {
                    detail: "The account requires two-factor sign-in for all users.".into(),
                    errors: vec![FieldError::new(
                        "id",
                        field_codes::TWO_FACTOR_REQUIRED,
                        "Set up another method first, or turn the requirement off.",
                    )],
                });
            }
            passkey_rows::delete(conn, &account_id, &id)?;
            if last_method {
                factor_rows::replace_recovery_codes(conn, &account_id, &[])?;
            }
            crate::services::audit::security_log::record(
                conn,
                &two_factor::event(&session_in, SecurityEventKind::PasskeyRemoved, &client_in)
                    .detail("passkey_id", &row.id)
                    .detail("name", &row.name),
            )?;
            list_in(conn, &account, available)
        })
        .await?;
    two_factor::notify_factor_change(
        state,
        session,
        client,
        "passkey_removed",
        FactorChange::PasskeyRemoved,
    )
    .await;
    Ok(left)
}
