//! The account's live portal sessions: listing them, and ending one, all but
//! the current one, or all.
//!
//! Sessions are shown under a separate random `public_id` (`ses_…`), not under
//! their storage id. The storage id is the SHA-256 of the cookie secret: it
//! cannot be turned back into the cookie, but it is the lookup key of a bearer
//! credential, so it stays inside storage and never reaches logs, URLs or the
//! browser. An HMAC of it would hide it as well, but needs a server secret that
//! every process shares and that can never rotate without changing every id;
//! a random column needs nothing but a unique index, reads the same on both
//! backends, and stays stable for the session's whole life.

use chrono::NaiveDateTime;
use portcullis_shared::vocabulary::SecurityEventKind;

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    now,
    sessions::portal_session::{check_session_window, end_reasons, ClientContext, PortalSession},
    AppState,
};
use crate::{
    db::{sessions as session_rows, sessions::SessionRow},
    domain::describe_user_agent,
    error::{ApiError, ApiResult},
};

/// Which sessions a revocation ends.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// The one with this public id.
    One(String),
    Others,
    All,
}

impl Scope {
    fn as_str(&self) -> &'static str {
        match self {
            Self::One(_) => "one",
            Self::Others => "others",
            Self::All => "all",
        }
    }
}

/// A live portal session of the account.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    /// The id the API shows (`ses_…`).
    pub id: String,
    /// The browser and system, from the user agent.
    pub device: String,
    pub user_agent: String,
    pub ip: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// It is the session that asked.
    pub current: bool,
}

fn active_session(row: &SessionRow, current_id: &str) -> ActiveSession {
    ActiveSession {
        id: row.public_id.clone(),
        device: describe_user_agent(&row.user_agent),
        user_agent: row.user_agent.clone(),
        ip: row.ip.clone(),
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        expires_at: row.expires_at,
        current: row.id == current_id,
    }
}

/// Whether an open session still counts. Idle ones are over even if no request
/// came to end them yet (one that does is told so); the caller's own session
/// just passed authentication.
fn is_live(row: &SessionRow, at: NaiveDateTime, current_id: &str) -> bool {
    row.id == current_id || check_session_window(row, at).is_ok()
}

/// The account's live sessions: the current one first, then the most recently used.
pub async fn list(state: &AppState, session: &PortalSession) -> ApiResult<Vec<ActiveSession>> {
    let account_id = session.account.id.clone();
    let at = now();
    let rows = state
        .db
        .run(move |conn| Ok(session_rows::list_open_for_account(conn, &account_id, at)?))
        .await?;
    let current_id = &session.session.id;
    let mut sessions: Vec<ActiveSession> = rows
        .iter()
        .filter(|row| is_live(row, at, current_id))
        .map(|row| active_session(row, current_id))
        .collect();
    sessions.sort_by_key(|s| !s.current);
    Ok(sessions)
}

/// Ends sessions of the caller's account and records it; answers how many ended.
async fn revoke(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
    scope: Scope,
) -> ApiResult<i64> {
    let scope_name = scope.as_str();
    let account_id = session.account.id.clone();
    let current_id = session.session.id.clone();
    let event = SecurityEvent::new(
        &account_id,
        Actor::Account(account_id.clone()),
        SecurityEventKind::SessionRevoked,
    )
    .from_client(client)
    .detail("scope", scope_name);
    let count = state
        .db
        .transaction(move |conn| {
            let at = now();
            let ids: Vec<String> = session_rows::list_open_for_account(conn, &account_id, at)?
                .into_iter()
                .filter(|row| is_live(row, at, &current_id))
                .filter(|row| match &scope {
                    Scope::One(public_id) => row.public_id == *public_id,
                    Scope::Others => row.id != current_id,
                    Scope::All => true,
                })
                .map(|row| row.id)
                .collect();
            let count = session_rows::end_sessions(conn, &ids, at, end_reasons::REVOKED)?;
            let count = i64::try_from(count).map_err(ApiError::internal)?;
            if count > 0 {
                security_log::record(conn, &event.detail("count", count.to_string()))?;
            }
            Ok(count)
        })
        .await?;
    tracing::info!(account_id = %session.account.id, scope = scope_name, count, "portal sessions revoked");
    Ok(count)
}

/// What ending one session did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// Another session of the account ended.
    Other,
    /// The caller's own session ended: its cookie should be cleared.
    Current,
}

/// Ends one of the account's sessions. Sessions of other accounts, ended ones
/// and unknown ids are all "not found".
pub async fn revoke_one(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
    public_id: &str,
) -> ApiResult<Revoked> {
    if revoke(state, session, client, Scope::One(public_id.to_owned())).await? == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(if session.session.public_id == public_id {
        Revoked::Current
    } else {
        Revoked::Other
    })
}

/// Ends every session of the account but the caller's; answers how many ended.
pub async fn revoke_others(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
) -> ApiResult<i64> {
    revoke(state, session, client, Scope::Others).await
}

/// Ends every session of the account, the caller's too; answers how many ended.
pub async fn revoke_all(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
) -> ApiResult<i64> {
    revoke(state, session, client, Scope::All).await
}
