//! `portcullis`: runs the server; `portcullis openapi` prints the OpenAPI document.

use std::io::Write;

use portcullis_api::{config::Config, openapi, startup::Application, telemetry};

#[actix_web::main]
async fn main() {
    if std::env::args().nth(1).as_deref() == Some("openapi") {
        print!("{}", openapi::yaml());
        return;
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("portcullis: configuration error: {error}");
            std::process::exit(2);
        }
    };
    telemetry::init(&config);
    let host = config.bind.ip();
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "cannot start");
            eprintln!("portcullis: cannot start: {error:#}");
            std::process::exit(1);
        }
    };
    let host = if host.is_ipv6() {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    println!("Portcullis listening on http://{host}:{}", app.port());
    let _ = std::io::stdout().flush();
    if let Err(error) = app.run_until_stopped().await {
        tracing::error!(%error, "server stopped with an error");
        std::process::exit(1);
    }
    tracing::info!("stopped");
}
