//! Sender names: requested by the account, approved by the gateway's operators.

use chrono::NaiveDateTime;
use portcullis_shared::{problem::FieldError, validate::codes};

use crate::services::{access::Principal, now, AppState};
use crate::{
    db::{
        senders::{self as sender_rows, SenderRow},
        DbConnection,
    },
    error::{ApiError, ApiResult},
};

pub mod statuses {
    pub const PENDING: &str = "pending";
    pub const APPROVED: &str = "approved";
    pub const REJECTED: &str = "rejected";
}

/// Checks an alphanumeric sender name: 1 to 11 letters, digits, spaces, dots
/// or dashes (GSM alphanumeric originators), with at least one letter.
pub fn parse_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    let valid = (1..=11).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-'))
        && name.chars().any(|c| c.is_ascii_alphabetic());
    if valid {
        Ok(name.to_owned())
    } else {
        Err(FieldError {
            field: field.into(),
            code: codes::INVALID_SENDER.into(),
            message:
                "Use 1 to 11 letters, digits, spaces, dots or dashes, with at least one letter."
                    .into(),
        })
    }
}

/// Where the operators' review of a sender name stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Pending,
    Approved,
    Rejected,
}

/// A sender name of the account.
#[derive(Debug, Clone)]
pub struct Sender {
    pub id: String,
    pub name: String,
    pub review: Review,
    pub created_at: NaiveDateTime,
}

impl From<&SenderRow> for Sender {
    fn from(row: &SenderRow) -> Self {
        Self {
            id: row.id.clone(),
            name: row.name.clone(),
            review: match row.status.as_str() {
                statuses::APPROVED => Review::Approved,
                statuses::REJECTED => Review::Rejected,
                _ => Review::Pending,
            },
            created_at: row.created_at,
        }
    }
}

/// True when `name` is an approved sender name of the account.
pub fn is_approved(
    conn: &mut DbConnection,
    account_id: &str,
    name: &str,
) -> diesel::QueryResult<bool> {
    Ok(sender_rows::find_by_name(conn, account_id, name)?
        .is_some_and(|s| s.status == statuses::APPROVED))
}

/// The account's sender names; a subuser sees only the names granted to them.
pub async fn list(state: &AppState, caller: &Principal) -> ApiResult<Vec<Sender>> {
    let account = caller.tenant_id.clone();
    let rows = state
        .db
        .run(move |conn| Ok(sender_rows::list_senders(conn, &account)?))
        .await?;
    let granted = |name: &str| {
        caller
            .subuser
            .as_ref()
            .is_none_or(|s| s.sender_names.iter().any(|n| n == name))
    };
    Ok(rows
        .iter()
        .filter(|row| granted(&row.name))
        .map(Sender::from)
        .collect())
}

pub async fn request(state: &AppState, account_id: &str, name: &str) -> ApiResult<Sender> {
    let name = parse_name("name", name).map_err(|e| ApiError::Validation(vec![e]))?;
    let row = SenderRow {
        id: format!("snd_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.to_owned(),
        name,
        status: statuses::PENDING.into(),
        created_at: now(),
        decided_at: None,
    };
    let stored = row.clone();
    state
        .db
        .transaction(move |conn| {
            if sender_rows::find_by_name(conn, &stored.account_id, &stored.name)?.is_some() {
                return Err(ApiError::Conflict {
                    detail: "This sender name was already requested.".into(),
                    errors: vec![FieldError {
                        field: "name".into(),
                        code: codes::DUPLICATE.into(),
                        message: "Already requested.".into(),
                    }],
                });
            }
            Ok(sender_rows::insert_sender(conn, &stored)?)
        })
        .await?;
    Ok(Sender::from(&row))
}

pub async fn delete(state: &AppState, account_id: &str, id: &str) -> ApiResult<()> {
    let (account, sender) = (account_id.to_owned(), id.to_owned());
    if state
        .db
        .transaction(move |conn| Ok(sender_rows::delete_sender(conn, &account, &sender)?))
        .await?
    {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// The operator's decision (`portcullis senders approve|reject ID`).
pub fn decide(conn: &mut DbConnection, id: &str, approve: bool) -> anyhow::Result<()> {
    let status = if approve {
        statuses::APPROVED
    } else {
        statuses::REJECTED
    };
    if !sender_rows::decide(conn, id, status, now())? {
        anyhow::bail!("no sender name with id {id}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sender_names_follow_the_alphanumeric_originator_rules() {
        for good in ["ACME", "Shop-24", "A.B C", "x"] {
            assert!(super::parse_name("name", good).is_ok(), "{good}");
        }
        for bad in ["", "TwelveChars1", "12345", "Zażółć", "ACME!"] {
            assert!(super::parse_name("name", bad).is_err(), "{bad}");
        }
    }
}
