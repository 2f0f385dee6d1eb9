//! A throw-away PostgreSQL server for the test run, started from the machine's
//! own binaries (initdb, pg_ctl) once per test process and removed at exit.
//! Set PORTCULLIS_TEST_POSTGRES_URL to an admin URL to use an existing server.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    sync::OnceLock,
};

use diesel::{Connection, PgConnection, RunQueryDsl};
use portcullis_api::db::{run_migrations, DbConnection};

const TEMPLATE_DB: &str = "portcullis_template";

pub struct PgServer {
    /// URL of the server's `postgres` database, for CREATE DATABASE.
    base_url: String,
}

struct RunningServer {
    bin_dir: PathBuf,
    root: PathBuf,
    as_postgres_user: bool,
}

static SERVER: OnceLock<PgServer> = OnceLock::new();
static RUNNING: OnceLock<RunningServer> = OnceLock::new();

/// The shared server, started on first use.
pub fn server() -> &'static PgServer {
    SERVER.get_or_init(|| {
        let base_url = match std::env::var("PORTCULLIS_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => start_local_server(),
        };
        create_template(&base_url);
        PgServer { base_url }
    })
}

impl PgServer {
    /// A fresh, migrated database for one test (a copy of the template).
    pub fn fresh_database(&self) -> String {
        let name = format!("test_{}", uuid::Uuid::now_v7().simple());
        let mut admin =
            PgConnection::establish(&self.base_url).expect("connect to the test PostgreSQL");
        let mut attempts = 0;
        loop {
            match diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}"))
                .execute(&mut admin)
            {
                Ok(_) => break,
                // Two copies of one template at the same instant can collide; retry.
                Err(error) if attempts < 20 => {
                    attempts += 1;
                    eprintln!("retrying CREATE DATABASE: {error}");
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(error) => panic!("CREATE DATABASE failed: {error}"),
            }
        }
        with_database(&self.base_url, &name)
    }
}

/// Swaps the database name at the end of a PostgreSQL URL.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(prefix, _)| prefix);
    match query {
        Some(q) => format!("{prefix}/{database}?{q}"),
        None => format!("{prefix}/{database}"),
    }
}

fn create_template(base_url: &str) {
    let mut admin = PgConnection::establish(base_url).expect("connect to the test PostgreSQL");
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {TEMPLATE_DB}"))
        .execute(&mut admin)
        .expect("drop old template");
    diesel::sql_query(format!("CREATE DATABASE {TEMPLATE_DB}"))
        .execute(&mut admin)
        .expect("create template database");
    let mut conn = DbConnection::Postgres(
        PgConnection::establish(&with_database(base_url, TEMPLATE_DB))
            .expect("connect to template"),
    );
    run_migrations(&mut conn).expect("migrate the template database");
}

fn find_bin_dir() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file());
    if let Some(dir) = on_path {
        return dir;
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. \
             Install them with `apt-get install -y postgresql` (Debian/Ubuntu), or set PORTCULLIS_TEST_POSTGRES_URL \
             to an existing server's admin URL."
        )
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free port")
}

fn run(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `program args…`, as the `postgres` user when we are root (initdb refuses root).
/// `initdb` of a cluster at `data` whose superuser is `postgres`, trusted locally.
fn init_cluster(bin_dir: &Path, data: &Path, as_postgres_user: bool) {
    run(
        pg_command(bin_dir, "initdb", as_postgres_user)
            .arg("-D")
            .arg(data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ]),
        "initdb",
    );
}

fn pg_command(bin_dir: &Path, program: &str, as_postgres_user: bool) -> Command {
    let path = bin_dir.join(program);
    if as_postgres_user {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(path);
        command
    } else {
        Command::new(path)
    }
}

fn postgres_user_ids() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let output = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .expect("run id");
        assert!(
            output.status.success(),
            "running as root, the tests start PostgreSQL as the `postgres` user, which does not exist: \
             `apt-get install -y postgresql` creates it"
        );
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .expect("numeric id")
    };
    (id("-u"), id("-g"))
}

/// A kept temp dir named `prefix…` for a cluster, handed to the `postgres`
/// user when the tests run as root (whether they do is the second value).
fn cluster_root(prefix: &str) -> (PathBuf, bool) {
    // SAFETY: geteuid has no preconditions.
    let as_postgres_user = unsafe { libc::geteuid() } == 0;
    let root = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("temp dir")
        .keep();
    if as_postgres_user {
        let (uid, gid) = postgres_user_ids();
        std::os::unix::fs::chown(&root, Some(uid), Some(gid))
            .expect("hand the temp dir to postgres");
    }
    (root, as_postgres_user)
}

fn start_local_server() -> String {
    let bin_dir = find_bin_dir();
    let (root, as_postgres_user) = cluster_root("portcullis-pg-");
    let data = root.join("data");
    let port = free_port();
    RUNNING
        .set(RunningServer {
            bin_dir: bin_dir.clone(),
            root: root.clone(),
            as_postgres_user,
        })
        .ok()
        .expect("PostgreSQL started twice");
    // SAFETY: registering a plain extern "C" fn; it runs at process exit.
    unsafe { libc::atexit(stop_local_server) };

    init_cluster(&bin_dir, &data, as_postgres_user);
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=500",
        root.display()
    );
    run(
        pg_command(&bin_dir, "pg_ctl", as_postgres_user)
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(root.join("server.log"))
            .args(["-o", &options, "-w", "-t", "60", "start"]),
        "pg_ctl start",
    );
    format!("postgres://postgres@127.0.0.1:{port}/postgres")
}

extern "C" fn stop_local_server() {
    if let Some(server) = RUNNING.get() {
        let _ = pg_command(&server.bin_dir, "pg_ctl", server.as_postgres_user)
            .arg("-D")
            .arg(server.root.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&server.root);
    }
}

#[test]
fn database_urls_are_rewritten_to_the_test_database() {
    assert_eq!(
        with_database("postgres://u@h:1/postgres", "t1"),
        "postgres://u@h:1/t1"
    );
    assert_eq!(
        with_database("postgres://u@h:1/postgres?sslmode=disable", "t1"),
        "postgres://u@h:1/t1?sslmode=disable"
    );
}

/// A PostgreSQL server of one test's own, which the test may stop and start
/// again (the shared server must stay up for the others). Removed on drop.
pub struct OwnCluster {
    bin_dir: PathBuf,
    root: PathBuf,
    port: u16,
    as_postgres_user: bool,
}

impl OwnCluster {
    /// Creates and starts a cluster in a temp dir on a free port.
    pub fn start_new() -> Self {
        let bin_dir = find_bin_dir();
        let (root, as_postgres_user) = cluster_root("portcullis-pg-own-");
        let cluster = Self {
            bin_dir,
            root,
            port: free_port(),
            as_postgres_user,
        };
        init_cluster(
            &cluster.bin_dir,
            &cluster.root.join("data"),
            as_postgres_user,
        );
        cluster.start();
        cluster
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server (again), on the same port, and waits until it accepts connections.
    pub fn start(&self) {
        // Unlike the shared server, commits are synchronous: an immediate stop
        // must not lose what was acknowledged. (fsync stays off: the OS survives.)
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c full_page_writes=off",
            self.port,
            self.root.display()
        );
        run(
            pg_command(&self.bin_dir, "pg_ctl", self.as_postgres_user)
                .arg("-D")
                .arg(self.root.join("data"))
                .arg("-l")
                .arg(self.root.join("server.log"))
                .args(["-o", &options, "-w", "-t", "60", "start"]),
            "pg_ctl start",
        );
    }

    /// Stops the server at once, cutting its connections (as a crash or an
    /// operator's `pg_ctl stop -m immediate` would).
    pub fn stop(&self) {
        run(
            pg_command(&self.bin_dir, "pg_ctl", self.as_postgres_user)
                .arg("-D")
                .arg(self.root.join("data"))
                .args(["-m", "immediate", "-w", "stop"]),
            "pg_ctl stop",
        );
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = pg_command(&self.bin_dir, "pg_ctl", self.as_postgres_user)
            .arg("-D")
            .arg(self.root.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
