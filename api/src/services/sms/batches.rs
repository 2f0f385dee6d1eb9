//! Bulk sending: one text to up to [`MAX_BATCH_RECIPIENTS`] recipients — a
//! list, or a contact group the caller may see — under the rules of a single
//! send (`messages`): every recipient is checked (E.164, the country filter,
//! the trial restriction), and the whole batch is charged and queued in one
//! transaction, or refused whole with an error per recipient and nothing
//! stored or charged. Each recipient becomes an ordinary message, so the
//! dispatcher, `GET /api/v1/sms/{id}`, refunds and a subuser's monthly usage
//! treat it as any other.
//!
//! A number given twice is refused (`duplicate`, naming the first index)
//! rather than merged: a list with repeats is usually a client's mistake,
//! and refusing keeps one index, one recipient, one message, one charge.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use portcullis_shared::{
    problem::{FieldError, RecipientError},
    validate::{codes, MAX_BATCH_RECIPIENTS},
    vocabulary::MessageStatus,
};

use crate::services::{access::Principal, low_priority, now, subusers, tokens::policies, AppState};
use crate::{
    db::{
        contacts as contact_rows, sms as sms_rows,
        sms_batches::{self as batch_rows, BatchRow},
        subusers as subuser_rows, DbConnection,
    },
    domain::{sms_text::SmsText, PhoneNumber},
    error::{ApiError, ApiResult},
};

use super::messages::{is_unique_violation, parse_optional_sender, statuses, POINTS_PER_PART};

/// An account's batches are stored one at a time in this process; the others
/// wait here, holding nothing. A batch's transaction holds its account's row
/// (the charge) until its thousand messages are in: on PostgreSQL, which has
/// no writer queue, concurrent batches of an account waited on that lock each
/// holding a pooled connection and a blocking thread, and all of them
/// together took the CPU from reads beside them. Other accounts' batches go
/// on in parallel. (On SQLite the writer queue serialises them anyway.)
static BATCH_TURNS: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<String, std::sync::Weak<tokio::sync::Mutex<()>>>>,
> = std::sync::LazyLock::new(Default::default);

/// Waits for `account`'s turn to store a batch (see [`BATCH_TURNS`]).
async fn batch_turn(account: &str) -> tokio::sync::OwnedMutexGuard<()> {
    let turn = {
        let mut turns = BATCH_TURNS.lock().unwrap_or_else(|e| e.into_inner());
        match turns.get(account).and_then(std::sync::Weak::upgrade) {
            Some(turn) => turn,
            None => {
                // Forget the accounts no batch is waiting for any more.
                turns.retain(|_, turn| turn.strong_count() > 0);
                let turn = std::sync::Arc::new(tokio::sync::Mutex::new(()));
                turns.insert(account.to_owned(), std::sync::Arc::downgrade(&turn));
                turn
            }
        }
    };
    turn.lock_owned().await
}

/// Most batches returned by one list call.
pub const LIST_LIMIT_MAX: i64 = 100;
/// Most recipients returned by one page of a batch.
pub const PAGE_LIMIT_MAX: i64 = 1000;
const PAGE_LIMIT_DEFAULT: i64 = 100;

/// A bulk send asked for, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct NewBatch {
    /// Numbers, international form; empty when `group_id` is given.
    pub to: Vec<String>,
    /// A contact group instead of `to`.
    pub group_id: Option<String>,
    pub text: String,
    /// An approved sender name; none or blank for the default.
    pub sender: Option<String>,
}

/// How many of a batch's messages are where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

/// A batch as its sender reads it.
#[derive(Debug, Clone)]
pub struct Batch {
    pub id: String,
    pub group_id: Option<String>,
    pub sender: Option<String>,
    pub text: String,
    pub encoding: String,
    pub parts: i64,
    pub recipients: i64,
    pub points: i64,
    pub counts: Counts,
    pub created_at: NaiveDateTime,
}

impl Batch {
    fn from_row(row: BatchRow, counts: Counts) -> Self {
        Self {
            id: row.id,
            group_id: row.group_id,
            sender: row.sender,
            text: row.body,
            encoding: row.encoding,
            parts: row.parts,
            recipients: row.recipients,
            points: row.points,
            counts,
            created_at: row.created_at,
        }
    }
}

/// One recipient of a batch and where its message is.
#[derive(Debug, Clone)]
pub struct BatchRecipient {
    pub index: i64,
    pub to: String,
    pub country: String,
    pub message_id: String,
    pub status: MessageStatus,
    pub sent_at: Option<NaiveDateTime>,
}

/// A batch and a page of its recipients.
#[derive(Debug, Clone)]
pub struct BatchPage {
    pub batch: Batch,
    pub recipients: Vec<BatchRecipient>,
    /// The `after` of the next page, when there is one.
    pub next_after: Option<i64>,
}

/// The outcome of a bulk send: the batch, and whether it is new (false when
/// an earlier request with the same idempotency key sent it).
pub struct SentBatch {
    pub batch: Batch,
    pub created: bool,
}

/// A recipient that passed parsing: its index and number.
#[derive(Debug, Clone)]
struct Recipient {
    index: usize,
    phone: PhoneNumber,
    country: String,
}

/// Where the recipients come from, once the request's shape is checked.
enum Source {
    /// Parsed numbers, and the refusals of those that did not parse.
    Numbers(Vec<Recipient>, Vec<RecipientError>),
    Group(String),
}

fn status_of(stored: &str) -> MessageStatus {
    match stored {
        statuses::SENT => MessageStatus::Sent,
        statuses::FAILED => MessageStatus::Failed,
        _ => MessageStatus::Queued,
    }
}

fn recipient_error(
    index: usize,
    to: &str,
    code: &str,
    detail: impl Into<String>,
) -> RecipientError {
    RecipientError {
        index: u32::try_from(index).unwrap_or(u32::MAX),
        to: to.to_owned(),
        code: code.to_owned(),
        detail: detail.into(),
    }
}

/// Parses every number: the valid ones, and an error for each that is not a
/// number of a country or repeats an earlier one.
fn parse_numbers(raw: &[String]) -> (Vec<Recipient>, Vec<RecipientError>) {
    let mut parsed = Vec::with_capacity(raw.len());
    let mut errors = Vec::new();
    let mut first_at: HashMap<String, usize> = HashMap::with_capacity(raw.len());
    for (index, number) in raw.iter().enumerate() {
        let phone = match PhoneNumber::parse("to", number) {
            Ok(phone) => phone,
            Err(error) => {
                errors.push(recipient_error(index, number, &error.code, error.message));
                continue;
            }
        };
        let Some(country) = phone.country().map(str::to_owned) else {
            errors.push(recipient_error(
                index,
                number,
                codes::INVALID_PHONE,
                "This number does not belong to a country.",
            ));
            continue;
        };
        if let Some(first) = first_at.get(phone.as_str()) {
            errors.push(recipient_error(
                index,
                number,
                codes::DUPLICATE,
                format!("The same number as at index {first}; give each recipient once."),
            ));
            continue;
        }
        first_at.insert(phone.as_str().to_owned(), index);
        parsed.push(Recipient {
            index,
            phone,
            country,
        });
    }
    (parsed, errors)
}

/// A sender's `Idempotency-Key` with the hash of its request (see
/// `messages::Idempotency`): the parsed numbers in order (or the group), the
/// text and the sender name.
#[derive(Debug, Clone)]
struct Idempotency {
    key: String,
    sender: String,
    request_hash: String,
}

impl Idempotency {
    fn new(
        key: String,
        sender: String,
        source: &Source,
        text: &SmsText,
        name: Option<&str>,
    ) -> Self {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        let mut field = |value: &str| {
            hash.update((value.len() as u64).to_be_bytes());
            hash.update(value.as_bytes());
        };
        match source {
            Source::Numbers(recipients, _) => {
                field("to");
                for recipient in recipients {
                    field(recipient.phone.as_str());
                }
            }
            Source::Group(id) => {
                field("group");
                field(id);
            }
        }
        field(text.as_str());
        field(name.unwrap_or(""));
        hash.update([u8::from(name.is_some())]);
        let request_hash = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Self {
            key,
            sender,
            request_hash,
        }
    }

    /// The first batch again, if it was this request.
    fn replay(&self, row: &BatchRow) -> ApiResult<()> {
        match row.request_hash.as_deref() {
            Some(hash) if hash != self.request_hash => Err(ApiError::IdempotencyKeyReused),
            _ => Ok(()),
        }
    }
}

/// Checks the request's shape: the text, the sender name, and recipients
/// given as a list of 1 to 1,000 numbers or as a group, not both.
fn check_request(request: NewBatch) -> ApiResult<(Source, SmsText, Option<String>)> {
    let mut errors: Vec<FieldError> = Vec::new();
    let text = SmsText::parse("text", &request.text)
        .map_err(|e| errors.push(e))
        .ok();
    let sender = parse_optional_sender(request.sender.as_deref(), &mut errors);
    let group = request
        .group_id
        .map(|g| g.trim().to_owned())
        .filter(|g| !g.is_empty());
    let source = match (request.to.is_empty(), group) {
        (false, Some(_)) => {
            errors.push(FieldError::new(
                "group_id",
                codes::CONFLICTING,
                "Give either `to` or `group_id`, not both.",
            ));
            None
        }
        (true, None) => {
            errors.push(FieldError::new(
                "to",
                codes::REQUIRED,
                "Give 1 to 1,000 recipients, or a `group_id`.",
            ));
            None
        }
        (false, None) if request.to.len() > MAX_BATCH_RECIPIENTS => {
            errors.push(FieldError::new(
                "to",
                codes::TOO_MANY,
                format!(
                    "A batch takes at most {MAX_BATCH_RECIPIENTS} recipients; this one has {}.",
                    request.to.len()
                ),
            ));
            None
        }
        (false, None) => {
            let (parsed, refused) = parse_numbers(&request.to);
            Some(Source::Numbers(parsed, refused))
        }
        (true, Some(group)) => Some(Source::Group(group)),
    };
    match (source, text, errors.is_empty()) {
        (Some(source), Some(text), true) => Ok((source, text, sender)),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// The recipients of a group the caller may see, by contact id. An unknown
/// group and one the caller may not see are refused alike.
fn group_recipients(
    conn: &mut DbConnection,
    caller: &Principal,
    group_id: &str,
) -> ApiResult<(Vec<Recipient>, Vec<RecipientError>)> {
    let visible = caller
        .visible_groups()
        .is_none_or(|groups| groups.iter().any(|g| g == group_id));
    if !visible || !contact_rows::group_exists(conn, &caller.tenant_id, group_id)? {
        return Err(ApiError::field(
            "group_id",
            codes::UNKNOWN_GROUP,
            "No such contact group on this account.",
        ));
    }
    let limit = MAX_BATCH_RECIPIENTS as i64 + 1;
    let phones = contact_rows::group_phones(conn, &caller.tenant_id, group_id, limit)?;
    if phones.is_empty() {
        return Err(ApiError::field(
            "group_id",
            codes::EMPTY_GROUP,
            "This group has no contacts to send to.",
        ));
    }
    if phones.len() > MAX_BATCH_RECIPIENTS {
        return Err(ApiError::Validation(vec![FieldError::new(
            "group_id",
            codes::TOO_MANY,
            format!(
                "A batch takes at most {MAX_BATCH_RECIPIENTS} recipients; this group has more."
            ),
        )]));
    }
    // Stored phones were checked when saved; a contact can repeat no number.
    Ok(parse_numbers(&phones))
}

/// The recipients the account may not text now: beyond its country filter,
/// or beyond its home country while on trial. Read in the sending
/// transaction, so a filter changed meanwhile is the one obeyed.
fn destination_errors(
    conn: &mut DbConnection,
    tenant_id: &str,
    recipients: &[Recipient],
) -> ApiResult<Vec<RecipientError>> {
    let allowed = sms_rows::allowed_countries(conn, tenant_id, crate::services::now())?;
    let home = sms_rows::trial_home_country(conn, tenant_id)?;
    Ok(recipients
        .iter()
        .filter_map(|r| {
            let to = r.phone.as_str();
            if !allowed.contains(&r.country) {
                Some(recipient_error(
                    r.index,
                    to,
                    codes::COUNTRY_NOT_ALLOWED,
                    format!("Destination country {} is not on the account's country filter.", r.country),
                ))
            } else {
                home.as_ref().filter(|home| **home != r.country).map(|home| {
                    recipient_error(
                        r.index,
                        to,
                        codes::TRIAL_RESTRICTED,
                        format!("Until the trial restriction is lifted, the account may send only to {home}."),
                    )
                })
            }
        })
        .collect())
}

/// What the sending transaction did.
enum Stored {
    New(BatchRow),
    /// An earlier request with the same key, and its counts now.
    Replayed(BatchRow, Counts),
}

/// Sends one text to every recipient of `request`: checks them all, then
/// charges the whole batch and queues a message per recipient in one
/// transaction. Any recipient that cannot be sent to refuses the whole batch
/// (`422 invalid_recipients`, each named by index), as does a balance or a
/// subuser's monthly limit that does not cover it all; nothing is stored or
/// charged then. A repeated idempotency key returns the first batch.
pub async fn send(
    state: &AppState,
    caller: &Principal,
    request: NewBatch,
    idempotency_key: Option<String>,
) -> ApiResult<SentBatch> {
    // libphonenumber takes microseconds a number, milliseconds a batch: off
    // the async workers and below them in priority, so reads and sign-ins
    // are not held up by a bulk send.
    let (source, text, sender) =
        low_priority::run("batch-recipients", move || check_request(request)).await??;
    let idempotency = idempotency_key
        .map(|key| Idempotency::new(key, caller.sender_key(), &source, &text, sender.as_deref()));
    let principal = caller.clone();
    let idempotent = idempotency.clone();
    let result = {
        let _turn = batch_turn(&caller.tenant_id).await;
        state
            .db
            .transaction(move |conn| {
                store(conn, &principal, source, &text, sender, idempotent.as_ref())
            })
            .await
    };
    let stored = match (result, idempotency) {
        (Ok(stored), _) => stored,
        // Two retries raced with one key: the other one stored it.
        (Err(ApiError::Internal(cause)), Some(idempotency)) if is_unique_violation(&cause) => {
            let tenant = caller.tenant_id.clone();
            let (row, counts) = state
                .db
                .run(move |conn| {
                    let Some(row) = batch_rows::find_by_idempotency_key(
                        conn,
                        &tenant,
                        &idempotency.sender,
                        &idempotency.key,
                    )?
                    else {
                        return Err(ApiError::Internal(cause));
                    };
                    idempotency.replay(&row)?;
                    let counts = counts_of(conn, &row.id)?;
                    Ok((row, counts))
                })
                .await?;
            Stored::Replayed(row, counts)
        }
        (Err(error), _) => {
            policies::note_refusal(state, caller, &error);
            return Err(error);
        }
    };
    Ok(match stored {
        Stored::New(row) => {
            tracing::info!(account_id = %row.account_id, batch_id = %row.id, recipients = row.recipients, points = row.points, "batch queued");
            let counts = Counts {
                queued: row.recipients,
                ..Counts::default()
            };
            SentBatch {
                batch: Batch::from_row(row, counts),
                created: true,
            }
        }
        Stored::Replayed(row, counts) => SentBatch {
            batch: Batch::from_row(row, counts),
            created: false,
        },
    })
}

/// The sending transaction of [`send`].
fn store(
    conn: &mut DbConnection,
    caller: &Principal,
    source: Source,
    text: &SmsText,
    sender: Option<String>,
    idempotency: Option<&Idempotency>,
) -> ApiResult<Stored> {
    let tenant = caller.tenant_id.as_str();
    if let Some(idempotency) = idempotency {
        if let Some(row) = batch_rows::find_by_idempotency_key(
            conn,
            tenant,
            &idempotency.sender,
            &idempotency.key,
        )? {
            idempotency.replay(&row)?;
            let counts = counts_of(conn, &row.id)?;
            return Ok(Stored::Replayed(row, counts));
        }
    }
    let (group_id, (recipients, mut refused)) = match source {
        Source::Numbers(recipients, refused) => (None, (recipients, refused)),
        Source::Group(id) => {
            let found = group_recipients(conn, caller, &id)?;
            (Some(id), found)
        }
    };
    let subuser = caller.subuser.as_deref();
    if let Some(name) = &sender {
        // A name outside a subuser's grants is as unknown to them as an unapproved one.
        let granted = subuser.is_none_or(|s| s.sender_names.iter().any(|n| n == name));
        if !granted || !crate::services::senders::is_approved(conn, tenant, name)? {
            return Err(ApiError::field(
                "sender",
                codes::UNKNOWN_SENDER,
                "This sender name is not approved for the account.",
            ));
        }
    }
    let created_at = now();
    if let Some(opens_at) = subuser
        .and_then(|s| s.window.as_ref())
        .and_then(|w| w.opens_at(created_at.and_utc()))
    {
        return Err(ApiError::OutsideSendingHours { opens_at });
    }
    policies::check_window(caller, created_at)?;
    refused.extend(destination_errors(conn, tenant, &recipients)?);
    // Recipients the account may text but the credential may not.
    let beyond_policy: Vec<_> = policies::refused_recipients(
        caller,
        recipients
            .iter()
            .map(|r| (r.index, r.phone.as_str(), r.country.as_str())),
    )
    .into_iter()
    .filter(|e| !refused.iter().any(|r| r.index == e.index))
    .collect();
    refused.extend(beyond_policy);
    if !refused.is_empty() {
        refused.sort_by_key(|e| e.index);
        return Err(ApiError::InvalidRecipients(refused));
    }
    let count = recipients.len() as i64;
    let points_each = text.parts() * POINTS_PER_PART;
    let points = count * points_each;
    if let Some(subuser) = subuser {
        // Charged with the balance below, in this transaction: a refusal of
        // either leaves both untouched.
        let month = subusers::month_of(created_at);
        let limit = subuser.monthly_points_limit;
        if !subuser_rows::charge_usage(conn, &subuser.id, &month, points, limit)? {
            return Err(ApiError::PointsLimitReached {
                needed: points,
                used: subuser_rows::points_used(conn, &subuser.id, &month)?,
                limit: limit.unwrap_or_default(),
            });
        }
    }
    // The whole batch against the credential's caps, or none of it.
    policies::charge_caps(conn, caller, points, created_at)?;
    if !sms_rows::charge_points(conn, tenant, points)? {
        let balance = sms_rows::points_balance(conn, tenant)?;
        return Err(ApiError::InsufficientPoints {
            needed: points,
            balance,
        });
    }
    let messages = batch_rows::NewBatchMessages {
        account_id: tenant,
        token_id: caller.token_id.as_deref(),
        sender: sender.as_deref(),
        body: text.as_str(),
        encoding: text.encoding().as_str(),
        parts: text.parts(),
        points: points_each,
        status: statuses::QUEUED,
        created_at,
        ids: recipients
            .iter()
            .map(|_| format!("msg_{}", uuid::Uuid::now_v7().simple()))
            .collect(),
        recipients: recipients.iter().map(|r| r.phone.as_str()).collect(),
        countries: recipients.iter().map(|r| r.country.as_str()).collect(),
    };
    let row = BatchRow {
        id: format!("bat_{}", uuid::Uuid::now_v7().simple()),
        account_id: tenant.to_owned(),
        sent_by: caller.sent_by().map(str::to_owned),
        token_id: caller.token_id.clone(),
        group_id,
        sender: sender.clone(),
        body: text.as_str().to_owned(),
        encoding: text.encoding().as_str().to_owned(),
        parts: text.parts(),
        recipients: count,
        points,
        key_sender: idempotency.map(|i| i.sender.clone()),
        idempotency_key: idempotency.map(|i| i.key.clone()),
        request_hash: idempotency.map(|i| i.request_hash.clone()),
        created_at,
    };
    batch_rows::insert_batch(conn, &row, &messages)?;
    Ok(Stored::New(row))
}

fn counts_of(conn: &mut DbConnection, batch_id: &str) -> ApiResult<Counts> {
    let rows = batch_rows::status_counts(conn, &[batch_id.to_owned()])?;
    Ok(tally(rows.into_iter().map(|(_, status, n)| (status, n))))
}

fn tally(rows: impl Iterator<Item = (String, i64)>) -> Counts {
    let mut counts = Counts::default();
    for (status, n) in rows {
        match status_of(&status) {
            MessageStatus::Sent => counts.sent += n,
            MessageStatus::Failed => counts.failed += n,
            _ => counts.queued += n,
        }
    }
    counts
}

/// One batch with a page of its recipients (by index, after `after`); a
/// subuser sees only the batches they sent, another account none.
pub async fn get(
    state: &AppState,
    caller: &Principal,
    id: &str,
    after: Option<i64>,
    limit: Option<i64>,
) -> ApiResult<BatchPage> {
    let limit = limit.unwrap_or(PAGE_LIMIT_DEFAULT);
    if !(1..=PAGE_LIMIT_MAX).contains(&limit) {
        return Err(ApiError::MalformedQuery(format!(
            "`limit` must be between 1 and {PAGE_LIMIT_MAX}."
        )));
    }
    if after.is_some_and(|a| a < 0) {
        return Err(ApiError::MalformedQuery(
            "`after` must be a recipient's index, 0 or more.".into(),
        ));
    }
    let (tenant, id) = (caller.tenant_id.clone(), id.to_owned());
    let sent_by = caller.sent_by().map(str::to_owned);
    state
        .db
        .run(move |conn| {
            let row = batch_rows::find_batch(conn, &tenant, sent_by.as_deref(), &id)?
                .ok_or(ApiError::NotFound)?;
            let counts = counts_of(conn, &row.id)?;
            // One more than asked tells whether a next page exists.
            let mut rows = batch_rows::recipients(conn, &row.id, after, limit + 1)?;
            let more = rows.len() as i64 > limit;
            rows.truncate(usize::try_from(limit).unwrap_or(0));
            let next_after = more.then(|| rows.last().map(|r| r.position)).flatten();
            let recipients = rows
                .into_iter()
                .map(|r| BatchRecipient {
                    index: r.position,
                    to: r.recipient,
                    country: r.country,
                    message_id: r.message_id,
                    status: status_of(&r.status),
                    sent_at: r.sent_at,
                })
                .collect();
            Ok(BatchPage {
                batch: Batch::from_row(row, counts),
                recipients,
                next_after,
            })
        })
        .await
}

/// Batches, newest first; a subuser sees only the batches they sent.
pub async fn list(
    state: &AppState,
    caller: &Principal,
    before: Option<String>,
    limit: Option<i64>,
) -> ApiResult<Vec<Batch>> {
    let limit = limit.unwrap_or(50);
    if !(1..=LIST_LIMIT_MAX).contains(&limit) {
        return Err(ApiError::MalformedQuery(
            "`limit` must be between 1 and 100.".into(),
        ));
    }
    let tenant = caller.tenant_id.clone();
    let sent_by = caller.sent_by().map(str::to_owned);
    state
        .db
        .run(move |conn| {
            let rows = batch_rows::list_batches(
                conn,
                &tenant,
                sent_by.as_deref(),
                before.as_deref(),
                limit,
            )?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let mut counts: HashMap<String, Vec<(String, i64)>> = HashMap::new();
            for (batch, status, n) in batch_rows::status_counts(conn, &ids)? {
                counts.entry(batch).or_default().push((status, n));
            }
            Ok(rows
                .into_iter()
                .map(|row| {
                    let of_row = counts.remove(&row.id).unwrap_or_default();
                    Batch::from_row(row, tally(of_row.into_iter()))
                })
                .collect())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_number_is_named_by_index_and_repeats_are_refused() {
        let raw: Vec<String> = [
            "+48500100200",
            "+48 12",
            "+48 500 100 200",
            "+4915123456789",
        ]
        .map(str::to_owned)
        .to_vec();
        let (parsed, errors) = parse_numbers(&raw);
        assert_eq!(
            parsed
                .iter()
                .map(|r| (r.index, r.country.as_str()))
                .collect::<Vec<_>>(),
            [(0, "PL"), (3, "DE")]
        );
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.index, e.code.as_str()))
                .collect::<Vec<_>>(),
            [(1, codes::INVALID_PHONE), (2, codes::DUPLICATE)]
        );
        assert!(errors[1].detail.contains("index 0"));
    }

    #[test]
    fn the_request_gives_a_list_or_a_group() {
        let both = NewBatch {
            to: vec!["+48500100200".into()],
            group_id: Some("grp_1".into()),
            text: "hi".into(),
            sender: None,
        };
        let Err(ApiError::Validation(errors)) = check_request(both) else {
            panic!("both refused")
        };
        assert_eq!(errors[0].code, codes::CONFLICTING);
        let too_many = NewBatch {
            to: vec!["+48500100200".into(); MAX_BATCH_RECIPIENTS + 1],
            text: "hi".into(),
            ..NewBatch::default()
        };
        let Err(ApiError::Validation(errors)) = check_request(too_many) else {
            panic!("too many refused")
        };
        assert_eq!(errors[0].code, codes::TOO_MANY);
        let Err(ApiError::Validation(errors)) = check_request(NewBatch::default()) else {
            panic!("nothing refused")
        };
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["text", "to"]
        );
    }
}
