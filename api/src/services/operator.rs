//! What the gateway's operator does from the command line (`portcullis
//! admin …`), against the configured storage. Every change is recorded in the
//! account's security log with the actor `operator`, in the change's own
//! transaction. Errors are for people: they name what was not found or not
//! allowed.

use portcullis_shared::vocabulary::SecurityEventKind;

use crate::{
    db::{
        accounts::{self as account_rows, AccountRow},
        oauth as oauth_rows, portal_allowlist as portal_rows, senders as sender_rows,
        sessions as session_rows, sms as sms_rows, subusers as subuser_rows, tokens as token_rows,
        two_factor as factor_rows, write_transaction, DbConnection,
    },
    domain::Email,
    error::ApiError,
    services::{
        audit::security_log::{self, Actor, SecurityEvent},
        cache::cache_sync::{self, Change},
        rfc3339, senders,
        sessions::{portal_session::end_reasons, throttle},
    },
};

/// Longest reason the operator may give.
const REASON_MAX_CHARS: usize = 200;

fn operator_event(account_id: &str, kind: SecurityEventKind) -> SecurityEvent {
    SecurityEvent::new(account_id, Actor::Operator, kind)
}

/// The account (owner or subuser) with this e-mail.
fn account_by_email(conn: &mut DbConnection, email: &str) -> anyhow::Result<AccountRow> {
    account_rows::find_by_email(conn, &Email::normalize(email))?
        .ok_or_else(|| anyhow::anyhow!("no account with the e-mail {email}"))
}

/// The company account (not a subuser) with this e-mail.
fn owner_by_email(conn: &mut DbConnection, email: &str) -> anyhow::Result<AccountRow> {
    let account = account_by_email(conn, email)?;
    if account.is_subuser() {
        anyhow::bail!("{email} is a subuser; points belong to the company's owner account");
    }
    Ok(account)
}

fn checked_reason(reason: &str) -> anyhow::Result<String> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
        anyhow::bail!("give a --reason of 1 to {REASON_MAX_CHARS} characters");
    }
    Ok(reason.to_owned())
}

/// Runs `work` in a write transaction, turning storage errors into messages.
fn in_transaction<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    write_transaction(conn, |conn| work(conn).map_err(ApiError::internal)).map_err(|error| {
        match error {
            ApiError::Internal(cause) => cause,
            other => anyhow::anyhow!("{other}"),
        }
    })
}

/// Adds `delta` points (negative: deducts) to the owner account of `email`,
/// never below zero; answers the new balance.
pub fn adjust_points(
    conn: &mut DbConnection,
    email: &str,
    delta: i64,
    reason: &str,
) -> anyhow::Result<i64> {
    if delta == 0 {
        anyhow::bail!("the amount must not be zero");
    }
    let reason = checked_reason(reason)?;
    in_transaction(conn, |conn| {
        let account = owner_by_email(conn, email)?;
        let Some(balance) = sms_rows::adjust_points(conn, &account.id, delta)? else {
            anyhow::bail!(
                "{email} has {} points; deducting {} would leave fewer than none",
                account.points_balance,
                -delta
            );
        };
        security_log::record(
            conn,
            &operator_event(&account.id, SecurityEventKind::PointsAdjusted)
                .detail("delta", delta.to_string())
                .detail("balance", balance.to_string())
                .detail("reason", reason),
        )?;
        Ok(balance)
    })
}

/// Ends the sign-in lock (and the failures counted) of `email`'s login.
/// A lock on a source address stays: it protects every account.
pub fn lift_sign_in_lock(conn: &mut DbConnection, email: &str) -> anyhow::Result<()> {
    in_transaction(conn, |conn| {
        let account = account_by_email(conn, email)?;
        throttle::clear_email(conn, &account.email_normalized)?;
        security_log::record(
            conn,
            &operator_event(&account.id, SecurityEventKind::SignInLockLifted),
        )?;
        Ok(())
    })
}

/// What a suspension or reinstatement did.
pub struct Suspension {
    /// False when the account already was as asked (nothing changed, nothing logged).
    pub changed: bool,
    /// The company's portal sessions it ended (owner's and subusers').
    pub sessions_ended: usize,
}

/// Suspends (`suspend`) or reinstates the company account with this e-mail:
/// in one transaction the account is marked, every session of the owner and
/// its subusers ends, the event is logged as done by the operator, and every
/// server process is told (its tokens and clients are refused from then on).
pub fn set_suspended(
    conn: &mut DbConnection,
    email: &str,
    suspend: bool,
    reason: &str,
) -> anyhow::Result<Suspension> {
    let reason = checked_reason(reason)?;
    in_transaction(conn, |conn| {
        let account = account_by_email(conn, email)?;
        if account.is_subuser() {
            anyhow::bail!(
                "{email} is a subuser; suspend the company's owner account (or let the owner disable the subuser)"
            );
        }
        let at = crate::services::now();
        let suspension = suspend.then_some((reason.as_str(), at));
        if !account_rows::set_suspended(conn, &account.id, suspension)? {
            return Ok(Suspension {
                changed: false,
                sessions_ended: 0,
            });
        }
        let mut sessions_ended = 0;
        let mut event = operator_event(
            &account.id,
            if suspend {
                SecurityEventKind::AccountSuspended
            } else {
                SecurityEventKind::AccountReinstated
            },
        )
        .detail("reason", reason.clone());
        if suspend {
            let mut logins = subuser_rows::all_subuser_ids(conn, &account.id)?;
            logins.push(account.id.clone());
            for login in &logins {
                sessions_ended += session_rows::end_account_sessions(
                    conn,
                    login,
                    None,
                    at,
                    end_reasons::SUSPENDED,
                )?;
            }
            event = event.detail("sessions_ended", sessions_ended.to_string());
        }
        security_log::record(conn, &event)?;
        cache_sync::announce(conn, &Change::Account(account.id.clone()))?;
        Ok(Suspension {
            changed: true,
            sessions_ended,
        })
    })
}

/// One sender name waiting for (or past) the operator's decision.
pub struct SenderLine {
    pub id: String,
    pub name: String,
    pub status: String,
    pub account_email: String,
    pub requested_at: String,
}

/// Every account's sender names with `status`, oldest first.
pub fn senders_with_status(
    conn: &mut DbConnection,
    status: &str,
) -> anyhow::Result<Vec<SenderLine>> {
    let rows = sender_rows::list_by_status(conn, status)?;
    rows.into_iter()
        .map(|row| {
            let email = account_rows::find_by_id(conn, &row.account_id)?
                .map(|account| account.email)
                .unwrap_or_default();
            Ok(SenderLine {
                id: row.id,
                name: row.name,
                status: row.status,
                account_email: email,
                requested_at: rfc3339(row.created_at),
            })
        })
        .collect()
}

/// Approves or rejects the sender name `id`, recorded in its account's log.
pub fn decide_sender(conn: &mut DbConnection, id: &str, approve: bool) -> anyhow::Result<()> {
    in_transaction(conn, |conn| {
        let sender = sender_rows::find_sender(conn, id)?
            .ok_or_else(|| anyhow::anyhow!("no sender name with id {id}"))?;
        senders::decide(conn, id, approve)?;
        security_log::record(
            conn,
            &operator_event(&sender.account_id, SecurityEventKind::SenderDecided)
                .detail("sender", sender.name)
                .detail(
                    "decision",
                    if approve {
                        senders::statuses::APPROVED
                    } else {
                        senders::statuses::REJECTED
                    },
                ),
        )?;
        Ok(())
    })
}

/// An account's security state as the operator may see it: methods, limits
/// and credentials with their last use — never a secret, hash or code.
pub fn security_state(conn: &mut DbConnection, email: &str) -> anyhow::Result<Vec<String>> {
    let account = account_by_email(conn, email)?;
    let id = account.id.clone();
    let mut lines = vec![
        format!("account {id} <{}>", account.email),
        match &account.parent_id {
            Some(owner) => format!("  subuser of {owner}"),
            None => format!(
                "  owner; {} subuser(s)",
                subuser_rows::all_subuser_ids(conn, &id)?.len()
            ),
        },
        format!("  created {}", rfc3339(account.created_at)),
        format!(
            "  status: {}",
            match (
                account_rows::suspension(conn, account.tenant_id())?,
                account.disabled_at,
            ) {
                (Some((at, reason)), _) =>
                    format!("suspended by the operator since {} ({reason})", rfc3339(at)),
                (None, Some(at)) => format!("disabled since {}", rfc3339(at)),
                (None, None) => "active".to_owned(),
            }
        ),
        format!("  points: {}", account.points_balance),
        format!(
            "  two-factor required by the owner: {}",
            if account.require_two_factor {
                "yes"
            } else {
                "no"
            }
        ),
    ];
    let factors = factor_rows::factors(conn, &id)?;
    let methods: Vec<String> = factors
        .iter()
        .filter(|factor| factor.confirmed_at.is_some())
        .map(|factor| factor.kind.clone())
        .collect();
    lines.push(format!(
        "  two-factor methods: {}",
        if methods.is_empty() {
            "none".to_owned()
        } else {
            methods.join(", ")
        }
    ));
    lines.push(format!(
        "  recovery codes left: {}",
        factor_rows::unused_recovery_codes(conn, &id)?
    ));
    let portal = portal_rows::list_values(conn, account.tenant_id())?;
    lines.push(format!(
        "  portal allowlist: {}",
        if portal.is_empty() {
            "open to every address".to_owned()
        } else {
            portal
                .iter()
                .map(|(value, expires_at)| match expires_at {
                    Some(until) => format!("{value} (until {})", crate::services::rfc3339(*until)),
                    None => value.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    let api: Vec<String> = token_rows::list_allowlist(conn, account.tenant_id())?
        .into_iter()
        .map(|entry| entry.value)
        .collect();
    lines.push(format!(
        "  API allowlist: {}",
        if api.is_empty() {
            "open to every address".to_owned()
        } else {
            api.join(", ")
        }
    ));
    let countries = sms_rows::allowed_countries(conn, account.tenant_id(), crate::services::now())?;
    lines.push(format!("  destination countries: {}", countries.join(", ")));
    let tokens = token_rows::list_tokens(conn, &id)?;
    lines.push(format!("  API tokens: {}", tokens.len()));
    for token in tokens {
        lines.push(format!(
            "    {} \"{}\" scopes [{}] {}; expires {}; last used {}",
            token.id,
            token.name,
            token.scopes,
            if token.disabled_at.is_some() {
                "disabled"
            } else {
                "enabled"
            },
            token
                .expires_at
                .map(rfc3339)
                .unwrap_or_else(|| "never".into()),
            match (token.last_used_at, token.last_used_ip) {
                (Some(at), Some(ip)) => format!("{} from {ip}", rfc3339(at)),
                (Some(at), None) => rfc3339(at),
                _ => "never".into(),
            }
        ));
    }
    let clients = oauth_rows::list_clients(conn, &id)?;
    lines.push(format!("  OAuth clients: {}", clients.len()));
    for client in clients {
        lines.push(format!(
            "    {} \"{}\" scopes [{}] {}",
            client.id,
            client.name,
            client.scopes,
            if client.disabled_at.is_some() {
                "disabled"
            } else {
                "enabled"
            },
        ));
    }
    Ok(lines)
}
