//! Building and running the HTTP server.

use std::{net::TcpListener, sync::Arc};

use actix_web::{
    dev::Server,
    middleware::{self as actix_middleware, from_fn, DefaultHeaders, ErrorHandlers},
    web, App, HttpServer,
};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    config::Config,
    db::Db,
    error::extractors,
    middleware::{catch_panic, problem_for_stray_error, require_csrf_header},
    openapi::ApiDoc,
    routes,
    services::{AppState, Mailer, PasswordHasher, SmsTransport},
    telemetry,
};

/// Largest JSON body accepted.
const JSON_LIMIT_BYTES: usize = 64 * 1024;

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Connects storage (migrating it), binds the listener and prepares the server.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let config = Arc::new(config);
        let db = {
            let (url, size) = (config.database_url.clone(), config.db_pool_size);
            tokio::task::spawn_blocking(move || Db::connect(&url, size)).await??
        };
        let hasher = {
            let concurrency = config.hash_concurrency;
            tokio::task::spawn_blocking(move || PasswordHasher::new(concurrency)).await??
        };
        let sms = SmsTransport::from_config(&config.delivery, db.clone())?;
        let mailer = Mailer::from_config(&config.delivery, db.clone())?;
        tracing::info!(
            sms = sms.name(),
            mail = mailer.name(),
            dev_outbox_endpoint = config.delivery.dev_outbox,
            "message delivery"
        );
        let state = web::Data::new(AppState {
            db,
            hasher,
            config: config.clone(),
            sms,
            mailer,
        });

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
                .wrap(from_fn(require_csrf_header))
                .wrap(ErrorHandlers::new().default_handler(problem_for_stray_error))
                .wrap(from_fn(catch_panic))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "no-referrer")),
                )
                .wrap(actix_middleware::Compress::default())
                .wrap(from_fn(telemetry::request_log))
                .configure(routes::health::configure)
                .configure(routes::auth::configure)
                .configure(routes::me::configure)
                .configure(routes::security_log::configure)
                .configure(routes::dev_outbox::configure)
                .service(
                    SwaggerUi::new("/api/docs/{_:.*}")
                        .url(portcullis_shared::routes::OPENAPI_JSON, ApiDoc::openapi()),
                );
            match &static_dir {
                Some(dir) => app.configure(routes::spa::configure(dir.clone())),
                None => app.default_service(web::to(routes::spa::not_found)),
            }
        })
        .listen(listener)?
        .shutdown_timeout(10)
        .run();

        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM/SIGINT, then drains in-flight requests (graceful stop).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
