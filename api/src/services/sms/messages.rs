//! The SMS API: sending (charged and queued in one transaction, idempotent),
//! reading messages, the account's country filter (which system texts obey
//! too), and the trial restriction to the home country.

use std::{collections::BTreeMap, sync::Arc};

use chrono::NaiveDateTime;
use portcullis_shared::vocabulary::{MessageStatus, SecurityEventKind};
use portcullis_shared::{problem::FieldError, validate::codes};

use crate::services::{
    access::Principal,
    audit::security_log::{self, SecurityEvent},
    now,
    sessions::portal_session::ClientContext,
    subusers,
    tokens::policies,
    AppState, Db,
};
use crate::{
    db::{
        accounts as account_rows,
        group_commit::{job_outcome, GroupWork, GroupWriter, Together},
        sms::{self as sms_rows, MessageRow},
        subusers as subuser_rows, DbConnection,
    },
    domain::{sms_text::SmsText, CountryCode, PhoneNumber},
    error::{ApiError, ApiResult},
};

/// Points charged per message part.
pub const POINTS_PER_PART: i64 = 1;
/// Most messages returned by one list call.
pub const LIST_LIMIT_MAX: i64 = 100;

/// Stored status values.
pub mod statuses {
    pub const QUEUED: &str = "queued";
    /// Claimed by a dispatcher, being handed to the transport.
    pub const SENDING: &str = "sending";
    pub const SENT: &str = "sent";
    pub const FAILED: &str = "failed";
}

/// A message as its sender reads it.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    /// Recipient, E.164.
    pub to: String,
    pub country: String,
    pub sender: Option<String>,
    /// The text as stored (a secret in it masked).
    pub text: String,
    pub encoding: String,
    pub parts: i64,
    pub points: i64,
    pub status: MessageStatus,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

impl Message {
    fn from_row(row: &MessageRow) -> Self {
        Self {
            id: row.id.clone(),
            to: row.recipient.clone(),
            country: row.country.clone(),
            sender: row.sender.clone(),
            text: row.body.clone(),
            encoding: row.encoding.clone(),
            parts: row.parts,
            points: row.points,
            status: match row.status.as_str() {
                statuses::SENT => MessageStatus::Sent,
                statuses::FAILED => MessageStatus::Failed,
                _ => MessageStatus::Queued,
            },
            created_at: row.created_at,
            sent_at: row.sent_at,
        }
    }
}

/// A message asked for, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    /// The recipient, E.164.
    pub to: String,
    pub text: String,
    /// An approved sender name; none or blank for the default.
    pub sender: Option<String>,
}

/// An `Idempotency-Key` with the request it came with. A key belongs to its
/// sender ([`Principal::sender_key`]); the same key with another request is
/// refused (`409 idempotency_key_reused`), as Stripe does.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    /// Hex SHA-256 of the canonical request (the parsed number, text and sender).
    pub request_hash: String,
}

impl Idempotency {
    fn new(key: String, to: &PhoneNumber, text: &SmsText, sender: Option<&str>) -> Self {
        use sha2::{Digest, Sha256};
        // Parsed values, so the same request spelled differently (spaces in
        // the number) is the same request; lengths keep the fields apart.
        let mut hash = Sha256::new();
        for field in [to.as_str(), text.as_str(), sender.unwrap_or("")] {
            hash.update((field.len() as u64).to_be_bytes());
            hash.update(field.as_bytes());
        }
        hash.update([u8::from(sender.is_some())]);
        let request_hash = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Self { key, request_hash }
    }

    /// The first message again, if `stored_hash` is this request's; a message
    /// stored before hashes were kept (`None`) replays unchecked.
    fn replay(&self, message: MessageRow, stored_hash: Option<&str>) -> ApiResult<MessageRow> {
        match stored_hash {
            Some(hash) if hash != self.request_hash => Err(ApiError::IdempotencyKeyReused),
            _ => Ok(message),
        }
    }
}

/// Checks an `Idempotency-Key` header value.
pub fn parse_idempotency_key(raw: Option<&[u8]>) -> ApiResult<Option<String>> {
    let Some(raw) = raw else { return Ok(None) };
    let valid = !raw.is_empty() && raw.len() <= 255 && raw.iter().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(ApiError::field(
            "Idempotency-Key",
            codes::INVALID_IDEMPOTENCY_KEY,
            "Use 1 to 255 visible ASCII characters, e.g. a UUID.",
        ));
    }
    Ok(Some(String::from_utf8_lossy(raw).into_owned()))
}

/// The outcome of a send: the message, and whether it was new (false when an
/// earlier request with the same idempotency key already sent it).
pub struct Sent {
    pub message: Message,
    pub created: bool,
}

/// The `sender` of a send, checked as a sender name; blank means the gateway's
/// default. A bad name is pushed to `errors` (single sends and batches alike).
pub(crate) fn parse_optional_sender(
    raw: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    crate::services::senders::parse_name("sender", raw)
        .map_err(|e| errors.push(e))
        .ok()
}

/// Sends a message: checks the recipient, text and sender, the country filter
/// and the balance, then charges and queues it in one transaction. Nothing is
/// charged or queued when any check fails; a repeated idempotency key returns
/// the first message without charging again.
pub async fn send(
    state: &AppState,
    caller: &Principal,
    request: NewMessage,
    idempotency_key: Option<String>,
) -> ApiResult<Sent> {
    let mut errors: Vec<FieldError> = Vec::new();
    let to = PhoneNumber::parse("to", &request.to)
        .map_err(|e| errors.push(e))
        .ok();
    let text = SmsText::parse("text", &request.text)
        .map_err(|e| errors.push(e))
        .ok();
    let sender = parse_optional_sender(request.sender.as_deref(), &mut errors);
    let (Some(to), Some(text), true) = (to, text, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let idempotency =
        idempotency_key.map(|key| Idempotency::new(key, &to, &text, sender.as_deref()));
    queue_message(state, caller, &to, &text, None, sender, idempotency).await
}

/// Charges and queues a checked message (see [`send`]), without an idempotency key.
pub async fn queue(
    state: &AppState,
    caller: &Principal,
    to: &PhoneNumber,
    text: &SmsText,
    sender: Option<String>,
) -> ApiResult<Sent> {
    queue_message(state, caller, to, text, None, sender, None).await
}

/// Like [`queue`], for a text holding a secret (an SMS Authenticator code):
/// the transport gets `text` once, the message history only `shown` (the same
/// text with the secret masked, so the same length and cost).
pub async fn queue_secret(
    state: &AppState,
    caller: &Principal,
    to: &PhoneNumber,
    text: &SmsText,
    shown: String,
) -> ApiResult<Sent> {
    queue_message(state, caller, to, text, Some(shown), None, None).await
}

async fn queue_message(
    state: &AppState,
    caller: &Principal,
    to: &PhoneNumber,
    text: &SmsText,
    shown: Option<String>,
    sender: Option<String>,
    idempotency: Option<Idempotency>,
) -> ApiResult<Sent> {
    let country = to.country().map(str::to_owned).ok_or_else(|| {
        ApiError::field(
            "to",
            codes::INVALID_PHONE,
            "This number does not belong to a country.",
        )
    })?;

    let account_id = caller.tenant_id.clone();
    let sender_key = caller.sender_key();
    // Only the shown text is stored as the body; a secret text is kept apart
    // for the transport and dropped once it has it.
    let to_deliver = shown.is_some().then(|| text.as_str().to_owned());
    let row = MessageRow {
        id: format!("msg_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.clone(),
        token_id: caller.token_id.clone(),
        recipient: to.as_str().to_owned(),
        country: country.clone(),
        sender,
        body: shown.unwrap_or_else(|| text.as_str().to_owned()),
        encoding: text.encoding().as_str().to_owned(),
        parts: text.parts(),
        points: text.parts() * POINTS_PER_PART,
        status: statuses::QUEUED.to_owned(),
        // Keys live in `idempotency_keys`, per sender.
        idempotency_key: None,
        error: None,
        created_at: now(),
        sent_at: None,
        claimed_at: None,
    };
    let pending = PendingSend {
        row,
        to_deliver,
        idempotency: idempotency.clone(),
        key_sender: sender_key.clone(),
        principal: caller.clone(),
    };
    // Sends waiting at the same time are stored in one transaction (see
    // `db::group_commit`): on SQLite they take turns for its one writer
    // anyway, and on PostgreSQL sends of one account take turns for its
    // balance row until each commits.
    let result = state.sends.submit(pending).await;
    let (row, created) = match (result, idempotency) {
        (Ok(outcome), _) => outcome,
        // Two retries raced with one key: the other one sent it; answer with
        // it (or refuse, if it was another request).
        (Err(ApiError::Internal(cause)), Some(idempotency)) if is_unique_violation(&cause) => {
            let key = idempotency.key.clone();
            let (existing, hash) = state
                .db
                .run(move |conn| {
                    Ok(sms_rows::find_by_idempotency_key(
                        conn,
                        &account_id,
                        &sender_key,
                        &key,
                    )?)
                })
                .await?
                .ok_or(ApiError::Internal(cause))?;
            (idempotency.replay(existing, hash.as_deref())?, false)
        }
        (Err(error), _) => {
            policies::note_refusal(state, caller, &error);
            return Err(error);
        }
    };
    if created {
        tracing::info!(account_id = %row.account_id, message_id = %row.id, country = %row.country, parts = row.parts, "message queued");
    }
    Ok(Sent {
        message: Message::from_row(&row),
        created,
    })
}

/// A checked send on its way to storage: charged and queued by [`store_send`]
/// (with the other sends waiting at the same time, in one transaction:
/// see [`crate::db::group_commit`]).
pub struct PendingSend {
    row: MessageRow,
    /// A secret text for the transport, when `row.body` is masked.
    to_deliver: Option<String>,
    idempotency: Option<Idempotency>,
    /// Whose idempotency keys these are ([`Principal::sender_key`]).
    key_sender: String,
    principal: Principal,
}

/// The group writer of single sends, one per process.
pub type SendWriter = GroupWriter<PendingSend, (MessageRow, bool), ApiError>;

/// Sends waiting together that one transaction stores, at most.
const MAX_SENDS_PER_TRANSACTION: usize = 64;

/// Starts this process's [`SendWriter`]; its task ends when the last handle is dropped.
pub fn start_send_writer(db: Db) -> (SendWriter, tokio::task::JoinHandle<()>) {
    GroupWriter::start(
        db,
        GroupWork {
            max_group: MAX_SENDS_PER_TRANSACTION,
            lock_key: |send| send.row.account_id.as_str(),
            together: store_sends,
            alone: store_send,
        },
    )
}

/// Whether [`admit`] may write before it refuses the send: a subuser's
/// monthly usage and a credential's caps are charged before the balance.
/// (The balance, message and key are one [`sms_rows::charge_and_store`],
/// which writes nothing when it refuses.)
fn writes_before_refusal(send: &PendingSend) -> bool {
    send.principal.subuser.is_some() || send.principal.policy.is_some()
}

impl PendingSend {
    fn to_check(&self) -> sms_rows::SendToCheck<'_> {
        sms_rows::SendToCheck {
            account_id: &self.row.account_id,
            sender: &self.key_sender,
            key: self.idempotency.as_ref().map(|i| i.key.as_str()),
            country: &self.row.country,
            at: self.row.created_at,
        }
    }

    fn to_store(&self) -> sms_rows::ToStore<'_> {
        sms_rows::ToStore {
            message: &self.row,
            key: self.idempotency.as_ref().map(|i| sms_rows::KeyToRecord {
                sender: &self.key_sender,
                key: &i.key,
                request_hash: &i.request_hash,
            }),
        }
    }
}

/// What [`admit`] found a send to be.
enum Admitted {
    /// The first message of a repeated idempotency key, sent again.
    Replay(Box<MessageRow>),
    /// A new message, to be charged and stored.
    New,
}

/// Checks, charges and stores one send in a transaction of its own: the
/// message, or the first message again for a repeated idempotency key
/// (`false`), or the refusal, which leaves nothing charged.
fn store_send(conn: &mut DbConnection, send: &PendingSend) -> ApiResult<(MessageRow, bool)> {
    let checks = sms_rows::send_checks_all(conn, &[send.to_check()])?;
    if let Admitted::Replay(existing) = admit(conn, send, &checks[0])? {
        return Ok((*existing, false));
    }
    let row = &send.row;
    if !sms_rows::charge_and_store_all(conn, &row.account_id, &[send.to_store()])? {
        let balance = sms_rows::points_balance(conn, &row.account_id)?;
        return Err(ApiError::InsufficientPoints {
            needed: row.points,
            balance,
        });
    }
    stored(conn, send)?;
    Ok((row.clone(), true))
}

/// Stores a group of sends together (see [`crate::db::group_commit`]), in
/// account order: one query checks them all, each is admitted (a refusal
/// undoes only its own writes), and each account is charged once for its
/// admitted sends and gets them stored in one statement. On PostgreSQL a
/// group of plain sends is four round trips, whatever their number.
///
/// When an account's balance does not cover all its admitted sends, they
/// are charged and stored one by one, in order, and those it no longer
/// covers are refused. If one of them wrote before its balance (a subuser's
/// month, a credential's caps), only rolling back undoes that: then the
/// group is stored send by send ([`store_send`], `None`).
fn store_sends(
    conn: &mut DbConnection,
    sends: &[Arc<PendingSend>],
) -> ApiResult<Together<(MessageRow, bool), ApiError>> {
    let to_check: Vec<_> = sends.iter().map(|send| send.to_check()).collect();
    let checks = sms_rows::send_checks_all(conn, &to_check)?;
    let mut outcomes = Vec::with_capacity(sends.len());
    // The admitted new messages, by their index in `sends`.
    let mut new = Vec::new();
    for (i, (send, checks)) in sends.iter().zip(&checks).enumerate() {
        let admitted = job_outcome(conn, writes_before_refusal(send), |conn| {
            admit(conn, send, checks)
        })?;
        outcomes.push(match admitted {
            Ok(Admitted::Replay(existing)) => Ok((*existing, false)),
            Ok(Admitted::New) => {
                new.push(i);
                Ok((send.row.clone(), true))
            }
            Err(refusal) => Err(refusal),
        });
    }
    let mut short = Vec::new();
    for account in new.chunk_by(|&a, &b| sends[a].row.account_id == sends[b].row.account_id) {
        let account_id = &sends[account[0]].row.account_id;
        let to_store: Vec<_> = account.iter().map(|&i| sends[i].to_store()).collect();
        if sms_rows::charge_and_store_all(conn, account_id, &to_store)? {
            continue;
        }
        if account.iter().any(|&i| writes_before_refusal(&sends[i])) {
            return Ok(None);
        }
        for (&i, one) in account.iter().zip(&to_store) {
            if !sms_rows::charge_and_store_all(conn, account_id, std::slice::from_ref(one))? {
                short.push(i);
            }
        }
    }
    for &i in &short {
        let row = &sends[i].row;
        outcomes[i] = Err(ApiError::InsufficientPoints {
            needed: row.points,
            balance: sms_rows::points_balance(conn, &row.account_id)?,
        });
    }
    for &i in new.iter().filter(|i| !short.contains(i)) {
        stored(conn, &sends[i])?;
    }
    Ok(Some(outcomes))
}

/// Everything a send is checked for before its balance, with the writes
/// that go before it (a subuser's monthly usage, a credential's caps), in
/// the caller's transaction: a repeated idempotency key, the sender name,
/// sending hours, the country filter and trial restriction, the subuser's
/// month and the credential's caps. `checks` are the send's
/// [`sms_rows::send_checks`].
fn admit(
    conn: &mut DbConnection,
    send: &PendingSend,
    checks: &sms_rows::SendChecks,
) -> ApiResult<Admitted> {
    let PendingSend {
        row,
        idempotency,
        key_sender,
        principal,
        ..
    } = send;
    let subuser = &principal.subuser;
    if let Some(idempotency) = idempotency.as_ref().filter(|_| checks.key_used) {
        if let Some((existing, hash)) =
            sms_rows::find_by_idempotency_key(conn, &row.account_id, key_sender, &idempotency.key)?
        {
            let existing = idempotency.replay(existing, hash.as_deref())?;
            return Ok(Admitted::Replay(Box::new(existing)));
        }
    }
    if let Some(sender) = &row.sender {
        // A name outside a subuser's grants is as unknown to them as an unapproved one.
        let granted = subuser
            .as_ref()
            .is_none_or(|s| s.sender_names.iter().any(|n| n == sender));
        if !granted || !crate::services::senders::is_approved(conn, &row.account_id, sender)? {
            return Err(ApiError::field(
                "sender",
                codes::UNKNOWN_SENDER,
                "This sender name is not approved for the account.",
            ));
        }
    }
    if let Some(opens_at) = subuser
        .as_ref()
        .and_then(|s| s.window.as_ref())
        .and_then(|w| w.opens_at(row.created_at.and_utc()))
    {
        return Err(ApiError::OutsideSendingHours { opens_at });
    }
    policies::check_window(principal, row.created_at)?;
    if !checks.country_allowed {
        return Err(ApiError::CountryNotAllowed(row.country.clone()));
    }
    trial_allows(
        checks.trial_home.as_deref(),
        std::slice::from_ref(&row.country),
    )?;
    policies::check_country(principal, &row.country)?;
    if let Some(subuser) = subuser {
        // Charged with the balance after this, in the same transaction: a
        // refusal of either leaves both untouched.
        let month = subusers::month_of(row.created_at);
        let limit = subuser.monthly_points_limit;
        if !subuser_rows::charge_usage(conn, &subuser.id, &month, row.points, limit)? {
            return Err(ApiError::PointsLimitReached {
                needed: row.points,
                used: subuser_rows::points_used(conn, &subuser.id, &month)?,
                limit: limit.unwrap_or_default(),
            });
        }
    }
    // The credential's caps, with the balance after this in the same transaction.
    policies::charge_caps(conn, principal, row.points, row.created_at)?;
    Ok(Admitted::New)
}

/// What goes with a message once it is stored: the text for the transport
/// when the stored body is masked, and the subuser who sent it.
fn stored(conn: &mut DbConnection, send: &PendingSend) -> ApiResult<()> {
    if let Some(text) = &send.to_deliver {
        sms_rows::insert_text_to_deliver(conn, &send.row.id, text)?;
    }
    if let Some(subuser) = &send.principal.subuser {
        sms_rows::record_sent_by(conn, &send.row.id, &subuser.id)?;
    }
    Ok(())
}

pub(crate) fn is_unique_violation(cause: &anyhow::Error) -> bool {
    matches!(
        cause.downcast_ref::<diesel::result::Error>(),
        Some(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

/// One message; a subuser sees only the messages they sent.
pub async fn get(state: &AppState, caller: &Principal, id: &str) -> ApiResult<Message> {
    let row: Option<MessageRow> = state
        .db
        .find(sms_rows::message_by_id(id.to_owned()))
        .await?;
    // Another account's message is as unknown as a missing one.
    let Some(row) = row.filter(|row| row.account_id == caller.tenant_id) else {
        return Err(ApiError::NotFound);
    };
    if let Some(by) = caller.sent_by() {
        let sender: Option<String> = state
            .db
            .find(sms_rows::message_sender(id.to_owned()))
            .await?;
        if sender.as_deref() != Some(by) {
            return Err(ApiError::NotFound);
        }
    }
    Ok(Message::from_row(&row))
}

/// Messages, newest first; a subuser sees only the messages they sent.
pub async fn list(
    state: &AppState,
    caller: &Principal,
    before: Option<String>,
    limit: Option<i64>,
) -> ApiResult<Vec<Message>> {
    let limit = limit.unwrap_or(50);
    if !(1..=LIST_LIMIT_MAX).contains(&limit) {
        return Err(ApiError::MalformedQuery(
            "`limit` must be between 1 and 100.".into(),
        ));
    }
    let account = caller.tenant_id.clone();
    let sent_by = caller.sent_by().map(str::to_owned);
    let rows = state
        .db
        .run(move |conn| {
            Ok(sms_rows::list_messages(
                conn,
                &account,
                sent_by.as_deref(),
                before.as_deref(),
                limit,
            )?)
        })
        .await?;
    Ok(rows.iter().map(Message::from_row).collect())
}

/// The country filter: each country the account may text now (ISO 3166-1
/// alpha-2, sorted) and, for an exception, when it stops being allowed.
pub async fn country_filter(
    state: &AppState,
    account_id: &str,
) -> ApiResult<Vec<(String, Option<NaiveDateTime>)>> {
    let account = account_id.to_owned();
    let at = now();
    let entries = state
        .db
        .run(move |conn| Ok(sms_rows::country_filter_entries(conn, &account)?))
        .await?;
    Ok(entries
        .into_iter()
        .filter(|(_, until)| until.is_none_or(|until| until > at))
        .collect())
}

/// Replaces the country filter; every code must be ISO 3166-1 alpha-2, and
/// `expiries` (country → RFC 3339) may make some of them exceptions that
/// stop at a given instant. Returns the filter as stored (sorted, without
/// repeats).
pub async fn set_country_filter(
    state: &AppState,
    account_id: &str,
    requested: &[String],
    expiries: &BTreeMap<String, String>,
    client: &ClientContext,
) -> ApiResult<Vec<(String, Option<NaiveDateTime>)>> {
    let at = now();
    let mut errors = Vec::new();
    let mut countries: Vec<String> = requested
        .iter()
        .enumerate()
        .filter_map(|(i, raw)| {
            CountryCode::parse(&format!("countries[{i}]"), raw)
                .map_err(|e| errors.push(e))
                .ok()
        })
        .map(|c| c.as_str().to_owned())
        .collect();
    countries.sort();
    countries.dedup();
    let mut until: BTreeMap<String, NaiveDateTime> = BTreeMap::new();
    for (key, raw) in expiries {
        let field = format!("expires_at.{key}");
        let country = CountryCode::parse(&field, key)
            .ok()
            .map(|c| c.as_str().to_owned())
            .filter(|c| countries.contains(c));
        let Some(country) = country else {
            errors.push(FieldError::new(
                &field,
                codes::NOT_A_CHOICE,
                "Only a country of `countries` can expire.",
            ));
            continue;
        };
        match crate::services::ip_allowlists::parse_expiry(&field, Some(raw), at) {
            Ok(Some(instant)) => {
                until.insert(country, instant);
            }
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let entries: Vec<(String, Option<NaiveDateTime>)> = countries
        .iter()
        .map(|c| (c.clone(), until.get(c).copied()))
        .collect();
    let (account, stored) = (account_id.to_owned(), entries.clone());
    let described = describe_filter(&entries);
    let event =
        SecurityEvent::by_owner(account_id, SecurityEventKind::CountryFilterChanged, client)
            .detail("countries", described.clone());
    state
        .db
        .transaction(move |conn| {
            check_trial_allows(conn, &account, &countries)?;
            let before = sms_rows::country_filter_entries(conn, &account)?;
            sms_rows::set_countries(conn, &account, &stored)?;
            if before != stored {
                security_log::record(conn, &event.detail("previous", describe_filter(&before)))?;
            }
            Ok(())
        })
        .await?;
    tracing::info!(account_id, countries = described, "country filter changed");
    Ok(entries)
}

/// A filter in the security log: `DE,PL` (`DE until 2026-12-11T18:00:00Z,PL`).
fn describe_filter(entries: &[(String, Option<NaiveDateTime>)]) -> String {
    entries
        .iter()
        .map(|(country, until)| match until {
            Some(until) => format!("{country} until {}", crate::services::rfc3339(*until)),
            None => country.clone(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Refuses `countries` (a destination, or a new country filter) beyond the
/// home country of a company still on trial points: they are for trying the
/// service at home, not for texting abroad, until the gateway's operator lifts
/// it (`portcullis operator lift-trial-restriction`). Read in the caller's
/// transaction, so a lift takes effect on the next request of any process.
fn check_trial_allows(
    conn: &mut DbConnection,
    tenant_id: &str,
    countries: &[String],
) -> ApiResult<()> {
    trial_allows(
        sms_rows::trial_home_country(conn, tenant_id)?.as_deref(),
        countries,
    )
}

/// [`check_trial_allows`] with the home country already read.
fn trial_allows(trial_home: Option<&str>, countries: &[String]) -> ApiResult<()> {
    match trial_home {
        Some(home) if countries.iter().any(|c| c != home) => Err(ApiError::TrialRestricted {
            home_country: home.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// What `portcullis operator lift-trial-restriction` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrialLift {
    Lifted,
    /// The account could already send abroad; nothing changed or was logged.
    AlreadyLifted,
}

/// The operator's decision to let the company of `email` send beyond its home
/// country: lifted in one transaction with its security-log event.
pub fn lift_trial_restriction(conn: &mut DbConnection, email: &str) -> anyhow::Result<TrialLift> {
    let key = crate::domain::Email::normalize(email);
    crate::db::write_transaction(conn, |conn| {
        let account = account_rows::find_by_email(conn, &key)?.ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("no account with the e-mail {email}"))
        })?;
        if account.is_subuser() {
            return Err(ApiError::internal(anyhow::anyhow!(
                "{email} is a subuser; lift the restriction of the company's owner"
            )));
        }
        if sms_rows::trial_home_country(conn, &account.id)?.is_none()
            || !sms_rows::lift_trial_restriction(conn, &account.id, "operator", now())?
        {
            return Ok(TrialLift::AlreadyLifted);
        }
        security_log::record(
            conn,
            &SecurityEvent::new(
                &account.id,
                security_log::Actor::Operator,
                SecurityEventKind::TrialRestrictionLifted,
            )
            .detail("home_country", account.country.clone()),
        )?;
        Ok(TrialLift::Lifted)
    })
    .map_err(|error| match error {
        ApiError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    })
}

/// The one rule for a phone being set for codes (two-factor SMS, an account's
/// or a subuser's phone): its country must be on the company's country
/// `filter`, or no code could ever be texted to it. `None` when it is.
pub fn phone_country_error(
    field: &str,
    phone: &PhoneNumber,
    filter: &[String],
) -> Option<FieldError> {
    let allowed = phone
        .country()
        .is_some_and(|country| filter.iter().any(|c| c == country));
    (!allowed).then(|| {
        FieldError::new(
            field,
            codes::COUNTRY_NOT_ALLOWED,
            format!(
                "The account's country filter does not allow SMS to {}: use a phone in an allowed country, or allow its country first.",
                phone.country().unwrap_or("this number's country")
            ),
        )
    })
}

/// [`phone_country_error`] against the company `tenant_id`'s filter as stored.
pub fn check_phone_country(
    conn: &mut DbConnection,
    tenant_id: &str,
    field: &str,
    phone: &PhoneNumber,
) -> diesel::QueryResult<Option<FieldError>> {
    let filter = sms_rows::allowed_countries(conn, tenant_id, now())?;
    Ok(phone_country_error(field, phone, &filter))
}

/// [`check_phone_country`] as a refusal (422 naming `field`), for a set-up
/// that checks nothing else in storage.
pub async fn ensure_phone_country(
    state: &AppState,
    tenant_id: &str,
    field: &'static str,
    phone: &PhoneNumber,
) -> ApiResult<()> {
    let (tenant, phone) = (tenant_id.to_owned(), phone.clone());
    match state
        .db
        .read(move |conn| Ok(check_phone_country(conn, &tenant, field, &phone)?))
        .await?
    {
        Some(error) => Err(ApiError::Validation(vec![error])),
        None => Ok(()),
    }
}

/// Whether a system text (a sign-in or set-up code) may go to `phone` (E.164)
/// for the login `login_id`, owner or subuser: only where the company's
/// country filter lets any SMS go.
pub fn may_text(conn: &mut DbConnection, login_id: &str, phone: &str) -> diesel::QueryResult<bool> {
    let Some(account) = account_rows::find_by_id(conn, login_id)? else {
        return Ok(false);
    };
    let country = PhoneNumber::parse("phone", phone)
        .ok()
        .and_then(|p| p.country().map(str::to_owned));
    match country {
        Some(country) => sms_rows::country_allowed(conn, account.tenant_id(), &country, now()),
        None => Ok(false),
    }
}

/// The refusal of a code that would be texted where the country filter
/// blocks SMS, naming `field` (`method`: ask for it another way).
pub fn text_blocked(field: &str) -> ApiError {
    ApiError::field(
        field,
        codes::COUNTRY_NOT_ALLOWED,
        "The account's country filter blocks SMS to this phone's country, so no code can be texted there. Use another method.",
    )
}
