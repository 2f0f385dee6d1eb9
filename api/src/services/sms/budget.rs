//! What the platform may text at its own cost. Every code it sends on its own
//! behalf (sign-in, new-device, set-up and step-up codes) is counted in
//! storage against four budgets — the account, the destination number, the
//! destination's calling code and the source address (IPv6 per /64) —, and a
//! text over any of them is refused. A surge of texts to one calling code well
//! above its usual rate trips a circuit breaker that holds further texts there
//! for a while. The SMS Authenticator API, where an integrator has us text its
//! own users, is held to per-number limits its account owner chooses.
//!
//! Counts change only by conditional updates inside the caller's transaction,
//! so they hold across processes and concurrent requests cannot overshoot.

use portcullis_shared::vocabulary::SecurityEventKind;
use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};
use portcullis_shared::{problem::FieldError, validate::codes};

use crate::services::{
    audit::security_log::{self, SecurityEvent},
    now,
    sessions::portal_session::ClientContext,
    AppState,
};
use crate::{
    config::{BreakerConfig, SmsBudgetConfig},
    db::{
        sms_budget::{self as budget_rows, AuthenticatorLimitsRow},
        DbConnection,
    },
    error::{ApiError, ApiResult},
};

/// A code text about to go out.
#[derive(Debug, Clone)]
pub struct SystemText<'a> {
    /// The login it is for.
    pub account_id: &'a str,
    /// E.164.
    pub destination: &'a str,
    /// The address of the request that set it off.
    pub address: &'a str,
}

/// The calling code of an E.164 number (`+48500100200` → `48`), the
/// "country" budgets and the breaker count by; numbers libphonenumber cannot
/// read fall back to their first three digits, so they are still grouped.
pub fn calling_code(e164: &str) -> String {
    phonenumber::parse(None, e164)
        .map(|number| number.code().value().to_string())
        .unwrap_or_else(|_| {
            e164.trim_start_matches('+')
                .chars()
                .take(3)
                .collect::<String>()
        })
}

/// The budget key of a source address: IPv6 per /64, the block one
/// subscriber usually holds.
fn address_key(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => format!(
            "address:{}",
            crate::services::sessions::throttle::ipv6_64(v6)
        ),
        Ok(IpAddr::V4(v4)) => format!("address:{v4}"),
        Err(_) => format!("address:{address}"),
    }
}

fn std_to_chrono(duration: std::time::Duration) -> Duration {
    Duration::seconds(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX / 1000))
}

fn secs_until(until: NaiveDateTime, at: NaiveDateTime) -> u64 {
    u64::try_from((until - at).num_seconds().max(1)).unwrap_or(1)
}

/// Counts the text against every budget, in one fixed (sorted) order so two
/// transactions never wait for each other's rows crosswise. A refusal is an
/// error: the caller's transaction must roll the other counts back.
fn charge_budgets(
    conn: &mut DbConnection,
    config: &SmsBudgetConfig,
    text: &SystemText<'_>,
    at: NaiveDateTime,
) -> ApiResult<()> {
    let mut budgets = [
        (
            format!("account:{}", text.account_id),
            config.per_account,
            "account",
        ),
        (
            format!("destination:{}", text.destination),
            config.per_destination,
            "destination",
        ),
        (
            format!("country:{}", calling_code(text.destination)),
            config.per_country,
            "country",
        ),
        (address_key(text.address), config.per_address, "address"),
    ];
    budgets.sort_by(|a, b| a.0.cmp(&b.0));
    let window = std_to_chrono(config.window);
    for (key, limit, scope) in budgets {
        if let Some(until) = budget_rows::try_charge(conn, &key, limit, window, at)? {
            return Err(ApiError::SmsBudgetExhausted {
                scope,
                retry_after_secs: secs_until(until, at),
            });
        }
    }
    Ok(())
}

/// Whether texts to `calling_code` surged: at least `min_count` in the last
/// window, and more than `factor` times the usual count per window over the
/// baseline before it.
fn surged(
    conn: &mut DbConnection,
    breaker: &BreakerConfig,
    calling_code: &str,
    at: NaiveDateTime,
) -> ApiResult<bool> {
    let window = std_to_chrono(breaker.window);
    let baseline = std_to_chrono(breaker.baseline);
    let recent = budget_rows::country_texts_between(
        conn,
        calling_code,
        at - window,
        at + Duration::seconds(1),
    )?;
    if recent < breaker.min_count {
        return Ok(false);
    }
    let before =
        budget_rows::country_texts_between(conn, calling_code, at - baseline, at - window)?;
    let windows_in_baseline =
        (baseline - window).num_seconds() as f64 / window.num_seconds() as f64;
    let usual = before as f64 / windows_in_baseline.max(1.0);
    Ok(recent as f64 > breaker.factor * usual)
}

/// The start of the breaker's counting bucket `at` falls in: a fifth of its window.
fn bucket_start(breaker: &BreakerConfig, at: NaiveDateTime) -> NaiveDateTime {
    let bucket = i64::try_from(breaker.window.as_secs() / 5)
        .unwrap_or(1)
        .max(1);
    let secs = at.and_utc().timestamp();
    chrono::DateTime::from_timestamp(secs - secs.rem_euclid(bucket), 0)
        .map_or(at, |start| start.naive_utc())
}

/// What [`admit`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Counted; send it.
    Send,
    /// Texts to this calling code are paused: nothing was counted.
    Paused {
        calling_code: String,
        retry_after_secs: u64,
    },
}

/// Inside the transaction that stores a code about to be texted: checks the
/// breaker, then counts the text against every budget. A budget refusal is an
/// [`ApiError::SmsBudgetExhausted`] (roll back); a pause changes nothing.
pub fn admit(
    conn: &mut DbConnection,
    config: &SmsBudgetConfig,
    text: &SystemText<'_>,
    at: NaiveDateTime,
) -> ApiResult<Admission> {
    let code = calling_code(text.destination);
    if let Some(breaker) = &config.breaker {
        if surged(conn, breaker, &code, at)? {
            return Ok(Admission::Paused {
                calling_code: code,
                retry_after_secs: (breaker.window.as_secs() / 5).max(1),
            });
        }
    }
    charge_budgets(conn, config, text, at)?;
    if let Some(breaker) = &config.breaker {
        budget_rows::record_country_text(
            conn,
            &code,
            bucket_start(breaker, at),
            at - std_to_chrono(breaker.baseline),
        )?;
    }
    Ok(Admission::Send)
}

/// Tells the operator that texts to a calling code are held. The message is
/// stable, for alerting on.
pub fn alert_paused(state: &AppState, calling_code: &str, purpose: &str, fallback: &str) {
    state.signals.breaker_held(calling_code);
    tracing::warn!(
        calling_code,
        purpose,
        fallback,
        "SMS circuit breaker open: system texts to this calling code are held"
    );
}

// ---- the SMS Authenticator's per-number limits ---------------------------

/// How many SMS Authenticator codes one destination number may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthenticatorLimits {
    pub per_number_per_hour: i64,
    pub per_number_per_day: i64,
}

/// Codes per number an hour and a day unless the owner chose otherwise.
pub const DEFAULT_AUTHENTICATOR_LIMITS: AuthenticatorLimits = AuthenticatorLimits {
    per_number_per_hour: 5,
    per_number_per_day: 10,
};
const MAX_PER_HOUR: i64 = 100;
const MAX_PER_DAY: i64 = 1000;

/// The account's SMS Authenticator limits.
pub async fn authenticator_limits(
    state: &AppState,
    account_id: &str,
) -> ApiResult<AuthenticatorLimits> {
    let account_id = account_id.to_owned();
    state
        .db
        .run(move |conn| Ok(limits_of(conn, &account_id)?))
        .await
}

fn limits_of(
    conn: &mut DbConnection,
    account_id: &str,
) -> diesel::QueryResult<AuthenticatorLimits> {
    Ok(
        budget_rows::find_authenticator_limits(conn, account_id)?.map_or(
            DEFAULT_AUTHENTICATOR_LIMITS,
            |row| AuthenticatorLimits {
                per_number_per_hour: row.per_number_per_hour,
                per_number_per_day: row.per_number_per_day,
            },
        ),
    )
}

/// Checks and stores new limits (the caller records the security event).
pub fn validate_authenticator_limits(limits: &AuthenticatorLimits) -> ApiResult<()> {
    let mut errors = Vec::new();
    if !(1..=MAX_PER_HOUR).contains(&limits.per_number_per_hour) {
        errors.push(FieldError::new(
            "per_number_per_hour",
            codes::OUT_OF_RANGE,
            format!("Allow between 1 and {MAX_PER_HOUR} codes per number an hour."),
        ));
    }
    if !(1..=MAX_PER_DAY).contains(&limits.per_number_per_day) {
        errors.push(FieldError::new(
            "per_number_per_day",
            codes::OUT_OF_RANGE,
            format!("Allow between 1 and {MAX_PER_DAY} codes per number a day."),
        ));
    } else if limits.per_number_per_day < limits.per_number_per_hour {
        errors.push(FieldError::new(
            "per_number_per_day",
            codes::OUT_OF_RANGE,
            "A day must allow at least as many codes as an hour.",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Sets the account's SMS Authenticator limits after checking them, with the
/// security-log event in the same transaction.
pub async fn set_authenticator_limits(
    state: &AppState,
    account_id: &str,
    limits: AuthenticatorLimits,
    client: &ClientContext,
) -> ApiResult<AuthenticatorLimits> {
    validate_authenticator_limits(&limits)?;
    let row = AuthenticatorLimitsRow {
        account_id: account_id.to_owned(),
        per_number_per_hour: limits.per_number_per_hour,
        per_number_per_day: limits.per_number_per_day,
        updated_at: now(),
    };
    let event = SecurityEvent::by_owner(
        account_id,
        SecurityEventKind::AuthenticatorLimitsChanged,
        client,
    )
    .detail(
        "per_number_per_hour",
        limits.per_number_per_hour.to_string(),
    )
    .detail("per_number_per_day", limits.per_number_per_day.to_string());
    state
        .db
        .transaction(move |conn| {
            budget_rows::save_authenticator_limits(conn, &row)?;
            Ok(security_log::record(conn, &event)?)
        })
        .await?;
    Ok(limits)
}

/// Counts one SMS Authenticator code to `to` against the account's hourly
/// and daily per-number limits; refuses with
/// [`ApiError::SmsBudgetExhausted`] (scope `destination`) when either is used up.
pub async fn charge_authenticator_code(
    state: &AppState,
    account_id: &str,
    to: &str,
) -> ApiResult<()> {
    let (account_id, to) = (account_id.to_owned(), to.to_owned());
    state
        .db
        .transaction(move |conn| {
            let limits = limits_of(conn, &account_id)?;
            let at = now();
            for (period, limit, window) in [
                ("day", limits.per_number_per_day, Duration::days(1)),
                ("hour", limits.per_number_per_hour, Duration::hours(1)),
            ] {
                let key = format!("authenticator:{account_id}:{to}:{period}");
                if let Some(until) = budget_rows::try_charge(conn, &key, limit, window, at)? {
                    return Err(ApiError::SmsBudgetExhausted {
                        scope: "destination",
                        retry_after_secs: secs_until(until, at),
                    });
                }
            }
            Ok(())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calling_codes_and_address_keys() {
        assert_eq!(calling_code("+48500100200"), "48");
        assert_eq!(calling_code("+4915123456789"), "49");
        assert_eq!(calling_code("+12025550123"), "1");
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1"),
            address_key("2001:db8:1:2:bbbb::9")
        );
        assert_eq!(address_key("2001:db8:1:2::1"), "address:2001:db8:1:2::/64");
        assert_eq!(address_key("203.0.113.7"), "address:203.0.113.7");
    }

    #[test]
    fn authenticator_limits_are_bounded() {
        assert!(validate_authenticator_limits(&DEFAULT_AUTHENTICATOR_LIMITS).is_ok());
        for (hour, day) in [(0, 10), (5, 0), (101, 200), (5, 1001), (8, 4)] {
            let limits = AuthenticatorLimits {
                per_number_per_hour: hour,
                per_number_per_day: day,
            };
            assert!(
                validate_authenticator_limits(&limits).is_err(),
                "{hour}/{day}"
            );
        }
    }
}
