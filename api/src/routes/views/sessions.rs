//! Portal sessions, their timeout, the login history and the portal
//! allowlist as the portal shows them.

use portcullis_shared::dto::{
    LoginAttemptDto, LoginHistoryPage, PortalAllowlistDto, PortalAllowlistEntryDto, SessionDto,
    SessionTimeoutDto,
};

use crate::services::{
    rfc3339,
    sessions::{
        active_sessions::ActiveSession,
        login_history::{LoginAttempt, LoginHistory},
        portal_allowlist::{PortalAllowlist, PortalAllowlistEntry},
        session_timeout::SessionTimeout,
    },
};

impl From<ActiveSession> for SessionDto {
    fn from(session: ActiveSession) -> Self {
        Self {
            id: session.id,
            device: session.device,
            user_agent: session.user_agent,
            ip: session.ip,
            created_at: rfc3339(session.created_at),
            last_seen_at: rfc3339(session.last_seen_at),
            expires_at: rfc3339(session.expires_at),
            current: session.current,
        }
    }
}

impl From<SessionTimeout> for SessionTimeoutDto {
    fn from(timeout: SessionTimeout) -> Self {
        Self {
            idle_timeout_secs: timeout.idle_timeout_secs,
            choices: timeout.choices,
            default_secs: timeout.default_secs,
        }
    }
}

impl From<LoginAttempt> for LoginAttemptDto {
    fn from(attempt: LoginAttempt) -> Self {
        Self {
            id: attempt.id,
            at: rfc3339(attempt.at),
            succeeded: attempt.succeeded,
            outcome: attempt.outcome,
            ip: attempt.ip,
            user_agent: attempt.user_agent,
            device: attempt.device,
        }
    }
}

impl From<LoginHistory> for LoginHistoryPage {
    fn from(history: LoginHistory) -> Self {
        Self {
            attempts: history.attempts.into_iter().map(Into::into).collect(),
            next_cursor: history.next_cursor,
        }
    }
}

impl From<PortalAllowlistEntry> for PortalAllowlistEntryDto {
    fn from(entry: PortalAllowlistEntry) -> Self {
        Self {
            id: entry.id,
            value: entry.value,
            label: entry.label,
            created_at: rfc3339(entry.created_at),
            overlaps: entry.overlaps,
            expires_at: entry.expires_at.map(rfc3339),
        }
    }
}

impl From<PortalAllowlist> for PortalAllowlistDto {
    fn from(list: PortalAllowlist) -> Self {
        Self {
            your_address: list.your_address.to_string(),
            your_address_allowed: list.your_address_allowed,
            entries: list.entries.into_iter().map(Into::into).collect(),
        }
    }
}
