//! The operator's command line: `portcullis admin …` and `portcullis audit …`
//! (`portcullis keys …` and `migrate` are in main.rs), run with the server's configuration (the same
//! `PORTCULLIS_*` environment). Each command prints what it did; exit codes:
//! 0 done, 1 refused or failed (the reason on stderr), 2 bad usage.

use clap::{Args, Parser, Subcommand};

use crate::{
    config::Config,
    db::DbConnection,
    services::{audit::chain, operator, Db},
};

/// The commands this module runs, by their first word.
pub const COMMANDS: [&str; 2] = ["admin", "audit"];

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
    match db.blocking_run(|conn| execute(conn, cli.command)) {
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
