//! E-mails the account a week before one of its API tokens expires, once per
//! token. A background job; several processes may run it on one database:
//! each token's warning is claimed with a conditional UPDATE first, so only
//! one of them sends it.

use std::time::Duration;

use chrono::Duration as ChronoDuration;
use portcullis_shared::vocabulary::SecurityEventKind;

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    delivery::{i18n, Mail, Mailer},
    now, rfc3339,
};
use crate::{
    db::{login_preferences::Recipient, tokens as token_rows},
    error::ApiResult,
    links::PortalLinks,
    services::Db,
};

/// How long before its expiry a token's owner is warned.
pub const WARN_DAYS_BEFORE: i64 = 7;
/// Tokens looked at per round.
const BATCH: i64 = 100;

fn warning(to: &Recipient, name: &str, hint: &str, expires_at: &str, public_url: &str) -> Mail {
    let tokens_page = PortalLinks::new(public_url).tokens();
    i18n::token_expiry(to.language, name, hint, expires_at, &tokens_page)
        .mail(to.email.clone(), "token_expiry_warning")
}

/// Warns about every token expiring within [`WARN_DAYS_BEFORE`] days that
/// was not warned about yet; returns how many warnings were sent.
pub async fn warn_once(db: &Db, mailer: &Mailer, public_url: &str) -> ApiResult<usize> {
    let at = now();
    let until = at + ChronoDuration::days(WARN_DAYS_BEFORE);
    let due = db
        .run(move |conn| Ok(token_rows::expiring_unwarned(conn, at, until, BATCH)?))
        .await?;
    let mut sent = 0;
    for (token, recipient) in due {
        let Some(expires_at) = token.expires_at.map(rfc3339) else {
            continue;
        };
        let id = token.id.clone();
        if !db
            .run(move |conn| Ok(token_rows::claim_expiry_warning(conn, &id, at)?))
            .await?
        {
            continue; // another process has it
        }
        let mail = warning(
            &recipient,
            &token.name,
            &token.hint,
            &expires_at,
            public_url,
        );
        if let Err(error) = mailer.send(&mail).await {
            // The event is recorded only once the mail went out, so the log
            // never claims a warning nobody got; the claim goes back for the next round.
            tracing::warn!(%error, token_id = %token.id, "token expiry warning not sent; will retry");
            let id = token.id.clone();
            db.run(move |conn| Ok(token_rows::release_expiry_warning(conn, &id)?))
                .await?;
            continue;
        }
        let event = SecurityEvent::new(
            &token.account_id,
            Actor::System,
            SecurityEventKind::TokenExpiryWarned,
        )
        .detail("token_id", token.id.clone())
        .detail("name", token.name.clone())
        .detail("expires_at", expires_at);
        db.run(move |conn| Ok(security_log::record(conn, &event)?))
            .await?;
        tracing::info!(token_id = %token.id, "token expiry warning sent");
        sent += 1;
    }
    Ok(sent)
}

/// Runs [`warn_once`] every `every`.
pub async fn warn_forever(db: Db, mailer: Mailer, public_url: String, every: Duration) {
    crate::services::run_every(every, "token expiry warnings", move || {
        let (db, mailer, public_url) = (db.clone(), mailer.clone(), public_url.clone());
        async move { warn_once(&db, &mailer, &public_url).await }
    })
    .await
}
