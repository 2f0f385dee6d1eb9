//! The security log as the portal shows it.

use portcullis_shared::dto::{
    BrokenLinkDto, ChainVerificationDto, SecurityEventDto, SecurityLogPage, SecurityLogQuery,
    SecurityLogVerification,
};

use crate::services::{
    audit::{
        chain::ChainReport,
        security_log::{EventPage, EventQuery, LoggedEvent, Paging},
    },
    rfc3339,
};

impl From<LoggedEvent> for SecurityEventDto {
    fn from(event: LoggedEvent) -> Self {
        Self {
            id: event.id,
            kind: event.kind,
            actor: event.actor,
            actor_email: event.actor_email,
            device: event
                .user_agent
                .as_deref()
                .map(crate::domain::describe_user_agent),
            ip: event.ip,
            user_agent: event.user_agent,
            details: event.details,
            created_at: rfc3339(event.created_at),
            account_id: event.account_id,
            seq: event.seq,
            prev_hash: event.prev_hash,
            hash: event.hash,
        }
    }
}

impl From<EventPage> for SecurityLogPage {
    fn from(page: EventPage) -> Self {
        Self {
            events: page.events.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// A security-log query as the services read it: what to match, and which page.
pub fn event_query(query: SecurityLogQuery) -> (EventQuery, Paging) {
    let SecurityLogQuery {
        kind,
        from,
        to,
        q,
        cursor,
        limit,
    } = query;
    (EventQuery { kind, from, to, q }, Paging { cursor, limit })
}

impl From<ChainReport> for ChainVerificationDto {
    fn from(report: ChainReport) -> Self {
        Self {
            account_id: report.account_id,
            verified_events: report.verified_events,
            head_seq: report.head_seq,
            head_hash: report.head_hash,
            pruned_through_seq: report.pruned_through_seq,
            unchained_events: report.unchained_events,
            broken: report.broken.map(|link| BrokenLinkDto {
                seq: link.seq,
                event_id: link.event_id,
                reason: link.reason,
            }),
        }
    }
}

/// Every chain's report, and whether all verified.
pub fn verification(reports: Vec<ChainReport>) -> SecurityLogVerification {
    SecurityLogVerification {
        intact: reports.iter().all(|report| report.broken.is_none()),
        chains: reports
            .into_iter()
            .map(ChainVerificationDto::from)
            .collect(),
    }
}

impl From<crate::services::audit::stream::Stream> for portcullis_shared::dto::SecurityStreamDto {
    fn from(stream: crate::services::audit::stream::Stream) -> Self {
        Self {
            id: stream.id,
            url: stream.url,
            created_at: rfc3339(stream.created_at),
            updated_at: rfc3339(stream.updated_at),
            health: portcullis_shared::dto::SecurityStreamHealthDto {
                last_success_at: stream.last_success_at.map(rfc3339),
                last_failure_at: stream.last_failure_at.map(rfc3339),
                last_failure: stream.last_failure,
                consecutive_failures: stream.consecutive_failures,
                queue_depth: stream.backlog.depth,
                oldest_pending_at: stream.backlog.oldest.map(rfc3339),
                next_attempt_at: rfc3339(stream.next_attempt_at),
            },
        }
    }
}

impl From<crate::services::audit::stream::SavedStream>
    for portcullis_shared::dto::SavedSecurityStreamDto
{
    fn from(saved: crate::services::audit::stream::SavedStream) -> Self {
        Self {
            stream: saved.stream.into(),
            secret: saved.secret.map(|secret| secret.as_str().to_owned()),
        }
    }
}
