//! The security log: recording events (inside the caller's transaction, so an
//! event is stored exactly when the change it describes is) and reading an
//! account's own events back, filtered, paginated and exported.

use portcullis_shared::vocabulary::SecurityEventKind;
use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::{Connection, QueryResult};

use portcullis_shared::dto::security_log::SECURITY_LOG_SEARCH_MAX_CHARS;
use portcullis_shared::{problem::FieldError, validate::codes};

use crate::services::{
    now, rfc3339, sessions::portal_session::ClientContext, spreadsheet::neutralise_formula,
    AppState,
};
use crate::{
    db::{
        contacts::like_pattern,
        security_events::{self as event_rows, EventFilter, EventSearch, SecurityEventRow},
        security_streams as stream_rows, DbConnection,
    },
    error::{ApiError, ApiResult},
};

/// Events per page unless asked otherwise, and the most one page may hold.
const DEFAULT_PAGE_SIZE: u32 = 50;
const MAX_PAGE_SIZE: u32 = 200;
/// Most events one export holds (the newest).
pub const EXPORT_MAX_EVENTS: i64 = 10_000;
/// Longest user agent kept with an event.
const USER_AGENT_MAX_CHARS: usize = 512;

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The account's owner login (its id).
    Account(String),
    /// A subuser login (its id).
    Subuser(String),
    /// The server itself, e.g. a session running out.
    System,
    /// Someone not signed in, e.g. a failed login attempt.
    Anonymous,
    /// The gateway's operator, through a `portcullis operator` command.
    Operator,
}

impl Actor {
    fn stored(&self) -> String {
        match self {
            Self::Account(id) | Self::Subuser(id) => id.clone(),
            Self::System => "system".into(),
            Self::Anonymous => "anonymous".into(),
            Self::Operator => "operator".into(),
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct SecurityEvent {
    pub account_id: String,
    pub actor: Actor,
    pub kind: SecurityEventKind,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: BTreeMap<String, String>,
}

impl SecurityEvent {
    pub fn new(account_id: &str, actor: Actor, kind: SecurityEventKind) -> Self {
        Self {
            account_id: account_id.to_owned(),
            actor,
            kind,
            ip: None,
            user_agent: None,
            details: BTreeMap::new(),
        }
    }

    /// A change the account's owner made from `client`, e.g. in the portal.
    pub fn by_owner(account_id: &str, kind: SecurityEventKind, client: &ClientContext) -> Self {
        Self::new(account_id, Actor::Account(account_id.to_owned()), kind).from_client(client)
    }

    /// A change a login (the owner or a subuser) made from `client`; it goes
    /// to that login's log, which the owner's log includes.
    pub fn by_login(
        principal: &crate::services::access::Principal,
        kind: SecurityEventKind,
        client: &ClientContext,
    ) -> Self {
        let actor = match principal.subuser {
            Some(_) => Actor::Subuser(principal.login_id.clone()),
            None => Actor::Account(principal.login_id.clone()),
        };
        Self::new(&principal.login_id, actor, kind).from_client(client)
    }

    /// Where the request that caused it came from.
    pub fn from_client(mut self, client: &ClientContext) -> Self {
        self.ip = Some(client.ip.to_string());
        self.user_agent = Some(client.user_agent.clone());
        self
    }

    /// Where it came from, when it is known as stored strings (e.g. a session's).
    pub fn from_address(mut self, ip: &str, user_agent: &str) -> Self {
        self.ip = Some(ip.to_owned());
        self.user_agent = Some(user_agent.to_owned());
        self
    }

    /// A fact about the event. Never pass a secret (codes, passwords, tokens).
    pub fn detail(mut self, key: &str, value: impl Into<String>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

/// The names of the parts a change really altered, comma-separated, for a
/// `change` detail; empty when it altered nothing.
pub fn change_list(parts: &[(&str, bool)]) -> String {
    parts
        .iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(",")
}

/// What a PATCH of an optional-disabled resource does to its `disabled_at`:
/// `(disables, enables)` given the requested and the stored value.
pub fn disabling(
    requested: Option<Option<NaiveDateTime>>,
    stored: Option<NaiveDateTime>,
) -> (bool, bool) {
    match requested {
        Some(Some(_)) => (stored.is_none(), false),
        Some(None) => (false, stored.is_some()),
        None => (false, false),
    }
}

/// Appends `event` on `conn`, linked into its login's hash chain. Call it
/// inside the transaction that makes the change it describes (without one it
/// makes its own: the event and the chain's head move together).
pub fn record(conn: &mut DbConnection, event: &SecurityEvent) -> QueryResult<()> {
    record_with_id(conn, event).map(|_| ())
}

/// [`record`], answering the new event's id.
pub fn record_with_id(conn: &mut DbConnection, event: &SecurityEvent) -> QueryResult<String> {
    let details = serde_json::to_string(&event.details)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let mut row = SecurityEventRow {
        id: format!("sev_{}", uuid::Uuid::now_v7().simple()),
        account_id: event.account_id.clone(),
        actor: event.actor.stored(),
        kind: event.kind.as_str().to_owned(),
        ip: event.ip.clone(),
        user_agent: event
            .user_agent
            .as_ref()
            .map(|ua| ua.chars().take(USER_AGENT_MAX_CHARS).collect()),
        details,
        created_at: now(),
        seq: None,
        prev_hash: None,
        hash: None,
    };
    append(conn, &mut row, &event.details)?;
    Ok(row.id)
}

/// Stores `row` (its `details` the JSON of `details`) linked into its login's
/// hash chain: the place is taken and the row inserted together. When the
/// company streams its log, the event is queued for the stream with them:
/// stored and queued together, or neither. Inside a caller's transaction they
/// are part of it, with no savepoint of their own (two round trips on
/// PostgreSQL, and every caller returns the error, so the transaction never
/// commits a place taken without its event); else in a transaction of their own.
pub fn append(
    conn: &mut DbConnection,
    row: &mut SecurityEventRow,
    details: &BTreeMap<String, String>,
) -> QueryResult<()> {
    let mut store = |conn: &mut DbConnection| {
        super::chain::link(conn, row, details)?;
        event_rows::insert_event(conn, row)?;
        if let Some(stream_id) = stream_rows::stream_of_login(conn, &row.account_id)? {
            stream_rows::enqueue(conn, &stream_id, &row.id, row.created_at)?;
        }
        Ok(())
    };
    if conn.in_transaction() {
        store(conn)
    } else {
        conn.transaction(store)
    }
}

/// A 400 `malformed_query` naming the query parameter `field`.
fn malformed(field: &str, code: &str, why: &str) -> ApiError {
    ApiError::MalformedQueryField(FieldError::new(field, code, why))
}

fn parse_time(name: &str, value: Option<&str>) -> ApiResult<Option<NaiveDateTime>> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(v)
                .map(|t| t.naive_utc())
                .map_err(|_| {
                    malformed(
                        name,
                        codes::INVALID_TIME,
                        &format!("`{name}` must be an RFC 3339 time, e.g. 2026-11-22T10:00:00Z"),
                    )
                })
        })
        .transpose()
}

/// The free-text search `q` as the storage runs it; `None` when blank.
fn parse_search(q: Option<&str>) -> ApiResult<Option<EventSearch>> {
    let Some(text) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > SECURITY_LOG_SEARCH_MAX_CHARS {
        return Err(malformed(
            "q",
            codes::TOO_LONG,
            &format!("`q` must be at most {SECURITY_LOG_SEARCH_MAX_CHARS} characters"),
        ));
    }
    let needle = text.to_lowercase();
    // A kind is found by its words ("sign-in failed") or its name ("login_failed").
    let kinds = SecurityEventKind::ALL
        .iter()
        .filter(|kind| {
            kind.label().to_lowercase().contains(&needle)
                || kind.as_str().contains(&needle)
                || kind.as_str().replace('_', " ").contains(&needle)
        })
        .map(|kind| kind.as_str().to_owned())
        .collect();
    // "Chrome on Linux", as the portal names a device, is not in the user agent as such.
    let device = needle
        .split_once(" on ")
        .map(|(browser, system)| (browser.trim(), system.trim()))
        .filter(|(browser, system)| !browser.is_empty() && !system.is_empty())
        .map(|(browser, system)| (like_pattern(browser), like_pattern(system)));
    Ok(Some(EventSearch {
        pattern: like_pattern(&needle),
        kinds,
        device,
        in_details: !needle.contains(['{', '}', '"', '\\']),
    }))
}

/// Parses the filters both the page and the export take.
fn parse_filter(query: &EventQuery) -> ApiResult<EventFilter> {
    let kind = query
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            SecurityEventKind::parse(k).ok_or_else(|| {
                let known: Vec<&str> = SecurityEventKind::ALL.iter().map(|k| k.as_str()).collect();
                malformed(
                    "kind",
                    codes::UNKNOWN_VALUE,
                    &format!("`kind` must be one of: {}", known.join(", ")),
                )
            })
        })
        .transpose()?;
    let from = parse_time("from", query.from.as_deref())?;
    let to = parse_time("to", query.to.as_deref())?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(malformed(
                "from",
                codes::END_BEFORE_START,
                "`from` must not be later than `to`",
            ));
        }
    }
    Ok(EventFilter {
        kind: kind.map(|k| k.as_str().to_owned()),
        from,
        to,
        search: parse_search(query.q.as_deref())?,
        ..EventFilter::default()
    })
}

/// Which events a reader asks for, as given (checked by [`list_events`] and [`export`]).
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// A [`SecurityEventKind`] name.
    pub kind: Option<String>,
    /// RFC 3339 times, both ends included.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Free text found in the event's words.
    pub q: Option<String>,
}

/// Where a page starts (the last event id of the previous page) and how many
/// events it may hold, as given.
#[derive(Debug, Clone, Default)]
pub struct Paging {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// One event as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedEvent {
    pub id: String,
    pub kind: SecurityEventKind,
    /// Who caused it: a login id, `system`, `anonymous` or `operator`.
    pub actor: String,
    /// The e-mail of the login that caused it, when `actor` is one.
    pub actor_email: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: BTreeMap<String, String>,
    pub created_at: NaiveDateTime,
    /// The login whose log (and hash chain) holds it.
    pub account_id: String,
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// One page of events, newest first, and where the next (older) one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPage {
    pub events: Vec<LoggedEvent>,
    pub next_cursor: Option<String>,
}

fn logged_event(row: SecurityEventRow) -> ApiResult<LoggedEvent> {
    let details: BTreeMap<String, String> =
        serde_json::from_str(&row.details).map_err(ApiError::internal)?;
    Ok(LoggedEvent {
        kind: SecurityEventKind::parse(&row.kind).unwrap_or(SecurityEventKind::Unknown),
        id: row.id,
        actor: row.actor,
        actor_email: None,
        ip: row.ip,
        user_agent: row.user_agent,
        details,
        created_at: row.created_at,
        account_id: row.account_id,
        seq: row.seq,
        prev_hash: row.prev_hash,
        hash: row.hash,
    })
}

/// One page of the account's events, newest first; with its subusers' events
/// too when `with_subusers` (the owner's whole log).
pub async fn list_events(
    state: &AppState,
    account_id: &str,
    with_subusers: bool,
    query: &EventQuery,
    page: Paging,
) -> ApiResult<EventPage> {
    let mut filter = parse_filter(query)?;
    filter.with_subusers = with_subusers;
    let (rows, next_cursor) = read_page(state, account_id, filter, page).await?;
    let events = rows
        .into_iter()
        .map(logged_event)
        .collect::<ApiResult<_>>()?;
    Ok(EventPage {
        events: with_actor_emails(state, events).await?,
        next_cursor,
    })
}

/// `events` with the e-mail of each login that caused one, read in one query (a person
/// reads "clerk@example.com", not a login id).
async fn with_actor_emails(
    state: &AppState,
    mut events: Vec<LoggedEvent>,
) -> ApiResult<Vec<LoggedEvent>> {
    let mut ids: Vec<String> = events.iter().map(|e| e.actor.clone()).collect();
    ids.sort();
    ids.dedup();
    let emails: BTreeMap<String, String> = state
        .db
        .run(move |conn| Ok(crate::db::accounts::emails_of(conn, &ids)?))
        .await?
        .into_iter()
        .collect();
    for event in &mut events {
        event.actor_email = emails.get(&event.actor).cloned();
    }
    Ok(events)
}

/// One page of the account's events matching `filter`, newest first, older
/// than the event `cursor` names; and the cursor of the next page, if any.
pub async fn read_page(
    state: &AppState,
    account_id: &str,
    mut filter: EventFilter,
    page: Paging,
) -> ApiResult<(Vec<SecurityEventRow>, Option<String>)> {
    let Paging { cursor, limit } = page;
    let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(malformed(
            "limit",
            codes::OUT_OF_RANGE,
            &format!("`limit` must be between 1 and {MAX_PAGE_SIZE}"),
        ));
    }
    let cursor = cursor.filter(|c| !c.is_empty());
    let account_id = account_id.to_owned();
    let mut rows = state
        .db
        .run(move |conn| {
            if let Some(cursor) = cursor {
                // Only the account's own events resolve: a cursor never reveals another's.
                let at =
                    event_rows::find_for_account(conn, &account_id, filter.with_subusers, &cursor)?
                        .ok_or_else(|| {
                            malformed(
                                "cursor",
                                codes::UNKNOWN_VALUE,
                                "`cursor` is not a cursor this log gave out",
                            )
                        })?;
                filter.before = Some((at.created_at, at.id));
            }
            Ok(event_rows::list_for_account(
                conn,
                &account_id,
                &filter,
                i64::from(limit) + 1,
            )?)
        })
        .await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = more.then(|| rows.last().map(|r| r.id.clone())).flatten();
    Ok((rows, next_cursor))
}

/// Every matching event of the account (the newest [`EXPORT_MAX_EVENTS`]), newest first.
pub async fn export(
    state: &AppState,
    account_id: &str,
    with_subusers: bool,
    query: &EventQuery,
) -> ApiResult<Vec<LoggedEvent>> {
    let mut filter = parse_filter(query)?;
    filter.with_subusers = with_subusers;
    let account_id = account_id.to_owned();
    let rows = state
        .db
        .run(move |conn| {
            Ok(event_rows::list_for_account(
                conn,
                &account_id,
                &filter,
                EXPORT_MAX_EVENTS,
            )?)
        })
        .await?;
    let events = rows
        .into_iter()
        .map(logged_event)
        .collect::<ApiResult<_>>()?;
    with_actor_emails(state, events).await
}

/// RFC 4180 CSV with a header row; quoting and escaping by the `csv` crate.
pub fn to_csv(events: &[LoggedEvent]) -> ApiResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "created_at",
            "kind",
            "actor",
            "ip",
            "user_agent",
            "details",
            "id",
            "account_id",
            "seq",
            "prev_hash",
            "hash",
        ])
        .map_err(ApiError::internal)?;
    for event in events {
        let details = serde_json::to_string(&event.details).map_err(ApiError::internal)?;
        writer
            .write_record([
                rfc3339(event.created_at).as_str(),
                event.kind.as_str(),
                &neutralise_formula(&event.actor),
                event.ip.as_deref().unwrap_or_default(),
                &neutralise_formula(event.user_agent.as_deref().unwrap_or_default()),
                &neutralise_formula(&details),
                event.id.as_str(),
                event.account_id.as_str(),
                &event.seq.map(|seq| seq.to_string()).unwrap_or_default(),
                event.prev_hash.as_deref().unwrap_or_default(),
                event.hash.as_deref().unwrap_or_default(),
            ])
            .map_err(ApiError::internal)?;
    }
    writer
        .into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("writing CSV: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_parsed_and_bad_ones_refused() {
        let query = |kind: Option<&str>, from: Option<&str>, to: Option<&str>| EventQuery {
            kind: kind.map(Into::into),
            from: from.map(Into::into),
            to: to.map(Into::into),
            q: None,
        };
        let filter = parse_filter(&query(
            Some("login_failed"),
            Some("2026-11-01T00:00:00Z"),
            Some("2026-11-02T00:00:00+01:00"),
        ))
        .unwrap();
        assert_eq!(filter.kind.as_deref(), Some("login_failed"));
        assert_eq!(
            filter.to.unwrap().to_string(),
            "2026-11-01 23:00:00",
            "offsets are turned into UTC"
        );
        for (field, kind, from, to) in [
            ("kind", Some("nope"), None, None),
            ("from", None, Some("yesterday"), None),
            ("to", None, None, Some("2026-13-01")),
            (
                "from",
                None,
                Some("2026-11-02T00:00:00Z"),
                Some("2026-11-01T00:00:00Z"),
            ),
        ] {
            match parse_filter(&query(kind, from, to)) {
                Err(ApiError::MalformedQueryField(error)) => assert_eq!(error.field, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn search_finds_kinds_by_their_words_and_devices_by_their_parts() {
        let search = parse_search(Some("  Sign-in FAILED ")).unwrap().unwrap();
        assert_eq!(search.pattern, "%sign-in failed%");
        assert_eq!(search.kinds, ["login_failed"]);
        let search = parse_search(Some("login_failed")).unwrap().unwrap();
        assert_eq!(search.kinds, ["login_failed"]);
        assert_eq!(search.pattern, "%login\\_failed%");
        let search = parse_search(Some("Chrome on Linux")).unwrap().unwrap();
        assert_eq!(
            search.device,
            Some(("%chrome%".to_owned(), "%linux%".to_owned()))
        );
        assert!(parse_search(Some("   ")).unwrap().is_none());
        assert!(search.in_details);
        assert!(!parse_search(Some("{}")).unwrap().unwrap().in_details);
        let long = "x".repeat(SECURITY_LOG_SEARCH_MAX_CHARS + 1);
        match parse_search(Some(&long)) {
            Err(ApiError::MalformedQueryField(error)) => assert_eq!(error.field, "q"),
            other => panic!("{other:?}"),
        }
    }
}
