//! Configuration from `PORTCULLIS_*` environment variables, with documented
//! defaults (see the README's configuration table).

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

use ipnetwork::IpNetwork;

use crate::domain::Kek;

mod delivery;
mod sms_budget;

pub use delivery::{DeliveryConfig, MailTransportConfig, Secret, SmsTransportConfig};
pub use sms_budget::{BreakerConfig, SmsBudgetConfig};

/// Where the data lives. The URL scheme picks the backend.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `postgres://…` or `postgresql://…`, passed to libpq as is.
    Postgres(String),
    /// `sqlite://PATH`: a file path (relative to the working directory, or
    /// absolute with `sqlite:///abs/path`).
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(ConfigError::new(
                    "PORTCULLIS_DATABASE_URL",
                    "sqlite:// needs a file path, e.g. sqlite://data/portcullis.db",
                ));
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else {
            Err(ConfigError::new(
                "PORTCULLIS_DATABASE_URL",
                "must start with postgres://, postgresql:// or sqlite://",
            ))
        }
    }

    /// The backend's name, for logs and metrics.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgres",
            Self::Sqlite(_) => "sqlite",
        }
    }
}

/// Never prints a PostgreSQL password.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Postgres(url) => {
                let redacted = match (url.find("://"), url.rfind('@')) {
                    (Some(scheme_end), Some(at)) if at > scheme_end => {
                        let userinfo = &url[scheme_end + 3..at];
                        let user = userinfo.split(':').next().unwrap_or_default();
                        format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                    }
                    _ => url.clone(),
                };
                write!(f, "{redacted}")
            }
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`PORTCULLIS_BIND`, default 127.0.0.1:8080; port 0 picks a free one).
    pub bind: SocketAddr,
    /// Where Prometheus metrics are served (`PORTCULLIS_METRICS_ADDR`, e.g.
    /// 10.0.0.5:9090; default none: no metrics endpoint). A listener of its own,
    /// never the public port.
    pub metrics_addr: Option<SocketAddr>,
    /// Storage (`PORTCULLIS_DATABASE_URL`, default sqlite://data/portcullis.db).
    pub database_url: DatabaseUrl,
    /// Connections in the storage pool (`PORTCULLIS_DB_POOL_SIZE`, default 8).
    pub db_pool_size: u32,
    /// Mark cookies `Secure` (`PORTCULLIS_COOKIE_SECURE`, default false; set true behind TLS;
    /// always true when the server terminates TLS itself).
    pub cookie_secure: bool,
    /// TLS termination in the server (`PORTCULLIS_TLS_CERT_FILE` + `PORTCULLIS_TLS_KEY_FILE`);
    /// `None` serves plain HTTP (for a TLS-terminating proxy in front, or development).
    pub tls: Option<TlsFiles>,
    /// Peers whose X-Forwarded-For is believed (`PORTCULLIS_TRUSTED_PROXIES`, comma-separated
    /// addresses or CIDR ranges; default none).
    pub trusted_proxies: Vec<IpNetwork>,
    /// `text` or `json` (`PORTCULLIS_LOG_FORMAT`, default text).
    pub log_format: LogFormat,
    /// tracing filter (`PORTCULLIS_LOG`, default `info`).
    pub log_filter: String,
    /// OpenTelemetry traces: the OTLP/HTTP collector's base URL
    /// (`PORTCULLIS_OTLP_ENDPOINT`, e.g. http://otel-collector:4318; spans go to
    /// `<endpoint>/v1/traces` as JSON). Default none: no spans are made.
    pub otlp_endpoint: Option<String>,
    /// Most time spans wait before they are sent (`PORTCULLIS_OTLP_EXPORT_INTERVAL_MS`,
    /// default 5000).
    pub otlp_export_interval: Duration,
    /// Built SPA to serve, with index.html fallback (`PORTCULLIS_STATIC_DIR`, default web/dist;
    /// not served when the folder does not exist).
    pub static_dir: Option<PathBuf>,
    /// Portal session inactivity limit (`PORTCULLIS_SESSION_IDLE_TIMEOUT_SECS`, default 1800).
    pub session_idle_timeout: Duration,
    /// Portal session absolute lifetime (`PORTCULLIS_SESSION_LIFETIME_SECS`, default 43200).
    pub session_lifetime: Duration,
    /// Password hashes computed at once (`PORTCULLIS_HASH_CONCURRENCY`, default the CPU count).
    pub hash_concurrency: usize,
    /// SMS and e-mail transports and the development outbox (see `delivery`).
    pub delivery: DeliveryConfig,
    /// The server's public base URL, the `iss` of its tokens (`PORTCULLIS_PUBLIC_URL`,
    /// default `http://` + the bind address, `https://` with TLS).
    pub public_url: String,
    /// Trial points a new account starts with (`PORTCULLIS_SIGNUP_POINTS`, default 100).
    pub signup_points: i64,
    /// How often token last-use times are written (`PORTCULLIS_LAST_USED_FLUSH_MS`, default 5000).
    pub last_used_flush: Duration,
    /// How long a cached token, client, subuser or allowlist state is believed before it
    /// is read again, even without a change notice (`PORTCULLIS_CACHE_MAX_AGE_MS`, default 60000).
    pub cache_max_age: Duration,
    /// How often queued messages are handed to the SMS transport
    /// (`PORTCULLIS_DISPATCH_INTERVAL_MS`, default 500).
    pub dispatch_interval: Duration,
    /// How long a message claimed for sending stays with its process before another
    /// takes it over, as after a crash (`PORTCULLIS_DISPATCH_CLAIM_TIMEOUT_SECS`, default
    /// 300; keep it above the SMS transport's worst case, 3 attempts of its timeout).
    pub dispatch_claim_timeout: Duration,
    /// Largest size the SQLite file may grow to, in MiB (`PORTCULLIS_SQLITE_MAX_SIZE_MB`,
    /// default none): writes beyond it are refused with 503 `unavailable` and reads go on.
    pub sqlite_max_size_mb: Option<u64>,
    /// How often refused API calls are written to the security log, folded into one event
    /// per account, token, reason and address (`PORTCULLIS_REFUSED_CALLS_FLUSH_MS`, default 60000).
    pub refused_calls_flush: Duration,
    /// How often tokens expiring within 7 days are looked for, to warn their owners by e-mail
    /// (`PORTCULLIS_TOKEN_EXPIRY_CHECK_MS`, default 3600000).
    pub token_expiry_check: Duration,
    /// How long security events are kept (`PORTCULLIS_SECURITY_LOG_RETENTION_DAYS`;
    /// default: for ever). Older ones are deleted by a sweep
    /// (`PORTCULLIS_SECURITY_LOG_SWEEP_MS`, default 3600000), the hash chains
    /// staying verifiable.
    pub security_log_retention: Option<Duration>,
    pub security_log_sweep: Duration,
    /// How often expired allowlist entries and country exceptions are removed
    /// and logged (they stop counting at their instant regardless).
    pub exception_sweep: Duration,
    /// A new token signing key is made when the signing one is older
    /// (`PORTCULLIS_SIGNING_KEY_MAX_AGE_DAYS`, default 90, decimals allowed;
    /// 0: only `portcullis keys rotate` rotates).
    pub signing_key_max_age: Option<Duration>,
    /// How long after a rotation a process may still sign with the old key
    /// (it picks the new one up within a second; this covers one cut off from
    /// storage, and clocks apart): no old key retires sooner
    /// (`PORTCULLIS_SIGNING_KEY_RETIRE_GRACE_MS`, default 300000).
    pub signing_key_retire_grace: Duration,
    /// How often each process compares its signing keys with the stored ones
    /// and checks the schedule, retirements every 40th time (`PORTCULLIS_SIGNING_KEY_CHECK_MS`, default 250).
    pub signing_key_check: Duration,
    /// Browser origins allowed to read the API cross-origin (`PORTCULLIS_CORS_ORIGINS`,
    /// comma-separated `scheme://host[:port]`; default none: CORS closed).
    pub cors_origins: Vec<String>,
    /// How long a client has to send a request's headers before the server
    /// answers 408 and closes the connection (`PORTCULLIS_CLIENT_REQUEST_TIMEOUT_MS`,
    /// default 5000): slow or idle clients cannot hold connections open.
    pub client_request_timeout: Duration,
    /// Budgets of the texts the platform sends on its own behalf, and the
    /// per-country circuit breaker (`PORTCULLIS_SMS_BUDGET_*`, `PORTCULLIS_SMS_BREAKER*`).
    pub sms_budget: SmsBudgetConfig,
    /// `production` or `development` (`PORTCULLIS_ENV`, default development). Production
    /// refuses to start without a key-encryption key.
    pub environment: Environment,
    /// The key-encryption key that seals signing keys and TOTP secrets at rest
    /// (`PORTCULLIS_KEK_FILE`, a file holding it, or `PORTCULLIS_KEK`; 32 bytes as 64 hex
    /// digits or base64). Unset in development: one is generated under `data/`.
    pub kek: Option<KekSetting>,
    /// Security-log streaming to the customers' endpoints (`PORTCULLIS_SECURITY_STREAM_*`).
    pub security_stream: SecurityStreamConfig,
}

/// How security-log streams deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityStreamConfig {
    /// Which endpoints are allowed beyond public `https://` ones:
    /// `PORTCULLIS_SECURITY_STREAM_ALLOW_PLAIN_HTTP` (`http://`, default false) and
    /// `PORTCULLIS_SECURITY_STREAM_ALLOW_PRIVATE` (loopback, private and link-local
    /// addresses, default false; for development and tests).
    pub policy: crate::domain::stream_url::StreamPolicy,
    /// How often due streams are looked for (`PORTCULLIS_SECURITY_STREAM_INTERVAL_MS`, default 1000).
    pub interval: Duration,
    /// How long one delivery may take, connecting included
    /// (`PORTCULLIS_SECURITY_STREAM_TIMEOUT_MS`, default 5000).
    pub timeout: Duration,
    /// Most events in one POST (`PORTCULLIS_SECURITY_STREAM_BATCH`, default 100, at most 1000).
    pub batch: i64,
    /// Longest wait between retries of a failing stream
    /// (`PORTCULLIS_SECURITY_STREAM_MAX_BACKOFF_SECS`, default 3600).
    pub max_backoff: Duration,
}

/// Whether the server runs for real or on a developer's machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Production,
    Development,
}

/// Where the key-encryption key comes from.
#[derive(Debug, Clone)]
pub enum KekSetting {
    /// `PORTCULLIS_KEK_FILE`: read at start-up.
    File(PathBuf),
    /// `PORTCULLIS_KEK`: given in the environment.
    Value(Kek),
}

/// The PEM files the server's TLS identity is read from at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert_file: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid {variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl ConfigError {
    fn new(variable: &'static str, message: impl Into<String>) -> Self {
        Self {
            variable,
            message: message.into(),
        }
    }
}

impl Config {
    /// Links to the portal's pages under [`Config::public_url`].
    pub fn portal_links(&self) -> crate::links::PortalLinks<'_> {
        crate::links::PortalLinks::new(&self.public_url)
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let parse_u64 = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            get(name).map_or(Ok(default), |v| {
                v.parse()
                    .map_err(|_| ConfigError::new(name, "must be a whole number"))
            })
        };

        let bind = get("PORTCULLIS_BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned())
            .parse()
            .map_err(|_| {
                ConfigError::new(
                    "PORTCULLIS_BIND",
                    "must be an address and port, e.g. 127.0.0.1:8080",
                )
            })?;
        let metrics_addr = get("PORTCULLIS_METRICS_ADDR")
            .map(|v| {
                v.parse().map_err(|_| {
                    ConfigError::new(
                        "PORTCULLIS_METRICS_ADDR",
                        "must be an address and port, e.g. 127.0.0.1:9090",
                    )
                })
            })
            .transpose()?;
        let database_url = DatabaseUrl::parse(
            &get("PORTCULLIS_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/portcullis.db".to_owned()),
        )?;
        let db_pool_size = u32::try_from(parse_u64("PORTCULLIS_DB_POOL_SIZE", 8)?)
            .ok()
            .filter(|n| (1..=256).contains(n))
            .ok_or_else(|| {
                ConfigError::new("PORTCULLIS_DB_POOL_SIZE", "must be between 1 and 256")
            })?;
        let tls =
            match (
                get("PORTCULLIS_TLS_CERT_FILE"),
                get("PORTCULLIS_TLS_KEY_FILE"),
            ) {
                (None, None) => None,
                (Some(cert_file), Some(key_file)) => Some(TlsFiles {
                    cert_file: cert_file.into(),
                    key_file: key_file.into(),
                }),
                (Some(_), None) => return Err(ConfigError::new(
                    "PORTCULLIS_TLS_KEY_FILE",
                    "must be set with PORTCULLIS_TLS_CERT_FILE (both, or neither for plain HTTP)",
                )),
                (None, Some(_)) => return Err(ConfigError::new(
                    "PORTCULLIS_TLS_CERT_FILE",
                    "must be set with PORTCULLIS_TLS_KEY_FILE (both, or neither for plain HTTP)",
                )),
            };
        let cookie_secure = match get("PORTCULLIS_COOKIE_SECURE").as_deref() {
            None => tls.is_some(),
            Some("true") | Some("1") => true,
            Some("false") | Some("0") if tls.is_some() => {
                return Err(ConfigError::new(
                    "PORTCULLIS_COOKIE_SECURE",
                    "cannot be false when the server serves TLS (PORTCULLIS_TLS_CERT_FILE)",
                ))
            }
            Some("false") | Some("0") => false,
            Some(_) => {
                return Err(ConfigError::new(
                    "PORTCULLIS_COOKIE_SECURE",
                    "must be true or false",
                ))
            }
        };
        let trusted_proxies = get("PORTCULLIS_TRUSTED_PROXIES")
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.parse::<IpNetwork>().map_err(|_| {
                            ConfigError::new(
                                "PORTCULLIS_TRUSTED_PROXIES",
                                format!("`{s}` is not an address or CIDR range"),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let log_format = match get("PORTCULLIS_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(_) => {
                return Err(ConfigError::new(
                    "PORTCULLIS_LOG_FORMAT",
                    "must be text or json",
                ))
            }
        };
        let log_filter = get("PORTCULLIS_LOG").unwrap_or_else(|| "info".to_owned());
        let otlp_endpoint = get("PORTCULLIS_OTLP_ENDPOINT")
            .map(|v| {
                let url = reqwest::Url::parse(v.trim()).map_err(|_| {
                    ConfigError::new(
                        "PORTCULLIS_OTLP_ENDPOINT",
                        "must be the collector's http(s) URL, e.g. http://otel-collector:4318",
                    )
                })?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(ConfigError::new(
                        "PORTCULLIS_OTLP_ENDPOINT",
                        "must be the collector's http(s) URL, e.g. http://otel-collector:4318",
                    ));
                }
                Ok(url.as_str().trim_end_matches('/').to_owned())
            })
            .transpose()?;
        let otlp_export_interval = Duration::from_millis(
            parse_u64("PORTCULLIS_OTLP_EXPORT_INTERVAL_MS", 5000)?.clamp(10, 60_000),
        );
        let static_dir = Some(PathBuf::from(
            get("PORTCULLIS_STATIC_DIR").unwrap_or_else(|| "web/dist".to_owned()),
        ));
        let session_idle_timeout =
            Duration::from_secs(parse_u64("PORTCULLIS_SESSION_IDLE_TIMEOUT_SECS", 30 * 60)?);
        let session_lifetime =
            Duration::from_secs(parse_u64("PORTCULLIS_SESSION_LIFETIME_SECS", 12 * 60 * 60)?);
        if session_idle_timeout.is_zero() || session_lifetime < session_idle_timeout {
            return Err(ConfigError::new(
                "PORTCULLIS_SESSION_LIFETIME_SECS",
                "the idle timeout must be positive and the lifetime at least as long",
            ));
        }
        let default_hashers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let hash_concurrency = usize::try_from(parse_u64(
            "PORTCULLIS_HASH_CONCURRENCY",
            default_hashers as u64,
        )?)
        .ok()
        .filter(|n| (1..=1024).contains(n))
        .ok_or_else(|| {
            ConfigError::new("PORTCULLIS_HASH_CONCURRENCY", "must be between 1 and 1024")
        })?;

        let delivery = DeliveryConfig::from_lookup(&get)?;
        let sms_budget = SmsBudgetConfig::from_lookup(&get)?;
        let default_scheme = if tls.is_some() { "https" } else { "http" };
        let public_url = get("PORTCULLIS_PUBLIC_URL")
            .unwrap_or_else(|| format!("{default_scheme}://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::new(
                "PORTCULLIS_PUBLIC_URL",
                "must be an http:// or https:// URL",
            ));
        }
        let dispatch_interval =
            Duration::from_millis(parse_u64("PORTCULLIS_DISPATCH_INTERVAL_MS", 500)?.max(10));
        let dispatch_claim_timeout =
            Duration::from_secs(parse_u64("PORTCULLIS_DISPATCH_CLAIM_TIMEOUT_SECS", 300)?.max(1));
        let sqlite_max_size_mb = match get("PORTCULLIS_SQLITE_MAX_SIZE_MB") {
            None => None,
            Some(_) => Some(parse_u64("PORTCULLIS_SQLITE_MAX_SIZE_MB", 0)?.max(1)),
        };
        let last_used_flush =
            Duration::from_millis(parse_u64("PORTCULLIS_LAST_USED_FLUSH_MS", 5000)?.max(10));
        let refused_calls_flush =
            Duration::from_millis(parse_u64("PORTCULLIS_REFUSED_CALLS_FLUSH_MS", 60_000)?.max(10));
        let cache_max_age = Duration::from_millis(
            parse_u64("PORTCULLIS_CACHE_MAX_AGE_MS", 60_000)?.clamp(10, 3_600_000),
        );
        let token_expiry_check = Duration::from_millis(
            parse_u64("PORTCULLIS_TOKEN_EXPIRY_CHECK_MS", 3_600_000)?.max(10),
        );
        let security_log_retention = match parse_u64("PORTCULLIS_SECURITY_LOG_RETENTION_DAYS", 0)? {
            0 => None,
            days => Some(Duration::from_secs(days.min(36_500) * 86_400)),
        };
        let security_log_sweep = Duration::from_millis(
            parse_u64("PORTCULLIS_SECURITY_LOG_SWEEP_MS", 3_600_000)?.max(10),
        );
        let exception_sweep =
            Duration::from_millis(parse_u64("PORTCULLIS_EXCEPTION_SWEEP_MS", 60_000)?.max(10));

        let signing_key_max_age = match get("PORTCULLIS_SIGNING_KEY_MAX_AGE_DAYS") {
            None => Some(Duration::from_secs(90 * 86_400)),
            Some(days) => match days.parse::<f64>() {
                Ok(0.0) => None,
                Ok(days) if days.is_finite() && days > 0.0 && days <= 36_500.0 => {
                    Some(Duration::from_secs_f64(days * 86_400.0).max(Duration::from_secs(1)))
                }
                _ => {
                    return Err(ConfigError::new(
                        "PORTCULLIS_SIGNING_KEY_MAX_AGE_DAYS",
                        "must be a number of days from 0 (never rotate) to 36500",
                    ))
                }
            },
        };
        let signing_key_retire_grace = Duration::from_millis(parse_u64(
            "PORTCULLIS_SIGNING_KEY_RETIRE_GRACE_MS",
            300_000,
        )?);
        let signing_key_check = Duration::from_millis(
            parse_u64("PORTCULLIS_SIGNING_KEY_CHECK_MS", 250)?.clamp(10, 60_000),
        );

        let cors_origins = get("PORTCULLIS_CORS_ORIGINS")
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(parse_origin)
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();

        let client_request_timeout = Duration::from_millis(
            parse_u64("PORTCULLIS_CLIENT_REQUEST_TIMEOUT_MS", 5000)?.clamp(100, 600_000),
        );

        let environment = match get("PORTCULLIS_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(_) => {
                return Err(ConfigError::new(
                    "PORTCULLIS_ENV",
                    "must be production or development",
                ))
            }
        };
        let parse_bool = |name: &'static str| -> Result<bool, ConfigError> {
            match get(name).as_deref() {
                None | Some("false") | Some("0") => Ok(false),
                Some("true") | Some("1") => Ok(true),
                Some(_) => Err(ConfigError::new(name, "must be true or false")),
            }
        };
        let security_stream = SecurityStreamConfig {
            policy: crate::domain::stream_url::StreamPolicy {
                allow_plain_http: parse_bool("PORTCULLIS_SECURITY_STREAM_ALLOW_PLAIN_HTTP")?,
                allow_private: parse_bool("PORTCULLIS_SECURITY_STREAM_ALLOW_PRIVATE")?,
            },
            interval: Duration::from_millis(
                parse_u64("PORTCULLIS_SECURITY_STREAM_INTERVAL_MS", 1000)?.max(10),
            ),
            timeout: Duration::from_millis(
                parse_u64("PORTCULLIS_SECURITY_STREAM_TIMEOUT_MS", 5000)?.clamp(100, 60_000),
            ),
            batch: parse_u64("PORTCULLIS_SECURITY_STREAM_BATCH", 100)?.clamp(1, 1000) as i64,
            max_backoff: Duration::from_secs(
                parse_u64("PORTCULLIS_SECURITY_STREAM_MAX_BACKOFF_SECS", 3600)?.clamp(1, 86_400),
            ),
        };
        let kek = match (get("PORTCULLIS_KEK_FILE"), get("PORTCULLIS_KEK")) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    "PORTCULLIS_KEK",
                    "set PORTCULLIS_KEK_FILE or PORTCULLIS_KEK, not both",
                ))
            }
            (Some(file), None) => Some(KekSetting::File(file.into())),
            (None, Some(value)) => Some(KekSetting::Value(
                Kek::parse(&value).map_err(|e| ConfigError::new("PORTCULLIS_KEK", e.to_string()))?,
            )),
            (None, None) if environment == Environment::Production => {
                return Err(ConfigError::new(
                    "PORTCULLIS_KEK_FILE",
                    "production (PORTCULLIS_ENV=production) needs a key-encryption key: set PORTCULLIS_KEK_FILE to a file holding 32 bytes as 64 hex digits (e.g. `openssl rand -hex 32`), or PORTCULLIS_KEK",
                ))
            }
            (None, None) => None,
        };

        let signup_points = i64::try_from(parse_u64("PORTCULLIS_SIGNUP_POINTS", 100)?)
            .map_err(|_| ConfigError::new("PORTCULLIS_SIGNUP_POINTS", "is too large"))?;

        Ok(Self {
            signup_points,
            public_url,
            last_used_flush,
            cache_max_age,
            dispatch_interval,
            dispatch_claim_timeout,
            sqlite_max_size_mb,
            refused_calls_flush,
            token_expiry_check,
            security_log_retention,
            security_log_sweep,
            exception_sweep,
            signing_key_max_age,
            signing_key_retire_grace,
            signing_key_check,
            bind,
            metrics_addr,
            database_url,
            db_pool_size,
            cookie_secure,
            tls,
            trusted_proxies,
            log_format,
            log_filter,
            otlp_endpoint,
            otlp_export_interval,
            static_dir,
            session_idle_timeout,
            session_lifetime,
            hash_concurrency,
            delivery,
            cors_origins,
            client_request_timeout,
            sms_budget,
            environment,
            kek,
            security_stream,
        })
    }
}

/// One `PORTCULLIS_CORS_ORIGINS` entry: an exact origin, no wildcard, no path.
fn parse_origin(origin: &str) -> Result<String, ConfigError> {
    let origin = origin.trim_end_matches('/');
    let host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let valid = host.is_some_and(|host| {
        host.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
    }) && origin
        .parse::<actix_web::http::Uri>()
        .is_ok_and(|uri| uri.host().is_some_and(|h| !h.is_empty()) && uri.path() == "/");
    if valid {
        Ok(origin.to_ascii_lowercase())
    } else {
        Err(ConfigError::new(
            "PORTCULLIS_CORS_ORIGINS",
            format!("`{origin}` is not an origin such as https://app.example.com (no wildcard, no path)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_are_the_embedded_sqlite_on_loopback() {
        let config = config(&[]).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(
            config.database_url,
            DatabaseUrl::Sqlite("data/portcullis.db".into())
        );
        assert!(!config.cookie_secure);
        assert_eq!(config.tls, None);
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert!(config.trusted_proxies.is_empty());
        assert_eq!(config.session_idle_timeout, Duration::from_secs(1800));
    }

    #[test]
    fn the_url_scheme_picks_the_backend_and_anything_else_is_refused() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@h/db").unwrap().backend(),
            "postgres"
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        let err = config(&[("PORTCULLIS_DATABASE_URL", "mysql://h/db")]).unwrap_err();
        assert_eq!(err.variable, "PORTCULLIS_DATABASE_URL");
    }

    #[test]
    fn the_signing_key_schedule_is_in_days_decimals_allowed_and_zero_turns_it_off() {
        let max_age = |value: &str| {
            config(&[("PORTCULLIS_SIGNING_KEY_MAX_AGE_DAYS", value)]).map(|c| c.signing_key_max_age)
        };
        assert_eq!(
            config(&[]).unwrap().signing_key_max_age,
            Some(Duration::from_secs(90 * 86_400))
        );
        assert_eq!(max_age("0").unwrap(), None);
        assert_eq!(max_age("0.5").unwrap(), Some(Duration::from_secs(43_200)));
        for refused in ["-1", "soon", "NaN", "inf", "40000"] {
            assert!(max_age(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn postgres_passwords_are_redacted_in_debug_output() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db:5432/portcullis").unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("app:***@db:5432"), "{shown}");
    }

    #[test]
    fn trusted_proxies_are_parsed_and_bad_ones_refused() {
        let config =
            config(&[("PORTCULLIS_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12,::1")]).unwrap();
        assert_eq!(config.trusted_proxies.len(), 3);
        assert!(super::Config::from_lookup(
            |n| (n == "PORTCULLIS_TRUSTED_PROXIES").then(|| "10.0.0.0/33".to_owned())
        )
        .is_err());
    }

    #[test]
    fn cors_origins_are_exact_origins() {
        assert!(config(&[]).unwrap().cors_origins.is_empty());
        let config = config(&[(
            "PORTCULLIS_CORS_ORIGINS",
            "https://App.example.com/, http://localhost:8081",
        )])
        .unwrap();
        assert_eq!(
            config.cors_origins,
            ["https://app.example.com", "http://localhost:8081"]
        );
        for bad in [
            "*",
            "https://*.example.com",
            "app.example.com",
            "https://a.example.com/path",
        ] {
            let refused = super::Config::from_lookup(|n| {
                (n == "PORTCULLIS_CORS_ORIGINS").then(|| bad.to_owned())
            });
            assert_eq!(
                refused.unwrap_err().variable,
                "PORTCULLIS_CORS_ORIGINS",
                "{bad}"
            );
        }
    }

    #[test]
    fn production_needs_a_key_encryption_key_and_development_does_not() {
        assert_eq!(config(&[]).unwrap().environment, Environment::Development);
        assert!(config(&[]).unwrap().kek.is_none());
        let refused = config(&[("PORTCULLIS_ENV", "production")]).unwrap_err();
        assert_eq!(refused.variable, "PORTCULLIS_KEK_FILE");
        let file = config(&[
            ("PORTCULLIS_ENV", "production"),
            ("PORTCULLIS_KEK_FILE", "/run/secrets/kek"),
        ])
        .unwrap();
        assert!(matches!(file.kek, Some(KekSetting::File(_))));
        let bad = config(&[("PORTCULLIS_KEK", "not-a-key")]).unwrap_err();
        assert_eq!(bad.variable, "PORTCULLIS_KEK");
        assert!(!bad.to_string().contains("not-a-key"));
        assert_eq!(
            config(&[("PORTCULLIS_ENV", "staging")])
                .unwrap_err()
                .variable,
            "PORTCULLIS_ENV"
        );
    }

    #[test]
    fn tls_needs_both_files_and_makes_cookies_secure() {
        let only_cert = config(&[("PORTCULLIS_TLS_CERT_FILE", "/etc/portcullis/cert.pem")]);
        assert_eq!(only_cert.unwrap_err().variable, "PORTCULLIS_TLS_KEY_FILE");
        let only_key = config(&[("PORTCULLIS_TLS_KEY_FILE", "/etc/portcullis/key.pem")]);
        assert_eq!(only_key.unwrap_err().variable, "PORTCULLIS_TLS_CERT_FILE");

        let files = [
            ("PORTCULLIS_TLS_CERT_FILE", "/etc/portcullis/cert.pem"),
            ("PORTCULLIS_TLS_KEY_FILE", "/etc/portcullis/key.pem"),
        ];
        let tls = config(&files).unwrap();
        assert_eq!(
            tls.tls,
            Some(TlsFiles {
                cert_file: "/etc/portcullis/cert.pem".into(),
                key_file: "/etc/portcullis/key.pem".into(),
            })
        );
        assert!(tls.cookie_secure, "TLS implies Secure cookies");
        assert_eq!(tls.public_url, "https://127.0.0.1:8080");

        let insecure = config(&[files[0], files[1], ("PORTCULLIS_COOKIE_SECURE", "false")]);
        assert_eq!(insecure.unwrap_err().variable, "PORTCULLIS_COOKIE_SECURE");
    }
}
