//! Sending SMS and e-mail. The transport is chosen by configuration: in
//! development both store messages in `outbox_messages` (and log them, marked
//! as development) instead of sending; in production SMS go to an HTTP webhook
//! and e-mail to an SMTP server. Everything here is async: nothing blocks a
//! worker, storage runs on the blocking pool.

pub mod i18n;
pub mod mail_text;
pub mod smtp;
pub mod webhook;

use crate::config::Secret;
use crate::services::{now, Db};
use crate::{
    config::{DeliveryConfig, MailTransportConfig, SmsTransportConfig},
    db::outbox::{self as outbox_rows, OutboxRow},
    error::{ApiError, ApiResult},
};

pub use smtp::SmtpMailer;
pub use webhook::WebhookSms;

/// Newest outbox messages returned by the development endpoint.
const OUTBOX_READ_LIMIT: i64 = 50;

/// An SMS to send.
#[derive(Debug, Clone)]
pub struct Sms {
    /// The stable id of what is delivered (an API message's id), so a delivery
    /// repeated after a crash is recognised: the webhook's `Idempotency-Key` and
    /// the outbox row's id. `None` (codes) gets a fresh id per delivery.
    pub id: Option<String>,
    /// E.164 phone number.
    pub to: String,
    pub body: String,
    /// Why it is sent (`two_factor_code`, `new_device_code`…), for the outbox and logs.
    pub purpose: String,
}

/// An e-mail to send (plain text).
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Why it is sent (`password_reset`, `new_device_sign_in`…), for the outbox and logs.
    pub purpose: String,
}

/// Where SMS go.
#[derive(Clone)]
pub enum SmsTransport {
    /// Development: stored and logged, never sent.
    Outbox(Db),
    /// POSTed as JSON to the upstream gateway.
    Webhook(WebhookSms),
}

impl SmsTransport {
    /// The configured transport; a webhook token given sealed is opened with `kek`.
    pub fn from_config(
        config: &DeliveryConfig,
        db: Db,
        kek: &crate::domain::Kek,
    ) -> anyhow::Result<Self> {
        Ok(match &config.sms {
            SmsTransportConfig::Outbox => Self::Outbox(db),
            SmsTransportConfig::Webhook {
                url,
                token,
                timeout,
            } => {
                let token = token
                    .as_ref()
                    .map(|token| {
                        crate::services::secrets_at_rest::open_setting(
                            kek,
                            "PORTCULLIS_SMS_WEBHOOK_TOKEN",
                            token.expose(),
                        )
                        .map(|clear| Secret::new(clear.as_str()))
                    })
                    .transpose()?;
                Self::Webhook(WebhookSms::new(url.expose(), token, *timeout)?)
            }
        })
    }

    /// For the start-up log.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Outbox(_) => "outbox (development: SMS are stored, not sent)",
            Self::Webhook(_) => "webhook",
        }
    }

    /// Sends one SMS. A transport failure is [`ApiError::DeliveryFailed`] (502).
    pub async fn send(&self, sms: &Sms) -> ApiResult<()> {
        match self {
            Self::Outbox(db) => {
                let id = sms.id.as_deref();
                store_in_outbox(db, id, "sms", &sms.to, None, &sms.body, &sms.purpose).await
            }
            Self::Webhook(webhook) => {
                webhook.send(sms).await.map_err(ApiError::DeliveryFailed)?;
                tracing::info!(purpose = %sms.purpose, "SMS handed to the gateway");
                Ok(())
            }
        }
    }
}

/// SMS handed to the webhook at once by [`SmsTransport::send_many`].
const WEBHOOK_CONCURRENCY: usize = 32;

impl SmsTransport {
    /// Sends many SMS: the outcome of each, in order, or an error when none
    /// was handed over (retry them later). The development outbox stores them
    /// all in one transaction; the webhook gets up to [`WEBHOOK_CONCURRENCY`]
    /// requests in flight at once.
    pub async fn send_many(&self, batch: &[Sms]) -> ApiResult<Vec<ApiResult<()>>> {
        use futures_util::stream::{self, StreamExt};
        match self {
            Self::Outbox(db) => {
                let rows: Vec<OutboxRow> = batch
                    .iter()
                    .map(|sms| {
                        let id = sms.id.as_deref();
                        outbox_row(id, "sms", &sms.to, None, &sms.body, &sms.purpose)
                    })
                    .collect();
                // One line a hand-over, not a message; never the bodies.
                tracing::warn!(
                    target: "portcullis_api::dev_outbox",
                    channel = "sms",
                    count = rows.len(),
                    "DEVELOPMENT OUTBOX: messages stored, NOT sent (read them at GET /api/v1/dev/outbox with PORTCULLIS_DEV_OUTBOX=true; configure a real transport in production)"
                );
                db.background_transaction(move |conn| {
                    Ok(outbox_rows::insert_messages_once(conn, &rows)?)
                })
                .await?;
                Ok(batch.iter().map(|_| Ok(())).collect())
            }
            // Owned items and futures: a stream of futures borrowing `batch`
            // would not be `Send` for every lifetime, as a spawned task needs.
            Self::Webhook(_) => Ok(stream::iter(batch.to_vec())
                .map(|sms| {
                    let transport = self.clone();
                    async move { transport.send(&sms).await }
                })
                .buffered(WEBHOOK_CONCURRENCY)
                .collect()
                .await),
        }
    }
}

/// Where e-mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// Development: stored and logged, never sent.
    Outbox(Db),
    /// Handed to an SMTP server (boxed: the transport is large).
    Smtp(Box<SmtpMailer>),
}

impl Mailer {
    pub fn from_config(config: &DeliveryConfig, db: Db) -> anyhow::Result<Self> {
        Ok(match &config.mail {
            MailTransportConfig::Outbox => Self::Outbox(db),
            MailTransportConfig::Smtp { url, timeout } => Self::Smtp(Box::new(SmtpMailer::new(
                url.expose(),
                *timeout,
                &config.mail_from,
            )?)),
        })
    }

    /// For the start-up log.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Outbox(_) => "outbox (development: e-mail is stored, not sent)",
            Self::Smtp(_) => "smtp",
        }
    }

    /// Sends one e-mail. A transport failure is [`ApiError::DeliveryFailed`] (502).
    pub async fn send(&self, mail: &Mail) -> ApiResult<()> {
        match self {
            Self::Outbox(db) => {
                store_in_outbox(
                    db,
                    None,
                    "email",
                    &mail.to,
                    Some(&mail.subject),
                    &mail.body,
                    &mail.purpose,
                )
                .await
            }
            Self::Smtp(smtp) => {
                smtp.send(mail).await?;
                tracing::info!(purpose = %mail.purpose, "e-mail handed to the SMTP server");
                Ok(())
            }
        }
    }
}

fn outbox_row(
    id: Option<&str>,
    channel: &str,
    recipient: &str,
    subject: Option<&str>,
    body: &str,
    purpose: &str,
) -> OutboxRow {
    OutboxRow {
        id: id.map_or_else(
            || format!("msg_{}", uuid::Uuid::now_v7().simple()),
            str::to_owned,
        ),
        channel: channel.to_owned(),
        recipient: recipient.to_owned(),
        subject: subject.map(str::to_owned),
        body: body.to_owned(),
        purpose: purpose.to_owned(),
        created_at: now(),
    }
}

async fn store_in_outbox(
    db: &Db,
    id: Option<&str>,
    channel: &'static str,
    recipient: &str,
    subject: Option<&str>,
    body: &str,
    purpose: &str,
) -> ApiResult<()> {
    let row = outbox_row(id, channel, recipient, subject, body, purpose);
    // Not the body: it carries codes and reset links, and no secret is ever
    // logged, not even in development. Read it from the outbox instead.
    tracing::warn!(
        target: "portcullis_api::dev_outbox",
        channel,
        recipient,
        subject,
        purpose,
        "DEVELOPMENT OUTBOX: message stored, NOT sent (read it at GET /api/v1/dev/outbox with PORTCULLIS_DEV_OUTBOX=true; configure a real transport in production)"
    );
    let repeatable = id.is_some();
    db.run(move |conn| match outbox_rows::insert_message(conn, &row) {
        // Stored before a crash, sent again after it: already delivered.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) if repeatable => Ok(()),
        result => Ok(result?),
    })
    .await
}

/// A message a development transport stored instead of delivering it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: String,
    /// `sms` or `email`.
    pub channel: String,
    pub recipient: String,
    /// E-mail only.
    pub subject: Option<String>,
    /// The text, codes included.
    pub body: String,
    pub purpose: String,
    pub created_at: chrono::NaiveDateTime,
}

/// The newest outbox messages, for one recipient or all (development endpoint).
pub async fn read_outbox(db: &Db, recipient: Option<String>) -> ApiResult<Vec<OutboxMessage>> {
    let rows = db
        .run(move |conn| {
            Ok(outbox_rows::latest(
                conn,
                recipient.as_deref(),
                OUTBOX_READ_LIMIT,
            )?)
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| OutboxMessage {
            id: row.id,
            channel: row.channel,
            recipient: row.recipient,
            subject: row.subject,
            body: row.body,
            purpose: row.purpose,
            created_at: row.created_at,
        })
        .collect())
}
