//! Transport and browser security: TLS termination (versions, HSTS, Secure
//! cookies) and the security headers on every kind of answer.

use std::net::TcpStream;

use base64::{engine::general_purpose::STANDARD, Engine};
use openssl::{
    ssl::{SslConnector, SslMethod, SslVersion},
    x509::X509,
};
use portcullis_shared::{
    dto::HealthDto,
    problem::ProblemCode,
    routes::{self, DEVICE_COOKIE, SESSION_COOKIE},
};
use reqwest::{header, Method, StatusCode};
use sha2::{Digest, Sha256};

use crate::harness::{expect_problem, signup_request, TestApp, GOOD_PASSWORD};

/// The portal's policy when no built portal is served (no inline script to allow).
const API_ONLY_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// The policy of JSON answers (the API's, problems, health checks), wherever
/// they are served: they load nothing. Every directive is at least as strict as
/// the portal's.
const JSON_CSP: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HSTS: &str = "max-age=31536000; includeSubDomains";

fn header_of<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The headers every answer carries, whatever it is; returns its CSP.
fn assert_security_headers(response: &reqwest::Response) -> String {
    let what = format!("{} {}", response.status(), response.url().path());
    assert_eq!(
        header_of(response, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header_of(response, "x-frame-options"),
        Some("DENY"),
        "{what}"
    );
    assert_eq!(
        header_of(response, "referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(
        header_of(response, "cross-origin-opener-policy"),
        Some("same-origin"),
        "{what}"
    );
    assert_eq!(
        header_of(response, "access-control-allow-origin"),
        None,
        "{what}: CORS stays closed"
    );
    header_of(response, "content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"))
        .to_owned()
}

async fn every_answer_carries_the_security_headers(app: TestApp) {
    let cross_site = |method: Method, path: &str| {
        app.client
            .request(method, app.url(path))
            .header(header::ORIGIN, "https://evil.example")
    };

    // A JSON answer.
    let livez = cross_site(Method::GET, routes::LIVEZ).send().await.unwrap();
    assert_eq!(livez.status(), StatusCode::OK);
    assert_eq!(assert_security_headers(&livez), JSON_CSP);
    assert_eq!(header_of(&livez, "strict-transport-security"), None);
    livez.json::<HealthDto>().await.unwrap();

    // A problem+json error from a handler, never stored by a cache.
    let me = cross_site(Method::GET, routes::ME).send().await.unwrap();
    assert_eq!(assert_security_headers(&me), JSON_CSP);
    assert_eq!(header_of(&me, "cache-control"), Some("no-store"));
    expect_problem(me, StatusCode::UNAUTHORIZED, ProblemCode::Unauthenticated).await;

    // Actix's own 404, turned into a problem, inside and outside the API.
    for path in ["/api/v1/nothing-here", "/nothing-here"] {
        let missing = cross_site(Method::GET, path).send().await.unwrap();
        assert_eq!(assert_security_headers(&missing), JSON_CSP, "{path}");
        expect_problem(missing, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    }

    // A signed-in API answer that carries secrets.
    app.signed_in("headers@example.com").await;
    let me = app.me().await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(assert_security_headers(&me), JSON_CSP);
    assert_eq!(header_of(&me, "cache-control"), Some("no-store"));

    // A CORS preflight is granted nothing: a browser on another origin may not call the API.
    let preflight = cross_site(Method::OPTIONS, routes::TOKENS)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", routes::CSRF_HEADER)
        .send()
        .await
        .unwrap();
    assert_security_headers(&preflight);
    assert_eq!(header_of(&preflight, "access-control-allow-methods"), None);

    // The public key set keeps the caching its handler chose.
    let jwks = cross_site(Method::GET, routes::JWKS).send().await.unwrap();
    assert_security_headers(&jwks);
    assert_eq!(
        header_of(&jwks, "cache-control"),
        Some("public, max-age=300")
    );

    // Swagger UI, and only Swagger UI, may style elements inline.
    let docs = app.get("/api/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    let docs_csp = assert_security_headers(&docs);
    assert!(
        docs_csp.contains("style-src 'self' 'unsafe-inline'"),
        "{docs_csp}"
    );
    assert!(docs_csp.contains("frame-ancestors 'none'"), "{docs_csp}");
    assert!(
        !docs_csp.contains("script-src 'self' 'unsafe-inline'"),
        "{docs_csp}"
    );
}

/// The built portal's index.html, as trunk writes it: an inline module loader.
const PORTAL_LOADER: &str = "\nimport init from '/portcullis-web-0123.js';\nawait init();\n";

async fn the_portal_allows_exactly_its_own_inline_loader(app: TestApp) {
    let portal = tempfile::tempdir().unwrap();
    std::fs::write(
        portal.path().join("index.html"),
        format!(
            "<!doctype html><html><head><link rel=\"stylesheet\" href=\"/style.css\">\
             <script type=\"module\">{PORTAL_LOADER}</script></head><body></body></html>"
        ),
    )
    .unwrap();
    std::fs::write(portal.path().join("style.css"), "body { margin: 0 }").unwrap();
    let dir = portal.path().to_str().unwrap();
    let app = app
        .second_process_with(&[("PORTCULLIS_STATIC_DIR", dir)])
        .await;

    let loader_hash = format!(
        "'sha256-{}'",
        STANDARD.encode(Sha256::digest(PORTAL_LOADER.as_bytes()))
    );
    // The index itself, by name, under a client-side route, and a static file.
    for path in ["/", "/index.html", "/settings/security", "/style.css"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let csp = assert_security_headers(&response);
        assert_eq!(
            csp,
            API_ONLY_CSP.replace(
                "'wasm-unsafe-eval'",
                &format!("'wasm-unsafe-eval' {loader_hash}")
            ),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        // The index is never stored, so the back-forward cache cannot bring a signed-in
        // page back after a logout; the files it loads may be.
        let cache = header_of(&response, "cache-control");
        if path == "/style.css" {
            assert_ne!(cache, Some("no-store"), "{path}");
        } else {
            assert_eq!(cache, Some("no-store"), "{path}");
        }
    }
}

/// GETs `path` with `accept` as its `Accept-Encoding` (none: no header). The
/// client decompresses nothing and sends no Accept-Encoding of its own: the
/// answer's bytes are as sent.
fn get_encoded(
    client: &reqwest::Client,
    address: &str,
    path: &str,
    accept: Option<&'static str>,
) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
    let mut request = client.get(format!("{address}{path}"));
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    request.send()
}

/// A built portal's hashed assets, with the copies `build_portal` writes beside them.
const WASM: &str = "portcullis-web-0123456789abcdef_bg.wasm";
const SCRIPT: &str = "portcullis-web-0123456789abcdef.js";

async fn portal_assets_are_served_precompressed_as_the_client_accepts(app: TestApp) {
    let portal = tempfile::tempdir().unwrap();
    let write = |name: &str, body: &[u8]| std::fs::write(portal.path().join(name), body).unwrap();
    write("index.html", b"<!doctype html><title>Portal</title>");
    write(WASM, b"\0asm plain");
    write(&format!("{WASM}.br"), b"brotli bytes");
    write(&format!("{WASM}.gz"), b"gzip bytes, longer");
    write(SCRIPT, b"export default 1;");
    write(&format!("{SCRIPT}.gz"), b"gzipped script");
    write("style.css", b"body { margin: 0 }");
    let dir = portal.path().to_str().unwrap();
    let app = app
        .second_process_with(&[("PORTCULLIS_STATIC_DIR", dir)])
        .await;
    let client = reqwest::Client::new();
    let fetch = |path: String, accept| get_encoded(&client, &app.address, &path, accept);
    const IMMUTABLE: &str = "public, max-age=31536000, immutable";

    // (Accept-Encoding, the encoding answered, the body): brotli when the client takes it
    // (Chromium lists gzip first), gzip by q-value or when brotli is refused, else plain.
    for (accept, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "brotli bytes"),
        (Some("br"), Some("br"), "brotli bytes"),
        (Some("gzip"), Some("gzip"), "gzip bytes, longer"),
        (Some("br;q=0.5, gzip"), Some("gzip"), "gzip bytes, longer"),
        (Some("*, br;q=0"), Some("gzip"), "gzip bytes, longer"),
        (Some("identity"), None, "\0asm plain"),
        (None, None, "\0asm plain"),
    ] {
        let response = fetch(format!("/{WASM}"), accept).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{accept:?}");
        assert_eq!(
            header_of(&response, "content-encoding"),
            encoding,
            "{accept:?}"
        );
        assert_eq!(
            header_of(&response, "content-type"),
            Some("application/wasm"),
            "{accept:?}"
        );
        assert_eq!(header_of(&response, "vary"), Some("Accept-Encoding"));
        assert_eq!(header_of(&response, "cache-control"), Some(IMMUTABLE));
        assert_eq!(
            header_of(&response, "content-length"),
            Some(body.len().to_string().as_str()),
            "{accept:?}"
        );
        assert!(header_of(&response, "content-disposition").is_none());
        assert_security_headers(&response);
        assert_eq!(response.text().await.unwrap(), body, "{accept:?}");
    }

    // A HEAD answers the same headers.
    let head = client
        .head(format!("{}/{WASM}", app.address))
        .header(header::ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header_of(&head, "content-encoding"), Some("br"));

    // No brotli copy of the script: its gzip copy, as JavaScript.
    let script = fetch(format!("/{SCRIPT}"), Some("br, gzip")).await.unwrap();
    assert_eq!(header_of(&script, "content-encoding"), Some("gzip"));
    assert!(
        header_of(&script, "content-type").is_some_and(|t| t.starts_with("text/javascript")),
        "{:?}",
        header_of(&script, "content-type")
    );
    assert_eq!(script.text().await.unwrap(), "gzipped script");

    // Without a hash in its name a file is not cached as immutable; the index is not stored.
    let style = fetch("/style.css".into(), None).await.unwrap();
    assert_eq!(style.status(), StatusCode::OK);
    assert_eq!(header_of(&style, "cache-control"), None);
    let index = fetch("/".into(), Some("br, gzip")).await.unwrap();
    assert_eq!(header_of(&index, "cache-control"), Some("no-store"));

    // A missing asset is a 404 problem, not the index under an asset's name.
    let missing = fetch("/portcullis-web-ffffffffffffffff.js".into(), Some("br"))
        .await
        .unwrap();
    expect_problem(missing, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    // Nothing outside the portal's directory: an encoded slash stays in the name.
    let outside = fetch("/..%2Fportcullis.db.js".into(), None).await.unwrap();
    assert_eq!(outside.status(), StatusCode::NOT_FOUND);
}

/// The API's own answers are compressed as negotiated with the client's
/// `Accept-Encoding` (gzip or deflate), problems and health checks included,
/// with the security headers; a client that allows none of ours is told so.
async fn api_answers_are_compressed_as_the_client_accepts(app: TestApp) {
    let client = reqwest::Client::new();
    let fetch = |path: &str, accept| get_encoded(&client, &app.address, path, accept);
    let gunzip = |bytes: &[u8]| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(bytes), &mut text).unwrap();
        text
    };

    let plain = fetch("/livez", None).await.unwrap();
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(header_of(&plain, "content-encoding"), None);
    let plain_body = plain.text().await.unwrap();

    for accept in ["gzip", "br, gzip;q=0.8", "deflate;q=0.1, gzip"] {
        let gzipped = fetch("/livez", Some(accept)).await.unwrap();
        assert_eq!(gzipped.status(), StatusCode::OK, "{accept}");
        assert_eq!(
            header_of(&gzipped, "content-encoding"),
            Some("gzip"),
            "{accept}"
        );
        assert_eq!(
            header_of(&gzipped, "vary"),
            Some("accept-encoding"),
            "{accept}"
        );
        assert_eq!(assert_security_headers(&gzipped), JSON_CSP);
        assert!(header_of(&gzipped, "x-request-id").is_some());
        let body = gunzip(&gzipped.bytes().await.unwrap());
        assert_eq!(body, plain_body, "{accept}");
        let health: HealthDto = serde_json::from_str(&body).unwrap();
        assert_eq!(health.status, "ok");
    }
    let deflated = fetch("/livez", Some("deflate")).await.unwrap();
    assert_eq!(header_of(&deflated, "content-encoding"), Some("deflate"));

    // A stray error's problem is compressed too.
    let missing = fetch("/no-such-page", Some("gzip")).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(header_of(&missing, "content-encoding"), Some("gzip"));
    let problem: serde_json::Value =
        serde_json::from_str(&gunzip(&missing.bytes().await.unwrap())).unwrap();
    assert_eq!(problem["code"], "not_found");

    // Identity refused and nothing else offered: 406, naming what we have.
    let refused = fetch("/livez", Some("identity;q=0")).await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_ACCEPTABLE);
    assert_eq!(header_of(&refused, "vary"), Some("Accept-Encoding"));
    assert_security_headers(&refused);
    assert_eq!(refused.text().await.unwrap(), "identity, gzip, deflate");
}

async fn plain_http_sends_no_hsts_and_no_secure_cookies(app: TestApp) {
    assert!(app.address.starts_with("http://"));
    let token = app
        .requested_signup_link(&signup_request("plain@example.com"))
        .await;
    let signup = app.confirm_signup(&token).await;
    assert_eq!(signup.status(), StatusCode::OK);
    let login = app.login("plain@example.com", GOOD_PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    assert_eq!(header_of(&login, "strict-transport-security"), None);
    let mut cookies = set_cookies(&signup);
    cookies.extend(set_cookies(&login));
    assert!(cookies.len() >= 2, "{cookies:?}");
    assert!(cookies.iter().all(|c| !c.contains("Secure")), "{cookies:?}");
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

async fn tls_serves_hsts_and_secure_cookies(app: TestApp) {
    assert!(app.address.starts_with("https://"), "{}", app.address);
    let livez = app.get(routes::LIVEZ).await;
    assert_eq!(livez.status(), StatusCode::OK);
    assert_eq!(header_of(&livez, "strict-transport-security"), Some(HSTS));
    assert_security_headers(&livez);

    let missing = app.get("/api/v1/nothing-here").await;
    assert_eq!(header_of(&missing, "strict-transport-security"), Some(HSTS));

    // The device and session cookies come with the sign-up's confirmation,
    // and a session again with the login.
    let token = app
        .requested_signup_link(&signup_request("tls@example.com"))
        .await;
    let signup = app.confirm_signup(&token).await;
    assert_eq!(signup.status(), StatusCode::OK);
    let login = app.login("tls@example.com", GOOD_PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    assert_eq!(header_of(&login, "strict-transport-security"), Some(HSTS));
    let mut cookies = set_cookies(&signup);
    cookies.extend(set_cookies(&login));
    for name in [SESSION_COOKIE, DEVICE_COOKIE] {
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"));
        assert!(cookie.contains("; Secure"), "{cookie}");
        assert!(cookie.contains("; HttpOnly"), "{cookie}");
    }
    // The session works over TLS.
    assert_eq!(app.me().await.status(), StatusCode::OK);
}

/// Shakes hands with an OpenSSL client that trusts `ca_pem`, limited to
/// `max` (or its newest), and answers the negotiated version or the error.
fn openssl_handshake(port: u16, ca_pem: &str, max: Option<SslVersion>) -> Result<String, String> {
    let mut builder = SslConnector::builder(SslMethod::tls_client()).unwrap();
    // OpenSSL 3 will not offer TLS 1.0/1.1 itself above security level 0:
    // lowered, the refusal this sees is the server's.
    builder.set_cipher_list("DEFAULT:@SECLEVEL=0").unwrap();
    builder
        .set_min_proto_version(Some(SslVersion::TLS1))
        .unwrap();
    builder.set_max_proto_version(max).unwrap();
    builder
        .cert_store_mut()
        .add_cert(X509::from_pem(ca_pem.as_bytes()).unwrap())
        .unwrap();
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    builder
        .build()
        .connect("localhost", stream)
        .map(|tls| tls.ssl().version_str().to_owned())
        .map_err(|e| e.to_string())
}

async fn tls_1_2_is_the_oldest_version_served(app: TestApp) {
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    let ca_pem = app.tls.as_ref().expect("a TLS server").ca_pem.clone();
    let handshake = |max| {
        let ca_pem = ca_pem.clone();
        async move {
            tokio::task::spawn_blocking(move || openssl_handshake(port, &ca_pem, max))
                .await
                .unwrap()
        }
    };
    assert_eq!(handshake(None).await.as_deref(), Ok("TLSv1.3"));
    assert_eq!(
        handshake(Some(SslVersion::TLS1_2)).await.as_deref(),
        Ok("TLSv1.2")
    );
    for old in [SslVersion::TLS1_1, SslVersion::TLS1] {
        // rustls answers a pre-1.2 ClientHello with a fatal alert (here
        // handshake_failure: such a hello offers none of the signature schemes
        // its certificates need). "SSL alert number" is OpenSSL's word for an
        // alert received: the refusal is the server's, not this client's.
        let refused = handshake(Some(old)).await.expect_err("an old TLS version");
        assert!(
            refused.contains("SSL alert number"),
            "the server should refuse with a fatal alert: {refused}"
        );
    }
}

on_both_backends!(
    every_answer_carries_the_security_headers,
    the_portal_allows_exactly_its_own_inline_loader,
    portal_assets_are_served_precompressed_as_the_client_accepts,
    api_answers_are_compressed_as_the_client_accepts,
    plain_http_sends_no_hsts_and_no_secure_cookies,
);

on_both_backends!(tls = true;
    tls_serves_hsts_and_secure_cookies,
    tls_1_2_is_the_oldest_version_served,
);
