//! The account's login history: every sign-in attempt, read from the security
//! log (its `login_succeeded` and `login_failed` events) rather than kept
//! twice. The log already records each attempt inside the transaction that
//! decides it, with the address, user agent and reason, and is append-only.

use portcullis_shared::vocabulary::{LoginOutcome, SecurityEventKind};
use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use crate::services::{
    audit::security_log::{self, Paging},
    AppState,
};
use crate::{
    db::security_events::{EventFilter, SecurityEventRow},
    domain::describe_user_agent,
    error::{ApiError, ApiResult},
};

/// One sign-in attempt on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    /// Its security log event id; also the pagination cursor.
    pub id: String,
    pub at: NaiveDateTime,
    pub succeeded: bool,
    pub outcome: LoginOutcome,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The user agent described for people, e.g. "Firefox on Linux".
    pub device: String,
}

/// One page of attempts, newest first, and where the next (older) one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginHistory {
    pub attempts: Vec<LoginAttempt>,
    pub next_cursor: Option<String>,
}

fn attempt(row: SecurityEventRow) -> ApiResult<LoginAttempt> {
    let succeeded = row.kind == SecurityEventKind::LoginSucceeded.as_str();
    let outcome = if succeeded {
        LoginOutcome::Succeeded
    } else {
        let details: BTreeMap<String, String> =
            serde_json::from_str(&row.details).map_err(ApiError::internal)?;
        details
            .get("reason")
            .map_or(LoginOutcome::Unknown, |reason| LoginOutcome::parse(reason))
    };
    Ok(LoginAttempt {
        device: describe_user_agent(row.user_agent.as_deref().unwrap_or_default()),
        id: row.id,
        at: row.created_at,
        succeeded,
        outcome,
        ip: row.ip,
        user_agent: row.user_agent,
    })
}

/// One page of the account's sign-in attempts, newest first.
pub async fn list(state: &AppState, account_id: &str, page: Paging) -> ApiResult<LoginHistory> {
    let filter = EventFilter {
        kinds: [
            SecurityEventKind::LoginSucceeded,
            SecurityEventKind::LoginFailed,
        ]
        .iter()
        .map(|kind| kind.as_str().to_owned())
        .collect(),
        ..EventFilter::default()
    };
    let (rows, next_cursor) = security_log::read_page(state, account_id, filter, page).await?;
    Ok(LoginHistory {
        attempts: rows.into_iter().map(attempt).collect::<ApiResult<_>>()?,
        next_cursor,
    })
}
