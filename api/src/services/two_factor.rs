//! Two-factor sign-in: SMS codes (set up by verifying a first code sent to
//! the phone), authenticator apps (RFC 6238, set up by entering a first
//! code) and passkeys (see [`crate::services::passkeys`]), ten single-use recovery codes shown once when the first method is
//! turned on, and the account's "require two-factor for all users" policy.
//! Turning a method off needs the password and a current code.

use chrono::NaiveDateTime;
use portcullis_shared::vocabulary::{SecurityEventKind, VerificationMethod};
use portcullis_shared::{problem::FieldError, validate::codes as field_codes};

use crate::services::sessions::login::confirm_session_password;
use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    delivery::i18n::{self, CodeText, FactorChange},
    now,
    secrets_at_rest::{open_text, totp_secret_at},
    sessions::codes::{self, purposes, Check, Delivery},
    sessions::portal_session::{ClientContext, PortalSession},
    sessions::throttle::{self, ThrottleKeys},
    AppState,
};
use crate::{
    db::{
        accounts::{self as account_rows, AccountRow},
        two_factor::{self as factor_rows, kinds, RecoveryCodeRow, SecondFactorRow},
        verification_codes as code_rows, DbConnection,
    },
    domain::{
        Kek, OneTimeCode, PhoneNumber, RecoveryCode, RecoveryHashCache, RecoverySalt, TotpSecret,
    },
    error::{ApiError, ApiResult},
};

pub const RECOVERY_CODES: usize = 10;

/// The confirmed methods of an account.
#[derive(Debug, Clone, Default)]
pub struct Factors {
    /// The phone SMS codes go to, when SMS is on.
    pub sms_phone: Option<String>,
    pub totp: bool,
    /// At least one passkey is registered.
    pub passkeys: bool,
    /// The account requires a phishing-resistant method and the login has a
    /// passkey: a held sign-in is completed with a passkey only.
    pub passkeys_only: bool,
}

impl Factors {
    pub fn any(&self) -> bool {
        self.any_code() || self.passkeys
    }

    /// Whether a method that gives a code (SMS or app) is on: then a security
    /// change is confirmed with a current code as well as the password.
    pub fn any_code(&self) -> bool {
        self.sms_phone.is_some() || self.totp
    }

    /// How many kinds of method are on (SMS, app, passkeys).
    pub fn kinds_on(&self) -> u8 {
        u8::from(self.sms_phone.is_some()) + u8::from(self.totp) + u8::from(self.passkeys)
    }
}

pub fn confirmed_factors(
    conn: &mut DbConnection,
    account_id: &str,
) -> diesel::QueryResult<Factors> {
    let mut factors = Factors::default();
    for row in factor_rows::factors(conn, account_id)? {
        if row.confirmed_at.is_none() {
            continue;
        }
        match row.kind.as_str() {
            kinds::SMS => factors.sms_phone = row.phone,
            kinds::TOTP => factors.totp = true,
            _ => {}
        }
    }
    factors.passkeys = crate::db::passkeys::count_for_account(conn, account_id)? > 0;
    Ok(factors)
}

/// The factor's TOTP secret, opened with the key-encryption key.
fn totp_secret(kek: &Kek, row: &SecondFactorRow) -> ApiResult<Option<TotpSecret>> {
    let Some(stored) = row.totp_secret.as_deref() else {
        return Ok(None);
    };
    let base32 = open_text(kek, &totp_secret_at(&row.id), stored).map_err(ApiError::Internal)?;
    Ok(TotpSecret::from_base32(&base32))
}

fn unix_seconds(at: NaiveDateTime) -> u64 {
    u64::try_from(at.and_utc().timestamp()).unwrap_or(0)
}

/// Checks an authenticator-app code for the account's confirmed TOTP method:
/// `None` if it has none, `Some(false)` for a wrong or replayed code.
/// A secret that does not open (moved from another row, sealed by another key)
/// is a 500, logged: it is never used.
pub fn check_totp(
    conn: &mut DbConnection,
    kek: &Kek,
    account_id: &str,
    code: &OneTimeCode,
    at: NaiveDateTime,
) -> ApiResult<Option<bool>> {
    let Some(row) = factor_rows::factors(conn, account_id)?
        .into_iter()
        .find(|r| r.kind == kinds::TOTP && r.confirmed_at.is_some())
    else {
        return Ok(None);
    };
    let Some(secret) = totp_secret(kek, &row)? else {
        return Ok(Some(false));
    };
    match secret.matching_step(code.expose(), unix_seconds(at)) {
        // Each time step works once: a code seen on someone's screen cannot be reused.
        Some(step) => Ok(Some(factor_rows::advance_totp_step(conn, &row.id, step)?)),
        None => Ok(Some(false)),
    }
}

/// Uses one of the account's recovery codes; false if it is not one. Every
/// unused code is compared (no early exit), each in constant time.
pub fn use_recovery_code(
    conn: &mut DbConnection,
    account_id: &str,
    code: &RecoveryCode,
    at: NaiveDateTime,
) -> diesel::QueryResult<bool> {
    let mut cache = RecoveryHashCache::default();
    let mut found = None;
    for row in factor_rows::unused_recovery_code_rows(conn, account_id)? {
        if code.matches(&row.code_hash, &mut cache) && found.is_none() {
            found = Some(row.id);
        }
    }
    match found {
        Some(id) => factor_rows::use_recovery_code(conn, &id, at),
        None => Ok(false),
    }
}

/// Whether two-factor is required of this login: by its own setting, or for
/// a subuser by the owner's "require two-factor for all users".
pub(crate) fn required_for_login(
    conn: &mut DbConnection,
    account: &AccountRow,
) -> diesel::QueryResult<bool> {
    if account.require_two_factor {
        return Ok(true);
    }
    match account.parent_id.as_deref() {
        Some(owner_id) => {
            Ok(account_rows::find_by_id(conn, owner_id)?.is_some_and(|o| o.require_two_factor))
        }
        None => Ok(false),
    }
}

/// The login's two-factor methods, its recovery codes left and the account's policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorStatus {
    pub sms: Option<SmsFactor>,
    pub totp: Option<TotpFactor>,
    /// Registered passkeys.
    pub passkeys: u32,
    pub recovery_codes_left: u32,
    /// "Require two-factor sign-in for all users", the owner's when a subuser.
    pub required_for_all_users: bool,
}

impl TwoFactorStatus {
    /// True when any method is on.
    pub fn enabled(&self) -> bool {
        self.sms.is_some() || self.totp.is_some() || self.passkeys > 0
    }
}

/// SMS codes, turned on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsFactor {
    /// The phone, masked.
    pub phone: String,
    pub enabled_at: NaiveDateTime,
}

/// An authenticator app, turned on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpFactor {
    pub enabled_at: NaiveDateTime,
}

/// A code sent by SMS: to where (masked) and until when it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSent {
    pub sent_to: String,
    pub expires_at: NaiveDateTime,
}

/// A method just turned on; the recovery codes, to show once, when it is the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorEnabled {
    pub status: TwoFactorStatus,
    pub recovery_codes: Option<Vec<String>>,
}

/// A new authenticator-app secret, as text, `otpauth://` URI and QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpSetup {
    pub secret: String,
    pub otpauth_uri: String,
    /// An SVG `data:` URI.
    pub qr_svg: String,
}

/// The password, and a current code when a method is already on, as given:
/// what a security change is confirmed with.
#[derive(Debug, Clone)]
pub struct ChangeConfirmation {
    pub password: String,
    pub code: Option<String>,
}

/// The phone to set SMS codes up for, as given, with the confirmation.
#[derive(Debug, Clone)]
pub struct SmsSetup {
    pub phone: String,
    pub confirmation: ChangeConfirmation,
}

/// Which method to turn off, with the password and a current code, as given.
#[derive(Debug, Clone)]
pub struct Disabling {
    pub method: VerificationMethod,
    pub password: String,
    pub code: String,
}

fn status_in(conn: &mut DbConnection, account_id: &str) -> ApiResult<TwoFactorStatus> {
    let account = account_rows::find_by_id(conn, account_id)?.ok_or(ApiError::Unauthenticated)?;
    let mut status = TwoFactorStatus {
        sms: None,
        totp: None,
        passkeys: u32::try_from(crate::db::passkeys::count_for_account(conn, account_id)?)
            .unwrap_or(0),
        recovery_codes_left: 0,
        required_for_all_users: required_for_login(conn, &account)?,
    };
    for row in factor_rows::factors(conn, account_id)? {
        let Some(enabled_at) = row.confirmed_at else {
            continue;
        };
        match row.kind.as_str() {
            kinds::SMS => {
                status.sms = Some(SmsFactor {
                    phone: codes::mask_phone(row.phone.as_deref().unwrap_or_default()),
                    enabled_at,
                })
            }
            kinds::TOTP => status.totp = Some(TotpFactor { enabled_at }),
            _ => {}
        }
    }
    status.recovery_codes_left =
        u32::try_from(factor_rows::unused_recovery_codes(conn, account_id)?).unwrap_or(0);
    Ok(status)
}

pub async fn status(state: &AppState, session: &PortalSession) -> ApiResult<TwoFactorStatus> {
    let account_id = session.account.id.clone();
    state.db.run(move |conn| status_in(conn, &account_id)).await
}

/// Confirms a change to the second factors: the password, and while SMS codes
/// or an app are on, a current code too (from the app, an SMS step-up code or
/// a recovery code), so a stolen session and password cannot swap or add a
/// factor. The code is counted towards the sign-in lock before it is checked.
pub(crate) async fn confirm_change(
    state: &AppState,
    session: &PortalSession,
    confirmation: ChangeConfirmation,
    client: &ClientContext,
) -> ApiResult<()> {
    let ChangeConfirmation { password, code } = confirmation;
    let account_id = session.account.id.clone();
    let factors = state
        .db
        .run(move |conn| Ok(confirmed_factors(conn, &account_id)?))
        .await?;
    let code = code.filter(|c| !c.trim().is_empty());
    if factors.any_code() && code.is_none() {
        return Err(ApiError::field(
            "code",
            field_codes::REQUIRED,
            "Two-factor sign-in is on: enter a code from your app, an SMS code, or a recovery code.",
        ));
    }
    confirm_session_password(state, session, password, client).await?;
    let Some(typed) = code.filter(|_| factors.any_code()) else {
        return Ok(());
    };
    let (account_id, keys) = (
        session.account.id.clone(),
        ThrottleKeys::new(&session.account.email_normalized, client.ip),
    );
    let checked = crate::services::sessions::login::in_turn(state, Some(&keys), || {
        let (account_id, keys, typed, client, kek) = (
            account_id.clone(),
            keys.clone(),
            typed.clone(),
            client.clone(),
            state.kek.clone(),
        );
        move |conn: &mut DbConnection| {
            let at = now();
            let factors = confirmed_factors(conn, &account_id)?;
            check_counted_code(
                conn,
                &kek,
                &keys,
                &CurrentCode {
                    account_id: &account_id,
                    factors: &factors,
                    typed: &typed,
                    at,
                },
                &client,
            )
        }
    })
    .await;
    // The guess was settled in that transaction, if one was counted.
    state.guess_queue.settled(keys.email_key());
    checked?
}

/// Tells the account's holder about a change to their second factors. Best
/// effort: the change stands whether or not the e-mail goes out.
pub(crate) async fn notify_factor_change(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
    purpose: &str,
    change: FactorChange,
) {
    let mail = i18n::factor_change(
        session.language,
        change,
        &client.ip.to_string(),
        &client.user_agent,
    )
    .mail(session.account.email.clone(), purpose);
    if let Err(error) = state.mailer.send(&mail).await {
        tracing::warn!(account_id = %session.account.id, error = %error, "factor change notice not sent");
    }
}

pub(crate) fn event(
    session: &PortalSession,
    kind: SecurityEventKind,
    client: &ClientContext,
) -> SecurityEvent {
    SecurityEvent::new(
        &session.account.id,
        Actor::Account(session.account.id.clone()),
        kind,
    )
    .from_client(client)
}

/// Starts SMS set-up: checks the password, sends a code to the phone.
pub async fn start_sms(
    state: &AppState,
    session: &PortalSession,
    request: SmsSetup,
    client: &ClientContext,
) -> ApiResult<CodeSent> {
    let phone =
        PhoneNumber::parse("phone", &request.phone).map_err(|e| ApiError::Validation(vec![e]))?;
    crate::services::sms::messages::ensure_phone_country(
        state,
        session.account.tenant_id(),
        "phone",
        &phone,
    )
    .await?;
    confirm_change(state, session, request.confirmation, client).await?;
    start_code(
        state,
        session,
        purposes::SETUP_SMS,
        phone.as_str(),
        "two_factor_setup",
        CodeText::TwoFactorSetup,
        client,
    )
    .await
}

/// Sends a code to the confirmed SMS phone, to confirm turning a method off.
pub async fn send_step_up_code(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
) -> ApiResult<CodeSent> {
    let account_id = session.account.id.clone();
    let factors = state
        .db
        .run(move |conn| Ok(confirmed_factors(conn, &account_id)?))
        .await?;
    let Some(phone) = factors.sms_phone else {
        return Err(ApiError::Conflict {
            detail: "SMS two-factor sign-in is not on.".into(),
            errors: vec![FieldError::new(
                "method",
                field_codes::METHOD_UNAVAILABLE,
                "Use your authenticator app or a recovery code.",
            )],
        });
    };
    start_code(
        state,
        session,
        purposes::STEP_UP,
        &phone,
        "step_up_code",
        CodeText::StepUp,
        client,
    )
    .await
}

async fn start_code(
    state: &AppState,
    session: &PortalSession,
    purpose: &'static str,
    phone: &str,
    outbox_purpose: &'static str,
    text: CodeText,
    client: &ClientContext,
) -> ApiResult<CodeSent> {
    // One open row per account and purpose, reused until its flow ends: the
    // send limits (30 s apart, 5 per row) then bound how many SMS a signed-in
    // user can trigger, whatever number they ask for.
    let (_, fresh) = codes::new_row(&session.account.id, purpose, client, None);
    let account_id = session.account.id.clone();
    let row = state
        .db
        .transaction(move |conn| {
            let open = code_rows::latest_open(conn, &account_id, purpose)?
                .filter(|row| now() < row.expires_at);
            match open {
                Some(row) => Ok(row),
                None => {
                    code_rows::insert(conn, &fresh)?;
                    Ok(fresh)
                }
            }
        })
        .await?;
    let sent_at = codes::send(
        state,
        &row.id,
        Delivery {
            method: VerificationMethod::Sms,
            destination: phone.to_owned(),
            purpose: outbox_purpose,
            text,
            fallback_email: None,
        },
    )
    .await?;
    Ok(CodeSent {
        sent_to: codes::mask_phone(phone),
        expires_at: sent_at + chrono::Duration::minutes(codes::CODE_TTL_MINUTES),
    })
}

/// A fresh set of recovery codes: stored hashed, returned for showing once.
pub(crate) fn new_recovery_codes(
    conn: &mut DbConnection,
    account_id: &str,
    at: NaiveDateTime,
) -> diesel::QueryResult<Vec<String>> {
    let codes: Vec<RecoveryCode> = (0..RECOVERY_CODES)
        .map(|_| RecoveryCode::generate())
        .collect();
    // One salt per set: a check then costs one Argon2 computation, not ten.
    let salt = RecoverySalt::generate();
    let rows: Vec<RecoveryCodeRow> = codes
        .iter()
        .map(|code| RecoveryCodeRow {
            id: format!("rc_{}", uuid::Uuid::now_v7().simple()),
            account_id: account_id.to_owned(),
            code_hash: code.hash(&salt),
            created_at: at,
            used_at: None,
        })
        .collect();
    factor_rows::replace_recovery_codes(conn, account_id, &rows)?;
    Ok(codes.iter().map(RecoveryCode::display).collect())
}

/// After a method is confirmed: recovery codes if it is the first, the event.
fn enabled(
    conn: &mut DbConnection,
    session: &PortalSession,
    had_factors: bool,
    method: &str,
    client: &ClientContext,
    at: NaiveDateTime,
) -> ApiResult<TwoFactorEnabled> {
    let recovery_codes = if had_factors {
        None
    } else {
        security_log::record(
            conn,
            &event(session, SecurityEventKind::RecoveryCodesGenerated, client),
        )?;
        Some(new_recovery_codes(conn, &session.account.id, at)?)
    };
    security_log::record(
        conn,
        &event(session, SecurityEventKind::TwoFactorEnabled, client).detail("method", method),
    )?;
    Ok(TwoFactorEnabled {
        status: status_in(conn, &session.account.id)?,
        recovery_codes,
    })
}

/// Finishes SMS set-up with the code that was sent.
pub async fn confirm_sms(
    state: &AppState,
    session: &PortalSession,
    code: &str,
    client: &ClientContext,
) -> ApiResult<TwoFactorEnabled> {
    let code = OneTimeCode::parse("code", code).map_err(|e| ApiError::Validation(vec![e]))?;
    let (session_in, client_in) = (session.clone(), client.clone());
    let enabled = state
        .db
        .transaction(move |conn| {
            let at = now();
            let account_id = session_in.account.id.clone();
            let row = code_rows::latest_open(conn, &account_id, purposes::SETUP_SMS)?
                .ok_or_else(no_code_sent)?;
            if let Check::Wrong { attempts_left } = codes::check(conn, &row, &code, at)? {
                return Ok(Err(codes::wrong_code(attempts_left)));
            }
            code_rows::consume(conn, &row.id, at)?;
            let had_factors = confirmed_factors(conn, &account_id)?.any();
            factor_rows::replace_factor(
                conn,
                &SecondFactorRow {
                    id: format!("2fa_{}", uuid::Uuid::now_v7().simple()),
                    account_id,
                    kind: kinds::SMS.into(),
                    phone: row.destination.clone(),
                    totp_secret: None,
                    totp_last_step: None,
                    created_at: at,
                    confirmed_at: Some(at),
                },
            )?;
            enabled(conn, &session_in, had_factors, kinds::SMS, &client_in, at).map(Ok)
        })
        .await??;
    notify_factor_change(
        state,
        session,
        client,
        "two_factor_added",
        FactorChange::SmsAdded,
    )
    .await;
    Ok(enabled)
}

fn no_code_sent() -> ApiError {
    ApiError::field(
        "code",
        field_codes::NO_CODE_SENT,
        "Start the set-up first: no code has been sent.",
    )
}

/// Starts authenticator-app set-up: a new secret, shown as a QR code.
pub async fn start_totp(
    state: &AppState,
    session: &PortalSession,
    confirmation: ChangeConfirmation,
    client: &ClientContext,
) -> ApiResult<TotpSetup> {
    confirm_change(state, session, confirmation, client).await?;
    let secret = TotpSecret::generate();
    let account_id = session.account.id.clone();
    let mut stored = SecondFactorRow {
        id: format!("2fa_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.clone(),
        kind: kinds::TOTP.into(),
        phone: None,
        totp_secret: None,
        totp_last_step: None,
        created_at: now(),
        confirmed_at: None,
    };
    stored.totp_secret = Some(state.kek.seal(
        &totp_secret_at(&stored.id),
        zeroize::Zeroizing::new(secret.to_base32()).as_bytes(),
    ));
    state
        .db
        .transaction(move |conn| {
            if confirmed_factors(conn, &account_id)?.totp {
                return Err(ApiError::Conflict {
                    detail: "An authenticator app is already set up; turn it off first to move to another.".into(),
                    errors: Vec::new(),
                });
            }
            factor_rows::replace_factor(conn, &stored)?;
            Ok(())
        })
        .await?;
    let label = session.account.email.clone();
    Ok(TotpSetup {
        secret: secret.to_base32(),
        otpauth_uri: secret.otpauth_uri(&label),
        qr_svg: secret
            .qr_svg_data_uri(&label)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("QR code did not render")))?,
    })
}

/// Finishes authenticator-app set-up with a first code from the app.
pub async fn confirm_totp(
    state: &AppState,
    session: &PortalSession,
    code: &str,
    client: &ClientContext,
) -> ApiResult<TwoFactorEnabled> {
    let code = OneTimeCode::parse("code", code).map_err(|e| ApiError::Validation(vec![e]))?;
    let (session_in, client_in, kek) = (session.clone(), client.clone(), state.kek.clone());
    let enabled = state
        .db
        .transaction(move |conn| {
            let at = now();
            let account_id = session_in.account.id.clone();
            let pending = factor_rows::factors(conn, &account_id)?
                .into_iter()
                .find(|r| r.kind == kinds::TOTP && r.confirmed_at.is_none())
                .ok_or_else(no_code_sent)?;
            let step = totp_secret(&kek, &pending)?
                .and_then(|s| s.matching_step(code.expose(), unix_seconds(at)));
            let Some(step) = step else {
                return Err(ApiError::field(
                    "code",
                    field_codes::INCORRECT,
                    "The code is not correct. Check the time on your phone and try the next code.",
                ));
            };
            let had_factors = confirmed_factors(conn, &account_id)?.any();
            factor_rows::confirm_factor(conn, &pending.id, at, Some(step))?;
            enabled(conn, &session_in, had_factors, kinds::TOTP, &client_in, at)
        })
        .await?;
    notify_factor_change(
        state,
        session,
        client,
        "two_factor_added",
        FactorChange::AppAdded,
    )
    .await;
    Ok(enabled)
}

/// Turns a method off, given the password and a current code.
pub async fn disable(
    state: &AppState,
    session: &PortalSession,
    request: Disabling,
    client: &ClientContext,
) -> ApiResult<TwoFactorStatus> {
    let kind = match request.method {
        VerificationMethod::Sms => kinds::SMS,
        VerificationMethod::Totp => kinds::TOTP,
        _ => {
            return Err(ApiError::field(
                "method",
                field_codes::METHOD_UNAVAILABLE,
                "Only `sms` and `totp` can be turned off.",
            ))
        }
    };
    let typed = request.code.clone();
    confirm_session_password(state, session, request.password, client).await?;
    let (session, client, kek) = (session.clone(), client.clone(), state.kek.clone());
    state
        .db
        .transaction(move |conn| {
            let at = now();
            let account_id = session.account.id.clone();
            let factors = confirmed_factors(conn, &account_id)?;
            let has = match kind {
                kinds::SMS => factors.sms_phone.is_some(),
                _ => factors.totp,
            };
            if !has {
                return Err(ApiError::NotFound);
            }
            let keys = ThrottleKeys::new(&session.account.email_normalized, client.ip);
            if let Err(refusal) = check_counted_code(
                conn,
                &kek,
                &keys,
                &CurrentCode {
                    account_id: &account_id,
                    factors: &factors,
                    typed: &typed,
                    at,
                },
                &client,
            )? {
                return Ok(Err(refusal));
            }
            let last = factors.kinds_on() == 1;
            let account =
                account_rows::find_by_id(conn, &account_id)?.ok_or(ApiError::Unauthenticated)?;
            if last && required_for_login(conn, &account)? {
                return Err(ApiError::Conflict {
                    detail: "The account requires two-factor sign-in for all users.".into(),
                    errors: vec![FieldError::new(
                        "method",
                        field_codes::TWO_FACTOR_REQUIRED,
                        "Set up another method first, or turn the requirement off.",
                    )],
                });
            }
            factor_rows::delete_factor(conn, &account_id, kind)?;
            if last {
                factor_rows::replace_recovery_codes(conn, &account_id, &[])?;
            }
            security_log::record(
                conn,
                &event(&session, SecurityEventKind::TwoFactorDisabled, &client)
                    .detail("method", kind),
            )?;
            status_in(conn, &account_id).map(Ok)
        })
        .await?
}

/// A "current code" typed for a security change, and what it is checked against.
struct CurrentCode<'a> {
    account_id: &'a str,
    factors: &'a Factors,
    typed: &'a str,
    at: NaiveDateTime,
}

/// [`check_current_code`] as a counted guess: counted before it is checked, under the
/// counters' lock, so parallel guesses get no more tries than the lock allows; a wrong
/// code settles as a failure (and may lock), a right one gives its place back.
fn check_counted_code(
    conn: &mut DbConnection,
    kek: &Kek,
    keys: &ThrottleKeys,
    current: &CurrentCode<'_>,
    client: &ClientContext,
) -> ApiResult<Result<(), ApiError>> {
    let reservation = crate::services::sessions::login::reserve_guess(conn, keys, current.at)??;
    if let Err(refusal) = check_current_code(conn, kek, current)? {
        crate::services::sessions::login::settle_failure(
            conn,
            &reservation,
            Some(current.account_id),
            client,
            None,
        )?;
        return Ok(Err(refusal));
    }
    throttle::release(conn, &reservation)?;
    Ok(Ok(()))
}

/// Checks a "current code" for a security change: an authenticator-app code,
/// the last SMS step-up code, or a recovery code. `Ok(Err(_))` when wrong
/// (attempts counted, to be committed).
fn check_current_code(
    conn: &mut DbConnection,
    kek: &Kek,
    current: &CurrentCode<'_>,
) -> ApiResult<Result<(), ApiError>> {
    let &CurrentCode {
        account_id,
        factors,
        typed,
        at,
    } = current;
    if let Ok(recovery) = RecoveryCode::parse("code", typed) {
        return Ok(if use_recovery_code(conn, account_id, &recovery, at)? {
            Ok(())
        } else {
            Err(not_correct())
        });
    }
    let code = OneTimeCode::parse("code", typed).map_err(|e| ApiError::Validation(vec![e]))?;
    if factors.totp && check_totp(conn, kek, account_id, &code, at)? == Some(true) {
        return Ok(Ok(()));
    }
    if let Some(row) = code_rows::latest_open(conn, account_id, purposes::STEP_UP)? {
        return Ok(match codes::check(conn, &row, &code, at)? {
            Check::Right => {
                code_rows::consume(conn, &row.id, at)?;
                Ok(())
            }
            Check::Wrong { attempts_left } => Err(codes::wrong_code(attempts_left)),
        });
    }
    Ok(Err(not_correct()))
}

/// A new set of recovery codes; the old set stops working.
pub async fn regenerate_recovery_codes(
    state: &AppState,
    session: &PortalSession,
    confirmation: ChangeConfirmation,
    client: &ClientContext,
) -> ApiResult<Vec<String>> {
    confirm_change(state, session, confirmation, client).await?;
    let (session_in, client_in) = (session.clone(), client.clone());
    let codes = state
        .db
        .transaction(move |conn| {
            let account_id = session_in.account.id.clone();
            if !confirmed_factors(conn, &account_id)?.any() {
                return Err(not_enabled());
            }
            let codes = new_recovery_codes(conn, &account_id, now())?;
            security_log::record(
                conn,
                &event(
                    &session_in,
                    SecurityEventKind::RecoveryCodesGenerated,
                    &client_in,
                ),
            )?;
            Ok(codes)
        })
        .await?;
    notify_factor_change(
        state,
        session,
        client,
        "recovery_codes_regenerated",
        FactorChange::RecoveryCodesRegenerated,
    )
    .await;
    Ok(codes)
}

/// A wrong "current code" where no per-code tries are kept (recovery and app
/// codes); the failure still counts towards the sign-in lock.
fn not_correct() -> ApiError {
    ApiError::field("code", field_codes::INCORRECT, "The code is not correct.")
}

fn not_enabled() -> ApiError {
    ApiError::Conflict {
        detail: "Turn on two-factor sign-in for yourself first.".into(),
        errors: vec![FieldError::new(
            "required_for_all_users",
            field_codes::TWO_FACTOR_NOT_ENABLED,
            "Turn on two-factor sign-in for yourself first.",
        )],
    }
}

/// Sets "require two-factor sign-in for all users". Turning it on needs the
/// owner's own two-factor sign-in on, so nobody locks themselves out.
pub async fn set_policy(
    state: &AppState,
    session: &PortalSession,
    required: bool,
    client: &ClientContext,
) -> ApiResult<TwoFactorStatus> {
    let (session, client) = (session.clone(), client.clone());
    state
        .db
        .transaction(move |conn| {
            let account_id = session.account.id.clone();
            if required && !confirmed_factors(conn, &account_id)?.any() {
                return Err(not_enabled());
            }
            if account_rows::set_require_two_factor(conn, &account_id, required)? {
                security_log::record(
                    conn,
                    &event(&session, SecurityEventKind::TwoFactorPolicyChanged, &client)
                        .detail("required_for_all_users", required.to_string()),
                )?;
            }
            status_in(conn, &account_id)
        })
        .await
}
