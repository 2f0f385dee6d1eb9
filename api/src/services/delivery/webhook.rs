//! SMS through an HTTP webhook: one JSON POST per message, with a timeout per
//! attempt and a bounded number of retries on network errors, 429 and 5xx.
//! Each message carries an id (also as `Idempotency-Key`) so that an upstream
//! that did receive a retried request can drop the duplicate.

use std::time::Duration;

use anyhow::{anyhow, Context};
use reqwest::{header, StatusCode, Url};
use serde::Serialize;

use super::Sms;
use crate::config::Secret;

/// Attempts per message, the first included.
const DEFAULT_ATTEMPTS: u32 = 3;
/// Wait before the first retry; doubled before each further one.
const DEFAULT_BACKOFF: Duration = Duration::from_millis(250);

/// What the upstream gateway receives.
#[derive(Debug, Serialize)]
pub struct WebhookPayload<'a> {
    pub id: &'a str,
    pub to: &'a str,
    pub text: &'a str,
    pub purpose: &'a str,
}

#[derive(Clone)]
pub struct WebhookSms {
    client: reqwest::Client,
    url: Url,
    token: Option<Secret>,
    attempts: u32,
    backoff: Duration,
}

/// Why one attempt failed, and whether another may succeed.
enum Attempt {
    Retry(anyhow::Error),
    GiveUp(anyhow::Error),
}

impl WebhookSms {
    /// `timeout` bounds each attempt, connection included.
    pub fn new(url: &str, token: Option<Secret>, timeout: Duration) -> anyhow::Result<Self> {
        let url = Url::parse(url).map_err(|_| anyhow!("the SMS webhook URL is not valid"))?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("portcullis/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the SMS webhook client")?;
        Ok(Self {
            client,
            url,
            token,
            attempts: DEFAULT_ATTEMPTS,
            backoff: DEFAULT_BACKOFF,
        })
    }

    /// Overrides the number of attempts (at least 1) and the first back-off.
    pub fn with_retries(mut self, attempts: u32, backoff: Duration) -> Self {
        self.attempts = attempts.max(1);
        self.backoff = backoff;
        self
    }

    /// Delivers `sms`, retrying transient failures. Errors never include the
    /// URL (it may carry credentials) nor the message text.
    pub async fn send(&self, sms: &Sms) -> anyhow::Result<()> {
        let id = sms
            .id
            .clone()
            .unwrap_or_else(|| format!("msg_{}", uuid::Uuid::now_v7().simple()));
        let payload = WebhookPayload {
            id: &id,
            to: &sms.to,
            text: &sms.body,
            purpose: &sms.purpose,
        };
        let mut wait = self.backoff;
        let mut attempt = 1;
        loop {
            match self.attempt(&id, &payload).await {
                Ok(()) => return Ok(()),
                Err(Attempt::Retry(error)) if attempt < self.attempts => {
                    tracing::warn!(
                        attempt,
                        message_id = %id,
                        error = format!("{error:#}"),
                        "SMS webhook attempt failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                    attempt += 1;
                }
                Err(Attempt::Retry(error)) | Err(Attempt::GiveUp(error)) => {
                    return Err(error.context(format!(
                        "SMS webhook failed after {attempt} attempt(s) (message {id})"
                    )))
                }
            }
        }
    }

    async fn attempt(&self, id: &str, payload: &WebhookPayload<'_>) -> Result<(), Attempt> {
        let mut request = self
            .client
            .post(self.url.clone())
            .header("Idempotency-Key", id)
            .json(payload);
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", token.expose()));
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                let what = if error.is_timeout() {
                    "timed out"
                } else if error.is_connect() {
                    "could not connect"
                } else {
                    "request failed"
                };
                return Err(Attempt::Retry(
                    anyhow::Error::new(error.without_url()).context(what),
                ));
            }
        };
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let error = anyhow!("the gateway answered {status}");
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            Err(Attempt::Retry(error))
        } else {
            Err(Attempt::GiveUp(error))
        }
    }
}
