//! Codes sent to a person to prove something: a held sign-in (two-factor or
//! new-device), an SMS two-factor set-up, or a security change. Each lives in
//! a `verification_codes` row: at most [`MAX_SENDS`] sends, [`RESEND_SECS`]
//! apart; a code works [`CODE_TTL_MINUTES`] after it was sent, once, with at
//! most [`MAX_ATTEMPTS`] wrong tries. Only salted hashes of codes are stored.

use chrono::{Duration, NaiveDateTime};
use portcullis_shared::{dto::VerificationMethod, validate::codes};

use super::{
    delivery::{Mail, Sms},
    now,
    sessions::ClientContext,
    AppState,
};
use crate::{
    db::{
        verification_codes::{self as code_rows, VerificationRow},
        DbConnection,
    },
    domain::{ChallengeToken, OneTimeCode},
    error::{ApiError, ApiResult},
};

pub const CODE_TTL_MINUTES: i64 = 5;
pub const MAX_ATTEMPTS: i64 = 5;
pub const MAX_SENDS: i64 = 5;
pub const RESEND_SECS: i64 = 30;
/// How long a held sign-in or a set-up may take in all.
pub const FLOW_TTL_MINUTES: i64 = 15;
const USER_AGENT_MAX_CHARS: usize = 512;

/// `verification_codes.purpose` values.
pub mod purposes {
    pub const LOGIN_TWO_FACTOR: &str = "login_two_factor";
    pub const LOGIN_NEW_DEVICE: &str = "login_new_device";
    pub const SETUP_SMS: &str = "setup_sms";
    pub const STEP_UP: &str = "step_up";
}

/// A new row for `purpose`; stored by the caller. Returns the handle the
/// client continues with (only its hash is the row id).
pub fn new_row(
    account_id: &str,
    purpose: &str,
    client: &ClientContext,
    device_hash: Option<String>,
) -> (ChallengeToken, VerificationRow) {
    let token = ChallengeToken::generate();
    let at = now();
    let row = VerificationRow {
        id: token.storage_id(),
        account_id: account_id.to_owned(),
        purpose: purpose.to_owned(),
        channel: None,
        destination: None,
        code_hash: None,
        attempts: 0,
        sends: 0,
        device_hash,
        ip: client.ip.to_string(),
        user_agent: client
            .user_agent
            .chars()
            .take(USER_AGENT_MAX_CHARS)
            .collect(),
        created_at: at,
        last_sent_at: None,
        expires_at: at + Duration::minutes(FLOW_TTL_MINUTES),
        consumed_at: None,
    };
    (token, row)
}

/// Where and how a code goes.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub method: VerificationMethod,
    /// E.164 phone or e-mail address.
    pub destination: String,
    /// Why, for the outbox and logs (e.g. `login_code`).
    pub purpose: &'static str,
    /// The message; `{code}` is replaced by the code.
    pub text: &'static str,
    /// E-mail subject.
    pub subject: &'static str,
}

/// Sends a fresh code for the row `row_id`, within the send limits. The code
/// is stored before it goes out; a failed delivery is reported as such.
pub async fn send(state: &AppState, row_id: &str, delivery: Delivery) -> ApiResult<NaiveDateTime> {
    let code = OneTimeCode::generate();
    let (id, stored) = (row_id.to_owned(), delivery.clone());
    let code_hash = code.hash(row_id);
    let sent_at = state
        .db
        .transaction(move |conn| {
            let row = code_rows::find(conn, &id)?.ok_or(ApiError::LoginChallengeInvalid)?;
            let at = now();
            if row.consumed_at.is_some() || at >= row.expires_at {
                return Err(ApiError::LoginChallengeInvalid);
            }
            // Codes obey the country filter like any SMS, whoever asks for them.
            if stored.method == VerificationMethod::Sms
                && !super::sms::may_text(conn, &row.account_id, &stored.destination)?
            {
                return Err(super::sms::text_blocked("method"));
            }
            if row.sends >= MAX_SENDS {
                return Err(ApiError::RateLimited {
                    retry_after_secs: u64::try_from((row.expires_at - at).num_seconds().max(1))
                        .unwrap_or(1),
                });
            }
            if let Some(last) = row.last_sent_at {
                let wait = last + Duration::seconds(RESEND_SECS) - at;
                if wait > Duration::zero() {
                    return Err(ApiError::RateLimited {
                        retry_after_secs: u64::try_from(wait.num_seconds().max(1)).unwrap_or(1),
                    });
                }
            }
            code_rows::record_send(
                conn,
                &id,
                stored.method.as_str(),
                &stored.destination,
                &code_hash,
                at,
            )?;
            Ok(at)
        })
        .await?;
    let body = delivery.text.replace("{code}", code.expose());
    match delivery.method {
        VerificationMethod::Email => {
            state
                .mailer
                .send(&Mail {
                    to: delivery.destination,
                    subject: delivery.subject.to_owned(),
                    body,
                    purpose: delivery.purpose.to_owned(),
                })
                .await?
        }
        _ => {
            state
                .sms
                .send(&Sms {
                    id: None,
                    to: delivery.destination,
                    body,
                    purpose: delivery.purpose.to_owned(),
                })
                .await?
        }
    }
    Ok(sent_at)
}

/// [`send`]s a code for `row` and notes on it where and when it went.
pub async fn send_for(
    state: &AppState,
    row: &mut VerificationRow,
    delivery: Delivery,
) -> ApiResult<()> {
    row.last_sent_at = Some(send(state, &row.id, delivery.clone()).await?);
    row.channel = Some(delivery.method.as_str().to_owned());
    row.destination = Some(delivery.destination);
    Ok(())
}

/// The outcome of checking a typed code against a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Right,
    /// Wrong; the attempt was counted (commit it), this many are left.
    Wrong {
        attempts_left: i64,
    },
}

/// Checks `code` against the row's last sent code. Expired, used-up and
/// never-sent codes are refused as errors (nothing to store); a wrong code is
/// counted on the row and answered as [`Check::Wrong`], so the caller must
/// commit before refusing.
pub fn check(
    conn: &mut DbConnection,
    row: &VerificationRow,
    code: &OneTimeCode,
    at: NaiveDateTime,
) -> ApiResult<Check> {
    let (Some(hash), Some(sent_at)) = (row.code_hash.as_deref(), row.last_sent_at) else {
        return Err(ApiError::field(
            "code",
            codes::NO_CODE_SENT,
            "No code has been sent yet; ask for one first.",
        ));
    };
    if row.consumed_at.is_some() {
        return Err(ApiError::CodeUsed);
    }
    if at >= sent_at + Duration::minutes(CODE_TTL_MINUTES) || at >= row.expires_at {
        return Err(ApiError::CodeExpired);
    }
    ensure_tries_left(row)?;
    if code.matches(&row.id, hash) {
        return Ok(Check::Right);
    }
    Ok(Check::Wrong {
        attempts_left: count_wrong(conn, row)?,
    })
}

/// Refuses once the row's wrong tries are used up.
pub fn ensure_tries_left(row: &VerificationRow) -> ApiResult<()> {
    if row.attempts >= MAX_ATTEMPTS {
        return Err(ApiError::CodeLocked);
    }
    Ok(())
}

/// Counts a wrong code against the row (also for codes checked elsewhere,
/// e.g. an authenticator app's); returns the tries left. The caller must
/// commit before refusing.
pub fn count_wrong(conn: &mut DbConnection, row: &VerificationRow) -> ApiResult<i64> {
    code_rows::record_failed_attempt(conn, &row.id)?;
    Ok(MAX_ATTEMPTS - row.attempts - 1)
}

/// The refusal of a wrong code, naming the `code` field.
pub fn wrong_code(attempts_left: i64) -> ApiError {
    let message = match attempts_left {
        0 => "The code is not correct, and that was the last try: ask for a new code.".to_owned(),
        1 => "The code is not correct; 1 try left.".to_owned(),
        n => format!("The code is not correct; {n} tries left."),
    };
    ApiError::field("code", codes::INCORRECT, &message)
}

/// `+48500100200` → `+48*****200`: enough to recognise, not to dial.
pub fn mask_phone(e164: &str) -> String {
    let chars: Vec<char> = e164.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let (head, rest) = chars.split_at(3);
    let (middle, tail) = rest.split_at(rest.len() - 3);
    format!(
        "{}{}{}",
        head.iter().collect::<String>(),
        "*".repeat(middle.len()),
        tail.iter().collect::<String>()
    )
}

/// `owner@example.com` → `o****@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}****@{domain}")
        }
        None => "****".into(),
    }
}

/// The masked form of a destination for `method`.
pub fn mask(method: VerificationMethod, destination: &str) -> String {
    match method {
        VerificationMethod::Email => mask_email(destination),
        _ => mask_phone(destination),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_masked() {
        assert_eq!(mask_phone("+48500100200"), "+48******200");
        assert_eq!(mask_email("owner@example.com"), "o****@example.com");
        assert_eq!(mask_phone("+1234"), "*****");
    }

    #[test]
    fn wrong_codes_say_how_many_tries_are_left() {
        let problem = wrong_code(1).to_problem();
        assert_eq!(problem.errors[0].field, "code");
        assert_eq!(problem.errors[0].code, codes::INCORRECT);
        assert!(problem.errors[0].message.contains("1 try left"));
    }
}
