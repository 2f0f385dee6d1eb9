//! Changing the password while signed in, the rules every new password meets
//! beyond the policy (it is none of the last five), and the optional "choose a
//! new password every 30 days" rotation, which restricts a session opened while
//! a change is due to making that change.

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use diesel::QueryResult;
use portcullis_shared::validate::codes;
use portcullis_shared::vocabulary::SecurityEventKind;

use crate::services::{
    audit::security_log::{self, SecurityEvent},
    delivery::i18n::{self, PasswordChangeWay},
    now, rfc3339,
    sessions::portal_session::{ClientContext, PortalSession},
    AppState,
};
use crate::{
    db::{
        passwords::{self as password_rows, PasswordStateRow},
        sessions as session_rows, DbConnection,
    },
    domain::{NewPassword, Password},
    error::{ApiError, ApiResult},
};

/// A new password must differ from this many: the current one and the earlier ones kept.
pub const PASSWORDS_REMEMBERED: usize = 5;
/// Days a password may be used while the rotation policy is on.
pub const ROTATION_DAYS: u32 = 30;

/// Why sessions ended by a password change or reset ended; stored with them.
pub mod end_reasons {
    pub const PASSWORD_CHANGED: &str = "password_changed";
    pub const PASSWORD_RESET: &str = "password_reset";
}

/// When the account's password must be changed, while the policy is on.
pub fn change_due_at(account: &PasswordStateRow) -> Option<NaiveDateTime> {
    account
        .password_rotation_required
        .then(|| account.changed_at() + ChronoDuration::days(i64::from(ROTATION_DAYS)))
}

/// Whether a session opened at `at` by a login whose password is in `state`
/// must change the password first; `owner` is its owner's (none for an owner).
pub fn change_due(
    state: PasswordStateRow,
    owner: Option<&PasswordStateRow>,
    at: NaiveDateTime,
) -> bool {
    change_due_at(&under_owner(state, owner)).is_some_and(|due| due <= at)
}

/// A login's password state under its owner's policy (`owner` none for an
/// owner): the owner's "new password every 30 days" covers the company's
/// subusers too.
fn under_owner(mut state: PasswordStateRow, owner: Option<&PasswordStateRow>) -> PasswordStateRow {
    state.password_rotation_required |= owner.is_some_and(|o| o.password_rotation_required);
    state
}

/// The login's password state under the policy that applies to it: the
/// owner's "new password every 30 days" covers the company's subusers too.
fn effective_state(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Option<PasswordStateRow>> {
    let owner_id = crate::db::accounts::find_by_id(conn, account_id)?.and_then(|a| a.parent_id);
    state_under(conn, account_id, owner_id.as_deref())
}

/// [`effective_state`] of a login whose owner is known (none for an owner).
fn state_under(
    conn: &mut DbConnection,
    account_id: &str,
    owner_id: Option<&str>,
) -> QueryResult<Option<PasswordStateRow>> {
    let Some(state) = password_rows::find_state(conn, account_id)? else {
        return Ok(None);
    };
    let owner = match owner_id {
        Some(owner_id) => password_rows::find_state(conn, owner_id)?,
        None => None,
    };
    Ok(Some(under_owner(state, owner.as_ref())))
}

fn reused() -> ApiError {
    ApiError::field(
        "new_password",
        codes::REUSED_PASSWORD,
        "Choose a password you have not used for this account recently (it must differ from the last 5).",
    )
}

/// Refuses `new` if it is the current password (`current_hash`) or one of the
/// earlier ones kept. One hash at a time: each verification takes one hashing
/// slot, so a change never holds several and sign-ins keep flowing beside it.
pub async fn check_not_reused(
    state: &AppState,
    account_id: &str,
    current_hash: &str,
    new: &Password,
) -> ApiResult<()> {
    let account = account_id.to_owned();
    let earlier = state
        .db
        .run(move |conn| {
            Ok(password_rows::earlier_hashes(
                conn,
                &account,
                PASSWORDS_REMEMBERED as i64 - 1,
            )?)
        })
        .await?;
    for hash in std::iter::once(current_hash.to_owned()).chain(earlier) {
        if state.hasher.verify(new.clone(), Some(hash)).await? {
            return Err(reused());
        }
    }
    Ok(())
}

/// Stores `new_hash` in place of `old_hash`, keeping the old one in the
/// history. Call inside the transaction that ends the sessions and records the event.
pub fn replace_password(
    conn: &mut DbConnection,
    account_id: &str,
    old_hash: &str,
    new_hash: &str,
    at: NaiveDateTime,
) -> ApiResult<()> {
    if !password_rows::replace_password(conn, account_id, old_hash, new_hash, at)? {
        return Err(ApiError::Conflict {
            detail: "The password was changed meanwhile. Sign in again and retry.".into(),
            errors: Vec::new(),
        });
    }
    password_rows::remember_earlier(
        conn,
        account_id,
        old_hash,
        at,
        PASSWORDS_REMEMBERED as i64 - 1,
    )?;
    Ok(())
}

/// Tells the owner their password changed, with a way back if it was not them.
/// Best effort: the change is made whether or not the mail goes out.
pub async fn notify_password_changed(
    state: &AppState,
    account: &PasswordStateRow,
    way: PasswordChangeWay,
    client: &ClientContext,
) {
    let (at, ip) = (rfc3339(now()), client.ip.to_string());
    let forgot = state.config.portal_links().forgot_password();
    crate::services::accounts::notify(state, &account.id, "password-changed e-mail", |language| {
        i18n::password_changed(language, way, &at, &ip, &forgot)
            .mail(account.email.clone(), "password_changed")
    })
    .await;
}

/// The current password and the new one, as given (checked by [`change_password`]).
#[derive(Debug, Clone)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the signed-in account's password: the current one must be given,
/// the new one must meet the policy and be none of the last five. Every other
/// portal session ends; this one stays (and may do everything again). API
/// tokens and OAuth clients are not touched. Answers the session as it is now.
pub async fn change_password(
    state: &AppState,
    session: &PortalSession,
    request: PasswordChange,
    client: &ClientContext,
) -> ApiResult<PortalSession> {
    let account_id = session.account.id.clone();
    let key = account_id.clone();
    let account = state
        .db
        .run(move |conn| password_rows::find_state(conn, &key)?.ok_or(ApiError::Unauthenticated))
        .await?;
    let current = Password::new(request.current_password);
    crate::services::sessions::login::confirm_password(
        state,
        &session.account,
        account.password_hash.clone(),
        current.clone(),
        client,
        "current_password",
    )
    .await?;
    let new = NewPassword::parse("new_password", request.new_password, &account.email)
        .map_err(ApiError::Validation)?
        .into_password();
    // Already known to match: no hash needed to refuse it.
    if new.expose() == current.expose() {
        return Err(reused());
    }
    check_not_reused(state, &account_id, &account.password_hash, &new).await?;
    let new_hash = state.hasher.hash(new).await?;

    let this_session = session.session.id.clone();
    let old_hash = account.password_hash.clone();
    let event = SecurityEvent::by_owner(&account_id, SecurityEventKind::PasswordChanged, client);
    let ended = state
        .db
        .transaction(move |conn| {
            let at = now();
            replace_password(conn, &account_id, &old_hash, &new_hash, at)?;
            let ended = session_rows::end_account_sessions(
                conn,
                &account_id,
                Some(&this_session),
                at,
                end_reasons::PASSWORD_CHANGED,
            )?;
            session_rows::lift_password_change_requirement(conn, &this_session)?;
            security_log::record(
                conn,
                &event.detail("other_sessions_ended", ended.to_string()),
            )?;
            Ok(ended)
        })
        .await?;
    tracing::info!(account_id = %session.account.id, other_sessions_ended = ended, "password changed");
    notify_password_changed(state, &account, PasswordChangeWay::Changed, client).await;
    let mut session = session.clone();
    session.session.password_change_required = false;
    Ok(session)
}

/// The rotation policy as it applies to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub rotation_required: bool,
    /// Days a password may be used while rotation is required.
    pub rotation_days: u32,
    pub password_changed_at: NaiveDateTime,
    /// When a new password is due; `None` while rotation is off.
    pub change_due_at: Option<NaiveDateTime>,
}

fn policy(account: &PasswordStateRow) -> PasswordPolicy {
    PasswordPolicy {
        rotation_required: account.password_rotation_required,
        rotation_days: ROTATION_DAYS,
        password_changed_at: account.changed_at(),
        change_due_at: change_due_at(account),
    }
}

pub async fn password_policy(state: &AppState, account_id: &str) -> ApiResult<PasswordPolicy> {
    let key = account_id.to_owned();
    let account = state
        .db
        .run(move |conn| effective_state(conn, &key)?.ok_or(ApiError::NotFound))
        .await?;
    Ok(policy(&account))
}

/// Turns the rotation policy on or off. It applies from the next sign-in:
/// sessions open now are not restricted.
pub async fn set_password_policy(
    state: &AppState,
    account_id: &str,
    rotation_required: bool,
    client: &ClientContext,
) -> ApiResult<PasswordPolicy> {
    let key = account_id.to_owned();
    let event =
        SecurityEvent::by_owner(account_id, SecurityEventKind::PasswordPolicyChanged, client)
            .detail("rotation_required", rotation_required.to_string())
            .detail("rotation_days", ROTATION_DAYS.to_string());
    let account = state
        .db
        .transaction(move |conn| {
            if password_rows::set_rotation_required(conn, &key, rotation_required, now())? {
                security_log::record(conn, &event)?;
            }
            password_rows::find_state(conn, &key)?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(policy(&account))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(changed: Option<NaiveDateTime>, required: bool) -> PasswordStateRow {
        PasswordStateRow {
            id: "acc".into(),
            email: "a@b.io".into(),
            password_hash: String::new(),
            created_at: chrono::DateTime::from_timestamp(1_700_000_000, 0)
                .unwrap()
                .naive_utc(),
            password_changed_at: changed,
            password_rotation_required: required,
        }
    }

    #[test]
    fn a_change_is_due_30_days_after_the_last_one_only_under_the_policy() {
        let off = account(None, false);
        assert_eq!(change_due_at(&off), None);
        let on = account(None, true);
        assert_eq!(
            change_due_at(&on),
            Some(on.created_at + ChronoDuration::days(30)),
            "sign-up counts as the last change"
        );
        let changed = on.created_at + ChronoDuration::days(10);
        assert_eq!(
            change_due_at(&account(Some(changed), true)),
            Some(changed + ChronoDuration::days(30))
        );
    }
}
