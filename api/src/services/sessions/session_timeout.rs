//! The inactivity timeout of an account's portal sessions, chosen from a fixed
//! list. New sessions start with it and changing it applies to the account's
//! open sessions at once. A subuser's default and ceiling is the owner's.

use portcullis_shared::validate::codes;
use portcullis_shared::vocabulary::{SecurityEventKind, SESSION_TIMEOUT_CHOICES_SECS};

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    now,
    sessions::portal_session::{ClientContext, PortalSession},
    AppState,
};
use crate::{
    config::Config,
    db::{accounts as account_rows, sessions as session_rows, subusers as subuser_rows},
    error::{ApiError, ApiResult},
};

/// The server's default (`PORTCULLIS_SESSION_IDLE_TIMEOUT_SECS`) as a choice:
/// the largest choice not above it, or the smallest choice. A server set to
/// 45 minutes gives accounts 30 until they choose.
pub fn default_secs(config: &Config) -> i64 {
    let configured = i64::try_from(config.session_idle_timeout.as_secs()).unwrap_or(i64::MAX);
    SESSION_TIMEOUT_CHOICES_SECS
        .iter()
        .copied()
        .filter(|choice| *choice <= configured)
        .max()
        .unwrap_or(SESSION_TIMEOUT_CHOICES_SECS[0])
}

/// What an account's stored choice (if any) means today: a stored value no
/// longer on the list falls back to the default.
fn effective_secs(config: &Config, chosen: Option<i64>) -> i64 {
    chosen
        .filter(|secs| SESSION_TIMEOUT_CHOICES_SECS.contains(secs))
        .unwrap_or_else(|| default_secs(config))
}

/// An account's timeout rules: its default and the most it may choose. The
/// owner's own timeout is a subuser's default and ceiling, so a subuser's
/// sessions never outlive what the owner accepted for the account.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    default: i64,
    ceiling: Option<i64>,
}

impl Bounds {
    /// What a stored choice gives within these bounds.
    fn apply(self, chosen: Option<i64>) -> i64 {
        let secs = chosen
            .filter(|secs| SESSION_TIMEOUT_CHOICES_SECS.contains(secs))
            .unwrap_or(self.default);
        self.ceiling.map_or(secs, |ceiling| secs.min(ceiling))
    }

    fn allows(self, secs: i64) -> bool {
        self.ceiling.is_none_or(|ceiling| secs <= ceiling)
    }
}

fn bounds(
    conn: &mut crate::db::DbConnection,
    config: &Config,
    account_id: &str,
) -> diesel::QueryResult<Bounds> {
    let owner_id = account_rows::find_by_id(conn, account_id)?.and_then(|a| a.parent_id);
    bounds_under(conn, config, owner_id.as_deref())
}

/// The bounds of an owner's (`owner_id` none) or a subuser's timeout.
fn bounds_under(
    conn: &mut crate::db::DbConnection,
    config: &Config,
    owner_id: Option<&str>,
) -> diesel::QueryResult<Bounds> {
    let owners_choice = owner_id
        .map(|owner_id| account_rows::session_idle_timeout(conn, owner_id))
        .transpose()?;
    Ok(bounds_given(config, owners_choice))
}

/// The bounds of an owner's timeout (`owners_choice` none) or of a subuser's
/// whose owner stored `owners_choice`.
fn bounds_given(config: &Config, owners_choice: Option<Option<i64>>) -> Bounds {
    match owners_choice {
        Some(chosen) => {
            let owners = effective_secs(config, chosen);
            Bounds {
                default: owners,
                ceiling: Some(owners),
            }
        }
        None => Bounds {
            default: default_secs(config),
            ceiling: None,
        },
    }
}

/// The inactivity timeout a new session gets from the login's stored choice
/// (`chosen`) and, for a subuser, its owner's (`owners_choice`, none for an
/// owner): [`for_new_session_in`] with the choices read already.
pub fn for_new_session(
    config: &Config,
    chosen: Option<i64>,
    owners_choice: Option<Option<i64>>,
) -> i64 {
    bounds_given(config, owners_choice).apply(chosen)
}

/// The inactivity timeout a new session of the login gets, inside the
/// caller's transaction. `owner_id` is the login's owner (its `parent_id`,
/// set when the subuser was made and never changed), none for an owner.
pub fn for_new_session_in(
    conn: &mut crate::db::DbConnection,
    config: &Config,
    account_id: &str,
    owner_id: Option<&str>,
) -> diesel::QueryResult<i64> {
    let chosen = account_rows::session_idle_timeout(conn, account_id)?;
    Ok(bounds_under(conn, config, owner_id)?.apply(chosen))
}

/// An account's inactivity timeout and what it may choose instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTimeout {
    /// Seconds of inactivity after which the account's sessions end.
    pub idle_timeout_secs: i64,
    /// The choices within the account's ceiling, in seconds.
    pub choices: Vec<i64>,
    /// What the account has until it chooses.
    pub default_secs: i64,
}

fn timeout(bounds: Bounds, idle_timeout_secs: i64) -> SessionTimeout {
    SessionTimeout {
        idle_timeout_secs,
        choices: SESSION_TIMEOUT_CHOICES_SECS
            .iter()
            .copied()
            .filter(|secs| bounds.allows(*secs))
            .collect(),
        default_secs: bounds.default,
    }
}

/// The account's timeout and the choices it has.
pub async fn get(state: &AppState, account_id: &str) -> ApiResult<SessionTimeout> {
    let (id, config) = (account_id.to_owned(), state.config.clone());
    state
        .db
        .run(move |conn| {
            let bounds = bounds(conn, &config, &id)?;
            let chosen = account_rows::session_idle_timeout(conn, &id)?;
            Ok(timeout(bounds, bounds.apply(chosen)))
        })
        .await
}

/// Checks a requested timeout against the list.
fn parse_choice(secs: i64) -> ApiResult<i64> {
    if SESSION_TIMEOUT_CHOICES_SECS.contains(&secs) {
        Ok(secs)
    } else {
        Err(ApiError::field(
            "idle_timeout_secs",
            codes::NOT_A_CHOICE,
            "Choose 15 or 30 minutes, or 1, 2, 4 or 8 hours (900, 1800, 3600, 7200, 14400 or 28800 seconds).",
        ))
    }
}

fn above_ceiling(ceiling: i64) -> ApiError {
    ApiError::field(
        "idle_timeout_secs",
        codes::NOT_A_CHOICE,
        &format!(
            "The account owner allows at most {} minutes of inactivity.",
            ceiling / 60
        ),
    )
}

/// Stores the account's choice and gives every open session of the account
/// the new timeout, recording the change. A subuser cannot choose more than
/// the owner's timeout; an owner's change lowers their subusers' sessions
/// where it is now the lower one.
pub async fn set(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
    requested_secs: i64,
) -> ApiResult<SessionTimeout> {
    let secs = parse_choice(requested_secs)?;
    let account_id = session.account.id.clone();
    let config = state.config.clone();
    let event = SecurityEvent::new(
        &account_id,
        Actor::Account(account_id.clone()),
        SecurityEventKind::SessionTimeoutChanged,
    )
    .from_client(client)
    .detail("idle_timeout_secs", secs.to_string());
    let bounds = state
        .db
        .transaction(move |conn| {
            let bounds = bounds(conn, &config, &account_id)?;
            if let Some(ceiling) = bounds.ceiling.filter(|ceiling| secs > *ceiling) {
                return Err(above_ceiling(ceiling));
            }
            let before = account_rows::session_idle_timeout(conn, &account_id)?;
            account_rows::set_session_idle_timeout(conn, &account_id, secs, now())?;
            session_rows::set_account_idle_timeout(conn, &account_id, secs)?;
            for subuser_id in subuser_rows::all_subuser_ids(conn, &account_id)? {
                let effective = for_new_session_in(conn, &config, &subuser_id, Some(&account_id))?;
                session_rows::set_account_idle_timeout(conn, &subuser_id, effective)?;
            }
            if before != Some(secs) {
                let previous = before.map_or_else(|| "default".to_owned(), |b| b.to_string());
                security_log::record(conn, &event.detail("previous_secs", previous))?;
            }
            Ok(bounds)
        })
        .await?;
    tracing::info!(account_id = %session.account.id, secs, "session timeout changed");
    Ok(timeout(bounds, secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(idle_secs: u64) -> Config {
        let mut config = Config::from_lookup(|_| None).expect("default config");
        config.session_idle_timeout = std::time::Duration::from_secs(idle_secs);
        config
    }

    #[test]
    fn the_servers_default_is_clamped_to_the_list() {
        assert_eq!(default_secs(&config(1800)), 1800);
        assert_eq!(default_secs(&config(2700)), 1800);
        assert_eq!(default_secs(&config(60)), 900);
        assert_eq!(default_secs(&config(86_400)), 28_800);
    }

    #[test]
    fn only_listed_values_are_accepted_or_used() {
        for secs in SESSION_TIMEOUT_CHOICES_SECS {
            assert_eq!(parse_choice(secs).unwrap(), secs);
        }
        for secs in [0, -900, 60, 1799, 28_801, i64::MAX] {
            assert!(
                matches!(parse_choice(secs), Err(ApiError::Validation(_))),
                "{secs}"
            );
        }
        assert_eq!(effective_secs(&config(1800), Some(7200)), 7200);
        assert_eq!(effective_secs(&config(1800), Some(61)), 1800);
        assert_eq!(effective_secs(&config(1800), None), 1800);
    }
}
