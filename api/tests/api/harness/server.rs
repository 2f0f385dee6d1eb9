//! Starting the server under test: in this process over a fresh database of
//! either backend, or as the real binary in a child process.

use std::{path::PathBuf, sync::Arc, time::Duration};

use portcullis_api::{
    config::{Config, DatabaseUrl},
    startup::Application,
};
use reqwest::header;
use tempfile::TempDir;

use super::client::browser_client;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database_url: DatabaseUrl,
    pub _sqlite_dir: Option<std::sync::Arc<TempDir>>,
    /// The `PORTCULLIS_*` settings it was started with.
    pub settings: Vec<(String, String)>,
    /// The certificates of a server that terminates TLS, which its clients trust.
    pub tls: Option<Arc<TestCertificates>>,
    /// `http://127.0.0.1:PORT` of the metrics listener, when `PORTCULLIS_METRICS_ADDR` is set.
    pub metrics_address: Option<String>,
}

/// A throw-away CA and a server certificate it signed for 127.0.0.1 and
/// localhost, written as PEM files for `PORTCULLIS_TLS_CERT_FILE` and
/// `PORTCULLIS_TLS_KEY_FILE`.
pub struct TestCertificates {
    dir: TempDir,
    /// The CA certificate, the one root a client needs to trust.
    pub ca_pem: String,
}

impl TestCertificates {
    pub fn generate() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::default();
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "Portcullis test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).expect("CA certificate");

        let server_key = KeyPair::generate().expect("server key");
        let server_params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .expect("server names");
        let server = server_params
            .signed_by(&server_key, &ca, &ca_key)
            .expect("server certificate");

        let dir = tempfile::tempdir().expect("temp dir");
        let certificates = Self {
            dir,
            ca_pem: ca.pem(),
        };
        // The chain a server sends: its own certificate, then the CA's.
        std::fs::write(
            certificates.cert_file(),
            format!("{}{}", server.pem(), certificates.ca_pem),
        )
        .expect("write the certificate chain");
        std::fs::write(certificates.key_file(), server_key.serialize_pem()).expect("write the key");
        certificates
    }

    pub fn cert_file(&self) -> PathBuf {
        self.dir.path().join("server-chain.pem")
    }

    pub fn key_file(&self) -> PathBuf {
        self.dir.path().join("server-key.pem")
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &[]).await
    }

    /// Starts a server with extra `PORTCULLIS_*` settings.
    pub async fn spawn_with(backend: Backend, settings: &[(&str, &str)]) -> Self {
        Self::spawn_serving(backend, settings, None).await
    }

    /// Starts a server that terminates TLS with a [`TestCertificates`] chain
    /// (passed as its `PORTCULLIS_TLS_*` settings), with extra settings; its
    /// clients trust the test CA.
    pub async fn spawn_over_tls(backend: Backend, settings: &[(&str, &str)]) -> Self {
        let certificates = TestCertificates::generate();
        let (cert_file, key_file) = (certificates.cert_file(), certificates.key_file());
        let mut settings = settings.to_vec();
        settings.push((
            "PORTCULLIS_TLS_CERT_FILE",
            cert_file.to_str().expect("UTF-8 path"),
        ));
        settings.push((
            "PORTCULLIS_TLS_KEY_FILE",
            key_file.to_str().expect("UTF-8 path"),
        ));
        Self::spawn_serving(backend, &settings, Some(Arc::new(certificates))).await
    }

    async fn spawn_serving(
        backend: Backend,
        settings: &[(&str, &str)],
        tls: Option<Arc<TestCertificates>>,
    ) -> Self {
        let (database_url, sqlite_dir) = fresh_database(backend).await;
        let mut vars = base_settings(database_url);
        vars.push(("PORTCULLIS_LAST_USED_FLUSH_MS".into(), "50".into()));
        Self::start(with_settings(vars, settings), sqlite_dir, tls).await
    }

    /// A second server process on the same database (as with several API
    /// processes sharing PostgreSQL, or a restart).
    pub async fn second_process(&self) -> Self {
        self.second_process_with(&[]).await
    }

    /// Like [`TestApp::second_process`], with these settings changed.
    pub async fn second_process_with(&self, settings: &[(&str, &str)]) -> Self {
        let vars = with_settings(self.settings.clone(), settings);
        Self::start(vars, self._sqlite_dir.clone(), self.tls.clone()).await
    }

    /// Talks to a server that is already running at `address` (such as the
    /// real binary started as a subprocess) over `database_url`.
    pub fn attach(address: String, database_url: DatabaseUrl) -> Self {
        Self {
            address,
            client: browser_client(None, header::HeaderMap::new()),
            database_url,
            _sqlite_dir: None,
            settings: Vec::new(),
            tls: None,
            metrics_address: None,
        }
    }

    async fn start(
        vars: Vec<(String, String)>,
        sqlite_dir: Option<std::sync::Arc<TempDir>>,
        tls: Option<Arc<TestCertificates>>,
    ) -> Self {
        let config = config_from(&vars);
        let database_url = config.database_url.clone();
        let app = Application::build(config)
            .await
            .expect("build the application");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let address = format!("{scheme}://127.0.0.1:{}", app.port());
        let metrics_address = app
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}"));
        tokio::spawn(app.run_until_stopped());
        Self {
            address,
            client: browser_client(tls.as_deref(), header::HeaderMap::new()),
            database_url,
            _sqlite_dir: sqlite_dir,
            settings: vars,
            tls,
            metrics_address,
        }
    }

    /// Runs the real `portcullis` binary with `args` (an operator's command)
    /// against this app's database, as the gateway's operator would.
    pub fn operator(&self, args: &[&str]) -> std::process::Output {
        let url = match &self.database_url {
            DatabaseUrl::Postgres(url) => url.clone(),
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        };
        let mut command = portcullis_command();
        command.args(args).env("PORTCULLIS_DATABASE_URL", url);
        if let Some(kek) = self.setting("PORTCULLIS_KEK") {
            command.env("PORTCULLIS_KEK", kek);
        }
        command.output().expect("run the portcullis binary")
    }

    /// The value of a `PORTCULLIS_*` setting it was started with.
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Runs the real binary with `args` and this app's settings, `settings`
    /// changed (a value of "" removes the setting); killed after `timeout`
    /// (a server that should have refused to start, but did not).
    pub fn run_binary(
        &self,
        args: &[&str],
        settings: &[(&str, &str)],
        timeout: Duration,
    ) -> std::process::Output {
        let vars: Vec<(String, String)> = with_settings(self.settings.clone(), settings);
        let mut command = portcullis_command();
        for (name, _) in &vars {
            command.env_remove(name);
        }
        for (name, value) in &vars {
            if value.is_empty() {
                command.env_remove(name);
            } else {
                command.env(name, value);
            }
        }
        let mut child = command
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start the portcullis binary");
        let deadline = std::time::Instant::now() + timeout;
        while child.try_wait().expect("try_wait").is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().expect("the binary's output")
    }
}

/// The real `portcullis` binary as a child process, for what only a separate
/// process shows: its log output (stderr, captured line by line) and its
/// memory. Killed when dropped.
pub struct ServerProcess {
    /// A `TestApp` that talks to this process (and opens its database directly).
    pub app: TestApp,
    child: std::process::Child,
    log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts the binary on a fresh database of `backend` with these extra
    /// `PORTCULLIS_*` settings, and waits until it listens.
    pub async fn spawn(backend: Backend, settings: &[(&str, &str)]) -> Self {
        let (database_url, sqlite_dir) = fresh_database(backend).await;
        let vars = with_settings(base_settings(database_url), settings);
        Self::start(vars, sqlite_dir).await
    }

    /// The binary as a second OS process beside `app`: the same database and
    /// settings, its own caches, pool and change listener.
    pub async fn beside(app: &TestApp) -> Self {
        Self::beside_with(app, &[]).await
    }

    /// Like [`ServerProcess::beside`], with these settings changed.
    pub async fn beside_with(app: &TestApp, settings: &[(&str, &str)]) -> Self {
        let mut vars = app.settings.clone();
        vars.push(("PORTCULLIS_BIND".into(), "127.0.0.1:0".into()));
        let vars = with_settings(vars, settings);
        Self::start(vars, app._sqlite_dir.clone()).await
    }

    async fn start(vars: Vec<(String, String)>, sqlite_dir: Option<Arc<TempDir>>) -> Self {
        use std::io::BufRead;
        let mut command = portcullis_command();
        let mut child = command
            .envs(vars.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start the portcullis binary");
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.lock().expect("log lock").push(line);
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let address = tokio::task::spawn_blocking(move || {
            let mut lines = std::io::BufReader::new(stdout).lines();
            let address = lines
                .find_map(|line| {
                    line.ok()?
                        .strip_prefix("Portcullis listening on ")
                        .map(str::to_owned)
                })
                .expect("the server says where it listens");
            // Keep draining stdout so the child never blocks on it.
            std::thread::spawn(move || lines.for_each(drop));
            address
        })
        .await
        .expect("read stdout");
        let config = config_from(&vars);
        let app = TestApp {
            address,
            client: browser_client(None, header::HeaderMap::new()),
            database_url: config.database_url,
            _sqlite_dir: sqlite_dir,
            settings: vars,
            tls: None,
            metrics_address: None,
        };
        Self { app, child, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory of the process, in KiB (Linux `VmRSS`).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("read /proc/PID/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Stops the process with SIGTERM (a graceful stop, which writes its last
    /// log lines), waits for it, and returns every line it logged.
    pub fn stop(mut self) -> Vec<String> {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while self.is_running() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Let the reader thread take the last lines.
        std::thread::sleep(Duration::from_millis(200));
        let lines = self.log.lock().expect("log lock").clone();
        lines
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh database of `backend`: its URL, and on SQLite the directory that
/// holds it (removed when the last server on it is gone).
async fn fresh_database(backend: Backend) -> (String, Option<Arc<TempDir>>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            (
                format!("sqlite://{}", dir.path().join("portcullis.db").display()),
                Some(Arc::new(dir)),
            )
        }
        Backend::Postgres => (
            tokio::task::spawn_blocking(|| crate::postgres::server().fresh_database())
                .await
                .expect("postgres setup"),
            None,
        ),
    }
}

/// The settings every test server starts with: port 0, `database_url`, no
/// portal files, a small pool.
fn base_settings(database_url: String) -> Vec<(String, String)> {
    vec![
        ("PORTCULLIS_BIND".into(), "127.0.0.1:0".into()),
        ("PORTCULLIS_DATABASE_URL".into(), database_url),
        (
            "PORTCULLIS_STATIC_DIR".into(),
            "/nonexistent-portal-dir".into(),
        ),
        ("PORTCULLIS_DB_POOL_SIZE".into(), "4".into()),
        // Each database its own key-encryption key; every process on it gets the same.
        (
            "PORTCULLIS_KEK".into(),
            portcullis_api::domain::Kek::generate().to_hex().to_string(),
        ),
    ]
}

/// `vars` with `settings` after them (the last value of a name wins).
fn with_settings(
    mut vars: Vec<(String, String)>,
    settings: &[(&str, &str)],
) -> Vec<(String, String)> {
    vars.extend(
        settings
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    vars
}

/// The configuration a server reads from `vars`, the last value of a name winning.
fn config_from(vars: &[(String, String)]) -> Config {
    Config::from_lookup(|name| {
        vars.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("test config")
}

/// The real `portcullis` binary, without the `PORTCULLIS_*` settings of the
/// environment the tests run in.
fn portcullis_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_portcullis"));
    for (name, _) in std::env::vars() {
        if name.starts_with("PORTCULLIS_") {
            command.env_remove(name);
        }
    }
    command
}
