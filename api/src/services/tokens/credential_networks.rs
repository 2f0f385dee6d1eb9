//! First use from a new network: the networks (/24 for IPv4, /48 for IPv6)
//! each API credential was used from, the owner's notice when one is used
//! from a network outside every one it was used from in the last 90 days,
//! and pinning ("refuse calls from new networks", trust on first use).
//!
//! A credential is a portal token, or an OAuth client: the tokens issued to a
//! client count for the client.
//!
//! The hot path does no query for a network it knows: known (credential,
//! network) pairs are kept in a bounded in-memory cache, and each use is only
//! counted in memory, written in batches with the tokens' last use
//! ([`crate::services::tokens::api_access::ApiAccess::flush_last_used`]).
//! Only a network this process has not seen for the credential reads storage,
//! and only a new one writes: in one transaction it claims a place on the
//! credential's settings row (a conditional UPDATE, so claims from every
//! process and the pinning itself take turns), records the network, logs
//! `token_used_from_new_network` and claims the e-mail (at most one per
//! credential per hour, again a conditional UPDATE).
//!
//! Decisions, documented in the README:
//! - The very first use of a brand-new credential records its network but is
//!   not reported: its owner just made it, and that network is the one a pin
//!   then keeps. Every later new network is reported.
//! - Pinned with no network yet: the first use wins (its network is recorded
//!   and is then the only one allowed).
//! - A network used before but not within 90 days is reported again when
//!   used; a pinned credential still accepts it (it is on its list).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Mutex, OnceLock},
    time::Duration,
};

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use portcullis_shared::vocabulary::SecurityEventKind;

use crate::services::{
    access::Principal,
    audit::{
        refused_calls::Credential,
        security_log::{self, Actor, SecurityEvent},
    },
    cache::state_cache::StateCache,
    delivery::{i18n, Mail, Mailer},
    rfc3339,
    sessions::portal_session::ClientContext,
    AppState,
};
use crate::{
    db::{
        credential_networks::{self as network_rows, NetworkRow},
        login_preferences::{self as preference_rows, Recipient},
        oauth as oauth_rows, tokens as token_rows, DbConnection,
    },
    domain::CredentialNetwork,
    error::{ApiError, ApiResult},
    links::PortalLinks,
    services::Db,
};

/// A network unused for this long is new again.
pub const QUIET_DAYS: i64 = 90;
/// At most one "used from a new network" e-mail per credential this often.
pub const MAIL_FOLD_MINUTES: i64 = 60;
/// Most (credential, network) pairs known in memory.
const KNOWN_CAPACITY: usize = 50_000;
/// Most (credential, network) pairs whose uses wait for the next batch;
/// past this, uses of further pairs are not counted (the pair is recorded).
const PENDING_CAPACITY: usize = 100_000;

/// How a credential is stored in `credential_kind`.
pub fn kind_and_id(credential: &Credential) -> (&'static str, &str) {
    match credential {
        Credential::Token(id) => ("token", id),
        Credential::Client(id) => ("client", id),
    }
}

/// Where and how the notices go; set once at start.
struct Notices {
    mailer: Mailer,
    public_url: String,
}

/// Uses of one known pair since the last batch.
struct PendingUse {
    kind: &'static str,
    id: String,
    network: String,
    last_at: NaiveDateTime,
    calls: i64,
}

/// The networks each credential was used from, as this process knows them.
pub struct CredentialNetworks {
    known: StateCache<()>,
    pending: Mutex<HashMap<String, PendingUse>>,
    notices: OnceLock<Notices>,
}

/// What storage decided about a network this process did not know.
enum Decided {
    /// On the credential's list, used within [`QUIET_DAYS`].
    Known,
    /// Recorded now (new, or back after [`QUIET_DAYS`]), with the e-mail to send if it was claimed.
    Recorded(Option<Mail>),
    /// Pinned and not on the list.
    Refused,
}

impl CredentialNetworks {
    /// Known pairs are read again once older than `max_age`.
    pub fn new(max_age: Duration) -> Self {
        Self {
            known: StateCache::new(KNOWN_CAPACITY, max_age),
            pending: Mutex::default(),
            notices: OnceLock::new(),
        }
    }

    /// Sends the "used from a new network" e-mails with `mailer`, linking to
    /// the portal at `public_url`. Without it, new networks are only logged.
    pub fn send_notices_with(&self, mailer: Mailer, public_url: String) {
        let _ = self.notices.set(Notices { mailer, public_url });
    }

    /// Whether `credential` (of `account_id`) may be used from `ip` now:
    /// false only when it is pinned and `ip`'s network is not on its list.
    /// A known network costs no query; a new one is recorded, logged and
    /// (folded) e-mailed to the owner.
    pub async fn admit(
        &self,
        db: &Db,
        account_id: &str,
        credential: &Credential,
        ip: IpAddr,
        at: NaiveDateTime,
    ) -> ApiResult<bool> {
        let (kind, id) = kind_and_id(credential);
        // `{kind}:{id} {network}`, written once (the network is its tail).
        let mut key = String::with_capacity(kind.len() + id.len() + 46);
        key.push_str(kind);
        key.push(':');
        key.push_str(id);
        key.push(' ');
        let network_at = key.len();
        CredentialNetwork::of(ip).write_to(&mut key);
        if self.known.get(&key).is_some() {
            self.note_use(key, network_at, kind, id, at);
            return Ok(true);
        }
        let load = self.known.load_started();
        let sighting = Sighting {
            account_id: account_id.to_owned(),
            kind,
            id: id.to_owned(),
            network: key[network_at..].to_owned(),
            ip,
            at,
        };
        let decided = decide(
            db,
            sighting,
            self.notices.get().map(|n| n.public_url.clone()),
        )
        .await?;
        match decided {
            Decided::Refused => return Ok(false),
            Decided::Known => {
                self.known.keep(&key, (), load);
                self.note_use(key, network_at, kind, id, at);
            }
            Decided::Recorded(mail) => {
                self.known.keep(&key, (), load);
                if let (Some(mail), Some(notices)) = (mail, self.notices.get()) {
                    let mailer = notices.mailer.clone();
                    let credential_id = id.to_owned();
                    // Off the request: the call is not held up by the mail server.
                    tokio::spawn(async move {
                        if let Err(error) = mailer.send(&mail).await {
                            tracing::warn!(%error, credential_id, "new-network e-mail not sent");
                        }
                    });
                }
            }
        }
        Ok(true)
    }

    /// Counts a use of the pair `key` (whose network starts at `network_at`).
    fn note_use(
        &self,
        key: String,
        network_at: usize,
        kind: &'static str,
        id: &str,
        at: NaiveDateTime,
    ) {
        let mut pending = self.pending.lock().expect("network uses lock");
        if let Some(entry) = pending.get_mut(&key) {
            entry.calls += 1;
            entry.last_at = entry.last_at.max(at);
        } else if pending.len() < PENDING_CAPACITY {
            let network = key[network_at..].to_owned();
            pending.insert(
                key,
                PendingUse {
                    kind,
                    id: id.to_owned(),
                    network,
                    last_at: at,
                    calls: 1,
                },
            );
        }
    }

    /// The uses counted since the last call, to be written: (kind, id, network, last use, calls).
    pub fn take_pending(&self) -> Vec<(&'static str, String, String, NaiveDateTime, i64)> {
        std::mem::take(&mut *self.pending.lock().expect("network uses lock"))
            .into_values()
            .map(|u| (u.kind, u.id, u.network, u.last_at, u.calls))
            .collect()
    }
}

/// Writes a batch taken with [`CredentialNetworks::take_pending`], inside the caller's transaction.
pub fn write_uses(
    conn: &mut DbConnection,
    batch: &[(&'static str, String, String, NaiveDateTime, i64)],
) -> diesel::QueryResult<()> {
    for (kind, id, network, at, calls) in batch {
        network_rows::record_uses(conn, kind, id, network, *at, *calls)?;
    }
    Ok(())
}

/// A call of a credential from a network this process did not know.
struct Sighting {
    account_id: String,
    kind: &'static str,
    id: String,
    network: String,
    ip: IpAddr,
    at: NaiveDateTime,
}

/// Reads, and when the network is new writes, what [`CredentialNetworks::admit`] needs.
async fn decide(db: &Db, sighting: Sighting, public_url: Option<String>) -> ApiResult<Decided> {
    let Sighting {
        ref account_id,
        kind,
        ref id,
        ref network,
        at,
        ..
    } = sighting;
    let (account_id, id, network) = (account_id.clone(), id.clone(), network.clone());
    let quiet_since = at - ChronoDuration::days(QUIET_DAYS);
    let (read_kind, read_id, read_network) = (kind, id.clone(), network.clone());
    let seen = db
        .read(move |conn| {
            // Settings first: a network recorded after them was claimed
            // before a pin they show, and is seen below.
            let settings = network_rows::find_settings(conn, read_kind, &read_id)?;
            let row = network_rows::find_network(conn, read_kind, &read_id, &read_network)?;
            Ok((settings, row))
        })
        .await?;
    match seen {
        (_, Some(row)) if row.last_used_at >= quiet_since => return Ok(Decided::Known),
        (Some(settings), None) if settings.pinned && settings.networks > 0 => {
            return Ok(Decided::Refused)
        }
        _ => {}
    }
    db.transaction(move |conn| {
        network_rows::ensure_settings(conn, kind, &id, &account_id)?;
        if let Some(row) = network_rows::find_network(conn, kind, &id, &network)? {
            if row.last_used_at >= quiet_since {
                return Ok(Decided::Known);
            }
            // Back after a quiet spell: on the list (a pin keeps it), reported again.
            network_rows::record_uses(conn, kind, &id, &network, at, 1)?;
            let mail = report(conn, &sighting, public_url.as_deref())?;
            return Ok(Decided::Recorded(mail));
        }
        if !network_rows::claim_new_network(conn, kind, &id)? {
            // Pinned; unless another process recorded this very network meanwhile.
            return Ok(
                match network_rows::find_network(conn, kind, &id, &network)? {
                    Some(_) => Decided::Known,
                    None => Decided::Refused,
                },
            );
        }
        let row = NetworkRow {
            credential_kind: kind.to_owned(),
            credential_id: id.clone(),
            network: network.clone(),
            account_id: account_id.clone(),
            first_used_at: at,
            last_used_at: at,
            calls: 1,
        };
        if !network_rows::insert_network(conn, &row)? {
            network_rows::release_claim(conn, kind, &id)?;
            return Ok(Decided::Known);
        }
        let first_ever = network_rows::find_settings(conn, kind, &id)?
            .is_some_and(|settings| settings.networks == 1);
        if first_ever {
            return Ok(Decided::Recorded(None));
        }
        let mail = report(conn, &sighting, public_url.as_deref())?;
        Ok(Decided::Recorded(mail))
    })
    .await
}

/// Logs `token_used_from_new_network` and claims the folded e-mail; the
/// e-mail when this call claimed it.
fn report(
    conn: &mut DbConnection,
    sighting: &Sighting,
    public_url: Option<&str>,
) -> ApiResult<Option<Mail>> {
    let Sighting {
        account_id,
        kind,
        id,
        network,
        ip,
        at,
    } = sighting;
    let (kind, ip, at) = (*kind, *ip, *at);
    let name = credential_name(conn, kind, id)?.unwrap_or_default();
    let mut event = SecurityEvent::new(
        account_id,
        Actor::Anonymous,
        SecurityEventKind::TokenUsedFromNewNetwork,
    )
    .detail(
        if kind == "token" {
            "token_id"
        } else {
            "client_id"
        },
        id,
    )
    .detail("name", name.clone())
    .detail("network", network);
    event.ip = Some(ip.to_string());
    security_log::record(conn, &event)?;
    let Some(public_url) = public_url else {
        return Ok(None);
    };
    let since = at - ChronoDuration::minutes(MAIL_FOLD_MINUTES);
    if !network_rows::claim_new_network_mail(conn, kind, id, at, since)? {
        return Ok(None);
    }
    let Some(to) = preference_rows::recipient(conn, account_id)? else {
        return Ok(None);
    };
    Ok(Some(
        NewNetworkMail {
            to,
            kind,
            name: &name,
            ip,
            network,
            at,
        }
        .mail(public_url),
    ))
}

/// The credential's name, if it still exists.
fn credential_name(conn: &mut DbConnection, kind: &str, id: &str) -> ApiResult<Option<String>> {
    Ok(if kind == "token" {
        token_rows::find_token(conn, id)?.map(|row| row.name)
    } else {
        oauth_rows::find_client(conn, id)?.map(|row| row.name)
    })
}

/// The owner's notice of a credential used from a new network.
struct NewNetworkMail<'a> {
    to: Recipient,
    kind: &'a str,
    name: &'a str,
    ip: IpAddr,
    network: &'a str,
    at: NaiveDateTime,
}

impl NewNetworkMail<'_> {
    fn mail(&self, public_url: &str) -> Mail {
        let (credential, page) = if self.kind == "token" {
            (
                i18n::Credential::Token,
                PortalLinks::new(public_url).tokens(),
            )
        } else {
            (
                i18n::Credential::Client,
                format!("{public_url}/oauth-clients"),
            )
        };
        i18n::credential_new_network(
            self.to.language,
            &i18n::NewNetwork {
                credential,
                name: self.name,
                at: &rfc3339(self.at),
                ip: &self.ip.to_string(),
                network: self.network,
                quiet_days: QUIET_DAYS,
                page: &page,
            },
        )
        .mail(self.to.email.clone(), "token_new_network")
    }
}

/// A credential's networks and pin, as the portal shows them.
#[derive(Debug, Clone)]
pub struct NetworkList {
    pub pinned: bool,
    pub networks: Vec<NetworkRow>,
}

/// Which credential the portal asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Token,
    Client,
}

impl CredentialKind {
    fn stored(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Client => "client",
        }
    }
}

/// The credential, if this login may manage it: the account's, and for a
/// subuser one they made. Its `created_by` is returned.
fn find_managed(
    conn: &mut DbConnection,
    principal: &Principal,
    kind: CredentialKind,
    id: &str,
) -> ApiResult<Option<String>> {
    let found = match kind {
        CredentialKind::Token => token_rows::find_account_token(conn, &principal.tenant_id, id)?
            .map(|row| (row.name, row.created_by)),
        CredentialKind::Client => oauth_rows::find_client(conn, id)?
            .filter(|row| row.account_id == principal.tenant_id)
            .map(|row| (row.name, row.created_by)),
    };
    Ok(found
        .filter(|(_, created_by)| principal.may_manage(created_by.as_deref()))
        .map(|(name, _)| name))
}

fn read_list(conn: &mut DbConnection, kind: CredentialKind, id: &str) -> ApiResult<NetworkList> {
    let pinned = network_rows::find_settings(conn, kind.stored(), id)?.is_some_and(|s| s.pinned);
    let networks = network_rows::list_networks(conn, kind.stored(), id)?;
    Ok(NetworkList { pinned, networks })
}

/// The networks a token or client was used from, and whether it is pinned.
pub async fn list_networks(
    state: &AppState,
    principal: &Principal,
    kind: CredentialKind,
    id: &str,
) -> ApiResult<NetworkList> {
    let (who, id) = (principal.clone(), id.to_owned());
    state
        .db
        .run(move |conn| {
            find_managed(conn, &who, kind, &id)?.ok_or(ApiError::NotFound)?;
            read_list(conn, kind, &id)
        })
        .await
}

/// Pins or unpins a token or client. A pin the account owner set on a
/// subuser's credential only the owner can lift.
pub async fn set_pinned(
    state: &AppState,
    principal: &Principal,
    kind: CredentialKind,
    id: &str,
    pinned: bool,
    client: &ClientContext,
) -> ApiResult<NetworkList> {
    let by_owner = principal.sent_by().is_none();
    let event_kind = match kind {
        CredentialKind::Token => SecurityEventKind::TokenChanged,
        CredentialKind::Client => SecurityEventKind::OauthClientChanged,
    };
    let event = SecurityEvent::by_login(principal, event_kind, client).detail(
        match kind {
            CredentialKind::Token => "token_id",
            CredentialKind::Client => "client_id",
        },
        id,
    );
    let (who, id) = (principal.clone(), id.to_owned());
    state
        .db
        .transaction(move |conn| {
            let name = find_managed(conn, &who, kind, &id)?.ok_or(ApiError::NotFound)?;
            let stored = kind.stored();
            let before = network_rows::find_settings(conn, stored, &id)?;
            let was_pinned = before.as_ref().is_some_and(|s| s.pinned);
            if !by_owner && !pinned && before.as_ref().is_some_and(|s| s.pinned_by_owner) {
                return Err(ApiError::OwnerRestriction(
                    "pinned it to the networks it was used from".into(),
                ));
            }
            network_rows::set_pinned(conn, stored, &id, &who.tenant_id, pinned, by_owner)?;
            if was_pinned != pinned {
                security_log::record(
                    conn,
                    &event
                        .detail("name", name)
                        .detail("change", if pinned { "pinned" } else { "unpinned" }),
                )?;
            }
            read_list(conn, kind, &id)
        })
        .await
}

/// Forgets a deleted credential's networks (inside its deletion's transaction).
pub fn forget_credential(
    conn: &mut DbConnection,
    kind: CredentialKind,
    id: &str,
) -> diesel::QueryResult<()> {
    network_rows::forget_credential(conn, kind.stored(), id)
}

/// Moves a credential's networks and pin to the credential that replaces it
/// (inside the replacement's transaction).
pub fn move_credential(
    conn: &mut DbConnection,
    kind: CredentialKind,
    from: &str,
    to: &str,
) -> diesel::QueryResult<()> {
    network_rows::move_credential(conn, kind.stored(), from, to)
}
