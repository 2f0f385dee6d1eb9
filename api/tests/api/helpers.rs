//! `TestApp`: a real server on port 0 over a fresh database, and typed helpers
//! to talk to it.

use std::{path::PathBuf, sync::Arc, time::Duration};

use diesel::prelude::*;
use portcullis_api::{
    config::{Config, DatabaseUrl},
    db::{ConnectionOpener, DbConnection},
    startup::Application,
};
use portcullis_shared::{
    dto::{
        ConfirmSignupRequest, CreatedTokenDto, LoginChallengeDto, LoginRequest, MeResponse,
        OutboxMessageDto, OutboxPage, SecurityEventDto, SecurityEventKind, SecurityLogPage,
        SignupRequest, VerificationMethod, VerifyLoginRequest,
    },
    problem::{Problem, ProblemCode, PROBLEM_CONTENT_TYPE},
    routes,
};
use reqwest::{header, StatusCode};
use tempfile::TempDir;

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

/// The phone of [`signup_request`] accounts, as stored.
pub const SIGNUP_PHONE_E164: &str = "+48500100200";

/// The `purpose` of the e-mail with a sign-up confirmation link.
pub const SIGNUP_LINK_MAIL: &str = "signup_confirmation";
/// The `purpose` of the e-mail sent when someone signs up with an e-mail that
/// already has an account.
pub const ACCOUNT_EXISTS_MAIL: &str = "signup_account_exists";

/// The `token` query parameter of the link in a mail body.
pub fn link_token(body: &str) -> String {
    let start = body
        .find("token=")
        .unwrap_or_else(|| panic!("no link in {body:?}"))
        + "token=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// A password that meets the policy.
pub const GOOD_PASSWORD: &str = "Violet-Kettle-42";

pub fn signup_request(email: &str) -> SignupRequest {
    SignupRequest {
        email: email.to_owned(),
        password: GOOD_PASSWORD.to_owned(),
        phone: Some("+48 500 100 200".to_owned()),
        country: "PL".to_owned(),
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
        let (database_url, sqlite_dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                (
                    format!("sqlite://{}", dir.path().join("portcullis.db").display()),
                    Some(dir),
                )
            }
            Backend::Postgres => (
                tokio::task::spawn_blocking(|| crate::postgres::server().fresh_database())
                    .await
                    .expect("postgres setup"),
                None,
            ),
        };
        let mut vars: Vec<(String, String)> = vec![
            ("PORTCULLIS_BIND".into(), "127.0.0.1:0".into()),
            ("PORTCULLIS_DATABASE_URL".into(), database_url),
            (
                "PORTCULLIS_STATIC_DIR".into(),
                "/nonexistent-portal-dir".into(),
            ),
            ("PORTCULLIS_DB_POOL_SIZE".into(), "4".into()),
            ("PORTCULLIS_LAST_USED_FLUSH_MS".into(), "50".into()),
        ];
        vars.extend(
            settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        Self::start(vars, sqlite_dir.map(std::sync::Arc::new), tls).await
    }

    /// A second server process on the same database (as with several API
    /// processes sharing PostgreSQL, or a restart).
    pub async fn second_process(&self) -> Self {
        self.second_process_with(&[]).await
    }

    /// Like [`TestApp::second_process`], with these settings changed.
    pub async fn second_process_with(&self, settings: &[(&str, &str)]) -> Self {
        let mut vars = self.settings.clone();
        vars.extend(
            settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
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

    /// A client builder that trusts the test CA when the server serves TLS.
    pub fn client_builder(&self) -> reqwest::ClientBuilder {
        client_builder(self.tls.as_deref())
    }

    async fn start(
        vars: Vec<(String, String)>,
        sqlite_dir: Option<std::sync::Arc<TempDir>>,
        tls: Option<Arc<TestCertificates>>,
    ) -> Self {
        let config = Config::from_lookup(|name| {
            vars.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
        .expect("test config");
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

    /// The same server through a second client with its own cookie jar, as
    /// another person's browser.
    pub fn another_browser(&self) -> Self {
        self.another_browser_with(&[])
    }

    /// Like [`TestApp::another_browser`], sending these headers with every
    /// request: a `User-Agent`, or an `X-Forwarded-For` to be a browser at
    /// that address behind a trusted proxy (`PORTCULLIS_TRUSTED_PROXIES`).
    pub fn another_browser_with(&self, headers: &[(&str, &str)]) -> Self {
        let mut defaults = header::HeaderMap::new();
        for (name, value) in headers {
            defaults.insert(
                header::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                header::HeaderValue::from_str(value).expect("header value"),
            );
        }
        Self {
            address: self.address.clone(),
            client: browser_client(self.tls.as_deref(), defaults),
            database_url: self.database_url.clone(),
            _sqlite_dir: self._sqlite_dir.clone(),
            settings: self.settings.clone(),
            tls: self.tls.clone(),
            metrics_address: self.metrics_address.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A direct connection to the app's database, for arranging and asserting.
    pub fn db(&self) -> DbConnection {
        ConnectionOpener::new(self.database_url.clone())
            .open()
            .expect("open test database")
    }

    pub fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(&mut self.db())
            .expect("count rows")
            .n
    }

    /// The text columns of every row of `table`, concatenated, to search for
    /// values that must not be stored.
    pub fn table_text(&self, table: &str, columns: &[&str]) -> String {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            row: String,
        }
        let sql = format!("SELECT {} AS row FROM {table}", columns.join(" || ' ' || "));
        diesel::sql_query(sql)
            .load::<Row>(&mut self.db())
            .expect("dump table")
            .into_iter()
            .map(|r| r.row)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// POSTs JSON with a CSRF header (`csrf`), as the portal does.
    pub async fn post_json<T: serde::Serialize>(
        &self,
        path: &str,
        body: &T,
        csrf: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(routes::CSRF_HEADER, csrf)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn signup(&self, request: &SignupRequest) -> reqwest::Response {
        self.post_json(routes::SIGNUP, request, routes::PRE_SESSION_CSRF)
            .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        self.post_json(routes::LOGIN, &body, routes::PRE_SESSION_CSRF)
            .await
    }

    /// Signs up with [`signup_request`] and confirms the e-mail; returns the
    /// session the confirmation opened in this browser.
    pub async fn signed_in(&self, email: &str) -> MeResponse {
        self.signed_up(&signup_request(email)).await
    }

    /// Makes an account with [`signup_request`] from this browser (which it
    /// then trusts) and signs out again, so a test can sign in to it.
    pub async fn registered(&self, email: &str) {
        let me = self.signed_in(email).await;
        let response = self
            .post_json(
                routes::LOGOUT,
                &serde_json::json!({}),
                &me.session.csrf_token,
            )
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "log out");
    }

    /// Signs up with `request`, follows the link mailed to its e-mail and
    /// returns the session the confirmation opened in this browser.
    pub async fn signed_up(&self, request: &SignupRequest) -> MeResponse {
        let token = self.requested_signup_link(request).await;
        let response = self.confirm_signup(&token).await;
        assert_eq!(response.status(), StatusCode::OK, "confirm the sign-up");
        response.json().await.expect("MeResponse")
    }

    /// Signs up with `request` (expecting `202`) and returns the token of the
    /// confirmation link this sign-up mailed.
    pub async fn requested_signup_link(&self, request: &SignupRequest) -> String {
        let email = request.email.trim();
        let before = self.stored_mails(email, SIGNUP_LINK_MAIL).len();
        let response = self.signup(request).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "sign up");
        let mails = self
            .wait_for_stored_mails(email, SIGNUP_LINK_MAIL, before + 1)
            .await;
        link_token(&mails[0])
    }

    /// `POST /api/v1/auth/signup/confirm` with `token`.
    pub async fn confirm_signup(&self, token: &str) -> reqwest::Response {
        let body = ConfirmSignupRequest {
            token: token.to_owned(),
        };
        self.post_json(routes::SIGNUP_CONFIRM, &body, routes::PRE_SESSION_CSRF)
            .await
    }

    /// The bodies of the e-mails to `recipient` for `purpose`, newest first,
    /// read from the outbox table (needs no `PORTCULLIS_DEV_OUTBOX`).
    pub fn stored_mails(&self, recipient: &str, purpose: &str) -> Vec<String> {
        use portcullis_api::db::schema::outbox_messages as outbox;
        outbox::table
            .filter(outbox::recipient.eq(recipient))
            .filter(outbox::channel.eq("email"))
            .filter(outbox::purpose.eq(purpose))
            .order((outbox::created_at.desc(), outbox::id.desc()))
            .select(outbox::body)
            .load(&mut self.db())
            .expect("read the outbox")
    }

    /// Waits (up to 10 s) until `count` e-mails to `recipient` for `purpose`
    /// are in the outbox table, for mail sent off the request path; returns
    /// their bodies, newest first.
    pub async fn wait_for_stored_mails(
        &self,
        recipient: &str,
        purpose: &str,
        count: usize,
    ) -> Vec<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let mails = self.stored_mails(recipient, purpose);
            if mails.len() >= count || std::time::Instant::now() > deadline {
                assert_eq!(mails.len(), count, "{purpose} e-mails to {recipient}");
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends a portal request with the session's CSRF token.
    pub async fn portal(
        &self,
        method: reqwest::Method,
        path: &str,
        csrf: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header(routes::CSRF_HEADER, csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    /// Creates an API token in the portal with `body` (name, scopes…); returns it with its secret.
    pub async fn create_token(&self, me: &MeResponse, body: serde_json::Value) -> CreatedTokenDto {
        let response = self
            .portal(
                reqwest::Method::POST,
                routes::TOKENS,
                &me.session.csrf_token,
                Some(body),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("CreatedTokenDto")
    }

    /// Calls an integrator endpoint with a bearer token, from a client without cookies.
    pub async fn bearer_get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client_builder()
            .build()
            .expect("http client")
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// The newest development-outbox message to `recipient` (phone in E.164
    /// or e-mail): `(purpose, body)`.
    pub fn last_message_to(&self, recipient: &str) -> Option<(String, String)> {
        use portcullis_api::db::schema::outbox_messages as outbox;
        outbox::table
            .filter(outbox::recipient.eq(recipient))
            .order((outbox::created_at.desc(), outbox::id.desc()))
            .select((outbox::purpose, outbox::body))
            .first(&mut self.db())
            .optional()
            .expect("read the outbox")
    }

    /// The 6-digit code in the newest outbox message to `recipient`.
    pub fn last_code_to(&self, recipient: &str) -> String {
        let (_, body) = self
            .last_message_to(recipient)
            .unwrap_or_else(|| panic!("no message to {recipient} in the outbox"));
        body.split(|c: char| !c.is_ascii_digit())
            .find(|word| word.len() == 6)
            .unwrap_or_else(|| panic!("no code in {body:?}"))
            .to_owned()
    }

    /// Completes a held sign-in.
    pub async fn verify_login(
        &self,
        challenge: &LoginChallengeDto,
        method: VerificationMethod,
        code: &str,
        trust_device: bool,
    ) -> reqwest::Response {
        let body = VerifyLoginRequest {
            challenge_id: challenge.challenge_id.clone(),
            method,
            code: code.to_owned(),
            trust_device,
        };
        self.post_json(routes::LOGIN_VERIFY, &body, routes::PRE_SESSION_CSRF)
            .await
    }

    /// Signs in to an existing account (made by [`signup_request`]) from this
    /// client, passing the new-device check with the code from the outbox if
    /// this browser is not trusted.
    pub async fn signed_in_again(&self, email: &str) -> MeResponse {
        self.signed_in_again_with(email, GOOD_PASSWORD).await
    }

    pub async fn signed_in_again_with(&self, email: &str, password: &str) -> MeResponse {
        let response = self.login(email, password).await;
        let response = match response.status() {
            StatusCode::OK => response,
            StatusCode::ACCEPTED => {
                let challenge: LoginChallengeDto = response.json().await.expect("challenge");
                let recipient = match challenge.sent_by {
                    Some(VerificationMethod::Email) => email.to_owned(),
                    _ => SIGNUP_PHONE_E164.to_owned(),
                };
                let code = self.last_code_to(&recipient);
                let method = challenge.sent_by.expect("a code was sent");
                self.verify_login(&challenge, method, &code, false).await
            }
            other => panic!("login answered {other}"),
        };
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("MeResponse")
    }

    /// GETs `path` with this client (its cookies and default headers).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// GETs `path`, expecting 200 and a JSON body.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// The development outbox (the app must run with `PORTCULLIS_DEV_OUTBOX=true`), newest first.
    pub async fn outbox(&self, recipient: Option<&str>) -> OutboxPage {
        let mut request = self.client.get(self.url(routes::DEV_OUTBOX));
        if let Some(recipient) = recipient {
            request = request.query(&[("recipient", recipient)]);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("OutboxPage")
    }

    /// The e-mails to `recipient` sent for `purpose`, newest first.
    pub async fn mails(&self, recipient: &str, purpose: &str) -> Vec<OutboxMessageDto> {
        let mut messages = self.outbox(Some(recipient)).await.messages;
        messages.retain(|m| m.channel == "email" && m.purpose == purpose);
        messages
    }

    /// Waits (up to 10 s) until `count` e-mails to `recipient` for `purpose`
    /// are in the outbox, for mail sent off the request path; returns them.
    pub async fn wait_for_mails(
        &self,
        recipient: &str,
        purpose: &str,
        count: usize,
    ) -> Vec<OutboxMessageDto> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let mails = self.mails(recipient, purpose).await;
            if mails.len() >= count || std::time::Instant::now() > deadline {
                assert_eq!(mails.len(), count, "{purpose} e-mails to {recipient}");
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The signed-in account's security events of `kind`, newest first.
    pub async fn security_events(&self, kind: SecurityEventKind) -> Vec<SecurityEventDto> {
        let response = self
            .client
            .get(self.url(routes::SECURITY_LOG))
            .query(&[("kind", kind.as_str()), ("limit", "200")])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::OK);
        response
            .json::<SecurityLogPage>()
            .await
            .expect("SecurityLogPage")
            .events
    }

    pub async fn me(&self) -> reqwest::Response {
        self.client
            .get(self.url(routes::ME))
            .send()
            .await
            .expect("request")
    }
}

/// A client builder that trusts the test CA of a server serving TLS.
fn client_builder(tls: Option<&TestCertificates>) -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder().timeout(Duration::from_secs(30));
    match tls {
        Some(tls) => builder.add_root_certificate(
            reqwest::Certificate::from_pem(tls.ca_pem.as_bytes()).expect("test CA"),
        ),
        None => builder,
    }
}

/// A client with its own cookie jar that does not follow redirects, as a browser's fetch.
fn browser_client(tls: Option<&TestCertificates>, headers: header::HeaderMap) -> reqwest::Client {
    client_builder(tls)
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

/// Asserts a problem+json answer with this status and code, and returns it.
pub async fn expect_problem(
    response: reqwest::Response,
    status: StatusCode,
    code: ProblemCode,
) -> Problem {
    assert_eq!(response.status(), status, "unexpected status");
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, PROBLEM_CONTENT_TYPE);
    let problem: Problem = response.json().await.expect("problem body");
    assert_eq!(problem.code, code, "{problem:?}");
    assert_eq!(problem.status, status.as_u16());
    let code_name = serde_json::to_value(code).unwrap();
    assert_eq!(
        problem.type_uri,
        format!("urn:portcullis:problem:{}", code_name.as_str().unwrap())
    );
    assert!(problem.request_id.is_some(), "{problem:?}");
    problem
}

/// The field error codes a problem reports for `field`.
pub fn field_codes(problem: &Problem, field: &str) -> Vec<String> {
    problem
        .errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.code.clone())
        .collect()
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
        let (database_url, sqlite_dir) = match backend {
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
        };
        let mut vars: Vec<(String, String)> = vec![
            ("PORTCULLIS_BIND".into(), "127.0.0.1:0".into()),
            ("PORTCULLIS_DATABASE_URL".into(), database_url),
            (
                "PORTCULLIS_STATIC_DIR".into(),
                "/nonexistent-portal-dir".into(),
            ),
            ("PORTCULLIS_DB_POOL_SIZE".into(), "4".into()),
        ];
        vars.extend(
            settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
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
        vars.extend(
            settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        Self::start(vars, app._sqlite_dir.clone()).await
    }

    async fn start(vars: Vec<(String, String)>, sqlite_dir: Option<Arc<TempDir>>) -> Self {
        use std::io::BufRead;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_portcullis"));
        for (name, _) in std::env::vars() {
            if name.starts_with("PORTCULLIS_") {
                command.env_remove(name);
            }
        }
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
        let config = Config::from_lookup(|name| {
            vars.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
        .expect("test config");
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

impl TestApp {
    /// Runs the real `portcullis` binary with `args` (an operator's command)
    /// against this app's database, as the gateway's operator would.
    pub fn operator(&self, args: &[&str]) -> std::process::Output {
        let url = match &self.database_url {
            DatabaseUrl::Postgres(url) => url.clone(),
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        };
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_portcullis"));
        for (name, _) in std::env::vars() {
            if name.starts_with("PORTCULLIS_") {
                command.env_remove(name);
            }
        }
        command
            .args(args)
            .env("PORTCULLIS_DATABASE_URL", url)
            .output()
            .expect("run the portcullis binary")
    }

    /// Lets the account of `email` spend its points abroad (`portcullis
    /// operator lift-trial-restriction`), for tests that send beyond the home country.
    pub fn lift_trial_restriction(&self, email: &str) {
        let output = self.operator(&["operator", "lift-trial-restriction", "--email", email]);
        assert!(
            output.status.success(),
            "lift-trial-restriction failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
