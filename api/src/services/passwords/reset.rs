//! Resetting a forgotten password with a single-use link sent by e-mail.
//!
//! Asking for a link answers at once and the same way whether or not the
//! e-mail belongs to an account: the look-up, the rate check and the mail
//! happen afterwards, off the request, so neither the answer nor its timing
//! tells who has an account.

use chrono::Duration as ChronoDuration;
use portcullis_shared::validate::{self, codes};
use portcullis_shared::vocabulary::SecurityEventKind;

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    delivery::i18n::{self, PasswordChangeWay},
    now,
    passwords::change::{self, end_reasons},
    sessions::portal_session::ClientContext,
    sessions::throttle,
    AppState,
};
use crate::{
    db::{
        accounts as account_rows, devices as device_rows, login_preferences as preference_rows,
        passwords::{self as password_rows, ResetTokenRow},
        sessions as session_rows,
    },
    domain::{Email, NewPassword, ResetToken},
    error::{ApiError, ApiResult},
};

/// What a link is for (`password_reset_tokens.purpose`).
pub mod purposes {
    /// A forgotten password.
    pub const RESET: &str = "reset";
}

/// How long a link works.
pub const LINK_LIFETIME_MINUTES: i64 = 30;
/// Most links sent to one account within an hour; more requests are dropped
/// silently, so the form cannot be used to flood someone's mailbox.
pub const LINKS_PER_ACCOUNT_PER_HOUR: i64 = 3;

/// Checks the e-mail's shape, then answers: a link is sent in the background
/// if an account has this e-mail (and has not had too many links lately).
pub fn request_reset(state: &AppState, email: &str, client: ClientContext) -> ApiResult<()> {
    let email = email.trim().to_owned();
    if let Some(error) = validate::check_email("email", &email) {
        return Err(ApiError::Validation(vec![error]));
    }
    let state = state.clone();
    actix_web::rt::spawn(async move {
        if let Err(error) = send_link(&state, &email, client).await {
            tracing::warn!(%error, "could not send a password reset link");
        }
    });
    Ok(())
}

/// Makes and mails a link, unless there is no such account or it has had enough.
async fn send_link(state: &AppState, email: &str, client: ClientContext) -> ApiResult<()> {
    let key = Email::normalize(email);
    let ip = client.ip.to_string();
    let token = ResetToken::generate();
    let token_hash = token.storage_id();
    let recipient = state
        .db
        .transaction(move |conn| {
            let Some(account) = password_rows::find_state_by_email(conn, &key)? else {
                return Ok(None);
            };
            password_rows::lock_account(conn, &account.id)?;
            let at = now();
            let recent = password_rows::count_reset_tokens_since(
                conn,
                &account.id,
                at - ChronoDuration::hours(1),
            )?;
            if recent >= LINKS_PER_ACCOUNT_PER_HOUR {
                tracing::warn!(account_id = %account.id, ip, "password reset link not sent: hourly limit reached");
                return Ok(None);
            }
            password_rows::insert_reset_token(
                conn,
                &ResetTokenRow {
                    id: format!("prt_{}", uuid::Uuid::now_v7().simple()),
                    account_id: account.id.clone(),
                    token_hash,
                    ip: ip.clone(),
                    created_at: at,
                    expires_at: at + ChronoDuration::minutes(LINK_LIFETIME_MINUTES),
                    used_at: None,
                    purpose: purposes::RESET.into(),
                },
            )?;
            security_log::record(
                conn,
                &SecurityEvent::new(
                    &account.id,
                    Actor::Anonymous,
                    SecurityEventKind::PasswordResetRequested,
                )
                .from_client(&client),
            )?;
            let language = preference_rows::language(conn, &account.id)?;
            Ok(Some((account.email, language)))
        })
        .await?;
    let Some((to, language)) = recipient else {
        return Ok(());
    };
    let link = state.config.portal_links().reset_password(token.expose());
    let mail =
        i18n::password_reset(language, &link, LINK_LIFETIME_MINUTES).mail(to, "password_reset");
    state.mailer.send(&mail).await
}

fn link_refused(code: &str, message: &str) -> ApiError {
    ApiError::field("token", code, message)
}

/// A reset link's token and the password to set with it, as given (checked
/// by [`confirm_reset`]).
#[derive(Debug, Clone)]
pub struct ResetConfirmation {
    pub token: String,
    pub new_password: String,
}

/// Sets a new password with a link's token: the link must be unused and
/// unexpired, the password must meet the policy and be none of the last five.
/// Every portal session of the account ends, every other pending link stops
/// working, trusted devices are forgotten and the e-mail's sign-in lock ends;
/// API tokens are not touched.
pub async fn confirm_reset(
    state: &AppState,
    request: ResetConfirmation,
    client: &ClientContext,
) -> ApiResult<()> {
    let invalid = || {
        link_refused(
            codes::INVALID_RESET_LINK,
            "This reset link is not valid. Ask for a new one.",
        )
    };
    let token = ResetToken::parse(&request.token).ok_or_else(invalid)?;
    let token_hash = token.storage_id();
    let (link, account) = state
        .db
        .run(move |conn| {
            let Some(link) = password_rows::find_reset_token(conn, &token_hash)? else {
                return Ok(None);
            };
            let account = password_rows::find_state(conn, &link.account_id)?;
            Ok(account.map(|account| (link, account)))
        })
        .await?
        .ok_or_else(invalid)?;
    if link.used_at.is_some() {
        return Err(link_refused(
            codes::USED_RESET_LINK,
            "This reset link was used already. Ask for a new one if you still need it.",
        ));
    }
    if link.expires_at <= now() {
        return Err(link_refused(
            codes::EXPIRED_RESET_LINK,
            if link.purpose == crate::services::subusers::link_purposes::INVITATION {
                "This invitation has expired (invitations work for 7 days). Ask the account owner to send a new one."
            } else {
                "This reset link has expired (links work for 30 minutes). Ask for a new one."
            },
        ));
    }
    let new = NewPassword::parse("new_password", request.new_password, &account.email)
        .map_err(ApiError::Validation)?
        .into_password();
    change::check_not_reused(state, &account.id, &account.password_hash, &new).await?;
    let new_hash = state.hasher.hash(new).await?;

    let (account_id, old_hash, link_id) = (
        account.id.clone(),
        account.password_hash.clone(),
        link.id.clone(),
    );
    let event = SecurityEvent::new(
        &account.id,
        Actor::Anonymous,
        SecurityEventKind::PasswordReset,
    )
    .from_client(client);
    state
        .db
        .transaction(move |conn| {
            let at = now();
            // Claiming the link first makes it single-use even against a racing confirm.
            if !password_rows::use_reset_tokens(conn, &account_id, &link_id, at)? {
                return Err(link_refused(
                    codes::USED_RESET_LINK,
                    "This reset link was used already. Ask for a new one if you still need it.",
                ));
            }
            change::replace_password(conn, &account_id, &old_hash, &new_hash, at)?;
            // A subuser who was invited can sign in from now on.
            crate::services::subusers::password_set(conn, &account_id)?;
            let ended = session_rows::end_account_sessions(
                conn,
                &account_id,
                None,
                at,
                end_reasons::PASSWORD_RESET,
            )?;
            // Whoever reset it holds the mailbox: browsers trusted before may
            // be the attacker's, and the lock guarded the old password.
            let devices_forgotten = device_rows::delete_all(conn, &account_id)?;
            if let Some(account) = account_rows::find_by_id(conn, &account_id)? {
                throttle::clear_email(conn, &account.email_normalized)?;
            }
            security_log::record(
                conn,
                &event
                    .detail("sessions_ended", ended.to_string())
                    .detail("trusted_devices_forgotten", devices_forgotten.to_string()),
            )?;
            Ok(())
        })
        .await?;
    tracing::info!(account_id = %account.id, "password reset");
    change::notify_password_changed(state, &account, PasswordChangeWay::Reset, client).await;
    Ok(())
}
