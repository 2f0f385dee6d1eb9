//! The account's login history: every sign-in attempt, read from the security
//! log (its `login_succeeded` and `login_failed` events) rather than kept
//! twice. The log already records each attempt inside the transaction that
//! decides it, with the address, user agent and reason, and is append-only.

use portcullis_shared::vocabulary::{LoginOutcome, SecurityEventKind};
use std::collections::BTreeMap;

use portcullis_shared::dto::{LoginAttemptDto, LoginHistoryPage, LoginHistoryQuery};

use crate::services::{audit::security_log, rfc3339, AppState};
use crate::{
    db::security_events::{EventFilter, SecurityEventRow},
    domain::describe_user_agent,
    error::{ApiError, ApiResult},
};

fn attempt_dto(row: SecurityEventRow) -> ApiResult<LoginAttemptDto> {
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
    Ok(LoginAttemptDto {
        device: describe_user_agent(row.user_agent.as_deref().unwrap_or_default()),
        id: row.id,
        at: rfc3339(row.created_at),
        succeeded,
        outcome,
        ip: row.ip,
        user_agent: row.user_agent,
    })
}

/// One page of the account's sign-in attempts, newest first.
pub async fn list(
    state: &AppState,
    account_id: &str,
    query: LoginHistoryQuery,
) -> ApiResult<LoginHistoryPage> {
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
    let (rows, next_cursor) =
        security_log::read_page(state, account_id, filter, query.cursor, query.limit).await?;
    Ok(LoginHistoryPage {
        attempts: rows
            .into_iter()
            .map(attempt_dto)
            .collect::<ApiResult<_>>()?,
        next_cursor,
    })
}
