//! Talking HTTP to a `TestApp`: browsers with their own cookie jars, portal
//! calls with a CSRF token, bearer calls, and problem+json answers.

use std::time::Duration;

use portcullis_shared::{
    problem::{Problem, ProblemCode, PROBLEM_CONTENT_TYPE},
    routes,
};
use reqwest::{header, StatusCode};

use super::server::{TestApp, TestCertificates};

impl TestApp {
    /// A client builder that trusts the test CA when the server serves TLS.
    pub fn client_builder(&self) -> reqwest::ClientBuilder {
        client_builder(self.tls.as_deref())
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

    /// POSTs JSON with a CSRF header (`csrf`), as the portal does.
    pub async fn post_json<T: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &T,
        csrf: &str,
    ) -> reqwest::Response {
        self.portal_json(reqwest::Method::POST, path, csrf, body)
            .await
    }

    /// Sends a portal request with the session's CSRF token.
    pub async fn portal(
        &self,
        method: reqwest::Method,
        path: &str,
        csrf: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self.portal_request(method, path, csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    /// Sends a portal request with a typed JSON body and the session's CSRF token.
    pub async fn portal_json<T: serde::Serialize + ?Sized>(
        &self,
        method: reqwest::Method,
        path: &str,
        csrf: &str,
        body: &T,
    ) -> reqwest::Response {
        self.portal_request(method, path, csrf)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    fn portal_request(
        &self,
        method: reqwest::Method,
        path: &str,
        csrf: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header(routes::CSRF_HEADER, csrf)
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

    /// Calls [`TestApp::bearer_get`] and asserts the answer's status.
    pub async fn assert_bearer_get(&self, path: &str, token: &str, status: StatusCode) {
        let response = self.bearer_get(path, token).await;
        assert_eq!(response.status(), status, "GET {path} with a bearer token");
    }

    /// Asserts that this browser is signed out: `/me` answers `401 unauthenticated`.
    pub async fn expect_signed_out(&self) {
        expect_problem(
            self.me().await,
            StatusCode::UNAUTHORIZED,
            ProblemCode::Unauthenticated,
        )
        .await;
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

    pub async fn me(&self) -> reqwest::Response {
        self.client
            .get(self.url(routes::ME))
            .send()
            .await
            .expect("request")
    }
}

/// A client builder that trusts the test CA of a server serving TLS.
pub(super) fn client_builder(tls: Option<&TestCertificates>) -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder().timeout(Duration::from_secs(30));
    match tls {
        Some(tls) => builder.add_root_certificate(
            reqwest::Certificate::from_pem(tls.ca_pem.as_bytes()).expect("test CA"),
        ),
        None => builder,
    }
}

/// A client with its own cookie jar that does not follow redirects, as a browser's fetch.
pub(super) fn browser_client(
    tls: Option<&TestCertificates>,
    headers: header::HeaderMap,
) -> reqwest::Client {
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

/// Asserts a `422 validation_failed` answer that reports `code` (and no other)
/// for `field`, and returns it.
pub async fn expect_field_error(response: reqwest::Response, field: &str, code: &str) -> Problem {
    let problem = expect_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    assert_eq!(field_codes(&problem, field), [code], "{problem:?}");
    problem
}

/// The problem code of an answer, or `None` for a success.
pub async fn outcome(response: reqwest::Response) -> Option<ProblemCode> {
    if response.status().is_success() {
        return None;
    }
    let problem: Problem = response.json().await.expect("problem body");
    Some(problem.code)
}

/// Calls `call` until it answers `expected` (`None`: success), failing when
/// that takes longer than `limit`: for changes that reach a cache or another
/// process after a while.
pub async fn answers_within<F, Fut>(
    limit: Duration,
    what: &str,
    expected: Option<ProblemCode>,
    mut call: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    let started = std::time::Instant::now();
    loop {
        let got = outcome(call().await).await;
        if got == expected {
            return;
        }
        assert!(
            started.elapsed() < limit,
            "{what}: still {got:?} after {limit:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How many of `statuses` are `201 Created` and how many `402 Payment
/// Required`: what concurrent sends against a points limit came to.
pub fn created_and_payment_required(statuses: &[StatusCode]) -> (usize, usize) {
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    (
        count(StatusCode::CREATED),
        count(StatusCode::PAYMENT_REQUIRED),
    )
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
