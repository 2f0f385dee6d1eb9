//! `portcullis`: runs the server; `portcullis openapi` prints the OpenAPI
//! document; `portcullis admin …`, `audit …`, `keys …` and `migrate` (see
//! `cli.rs`), and `portcullis senders …` and `portcullis operator …`, are the
//! gateway operator's commands against the configured storage.

use std::io::Write;

use portcullis_api::{config::Config, openapi, startup::Application, telemetry};

/// The server's allocator: mimalloc, a thread-local free list per size class
/// instead of glibc's arenas, which the request threads, the database
/// threads and SQLite (it keeps glibc, below) took turns to lock. Measured by
/// the benchmark on SQLite (alternating rounds against the glibc build): the
/// server's CPU per send 0.84× and per authenticated read 0.88×; the memory
/// it keeps is bounded by [`tune_allocator`].
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's options (`mi_option_e` in its `mimalloc.h`, v3.3 as pinned by
/// Cargo.lock; the test below checks that each still has its default there).
mod mimalloc_option {
    /// Milliseconds before freed memory is given back to the system (v3: 1,000).
    pub const PURGE_DELAY: i32 = 15;
    /// The largest object, in KiB, kept in mimalloc's arenas; larger ones
    /// are mappings of their own (v3: 2 GiB).
    pub const ARENA_MAX_OBJECT_SIZE: i32 = 45;
}

/// Allocator tuning, made before the server starts its threads:
///
/// - mimalloc gives freed memory back after 10 ms (its own default waits a
///   second, long enough to keep a burst's memory through the next one), and
///   an allocation of 1 MiB or more (an Argon2 buffer, a spreadsheet being
///   imported) is a mapping of its own, unmapped when freed. (Transparent
///   huge pages are compiled out: each would make a touched 4 KiB a 2 MiB.)
///   Unless a `MIMALLOC_…` variable says otherwise.
/// - glibc's malloc still serves SQLite and the other C libraries: two arenas
///   (unless `MALLOC_ARENA_MAX` says otherwise), since by default every
///   thread that allocates under contention may get its own arena, and each
///   keeps freed memory; and a fixed 1 MiB mapping threshold (unless
///   `MALLOC_MMAP_THRESHOLD_` says otherwise), since glibc's default moves
///   up to each freed mapping's size, after which large buffers came from the
///   arenas, which kept them.
fn tune_allocator() {
    let unset = |name: &str| std::env::var_os(name).is_none();
    // SAFETY: mimalloc's option setters only store a value, and are
    // documented as callable at any time.
    unsafe {
        if unset("MIMALLOC_PURGE_DELAY") {
            libmimalloc_sys::mi_option_set(mimalloc_option::PURGE_DELAY, 10);
        }
        if unset("MIMALLOC_ARENA_MAX_OBJECT_SIZE") {
            libmimalloc_sys::mi_option_set(mimalloc_option::ARENA_MAX_OBJECT_SIZE, 1024);
        }
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if unset("MALLOC_ARENA_MAX") {
            // SAFETY: a glibc tuning call made before any other thread runs.
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, 2);
            }
        }
        if unset("MALLOC_MMAP_THRESHOLD_") {
            // SAFETY: as above.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
            }
        }
    }
}

/// Gives the memory freed during start-up back to the system: building the
/// app allocates and drops far more than it keeps (the OpenAPI document's
/// tree, serialised once; migrations; the caches' first loads), and both
/// allocators keep freed memory until told (or, mimalloc, for a while).
fn trim_allocator() {
    // SAFETY: a plain mimalloc call; it frees what no thread uses any more.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: a plain glibc call; it only returns free pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn main() {
    tune_allocator();
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
    trim_allocator();
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

#[cfg(test)]
mod tests {
    use super::mimalloc_option;

    /// The option numbers name the options meant: each still answers with
    /// its v3 default (a new mimalloc that renumbered them fails here).
    #[test]
    fn mimalloc_option_numbers_name_the_options_meant() {
        // SAFETY: reading an option.
        let get = |option| unsafe { libmimalloc_sys::mi_option_get(option) };
        assert_eq!(get(mimalloc_option::PURGE_DELAY), 1000);
        assert_eq!(get(mimalloc_option::ARENA_MAX_OBJECT_SIZE), 2 * 1024 * 1024);
    }
}
