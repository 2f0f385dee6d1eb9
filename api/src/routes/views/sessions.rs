//! Portal sessions as the portal shows them.

use portcullis_shared::dto::SessionDto;

use crate::services::{rfc3339, sessions::active_sessions::ActiveSession};

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
