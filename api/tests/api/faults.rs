//! Faults: storage going away under a running server, a full disk, and the
//! server killed in the middle of a burst. Requests get a quick 503
//! problem+json (never a hang or a panic), service resumes by itself, and
//! nothing acknowledged is lost or done twice.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use diesel::prelude::*;
use portcullis_api::{
    config::DatabaseUrl,
    db::{
        schema::{accounts, api_tokens, idempotency_keys, messages, outbox_messages},
        ConnectionOpener, DbConnection,
    },
};
use portcullis_shared::{
    dto::{CreatedTokenDto, ImportResultDto, MeResponse, MessageDto, UpdateTokenRequest},
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::StatusCode;

use crate::{
    harness::{expect_problem, sms_request, token_request, Backend, TestApp},
    postgres::OwnCluster,
};

/// Longest a request may take while storage is down: the pool's connection
/// timeout (3 s) and some slack, far from a hang.
const PROMPT: Duration = Duration::from_secs(10);

async fn token(app: &TestApp, me: &MeResponse, scopes: &[Scope]) -> String {
    app.create_token(me, &token_request("faults", scopes))
        .await
        .secret
}

/// Asserts a prompt 503 `unavailable` problem from `request`.
async fn expect_unavailable(
    what: &str,
    request: impl std::future::Future<Output = reqwest::Response>,
) {
    let started = Instant::now();
    let response = tokio::time::timeout(PROMPT, request)
        .await
        .unwrap_or_else(|_| panic!("{what} hung with storage down"));
    assert!(
        started.elapsed() < PROMPT,
        "{what} took {:?}",
        started.elapsed()
    );
    expect_problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        ProblemCode::Unavailable,
    )
    .await;
}

/// Polls `probe` until it answers 200, within `limit`.
async fn wait_for_ok<F, Fut>(what: &str, limit: Duration, probe: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    let started = Instant::now();
    loop {
        let response = probe().await;
        let status = response.status();
        if status == StatusCode::OK {
            return;
        }
        let body = response.text().await.unwrap_or_default();
        assert!(
            started.elapsed() < limit,
            "{what} still answers {status} after {limit:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_while_serving_answers_503_and_recovers_by_itself() {
    let cluster = tokio::task::spawn_blocking(OwnCluster::start_new)
        .await
        .expect("start a PostgreSQL of our own");
    let cluster = Arc::new(cluster);
    let url = cluster.url();
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("PORTCULLIS_DATABASE_URL", url.as_str())],
    )
    .await;
    assert!(matches!(app.database_url, DatabaseUrl::Postgres(_)));
    let me = app.signed_in("owner@example.com").await;
    let token = token(&app, &me, &[Scope::Profile, Scope::Sms]).await;
    // A hot read (PostgreSQL's async connections, on the worker itself).
    let message = sent_message(&app, &token).await;
    app.assert_bearer_get(&message, &token, StatusCode::OK)
        .await;
    assert_eq!(app.get(routes::READYZ).await.status(), StatusCode::OK);

    let stopping = cluster.clone();
    tokio::task::spawn_blocking(move || stopping.stop())
        .await
        .unwrap();

    expect_unavailable("/readyz", app.get(routes::READYZ)).await;
    expect_unavailable("GET /api/v1/me", app.get(routes::ME)).await;
    expect_unavailable("a bearer call", app.bearer_get(routes::PROFILE, &token)).await;
    for _ in 0..3 {
        expect_unavailable("a hot read", app.bearer_get(&message, &token)).await;
    }
    expect_unavailable(
        "a sign-in",
        app.another_browser()
            .login("owner@example.com", crate::harness::GOOD_PASSWORD),
    )
    .await;
    // Many at once: each still gets its answer promptly.
    let burst = (0..8).map(|_| {
        let app = app.another_browser();
        async move { expect_unavailable("a concurrent /readyz", app.get(routes::READYZ)).await }
    });
    futures_util::future::join_all(burst).await;
    assert_eq!(
        app.get(routes::LIVEZ).await.status(),
        StatusCode::OK,
        "the process itself is up"
    );

    let starting = cluster.clone();
    tokio::task::spawn_blocking(move || starting.start())
        .await
        .unwrap();
    wait_for_ok("/readyz", Duration::from_secs(30), || {
        app.get(routes::READYZ)
    })
    .await;
    wait_for_ok("GET /api/v1/me", Duration::from_secs(10), || {
        app.get(routes::ME)
    })
    .await;
    wait_for_ok("a bearer call", Duration::from_secs(10), || {
        app.bearer_get(routes::PROFILE, &token)
    })
    .await;
    wait_for_ok("a hot read", Duration::from_secs(10), || {
        app.bearer_get(&message, &token)
    })
    .await;
    // Writes work again too.
    let again = app
        .login("owner@example.com", crate::harness::GOOD_PASSWORD)
        .await;
    assert_eq!(again.status(), StatusCode::OK);
}

/// Sends an SMS with `token` and answers the path that reads it back.
async fn sent_message(app: &TestApp, token: &str) -> String {
    let response = reqwest::Client::new()
        .post(app.url(routes::SMS))
        .bearer_auth(token)
        .json(&sms_request("+48500100200", "Read me back"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::CREATED, "send an SMS");
    let message: MessageDto = response.json().await.expect("MessageDto");
    routes::SMS_MESSAGE.replace("{id}", &message.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connections_cut_under_the_server_are_replaced() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let DatabaseUrl::Postgres(url) = app.database_url.clone() else {
        unreachable!("a PostgreSQL app");
    };
    let me = app.signed_in("owner@example.com").await;
    let token = token(&app, &me, &[Scope::Sms]).await;
    let message = sent_message(&app, &token).await;
    // Several at once: the hot reads' pools hold several connections.
    let reads = (0..6).map(|_| app.bearer_get(&message, &token));
    for response in futures_util::future::join_all(reads).await {
        assert_eq!(response.status(), StatusCode::OK);
    }

    // An operator (or a failover) ends every connection of the server's.
    let terminated = tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(&url).expect("connect");
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .execute(&mut conn)
        .expect("terminate the server's connections")
    })
    .await
    .unwrap();
    assert!(terminated > 0, "the server had connections open");

    // A read on a connection found dead answers 503 (retryable), never 500;
    // dead connections are dropped and new ones opened, without a restart.
    let started = Instant::now();
    loop {
        let response = app.bearer_get(&message, &token).await;
        if response.status() == StatusCode::OK {
            break;
        }
        expect_problem(
            response,
            StatusCode::SERVICE_UNAVAILABLE,
            ProblemCode::Unavailable,
        )
        .await;
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the hot read did not recover"
        );
    }
    let reads = (0..6).map(|_| app.bearer_get(&message, &token));
    for response in futures_util::future::join_all(reads).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
}

/// Grows the SQLite file past `mb` MiB with a table of random blobs, from a
/// connection of the test's own (the server's are capped).
fn fill_sqlite(conn: &mut DbConnection, mb: u64) {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("CREATE TABLE filler (b BLOB)")
        .expect("create the filler table");
    for _ in 0..(mb * 10 + 10) {
        conn.batch_execute("INSERT INTO filler VALUES (randomblob(110000))")
            .expect("fill");
    }
}

fn contacts_csv(rows: usize, first: u64) -> String {
    let mut csv = String::from("phone,first_name,last_name\n");
    for i in 0..rows as u64 {
        csv.push_str(&format!(
            "+48500{:06},Filler,Contact number {i}\n",
            first + i
        ));
    }
    csv
}

async fn import(app: &TestApp, token: &str, csv: String) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(routes::CONTACTS_IMPORT))
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sqlite_disk_refuses_writes_with_503_keeps_reads_and_recovers() {
    const CAP_MB: u64 = 3;
    let app = TestApp::spawn_with(Backend::Sqlite, &[("PORTCULLIS_SQLITE_MAX_SIZE_MB", "3")]).await;
    let me = app.signed_in("owner@example.com").await;
    let token = token(&app, &me, &[Scope::Contacts, Scope::Profile]).await;
    let DatabaseUrl::Sqlite(path) = app.database_url.clone() else {
        unreachable!()
    };
    let mut own = app.db();
    fill_sqlite(&mut own, CAP_MB);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(PathBuf::from(format!("{}-wal", path.display())))
            .map(|m| m.len())
            .unwrap_or(0);
    assert!(size > CAP_MB * 1024 * 1024, "filled to {size} bytes");

    // A write that needs space: refused whole, with a retryable 503.
    let started = Instant::now();
    let response = import(&app, &token, contacts_csv(2000, 0)).await;
    assert!(started.elapsed() < PROMPT);
    expect_problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        ProblemCode::Unavailable,
    )
    .await;
    assert_eq!(
        app.count("contacts"),
        0,
        "nothing of the refused import is stored"
    );

    // Reads go on.
    assert_eq!(app.get(routes::ME).await.status(), StatusCode::OK);
    app.assert_bearer_get(routes::PROFILE, &token, StatusCode::OK)
        .await;
    app.assert_bearer_get(routes::CONTACTS, &token, StatusCode::OK)
        .await;
    assert_eq!(app.get(routes::READYZ).await.status(), StatusCode::OK);

    // Space is back: the same write goes through, without a restart.
    use diesel::connection::SimpleConnection;
    own.batch_execute("DROP TABLE filler")
        .expect("free the space");
    let response = import(&app, &token, contacts_csv(2000, 0)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let result: ImportResultDto = response.json().await.unwrap();
    assert_eq!((result.imported, result.errors.len()), (2000, 0));
    assert_eq!(app.count("contacts"), 2000);
}

/// The key-encryption key of the servers these tests start.
const FAULTS_KEK: &str = "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000";

/// The real server binary, started as a subprocess on `database_url`.
struct ServerProcess {
    child: Child,
    address: String,
}

impl ServerProcess {
    fn start(database_url: &str, log: &std::path::Path, extra: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_portcullis"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PORTCULLIS_BIND", "127.0.0.1:0")
            .env("PORTCULLIS_DATABASE_URL", database_url)
            .env("PORTCULLIS_STATIC_DIR", "/nonexistent-portal-dir")
            .env("PORTCULLIS_SIGNUP_POINTS", "100000")
            .env("PORTCULLIS_DB_POOL_SIZE", "4")
            // One key for every process of these tests (they share databases).
            .env("PORTCULLIS_KEK", FAULTS_KEK)
            .env("PORTCULLIS_HASH_CONCURRENCY", "2")
            .env("PORTCULLIS_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(log)
                    .expect("log file"),
            );
        for (name, value) in extra {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start the portcullis binary");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the listening line");
        let address = line
            .trim()
            .strip_prefix("Portcullis listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {line:?}; log: {}",
                    std::fs::read_to_string(log).unwrap_or_default()
                )
            })
            .to_owned();
        Self { child, address }
    }

    fn kill(&mut self) {
        // Child::kill sends SIGKILL: no shutdown code runs.
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the server");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the client saw of one send.
#[derive(Debug, Clone)]
enum Sent {
    /// 201 with this message (id, points).
    Acknowledged(Box<MessageDto>),
    /// No answer: the server died with it in flight.
    Unknown,
}

/// What the client saw of one token created and then renamed.
#[derive(Debug, Clone, Default)]
struct TokenChange {
    id: Option<String>,
    renamed: bool,
}

fn open(url: &DatabaseUrl) -> DbConnection {
    ConnectionOpener::new(url.clone())
        .open()
        .expect("open the database")
}

fn balance(conn: &mut DbConnection, account: &str) -> i64 {
    accounts::table
        .find(account)
        .select(accounts::points_balance)
        .first(conn)
        .expect("balance")
}

/// id, status, points and idempotency key of every message of the account.
fn stored_messages(
    conn: &mut DbConnection,
    account: &str,
) -> Vec<(String, String, i64, Option<String>)> {
    messages::table
        .left_join(idempotency_keys::table.on(idempotency_keys::message_id.eq(messages::id)))
        .filter(messages::account_id.eq(account))
        .select((
            messages::id,
            messages::status,
            messages::points,
            idempotency_keys::idempotency_key.nullable(),
        ))
        .load(conn)
        .expect("messages")
}

/// A server killed in the middle of a burst of sends loses nothing it
/// acknowledged and, restarted, sends and charges nothing twice.
async fn killed_mid_burst(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("portcullis.db").display()),
        Backend::Postgres => {
            tokio::task::spawn_blocking(|| crate::postgres::server().fresh_database())
                .await
                .unwrap()
        }
    };
    let database_url = DatabaseUrl::parse(&url).expect("database URL");
    let log = dir.path().join("server.log");
    // Dispatch now and then, so some messages are sent and some still queued at the kill.
    let mut server =
        ServerProcess::start(&url, &log, &[("PORTCULLIS_DISPATCH_INTERVAL_MS", "150")]);
    let app = TestApp::attach(server.address.clone(), database_url.clone());
    let me = app.signed_in("burst@example.com").await;
    let account = me.account.id.clone();
    let sms_token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let start_balance = balance(&mut open(&database_url), &account);

    let acknowledged = Arc::new(AtomicUsize::new(0));
    let dead = Arc::new(AtomicBool::new(false));
    let sends: Arc<Mutex<HashMap<String, Sent>>> = Arc::default();
    let changes: Arc<Mutex<Vec<TokenChange>>> = Arc::default();

    let mut tasks = Vec::new();
    for sender in 0..4 {
        let (address, token) = (app.address.clone(), sms_token.clone());
        let (sends, acknowledged, dead) = (sends.clone(), acknowledged.clone(), dead.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 0.. {
                if dead.load(Ordering::SeqCst) {
                    break;
                }
                let key = format!("burst-{sender}-{i}");
                sends.lock().unwrap().insert(key.clone(), Sent::Unknown);
                let response = client
                    .post(format!("{address}{}", routes::SMS))
                    .bearer_auth(&token)
                    .header(routes::IDEMPOTENCY_KEY_HEADER, &key)
                    .json(&sms_request("+48500100200", format!("Burst message {key}")))
                    .send()
                    .await;
                let Ok(response) = response else { break };
                assert_eq!(response.status(), StatusCode::CREATED, "{key}");
                let Ok(message) = response.json::<MessageDto>().await else {
                    break;
                };
                sends
                    .lock()
                    .unwrap()
                    .insert(key, Sent::Acknowledged(Box::new(message)));
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    {
        // The portal session's client (reqwest clients share their cookie jar).
        let (client, address) = (app.client.clone(), app.address.clone());
        let (csrf, changes, dead) = (me.session.csrf_token.clone(), changes.clone(), dead.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                if dead.load(Ordering::SeqCst) {
                    break;
                }
                changes.lock().unwrap().push(TokenChange::default());
                let Ok(response) = client
                    .post(format!("{address}{}", routes::TOKENS))
                    .header(routes::CSRF_HEADER, &csrf)
                    .json(&token_request(&format!("burst-{i}"), &[Scope::Profile]))
                    .send()
                    .await
                else {
                    break;
                };
                assert_eq!(response.status(), StatusCode::CREATED);
                let Ok(created) = response.json::<CreatedTokenDto>().await else {
                    break;
                };
                changes.lock().unwrap()[i].id = Some(created.token.id.clone());
                let path = routes::TOKEN.replace("{id}", &created.token.id);
                let Ok(response) = client
                    .patch(format!("{address}{path}"))
                    .header(routes::CSRF_HEADER, &csrf)
                    .json(&UpdateTokenRequest {
                        name: Some(format!("renamed-{i}")),
                        ..Default::default()
                    })
                    .send()
                    .await
                else {
                    break;
                };
                assert_eq!(response.status(), StatusCode::OK);
                changes.lock().unwrap()[i].renamed = true;
            }
        }));
    }

    // Kill it in the middle of the burst.
    let started = Instant::now();
    while acknowledged.load(Ordering::SeqCst) < 60 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the burst stalled"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    dead.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.expect("client task");
    }
    let sends = sends.lock().unwrap().clone();
    let changes = changes.lock().unwrap().clone();

    // Straight after the kill, before any restart: what storage holds.
    let mut conn = open(&database_url);
    let stored = stored_messages(&mut conn, &account);
    let by_key: HashMap<&str, &(String, String, i64, Option<String>)> = stored
        .iter()
        .map(|m| (m.3.as_deref().expect("every burst send has a key"), m))
        .collect();
    assert_eq!(
        by_key.len(),
        stored.len(),
        "one message per idempotency key"
    );
    let mut acknowledged_count = 0;
    for (key, sent) in &sends {
        if let Sent::Acknowledged(message) = sent {
            acknowledged_count += 1;
            let row = by_key
                .get(key.as_str())
                .unwrap_or_else(|| panic!("acknowledged {key} was lost"));
            assert_eq!((&row.0, row.2), (&message.id, message.points));
        }
    }
    let unknown = sends
        .values()
        .filter(|s| matches!(s, Sent::Unknown))
        .count();
    assert!(
        stored.len() <= acknowledged_count + unknown,
        "messages nobody sent"
    );
    let charged: i64 = stored.iter().map(|m| m.2).sum();
    assert_eq!(
        balance(&mut conn, &account),
        start_balance - charged,
        "points charged = points of the stored messages, each once"
    );
    assert!(stored.iter().all(|m| m.1 != "failed"));
    let queued_at_kill = stored.iter().filter(|m| m.1 == "queued").count();
    let claimed_at_kill = stored.iter().filter(|m| m.1 == "sending").count();

    for (i, change) in changes.iter().enumerate() {
        let Some(id) = &change.id else { continue };
        let name: String = api_tokens::table
            .find(id)
            .select(api_tokens::name)
            .first(&mut conn)
            .unwrap_or_else(|_| panic!("acknowledged token {i} was lost"));
        if change.renamed {
            assert_eq!(name, format!("renamed-{i}"));
        } else {
            assert!(name == format!("burst-{i}") || name == format!("renamed-{i}"));
        }
    }

    // Restart on the same storage; claims the dead process held are taken over after 1 s.
    let server = ServerProcess::start(
        &url,
        &log,
        &[
            ("PORTCULLIS_DISPATCH_INTERVAL_MS", "50"),
            ("PORTCULLIS_DISPATCH_CLAIM_TIMEOUT_SECS", "1"),
        ],
    );
    let app = TestApp::attach(server.address.clone(), database_url.clone());
    // The client retries what got no answer, with the same keys: sent at most once.
    for (key, sent) in &sends {
        if matches!(sent, Sent::Unknown) {
            let response = reqwest::Client::new()
                .post(app.url(routes::SMS))
                .bearer_auth(&sms_token)
                .header(routes::IDEMPOTENCY_KEY_HEADER, key)
                .json(&sms_request("+48500100200", format!("Burst message {key}")))
                .send()
                .await
                .expect("retry");
            let status = response.status();
            assert!(
                status == StatusCode::CREATED || status == StatusCode::OK,
                "{key}: {status}"
            );
            let message: MessageDto = response.json().await.unwrap();
            if let Some(row) = by_key.get(key.as_str()) {
                assert_eq!(status, StatusCode::OK, "{key} was stored before the kill");
                assert_eq!(message.id, row.0);
            }
        }
    }

    // Every message is delivered, exactly once, and points add up.
    let started = Instant::now();
    let stored = loop {
        let stored = stored_messages(&mut conn, &account);
        if stored.iter().all(|m| m.1 == "sent") {
            break stored;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "messages still undelivered: {:?}",
            stored.iter().filter(|m| m.1 != "sent").collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        stored.len(),
        sends.len(),
        "each send, acknowledged or retried, is one message"
    );
    let deliveries: Vec<String> = outbox_messages::table
        .filter(outbox_messages::purpose.eq("api_message"))
        .select(outbox_messages::id)
        .load(&mut conn)
        .expect("outbox");
    let mut delivered: HashMap<&str, usize> = HashMap::new();
    for id in &deliveries {
        *delivered.entry(id.as_str()).or_default() += 1;
    }
    for message in &stored {
        assert_eq!(
            delivered.get(message.0.as_str()),
            Some(&1),
            "{} delivered once",
            message.0
        );
    }
    assert_eq!(deliveries.len(), stored.len(), "nothing else was delivered");
    let charged: i64 = stored.iter().map(|m| m.2).sum();
    assert_eq!(balance(&mut conn, &account), start_balance - charged);
    eprintln!(
        "killed with {} sends acknowledged, {} in flight, {} queued and {} claimed but not yet \
         delivered; {} token changes",
        acknowledged_count,
        unknown,
        queued_at_kill,
        claimed_at_kill,
        changes.len()
    );
}

on_both_backends!(killed_mid_burst);

const NO_DISPATCH: &[(&str, &str)] = &[("PORTCULLIS_DISPATCH_INTERVAL_MS", "3600000")];

/// The narrowest crash window: a process handed a message to the transport
/// and died before recording it as sent. The process that takes the claim
/// over delivers it again under the same id, which the transport recognises.
async fn a_delivery_repeated_after_a_crash_is_recognised(app: TestApp) {
    let me = app.signed_in("window@example.com").await;
    let token = token(&app, &me, &[Scope::Sms]).await;
    let response = reqwest::Client::new()
        .post(app.url(routes::SMS))
        .bearer_auth(&token)
        .json(&sms_request("+48500100200", "Sent just before the crash"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let message: MessageDto = response.json().await.unwrap();

    // What the dead process left: its claim, and the message already in the outbox.
    let mut conn = app.db();
    let claimed_at = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(10);
    diesel::update(messages::table.find(&message.id))
        .set((
            messages::status.eq("sending"),
            messages::claimed_at.eq(claimed_at),
        ))
        .execute(&mut conn)
        .unwrap();
    diesel::insert_into(outbox_messages::table)
        .values((
            outbox_messages::id.eq(&message.id),
            outbox_messages::channel.eq("sms"),
            outbox_messages::recipient.eq(&message.to),
            outbox_messages::body.eq("Sent just before the crash"),
            outbox_messages::purpose.eq("api_message"),
            outbox_messages::created_at.eq(claimed_at),
        ))
        .execute(&mut conn)
        .unwrap();

    let _successor = app
        .second_process_with(&[
            ("PORTCULLIS_DISPATCH_INTERVAL_MS", "50"),
            ("PORTCULLIS_DISPATCH_CLAIM_TIMEOUT_SECS", "60"),
        ])
        .await;
    let started = Instant::now();
    loop {
        let status: String = messages::table
            .find(&message.id)
            .select(messages::status)
            .first(&mut conn)
            .unwrap();
        if status == "sent" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let deliveries: i64 = outbox_messages::table
        .filter(outbox_messages::purpose.eq("api_message"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(deliveries, 1, "delivered once");
}

on_both_backends!(settings = NO_DISPATCH; a_delivery_repeated_after_a_crash_is_recognised);
