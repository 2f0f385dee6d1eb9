//! `portcullis-bench`: starts the release `portcullis` binary (from the same
//! target folder) on a fresh SQLite file, or on PostgreSQL with
//! `--postgres URL`, loads it over loopback from this process, and prints a
//! table: requests per second and p50/p99 latency per scenario, each as a ratio
//! to the unauthenticated baseline and to the ceiling (a bare actix-web server,
//! `src/bin/portcullis-bare.rs`, answering the same `/livez`), plus the
//! server's peak memory. Scenario (h) sends 1,000-recipient batches and
//! prints recipients per second, alone and then with (b) beside it.
//!
//! `cargo build --release -p portcullis-api -p portcullis-bench && target/release/portcullis-bench [--seconds N] [--connections N] [--postgres URL]`
//!
//! With `--against OTHER_PORTCULLIS [--rounds N]` it compares this build's
//! (a) and (b) with another build's instead, alternating them in one run
//! (see `compare.rs`); on PostgreSQL, `--postgres URL --against-postgres OTHER_URL`
//! gives each build its own database. With `--batches` too, it compares (h)
//! (recipients/s accepted, and accepted and delivered, and the p99 of (b)
//! beside it) instead of (a) and (b); with `--sends`, it compares (g); with
//! `--logins`, the login storm (e) and (b)'s p99 beside it.
//!
//! With `--through-proxy` it runs the scenarios through the production topology instead:
//! `scripts/stack up` with this build (a throw-away PostgreSQL, two replicas, Debian's
//! nginx running deploy/nginx/portcullis.conf), and `scripts/stack down` at the end.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use portcullis_shared::{
    dto::{
        CreatedOAuthClientDto, CreatedTokenDto, MeResponse, MessageDto, MessageStatus,
        OAuthTokenResponse, OutboxPage,
    },
    routes,
};
use serde_json::json;

mod compare;

/// The processes that serve a scenario: the one `portcullis` (or bare server) this bench
/// started, or with `--through-proxy` the stack's two replicas and its nginx.
struct Server {
    /// The process this bench started, killed when dropped.
    child: Option<Child>,
    /// Every process whose CPU time and memory count as the server's.
    pids: Vec<u32>,
    /// The PostgreSQL server it stores in, when that runs on this machine.
    database: Option<Database>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Server {
    fn started(child: Child, database_url: &str) -> Self {
        Self {
            pids: vec![child.id()],
            child: Some(child),
            database: Database::of(database_url),
        }
    }

    /// Resident memory now and at peak, in MiB, from /proc, summed over the processes.
    fn memory_mib(&self) -> (f64, f64) {
        let mut total = (0.0, 0.0);
        for pid in &self.pids {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let field = |name: &str| {
                status
                    .lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<f64>().ok())
                    .map_or(f64::NAN, |kb| kb / 1024.0)
            };
            total.0 += field("VmRSS:");
            total.1 += field("VmHWM:");
        }
        total
    }

    /// CPU time the processes have used so far (user + system), in seconds.
    fn cpu_seconds(&self) -> f64 {
        self.pids
            .iter()
            .map(|pid| process_cpu_seconds(*pid, false))
            .sum()
    }

    /// CPU time its PostgreSQL server has used so far, in seconds (NaN on SQLite).
    fn database_cpu_seconds(&self) -> f64 {
        self.database.map_or(f64::NAN, |db| db.cpu_seconds())
    }
}

/// The fields of `/proc/PID/stat` after the command name (which may hold
/// spaces): the state is the first, the parent's PID the second, utime the
/// 12th, stime the 13th, cutime and cstime (children waited for) the 14th
/// and 15th.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    Some(after_name.split_whitespace().map(str::to_owned).collect())
}

/// CPU time (user + system) process `pid` has used so far, in seconds; with
/// `with_children`, also that of its children that ended and were waited for.
fn process_cpu_seconds(pid: u32, with_children: bool) -> f64 {
    let Some(fields) = stat_fields(pid) else {
        return f64::NAN;
    };
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    // utime and stime; with the children's, cutime and cstime too.
    let counted: &[usize] = if with_children {
        &[11, 12, 13, 14]
    } else {
        &[11, 12]
    };
    let used: Option<f64> = counted.iter().map(|&i| ticks(i)).sum();
    used.map_or(f64::NAN, |ticks| ticks / clock_ticks_per_second())
}

/// A PostgreSQL server on this machine, by its postmaster: every backend, the
/// WAL writer and the checkpointer are its children, so their CPU time is
/// what the database spent on a scenario.
#[derive(Debug, Clone, Copy)]
struct Database {
    postmaster: u32,
}

impl Database {
    /// The server behind `url`, found by asking it for a backend's PID (whose
    /// parent is the postmaster); none for SQLite, or a server elsewhere.
    fn of(url: &str) -> Option<Self> {
        use diesel::{Connection, RunQueryDsl};
        if !url.starts_with("postgres") {
            return None;
        }
        let mut conn = diesel::PgConnection::establish(url).ok()?;
        let backend: i32 = diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
            "pg_backend_pid()",
        ))
        .get_result(&mut conn)
        .ok()?;
        let postmaster = stat_fields(u32::try_from(backend).ok()?)?
            .get(1)?
            .parse()
            .ok()?;
        Some(Self { postmaster })
    }

    /// CPU time (user + system) the postmaster and its children have used so
    /// far, in seconds: the children alive now, and those that ended (which
    /// the postmaster's own figures carry once it has waited for them).
    fn cpu_seconds(&self) -> f64 {
        let children: f64 = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                stat_fields(*pid)
                    .and_then(|fields| fields.get(1)?.parse::<u32>().ok())
                    .is_some_and(|parent| parent == self.postmaster)
            })
            .map(|pid| process_cpu_seconds(pid, false))
            .filter(|cpu| !cpu.is_nan())
            .sum();
        process_cpu_seconds(self.postmaster, true) + children
    }
}

/// The production topology (`scripts/stack up`: a throw-away PostgreSQL, two replicas of
/// this build, Debian's nginx in front), taken down when dropped.
struct Stack {
    /// The stack's state dir (`PORTCULLIS_STACK_DIR`), inside `_scratch`.
    state: std::path::PathBuf,
    _scratch: tempfile::TempDir,
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(stack_script())
            .arg("down")
            .env("PORTCULLIS_STACK_DIR", &self.state)
            .stdout(Stdio::null())
            .status();
    }
}

fn stack_script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/stack")
}

/// Starts the stack with this build's `portcullis`: the server to measure (both replicas
/// and nginx), nginx's URL and the stack's PostgreSQL URL.
fn start_stack() -> (Stack, Server, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("stack");
    let status = Command::new("bash")
        .arg(stack_script())
        .arg("up")
        .env("PORTCULLIS_BIN", own_server_binary())
        .env("PORTCULLIS_STACK_DIR", &state)
        // Enough points for every sending scenario.
        .env("PORTCULLIS_SIGNUP_POINTS", "100000000")
        .stdout(Stdio::null())
        .status()
        .expect("run scripts/stack up");
    assert!(status.success(), "scripts/stack up failed");
    let env = std::fs::read_to_string(state.join("stack.env")).expect("stack.env");
    let value = |name: &str| {
        env.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} missing from stack.env"))
            .to_owned()
    };
    let pids = [
        "PORTCULLIS_STACK_REPLICA_1_PID",
        "PORTCULLIS_STACK_REPLICA_2_PID",
        "PORTCULLIS_STACK_NGINX_PID",
    ]
    .map(|name| value(name).parse().expect("a PID"))
    .to_vec();
    let database_url = value("PORTCULLIS_STACK_DATABASE_URL");
    let server = Server {
        child: None,
        pids,
        database: Database::of(&database_url),
    };
    let stack = Stack {
        state,
        _scratch: dir,
    };
    let url = value("PORTCULLIS_STACK_URL");
    (stack, server, url, database_url)
}

/// The 1, 5 and 15-minute load averages, as `uptime` prints them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as f64
    } else {
        100.0
    }
}

struct Options {
    seconds: u64,
    connections: usize,
    postgres: Option<String>,
    /// The other build's PostgreSQL database in a comparison with `--postgres`.
    against_postgres: Option<String>,
    /// Another `portcullis` binary to compare (a) and (b) against, in one run.
    against: Option<std::path::PathBuf>,
    /// How many alternated rounds the comparison runs.
    rounds: usize,
    /// Compare (h) with (b) beside it instead of (a) and (b).
    batches: bool,
    /// Compare (g), single sends, instead of (a) and (b).
    sends: bool,
    /// Compare the login storm (e), and (b) beside it, instead of (a) and (b).
    logins: bool,
    /// Run the scenarios through nginx in front of two replicas on PostgreSQL (`scripts/stack`).
    through_proxy: bool,
}

fn options() -> Options {
    let mut options = Options {
        seconds: 10,
        connections: 32,
        postgres: None,
        against_postgres: None,
        against: None,
        rounds: 6,
        batches: false,
        sends: false,
        logins: false,
        through_proxy: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => options.seconds = value().parse().expect("--seconds N"),
            "--connections" => options.connections = value().parse().expect("--connections N"),
            "--postgres" => options.postgres = Some(value()),
            "--against" => options.against = Some(value().into()),
            "--against-postgres" => options.against_postgres = Some(value()),
            "--rounds" => options.rounds = value().parse().expect("--rounds N"),
            "--batches" => options.batches = true,
            "--sends" => options.sends = true,
            "--logins" => options.logins = true,
            "--through-proxy" => options.through_proxy = true,
            other => panic!("unknown argument {other}; see the doc comment in bench/src/main.rs"),
        }
    }
    options
}

/// The binary `name` beside this one, which `build` makes.
fn sibling_binary(name: &str, build: &str) -> std::path::PathBuf {
    let binary = std::env::current_exe().unwrap().with_file_name(name);
    assert!(binary.is_file(), "build {name} first: {build}");
    binary
}

/// The bare actix-web server beside this one (`src/bin/portcullis-bare.rs`).
fn bare_server_binary() -> std::path::PathBuf {
    sibling_binary(
        "portcullis-bare",
        "cargo build --release -p portcullis-bench",
    )
}

/// The `portcullis` binary beside this one.
fn own_server_binary() -> std::path::PathBuf {
    sibling_binary("portcullis", "cargo build --release -p portcullis-api")
}

fn start_server(binary: &std::path::Path, database_url: &str) -> (Server, String) {
    let mut child = Command::new(binary)
        .env("PORTCULLIS_BIND", "127.0.0.1:0")
        .env("PORTCULLIS_DATABASE_URL", database_url)
        .env("PORTCULLIS_STATIC_DIR", "/nonexistent")
        // The request log on, as in production (the default `info`: a line per
        // request), written to a file (unnamed, gone when the run ends).
        .env("PORTCULLIS_LOG", "info")
        .env("PORTCULLIS_SIGNUP_POINTS", "100000000")
        // The sign-up link is read from the development outbox.
        .env("PORTCULLIS_DEV_OUTBOX", "true")
        .stdout(Stdio::piped())
        .stderr(tempfile::tempfile().expect("a file for the server's log"))
        .spawn()
        .expect("start portcullis");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    (Server::started(child, database_url), url)
}

/// The token of the sign-up link mailed to `email`, from the development outbox.
async fn wait_for_signup_link(client: &reqwest::Client, outbox: &str, email: &str) -> String {
    for _ in 0..200 {
        let page: OutboxPage = client
            .get(outbox)
            .query(&[("recipient", email)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(mail) = page
            .messages
            .iter()
            .find(|m| m.purpose == "signup_confirmation")
        {
            let start = mail.body.find("token=").expect("a link") + "token=".len();
            return mail.body[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no sign-up link was mailed to {email}");
}

/// One scenario's results.
struct Figures {
    name: &'static str,
    requests: usize,
    errors: usize,
    seconds: f64,
    latencies_us: Vec<u64>,
    /// Server's resident and peak memory right after the scenario, MiB.
    rss_after: (f64, f64),
    /// Server CPU seconds used during the scenario.
    server_cpu: f64,
    /// Its PostgreSQL server's CPU seconds during the scenario (NaN on SQLite).
    database_cpu: f64,
}

impl Figures {
    fn with_rss(mut self, (rss, hwm): (f64, f64)) -> Self {
        self.rss_after = (rss, hwm);
        self
    }

    /// Server CPU time per answered request, microseconds: what the request
    /// costs, whatever else the machine was doing.
    fn cpu_us_per_request(&self) -> f64 {
        self.server_cpu * 1e6 / self.requests.max(1) as f64
    }

    /// PostgreSQL's CPU time per answered request, microseconds (NaN on SQLite).
    fn database_cpu_us_per_request(&self) -> f64 {
        self.database_cpu * 1e6 / self.requests.max(1) as f64
    }

    fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let index = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[index] as f64 / 1000.0
    }
}

/// What every scenario uses: an account and its portal session, a token with
/// a 5-entry allowlist, a message to read, an OAuth client and a token of it.
struct Fixture {
    portal: reqwest::Client,
    me: MeResponse,
    device_cookie: String,
    login: serde_json::Value,
    token: CreatedTokenDto,
    message: MessageDto,
    oauth: CreatedOAuthClientDto,
    issued: OAuthTokenResponse,
}

/// Signs up on the server at `base` and makes the [`Fixture`].
async fn arrange(base: &str) -> Fixture {
    let url = |path: &str| format!("{base}{path}");
    let portal = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let email = format!("bench{}@example.com", std::process::id());
    let password = "Violet-Kettle-42";
    let csrf = routes::CSRF_HEADER;
    let signup = json!({"email": email, "password": password, "country": "PL"});
    let requested = portal
        .post(url(routes::SIGNUP))
        .header(csrf, "1")
        .json(&signup)
        .send()
        .await
        .unwrap();
    assert_eq!(requested.status(), reqwest::StatusCode::ACCEPTED);
    // The account exists once the e-mailed link is followed; the link is read
    // from the development outbox (mail goes out after the answer).
    let link_token = wait_for_signup_link(&portal, &url(routes::DEV_OUTBOX), &email).await;
    let signed_up = portal
        .post(url(routes::SIGNUP_CONFIRM))
        .header(csrf, "1")
        .json(&json!({ "token": link_token }))
        .send()
        .await
        .unwrap();
    assert!(signed_up.status().is_success());
    // The browser that confirmed the sign-up is trusted; the login storm
    // presents its device cookie so that it measures sign-ins, not new-device checks.
    let device_cookie = signed_up
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(routes::DEVICE_COOKIE))
        .and_then(|v| v.split(';').next())
        .expect("confirming the sign-up sets the device cookie")
        .to_owned();
    let me: MeResponse = signed_up.json().await.unwrap();
    let login = json!({"email": email, "password": password});
    let token_body = json!({"name": "bench", "scopes": ["sms", "profile"], "ip_allowlist": ["10.0.0.0/8", "192.0.2.0/24", "198.51.100.7", "2001:db8::/32", "127.0.0.1"]});
    let token: CreatedTokenDto = portal
        .post(url(routes::TOKENS))
        .header(csrf, &me.session.csrf_token)
        .json(&token_body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let message = queue_message(&portal, base, &token.secret, "benchmark").await;
    let client_body = json!({"name": "bench", "scopes": ["profile"]});
    let oauth: CreatedOAuthClientDto = portal
        .post(url(routes::OAUTH_CLIENTS))
        .header(csrf, &me.session.csrf_token)
        .json(&client_body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let issued: OAuthTokenResponse = portal
        .post(url(routes::OAUTH_TOKEN))
        .basic_auth(&oauth.client.id, Some(&oauth.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    Fixture {
        portal,
        me,
        device_cookie,
        login,
        token,
        message,
        oauth,
        issued,
    }
}

type MakeRequest = Arc<dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync>;

/// Scenario (h)'s request: one text to the same 1,000 recipients, with the
/// token `secret`, on the server at `base`.
fn bulk_request(base: &str, secret: &str) -> MakeRequest {
    let numbers: Vec<String> = (0..1000)
        .map(|i| format!("+48500{:06}", 100_000 + i))
        .collect();
    let body = serde_json::to_vec(&json!({"to": numbers, "text": "bulk benchmark"})).unwrap();
    let url = format!("{base}{}", routes::SMS_BATCHES);
    let secret = secret.to_owned();
    Arc::new(move |c| {
        c.post(&url)
            .bearer_auth(&secret)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone())
    })
}

/// Sends `text` to the bench's number with the token `secret`: the queued message.
async fn queue_message(
    client: &reqwest::Client,
    base: &str,
    secret: &str,
    text: &str,
) -> MessageDto {
    client
        .post(format!("{base}{}", routes::SMS))
        .bearer_auth(secret)
        .json(&json!({"to": "+48500100200", "text": text}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits until the dispatcher has handed everything queued so far to the
/// transport, so that a send scenario measures its own sends and not the
/// delivery of an earlier scenario's backlog: queues one more message and
/// waits for it to be sent (the dispatcher claims the oldest first).
/// Returns how long that took.
async fn drained(client: &reqwest::Client, base: &str, secret: &str) -> Duration {
    let started = Instant::now();
    let probe = queue_message(client, base, secret, "benchmark: drained?").await;
    let url = format!("{base}{}", routes::SMS_MESSAGE.replace("{id}", &probe.id));
    while started.elapsed() < Duration::from_secs(600) {
        let message: MessageDto = client
            .get(&url)
            .bearer_auth(secret)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if message.status != MessageStatus::Queued {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the dispatcher did not drain its queue in 10 minutes");
}

/// Scenario (g)'s request: one text with a distinct idempotency key each
/// time, with the token `secret`, on the server at `base`.
fn send_request(base: &str, secret: &str) -> MakeRequest {
    let url = format!("{base}{}", routes::SMS);
    let secret = secret.to_owned();
    let keys = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let run_id = std::process::id();
    Arc::new(move |c| {
        let key = keys.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        c.post(&url)
            .bearer_auth(&secret)
            .header(
                routes::IDEMPOTENCY_KEY_HEADER,
                format!("bench-{run_id}-{key}"),
            )
            .json(&json!({"to": "+48500100200", "text": "benchmark"}))
    })
}

pub(crate) async fn run(
    server: &Server,
    name: &'static str,
    connections: usize,
    duration: Duration,
    make: MakeRequest,
) -> Figures {
    // The clients first, outside the measured time: building one loads the
    // system's CA certificates (native-tls), tens of milliseconds of CPU each.
    // Built inside the window, they took CPU from the server at the start of
    // every scenario: the login storm (e) measured 0.61 of the raw Argon2id
    // rate with them and 0.86 without, in consecutive SQLite runs.
    let clients: Vec<reqwest::Client> = (0..connections)
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap()
        })
        .collect();
    // Where each scenario starts, on stderr, for a profiler sampling the server
    // (`perf record -p PID` once a given scenario's line appears).
    eprintln!(
        "bench: {name}: {} s, {connections} connections, server pids {:?}",
        duration.as_secs(),
        server.pids
    );
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let (cpu_before, database_cpu_before) = (server.cpu_seconds(), server.database_cpu_seconds());
    let mut workers = Vec::new();
    for client in clients {
        let make = make.clone();
        workers.push(tokio::spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), 0usize);
            while Instant::now() < deadline {
                let sent = Instant::now();
                match make(&client).send().await {
                    Ok(response) if response.status().is_success() => {
                        let _ = response.bytes().await;
                        latencies.push(sent.elapsed().as_micros() as u64);
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut figures = Figures {
        name,
        requests: 0,
        errors: 0,
        seconds: 0.0,
        latencies_us: Vec::new(),
        rss_after: (f64::NAN, f64::NAN),
        server_cpu: f64::NAN,
        database_cpu: f64::NAN,
    };
    for worker in workers {
        let (latencies, errors) = worker.await.unwrap();
        figures.requests += latencies.len();
        figures.errors += errors;
        figures.latencies_us.extend(latencies);
    }
    figures.seconds = started.elapsed().as_secs_f64();
    figures.server_cpu = server.cpu_seconds() - cpu_before;
    figures.database_cpu = server.database_cpu_seconds() - database_cpu_before;
    figures.latencies_us.sort_unstable();
    figures
}

#[tokio::main]
async fn main() {
    let options = options();
    let scratch = tempfile::tempdir().unwrap();
    let database_url = options
        .postgres
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", scratch.path().join("bench.db").display()));
    let load_before = load_average();
    if let Some(other) = &options.against {
        compare::run_comparison(&options, other, &database_url).await;
        return;
    }
    let (stack, (server, base)) = if options.through_proxy {
        assert!(
            options.postgres.is_none(),
            "--through-proxy runs on the stack's own PostgreSQL: leave out --postgres"
        );
        let (stack, server, url, _) = start_stack();
        (Some(stack), (server, url))
    } else {
        (None, start_server(&own_server_binary(), &database_url))
    };
    let (bare, bare_base) = start_server(&bare_server_binary(), &database_url);
    let (idle_rss, _) = server.memory_mib();
    let url = |path: &str| format!("{base}{path}");

    let fixture = arrange(&base).await;
    let Fixture {
        portal,
        me,
        device_cookie,
        login,
        token,
        message,
        oauth,
        issued,
    } = fixture;
    let csrf = routes::CSRF_HEADER;

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The ceiling for (e): the same Argon2id parameters, one thread per core,
    // in this process while the server idles.
    let raw_hash_rate = tokio::task::spawn_blocking(move || {
        portcullis_api::services::passwords::hasher::raw_hash_rate(cores, Duration::from_secs(5))
    })
    .await
    .unwrap();

    let duration = Duration::from_secs(options.seconds);
    let n = options.connections;
    let mut results = Vec::new();
    // The ceiling: the same answer from actix-web with nothing around it.
    let bare_livez = format!("{bare_base}{}", routes::LIVEZ);
    let ceiling = run(
        &bare,
        "bare actix-web GET /livez (the ceiling)",
        n,
        duration,
        Arc::new(move |c| c.get(&bare_livez)),
    )
    .await
    .with_rss(bare.memory_mib());
    drop(bare);
    let livez = url(routes::LIVEZ);
    results.push(
        run(
            &server,
            "(a) GET /livez (no auth, no storage)",
            n,
            duration,
            Arc::new(move |c| c.get(&livez)),
        )
        .await
        .with_rss(server.memory_mib()),
    );
    let sms_url = url(&routes::SMS_MESSAGE.replace("{id}", &message.id));
    let secret = token.secret.clone();
    let sms_request: MakeRequest = Arc::new(move |c| c.get(&sms_url).bearer_auth(&secret));
    results.push(
        run(
            &server,
            "(b) GET /api/v1/sms/{id} (token, 5-entry allowlist)",
            n,
            duration,
            sms_request.clone(),
        )
        .await
        .with_rss(server.memory_mib()),
    );
    let token_url = url(routes::OAUTH_TOKEN);
    let (id, client_secret) = (oauth.client.id.clone(), oauth.client_secret.clone());
    results.push(
        run(
            &server,
            "(c) POST /oauth/token (client_credentials)",
            n,
            duration,
            Arc::new(move |c| {
                c.post(&token_url)
                    .basic_auth(&id, Some(&client_secret))
                    .form(&[("grant_type", "client_credentials")])
            }),
        )
        .await
        .with_rss(server.memory_mib()),
    );
    let introspect_url = url(routes::OAUTH_INTROSPECT);
    let (id, client_secret, access) = (
        oauth.client.id.clone(),
        oauth.client_secret.clone(),
        issued.access_token.clone(),
    );
    results.push(
        run(
            &server,
            "(d) POST /oauth/introspect",
            n,
            duration,
            Arc::new(move |c| {
                c.post(&introspect_url)
                    .basic_auth(&id, Some(&client_secret))
                    .form(&[("token", access.as_str())])
            }),
        )
        .await
        .with_rss(server.memory_mib()),
    );
    let login_url = url(routes::LOGIN);
    let login_request: MakeRequest = Arc::new(move |c| {
        c.post(&login_url)
            .header(csrf, "1")
            .header(reqwest::header::COOKIE, &device_cookie)
            .json(&login)
    });
    results.push(
        run(
            &server,
            "(e) POST /api/v1/auth/login (Argon2id)",
            n,
            duration,
            login_request.clone(),
        )
        .await
        .with_rss(server.memory_mib()),
    );
    // (b) at a quarter of the connections while a login storm runs on all of them.
    let (storm, during) = tokio::join!(
        run(
            &server,
            "(e) during (f): the login storm",
            n,
            duration,
            login_request.clone()
        ),
        run(
            &server,
            "(f) (b) during a login storm (e)",
            (n / 4).max(1),
            duration,
            sms_request.clone(),
        )
    );
    let sms_request_g = sms_request;
    let login_request_g = login_request;
    let rss = server.memory_mib();
    // Both ran in the same window: the CPU figure is the storm's, shared.
    let mut during = during;
    during.server_cpu = f64::NAN;
    during.database_cpu = f64::NAN;
    results.push(during.with_rss(rss));
    results.push(storm.with_rss(rss));

    // (g) sends: a bearer token, the country filter on, points charged, a
    // distinct Idempotency-Key per request; the balance must then fall by
    // exactly the points of the messages stored.
    let profile_url = url(routes::PROFILE);
    let balance = |secret: String| {
        let (portal, profile_url) = (portal.clone(), profile_url.clone());
        async move {
            let account: portcullis_shared::dto::ProfileDto = portal
                .get(&profile_url)
                .bearer_auth(secret)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            account.points_balance
        }
    };
    let drained_before_g = drained(&portal, &base, &token.secret).await;
    let balance_before = balance(token.secret.clone()).await;
    let send_with_key = send_request(&base, &token.secret);
    let send_index = results.len();
    results.push(
        run(
            &server,
            "(g) POST /api/v1/sms (send: idempotency key, country filter, points)",
            n,
            duration,
            send_with_key,
        )
        .await
        .with_rss(server.memory_mib()),
    );
    let charged = balance_before - balance(token.secret.clone()).await;
    let expected_charge = results[send_index].requests as i64 * message.points;

    // (i) sends, sign-ins and an authenticated read, one connection each,
    // while 10,000-row CSV imports run back to back (each takes the write
    // lock only per 500-row chunk and for a short final step).
    let import_token: CreatedTokenDto = portal
        .post(url(routes::TOKENS))
        .header(csrf, &me.session.csrf_token)
        .json(&json!({"name": "bench import", "scopes": ["contacts"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let import_url = url(routes::CONTACTS_IMPORT);
    let import_deadline = Instant::now() + duration;
    let importer = tokio::spawn(async move {
        let client = reqwest::Client::new();
        let mut took = Vec::new();
        for batch in 0u64.. {
            if Instant::now() >= import_deadline || batch >= 100 {
                break;
            }
            let mut csv = String::from("phone,first_name,last_name\n");
            for i in 0..10_000u64 {
                csv.push_str(&format!("+485{batch:02}{i:06},Bench,Contact {i}\n"));
            }
            let started = Instant::now();
            let response = client
                .post(&import_url)
                .bearer_auth(&import_token.secret)
                .header(reqwest::header::CONTENT_TYPE, "text/csv")
                .body(csv)
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_success(),
                "import: {}",
                response.status()
            );
            took.push(started.elapsed());
        }
        took
    });
    let send_url = url(routes::SMS);
    let secret = token.secret.clone();
    let send_request: MakeRequest = Arc::new(move |c| {
        c.post(&send_url)
            .bearer_auth(&secret)
            .json(&json!({"to": "+48500100200", "text": "benchmark"}))
    });
    let (sends, reads, sign_ins) = tokio::join!(
        run(
            &server,
            "(i) POST /api/v1/sms during 10,000-row imports",
            1,
            duration,
            send_request
        ),
        run(
            &server,
            "(i) (b) during 10,000-row imports",
            1,
            duration,
            sms_request_g
        ),
        run(
            &server,
            "(i) (e) during 10,000-row imports",
            1,
            duration,
            login_request_g
        ),
    );
    let imports = importer.await.unwrap();
    let rss = server.memory_mib();
    for mut figures in [sends, reads, sign_ins] {
        figures.server_cpu = f64::NAN;
        figures.database_cpu = f64::NAN;
        results.push(figures.with_rss(rss));
    }

    // (h) bulk sends of 1,000 recipients each: alone first (their rate, as
    // (e)'s is taken alone), then with (b) beside them ((b)'s p99, as (f)'s
    // beside (e)); each once the dispatcher has delivered what came before.
    let drained_before_h = drained(&portal, &base, &token.secret).await;
    let bulk_index = results.len();
    let bulk_request = bulk_request(&base, &token.secret);
    let bulk = run(
        &server,
        "(h) POST /api/v1/sms/batches (1,000 recipients each)",
        (n / 4).max(2),
        duration,
        bulk_request.clone(),
    )
    .await;
    let rss = server.memory_mib();
    results.push(bulk.with_rss(rss));
    // The recipients (h) queued, handed to the transport: accepted and delivered.
    let drained_after_h = drained(&portal, &base, &token.secret).await;
    let bulk = &results[bulk_index];
    let delivered_per_second =
        bulk.requests as f64 * 1000.0 / (bulk.seconds + drained_after_h.as_secs_f64());
    let sms_url = url(&routes::SMS_MESSAGE.replace("{id}", &message.id));
    let secret = token.secret.clone();
    let read_request: MakeRequest = Arc::new(move |c| c.get(&sms_url).bearer_auth(&secret));
    let (reads, bulk_beside) = tokio::join!(
        run(
            &server,
            "(h) (b) during bulk sends",
            (n / 4).max(1),
            duration,
            read_request
        ),
        run(
            &server,
            "(h) during (b): the bulk sends",
            (n / 4).max(2),
            duration,
            bulk_request
        ),
    );
    let rss = server.memory_mib();
    // Both ran in the same window: the CPU figure is the bulk sends', shared.
    let mut reads = reads;
    reads.server_cpu = f64::NAN;
    reads.database_cpu = f64::NAN;
    results.push(reads.with_rss(rss));
    results.push(bulk_beside.with_rss(rss));
    let (_, peak_rss) = server.memory_mib();

    let baseline = results[0].rps();
    let on_postgres = options.postgres.is_some() || stack.is_some();
    println!(
        "\nPortcullis benchmark — {} backend{}, {n} connections, {}s per scenario, {cores} cores, request log on (a line per request)\n",
        if on_postgres { "PostgreSQL" } else { "SQLite" },
        if stack.is_some() {
            " through nginx to two replicas (scripts/stack; server CPU and memory are both replicas' and nginx's; the ceiling is the bare server reached directly)"
        } else {
            ""
        },
        options.seconds,
    );
    let bare_rps = ceiling.rps();
    // On PostgreSQL, the database's CPU per request beside the server's.
    let database_column = server.database.is_some();
    let (database_header, database_rule) = if database_column {
        (" PostgreSQL CPU µs/req |", "---:|")
    } else {
        ("", "")
    };
    println!("| scenario | req/s | p50 ms | p99 ms | ratio to (a) | × bare | errors | server CPU µs/req |{database_header} server RSS / peak after, MiB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|{database_rule}---:|");
    let per_request = |cpu: f64| {
        if cpu.is_nan() {
            "(in the row below)".to_owned()
        } else {
            format!("{cpu:.0}")
        }
    };
    for figures in std::iter::once(&ceiling).chain(&results) {
        // The bare server stores nothing: its database figure is left out.
        let database = match (database_column, std::ptr::eq(figures, &ceiling)) {
            (false, _) => String::new(),
            (true, true) => " – |".to_owned(),
            (true, false) => format!(" {} |", per_request(figures.database_cpu_us_per_request())),
        };
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.3} | {:.3} | {} | {} |{database} {:.1} / {:.1} |",
            figures.name,
            figures.rps(),
            figures.percentile_ms(0.50),
            figures.percentile_ms(0.99),
            figures.rps() / baseline,
            figures.rps() / bare_rps,
            figures.errors,
            per_request(figures.cpu_us_per_request()),
            figures.rss_after.0,
            figures.rss_after.1
        );
    }
    println!(
        "\nserver memory: {idle_rss:.1} MiB idle after start, {peak_rss:.1} MiB peak under load"
    );
    println!(
        "machine load average (1, 5, 15 min) before: {load_before}; after: {}",
        load_average()
    );
    let login_rate = results[4].rps();
    println!(
        "raw Argon2id (m=19456 KiB, t=2, p=1) on {cores} threads in the bench process: {raw_hash_rate:.1} hashes/s; (e) is {:.2} of it",
        login_rate / raw_hash_rate
    );

    let verdict = |met: bool| if met { "met" } else { "UNMET" };
    let during = &results[5];
    println!("\ntargets:");
    // The benchmark's own target from before the ceiling was measured, set on
    // SQLite; on PostgreSQL the is (b) against bare actix-web (below).
    println!(
        "- (b) >= 0.7 of (a){}: {:.3} — {}",
        if on_postgres {
            " (the target is SQLite's; shown for comparison)"
        } else {
            ""
        },
        results[1].rps() / baseline,
        verdict(results[1].rps() / baseline >= 0.7)
    );
    // This process's own client shares the cores with the servers, which
    // caps every throughput alike; the server CPU per request is the cost
    // that does not depend on the load generator, so both are printed.
    let bare_cpu = ceiling.cpu_us_per_request();
    println!(
        "- (a) >= 0.85 of bare actix-web: {:.3} — {} (server CPU per request: bare's is {:.2} of it; this client saturates before either server, so the issue's figure for (a) is wrk's: bench/pipeline/wrk-livez)",
        baseline / bare_rps,
        verdict(baseline / bare_rps >= 0.85),
        bare_cpu / results[0].cpu_us_per_request()
    );
    let read_target = if on_postgres { 0.3 } else { 0.5 };
    println!(
        "- (b) >= {read_target} of bare actix-web: {:.3} — {} (server CPU per request: bare's is {:.2} of it)",
        results[1].rps() / bare_rps,
        verdict(results[1].rps() / bare_rps >= read_target),
        bare_cpu / results[1].cpu_us_per_request()
    );
    println!(
        "- (c) >= 5,000/s: {:.0} — {}",
        results[2].rps(),
        verdict(results[2].rps() >= 5000.0)
    );
    println!(
        "- (e) >= 0.8 of the raw Argon2id rate: {:.2} — {}",
        login_rate / raw_hash_rate,
        verdict(login_rate / raw_hash_rate >= 0.8)
    );
    println!(
        "- (b)'s p99 < 20 ms during a login storm: {:.2} ms — {}",
        during.percentile_ms(0.99),
        verdict(during.percentile_ms(0.99) < 20.0)
    );
    let send = &results[send_index];
    let (send_target, send_name) = if on_postgres {
        (0.05, "PostgreSQL")
    } else {
        (0.15, "SQLite")
    };
    println!(
        "- (g) >= {send_target} of bare actix-web on {send_name}: {:.3} — {} (server CPU per request: bare's is {:.2} of it)",
        send.rps() / bare_rps,
        verdict(send.rps() / bare_rps >= send_target),
        bare_cpu / send.cpu_us_per_request()
    );
    println!(
        "- (g)'s p99 < 25 ms: {:.2} ms — {}",
        send.percentile_ms(0.99),
        verdict(send.percentile_ms(0.99) < 25.0)
    );
    println!(
        "- (g)'s balance fell by exactly the points of the messages stored: {charged} charged for {} messages of {} points — {}",
        send.requests,
        message.points,
        verdict(charged == expected_charge && send.errors == 0)
    );
    for figures in &results[send_index + 1..send_index + 4] {
        println!(
            "- {}: p99 < 100 ms: {:.2} ms — {}",
            figures.name,
            figures.percentile_ms(0.99),
            verdict(figures.percentile_ms(0.99) < 100.0)
        );
    }
    println!(
        "  ({} imports of 10,000 rows, {} ms each on average)",
        imports.len(),
        imports.iter().map(Duration::as_millis).sum::<u128>() / imports.len().max(1) as u128
    );
    let recipients_per_second = results[bulk_index].rps() * 1000.0;
    println!(
        "- (h) >= 50,000 recipients/s{}: {recipients_per_second:.0} recipients/s ({} errors) — {}",
        if on_postgres {
            " (the target is SQLite's; shown for comparison)"
        } else {
            ""
        },
        results[bulk_index].errors,
        verdict(recipients_per_second >= 50_000.0 && results[bulk_index].errors == 0)
    );
    println!(
        "  (the dispatcher delivered (h)'s last recipients {:.1} s after the scenario ended: {delivered_per_second:.0} recipients/s accepted and delivered; \
         the backlog of (g) and (i) took {:.1} s to deliver before (h) started, and {:.1} s before (g))",
        drained_after_h.as_secs_f64(),
        drained_before_h.as_secs_f64(),
        drained_before_g.as_secs_f64(),
    );
    println!(
        "- (b)'s p99 < 20 ms during (h): {:.2} ms — {}",
        results[bulk_index + 1].percentile_ms(0.99),
        verdict(results[bulk_index + 1].percentile_ms(0.99) < 20.0)
    );
    println!(
        "  ((h) with (b) beside it on {} more connections: {:.0} recipients/s)",
        (n / 4).max(1),
        results[bulk_index + 2].rps() * 1000.0
    );
    println!(
        "- idle memory < 40 MB: {:.1} MB — {}",
        idle_rss * 1.048_576,
        verdict(idle_rss * 1.048_576 < 40.0)
    );
    println!(
        "- peak memory < 100 MB: {:.1} MB — {}",
        peak_rss * 1.048_576,
        verdict(peak_rss * 1.048_576 < 100.0)
    );
}
