//! The security log as the portal shows it.

use portcullis_shared::dto::{SecurityEventDto, SecurityLogPage, SecurityLogQuery};

use crate::services::{
    audit::security_log::{EventPage, EventQuery, LoggedEvent, Paging},
    rfc3339,
};

impl From<LoggedEvent> for SecurityEventDto {
    fn from(event: LoggedEvent) -> Self {
        Self {
            id: event.id,
            kind: event.kind,
            actor: event.actor,
            ip: event.ip,
            user_agent: event.user_agent,
            details: event.details,
            created_at: rfc3339(event.created_at),
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
        cursor,
        limit,
    } = query;
    (EventQuery { kind, from, to }, Paging { cursor, limit })
}
