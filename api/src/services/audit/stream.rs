//! The security-log stream: one per company, set up by its owner, to the
//! customer's own HTTPS endpoint (a SIEM), as GitHub's audit-log streaming.
//! Here: setting it up, replacing its URL or secret, removing it, a test
//! event, and its health. Delivery is in [`super::stream_delivery`].
//!
//! The signing secret is shown once; it is kept sealed with the
//! key-encryption key (an HMAC key must be usable, so it cannot be hashed).

use chrono::NaiveDateTime;
use portcullis_shared::vocabulary::SecurityEventKind;
use rand::RngCore;
use zeroize::Zeroizing;

use super::security_log::{self, SecurityEvent};
use crate::services::sessions::login::confirm_session_password;
use crate::{
    db::security_streams::{self as stream_rows, Backlog, StreamRow},
    domain::stream_url::{StreamUrl, UrlRefusal},
    error::{ApiError, ApiResult},
    services::{
        access::Principal,
        now,
        secrets_at_rest::stream_secret_at,
        sessions::portal_session::{ClientContext, PortalSession},
        AppState,
    },
};

/// What a stream secret starts with (as Stripe's `whsec_`), so a leaked one is recognised.
pub const SECRET_PREFIX: &str = "whsec_";

/// A stream and its health, as stored.
#[derive(Debug, Clone)]
pub struct Stream {
    pub id: String,
    pub url: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_success_at: Option<NaiveDateTime>,
    pub last_failure_at: Option<NaiveDateTime>,
    pub last_failure: Option<String>,
    pub consecutive_failures: i64,
    pub next_attempt_at: NaiveDateTime,
    pub backlog: Backlog,
}

/// A stream just saved, with its new secret when it got one (shown this once).
#[derive(Debug)]
pub struct SavedStream {
    pub stream: Stream,
    pub secret: Option<Zeroizing<String>>,
}

fn stream(row: StreamRow, backlog: Backlog) -> Stream {
    Stream {
        id: row.id,
        url: row.url,
        created_at: row.created_at,
        updated_at: row.updated_at,
        last_success_at: row.last_success_at,
        last_failure_at: row.last_failure_at,
        last_failure: row.last_failure,
        consecutive_failures: row.consecutive_failures,
        next_attempt_at: row.next_attempt_at,
        backlog,
    }
}

fn new_secret() -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    let mut secret = Zeroizing::new(String::with_capacity(SECRET_PREFIX.len() + 64));
    secret.push_str(SECRET_PREFIX);
    for b in bytes.iter() {
        secret.push_str(&format!("{b:02x}"));
    }
    secret
}

fn url_refused(refusal: UrlRefusal) -> ApiError {
    ApiError::field("url", refusal.code, &refusal.message)
}

/// The addresses `domain` resolves to now (a blocking lookup, off the workers).
pub async fn resolve(domain: &str, port: u16) -> Vec<std::net::IpAddr> {
    use std::net::ToSocketAddrs;
    let host = domain.to_owned();
    tokio::task::spawn_blocking(move || {
        (host.as_str(), port)
            .to_socket_addrs()
            .map(|addrs| addrs.map(|a| a.ip()).collect())
            .unwrap_or_default()
    })
    .await
    .unwrap_or_default()
}

/// Parses `url` and checks where it points, as a delivery would now.
async fn checked_url(state: &AppState, url: &str) -> ApiResult<StreamUrl> {
    let policy = state.config.security_stream.policy;
    let url = StreamUrl::parse(url, policy).map_err(url_refused)?;
    if let Some(domain) = url.domain() {
        let addresses = resolve(domain, url.port()).await;
        policy.check_addresses(&addresses).map_err(url_refused)?;
    }
    Ok(url)
}

/// The company's stream and its health; `not_found` when it has none.
pub async fn get_stream(state: &AppState, principal: &Principal) -> ApiResult<Stream> {
    let company = principal.tenant_id.clone();
    state
        .db
        .run(move |conn| {
            let row = stream_rows::find_for_account(conn, &company)?.ok_or(ApiError::NotFound)?;
            let backlog = stream_rows::backlog(conn, &row.id)?;
            Ok(stream(row, backlog))
        })
        .await
}

/// Sets the company's stream to `url`, or points the existing one there
/// (keeping its secret and its queue, which goes to the new URL). The owner
/// re-enters the password: where the log goes is a security change.
pub async fn set_stream(
    state: &AppState,
    session: &PortalSession,
    principal: &Principal,
    url: &str,
    password: String,
    client: &ClientContext,
) -> ApiResult<SavedStream> {
    let policy = state.config.security_stream.policy;
    StreamUrl::parse(url, policy).map_err(url_refused)?;
    confirm_session_password(state, session, password, client).await?;
    let url = checked_url(state, url).await?;
    let fresh = new_secret();
    let (company, kek, client) = (
        principal.tenant_id.clone(),
        state.kek.clone(),
        client.clone(),
    );
    let principal = principal.clone();
    let url = url.as_str().to_owned();
    let secret = fresh.clone();
    let (row, created) = state
        .db
        .transaction(move |conn| {
            let at = now();
            let (id, created) = match stream_rows::find_for_account(conn, &company)? {
                Some(existing) => {
                    stream_rows::set_url(conn, &existing.id, &url, at)?;
                    (existing.id, false)
                }
                None => {
                    let id = format!("sst_{}", uuid::Uuid::now_v7().simple());
                    stream_rows::insert(
                        conn,
                        &StreamRow {
                            secret: kek.seal(&stream_secret_at(&id), secret.as_bytes()),
                            id: id.clone(),
                            account_id: company.clone(),
                            url: url.clone(),
                            created_at: at,
                            updated_at: at,
                            last_success_at: None,
                            last_failure_at: None,
                            last_failure: None,
                            consecutive_failures: 0,
                            next_attempt_at: at,
                            lease_until: None,
                            lease_owner: None,
                        },
                    )?;
                    (id, true)
                }
            };
            security_log::record(
                conn,
                &SecurityEvent::by_login(&principal, SecurityEventKind::StreamConfigured, &client)
                    .detail("url", url.clone())
                    .detail("change", if created { "created" } else { "url" }),
            )?;
            let row = stream_rows::find(conn, &id)?.ok_or(ApiError::NotFound)?;
            Ok((row, created))
        })
        .await?;
    let saved = with_backlog(state, row).await?;
    Ok(SavedStream {
        stream: saved,
        secret: created.then_some(fresh),
    })
}

async fn with_backlog(state: &AppState, row: StreamRow) -> ApiResult<Stream> {
    let id = row.id.clone();
    let backlog = state
        .db
        .run(move |conn| Ok(stream_rows::backlog(conn, &id)?))
        .await?;
    Ok(stream(row, backlog))
}

/// Replaces the stream's secret; the old one stops signing at once.
pub async fn rotate_secret(
    state: &AppState,
    session: &PortalSession,
    principal: &Principal,
    password: String,
    client: &ClientContext,
) -> ApiResult<SavedStream> {
    confirm_session_password(state, session, password, client).await?;
    let fresh = new_secret();
    let (company, kek, client) = (
        principal.tenant_id.clone(),
        state.kek.clone(),
        client.clone(),
    );
    let principal = principal.clone();
    let secret = fresh.clone();
    let row = state
        .db
        .transaction(move |conn| {
            let row = stream_rows::find_for_account(conn, &company)?.ok_or(ApiError::NotFound)?;
            let sealed = kek.seal(&stream_secret_at(&row.id), secret.as_bytes());
            if !stream_rows::replace_secret(conn, &row.id, &row.secret, &sealed, Some(now()))? {
                return Err(ApiError::Conflict {
                    detail: "The secret was changed at the same moment; try again.".into(),
                    errors: Vec::new(),
                });
            }
            security_log::record(
                conn,
                &SecurityEvent::by_login(
                    &principal,
                    SecurityEventKind::StreamSecretRotated,
                    &client,
                ),
            )?;
            stream_rows::find(conn, &row.id)?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(SavedStream {
        stream: with_backlog(state, row).await?,
        secret: Some(fresh),
    })
}

/// Removes the stream; events still waiting for it stay in the log only (the
/// number is recorded with the removal).
pub async fn remove_stream(
    state: &AppState,
    principal: &Principal,
    client: &ClientContext,
) -> ApiResult<()> {
    let (company, client, principal) = (
        principal.tenant_id.clone(),
        client.clone(),
        principal.clone(),
    );
    state
        .db
        .transaction(move |conn| {
            let row = stream_rows::find_for_account(conn, &company)?.ok_or(ApiError::NotFound)?;
            let dropped = stream_rows::delete(conn, &row.id)?;
            security_log::record(
                conn,
                &SecurityEvent::by_login(&principal, SecurityEventKind::StreamRemoved, &client)
                    .detail("url", row.url)
                    .detail("pending_dropped", dropped.to_string()),
            )?;
            Ok(())
        })
        .await
}

/// Records a `stream_test` event, which the stream delivers like every other;
/// answers its id.
pub async fn test_stream(
    state: &AppState,
    principal: &Principal,
    client: &ClientContext,
) -> ApiResult<String> {
    let (company, client, principal) = (
        principal.tenant_id.clone(),
        client.clone(),
        principal.clone(),
    );
    state
        .db
        .transaction(move |conn| {
            stream_rows::find_for_account(conn, &company)?.ok_or(ApiError::NotFound)?;
            Ok(security_log::record_with_id(
                conn,
                &SecurityEvent::by_login(&principal, SecurityEventKind::StreamTest, &client),
            )?)
        })
        .await
}
