//! Refused API calls in the security log, folded so that a storm of refusals
//! cannot become a storm of writes: refusals are counted in memory and
//! written by a background task as at most one `api_call_refused` event per
//! (account, token or client, reason, address) per flush interval, with the
//! `count` folded into it. Only refusals of a token we signed are counted: a
//! malformed or badly signed one names no account we can believe.

use crate::domain::TokenRefusal;
use portcullis_shared::vocabulary::SecurityEventKind;
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
};

use chrono::NaiveDateTime;
use portcullis_shared::scope::Scope;

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    rfc3339,
};
use crate::{
    error::{code_name, ApiError, ApiResult},
    services::Db,
};

/// Distinct refusals held between flushes; past this, new ones are only counted as dropped.
const MAX_PENDING: usize = 10_000;

/// What a refused call presented: a token made in the portal, or one issued to an OAuth client.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Credential {
    Token(String),
    Client(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    account_id: String,
    credential: Credential,
    refusal: TokenRefusal,
    ip: IpAddr,
}

#[derive(Debug, Clone, Copy)]
struct Tally {
    count: u64,
    first_at: NaiveDateTime,
    last_at: NaiveDateTime,
}

/// The refusals counted since the last flush.
#[derive(Default)]
pub struct RefusedCalls {
    pending: Mutex<HashMap<Key, Tally>>,
    dropped: AtomicU64,
}

/// The stable reason stored with the event: the refusal's problem code, but
/// `insufficient_scope` (RFC 6750's name) for a missing scope, which answers
/// the general `permission_denied`.
fn reason(refusal: TokenRefusal) -> String {
    match refusal {
        TokenRefusal::InsufficientScope(_) => "insufficient_scope".to_owned(),
        other => code_name(ApiError::TokenRefused(other).code()),
    }
}

fn event(key: &Key, tally: &Tally) -> SecurityEvent {
    let mut event = SecurityEvent::new(
        &key.account_id,
        Actor::Anonymous,
        SecurityEventKind::ApiCallRefused,
    )
    .detail("reason", reason(key.refusal))
    .detail("count", tally.count.to_string())
    .detail("first_at", rfc3339(tally.first_at))
    .detail("last_at", rfc3339(tally.last_at));
    event.ip = Some(key.ip.to_string());
    event = match &key.credential {
        Credential::Token(id) => event.detail("token_id", id.clone()),
        Credential::Client(id) => event.detail("client_id", id.clone()),
    };
    if let TokenRefusal::InsufficientScope(scope) = key.refusal {
        event = event.detail("scope", Scope::as_str(scope));
    }
    event
}

impl RefusedCalls {
    /// Counts one refused call of the account's `credential` from `ip`.
    pub fn note(
        &self,
        account_id: &str,
        credential: Credential,
        refusal: TokenRefusal,
        ip: IpAddr,
        at: NaiveDateTime,
    ) {
        let key = Key {
            account_id: account_id.to_owned(),
            credential,
            refusal,
            ip,
        };
        let mut pending = self.pending.lock().expect("refusal lock");
        let full = pending.len() >= MAX_PENDING;
        match pending.get_mut(&key) {
            Some(tally) => {
                tally.count += 1;
                tally.last_at = at;
            }
            None if full => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                pending.insert(
                    key,
                    Tally {
                        count: 1,
                        first_at: at,
                        last_at: at,
                    },
                );
            }
        }
    }

    /// Writes one event per distinct refusal counted since the last flush;
    /// returns how many. An event that cannot be written is logged and dropped.
    pub async fn flush(&self, db: &Db) -> ApiResult<usize> {
        let batch: Vec<(Key, Tally)> =
            std::mem::take(&mut *self.pending.lock().expect("refusal lock"))
                .into_iter()
                .collect();
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "refused API calls not logged: too many distinct ones at once"
            );
        }
        let mut written = 0;
        for (key, tally) in batch {
            let event = event(&key, &tally);
            match db
                .run(move |conn| Ok(security_log::record(conn, &event)?))
                .await
            {
                Ok(()) => written += 1,
                Err(error) => {
                    tracing::warn!(%error, account_id = %key.account_id, "could not log refused API calls")
                }
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_of_one_kind_fold_into_one_tally() {
        let calls = RefusedCalls::default();
        let at = crate::services::now();
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        for _ in 0..50 {
            calls.note(
                "acc",
                Credential::Token("tok".into()),
                TokenRefusal::Disabled,
                ip,
                at,
            );
        }
        calls.note(
            "acc",
            Credential::Token("tok".into()),
            TokenRefusal::Expired,
            ip,
            at,
        );
        let pending = calls.pending.lock().unwrap();
        assert_eq!(pending.len(), 2);
        let disabled = pending
            .iter()
            .find(|(k, _)| k.refusal == TokenRefusal::Disabled)
            .unwrap();
        assert_eq!(disabled.1.count, 50);
        let event = event(disabled.0, disabled.1);
        assert_eq!(event.details["reason"], "token_disabled");
        assert_eq!(event.details["count"], "50");
        assert_eq!(event.details["token_id"], "tok");
    }
}
