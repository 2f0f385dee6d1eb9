//! Signing in with a passkey: as the second step of a held sign-in (a method
//! beside SMS, app and recovery codes), or without a password (a discoverable
//! credential names its login).
//!
//! Both are counted like password guesses (a locked e-mail or address is
//! refused, a refused passkey counts towards the lock), and a passwordless
//! sign-in then passes the gate a password sign-in passes ([`login::admit`]:
//! disabled subusers, the portal allowlist, suspension). A passkey is a
//! device-bound proof, so it answers the new-device check too: no code is
//! asked, the owner is e-mailed about a new browser as with any sign-in, and
//! `trust_device` remembers the browser.

use std::sync::Arc;

use chrono::NaiveDateTime;
use portcullis_shared::vocabulary::VerificationMethod;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, PasskeyAuthentication, PublicKeyCredential,
};

use crate::services::{
    audit::security_log,
    now,
    passkeys::{
        base64_url, credential, parse_answer, parse_ceremony, record_assertion, refusal,
        relying_party, store_ceremony, take_ceremony, CeremonyStarted,
    },
    sessions::codes::purposes,
    sessions::devices,
    sessions::login::{self, Completed, HeldCheck, HeldProof},
    sessions::portal_session::{ClientContext, PortalSession},
    sessions::throttle::{self, NewLock, Reservation, ThrottleKeys},
    AppState,
};
use crate::{
    db::{
        accounts::{self as account_rows, AccountRow},
        passkeys::{self as passkey_rows, ceremony_kinds, CeremonyRow},
        verification_codes::VerificationRow,
        DbConnection,
    },
    domain::DeviceToken,
    error::{ApiError, ApiResult},
};

fn no_passkey() -> ApiError {
    ApiError::field(
        "method",
        portcullis_shared::validate::codes::METHOD_UNAVAILABLE,
        "This sign-in cannot be completed with a passkey.",
    )
}

/// What finishing a sign-in with a passkey needs, as given.
#[derive(Debug, Clone)]
pub struct PasskeyAnswer {
    pub ceremony_id: String,
    pub credential: serde_json::Value,
    pub trust_device: bool,
}

/// Starts finishing a held two-factor sign-in with one of its login's passkeys.
pub async fn start_held(state: &AppState, challenge_id: &str) -> ApiResult<CeremonyStarted> {
    let rp = relying_party(&state.config.public_url)?;
    let token = challenge_id.trim().to_owned();
    let (row, account, rows) = state
        .db
        .run(move |conn| {
            let (row, account) = login::open_challenge(conn, &token, now())?;
            let rows = passkey_rows::for_account(conn, &account.id)?;
            Ok((row, account, rows))
        })
        .await?;
    if row.purpose != purposes::LOGIN_TWO_FACTOR || rows.is_empty() {
        return Err(no_passkey());
    }
    let passkeys = rows.iter().map(credential).collect::<ApiResult<Vec<_>>>()?;
    let (options, authentication) = rp
        .start_passkey_authentication(&passkeys)
        .map_err(ApiError::internal)?;
    store_ceremony(
        state,
        ceremony_kinds::SECOND_FACTOR,
        Some(account.id),
        Some(row.id),
        &authentication,
        &options,
    )
    .await
}

/// Finishes a held sign-in with the authenticator's answer, checked in the
/// held sign-in's counted transaction ([`login::complete_held`]).
pub async fn finish_held(
    state: &AppState,
    challenge_id: String,
    answer: PasskeyAnswer,
    client: ClientContext,
    device: &DeviceToken,
) -> ApiResult<PortalSession> {
    // Parsed before touching storage: a malformed answer changes nothing.
    let credential_answer: Arc<PublicKeyCredential> = Arc::new(parse_answer(answer.credential)?);
    let token = parse_ceremony(&answer.ceremony_id)?;
    let rp = Arc::new(relying_party(&state.config.public_url)?);
    let check: HeldCheck = Arc::new(
        move |conn: &mut DbConnection,
              row: &VerificationRow,
              account: &AccountRow,
              at: NaiveDateTime| {
            let (ceremony, authentication): (CeremonyRow, PasskeyAuthentication) = take_ceremony(
                conn,
                &token,
                ceremony_kinds::SECOND_FACTOR,
                Some(&account.id),
                at,
            )?;
            if ceremony.challenge_id.as_deref() != Some(row.id.as_str()) {
                return Err(ApiError::PasskeyCeremonyInvalid);
            }
            let result = match rp.finish_passkey_authentication(&credential_answer, &authentication)
            {
                Ok(result) => result,
                Err(error) => return refused(refusal(error)),
            };
            let used = base64_url(result.cred_id().as_ref());
            let Some(passkey) = passkey_rows::find_by_credential_id(conn, &used)?
                .filter(|passkey| passkey.account_id == account.id)
            else {
                return Ok(Err(ApiError::PasskeyRefused("unknown_passkey")));
            };
            Ok(record_assertion(conn, &passkey, &result, at)?.map(|()| false))
        },
    );
    let held = HeldProof {
        challenge_id,
        method: VerificationMethod::Passkey,
        trust_device: answer.trust_device,
        check,
    };
    login::complete_held(state, held, client, device).await
}

/// A refusal inside a check: a malformed answer rolls back (`Err`), any other
/// is counted and committed (`Ok(Err)`).
fn refused<T>(refusal: ApiError) -> ApiResult<Result<T, ApiError>> {
    match refusal {
        ApiError::Validation(_) => Err(refusal),
        refusal => Ok(Err(refusal)),
    }
}

/// Starts a sign-in without a password: the browser offers the passkeys it
/// holds for this site (discoverable credentials), and the one chosen names
/// its login. At most [`throttle::PASSKEY_STARTS_PER_ADDRESS_PER_HOUR`] per
/// source address (each stores a ceremony), then `429 rate_limited`.
pub async fn start_passwordless(
    state: &AppState,
    client: &ClientContext,
) -> ApiResult<CeremonyStarted> {
    let rp = relying_party(&state.config.public_url)?;
    let ip = client.ip;
    let within_limit = state
        .db
        .transaction(move |conn| Ok(throttle::count_passkey_start(conn, ip, now())?))
        .await?;
    if !within_limit {
        tracing::info!(%ip, "passwordless passkey sign-ins started too often from one address");
        return Err(ApiError::RateLimited {
            retry_after_secs: 60,
        });
    }
    let (mut options, authentication) = rp
        .start_discoverable_authentication()
        .map_err(ApiError::internal)?;
    // Started by a button, not by autofill: the browser asks at once.
    options.mediation = None;
    store_ceremony(
        state,
        ceremony_kinds::PASSWORDLESS,
        None,
        None,
        &authentication,
        &options,
    )
    .await
}

/// How a passwordless answer was judged inside its transaction.
enum Judged {
    /// No passkey with that id and user handle (the ceremony is used up).
    Unknown,
    /// Refused (counted), with the lock it started.
    Refused(ApiError, Option<(AccountRow, NewLock)>),
    /// Verified: the login, and the guess still reserved for [`login::admit`].
    Right(AccountRow, Reservation),
}

/// Finishes a sign-in without a password: verifies the answer against the
/// passkey it names, then passes the same gate as a password sign-in.
pub async fn finish_passwordless(
    state: &AppState,
    answer: PasskeyAnswer,
    client: ClientContext,
    device: &DeviceToken,
) -> ApiResult<PortalSession> {
    let PasskeyAnswer {
        ceremony_id,
        credential: answer_json,
        trust_device,
    } = answer;
    let credential_answer: Arc<PublicKeyCredential> = Arc::new(parse_answer(answer_json)?);
    let token = parse_ceremony(&ceremony_id)?;
    let rp = Arc::new(relying_party(&state.config.public_url)?);
    let (user_handle, credential_id) = rp
        .identify_discoverable_authentication(&credential_answer)
        .map(|(handle, id)| (handle.to_string(), base64_url(id)))
        .map_err(|_| {
            ApiError::field(
                "credential",
                portcullis_shared::validate::codes::INVALID_PASSKEY_RESPONSE,
                "The answer has no `response.userHandle`: sign in with a passkey saved for this site.",
            )
        })?;
    let judged = login::in_turn(state, None, || {
        let (token, rp, credential_answer, user_handle, credential_id, client) = (
            token.clone(),
            rp.clone(),
            credential_answer.clone(),
            user_handle.clone(),
            credential_id.clone(),
            client.clone(),
        );
        move |conn: &mut DbConnection| {
            judge_passwordless(
                conn,
                &rp,
                &token,
                &credential_answer,
                (&user_handle, &credential_id),
                &client,
            )
        }
    })
    .await?;
    let (account, reservation) = match judged {
        Judged::Right(account, reservation) => (account, reservation),
        Judged::Unknown => {
            tracing::info!(ip = %client.ip, "passwordless sign-in with an unknown passkey refused");
            return Err(ApiError::PasskeyRefused("unknown_passkey"));
        }
        Judged::Refused(refusal, lock) => {
            if let Some((account, lock)) =
                lock.filter(|(_, l)| l.scope == throttle::LockScope::Email)
            {
                login::notify_lock(state, &account, lock, &client).await;
            }
            return Err(refusal);
        }
    };
    let reservation = login::admit(state, &account, reservation, &client).await?;
    let device_hash = device.storage_id();
    let was_trusted = {
        let (account_id, device_hash) = (account.id.clone(), device_hash.clone());
        let trusted = state
            .db
            .run(move |conn| Ok(devices::is_trusted(conn, &account_id, &device_hash)?));
        login::giving_back_on_error(state, &reservation, trusted).await?
    };
    let how = Completed {
        method: Some(VerificationMethod::Passkey),
        new_device: !was_trusted,
        recovery_code_used: false,
        passwordless: true,
    };
    login::finish(
        state,
        account,
        login::Guess::Reserved(reservation),
        client,
        trust_device.then_some(device_hash),
        how,
    )
    .await
}

/// The passwordless answer judged in one transaction: the ceremony used up,
/// the guess counted for the login the passkey names, the answer verified and
/// the passkey's counter moved on.
fn judge_passwordless(
    conn: &mut DbConnection,
    rp: &webauthn_rs::Webauthn,
    token: &crate::domain::CeremonyToken,
    answer: &PublicKeyCredential,
    (user_handle, credential_id): (&str, &str),
    client: &ClientContext,
) -> ApiResult<Judged> {
    let at = now();
    let (_, authentication): (_, DiscoverableAuthentication) =
        take_ceremony(conn, token, ceremony_kinds::PASSWORDLESS, None, at)?;
    let Some(passkey) = passkey_rows::find_by_credential_id(conn, credential_id)?
        .filter(|passkey| passkey.user_handle == user_handle)
    else {
        return Ok(Judged::Unknown);
    };
    let Some(account) = account_rows::find_by_id(conn, &passkey.account_id)? else {
        return Ok(Judged::Unknown);
    };
    let keys = ThrottleKeys::new(&account.email_normalized, client.ip);
    let reservation = match login::reserve_guess(conn, &keys, at)? {
        Ok(reservation) => reservation,
        Err(locked) => {
            security_log::record(
                conn,
                &login::login_failed(&account.id, client, login::reasons::LOCKED)
                    .detail("method", VerificationMethod::Passkey.as_str()),
            )?;
            return Ok(Judged::Refused(locked, None));
        }
    };
    let key = DiscoverableKey::from(&credential(&passkey)?);
    let refused_with = match rp.finish_discoverable_authentication(answer, authentication, &[key]) {
        Ok(result) => match record_assertion(conn, &passkey, &result, at)? {
            Ok(()) => return Ok(Judged::Right(account, reservation)),
            Err(refused_with) => refused_with,
        },
        Err(error) => match refusal(error) {
            malformed @ ApiError::Validation(_) => return Err(malformed),
            refused_with => refused_with,
        },
    };
    let reason = match &refused_with {
        ApiError::PasskeyRefused(reason) => *reason,
        _ => "invalid",
    };
    let refusal = login::login_failed(&account.id, client, login::reasons::PASSKEY_FAILED)
        .detail("method", VerificationMethod::Passkey.as_str())
        .detail("passkey_refusal", reason);
    let lock = login::settle_failure(conn, &reservation, Some(&account.id), client, Some(refusal))?;
    Ok(Judged::Refused(
        refused_with,
        lock.map(|lock| (account, lock)),
    ))
}
