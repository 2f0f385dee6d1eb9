//! Codes sent to a person to prove something: a held sign-in (two-factor or
//! new-device), an SMS two-factor set-up, or a security change. Each lives in
//! a `verification_codes` row: at most [`MAX_SENDS`] sends, [`RESEND_SECS`]
//! apart; a code works [`CODE_TTL_MINUTES`] after it was sent, once, with at
//! most [`MAX_ATTEMPTS`] wrong tries. Only salted hashes of codes are stored.

use chrono::{Duration, NaiveDateTime};
use portcullis_shared::validate::codes;
use portcullis_shared::vocabulary::{Language, SecurityEventKind, VerificationMethod};

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    delivery::{
        i18n::{self, CodeText},
        Sms,
    },
    now,
    sessions::portal_session::ClientContext,
    sms::budget::{self, Admission, SystemText},
    AppState,
};
use crate::{
    db::{
        login_preferences as preference_rows,
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
        code_salt: None,
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
    /// What the code confirms: the words of the text (and of an e-mail's
    /// subject), in the language of the row's login.
    pub text: CodeText,
    /// Where a text's code may go by e-mail instead while texts to its
    /// country are paused; `None` when e-mail cannot stand in (a second factor).
    pub fallback_email: Option<String>,
}

/// What storing a code for sending decided.
enum Stored {
    /// Stored at this time; send it in the login's language.
    Sent(NaiveDateTime, Language),
    /// Texts to the destination's country are paused; nothing stored.
    Paused {
        calling_code: String,
        retry_after_secs: u64,
    },
}

/// Sends a fresh code for the row `row_id`, within the send limits. The code
/// is stored before it goes out; a failed delivery is reported as such.
pub async fn send(state: &AppState, row_id: &str, delivery: Delivery) -> ApiResult<NaiveDateTime> {
    Ok(deliver(state, row_id, delivery).await?.0)
}

/// [`send`], answering also how the code actually went: a text held by the
/// country circuit breaker goes by its fallback e-mail.
async fn deliver(
    state: &AppState,
    row_id: &str,
    delivery: Delivery,
) -> ApiResult<(NaiveDateTime, Delivery)> {
    let mut delivery = delivery;
    loop {
        let code = OneTimeCode::generate();
        let (id, stored, config) = (row_id.to_owned(), delivery.clone(), state.config.clone());
        let code_for_row = code.clone();
        let outcome = state
            .db
            .transaction(move |conn| {
                let row = code_rows::find(conn, &id)?.ok_or(ApiError::LoginChallengeInvalid)?;
                let at = now();
                if row.consumed_at.is_some() || at >= row.expires_at {
                    return Err(ApiError::LoginChallengeInvalid);
                }
                // Codes obey the country filter like any SMS, whoever asks for them.
                if stored.method == VerificationMethod::Sms
                    && !crate::services::sms::messages::may_text(
                        conn,
                        &row.account_id,
                        &stored.destination,
                    )?
                {
                    return Err(crate::services::sms::messages::text_blocked("method"));
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
                if stored.method != VerificationMethod::Email {
                    let text = SystemText {
                        account_id: &row.account_id,
                        destination: &stored.destination,
                        address: &row.ip,
                    };
                    if let Admission::Paused {
                        calling_code,
                        retry_after_secs,
                    } = budget::admit(conn, &config.sms_budget, &text, at)?
                    {
                        return Ok(Stored::Paused {
                            calling_code,
                            retry_after_secs,
                        });
                    }
                }
                code_rows::record_send(
                    conn,
                    &id,
                    stored.method.as_str(),
                    &stored.destination,
                    &code_for_row.hash(salt(&row)),
                    at,
                )?;
                let language = preference_rows::language(conn, &row.account_id)?;
                Ok(Stored::Sent(at, language))
            })
            .await;
        let (sent_at, language) = match outcome {
            Ok(Stored::Sent(at, language)) => (at, language),
            Ok(Stored::Paused {
                calling_code,
                retry_after_secs,
            }) => {
                let fallback = delivery.fallback_email.take();
                let how = if fallback.is_some() { "email" } else { "none" };
                budget::alert_paused(state, &calling_code, delivery.purpose, how);
                let detail_code = calling_code.clone();
                record_refusal(
                    state,
                    row_id,
                    delivery.purpose,
                    SecurityEventKind::SmsCountryPaused,
                    move |event| {
                        event
                            .detail("calling_code", detail_code)
                            .detail("fallback", how)
                    },
                )
                .await;
                let Some(email) = fallback else {
                    return Err(ApiError::SmsCountryPaused {
                        calling_code,
                        retry_after_secs,
                    });
                };
                delivery = Delivery {
                    method: VerificationMethod::Email,
                    destination: email,
                    fallback_email: None,
                    ..delivery
                };
                continue;
            }
            Err(ApiError::SmsBudgetExhausted {
                scope,
                retry_after_secs,
            }) => {
                record_refusal(
                    state,
                    row_id,
                    delivery.purpose,
                    SecurityEventKind::SmsBudgetExhausted,
                    move |event| event.detail("scope", scope),
                )
                .await;
                return Err(ApiError::SmsBudgetExhausted {
                    scope,
                    retry_after_secs,
                });
            }
            Err(other) => return Err(other),
        };
        let words = i18n::code(language, delivery.text, code.expose(), CODE_TTL_MINUTES);
        match delivery.method {
            VerificationMethod::Email => {
                state
                    .mailer
                    .send(&words.mail(delivery.destination.clone(), delivery.purpose))
                    .await?
            }
            _ => {
                state
                    .sms
                    .send(&Sms {
                        id: None,
                        to: delivery.destination.clone(),
                        body: words.body,
                        purpose: delivery.purpose.to_owned(),
                    })
                    .await?
            }
        }
        return Ok((sent_at, delivery));
    }
}

/// Records in the security log of the row's login why a code text did not go
/// out as asked. Best effort: the refusal stands whether or not it is logged.
async fn record_refusal(
    state: &AppState,
    row_id: &str,
    purpose: &'static str,
    kind: SecurityEventKind,
    details: impl FnOnce(SecurityEvent) -> SecurityEvent + Send + 'static,
) {
    let id = row_id.to_owned();
    let recorded = state
        .db
        .transaction(move |conn| {
            let Some(row) = code_rows::find(conn, &id)? else {
                return Ok(());
            };
            let event = SecurityEvent::new(&row.account_id, Actor::System, kind)
                .from_address(&row.ip, &row.user_agent)
                .detail("purpose", purpose);
            Ok(security_log::record(conn, &details(event))?)
        })
        .await;
    if let Err(error) = recorded {
        tracing::warn!(%error, kind = kind.as_str(), "SMS refusal not recorded");
    }
}

/// [`send`]s a code for `row` and notes on it where and when it went (by
/// e-mail instead of a text when the text was held and e-mail may stand in).
pub async fn send_for(
    state: &AppState,
    row: &mut VerificationRow,
    delivery: Delivery,
) -> ApiResult<()> {
    let (sent_at, delivered) = deliver(state, &row.id, delivery).await?;
    row.last_sent_at = Some(sent_at);
    row.channel = Some(delivered.method.as_str().to_owned());
    row.destination = Some(delivered.destination);
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
    if code.matches(salt(row), hash) {
        return Ok(Check::Right);
    }
    Ok(Check::Wrong {
        attempts_left: count_wrong(conn, row)?,
    })
}

/// What the row's code is hashed with.
fn salt(row: &VerificationRow) -> &str {
    row.code_salt.as_deref().unwrap_or(&row.id)
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
