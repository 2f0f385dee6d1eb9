//! The operator's command line: `portcullis admin …`, `audit …`, `keys …` and
//! `migrate`, run with the server's configuration (the same `PORTCULLIS_*`
//! environment). Each command prints what it did; exit codes: 0 done, 1
//! refused or failed (the reason on stderr), 2 bad usage (and, for `keys` and
//! `migrate`, a configuration error).

use clap::{Args, Parser, Subcommand};

use crate::{
    config::Config,
    db::{tokens as token_rows, write_transaction, DbConnection},
    error::ApiError,
    services::{
        audit::chain,
        now, operator, secrets_at_rest,
        tokens::key_rotation::{self, Due},
        Db,
    },
    telemetry,
};

/// The commands this module runs, by their first word.
pub const COMMANDS: [&str; 4] = ["admin", "audit", "keys", "migrate"];

#[derive(Parser)]
#[command(
    name = "portcullis",
    about = "Portcullis operator commands",
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The gateway operator's actions on accounts, each recorded in the
    /// account's security log as done by `operator`.
    #[command(subcommand)]
    Admin(Admin),
    /// The security log's hash chains.
    #[command(subcommand)]
    Audit(Audit),
    /// The keys that sign access tokens, and the key-encryption key that
    /// seals the secrets at rest.
    #[command(subcommand, after_help = KEYS_HELP)]
    Keys(Keys),
    /// Apply the pending storage migrations and seal the secrets still stored
    /// in clear with the key-encryption key, as the server does when it
    /// starts, then exit: for deployments that migrate before rolling out.
    #[command(after_help = EXIT_CODES)]
    Migrate,
}

const EXIT_CODES: &str =
    "Exit codes: 0 done, 1 failed (nothing changed), 2 usage or configuration error.";

const KEYS_HELP: &str = "\
Examples:
  portcullis keys rotate
  portcullis keys list
  portcullis keys rewrap --new-kek-file PATH

Exit codes: 0 done, 1 failed (nothing changed), 2 usage or configuration error.";

#[derive(Subcommand)]
enum Keys {
    /// Make a new token signing key (sealed with the key-encryption key): it
    /// signs new tokens from now on (every server picks it up within a
    /// second); the previous keys keep verifying, and stay in the JWKS, until
    /// every token they signed has expired. Prints the new key's id on stdout.
    #[command(after_help = EXIT_CODES)]
    Rotate,
    /// The token signing keys: id, made, retired, and which one signs.
    List,
    /// Re-seal every secret stored at rest (signing keys, TOTP secrets) from
    /// the configured key-encryption key (PORTCULLIS_KEK_FILE or
    /// PORTCULLIS_KEK) to the key in PATH (32 bytes as 64 hex digits or
    /// base64), in one transaction. Stop the servers first; then point
    /// PORTCULLIS_KEK_FILE at PATH and start them again. Running it again
    /// after an interruption is safe.
    /// Seal a setting's value with the key-encryption key, for the
    /// configuration: prints `pcs1.…`, which the server opens at start-up, so
    /// the value is never in clear in a file or the environment. Reads the
    /// value from --value-file, or from standard input (never the command
    /// line, which shell histories and `ps` keep). After `keys rewrap`, seal it
    /// again with the new key.
    #[command(after_help = EXIT_CODES)]
    Seal {
        /// The setting: PORTCULLIS_SMS_WEBHOOK_TOKEN.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(secrets_at_rest::SEALABLE_SETTINGS))]
        setting: String,
        /// A file holding the value (a trailing newline is dropped).
        #[arg(long, value_name = "PATH")]
        value_file: Option<std::path::PathBuf>,
    },
    #[command(after_help = EXIT_CODES)]
    Rewrap {
        /// The file holding the new key-encryption key.
        #[arg(long, value_name = "PATH")]
        new_kek_file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum Admin {
    /// Sender names: list them, approve or reject a request.
    #[command(subcommand)]
    Senders(Senders),
    /// Add or deduct an account's points.
    #[command(subcommand)]
    Points(Points),
    /// Sign-in locks.
    #[command(subcommand)]
    Lock(Lock),
    /// Show an account's security state (no secret is ever shown).
    Show(ByEmail),
    /// Suspend a company account: its users' sessions end, its API tokens and
    /// OAuth clients are refused (`account_suspended`), nobody signs in.
    Suspend(WithReason),
    /// Reinstate a suspended company account.
    Reinstate(WithReason),
}

#[derive(Args)]
struct WithReason {
    /// The owner account's e-mail.
    #[arg(long)]
    email: String,
    /// Why, for the account's security log (1 to 200 characters).
    #[arg(long)]
    reason: String,
}

#[derive(Subcommand)]
enum Senders {
    /// Every account's sender names with a status (default: pending).
    List {
        #[arg(long, default_value = "pending", value_parser = ["pending", "approved", "rejected"])]
        status: String,
    },
    /// Approve a requested sender name.
    Approve { sender_id: String },
    /// Reject a requested sender name.
    Reject { sender_id: String },
}

#[derive(Subcommand)]
enum Points {
    /// Add points to an owner account.
    Add(PointsChange),
    /// Deduct points from an owner account (never below zero).
    Deduct(PointsChange),
}

#[derive(Args)]
struct PointsChange {
    /// The owner account's e-mail.
    #[arg(long)]
    email: String,
    /// How many points (1 to 10,000,000).
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=10_000_000))]
    amount: i64,
    /// Why, for the account's security log (1 to 200 characters).
    #[arg(long)]
    reason: String,
}

#[derive(Subcommand)]
enum Lock {
    /// End the sign-in lock of a login (its e-mail's; an address's lock stays).
    Lift(ByEmail),
}

#[derive(Args)]
struct ByEmail {
    /// The login's e-mail.
    #[arg(long)]
    email: String,
}

#[derive(Subcommand)]
enum Audit {
    /// Walk the hash chains: every login's, or one account's and its
    /// subusers'. Exits 1 when one is broken.
    Verify {
        /// Only this account (and its subusers).
        #[arg(long)]
        account: Option<String>,
    },
}

/// Runs the command in `args` (without the program name); the exit code.
pub fn run(args: &[String]) -> i32 {
    let cli = match Cli::try_parse_from(
        std::iter::once("portcullis".to_owned()).chain(args.iter().cloned()),
    ) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return code;
        }
    };
    let command = match cli.command {
        Command::Keys(keys) => return keys_command(keys),
        Command::Migrate => return migrate_command(),
        other => other,
    };
    let result = Config::from_env()
        .map_err(anyhow::Error::from)
        .and_then(|config| Db::connect(&config.database_url, 1));
    let db = match result {
        Ok(db) => db,
        Err(error) => {
            eprintln!("portcullis: {error:#}");
            return 1;
        }
    };
    match db.blocking_run(|conn| execute(conn, command)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("portcullis: {error:#}");
            1
        }
    }
}

fn execute(conn: &mut DbConnection, command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Audit(Audit::Verify { account }) => audit_verify(conn, account.as_deref()),
        Command::Admin(admin) => admin_command(conn, admin),
        Command::Keys(_) | Command::Migrate => unreachable!("run by run()"),
    }
}

fn admin_command(conn: &mut DbConnection, admin: Admin) -> anyhow::Result<i32> {
    match admin {
        Admin::Senders(Senders::List { status }) => {
            let senders = operator::senders_with_status(conn, &status)?;
            for sender in &senders {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    sender.id,
                    sender.name,
                    sender.status,
                    sender.account_email,
                    sender.requested_at
                );
            }
            eprintln!("{} sender name(s) {status}", senders.len());
        }
        Admin::Senders(Senders::Approve { sender_id }) => {
            operator::decide_sender(conn, &sender_id, true)?;
            println!("sender {sender_id} approved");
        }
        Admin::Senders(Senders::Reject { sender_id }) => {
            operator::decide_sender(conn, &sender_id, false)?;
            println!("sender {sender_id} rejected");
        }
        Admin::Points(Points::Add(change)) => {
            let balance =
                operator::adjust_points(conn, &change.email, change.amount, &change.reason)?;
            println!(
                "{}: {} points added; balance {balance}",
                change.email, change.amount
            );
        }
        Admin::Points(Points::Deduct(change)) => {
            let balance =
                operator::adjust_points(conn, &change.email, -change.amount, &change.reason)?;
            println!(
                "{}: {} points deducted; balance {balance}",
                change.email, change.amount
            );
        }
        Admin::Lock(Lock::Lift(ByEmail { email })) => {
            operator::lift_sign_in_lock(conn, &email)?;
            println!("{email}: sign-in lock lifted");
        }
        Admin::Suspend(WithReason { email, reason }) => {
            let done = operator::set_suspended(conn, &email, true, &reason)?;
            if done.changed {
                println!(
                    "{email}: suspended; {} session(s) ended",
                    done.sessions_ended
                );
            } else {
                println!("{email}: already suspended");
            }
        }
        Admin::Reinstate(WithReason { email, reason }) => {
            let done = operator::set_suspended(conn, &email, false, &reason)?;
            println!(
                "{email}: {}",
                if done.changed {
                    "reinstated"
                } else {
                    "was not suspended"
                }
            );
        }
        Admin::Show(ByEmail { email }) => {
            for line in operator::security_state(conn, &email)? {
                println!("{line}");
            }
        }
    }
    Ok(0)
}

fn audit_verify(conn: &mut DbConnection, account: Option<&str>) -> anyhow::Result<i32> {
    let reports = chain::verify_logins(conn, account)?;
    if let (true, Some(id)) = (reports.is_empty(), account) {
        anyhow::bail!("no account {id}");
    }
    let broken = reports.iter().filter(|r| r.broken.is_some()).count();
    for report in &reports {
        println!("{}", chain::describe(report));
    }
    println!("{} chain(s) walked, {broken} broken", reports.len());
    Ok(i32::from(broken > 0))
}

/// The configuration, or exit code 2 with the reason.
fn config_or_exit_code() -> Result<Config, i32> {
    Config::from_env().map_err(|error| {
        eprintln!("portcullis: configuration error: {error}");
        2
    })
}

/// The configured key-encryption key, or the exit code (2) after saying why not.
fn kek_or_exit_code(config: &Config) -> Result<crate::domain::Kek, i32> {
    secrets_at_rest::load_kek(config).map_err(|error| {
        eprintln!("portcullis: {error:#}");
        2
    })
}

/// The cause of an internal error, for a command line's message.
fn api_error_cause(error: ApiError) -> anyhow::Error {
    match error {
        ApiError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}

fn keys_command(keys: Keys) -> i32 {
    let config = match config_or_exit_code() {
        Ok(config) => config,
        Err(code) => return code,
    };
    match keys {
        Keys::Rotate => keys_rotate(&config),
        Keys::List => keys_list(&config),
        Keys::Rewrap { new_kek_file } => keys_rewrap(&config, &new_kek_file),
        Keys::Seal {
            setting,
            value_file,
        } => keys_seal(&config, &setting, value_file.as_deref()),
    }
}

/// `portcullis keys seal`.
fn keys_seal(config: &Config, setting: &str, value_file: Option<&std::path::Path>) -> i32 {
    let kek = match kek_or_exit_code(config) {
        Ok(kek) => kek,
        Err(code) => return code,
    };
    let mut value = zeroize::Zeroizing::new(String::new());
    let read = match value_file {
        Some(path) => std::fs::read_to_string(path).map(|text| *value = text),
        None => std::io::Read::read_to_string(&mut std::io::stdin(), &mut value).map(|_| ()),
    };
    if let Err(error) = read {
        eprintln!("portcullis: cannot read the value: {error}");
        return 1;
    }
    let clear = value.trim_end_matches(['\r', '\n']);
    if clear.is_empty() || clear.starts_with(crate::domain::kek::SEALED_PREFIX) {
        eprintln!("portcullis: give the value in clear (it is empty or already sealed)");
        return 1;
    }
    println!(
        "{}",
        kek.seal(&secrets_at_rest::setting_at(setting), clear.as_bytes())
    );
    eprintln!(
        "set {setting} to the line above (sealed with key {})",
        kek.id()
    );
    0
}

/// `portcullis keys rotate`.
fn keys_rotate(config: &Config) -> i32 {
    let kek = match kek_or_exit_code(config) {
        Ok(kek) => kek,
        Err(code) => return code,
    };
    let result = Db::connect(&config.database_url, 1).and_then(|db| {
        db.blocking_run(|conn| {
            write_transaction(conn, |conn| {
                key_rotation::rotate(conn, &kek, now(), Due::Now)
            })
            .map_err(api_error_cause)
        })
    });
    match result {
        Ok(Some(rotated)) => {
            match rotated.previous {
                Some(previous) => eprintln!(
                    "signing key {} now signs new tokens (every server picks it up within a \
                     second); {previous} keeps verifying until every token it signed has expired",
                    rotated.kid
                ),
                None => eprintln!("signing key {} now signs new tokens", rotated.kid),
            }
            println!("{}", rotated.kid);
            0
        }
        Ok(None) => unreachable!("a rotation that is due now is never skipped"),
        Err(error) => {
            eprintln!("portcullis: rotation failed, nothing changed: {error:#}");
            1
        }
    }
}

/// `portcullis keys list`.
fn keys_list(config: &Config) -> i32 {
    let result = Db::connect(&config.database_url, 1)
        .and_then(|db| db.blocking_run(|conn| Ok(token_rows::list_signing_keys(conn)?)));
    let rows = match result {
        Ok(rows) => rows,
        Err(error) => {
            eprintln!("portcullis: {error:#}");
            return 1;
        }
    };
    let signer = rows
        .iter()
        .rev()
        .find(|k| k.retired_at.is_none())
        .map(|k| k.kid.clone());
    for row in &rows {
        let state = match (&row.retired_at, Some(&row.kid) == signer.as_ref()) {
            (Some(_), _) => "retired",
            (None, true) => "signing",
            (None, false) => "verifying",
        };
        println!(
            "{}\t{}\tmade {}\t{}",
            row.kid,
            state,
            crate::services::rfc3339(row.created_at),
            row.retired_at
                .map(|at| format!("retired {}", crate::services::rfc3339(at)))
                .unwrap_or_default()
        );
    }
    0
}

/// `portcullis keys rewrap --new-kek-file PATH`.
fn keys_rewrap(config: &Config, path: &std::path::Path) -> i32 {
    let keys = secrets_at_rest::load_kek(config).and_then(|current| {
        let new = secrets_at_rest::read_kek_file(path)?;
        Ok((current, new))
    });
    let (current, new) = match keys {
        Ok(keys) => keys,
        Err(error) => {
            eprintln!("portcullis: {error:#}");
            return 2;
        }
    };
    let path = path.display();
    if current.id() == new.id() {
        eprintln!(
            "portcullis: {path} holds the key in use ({}); nothing to do",
            current.id()
        );
        return 2;
    }
    let result = Db::connect(&config.database_url, 1).and_then(|db| {
        db.blocking_run(|conn| {
            write_transaction(conn, |conn| secrets_at_rest::rewrap(conn, &current, &new))
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

/// `portcullis migrate`.
fn migrate_command() -> i32 {
    let config = match config_or_exit_code() {
        Ok(config) => config,
        Err(code) => return code,
    };
    telemetry::init(&config);
    let kek = match secrets_at_rest::load_kek(&config) {
        Ok(kek) => kek,
        Err(error) => {
            eprintln!("portcullis: {error:#}");
            return 2;
        }
    };
    let result = Db::connect(&config.database_url, 1).and_then(|db| {
        db.blocking_run(|conn| {
            write_transaction(conn, |conn| secrets_at_rest::seal_at_start(conn, &kek))
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
