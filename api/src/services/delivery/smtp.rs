//! E-mail through SMTP (lettre, async on tokio). `smtp://host:port` is plain
//! (a local mail catcher), `smtp://…?tls=required` uses STARTTLS, `smtps://`
//! implicit TLS; credentials may be given in the URL.

use std::time::Duration;

use anyhow::{anyhow, Context};
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use super::Mail;
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

impl SmtpMailer {
    /// `timeout` bounds each SMTP command; a whole message gets twice that.
    pub fn new(url: &str, timeout: Duration, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            // lettre's message would echo the URL, which may carry a password.
            .map_err(|_| anyhow!("the SMTP URL is not valid"))?
            .timeout(Some(timeout))
            .build();
        let from = from
            .parse()
            .map_err(|_| anyhow!("the mail sender address is not valid"))?;
        Ok(Self {
            transport,
            from,
            timeout,
        })
    }

    pub async fn send(&self, mail: &Mail) -> ApiResult<()> {
        let to: Mailbox = mail
            .to
            .parse()
            .context("the recipient address is not valid")
            .map_err(ApiError::internal)?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .context("building the e-mail")
            .map_err(ApiError::internal)?;
        match tokio::time::timeout(self.timeout * 2, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(ApiError::DeliveryFailed(
                anyhow::Error::new(error).context("the SMTP server refused the e-mail"),
            )),
            Err(_) => Err(ApiError::DeliveryFailed(anyhow!(
                "the SMTP server did not answer in time"
            ))),
        }
    }
}
