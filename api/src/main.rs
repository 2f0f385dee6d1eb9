//! `portcullis`: runs the server; `portcullis openapi` prints the OpenAPI
//! document; `portcullis admin …` and `portcullis audit …` (see `cli.rs`),
//! and `portcullis senders …` and `portcullis operator …`, are the gateway
//! operator's commands against the configured storage; `portcullis keys
//! rewrap` moves the secrets at rest to a new key-encryption key and
//! `portcullis migrate` prepares storage without serving.

use std::io::Write;

use portcullis_api::{
    config::Config, openapi, services::secrets_at_rest, startup::Application, telemetry,
};

/// Caps glibc's malloc at two arenas (unless `MALLOC_ARENA_MAX` says
/// otherwise): by default every thread that allocates under contention may get
/// its own arena, and each keeps freed memory, so idle memory grew by ~10 MiB
/// per arena for no measurable speed.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: a glibc tuning call made before the server starts its threads.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

fn main() {
    limit_malloc_arenas();
    serve();
}

#[actix_web::main]
async fn serve() {
    if std::env::args().nth(1).as_deref() == Some("openapi") {
        print!("{}", openapi::yaml());
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("senders") {
        std::process::exit(operator_senders(&args[1..]));
    }
    if args.first().map(String::as_str) == Some("operator") {
        std::process::exit(operator_command(&args[1..]));
    }
    if let Some(command) = args.first() {
        if portcullis_api::cli::COMMANDS.contains(&command.as_str()) {
            std::process::exit(portcullis_api::cli::run(&args));
        }
    }
    if args.first().map(String::as_str) == Some("keys") {
        std::process::exit(keys_command(&args[1..]));
    }
    if args.first().map(String::as_str) == Some("migrate") {
        std::process::exit(migrate_command(&args[1..]));
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
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
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
    println!("Portcullis listening on {scheme}://{host}:{}", app.port());
    let _ = std::io::stdout().flush();
    if let Err(error) = app.run_until_stopped().await {
        tracing::error!(%error, "server stopped with an error");
        std::process::exit(1);
    }
    tracing::info!("stopped");
}

/// `portcullis operator lift-trial-restriction --email EMAIL`: lets an account
/// spend its points beyond its home country (recorded in its security log).
fn operator_command(args: &[String]) -> i32 {
    let email = match args {
        [verb, flag, email] if verb == "lift-trial-restriction" && flag == "--email" => email,
        [verb, flag_email] if verb == "lift-trial-restriction" => {
            match flag_email.strip_prefix("--email=") {
                Some(email) => email,
                None => return operator_usage(),
            }
        }
        _ => return operator_usage(),
    };
    let email = email.trim().to_owned();
    let result = Config::from_env()
        .map_err(anyhow::Error::from)
        .and_then(|config| portcullis_api::services::Db::connect(&config.database_url, 1))
        .and_then(|db| {
            db.blocking_run(|conn| {
                portcullis_api::services::sms::messages::lift_trial_restriction(conn, &email)
            })
        });
    match result {
        Ok(portcullis_api::services::sms::messages::TrialLift::Lifted) => {
            println!("{email}: trial restriction lifted; the account may send abroad");
            0
        }
        Ok(portcullis_api::services::sms::messages::TrialLift::AlreadyLifted) => {
            println!("{email}: not restricted; nothing changed");
            0
        }
        Err(error) => {
            eprintln!("portcullis: {error:#}");
            1
        }
    }
}

fn operator_usage() -> i32 {
    eprintln!("usage: portcullis operator lift-trial-restriction --email EMAIL");
    2
}

/// `portcullis senders approve|reject SENDER_ID`: the gateway operator's
/// decision on a requested sender name, against the configured storage.
fn operator_senders(args: &[String]) -> i32 {
    let (approve, id) = match args {
        [verb, id] if verb == "approve" => (true, id),
        [verb, id] if verb == "reject" => (false, id),
        _ => {
            eprintln!("usage: portcullis senders approve|reject SENDER_ID");
            return 2;
        }
    };
    let result = Config::from_env()
        .map_err(anyhow::Error::from)
        .and_then(|config| portcullis_api::services::Db::connect(&config.database_url, 1))
        .and_then(|db| {
            db.blocking_run(|conn| {
                portcullis_api::services::operator::decide_sender(conn, id, approve)
            })
        });
    match result {
        Ok(()) => {
            println!(
                "sender {id} {}",
                if approve { "approved" } else { "rejected" }
            );
            0
        }
        Err(error) => {
            eprintln!("portcullis: {error:#}");
            1
        }
    }
}

const KEYS_USAGE: &str = "\
usage: portcullis keys rewrap --new-kek-file PATH

Re-seals every secret stored at rest (signing keys, TOTP secrets) from the
configured key-encryption key (PORTCULLIS_KEK_FILE or PORTCULLIS_KEK) to the
key in PATH (32 bytes as 64 hex digits or base64), in one transaction. Stop the
servers first; then point PORTCULLIS_KEK_FILE at PATH and start them again.
Running it again after an interruption is safe.

exit codes: 0 done, 1 failed (nothing changed), 2 usage or configuration error";

/// `portcullis keys rewrap --new-kek-file PATH`.
fn keys_command(args: &[String]) -> i32 {
    let path = match args {
        [help] | [_, help] if help == "--help" || help == "-h" => {
            println!("{KEYS_USAGE}");
            return 0;
        }
        [verb, flag, path] if verb == "rewrap" && flag == "--new-kek-file" => path.clone(),
        [verb, flag] if verb == "rewrap" && flag.starts_with("--new-kek-file=") => {
            flag["--new-kek-file=".len()..].to_owned()
        }
        _ => {
            eprintln!("{KEYS_USAGE}");
            return 2;
        }
    };
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("portcullis: configuration error: {error}");
            return 2;
        }
    };
    let keys = secrets_at_rest::load_kek(&config).and_then(|current| {
        let new = secrets_at_rest::read_kek_file(std::path::Path::new(&path))?;
        Ok((current, new))
    });
    let (current, new) = match keys {
        Ok(keys) => keys,
        Err(error) => {
            eprintln!("portcullis: {error:#}");
            return 2;
        }
    };
    if current.id() == new.id() {
        eprintln!(
            "portcullis: {path} holds the key in use ({}); nothing to do",
            current.id()
        );
        return 2;
    }
    let result = portcullis_api::services::Db::connect(&config.database_url, 1).and_then(|db| {
        db.blocking_run(|conn| {
            portcullis_api::db::write_transaction(conn, |conn| {
                secrets_at_rest::rewrap(conn, &current, &new)
            })
            .map_err(api_error_cause)
        })
    });
    match result {
        Ok(changed) => {
            println!(
                "rewrapped {changed} secrets from key-encryption key {} to {}; \
                 now set PORTCULLIS_KEK_FILE={path} and start the servers",
                current.id(),
                new.id()
            );
            0
        }
        Err(error) => {
            eprintln!("portcullis: rewrap failed, nothing changed: {error:#}");
            1
        }
    }
}

const MIGRATE_USAGE: &str = "\
usage: portcullis migrate

Applies the pending storage migrations and seals the secrets still stored in
clear with the key-encryption key, as the server does when it starts, then
exits: for deployments that migrate before rolling out.

exit codes: 0 done, 1 failed, 2 usage or configuration error";

/// `portcullis migrate`.
fn migrate_command(args: &[String]) -> i32 {
    match args {
        [] => {}
        [help] if help == "--help" || help == "-h" => {
            println!("{MIGRATE_USAGE}");
            return 0;
        }
        _ => {
            eprintln!("{MIGRATE_USAGE}");
            return 2;
        }
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("portcullis: configuration error: {error}");
            return 2;
        }
    };
    telemetry::init(&config);
    let kek = match secrets_at_rest::load_kek(&config) {
        Ok(kek) => kek,
        Err(error) => {
            eprintln!("portcullis: {error:#}");
            return 2;
        }
    };
    let result = portcullis_api::services::Db::connect(&config.database_url, 1).and_then(|db| {
        db.blocking_run(|conn| {
            portcullis_api::db::write_transaction(conn, |conn| {
                secrets_at_rest::seal_at_start(conn, &kek)
            })
            .map_err(api_error_cause)
        })
    });
    match result {
        Ok(sealing) => {
            println!(
                "storage migrated; {} secrets sealed now with key-encryption key {}",
                sealing.sealed,
                kek.id()
            );
            0
        }
        Err(error) => {
            eprintln!("portcullis: migration failed: {error:#}");
            1
        }
    }
}

/// The cause of an internal error, for a command line's message.
fn api_error_cause(error: portcullis_api::error::ApiError) -> anyhow::Error {
    match error {
        portcullis_api::error::ApiError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}
