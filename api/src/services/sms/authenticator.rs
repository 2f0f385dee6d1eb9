//! SMS Authenticator: an integrator sends a one-time code to its own user's
//! phone (charged and country-filtered like any message) and later checks it.
//! Codes: 6 digits, valid 5 minutes, single use, at most 5 attempts, hashed.

use chrono::{Duration, NaiveDateTime};
use portcullis_shared::{problem::FieldError, validate::codes};

use crate::services::{
    access::Principal, now, sms::budget, sms::messages, tokens::api_access::ApiCallerInfo, AppState,
};
use crate::{
    db::authenticator::{self as code_rows, CodeRow},
    domain::{sms_text::SmsText, OneTimeCode, PhoneNumber},
    error::{ApiError, ApiResult},
};

const CODE_TTL_MINUTES: i64 = 5;
const MAX_ATTEMPTS: i64 = 5;
const APP_NAME_MAX_CHARS: usize = 30;
/// What the message history shows instead of the code (as many characters).
const CODE_MASK: &str = "******";

/// A code asked for, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct NewCode {
    /// The user's phone, E.164.
    pub to: String,
    /// The integrator's application, named in the message.
    pub app_name: Option<String>,
}

/// A code that was sent.
#[derive(Debug, Clone)]
pub struct SentCode {
    pub id: String,
    /// Recipient, E.164.
    pub to: String,
    /// The SMS that carries it.
    pub message_id: String,
    pub expires_at: NaiveDateTime,
}

/// The outcome of one check of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeCheck {
    /// True once, for the right code.
    pub verified: bool,
    /// Wrong attempts still allowed.
    pub attempts_left: i64,
}

pub async fn send_code(
    state: &AppState,
    caller: &ApiCallerInfo,
    request: NewCode,
) -> ApiResult<SentCode> {
    let mut errors: Vec<FieldError> = Vec::new();
    let to = PhoneNumber::parse("to", &request.to)
        .map_err(|e| errors.push(e))
        .ok();
    let app_name = request
        .app_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if app_name
        .is_some_and(|n| n.chars().count() > APP_NAME_MAX_CHARS || n.chars().any(char::is_control))
    {
        errors.push(FieldError {
            field: "app_name".into(),
            code: codes::TOO_LONG.into(),
            message: "Use at most 30 plain characters.".into(),
        });
    }
    let Some(to) = to.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let code = OneTimeCode::generate();
    let code_text = code.expose();
    let body = match app_name {
        Some(app) => {
            format!("{code_text} is your code for {app}. It expires in {CODE_TTL_MINUTES} minutes.")
        }
        None => {
            format!(
                "{code_text} is your verification code. It expires in {CODE_TTL_MINUTES} minutes."
            )
        }
    };
    let text = SmsText::parse("app_name", &body).map_err(|e| ApiError::Validation(vec![e]))?;
    // Within the owner's per-number limits (sms_budget), then charged and
    // country-checked like any message; refused sends store no code. The
    // transport gets the code once; the message history shows it masked.
    budget::charge_authenticator_code(state, &caller.account_id, to.as_str()).await?;
    let shown = body.replacen(code_text, CODE_MASK, 1);
    let sent =
        messages::queue_secret(state, &Principal::of_token(caller), &to, &text, shown).await?;
    let created_at = now();
    let id = format!("otp_{}", uuid::Uuid::now_v7().simple());
    let row = CodeRow {
        code_hash: code.hash(&id),
        id,
        account_id: caller.account_id.clone(),
        recipient: to.as_str().to_owned(),
        message_id: sent.message.id.clone(),
        attempts: 0,
        created_at,
        expires_at: created_at + Duration::minutes(CODE_TTL_MINUTES),
        verified_at: None,
    };
    let stored = row.clone();
    state
        .db
        .transaction(move |conn| Ok(code_rows::insert_code(conn, &stored)?))
        .await?;
    Ok(SentCode {
        id: row.id,
        to: row.recipient,
        message_id: row.message_id,
        expires_at: row.expires_at,
    })
}

pub async fn verify_code(
    state: &AppState,
    caller: &ApiCallerInfo,
    id: &str,
    code: &str,
) -> ApiResult<CodeCheck> {
    let presented = OneTimeCode::parse("code", code).map_err(|e| ApiError::Validation(vec![e]))?;
    let (account, id) = (caller.account_id.clone(), id.to_owned());
    state
        .db
        .transaction(move |conn| {
            let row =
                code_rows::find_account_code(conn, &account, &id)?.ok_or(ApiError::NotFound)?;
            let at = now();
            refuse_closed(&row, at)?;
            let right = presented.matches(&row.id, &row.code_hash);
            // One conditional update: the attempt counts only while the
            // code is still open, and only the right code sets
            // `verified_at` (a wrong one never touches it). An attempt that
            // raced another and lost finds the code closed, as it now is.
            if !code_rows::record_attempt(conn, &row.id, right, at, MAX_ATTEMPTS)? {
                let now_row =
                    code_rows::find_account_code(conn, &account, &id)?.ok_or(ApiError::NotFound)?;
                refuse_closed(&now_row, at)?;
                return Err(ApiError::CodeLocked);
            }
            let attempts = code_rows::find_account_code(conn, &account, &id)?
                .map_or(MAX_ATTEMPTS, |r| r.attempts);
            Ok(CodeCheck {
                verified: right,
                attempts_left: if right {
                    0
                } else {
                    (MAX_ATTEMPTS - attempts).max(0)
                },
            })
        })
        .await
}

/// Refuses a code that is used, expired or out of attempts.
fn refuse_closed(row: &CodeRow, at: NaiveDateTime) -> ApiResult<()> {
    if row.verified_at.is_some() {
        return Err(ApiError::CodeUsed);
    }
    if at >= row.expires_at {
        return Err(ApiError::CodeExpired);
    }
    if row.attempts >= MAX_ATTEMPTS {
        return Err(ApiError::CodeLocked);
    }
    Ok(())
}
