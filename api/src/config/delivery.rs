//! How SMS and e-mail leave the system (`PORTCULLIS_SMS_*`, `PORTCULLIS_MAIL_*`,
//! `PORTCULLIS_SMTP_URL`, `PORTCULLIS_DEV_OUTBOX`).

use std::{fmt, time::Duration};

use super::ConfigError;

/// A configured value that must never reach a log: `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where SMS go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsTransportConfig {
    /// Stored in `outbox_messages` and logged; nothing is sent (development).
    Outbox,
    /// POSTed as JSON to an upstream gateway.
    Webhook {
        /// May carry credentials, hence secret.
        url: Secret,
        /// Sent as `Authorization: Bearer …` when set.
        token: Option<Secret>,
        /// Per attempt.
        timeout: Duration,
    },
}

/// Where e-mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransportConfig {
    /// Stored in `outbox_messages` and logged; nothing is sent (development).
    Outbox,
    /// Handed to an SMTP server (`smtp://`, `smtp://…?tls=required`, `smtps://`).
    Smtp {
        /// May carry credentials, hence secret.
        url: Secret,
        timeout: Duration,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryConfig {
    /// `PORTCULLIS_SMS_TRANSPORT` (`outbox` default, or `webhook` with
    /// `PORTCULLIS_SMS_WEBHOOK_URL`, `PORTCULLIS_SMS_WEBHOOK_TOKEN`,
    /// `PORTCULLIS_SMS_WEBHOOK_TIMEOUT_SECS`).
    pub sms: SmsTransportConfig,
    /// `PORTCULLIS_MAIL_TRANSPORT` (`outbox` default, or `smtp` with `PORTCULLIS_SMTP_URL`).
    pub mail: MailTransportConfig,
    /// Sender of every e-mail (`PORTCULLIS_MAIL_FROM`).
    pub mail_from: String,
    /// Serve `GET /api/v1/dev/outbox` (`PORTCULLIS_DEV_OUTBOX`, default false).
    pub dev_outbox: bool,
}

const DEFAULT_MAIL_FROM: &str = "Portcullis <no-reply@localhost>";
const DEFAULT_TIMEOUT_SECS: u64 = 10;

impl DeliveryConfig {
    /// Reads the delivery settings through `get` (trimmed, empty = unset).
    pub(super) fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let timeout = |name: &'static str| -> Result<Duration, ConfigError> {
            let secs = get(name).map_or(Ok(DEFAULT_TIMEOUT_SECS), |v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|n| (1..=300).contains(n))
                    .ok_or_else(|| ConfigError::new(name, "must be between 1 and 300 seconds"))
            })?;
            Ok(Duration::from_secs(secs))
        };
        let sms = match get("PORTCULLIS_SMS_TRANSPORT").as_deref() {
            None | Some("outbox") => SmsTransportConfig::Outbox,
            Some("webhook") => {
                let url = get("PORTCULLIS_SMS_WEBHOOK_URL").ok_or_else(|| {
                    ConfigError::new(
                        "PORTCULLIS_SMS_WEBHOOK_URL",
                        "is required when PORTCULLIS_SMS_TRANSPORT=webhook",
                    )
                })?;
                let parsed = reqwest::Url::parse(&url).map_err(|_| {
                    ConfigError::new("PORTCULLIS_SMS_WEBHOOK_URL", "must be an http(s) URL")
                })?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(ConfigError::new(
                        "PORTCULLIS_SMS_WEBHOOK_URL",
                        "must be an http(s) URL",
                    ));
                }
                SmsTransportConfig::Webhook {
                    url: Secret::new(url),
                    token: get("PORTCULLIS_SMS_WEBHOOK_TOKEN").map(Secret::new),
                    timeout: timeout("PORTCULLIS_SMS_WEBHOOK_TIMEOUT_SECS")?,
                }
            }
            Some(_) => {
                return Err(ConfigError::new(
                    "PORTCULLIS_SMS_TRANSPORT",
                    "must be outbox or webhook",
                ))
            }
        };
        let mail = match get("PORTCULLIS_MAIL_TRANSPORT").as_deref() {
            None | Some("outbox") => MailTransportConfig::Outbox,
            Some("smtp") => {
                let url = get("PORTCULLIS_SMTP_URL").ok_or_else(|| {
                    ConfigError::new(
                        "PORTCULLIS_SMTP_URL",
                        "is required when PORTCULLIS_MAIL_TRANSPORT=smtp",
                    )
                })?;
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    return Err(ConfigError::new(
                        "PORTCULLIS_SMTP_URL",
                        "must start with smtp:// or smtps://, e.g. smtp://mailpit:1025",
                    ));
                }
                MailTransportConfig::Smtp {
                    url: Secret::new(url),
                    timeout: timeout("PORTCULLIS_SMTP_TIMEOUT_SECS")?,
                }
            }
            Some(_) => {
                return Err(ConfigError::new(
                    "PORTCULLIS_MAIL_TRANSPORT",
                    "must be outbox or smtp",
                ))
            }
        };
        let mail_from = get("PORTCULLIS_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::new(
                "PORTCULLIS_MAIL_FROM",
                "must be an address, e.g. Portcullis <no-reply@example.com>",
            ));
        }
        let dev_outbox = match get("PORTCULLIS_DEV_OUTBOX").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(_) => {
                return Err(ConfigError::new(
                    "PORTCULLIS_DEV_OUTBOX",
                    "must be true or false",
                ))
            }
        };
        Ok(Self {
            sms,
            mail,
            mail_from,
            dev_outbox,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(vars: &[(&str, &str)]) -> Result<DeliveryConfig, ConfigError> {
        DeliveryConfig::from_lookup(&|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn development_defaults_store_messages_and_hide_the_outbox() {
        let config = delivery(&[]).unwrap();
        assert_eq!(config.sms, SmsTransportConfig::Outbox);
        assert_eq!(config.mail, MailTransportConfig::Outbox);
        assert!(!config.dev_outbox);
    }

    #[test]
    fn real_transports_need_their_urls_and_never_print_them() {
        let err = delivery(&[("PORTCULLIS_SMS_TRANSPORT", "webhook")]).unwrap_err();
        assert_eq!(err.variable, "PORTCULLIS_SMS_WEBHOOK_URL");
        let err = delivery(&[
            ("PORTCULLIS_SMS_TRANSPORT", "webhook"),
            ("PORTCULLIS_SMS_WEBHOOK_URL", "ftp://x"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, "PORTCULLIS_SMS_WEBHOOK_URL");
        let err = delivery(&[("PORTCULLIS_MAIL_TRANSPORT", "smtp")]).unwrap_err();
        assert_eq!(err.variable, "PORTCULLIS_SMTP_URL");
        let config = delivery(&[
            ("PORTCULLIS_SMS_TRANSPORT", "webhook"),
            (
                "PORTCULLIS_SMS_WEBHOOK_URL",
                "https://gw.example/send?key=s3cret",
            ),
            ("PORTCULLIS_SMS_WEBHOOK_TOKEN", "t0ken"),
            ("PORTCULLIS_MAIL_TRANSPORT", "smtp"),
            ("PORTCULLIS_SMTP_URL", "smtp://user:pa55@mailpit:1025"),
        ])
        .unwrap();
        let shown = format!("{config:?}");
        for secret in ["s3cret", "t0ken", "pa55"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn a_bad_sender_or_transport_name_is_refused() {
        assert_eq!(
            delivery(&[("PORTCULLIS_MAIL_FROM", "not an address")])
                .unwrap_err()
                .variable,
            "PORTCULLIS_MAIL_FROM"
        );
        assert_eq!(
            delivery(&[("PORTCULLIS_SMS_TRANSPORT", "carrier-pigeon")])
                .unwrap_err()
                .variable,
            "PORTCULLIS_SMS_TRANSPORT"
        );
    }
}
