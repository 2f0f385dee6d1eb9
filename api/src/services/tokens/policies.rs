//! Policies of API tokens and OAuth clients: allowed destination countries
//! (a subset of the account's country filter), a sending window, daily and
//! monthly points caps, and a request rate limit. Every rule only narrows:
//! the account's filter, the subuser's window and limit still apply.
//!
//! A policy travels inside the cached token or client view
//! ([`crate::services::tokens::api_access`]), so a credential without one
//! pays nothing per call; its edits evict that cache like every other edit of
//! the credential. Caps are charged in the message's transaction, and the
//! rate limit is one atomic upsert per call shared by every process.

use std::{net::IpAddr, sync::Arc};

use chrono::{DateTime, NaiveDateTime, Utc};
use portcullis_shared::{
    problem::{FieldError, RecipientError},
    validate::codes,
};

use crate::services::{access::Principal, audit::refused_calls::Credential, now, AppState};
use crate::{
    db::{
        credential_policies::{self as policy_rows, PolicyRow},
        sms as sms_rows, DbConnection,
    },
    domain::{
        sending_window::{parse_window, RequestedWindow, SendingWindow},
        CountryCode, TokenRefusal,
    },
    error::{ApiError, ApiResult},
};

/// A credential's policy, as storage has it; a rule that is `None` does not apply.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CredentialPolicy {
    /// ISO 3166-1 alpha-2 codes, sorted.
    pub countries: Option<Vec<String>>,
    pub window: Option<SendingWindow>,
    pub daily_points_cap: Option<i64>,
    pub monthly_points_cap: Option<i64>,
    pub requests_per_minute: Option<i64>,
    /// The owner set it on a subuser's credential: only the owner may change it.
    pub set_by_owner: bool,
}

impl CredentialPolicy {
    fn from_row(row: &PolicyRow) -> Self {
        Self {
            countries: row
                .countries
                .as_deref()
                .map(|c| c.split_whitespace().map(str::to_owned).collect()),
            window: SendingWindow::from_stored(
                row.window_days.as_deref(),
                row.window_start.as_deref(),
                row.window_end.as_deref(),
                row.window_time_zone.as_deref(),
            ),
            daily_points_cap: row.daily_points_cap,
            monthly_points_cap: row.monthly_points_cap,
            requests_per_minute: row.requests_per_minute,
            set_by_owner: row.set_by_owner,
        }
    }

    /// True when no rule applies.
    pub fn is_empty(&self) -> bool {
        self.countries.is_none()
            && self.window.is_none()
            && self.daily_points_cap.is_none()
            && self.monthly_points_cap.is_none()
            && self.requests_per_minute.is_none()
    }

    fn allows_country(&self, country: &str) -> bool {
        self.countries
            .as_ref()
            .is_none_or(|allowed| allowed.iter().any(|c| c == country))
    }
}

/// A change of a policy asked for, not yet checked: `None` leaves a rule as
/// it is, `Some(None)` removes it.
#[derive(Debug, Clone, Default)]
pub struct PolicyChange {
    pub countries: Option<Option<Vec<String>>>,
    pub window: Option<Option<RequestedWindow>>,
    pub daily_points_cap: Option<Option<i64>>,
    pub monthly_points_cap: Option<Option<i64>>,
    pub requests_per_minute: Option<Option<i64>>,
}

/// The key policy rows, usage and request counts are stored under.
pub fn credential_key(credential: &Credential) -> String {
    match credential {
        Credential::Token(id) => format!("token:{id}"),
        Credential::Client(id) => format!("client:{id}"),
    }
}

/// The credential's policy; `None` when it has none (the common case).
pub fn load(
    conn: &mut DbConnection,
    credential: &Credential,
) -> diesel::QueryResult<Option<Arc<CredentialPolicy>>> {
    Ok(policy_rows::find(conn, &credential_key(credential))?
        .map(|row| CredentialPolicy::from_row(&row))
        .filter(|policy| !policy.is_empty())
        .map(Arc::new))
}

/// The policies of the account's credentials, by credential key (for lists).
pub fn load_for_account(
    conn: &mut DbConnection,
    account_id: &str,
) -> diesel::QueryResult<std::collections::HashMap<String, CredentialPolicy>> {
    Ok(policy_rows::list_for_account(conn, account_id)?
        .iter()
        .map(|row| (row.credential_key.clone(), CredentialPolicy::from_row(row)))
        .collect())
}

fn positive(field: &str, value: Option<i64>, errors: &mut Vec<FieldError>) -> Option<i64> {
    match value {
        Some(n) if n < 1 => {
            errors.push(FieldError::new(
                field,
                codes::NOT_POSITIVE,
                "Use a whole number of at least 1, or null for no limit.",
            ));
            None
        }
        other => other,
    }
}

/// Checks the requested countries against the account's country filter;
/// problems go to `errors` under `policy.countries[i]`.
fn parse_countries(
    conn: &mut DbConnection,
    account_id: &str,
    requested: &[String],
    errors: &mut Vec<FieldError>,
) -> diesel::QueryResult<Option<Vec<String>>> {
    if requested.is_empty() {
        errors.push(FieldError::new(
            "policy.countries",
            codes::REQUIRED,
            "Choose at least one country, or send null to allow every country of the filter.",
        ));
        return Ok(None);
    }
    let filter = sms_rows::allowed_countries(conn, account_id, crate::services::now())?;
    let mut countries = Vec::new();
    for (i, raw) in requested.iter().enumerate() {
        let field = format!("policy.countries[{i}]");
        match CountryCode::parse(&field, raw) {
            Err(error) => errors.push(error),
            Ok(code) if !filter.iter().any(|c| c == code.as_str()) => errors.push(FieldError::new(
                &field,
                codes::NOT_ON_COUNTRY_FILTER,
                format!(
                    "{} is not on the account's country filter; a credential may only narrow it.",
                    code.as_str()
                ),
            )),
            Ok(code) => countries.push(code.as_str().to_owned()),
        }
    }
    countries.sort();
    countries.dedup();
    Ok(Some(countries))
}

/// Applies `change` to the credential's policy inside the caller's edit
/// transaction: checks every rule (field errors name `policy.…`; nothing is
/// stored then), and refuses a subuser changing a policy the owner set. True
/// when the policy changed. `made_by_subuser`: the credential is a subuser's,
/// so an owner's policy binds them.
pub fn apply_change(
    conn: &mut DbConnection,
    account_id: &str,
    credential: &Credential,
    change: &PolicyChange,
    by_owner: bool,
    made_by_subuser: bool,
    what: &str,
) -> ApiResult<bool> {
    let key = credential_key(credential);
    let existing = policy_rows::find(conn, &key)?;
    let current = existing
        .as_ref()
        .map(CredentialPolicy::from_row)
        .unwrap_or_default();
    if !by_owner && current.set_by_owner {
        return Err(ApiError::OwnerRestriction(format!(
            "set this {what}'s policy, which only the owner may change"
        )));
    }
    let mut errors = Vec::new();
    let mut next = current.clone();
    if let Some(countries) = &change.countries {
        next.countries = match countries {
            None => None,
            Some(requested) => parse_countries(conn, account_id, requested, &mut errors)?,
        };
    }
    if let Some(window) = &change.window {
        next.window = window
            .as_ref()
            .and_then(|requested| parse_window("policy.window", requested, &mut errors));
    }
    if let Some(cap) = change.daily_points_cap {
        next.daily_points_cap = positive("policy.daily_points_cap", cap, &mut errors);
    }
    if let Some(cap) = change.monthly_points_cap {
        next.monthly_points_cap = positive("policy.monthly_points_cap", cap, &mut errors);
    }
    if let Some(rate) = change.requests_per_minute {
        next.requests_per_minute = positive("policy.requests_per_minute", rate, &mut errors);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    next.set_by_owner = by_owner && made_by_subuser && !next.is_empty();
    if next == current {
        return Ok(false);
    }
    if next.is_empty() {
        policy_rows::delete(conn, &key)?;
        return Ok(true);
    }
    let window = next.window.as_ref().map(SendingWindow::to_stored);
    let (token_id, client_id) = match credential {
        Credential::Token(id) => (Some(id.clone()), None),
        Credential::Client(id) => (None, Some(id.clone())),
    };
    policy_rows::save(
        conn,
        &PolicyRow {
            credential_key: key,
            account_id: account_id.to_owned(),
            token_id,
            client_id,
            countries: next.countries.as_ref().map(|c| c.join(" ")),
            window_days: window.as_ref().map(|w| w.0.clone()),
            window_start: window.as_ref().map(|w| w.1.clone()),
            window_end: window.as_ref().map(|w| w.2.clone()),
            window_time_zone: window.as_ref().map(|w| w.3.clone()),
            daily_points_cap: next.daily_points_cap,
            monthly_points_cap: next.monthly_points_cap,
            requests_per_minute: next.requests_per_minute,
            set_by_owner: next.set_by_owner,
            updated_at: now(),
        },
    )?;
    Ok(true)
}

// ---- enforcement when sending ---------------------------------------------

/// Refuses a send outside the credential's window.
pub fn check_window(caller: &Principal, at: NaiveDateTime) -> ApiResult<()> {
    match caller
        .policy
        .as_ref()
        .and_then(|p| p.window.as_ref())
        .and_then(|w| w.opens_at(at.and_utc()))
    {
        Some(opens_at) => Err(ApiError::OutsideTokenWindow { opens_at }),
        None => Ok(()),
    }
}

/// Refuses a destination country outside the credential's countries.
pub fn check_country(caller: &Principal, country: &str) -> ApiResult<()> {
    match &caller.policy {
        Some(policy) if !policy.allows_country(country) => {
            Err(ApiError::TokenCountryNotAllowed(country.to_owned()))
        }
        _ => Ok(()),
    }
}

/// A bulk send's recipients outside the credential's countries, by index.
pub fn refused_recipients<'a>(
    caller: &Principal,
    recipients: impl Iterator<Item = (usize, &'a str, &'a str)>,
) -> Vec<RecipientError> {
    let Some(policy) = caller.policy.as_ref().filter(|p| p.countries.is_some()) else {
        return Vec::new();
    };
    recipients
        .filter(|(_, _, country)| !policy.allows_country(country))
        .map(|(index, to, country)| RecipientError {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            to: to.to_owned(),
            code: codes::TOKEN_COUNTRY_NOT_ALLOWED.to_owned(),
            detail: format!(
                "Destination country {country} is not among the countries this credential may send to."
            ),
        })
        .collect()
}

/// Charges `points` against the credential's daily and monthly caps, in the
/// message's transaction: a refusal is an error, and the caller's
/// transaction rolls back whatever was charged.
pub fn charge_caps(
    conn: &mut DbConnection,
    caller: &Principal,
    points: i64,
    at: NaiveDateTime,
) -> ApiResult<()> {
    let (Some(policy), Some(credential)) = (&caller.policy, &caller.credential) else {
        return Ok(());
    };
    let key = credential_key(credential);
    for (name, cap, period) in [
        (
            "day",
            policy.daily_points_cap,
            format!("day:{}", at.format("%Y-%m-%d")),
        ),
        (
            "month",
            policy.monthly_points_cap,
            format!("month:{}", at.format("%Y-%m")),
        ),
    ] {
        let Some(cap) = cap else { continue };
        if !policy_rows::charge_usage(conn, &key, &period, points, cap)? {
            return Err(ApiError::TokenPointsCapReached {
                period: name,
                needed: points,
                used: policy_rows::points_used(conn, &key, &period)?,
                cap,
            });
        }
    }
    Ok(())
}

/// The rule a send refusal names, if it is one of a credential's policy.
fn refusal_of(error: &ApiError) -> Option<TokenRefusal> {
    match error {
        ApiError::TokenCountryNotAllowed(_) => Some(TokenRefusal::CountryNotAllowed),
        ApiError::OutsideTokenWindow { .. } => Some(TokenRefusal::OutsideWindow),
        ApiError::TokenPointsCapReached { .. } => Some(TokenRefusal::PointsCapReached),
        ApiError::InvalidRecipients(recipients)
            if recipients
                .iter()
                .any(|r| r.code == codes::TOKEN_COUNTRY_NOT_ALLOWED) =>
        {
            Some(TokenRefusal::CountryNotAllowed)
        }
        _ => None,
    }
}

/// Counts a send the credential's policy refused, for the security log
/// (folded like every refused call) and so for the metrics' refusals.
pub fn note_refusal(state: &AppState, caller: &Principal, error: &ApiError) {
    let (Some(refusal), Some(credential), Some(ip)) =
        (refusal_of(error), &caller.credential, caller.ip)
    else {
        return;
    };
    state
        .access
        .refused
        .note(&caller.tenant_id, credential.clone(), refusal, ip, now());
}

// ---- the request rate limit ------------------------------------------------

/// Where a rate-limited credential stands in its current window; sent as the
/// RateLimit headers (draft-ietf-httpapi-ratelimit-headers-06).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateStatus {
    pub limit: i64,
    /// Calls left in the window (0 when over).
    pub remaining: i64,
    /// Seconds until the window ends (at least 1).
    pub reset_secs: i64,
    /// This call went over the limit.
    pub exceeded: bool,
}

/// Fixed windows of a minute, aligned to the minute.
const RATE_WINDOW_SECS: i64 = 60;

/// Counts one call of a credential with a rate limit (one round trip, shared
/// by every process on the database); `None` for a credential without one,
/// which costs nothing.
pub async fn count_request(
    state: &AppState,
    credential: &Credential,
    policy: Option<&Arc<CredentialPolicy>>,
    at: DateTime<Utc>,
) -> ApiResult<Option<RateStatus>> {
    let Some(limit) = policy.and_then(|p| p.requests_per_minute) else {
        return Ok(None);
    };
    let now_secs = at.timestamp();
    let window_start = now_secs - now_secs.rem_euclid(RATE_WINDOW_SECS);
    let key = credential_key(credential);
    let (requests, started) = state
        .db
        .run(move |conn| Ok(policy_rows::count_request(conn, &key, window_start)?))
        .await?;
    Ok(Some(RateStatus {
        limit,
        remaining: (limit - requests).max(0),
        reset_secs: (started + RATE_WINDOW_SECS - now_secs).clamp(1, RATE_WINDOW_SECS),
        exceeded: requests > limit,
    }))
}

/// Counts a call refused by the rate limit, for the security log.
pub fn note_rate_limited(state: &AppState, account_id: &str, credential: &Credential, ip: IpAddr) {
    state.access.refused.note(
        account_id,
        credential.clone(),
        TokenRefusal::RateLimited,
        ip,
        now(),
    );
}
