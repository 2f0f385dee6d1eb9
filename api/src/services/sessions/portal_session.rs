//! Portal sessions: starting one when a sign-in completes, recognising the
//! session on each request, enforcing the idle timeout and absolute lifetime,
//! logging out.

use portcullis_shared::vocabulary::{Language, SecurityEventKind};
use std::{net::IpAddr, sync::Arc};

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use diesel::Connection;

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    now,
    passwords::change,
    subusers::{self, SubuserAccess},
    AppState,
};
use crate::{
    config::Config,
    db::{
        accounts::AccountRow,
        passwords as password_rows,
        sessions::{self as session_rows, NewSession, SessionRow},
        DbConnection,
    },
    domain::SessionToken,
    error::{ApiError, ApiResult},
};

/// Longest user agent kept with a session.
const USER_AGENT_MAX_CHARS: usize = 512;
/// `last_seen_at` is written at most this often per session, sparing a write
/// per request while keeping the idle timeout accurate to this many seconds.
const TOUCH_INTERVAL_SECS: i64 = 15;

/// Why a session ended; stored with it.
pub mod end_reasons {
    pub const LOGOUT: &str = "logout";
    pub const IDLE_TIMEOUT: &str = "idle_timeout";
    pub const LIFETIME: &str = "lifetime";
    /// Ended by the account from its sessions list.
    pub const REVOKED: &str = "revoked";
    /// Ended when the gateway's operator suspended the account.
    pub const SUSPENDED: &str = "account_suspended";
}

/// Where a request came from, as recorded with sessions.
#[derive(Debug, Clone)]
pub struct ClientContext {
    pub ip: IpAddr,
    pub user_agent: String,
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct PortalSession {
    pub token: SessionToken,
    pub session: SessionRow,
    pub account: AccountRow,
    /// What the login may do, when it is a subuser (none: the owner).
    pub subuser: Option<Arc<SubuserAccess>>,
    /// The owner requires two-factor sign-in and this subuser has none yet.
    pub two_factor_setup_required: bool,
    /// The company's points balance, for a subuser (whose own row holds none).
    pub company_points_balance: Option<i64>,
    /// The login's language: of its portal and of what is sent to it.
    pub language: Language,
}

/// What a session's login may do, and its language, read with the session.
#[derive(Debug, Clone, Default)]
pub struct LoginAccess {
    pub subuser: Option<Arc<SubuserAccess>>,
    pub two_factor_setup_required: bool,
    pub company_points_balance: Option<i64>,
    pub language: Language,
}

impl PortalSession {
    /// The company account: the owner's id, for the owner and its subusers alike.
    pub fn tenant_id(&self) -> &str {
        self.account.tenant_id()
    }

    /// Reads what the login may do (for a subuser, their grants, the owner's
    /// two-factor requirement and the company balance) and its language.
    pub fn load_access(
        conn: &mut DbConnection,
        account: &AccountRow,
    ) -> diesel::QueryResult<LoginAccess> {
        let language = crate::db::login_preferences::language(conn, &account.id)?;
        let Some(owner_id) = account.parent_id.as_deref() else {
            return Ok(LoginAccess {
                language,
                ..LoginAccess::default()
            });
        };
        let owner = crate::db::accounts::find_by_id(conn, owner_id)?;
        Ok(LoginAccess {
            subuser: subusers::load_access(conn, account)?.map(Arc::new),
            two_factor_setup_required: subusers::two_factor_setup_required(
                conn,
                account,
                owner.as_ref(),
            )?,
            company_points_balance: owner.map(|o| o.points_balance),
            language,
        })
    }

    /// Builds the session from its parts and what its login may do.
    pub fn new(
        token: SessionToken,
        session: SessionRow,
        account: AccountRow,
        access: LoginAccess,
    ) -> Self {
        Self {
            token,
            session,
            account,
            subuser: access.subuser,
            two_factor_setup_required: access.two_factor_setup_required,
            company_points_balance: access.company_points_balance,
            language: access.language,
        }
    }
}

/// Opens a portal session for `account`, inside the caller's transaction
/// (the sign-in's last step), and records the sign-in.
pub fn start_session(
    conn: &mut DbConnection,
    config: &Config,
    account: &AccountRow,
    client: &ClientContext,
    event: SecurityEvent,
) -> ApiResult<(SessionToken, SessionRow)> {
    let token = SessionToken::generate();
    let storage_id = token.storage_id();
    // A login's owner is fixed when the subuser is made: the row read before
    // the password check names it as well as a fresh read would.
    let owner_id = account.parent_id.as_deref();
    // The login's terms (and its owner's) in one read each: the timeout
    // chosen and the password's state.
    let terms = password_rows::session_terms(conn, &account.id)?;
    let owners = match owner_id {
        Some(owner_id) => Some(password_rows::session_terms(conn, owner_id)?),
        None => None,
    };
    let idle_timeout_secs = crate::services::sessions::session_timeout::for_new_session(
        config,
        terms.as_ref().and_then(|t| t.session_idle_timeout_secs),
        owners
            .as_ref()
            .map(|owner| owner.as_ref().and_then(|o| o.session_idle_timeout_secs)),
    );
    let lifetime = ChronoDuration::from_std(config.session_lifetime).map_err(ApiError::internal)?;
    let user_agent: String = client
        .user_agent
        .chars()
        .take(USER_AGENT_MAX_CHARS)
        .collect();
    security_log::record(conn, &event)?;
    let created_at = now();
    // Opened while a password change is due: it may only change the password.
    let owners_password = owners.flatten().map(|owner| owner.password);
    let password_change_required = terms.is_some_and(|terms| {
        change::change_due(terms.password, owners_password.as_ref(), created_at)
    });
    let session = session_rows::insert_session(
        conn,
        &NewSession {
            id: &storage_id,
            account_id: &account.id,
            created_at,
            last_seen_at: created_at,
            expires_at: created_at + lifetime,
            idle_timeout_secs,
            ip: &client.ip.to_string(),
            user_agent: &user_agent,
            password_change_required,
        },
    )?;
    tracing::info!(account_id = %account.id, ip = %client.ip, "portal login");
    Ok((token, session))
}

/// What the stored session allows at `at`.
pub(crate) fn check_session_window(
    session: &SessionRow,
    at: NaiveDateTime,
) -> Result<(), &'static str> {
    if at >= session.expires_at {
        return Err(end_reasons::LIFETIME);
    }
    if at >= session.last_seen_at + ChronoDuration::seconds(session.idle_timeout_secs) {
        return Err(end_reasons::IDLE_TIMEOUT);
    }
    Ok(())
}

/// Counts the request as activity for the idle timeout. Called once the
/// request is admitted (a refused one, e.g. from an address off the portal
/// allowlist, does not keep a session alive). Written at most every
/// [`TOUCH_INTERVAL_SECS`].
pub async fn touch(state: &AppState, session: &mut PortalSession) -> ApiResult<()> {
    let at = now();
    if (at - session.session.last_seen_at).num_seconds() < TOUCH_INTERVAL_SECS {
        return Ok(());
    }
    let id = session.session.id.clone();
    state
        .db
        .run(move |conn| Ok(session_rows::touch(conn, &id, at)?))
        .await?;
    session.session.last_seen_at = at;
    Ok(())
}

/// Recognises the session behind a cookie, ending it if it has run out.
/// Does not count as activity: see [`touch`].
pub async fn authenticate(state: &AppState, token: SessionToken) -> ApiResult<PortalSession> {
    let storage_id = token.storage_id();
    let (session, account, access) = state
        .db
        .run(move |conn| {
            let Some((session, account)) = session_rows::find_with_account(conn, &storage_id)?
            else {
                return Err(ApiError::Unauthenticated);
            };
            // A disabled subuser's sessions were ended; this also covers a race with that.
            if account.disabled_at.is_some() {
                return Err(ApiError::Unauthenticated);
            }
            if let Some(reason) = session
                .end_reason
                .as_deref()
                .filter(|_| session.ended_at.is_some())
            {
                return Err(match reason {
                    end_reasons::IDLE_TIMEOUT | end_reasons::LIFETIME => ApiError::SessionExpired,
                    _ => ApiError::Unauthenticated,
                });
            }
            let at = now();
            if let Err(reason) = check_session_window(&session, at) {
                conn.transaction(|conn| {
                    // Only the request that actually ends it records the event.
                    if session_rows::end_session(conn, &storage_id, at, reason)? {
                        security_log::record(
                            conn,
                            &SecurityEvent::new(
                                &account.id,
                                Actor::System,
                                SecurityEventKind::SessionExpired,
                            )
                            .from_address(&session.ip, &session.user_agent)
                            .detail("reason", reason),
                        )?;
                    }
                    diesel::QueryResult::Ok(())
                })?;
                return Err(ApiError::SessionExpired);
            }
            let access = PortalSession::load_access(conn, &account)?;
            Ok((session, account, access))
        })
        .await?;
    // A suspended company's sessions were ended; this covers a race with that.
    if state
        .access
        .account_suspended(&state.db, account.tenant_id())
        .await?
    {
        return Err(ApiError::Unauthenticated);
    }
    Ok(PortalSession::new(token, session, account, access))
}

/// Ends the session for good.
pub async fn log_out(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
) -> ApiResult<()> {
    let storage_id = session.session.id.clone();
    let event = SecurityEvent::new(
        &session.account.id,
        Actor::Account(session.account.id.clone()),
        SecurityEventKind::Logout,
    )
    .from_client(client);
    state
        .db
        .transaction(move |conn| {
            if session_rows::end_session(conn, &storage_id, now(), end_reasons::LOGOUT)? {
                security_log::record(conn, &event)?;
            }
            Ok(())
        })
        .await?;
    tracing::info!(account_id = %session.account.id, "portal logout");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(created: NaiveDateTime, last_seen: NaiveDateTime) -> SessionRow {
        SessionRow {
            id: "x".into(),
            account_id: "acc".into(),
            created_at: created,
            last_seen_at: last_seen,
            expires_at: created + ChronoDuration::hours(12),
            idle_timeout_secs: 1800,
            ip: "127.0.0.1".into(),
            user_agent: String::new(),
            ended_at: None,
            end_reason: None,
            public_id: "ses_x".into(),
            password_change_required: false,
        }
    }

    #[test]
    fn idle_timeout_and_lifetime_are_enforced() {
        let t0 = now();
        let s = session(t0, t0);
        assert_eq!(
            check_session_window(&s, t0 + ChronoDuration::minutes(29)),
            Ok(())
        );
        assert_eq!(
            check_session_window(&s, t0 + ChronoDuration::minutes(30)),
            Err(end_reasons::IDLE_TIMEOUT)
        );
        let active = session(
            t0,
            t0 + ChronoDuration::hours(12) - ChronoDuration::minutes(1),
        );
        assert_eq!(
            check_session_window(&active, t0 + ChronoDuration::hours(12)),
            Err(end_reasons::LIFETIME)
        );
    }
}
