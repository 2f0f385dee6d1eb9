//! Signing in to the portal, step by step:
//!
//! 1. Abuse limits: a locked e-mail or address is refused the same way
//!    whether the password is right or not.
//! 2. The password (unknown e-mails cost the same time and get the same answer).
//! 3. A second step when needed: two-factor sign-in if the account has it on,
//!    otherwise a code by SMS (or e-mail) when the browser is not one of the
//!    account's trusted devices. The sign-in is then *held*: the client gets a
//!    secret challenge handle and completes it with a code.
//! 4. The session. A sign-in that needed a new-device check also sends an
//!    e-mail with the time, address and browser.

use chrono::{Duration, NaiveDateTime};
use portcullis_shared::vocabulary::{ChallengeReason, SecurityEventKind, VerificationMethod};

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    delivery::i18n::{self, CodeText},
    now, rfc3339,
    sessions::codes::{self, purposes, Check, Delivery},
    sessions::devices,
    sessions::portal_session::{self, ClientContext, PortalSession},
    sessions::throttle::{self, NewLock, Refusal, Reservation, ThrottleKeys},
    two_factor::{self, Factors},
    AppState,
};
use crate::{
    db::{
        accounts::{self as account_rows, AccountRow},
        verification_codes::{self as code_rows, VerificationRow},
        DbConnection,
    },
    domain::{ChallengeToken, DeviceToken, Email, OneTimeCode, Password, RecoveryCode},
    error::{ApiError, ApiResult},
};

/// What a correct password leads to.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in.
    Session(Box<PortalSession>),
    /// Held for a code.
    Challenge(LoginChallenge),
}

/// A sign-in held for a code: its secret handle, why it is held, the ways the
/// code may come and where the last one went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginChallenge {
    pub challenge_id: String,
    pub reason: ChallengeReason,
    pub methods: Vec<VerificationMethod>,
    /// Where the code was sent, masked.
    pub sent_to: Option<String>,
    pub sent_by: Option<VerificationMethod>,
    pub expires_at: NaiveDateTime,
}

/// Login failure reasons as recorded in the security log.
pub(in crate::services) mod reasons {
    pub const WRONG_PASSWORD: &str = "wrong_password";
    pub const SECOND_FACTOR_FAILED: &str = "second_factor_failed";
    pub const NEW_DEVICE_FAILED: &str = "new_device_failed";
    pub const LOCKED: &str = "locked";
    pub const SUSPENDED: &str = "account_suspended";
    pub const PASSKEY_FAILED: &str = "passkey_failed";
}

pub(in crate::services) fn login_failed(
    account_id: &str,
    client: &ClientContext,
    reason: &str,
) -> SecurityEvent {
    SecurityEvent::new(account_id, Actor::Anonymous, SecurityEventKind::LoginFailed)
        .from_client(client)
        .detail("reason", reason)
}

/// Settles a reserved guess that turned out wrong (see
/// [`throttle::settle_failure`]), then records `refusal` (the failed
/// sign-in's event, when the caller has one) and the lock it started, if any.
///
/// The throttle's rows are locked before the security log's head, as a
/// successful sign-in's [`finish`] locks them: two transactions taking them
/// in opposite orders deadlocked on PostgreSQL (one aborted, answered 500).
pub(in crate::services) fn settle_failure(
    conn: &mut DbConnection,
    reservation: &Reservation,
    account_id: Option<&str>,
    client: &ClientContext,
    refusal: Option<SecurityEvent>,
) -> ApiResult<Option<NewLock>> {
    let lock = throttle::settle_failure(conn, reservation, now())?;
    if let Some(refusal) = refusal {
        security_log::record(conn, &refusal)?;
    }
    if let (Some(lock), Some(account_id)) = (lock, account_id) {
        security_log::record(
            conn,
            &SecurityEvent::new(account_id, Actor::System, SecurityEventKind::AccountLocked)
                .from_client(client)
                .detail("scope", lock.scope.as_str())
                .detail("until", rfc3339(lock.until)),
        )?;
    }
    Ok(lock)
}

/// The answer while every try left is taken by guesses still being checked:
/// it rolls back the transaction that asked, and [`in_turn`] asks again.
fn guesses_in_flight() -> ApiError {
    ApiError::RateLimited {
        retry_after_secs: 1,
    }
}

/// Reserves one guess for these keys (see [`throttle::reserve`]). The inner
/// error is the lock's answer while they are locked; while the tries left are
/// all in flight the transaction fails with [`guesses_in_flight`], for
/// [`in_turn`] to try again.
pub(in crate::services) fn reserve_guess(
    conn: &mut DbConnection,
    keys: &ThrottleKeys,
    at: NaiveDateTime,
) -> ApiResult<Result<Reservation, ApiError>> {
    match throttle::reserve(conn, keys, at)? {
        Ok(reservation) => Ok(Ok(reservation)),
        Err(Refusal::Locked(for_)) => Ok(Err(locked(for_))),
        Err(Refusal::Busy) => Err(guesses_in_flight()),
    }
}

/// How long a guess waits for the guesses ahead of it to be checked before
/// it is answered `429 rate_limited` (a check takes tens of milliseconds).
const TURN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs the transaction `attempt()` makes, which reserves a guess with
/// [`reserve_guess`], again and again while the guesses ahead of it are
/// being checked: once they are settled, this one is let in (they were right)
/// or finds the lock (they were wrong). Gives up after [`TURN_WAIT`].
///
/// With the guess's `keys`, it waits in this process's line for the e-mail
/// ([`GuessQueue`](super::guess_queue::GuessQueue)): asked again when a guess
/// for it is settled here, instead of on a timer, and behind the guesses
/// already waiting. Without (the e-mail is only known inside `attempt`), it
/// asks again after 10, 20, 40… ms, at most 100.
pub(in crate::services) async fn in_turn<T, F>(
    state: &AppState,
    keys: Option<&ThrottleKeys>,
    attempt: impl Fn() -> F,
) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
{
    let deadline = tokio::time::Instant::now() + TURN_WAIT;
    let mut place = keys.map(|keys| state.guess_queue.place(keys.email_key()));
    if let Some(place) = place.as_mut().filter(|place| place.others_wait()) {
        place.wait_turn(deadline).await;
    }
    let mut pause = std::time::Duration::from_millis(10);
    loop {
        match state.db.transaction(attempt()).await {
            Err(ApiError::RateLimited { .. }) if tokio::time::Instant::now() < deadline => {
                match place.as_mut() {
                    Some(place) => {
                        place.wait_turn(deadline).await;
                    }
                    None => {
                        tokio::time::sleep(pause).await;
                        pause = (pause * 2).min(std::time::Duration::from_millis(100));
                    }
                }
            }
            result => return result,
        }
    }
}

/// Gives back the reservation of a guess that was right.
pub(in crate::services) async fn release(
    state: &AppState,
    reservation: Reservation,
) -> ApiResult<()> {
    let email_key = reservation.email_key().to_owned();
    state
        .db
        .transaction(move |conn| Ok(throttle::release(conn, &reservation)?))
        .await?;
    state.guess_queue.settled(&email_key);
    Ok(())
}

/// Tells the owner their sign-in was locked. Best effort: the lock holds
/// whether or not the e-mail goes out.
pub(in crate::services) async fn notify_lock(
    state: &AppState,
    account: &AccountRow,
    lock: NewLock,
    client: &ClientContext,
) {
    let (until, ip) = (
        lock.until.format("%Y-%m-%d %H:%M").to_string(),
        client.ip.to_string(),
    );
    crate::services::accounts::notify(state, &account.id, "lock notification", |language| {
        i18n::login_locked(language, &until, &ip, &client.user_agent)
            .mail(account.email.clone(), "login_locked")
    })
    .await;
}

fn locked(for_: Duration) -> ApiError {
    ApiError::LoginLocked {
        retry_after_secs: throttle::retry_after_secs(for_),
    }
}

/// [`confirm_password`] for the signed-in login's own password, re-entered in
/// the `password` field (two-factor settings, the security-log stream).
pub async fn confirm_session_password(
    state: &AppState,
    session: &PortalSession,
    password: String,
    client: &ClientContext,
) -> ApiResult<()> {
    confirm_password(
        state,
        &session.account,
        session.account.password_hash.clone(),
        Password::new(password),
        client,
        "password",
    )
    .await
}

/// Checks a password re-entered to confirm a security change (two-factor
/// settings, a password change). Wrong ones count towards the sign-in lock like
/// failed sign-ins, and while the lock holds nothing can be confirmed, so a
/// stolen session cannot be used to guess the password either.
pub async fn confirm_password(
    state: &AppState,
    account: &AccountRow,
    stored_hash: String,
    password: Password,
    client: &ClientContext,
    field: &str,
) -> ApiResult<()> {
    let keys = ThrottleKeys::new(&account.email_normalized, client.ip);
    // The guess is counted before the (slow) check, so parallel guesses
    // cannot all be checked against the same count.
    let reservation = in_turn(state, Some(&keys), || {
        let keys = keys.clone();
        move |conn: &mut DbConnection| reserve_guess(conn, &keys, now())
    })
    .await??;
    if state.hasher.verify(password, Some(stored_hash)).await? {
        return release(state, reservation).await;
    }
    let (account_id, failed_client) = (account.id.clone(), client.clone());
    let lock = state
        .db
        .transaction(move |conn| {
            settle_failure(conn, &reservation, Some(&account_id), &failed_client, None)
        })
        .await?;
    state.guess_queue.settled(keys.email_key());
    if let Some(lock) = lock.filter(|l| l.scope == throttle::LockScope::Email) {
        notify_lock(state, account, lock, client).await;
    }
    tracing::info!(account_id = %account.id, ip = %client.ip, "re-entered password refused");
    Err(ApiError::field(
        field,
        portcullis_shared::validate::codes::WRONG_PASSWORD,
        "This is not your current password.",
    ))
}

/// Step 1 and 2, then 3 or 4. `device` is the browser's device cookie (the
/// handler makes one when the browser has none).
pub async fn log_in(
    state: &AppState,
    email: &str,
    password: Password,
    client: ClientContext,
    device: &DeviceToken,
) -> ApiResult<LoginOutcome> {
    let key = Email::normalize(email);
    let keys = ThrottleKeys::new(&key, client.ip);
    let (account, reservation) = in_turn(state, Some(&keys), || {
        let (key, keys, client) = (key.clone(), keys.clone(), client.clone());
        move |conn: &mut DbConnection| {
            let account = account_rows::find_by_email(conn, &key)?;
            let reservation = reserve_guess(conn, &keys, now())?;
            if let (Some(account), Err(_)) = (&account, &reservation) {
                security_log::record(conn, &login_failed(&account.id, &client, reasons::LOCKED))?;
            }
            Ok((account, reservation))
        }
    })
    .await?;
    let reservation = reservation?;

    let stored_hash = account.as_ref().map(|a| a.password_hash.clone());
    let password_ok = state.hasher.verify(password, stored_hash).await?;
    let account = match account {
        Some(account) if password_ok => account,
        account => {
            refuse_sign_in(
                state,
                account.as_ref(),
                reservation,
                &client,
                reasons::WRONG_PASSWORD,
            )
            .await?;
            return Err(ApiError::InvalidCredentials);
        }
    };

    let reservation = admit(state, &account, reservation, &client).await?;

    let device_hash = device.storage_id();
    let (factors, phones, trusted) = {
        let (account, device_hash) = (account.clone(), device_hash.clone());
        let loaded = state.db.run(move |conn| {
            let factors = factors_of(conn, &account)?;
            let phones = Phones::load(conn, &account, &factors)?;
            let trusted = devices::is_trusted(conn, &account.id, &device_hash)?;
            Ok((factors, phones, trusted))
        });
        giving_back_on_error(state, &reservation, loaded).await?
    };

    if factors.any() || !trusted {
        release(state, reservation).await?;
        return hold(
            state,
            &account,
            &factors,
            &phones,
            trusted,
            &client,
            device_hash,
        )
        .await
        .map(LoginOutcome::Challenge);
    }
    let guess = Guess::Reserved(reservation);
    let session = finish(state, account, guess, client, None, Completed::default()).await?;
    Ok(LoginOutcome::Session(Box::new(session)))
}

/// Awaits `step`, taken while a right guess is still reserved: when it fails,
/// the guess is given back before the error is answered (unsettled, it would
/// count as a failure once [its time](throttle) is up).
pub(in crate::services) async fn giving_back_on_error<T>(
    state: &AppState,
    reservation: &Reservation,
    step: impl std::future::Future<Output = ApiResult<T>>,
) -> ApiResult<T> {
    match step.await {
        Ok(done) => Ok(done),
        Err(error) => {
            give_back(state, reservation.clone()).await;
            Err(error)
        }
    }
}

/// [`release`] on the way out of a failed sign-in, whose own error is the
/// answer: a failure to give the guess back is logged (the guess then counts
/// as a failure once its time is up), not answered instead.
async fn give_back(state: &AppState, reservation: Reservation) {
    if let Err(error) = release(state, reservation).await {
        tracing::warn!(error = %error, "a reserved guess of a failed sign-in could not be given back");
    }
}

/// The gate every sign-in passes once its first proof (a password, or a
/// passkey without one) was right, with the guess it reserved: a disabled
/// subuser and an address outside the portal allowlist are refused with the
/// answer a wrong proof gets (the allowlist refusal counts towards the lock),
/// then a suspended company is told so. A refused sign-in's guess is
/// settled; an admitted one's is handed back still reserved, for [`finish`]
/// to give back in the transaction that opens the session (or for the caller
/// to [`release`] when the sign-in is held for a code).
pub(in crate::services) async fn admit(
    state: &AppState,
    account: &AccountRow,
    reservation: Reservation,
    client: &ClientContext,
) -> ApiResult<Reservation> {
    // A disabled subuser gets the wrong-password answer, and only once the
    // password was right, so the answer reveals nothing to a guesser.
    if account.disabled_at.is_some() {
        release(state, reservation).await?;
        tracing::info!(ip = %client.ip, "portal login of a disabled subuser refused");
        return Err(ApiError::InvalidCredentials);
    }
    // So does an address outside the portal allowlist: the answer must not
    // confirm the password. The real reason is in the owner's log, and the
    // attempt counts towards the lock like a wrong password.
    let admitted = crate::services::sessions::portal_allowlist::check_login(
        state,
        &account.id,
        account.parent_id.as_deref(),
        client,
    );
    let admitted = giving_back_on_error(state, &reservation, admitted).await?;
    if !admitted {
        refuse_sign_in(state, Some(account), reservation, client, "").await?;
        return Err(ApiError::InvalidCredentials);
    }
    // A suspended company's users learn it, but only once the password was
    // right (and the address admitted), so a guesser learns nothing.
    let suspended = state
        .access
        .account_suspended(&state.db, account.tenant_id());
    if giving_back_on_error(state, &reservation, suspended).await? {
        let event = login_failed(&account.id, client, reasons::SUSPENDED);
        let email_key = reservation.email_key().to_owned();
        // The guess is given back and the refusal logged together, the
        // throttle's rows locked first (see [`settle_failure`]).
        state
            .db
            .transaction(move |conn| {
                throttle::release(conn, &reservation)?;
                Ok(security_log::record(conn, &event)?)
            })
            .await?;
        state.guess_queue.settled(&email_key);
        tracing::info!(ip = %client.ip, "portal login of a suspended account refused");
        return Err(ApiError::AccountSuspended);
    }
    Ok(reservation)
}

/// The login's confirmed methods, with whether its account takes passkeys only
/// (the owner's "require a phishing-resistant method", once the login has one).
fn factors_of(conn: &mut DbConnection, account: &AccountRow) -> diesel::QueryResult<Factors> {
    let mut factors = two_factor::confirmed_factors(conn, &account.id)?;
    factors.passkeys_only =
        factors.passkeys && crate::services::passkeys::phishing_resistant_required(conn, account)?;
    Ok(factors)
}

/// Settles a refused sign-in whose guess was counted: records the reason
/// (`reason`, unless the caller recorded one already) and any lock it
/// started, and tells the owner about a lock.
pub(in crate::services) async fn refuse_sign_in(
    state: &AppState,
    account: Option<&AccountRow>,
    reservation: Reservation,
    client: &ClientContext,
    reason: &'static str,
) -> ApiResult<()> {
    let account_id = account.map(|a| a.id.clone());
    let failed_client = client.clone();
    let email_key = reservation.email_key().to_owned();
    let lock = state
        .db
        .transaction(move |conn| {
            let refusal = match (account_id.as_deref(), reason.is_empty()) {
                (Some(id), false) => Some(login_failed(id, &failed_client, reason)),
                _ => None,
            };
            settle_failure(
                conn,
                &reservation,
                account_id.as_deref(),
                &failed_client,
                refusal,
            )
        })
        .await?;
    state.guess_queue.settled(&email_key);
    if let (Some(account), Some(lock)) = (account, lock) {
        if lock.scope == throttle::LockScope::Email {
            notify_lock(state, account, lock, client).await;
        }
    }
    tracing::info!(ip = %client.ip, "portal login refused");
    Ok(())
}

/// Step 3: stores the held sign-in and sends the first code when there is
/// only one way to get one.
///
/// At most one held sign-in per account and browser is live: signing in again
/// while one is open replaces it (its handle stops working) and carries over
/// its code, wrong tries, sends and resend timer, so repeating a sign-in
/// cannot be used to have texts sent, nor to get fresh tries at a code.
async fn hold(
    state: &AppState,
    account: &AccountRow,
    factors: &Factors,
    phones: &Phones,
    trusted: bool,
    client: &ClientContext,
    device_hash: String,
) -> ApiResult<LoginChallenge> {
    let purpose = if factors.any() {
        purposes::LOGIN_TWO_FACTOR
    } else {
        purposes::LOGIN_NEW_DEVICE
    };
    let (token, fresh) = codes::new_row(&account.id, purpose, client, Some(device_hash.clone()));
    let account_id = account.id.clone();
    let (row, replaced) = state
        .db
        .transaction(move |conn| {
            code_rows::lock_held_sign_ins(conn, &account_id, &device_hash)?;
            let at = now();
            let open = code_rows::open_for_device(
                conn,
                &account_id,
                &device_hash,
                &[purposes::LOGIN_TWO_FACTOR, purposes::LOGIN_NEW_DEVICE],
                at,
            )?;
            for earlier in &open {
                code_rows::consume(conn, &earlier.id, at)?;
            }
            let (row, replaced) = match open
                .into_iter()
                .find(|earlier| earlier.purpose == fresh.purpose)
            {
                Some(earlier) => (carried_over(fresh, earlier), true),
                None => (fresh, false),
            };
            code_rows::insert(conn, &row)?;
            Ok((row, replaced))
        })
        .await?;
    tracing::info!(account_id = %account.id, purpose, trusted, replaced, "portal login held for a code");
    // An authenticator app or a passkey needs nothing sent; otherwise send
    // the one code, unless the replaced sign-in's code is still good.
    let code_still_good = row
        .last_sent_at
        .is_some_and(|sent| now() < sent + Duration::minutes(codes::CODE_TTL_MINUTES));
    let first = match default_delivery(account, phones, purpose) {
        Some(delivery) if !factors.totp && !factors.passkeys && !code_still_good => Some(delivery),
        _ => None,
    };
    let mut row = row;
    if let Some(delivery) = first {
        codes::send_for(state, &mut row, delivery).await?;
    }
    Ok(challenge(&token, &row, factors, phones))
}

/// The phones a held sign-in's codes may be texted to: the account's (for
/// new-device codes) and the two-factor one, each only while the company's
/// country filter lets SMS go to its country. A blocked one is not offered:
/// new-device codes go by e-mail instead, two-factor ones by another method.
#[derive(Debug, Clone, Default)]
struct Phones {
    account: Option<String>,
    two_factor: Option<String>,
}

impl Phones {
    fn load(
        conn: &mut DbConnection,
        account: &AccountRow,
        factors: &Factors,
    ) -> diesel::QueryResult<Self> {
        let mut textable = |phone: &Option<String>| -> diesel::QueryResult<Option<String>> {
            match phone {
                Some(phone)
                    if crate::services::sms::messages::may_text(conn, &account.id, phone)? =>
                {
                    Ok(Some(phone.clone()))
                }
                _ => Ok(None),
            }
        };
        Ok(Self {
            account: textable(&account.phone)?,
            two_factor: textable(&factors.sms_phone)?,
        })
    }
}

/// The new held sign-in `fresh` taking over `earlier`'s code and limits; its
/// own handle, device and address.
fn carried_over(fresh: VerificationRow, earlier: VerificationRow) -> VerificationRow {
    VerificationRow {
        channel: earlier.channel,
        destination: earlier.destination,
        code_salt: Some(earlier.code_salt.unwrap_or(earlier.id)),
        code_hash: earlier.code_hash,
        attempts: earlier.attempts,
        sends: earlier.sends,
        last_sent_at: earlier.last_sent_at,
        expires_at: earlier.expires_at,
        ..fresh
    }
}

/// Where a held sign-in's code goes unless the client asks otherwise.
fn default_delivery(account: &AccountRow, phones: &Phones, purpose: &str) -> Option<Delivery> {
    if purpose == purposes::LOGIN_TWO_FACTOR {
        return phones.two_factor.clone().map(|phone| Delivery {
            method: VerificationMethod::Sms,
            destination: phone,
            purpose: "login_code",
            text: CodeText::SignIn,
            // An e-mail can never stand in for the SMS second factor.
            fallback_email: None,
        });
    }
    Some(new_device_delivery(account, phones.account.is_some()))
}

fn new_device_delivery(account: &AccountRow, by_sms: bool) -> Delivery {
    match (&account.phone, by_sms) {
        (Some(phone), true) => Delivery {
            method: VerificationMethod::Sms,
            destination: phone.clone(),
            purpose: "new_device_code",
            text: CodeText::NewDevice,
            // While texts to the phone's country are paused, by e-mail.
            fallback_email: Some(account.email.clone()),
        },
        _ => Delivery {
            method: VerificationMethod::Email,
            destination: account.email.clone(),
            purpose: "new_device_code",
            text: CodeText::NewDevice,
            fallback_email: None,
        },
    }
}

fn methods(factors: &Factors, phones: &Phones, purpose: &str) -> Vec<VerificationMethod> {
    if purpose == purposes::LOGIN_TWO_FACTOR {
        if factors.passkeys_only {
            return vec![VerificationMethod::Passkey];
        }
        let mut methods = Vec::new();
        if factors.passkeys {
            methods.push(VerificationMethod::Passkey);
        }
        if factors.totp {
            methods.push(VerificationMethod::Totp);
        }
        if phones.two_factor.is_some() {
            methods.push(VerificationMethod::Sms);
        }
        methods.push(VerificationMethod::RecoveryCode);
        return methods;
    }
    let mut methods = Vec::new();
    if phones.account.is_some() {
        methods.push(VerificationMethod::Sms);
    }
    methods.push(VerificationMethod::Email);
    methods
}

fn challenge(
    token: &ChallengeToken,
    row: &VerificationRow,
    factors: &Factors,
    phones: &Phones,
) -> LoginChallenge {
    let sent_by = row.channel.as_deref().and_then(VerificationMethod::parse);
    LoginChallenge {
        challenge_id: token.expose().to_owned(),
        reason: if row.purpose == purposes::LOGIN_TWO_FACTOR {
            ChallengeReason::TwoFactor
        } else {
            ChallengeReason::NewDevice
        },
        methods: methods(factors, phones, &row.purpose),
        sent_to: match (sent_by, row.destination.as_deref()) {
            (Some(method), Some(destination)) => Some(codes::mask(method, destination)),
            _ => None,
        },
        sent_by,
        expires_at: row.expires_at,
    }
}

/// A held sign-in found by its handle, with its account.
pub(in crate::services) fn open_challenge(
    conn: &mut DbConnection,
    token: &str,
    at: NaiveDateTime,
) -> ApiResult<(VerificationRow, AccountRow)> {
    let token = ChallengeToken::parse(token.trim()).ok_or(ApiError::LoginChallengeInvalid)?;
    let row = code_rows::find(conn, &token.storage_id())?
        .filter(|row| {
            row.purpose == purposes::LOGIN_TWO_FACTOR || row.purpose == purposes::LOGIN_NEW_DEVICE
        })
        .filter(|row| row.consumed_at.is_none() && at < row.expires_at)
        .ok_or(ApiError::LoginChallengeInvalid)?;
    let account =
        account_rows::find_by_id(conn, &row.account_id)?.ok_or(ApiError::LoginChallengeInvalid)?;
    Ok((row, account))
}

/// Sends a held sign-in's code again, by the same or another channel.
pub async fn resend(
    state: &AppState,
    challenge_id: &str,
    method: Option<VerificationMethod>,
) -> ApiResult<LoginChallenge> {
    let token = challenge_id.trim().to_owned();
    let (row, account, factors, phones) = state
        .db
        .run(move |conn| {
            let (row, account) = open_challenge(conn, &token, now())?;
            let factors = factors_of(conn, &account)?;
            let phones = Phones::load(conn, &account, &factors)?;
            Ok((row, account, factors, phones))
        })
        .await?;
    let method = method
        .or_else(|| row.channel.as_deref().and_then(VerificationMethod::parse))
        .unwrap_or(VerificationMethod::Sms);
    let passkeys_only = factors.passkeys_only && row.purpose == purposes::LOGIN_TWO_FACTOR;
    let delivery = match (row.purpose.as_str(), method) {
        // The account takes passkeys only: no code is sent.
        _ if passkeys_only => None,
        // Asked for by SMS: to the phone even when the filter blocks it, so
        // the refusal (codes::send) says why rather than "unavailable".
        (purposes::LOGIN_TWO_FACTOR, VerificationMethod::Sms) => {
            let phones = Phones {
                two_factor: factors.sms_phone.clone(),
                ..Phones::default()
            };
            default_delivery(&account, &phones, &row.purpose)
        }
        (purposes::LOGIN_NEW_DEVICE, VerificationMethod::Sms) if account.phone.is_some() => {
            Some(new_device_delivery(&account, true))
        }
        (purposes::LOGIN_NEW_DEVICE, VerificationMethod::Email) => {
            Some(new_device_delivery(&account, false))
        }
        _ => None,
    }
    .ok_or_else(|| {
        ApiError::field(
            "method",
            portcullis_shared::validate::codes::METHOD_UNAVAILABLE,
            "No code can be sent that way for this sign-in.",
        )
    })?;
    let mut row = row;
    codes::send_for(state, &mut row, delivery).await?;
    let token =
        ChallengeToken::parse(challenge_id.trim()).ok_or(ApiError::LoginChallengeInvalid)?;
    Ok(challenge(&token, &row, &factors, &phones))
}

/// What the client typed to complete a held sign-in.
#[derive(Debug)]
pub struct Completion {
    pub challenge_id: String,
    pub method: VerificationMethod,
    pub code: String,
    pub trust_device: bool,
}

/// The result of checking the code inside the transaction.
enum Verdict {
    Right { recovery_code_used: bool },
    Wrong(ApiError, Option<NewLock>),
}

/// Step 3's end: checks the code and, when it is right, opens the session.
pub async fn complete(
    state: &AppState,
    completion: Completion,
    client: ClientContext,
    device: &DeviceToken,
) -> ApiResult<PortalSession> {
    let Completion {
        challenge_id,
        method,
        code,
        trust_device,
    } = completion;
    // Parse before touching storage: a malformed code changes nothing.
    let typed = TypedCode::parse(method, &code)?;
    let kek = state.kek.clone();
    let check: HeldCheck = std::sync::Arc::new(
        move |conn: &mut DbConnection,
              row: &VerificationRow,
              account: &AccountRow,
              at: NaiveDateTime| {
            // Passkeys only: no code completes it (nothing is counted).
            if row.purpose == purposes::LOGIN_TWO_FACTOR && factors_of(conn, account)?.passkeys_only
            {
                return Err(unavailable());
            }
            check_typed(conn, &kek, row, account, &typed, at)
        },
    );
    let held = HeldProof {
        challenge_id,
        method,
        trust_device,
        check,
    };
    complete_held(state, held, client, device).await
}

/// Checks the proof given for a held sign-in inside the transaction that
/// counted the guess: `Ok(Ok(recovery_code_used))` when right,
/// `Ok(Err(refusal))` when wrong (counted, and committed with whatever the
/// check used up); `Err` rolls everything back (a malformed proof).
pub(in crate::services) type HeldCheck = std::sync::Arc<
    dyn Fn(
            &mut DbConnection,
            &VerificationRow,
            &AccountRow,
            NaiveDateTime,
        ) -> ApiResult<Result<bool, ApiError>>
        + Send
        + Sync,
>;

/// A proof for a held sign-in: a code ([`complete`]) or a passkey.
pub(in crate::services) struct HeldProof {
    pub challenge_id: String,
    pub method: VerificationMethod,
    pub trust_device: bool,
    pub check: HeldCheck,
}

/// Completes a held sign-in with `held`'s proof, counted like a password
/// guess; when it is right, opens the session.
pub(in crate::services) async fn complete_held(
    state: &AppState,
    held: HeldProof,
    client: ClientContext,
    device: &DeviceToken,
) -> ApiResult<PortalSession> {
    let HeldProof {
        challenge_id,
        method,
        trust_device,
        check,
    } = held;
    let (row, account, verdict) = in_turn(state, None, || {
        let (challenge_id, check, verdict_client) =
            (challenge_id.clone(), check.clone(), client.clone());
        move |conn: &mut DbConnection| {
            let at = now();
            let (row, account) = open_challenge(conn, &challenge_id, at)?;
            let keys = ThrottleKeys::new(&account.email_normalized, verdict_client.ip);
            // The guess is counted (and the counters locked) before the code
            // is checked; the row is read again under that lock, so parallel
            // guesses are checked one after another against fresh counts.
            let reservation = match reserve_guess(conn, &keys, at)? {
                Ok(reservation) => reservation,
                Err(refusal) => {
                    security_log::record(
                        conn,
                        &login_failed(&account.id, &verdict_client, reasons::LOCKED),
                    )?;
                    return Ok((row, account, Verdict::Wrong(refusal, None)));
                }
            };
            let (row, account) = open_challenge(conn, &challenge_id, at)?;
            let verdict = match check(conn, &row, &account, at)? {
                Ok(recovery_code_used) => {
                    if !code_rows::consume(conn, &row.id, at)? {
                        return Err(ApiError::LoginChallengeInvalid);
                    }
                    throttle::release(conn, &reservation)?;
                    Verdict::Right { recovery_code_used }
                }
                Err(refusal) => {
                    let reason = if row.purpose == purposes::LOGIN_TWO_FACTOR {
                        reasons::SECOND_FACTOR_FAILED
                    } else {
                        reasons::NEW_DEVICE_FAILED
                    };
                    let failed = login_failed(&account.id, &verdict_client, reason)
                        .detail("method", method.as_str());
                    let lock = settle_failure(
                        conn,
                        &reservation,
                        Some(&account.id),
                        &verdict_client,
                        Some(failed),
                    )?;
                    Verdict::Wrong(refusal, lock)
                }
            };
            Ok((row, account, verdict))
        }
    })
    .await?;
    // The guess was settled in that transaction (unless the lock refused it).
    state
        .guess_queue
        .settled(ThrottleKeys::new(&account.email_normalized, client.ip).email_key());
    let recovery_code_used = match verdict {
        Verdict::Right { recovery_code_used } => recovery_code_used,
        Verdict::Wrong(refusal, lock) => {
            if let Some(lock) = lock.filter(|l| l.scope == throttle::LockScope::Email) {
                notify_lock(state, &account, lock, &client).await;
            }
            return Err(refusal);
        }
    };
    let device_hash = device.storage_id();
    // The held sign-in remembers the browser that started it.
    let same_browser = row.device_hash.as_deref() == Some(device_hash.as_str());
    let was_trusted = {
        let (account_id, device_hash) = (account.id.clone(), device_hash.clone());
        state
            .db
            .run(move |conn| Ok(devices::is_trusted(conn, &account_id, &device_hash)?))
            .await?
    };
    let guess = Guess::Settled(ThrottleKeys::new(&account.email_normalized, client.ip));
    let trust = (trust_device && same_browser).then_some(device_hash);
    let how = Completed {
        method: Some(method),
        new_device: !was_trusted,
        recovery_code_used,
        passwordless: false,
    };
    finish(state, account, guess, client, trust, how).await
}

/// How a sign-in was completed, for the log and the new-device e-mail.
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::services) struct Completed {
    pub method: Option<VerificationMethod>,
    pub new_device: bool,
    pub recovery_code_used: bool,
    /// Signed in with a passkey and no password.
    pub passwordless: bool,
}

/// A code as typed, parsed for its method.
enum TypedCode {
    /// A code sent by this channel (`sms` or `email`).
    Sent(VerificationMethod, OneTimeCode),
    Totp(OneTimeCode),
    Recovery(RecoveryCode),
}

impl TypedCode {
    fn parse(method: VerificationMethod, code: &str) -> ApiResult<Self> {
        let parsed = match method {
            VerificationMethod::Sms | VerificationMethod::Email => {
                OneTimeCode::parse("code", code).map(|c| Self::Sent(method, c))
            }
            VerificationMethod::Totp => OneTimeCode::parse("code", code).map(Self::Totp),
            VerificationMethod::RecoveryCode => {
                RecoveryCode::parse("code", code).map(Self::Recovery)
            }
            // A passkey has no code: POST /api/v1/auth/login/passkey/finish.
            VerificationMethod::Passkey => return Err(unavailable()),
        };
        parsed.map_err(|e| ApiError::Validation(vec![e]))
    }
}

/// Checks the typed code for this held sign-in. `Ok(Ok(recovery_used))` when
/// right; `Ok(Err(refusal))` when wrong (counted, to be committed).
fn check_typed(
    conn: &mut DbConnection,
    kek: &crate::domain::Kek,
    row: &VerificationRow,
    account: &AccountRow,
    typed: &TypedCode,
    at: NaiveDateTime,
) -> ApiResult<Result<bool, ApiError>> {
    let two_factor = row.purpose == purposes::LOGIN_TWO_FACTOR;
    match typed {
        TypedCode::Sent(channel, code) => {
            // The code must be typed for the channel it was sent by (so an
            // e-mail code can never stand in for an SMS second factor).
            if row.channel.as_deref() != Some(channel.as_str()) {
                return Err(unavailable());
            }
            Ok(match codes::check(conn, row, code, at)? {
                Check::Right => Ok(false),
                Check::Wrong { attempts_left } => Err(codes::wrong_code(attempts_left)),
            })
        }
        TypedCode::Totp(code) if two_factor => {
            codes::ensure_tries_left(row)?;
            match two_factor::check_totp(conn, kek, &account.id, code, at)? {
                Some(true) => Ok(Ok(false)),
                Some(false) => Ok(Err(codes::wrong_code(codes::count_wrong(conn, row)?))),
                None => Err(unavailable()),
            }
        }
        TypedCode::Recovery(code) if two_factor => {
            codes::ensure_tries_left(row)?;
            if two_factor::use_recovery_code(conn, &account.id, code, at)? {
                Ok(Ok(true))
            } else {
                Ok(Err(codes::wrong_code(codes::count_wrong(conn, row)?)))
            }
        }
        _ => Err(unavailable()),
    }
}

fn unavailable() -> ApiError {
    ApiError::field(
        "method",
        portcullis_shared::validate::codes::METHOD_UNAVAILABLE,
        "This sign-in cannot be completed that way.",
    )
}

/// The guess of a sign-in that [`finish`] completes.
pub(in crate::services) enum Guess {
    /// Settled already (a held sign-in's code, checked in the transaction
    /// that counted it): only the e-mail's failures are left to clear.
    Settled(ThrottleKeys),
    /// Still reserved (a right password or passkey, [`admit`]ted): given
    /// back in the transaction that opens the session, so a sign-in writes
    /// the throttle once after its check, not in a transaction of its own
    /// and again in the session's.
    Reserved(Reservation),
}

/// Step 4: settles the guess and clears the e-mail's failures, trusts the
/// device if asked, opens the session; then tells the owner about a sign-in
/// from a new device.
pub(in crate::services) async fn finish(
    state: &AppState,
    account: AccountRow,
    guess: Guess,
    client: ClientContext,
    trust_device_hash: Option<String>,
    how: Completed,
) -> ApiResult<PortalSession> {
    let config = state.config.clone();
    let (session_account, session_client) = (account.clone(), client.clone());
    let reserved = match &guess {
        Guess::Reserved(reservation) => Some(reservation.clone()),
        Guess::Settled(_) => None,
    };
    let opened = state
        .db
        .transaction(move |conn| {
            // The throttle's rows first, as every sign-in locks them (see
            // [`settle_failure`]).
            match &guess {
                Guess::Settled(keys) => throttle::record_success(conn, keys)?,
                Guess::Reserved(reservation) => throttle::release_signed_in(conn, reservation)?,
            }
            let actor = Actor::Account(session_account.id.clone());
            if let Some(hash) = trust_device_hash.as_deref() {
                if devices::trust(conn, &session_account, hash, &session_client)? {
                    security_log::record(
                        conn,
                        &SecurityEvent::new(
                            &session_account.id,
                            actor.clone(),
                            SecurityEventKind::DeviceTrusted,
                        )
                        .from_client(&session_client),
                    )?;
                }
            }
            if how.recovery_code_used {
                security_log::record(
                    conn,
                    &SecurityEvent::new(
                        &session_account.id,
                        actor.clone(),
                        SecurityEventKind::RecoveryCodeUsed,
                    )
                    .from_client(&session_client),
                )?;
            }
            let mut event = SecurityEvent::new(
                &session_account.id,
                actor,
                SecurityEventKind::LoginSucceeded,
            )
            .from_client(&session_client)
            .detail("new_device", how.new_device.to_string());
            if let Some(method) = how.method {
                event = event.detail("method", method.as_str());
            }
            if how.passwordless {
                event = event.detail("passwordless", "true");
            }
            let opened = portal_session::start_session(
                conn,
                &config,
                &session_account,
                &session_client,
                event,
            )?;
            Ok((opened, PortalSession::load_access(conn, &session_account)?))
        })
        .await;
    if let Some(reservation) = reserved {
        match &opened {
            Ok(_) => state.guess_queue.settled(reservation.email_key()),
            // Rolled back with the session: given back on its own.
            Err(_) => give_back(state, reservation).await,
        }
    }
    let ((token, session), access) = opened?;
    if how.new_device {
        devices::notify_new_device_sign_in(state, &account, &client).await;
    }
    Ok(PortalSession::new(token, session, account, access))
}
