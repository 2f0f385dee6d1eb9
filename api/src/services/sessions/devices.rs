//! Trusted devices: browsers an account has confirmed with a code and asked
//! to remember, so no new-device code is asked from them again.

use chrono::NaiveDateTime;
use portcullis_shared::vocabulary::SecurityEventKind;

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    delivery::i18n,
    now,
    sessions::portal_session::{ClientContext, PortalSession},
    AppState,
};
use crate::{
    db::{
        accounts::AccountRow,
        devices::{self as device_rows, TrustedDeviceRow},
        DbConnection,
    },
    domain::DeviceToken,
    error::{ApiError, ApiResult},
};

const USER_AGENT_MAX_CHARS: usize = 512;

pub fn is_trusted(
    conn: &mut DbConnection,
    account_id: &str,
    device_hash: &str,
) -> diesel::QueryResult<bool> {
    Ok(device_rows::find(conn, account_id, device_hash)?.is_some())
}

/// Trusts the browser for the account (or refreshes it if it already is),
/// inside the caller's transaction. True when it was not trusted before.
pub fn trust(
    conn: &mut DbConnection,
    account: &AccountRow,
    device_hash: &str,
    client: &ClientContext,
) -> diesel::QueryResult<bool> {
    let at = now();
    let user_agent: String = client
        .user_agent
        .chars()
        .take(USER_AGENT_MAX_CHARS)
        .collect();
    let ip = client.ip.to_string();
    if let Some(existing) = device_rows::find(conn, &account.id, device_hash)? {
        device_rows::touch(conn, &existing.id, at, &ip, &user_agent)?;
        return Ok(false);
    }
    device_rows::insert(
        conn,
        &TrustedDeviceRow {
            id: format!("dev_{}", uuid::Uuid::now_v7().simple()),
            account_id: account.id.clone(),
            device_hash: device_hash.to_owned(),
            user_agent,
            created_at: at,
            last_seen_at: at,
            last_ip: ip,
        },
    )?;
    Ok(true)
}

/// A browser the account trusts.
#[derive(Debug, Clone)]
pub struct TrustedDevice {
    pub id: String,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub last_ip: String,
    /// It is the browser that asked.
    pub current: bool,
}

fn trusted_device(row: TrustedDeviceRow, current_hash: Option<&str>) -> TrustedDevice {
    TrustedDevice {
        current: current_hash == Some(row.device_hash.as_str()),
        id: row.id,
        user_agent: row.user_agent,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        last_ip: row.last_ip,
    }
}

/// The account's trusted devices, this browser marked.
pub async fn list(
    state: &AppState,
    session: &PortalSession,
    device: Option<&DeviceToken>,
) -> ApiResult<Vec<TrustedDevice>> {
    let account_id = session.account.id.clone();
    let current = device.map(DeviceToken::storage_id);
    let rows = state
        .db
        .run(move |conn| Ok(device_rows::list(conn, &account_id)?))
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| trusted_device(row, current.as_deref()))
        .collect())
}

/// Forgets a trusted device: its next sign-in needs a code again.
pub async fn remove(
    state: &AppState,
    session: &PortalSession,
    id: &str,
    client: &ClientContext,
) -> ApiResult<()> {
    let (account_id, id) = (session.account.id.clone(), id.to_owned());
    let event = SecurityEvent::new(
        &account_id,
        Actor::Account(account_id.clone()),
        SecurityEventKind::DeviceRemoved,
    )
    .from_client(client)
    .detail("device_id", id.clone());
    state
        .db
        .transaction(move |conn| {
            if !device_rows::delete(conn, &account_id, &id)? {
                return Err(ApiError::NotFound);
            }
            security_log::record(conn, &event)?;
            Ok(())
        })
        .await
}

/// E-mails the owner about a sign-in from a browser that was not trusted.
/// Best effort: the sign-in stands whether or not the e-mail goes out.
pub async fn notify_new_device_sign_in(
    state: &AppState,
    account: &AccountRow,
    client: &ClientContext,
) {
    let (time, ip) = (
        now().format("%Y-%m-%d %H:%M:%S").to_string(),
        client.ip.to_string(),
    );
    let devices_page = state.config.portal_links().devices();
    crate::services::accounts::notify(state, &account.id, "new-device e-mail", |language| {
        i18n::new_device_sign_in(language, &time, &ip, &client.user_agent, &devices_page)
            .mail(account.email.clone(), "new_device_sign_in")
    })
    .await;
}
