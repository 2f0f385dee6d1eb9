//! Leaked-credential reports (`POST /api/v1/token-leaks`), as GitHub's secret
//! scanning does for its own tokens: anyone who finds a `pcl_at_…` access
//! token or a `pcl_cs_…` client secret in public posts it, with the URL where
//! it was found, and a genuine credential is revoked at once:
//!
//! - a portal token is deleted (a leaked bearer secret cannot be made secret
//!   again; the owner makes a new one);
//! - a token issued to an OAuth client is revoked (its `jti`); the client's
//!   secret was not in it, so the client keeps working;
//! - a client secret: the client is disabled (its issued tokens are refused at
//!   once, no new ones are issued) and the secret's hash is replaced, so the
//!   leaked secret never works again even if the owner re-enables the client.
//!   Only the account owner can re-enable it.
//!
//! Every process drops its cached copy (the change is announced in the same
//! transaction), the owner is e-mailed with the URL, and `token_leak_reported`
//! is logged.
//!
//! The answer never says whether a string was a real credential: it is
//! decided from the request alone (its shape and the reporter's rate limit),
//! before any string is looked at, and the strings are checked afterwards,
//! off the request — so neither the status, the body nor the time taken
//! depends on them.

use std::{net::IpAddr, sync::Arc};

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use diesel::QueryResult;
use portcullis_shared::problem::FieldError;
use portcullis_shared::vocabulary::SecurityEventKind;
use rand::RngCore;

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    cache::cache_sync::{self, Change},
    delivery::{
        i18n::{self, LeakAction},
        Mail,
    },
    now, rfc3339,
    tokens::{
        api_tokens::PORTAL_CLIENT_ID,
        credential_networks::{self, CredentialKind},
        oauth::{hash_secret, CLIENT_SECRET_PREFIX},
        signing::{VerifyError, ACCESS_TOKEN_PREFIX},
    },
    AppState,
};
use crate::{
    db::{
        login_preferences::{self as preference_rows, Recipient},
        oauth as oauth_rows, throttles as throttle_rows, token_leaks as leak_rows,
        tokens as token_rows, DbConnection,
    },
    error::{ApiError, ApiResult},
    links::PortalLinks,
};

/// Most reports in one request.
pub const MAX_REPORTS: usize = 100;
/// Longest string accepted as a reported token.
pub const MAX_TOKEN_CHARS: usize = 4096;
/// Longest URL accepted.
pub const MAX_URL_CHARS: usize = 2048;
/// Requests one source address (IPv6: its /64) may make per hour.
pub const REQUESTS_PER_ADDRESS_PER_HOUR: i64 = 20;

/// One report, checked for shape.
#[derive(Debug, Clone)]
pub struct LeakReport {
    pub token: String,
    pub url: Option<String>,
}

/// A report as posted: its token and URL, and the field prefix naming it in errors.
pub struct PostedReport {
    pub field_prefix: String,
    pub token: String,
    pub url: Option<String>,
}

/// Checks the shape of every report; errors name the field (`token`, `url`,
/// or `[2].token` in a list).
pub fn parse_reports(posted: Vec<PostedReport>, listed: bool) -> ApiResult<Vec<LeakReport>> {
    if listed && posted.is_empty() {
        return Err(ApiError::field(
            "reports",
            "required",
            "Send at least one report.",
        ));
    }
    if posted.len() > MAX_REPORTS {
        return Err(ApiError::field(
            "reports",
            "too_many",
            &format!("Send at most {MAX_REPORTS} reports at once."),
        ));
    }
    let mut errors = Vec::new();
    let mut reports = Vec::with_capacity(posted.len());
    for report in posted {
        let field = |name: &str| format!("{}{name}", report.field_prefix);
        let token = report.token.trim().to_owned();
        if token.is_empty() {
            errors.push(FieldError::new(
                &field("token"),
                "required",
                "Send the string that was found.",
            ));
        } else if token.chars().count() > MAX_TOKEN_CHARS {
            errors.push(FieldError::new(
                &field("token"),
                "too_long",
                format!("At most {MAX_TOKEN_CHARS} characters."),
            ));
        }
        let url = report
            .url
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty());
        if let Some(url) = &url {
            if url.chars().count() > MAX_URL_CHARS {
                errors.push(FieldError::new(
                    &field("url"),
                    "too_long",
                    format!("At most {MAX_URL_CHARS} characters."),
                ));
            } else if !is_web_url(url) {
                errors.push(FieldError::new(
                    &field("url"),
                    "invalid_url",
                    "Send an http:// or https:// URL.",
                ));
            }
        }
        reports.push(LeakReport { token, url });
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(reports)
}

fn is_web_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// Accepts checked reports from `ip` (within its hourly limit, counted in
/// storage so it holds across processes) and checks them off the request.
pub async fn accept_reports(
    state: Arc<AppState>,
    reports: Vec<LeakReport>,
    ip: IpAddr,
) -> ApiResult<usize> {
    let at = now();
    let key = throttle_key(ip);
    let (count, window_started_at) = state
        .db
        .transaction(move |conn| Ok(count_request(conn, &key, at)?))
        .await?;
    if count > REQUESTS_PER_ADDRESS_PER_HOUR {
        let retry = (window_started_at + ChronoDuration::hours(1) - at)
            .num_seconds()
            .max(1);
        return Err(ApiError::RateLimited {
            retry_after_secs: u64::try_from(retry).unwrap_or(1),
        });
    }
    let received = reports.len();
    tokio::spawn(async move {
        for report in reports {
            if let Err(error) = check_report(&state, &report, ip).await {
                tracing::warn!(%error, "a leaked-credential report could not be handled");
            }
        }
    });
    Ok(received)
}

/// The throttle counter of a source address (IPv6 per /64).
fn throttle_key(ip: IpAddr) -> String {
    let ip = match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => format!("token_leaks_ip:{v4}"),
        IpAddr::V6(v6) => format!(
            "token_leaks_ip:{}",
            crate::services::sessions::throttle::ipv6_64(v6)
        ),
    }
}

/// Counts one request under `key` (row-locked) in its hour; the count and the window's start.
fn count_request(
    conn: &mut DbConnection,
    key: &str,
    at: NaiveDateTime,
) -> QueryResult<(i64, NaiveDateTime)> {
    let mut row = throttle_rows::lock_row(conn, key, at)?;
    if at - row.window_started_at >= ChronoDuration::hours(1) {
        row.failures = 0;
        row.window_started_at = at;
    }
    row.failures += 1;
    row.updated_at = at;
    throttle_rows::save(conn, &row)?;
    Ok((row.failures, row.window_started_at))
}

/// What a genuine report revoked.
struct Revoked {
    account_id: String,
    kind: CredentialKind,
    id: String,
    name: String,
    /// `token_deleted`, `token_revoked` or `client_disabled`.
    action: &'static str,
    change: Change,
}

/// Checks one string; revokes it, logs and e-mails when it is a live credential of ours.
async fn check_report(state: &AppState, report: &LeakReport, ip: IpAddr) -> ApiResult<()> {
    // Hashed whatever it is, as a client secret would be.
    let hashed = hash_secret(&report.token);
    let revoked = if report.token.starts_with(ACCESS_TOKEN_PREFIX) {
        revoke_access_token(state, &report.token, report.url.clone(), ip).await?
    } else if report.token.starts_with(CLIENT_SECRET_PREFIX) {
        disable_client(state, hashed, report.url.clone(), ip).await?
    } else {
        None
    };
    let Some((revoked, recipient)) = revoked else {
        return Ok(());
    };
    state.forget_committed(revoked.change.clone());
    tracing::info!(
        account_id = %revoked.account_id,
        credential_id = %revoked.id,
        action = revoked.action,
        "leaked credential revoked"
    );
    if let Some(recipient) = recipient {
        let mail = leak_mail(
            &recipient,
            &revoked,
            report.url.as_deref(),
            &state.config.public_url,
        );
        state.mailer.send(&mail).await?;
    }
    Ok(())
}

fn event(revoked: &Revoked, url: Option<&str>, ip: IpAddr) -> SecurityEvent {
    let mut event = SecurityEvent::new(
        &revoked.account_id,
        Actor::Anonymous,
        SecurityEventKind::TokenLeakReported,
    )
    .detail(
        match revoked.kind {
            CredentialKind::Token => "token_id",
            CredentialKind::Client => "client_id",
        },
        revoked.id.clone(),
    )
    .detail("name", revoked.name.clone())
    .detail("action", revoked.action);
    if let Some(url) = url {
        event = event.detail("url", url);
    }
    event.ip = Some(ip.to_string());
    event
}

/// Records the revocation's event and announcement in the same transaction;
/// answers where the e-mail to the owner goes, and in which language.
fn record(
    conn: &mut DbConnection,
    revoked: &Revoked,
    url: Option<&str>,
    ip: IpAddr,
) -> ApiResult<Option<Recipient>> {
    security_log::record(conn, &event(revoked, url, ip))?;
    cache_sync::announce(conn, &revoked.change)?;
    Ok(preference_rows::recipient(conn, &revoked.account_id)?)
}

async fn revoke_access_token(
    state: &AppState,
    secret: &str,
    url: Option<String>,
    ip: IpAddr,
) -> ApiResult<Option<(Revoked, Option<Recipient>)>> {
    let mut verified = state.access.keys().verify(secret);
    if matches!(verified, Err(VerifyError::Malformed))
        && state.access.keys().names_newer_key(secret)
    {
        // Signed by another process with a key made a moment ago.
        state
            .access
            .reload_keys(&state.db, std::time::Instant::now())
            .await?;
        verified = state.access.keys().verify(secret);
    }
    let claims = match verified {
        Ok(claims) => claims,
        // Expired or not ours: nothing to revoke.
        Err(VerifyError::Malformed | VerifyError::Expired(_)) => return Ok(None),
    };
    state
        .db
        .transaction(move |conn| {
            let at = now();
            let revoked = if claims.client_id == PORTAL_CLIENT_ID {
                let Some(token) = token_rows::find_token(conn, &claims.jti)?
                    .filter(|row| row.account_id == claims.sub)
                else {
                    return Ok(None);
                };
                credential_networks::forget_credential(conn, CredentialKind::Token, &token.id)?;
                token_rows::delete_token(conn, &token.id)?;
                Revoked {
                    account_id: token.account_id,
                    kind: CredentialKind::Token,
                    change: Change::Token(token.id.clone()),
                    id: token.id,
                    name: token.name,
                    action: "token_deleted",
                }
            } else {
                let Some(client) = oauth_rows::find_client(conn, &claims.client_id)?
                    .filter(|row| row.account_id == claims.sub)
                else {
                    return Ok(None);
                };
                let expires_at = claims
                    .exp
                    .and_then(|exp| chrono::DateTime::from_timestamp(exp, 0))
                    .map(|t| t.naive_utc())
                    .unwrap_or(at);
                oauth_rows::insert_revoked(conn, &claims.jti, &client.account_id, expires_at, at)?;
                Revoked {
                    account_id: client.account_id,
                    kind: CredentialKind::Client,
                    change: Change::Revoked(claims.jti.clone()),
                    id: client.id,
                    name: client.name,
                    action: "token_revoked",
                }
            };
            let recipient = record(conn, &revoked, url.as_deref(), ip)?;
            Ok(Some((revoked, recipient)))
        })
        .await
}

async fn disable_client(
    state: &AppState,
    hashed: String,
    url: Option<String>,
    ip: IpAddr,
) -> ApiResult<Option<(Revoked, Option<Recipient>)>> {
    let mut random = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut random);
    // Not hex: no secret ever hashes to it.
    let invalidated = format!(
        "leaked:{}",
        random
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    state
        .db
        .transaction(move |conn| {
            let Some(client) = leak_rows::find_client_by_secret_hash(conn, &hashed, now())? else {
                return Ok(None);
            };
            let disabled_at = client.disabled_at.unwrap_or_else(now);
            if !leak_rows::disable_leaked_client(
                conn,
                &client.id,
                &hashed,
                &invalidated,
                disabled_at,
            )? {
                return Ok(None);
            }
            let revoked = Revoked {
                account_id: client.account_id,
                kind: CredentialKind::Client,
                change: Change::Client(client.id.clone()),
                id: client.id,
                name: client.name,
                action: "client_disabled",
            };
            let recipient = record(conn, &revoked, url.as_deref(), ip)?;
            Ok(Some((revoked, recipient)))
        })
        .await
}

fn leak_mail(to: &Recipient, revoked: &Revoked, url: Option<&str>, public_url: &str) -> Mail {
    let (action, page) = match revoked.action {
        "token_deleted" => (
            LeakAction::TokenDeleted,
            PortalLinks::new(public_url).tokens(),
        ),
        "token_revoked" => (
            LeakAction::TokenRevoked,
            format!("{public_url}/oauth-clients"),
        ),
        _ => (
            LeakAction::ClientDisabled,
            format!("{public_url}/oauth-clients"),
        ),
    };
    i18n::credential_leak(
        to.language,
        action,
        &revoked.name,
        url,
        &rfc3339(now()),
        &page,
    )
    .mail(to.email.clone(), "token_leak")
}
