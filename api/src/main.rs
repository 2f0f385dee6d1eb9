//! `portcullis`: runs the server; `portcullis openapi` prints the OpenAPI
//! document; `portcullis admin …`, `audit …`, `keys …` and `migrate` (see
//! `cli.rs`), and `portcullis senders …` and `portcullis operator …`, are the
//! gateway operator's commands against the configured storage.

use std::io::Write;

use portcullis_api::{config::Config, openapi, startup::Application, telemetry};

/// glibc malloc tuning, made before the server starts its threads:
///
/// - Two arenas (unless `MALLOC_ARENA_MAX` says otherwise): by default every
///   thread that allocates under contention may get its own arena, and each
///   keeps freed memory, so idle memory grew by ~10 MiB per arena for no
///   measurable speed.
/// - Every allocation of 1 MiB or more is a mapping of its own, given back to
///   the system when freed (unless `MALLOC_MMAP_THRESHOLD_` says otherwise).
///   glibc's default threshold moves: each freed mapping raises it to that
///   size (up to 32 MiB), so after the first large buffer was freed (an
///   Argon2 buffer, a spreadsheet being imported) the next ones came from the
///   arenas, which kept the memory: the benchmark's server stayed 20 MiB
///   larger after its imports. A threshold set once does not move.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            // SAFETY: a glibc tuning call made before any other thread runs.
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, 2);
            }
        }
        if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
            // SAFETY: as above.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
            }
        }
    }
}

/// Gives the memory freed during start-up back to the system: building the
/// app allocates and drops far more than it keeps (the OpenAPI document's
/// tree, serialised once; migrations; the caches' first loads), and glibc
/// keeps freed memory inside its heaps until told.
fn trim_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: a plain glibc call; it only returns free pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn main() {
    tune_malloc();
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
            let code = portcullis_api::cli::run(&args);
            telemetry::flush_logs();
            std::process::exit(code);
        }
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
            telemetry::flush_logs();
            eprintln!("portcullis: cannot start: {error:#}");
            std::process::exit(1);
        }
    };
    let host = if host.is_ipv6() {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    trim_malloc();
    println!("Portcullis listening on {scheme}://{host}:{}", app.port());
    let _ = std::io::stdout().flush();
    if let Err(error) = app.run_until_stopped().await {
        tracing::error!(%error, "server stopped with an error");
        telemetry::flush_logs();
        std::process::exit(1);
    }
    tracing::info!("stopped");
    telemetry::flush_logs();
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
