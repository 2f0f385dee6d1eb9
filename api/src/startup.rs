//! Building and running the HTTP server.

use std::{net::TcpListener, sync::Arc};

use actix_web::{
    dev::Server,
    middleware::{self as actix_middleware},
    web, App, HttpServer,
};
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    config::{Config, DatabaseUrl},
    error::{extractors, ApiError},
    metrics::{self, Metrics},
    middleware::{CsrfAndRateLimitHeaders, SecurityHeaders},
    routes,
    services::{
        audit::chain, cache::cache_sync, ip_allowlists::AllowlistCache, sms::dispatch,
        tokens::expiry,
    },
    services::{
        run_every, secrets_at_rest, tokens::api_access::ApiAccess, tokens::key_rotation,
        tokens::signing::KeyRing, AppState, Db, Mailer, PasswordHasher, SmsTransport,
    },
    telemetry, tls,
};

/// Largest JSON body accepted.
const JSON_LIMIT_BYTES: usize = 64 * 1024;

pub struct Application {
    port: u16,
    server: Server,
    /// The Prometheus listener (`PORTCULLIS_METRICS_ADDR`) and its port.
    metrics_server: Option<(Server, u16)>,
    state: web::Data<AppState>,
    /// Token last-use flushing, message dispatch, refused-call logging and token expiry warnings.
    background: Vec<tokio::task::JoinHandle<()>>,
}

/// Writes token last-use times in batches, off the request path.
async fn flush_last_used_forever(access: Arc<ApiAccess>, db: Db, every: std::time::Duration) {
    run_every(every, "recording token last use", move || {
        let (access, db) = (access.clone(), db.clone());
        async move { access.flush_last_used(&db).await }
    })
    .await
}

/// Writes refused API calls to the security log, folded, off the request path.
async fn flush_refused_calls_forever(access: Arc<ApiAccess>, db: Db, every: std::time::Duration) {
    run_every(every, "logging refused API calls", move || {
        let (access, db) = (access.clone(), db.clone());
        async move { access.refused.flush(&db).await }
    })
    .await
}

/// What went wrong inside a start-up step, with its whole cause chain (an
/// `ApiError`'s display hides an internal cause, as it does from clients).
fn cause(error: ApiError) -> anyhow::Error {
    match error {
        ApiError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}

/// CORS for the origins in `PORTCULLIS_CORS_ORIGINS` (used only when there are
/// some). Other origins get no `Access-Control-Allow-*` headers, so browsers
/// there cannot read the answers; their requests are not refused, as a
/// same-origin portal request carries an `Origin` too.
fn cors(origins: &[String]) -> actix_cors::Cors {
    use actix_web::http::{header, Method};
    let cors = origins
        .iter()
        .fold(actix_cors::Cors::default(), |cors, origin| {
            cors.allowed_origin(origin)
        });
    cors.block_on_origin_mismatch(false)
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::HeaderName::from_static("x-csrf-token"),
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
            header::WWW_AUTHENTICATE,
            header::LOCATION,
        ])
        .supports_credentials()
        .max_age(600)
}

/// The metrics listener: `GET /metrics` only, on its own address, one worker.
fn metrics_server(
    addr: std::net::SocketAddr,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> anyhow::Result<(Server, u16)> {
    let listener = TcpListener::bind(addr)
        .map_err(|e| anyhow::anyhow!("cannot listen for metrics on {addr}: {e}"))?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(metrics.clone())
            .route("/metrics", web::get().to(metrics::serve))
    })
    .workers(1)
    .listen(listener)?
    .shutdown_timeout(1)
    .run();
    tracing::info!(%addr, "serving Prometheus metrics");
    Ok((server, port))
}

impl Application {
    /// Connects storage (migrating it), binds the listener and prepares the server.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let config = Arc::new(config);
        let db = {
            let (url, size) = (config.database_url.clone(), config.db_pool_size);
            let cap = config.sqlite_max_size_mb;
            tokio::task::spawn_blocking(move || Db::connect_capped(&url, size, cap)).await??
        };
        let hasher = {
            let concurrency = config.hash_concurrency;
            tokio::task::spawn_blocking(move || PasswordHasher::new(concurrency)).await??
        };
        let kek = {
            let config = config.clone();
            Arc::new(
                tokio::task::spawn_blocking(move || secrets_at_rest::load_kek(&config))
                    .await?
                    .map_err(|e| anyhow::anyhow!("no key-encryption key: {e:#}"))?,
            )
        };
        let sms = SmsTransport::from_config(&config.delivery, db.clone(), &kek)?;
        let mailer = Mailer::from_config(&config.delivery, db.clone())?;
        tracing::info!(
            sms = sms.name(),
            mail = mailer.name(),
            dev_outbox_endpoint = config.delivery.dev_outbox,
            "message delivery"
        );
        let sealing = {
            let kek = kek.clone();
            db.transaction(move |conn| secrets_at_rest::seal_at_start(conn, &kek))
                .await
                .map_err(|e| anyhow::anyhow!("cannot open the secrets at rest: {:#}", cause(e)))?
        };
        tracing::info!(
            kek_id = kek.id(),
            sealed_now = sealing.sealed,
            "secrets at rest sealed with the key-encryption key"
        );
        let keys = {
            let (issuer, kek) = (config.public_url.clone(), kek.clone());
            db.run(move |conn| {
                KeyRing::load_or_create(conn, issuer, &kek).map_err(ApiError::Internal)
            })
            .await
            .map_err(|e| anyhow::anyhow!("cannot load the token signing keys: {:#}", cause(e)))?
        };
        let access =
            Arc::new(ApiAccess::new(keys, config.cache_max_age).with_key_reloading(kek.clone()));
        let portal_allowlists = Arc::new(AllowlistCache::new(
            "portal",
            crate::services::tokens::api_access::ALLOWLISTS_CAPACITY,
            config.cache_max_age,
        ));
        access
            .networks
            .send_notices_with(mailer.clone(), config.public_url.clone());
        access
            .load_revoked(&db, crate::services::now())
            .await
            .map_err(|e| anyhow::anyhow!("cannot load revoked tokens: {e}"))?;
        // Several processes on one PostgreSQL keep their caches in step.
        let signals = Arc::new(crate::metrics::Signals::default());
        let caches = cache_sync::Caches::of(&access, &portal_allowlists, &signals);
        let mut background = Vec::new();
        match &config.database_url {
            DatabaseUrl::Postgres(url) => cache_sync::spawn_listener(url.clone(), caches)?,
            // The operator's command line writes to the same file.
            DatabaseUrl::Sqlite(_) => background.push(tokio::spawn(
                cache_sync::poll_notices_forever(db.clone(), caches),
            )),
        }
        background.extend([
            tokio::spawn(flush_last_used_forever(
                access.clone(),
                db.clone(),
                config.last_used_flush,
            )),
            tokio::spawn(dispatch::dispatch_forever(
                db.clone(),
                sms.clone(),
                config.dispatch_interval,
                config.dispatch_claim_timeout,
            )),
            tokio::spawn(flush_refused_calls_forever(
                access.clone(),
                db.clone(),
                config.refused_calls_flush,
            )),
            tokio::spawn(expiry::warn_forever(
                db.clone(),
                mailer.clone(),
                config.public_url.clone(),
                config.token_expiry_check,
            )),
        ]);
        background.push(tokio::spawn(key_rotation::maintain_forever(
            access.clone(),
            db.clone(),
            kek.clone(),
            key_rotation::Schedule {
                max_age: config.signing_key_max_age,
                retire_grace: config.signing_key_retire_grace,
                check: config.signing_key_check,
            },
        )));
        if let Some(retention) = config.security_log_retention {
            let db = db.clone();
            background.push(tokio::spawn(run_every(
                config.security_log_sweep,
                "deleting security events past the retention period",
                move || {
                    let db = db.clone();
                    async move { chain::sweep_expired(&db, retention).await }
                },
            )));
        }
        {
            let (db, access, portal_allowlists) =
                (db.clone(), access.clone(), portal_allowlists.clone());
            background.push(tokio::spawn(run_every(
                config.exception_sweep,
                "removing expired allowlist entries and country exceptions",
                move || {
                    let (db, access, portal_allowlists) =
                        (db.clone(), access.clone(), portal_allowlists.clone());
                    async move {
                        crate::services::expiring_exceptions::sweep(
                            &db,
                            &access,
                            &portal_allowlists,
                        )
                        .await
                    }
                },
            )));
        }
        background.push(tokio::spawn(
            crate::services::audit::stream_delivery::deliver_forever(
                db.clone(),
                kek.clone(),
                config.security_stream.clone(),
            ),
        ));
        let (sends, send_writer) = crate::services::sms::messages::start_send_writer(db.clone());
        background.push(send_writer);
        let state = web::Data::new(AppState {
            db,
            sends,
            hasher,
            access,
            portal_allowlists,
            config: config.clone(),
            kek,
            sms,
            mailer,
            signals,
            guess_queue: Default::default(),
        });
        let shutdown_state = state.clone();

        let listener = TcpListener::bind(config.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr()?.port();
        let static_dir = config
            .static_dir
            .clone()
            .filter(|dir| dir.join("index.html").is_file());
        match &static_dir {
            Some(dir) => tracing::info!(dir = %dir.display(), "serving the built portal"),
            None => tracing::info!("no built portal found (build it with `trunk build --release` in web/); serving the API only"),
        }
        tracing::info!(backend = state.db.backend(), database = ?config.database_url, "storage ready");
        if !crate::services::passkeys::available(&config.public_url) {
            // Never fatal: only the passkey endpoints answer 409 passkeys_unavailable.
            tracing::warn!(public_url = %config.public_url, "passkeys unavailable: PORTCULLIS_PUBLIC_URL's host is not a domain name");
        }
        let portal_script_hashes = match &static_dir {
            Some(dir) => routes::spa::portal_script_hashes(dir)?,
            None => Vec::new(),
        };
        let tls = config.tls.as_ref().map(tls::server_config).transpose()?;
        let security_headers_data =
            web::Data::new(SecurityHeaders::new(&portal_script_hashes, tls.is_some()));
        let metrics_data = web::Data::new(Metrics::new());
        let metrics_server = match config.metrics_addr {
            Some(addr) => Some(metrics_server(addr, state.clone(), metrics_data.clone())?),
            None => None,
        };

        let cors_origins = config.cors_origins.clone();
        let openapi_json = crate::openapi::json();
        let server = HttpServer::new(move || {
            let app = App::new()
                .app_data(state.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(JSON_LIMIT_BYTES)
                        .error_handler(extractors::json_error),
                )
                .app_data(web::PathConfig::default().error_handler(extractors::path_error))
                .app_data(web::QueryConfig::default().error_handler(extractors::query_error))
                .wrap(CsrfAndRateLimitHeaders)
                .wrap(actix_middleware::Condition::new(
                    !cors_origins.is_empty(),
                    cors(&cors_origins),
                ))
                // Also the security headers, the panic guard, problem+json for stray errors
                // and the compression.
                .wrap(telemetry::RequestLog::new(
                    metrics_data.clone(),
                    security_headers_data.clone(),
                ))
                .configure(routes::configure)
                .service(
                    routes::resource(portcullis_shared::routes::OPENAPI_JSON, &["get"]).route(
                        routes::route("get").to({
                            let document = openapi_json.clone();
                            move || crate::openapi::serve(document.clone())
                        }),
                    ),
                )
                .service(SwaggerUi::new("/api/docs/{_:.*}").config(
                    utoipa_swagger_ui::Config::from(portcullis_shared::routes::OPENAPI_JSON),
                ));
            match &static_dir {
                Some(dir) => app.configure(routes::spa::configure(dir.clone())),
                None => app.default_service(web::to(routes::spa::not_found)),
            }
        });
        // Slow or idle clients: the headers must arrive within the request
        // timeout, else 408 and the connection closes. (actix's own caps stay:
        // 25,000 connections per worker, 1 s for a closing client.)
        let server = server.client_request_timeout(config.client_request_timeout);
        let server = match tls {
            Some(tls) => server.listen_rustls_0_23(listener, tls)?,
            None => server.listen(listener)?,
        }
        .shutdown_timeout(10)
        .run();

        Ok(Self {
            port,
            server,
            metrics_server,
            state: shutdown_state,
            background,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the metrics listener, when `PORTCULLIS_METRICS_ADDR` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|(_, port)| *port)
    }

    /// Serves until SIGTERM/SIGINT, then drains in-flight requests (graceful stop).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics_server.map(|(server, _)| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let result = self.server.await;
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        for task in &self.background {
            task.abort();
        }
        if let Err(error) = self.state.access.flush_last_used(&self.state.db).await {
            tracing::warn!(%error, "could not record token last use at shutdown");
        }
        if let Err(error) = self.state.access.refused.flush(&self.state.db).await {
            tracing::warn!(%error, "could not log refused API calls at shutdown");
        }
        crate::telemetry::flush_traces();
        result
    }
}
