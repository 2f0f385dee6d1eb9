//! Cross-cutting request guards: panics and stray errors become problem bodies,
//! state-changing portal requests need a CSRF header, every response carries
//! the security headers.

use std::future::{ready, Ready};

use actix_http::encoding::Encoder;
use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    http::{
        header::{
            self, AcceptEncoding, ContentEncoding, Encoding, HeaderMap, HeaderName, HeaderValue,
        },
        Method, StatusCode,
    },
    HttpMessage,
};
use futures_util::{
    future::{Either, Map},
    FutureExt,
};
use portcullis_shared::problem::PROBLEM_CONTENT_TYPE;

use crate::error::{problem_response, ApiError};

/// The error a panicking handler's request travels on as: 500 problem+json
/// instead of a dropped connection. The request itself is gone with the
/// panic, so the response travels as an error whose body was rendered here,
/// inside the request's scope.
pub(crate) fn panic_error(panic: Box<dyn std::any::Any + Send>) -> actix_web::Error {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".into());
    let error = ApiError::Internal(anyhow::anyhow!("handler panicked: {message}"));
    let response = actix_web::ResponseError::error_response(&error);
    actix_web::error::InternalError::from_response(error, response).into()
}

/// A served answer as it leaves: a stray error as problem+json (see
/// [`problem_for_stray_error`]), then compressed as negotiated ([`compress`]).
/// Called by the request log's future ([`crate::telemetry::RequestLog`]) in
/// the request's id scope, before the security headers. (Its body is mapped
/// once: each map moves the whole answer.)
pub(crate) fn finish<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
    encoding: ContentEncoding,
) -> ServiceResponse<EitherBody<Encoder<EitherBody<B>>>> {
    match problem_for_stray_error(response) {
        Checked::AsItWas(response) => compress(response, encoding, EitherBody::left),
        Checked::Problem(problem) => compress(problem, encoding, EitherBody::right),
    }
}

/// An answer as [`problem_for_stray_error`] leaves it.
enum Checked<B> {
    AsItWas(ServiceResponse<B>),
    /// The problem+json that replaces a stray error.
    Problem(ServiceResponse),
}

/// Turns any error response (4xx, 5xx) that is not already problem+json
/// (actix's own 404, 405, 413…) into one, so clients never see a plain-text
/// default; any other answer is given back as it is.
fn problem_for_stray_error<B>(response: ServiceResponse<B>) -> Checked<B> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Checked::AsItWas(response);
    }
    // Our own error bodies are problem+json, or (OAuth endpoints) JSON in the
    // RFC 6749 shape; actix's defaults are plain text.
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_CONTENT_TYPE) || v.starts_with("application/json"));
    if is_problem {
        return Checked::AsItWas(response);
    }
    let cors_refusal = response
        .response()
        .error()
        .and_then(|e| e.as_error::<actix_cors::CorsError>())
        .map(ToString::to_string);
    let error = match response.status() {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        status if status.is_client_error() => ApiError::MalformedBody(
            status
                .canonical_reason()
                .unwrap_or("Bad request")
                .to_owned(),
        ),
        status => ApiError::Internal(anyhow::anyhow!(
            "unhandled error response with status {status}"
        )),
    };
    // A preflight from an origin not in PORTCULLIS_CORS_ORIGINS, or asking for
    // a method or header we do not allow.
    let error = cors_refusal.map_or(error, ApiError::Forbidden);
    let (request, _) = response.into_parts();
    let mut problem = error.to_problem();
    problem.request_id = crate::telemetry::current_request_id();
    let response = problem_response(&problem).map_into_boxed_body();
    Checked::Problem(ServiceResponse::new(request, response))
}

/// [`portcullis_shared::routes::CSRF_HEADER`] as a header name, made once
/// (a `&str` is parsed into one at every lookup).
pub(crate) const CSRF_HEADER_NAME: HeaderName = HeaderName::from_static("x-csrf-token");

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// State-changing `/api/v1` requests that are not bearer-authenticated must
/// carry `X-CSRF-Token`: a cross-site form cannot set a custom header, and a
/// cross-site script cannot without a CORS preflight we never grant. The
/// session's own token is checked against it by the `PortalUser` extractor.
///
/// Then adds the RateLimit headers (draft-ietf-httpapi-ratelimit-headers-06:
/// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` in seconds,
/// and `RateLimit-Policy`) to every answer of a credential with a request
/// rate limit, the `429` included. Others' answers are untouched. (One
/// middleware for both, its future the wrapped service's own with a function
/// mapped over its answer: no allocation per request.)
pub struct CsrfAndRateLimitHeaders;

/// [`CsrfAndRateLimitHeaders`] around one worker's service.
pub struct CsrfAndRateLimitHeadersService<S> {
    service: S,
}

/// What [`CsrfAndRateLimitHeadersService`] answers.
type Answer<B> = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

impl<S, B> Transform<S, ServiceRequest> for CsrfAndRateLimitHeaders
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = CsrfAndRateLimitHeadersService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CsrfAndRateLimitHeadersService { service }))
    }
}

impl<S, B> Service<ServiceRequest> for CsrfAndRateLimitHeadersService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    #[allow(clippy::type_complexity)] // the two futures, named
    type Future = Either<
        Ready<Answer<B>>,
        Map<S::Future, fn(Result<ServiceResponse<B>, actix_web::Error>) -> Answer<B>>,
    >;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // Only the portal's API uses cookies; OAuth endpoints authenticate clients by secret.
        // Leak reports come from anyone (secret scanners), with no cookie to ride on.
        let needs_header = req.path().starts_with("/api/")
            && is_state_changing(req.method())
            && !req.headers().contains_key(header::AUTHORIZATION)
            && req.path() != portcullis_shared::routes::TOKEN_LEAKS;
        let has_header = || {
            req.headers()
                .get(&CSRF_HEADER_NAME)
                .is_some_and(|v| !v.as_bytes().is_empty())
        };
        if needs_header && !has_header() {
            let response = actix_web::ResponseError::error_response(&ApiError::CsrfFailed);
            return Either::Left(ready(Ok(req.into_response(response).map_into_right_body())));
        }
        Either::Right(
            self.service
                .call(req)
                .map(with_rate_limit_headers::<B> as fn(_) -> _),
        )
    }
}

/// A served request's answer with its RateLimit headers.
fn with_rate_limit_headers<B>(result: Result<ServiceResponse<B>, actix_web::Error>) -> Answer<B> {
    let mut response = result?;
    add_rate_limit_headers(&mut response);
    Ok(response.map_into_left_body())
}

/// Where Swagger UI is served: its bundle styles elements inline, so it gets
/// a looser policy than the portal.
const API_DOCS_PREFIX: &str = "/api/docs";

/// What a path serves, as far as its security headers go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathKind {
    /// Swagger UI, under [`API_DOCS_PREFIX`].
    Docs,
    /// The API and OAuth endpoints: answers per caller.
    Api,
    /// The portal's files and pages, health checks.
    Other,
}

impl PathKind {
    pub(crate) fn of(path: &str) -> Self {
        if path.starts_with(API_DOCS_PREFIX) {
            Self::Docs
        } else if ["/api/", "/oauth/"].iter().any(|p| path.starts_with(p)) {
            Self::Api
        } else {
            Self::Other
        }
    }
}

/// The policy of JSON answers (the API's, problems, health checks): they load
/// nothing and are never framed. Every directive of the portal's policy is
/// matched or tightened (`base-uri` and `form-action` do not fall back to
/// `default-src`, so they are named), in a fifth of its bytes.
const JSON_CSP: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Whether an answer is JSON (`application/json`, `application/problem+json`).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .map(HeaderValue::as_bytes)
        .is_some_and(|v| {
            v.starts_with(b"application/json") || v.starts_with(PROBLEM_CONTENT_TYPE.as_bytes())
        })
}

/// The security headers, computed once at start-up.
pub struct SecurityHeaders {
    portal_csp: HeaderValue,
    docs_csp: HeaderValue,
    json_csp: HeaderValue,
    /// Those every response carries, whatever its path.
    common: Vec<(HeaderName, HeaderValue)>,
}

impl SecurityHeaders {
    /// `portal_script_hashes` are the CSP hash sources (`'sha256-…'`) of the
    /// portal's inline scripts (trunk's loader); `hsts` is set when the server
    /// terminates TLS itself.
    pub fn new(portal_script_hashes: &[String], hsts: bool) -> Self {
        // The portal loads only its own files; the wasm needs 'wasm-unsafe-eval'
        // to be compiled, which lets no JavaScript string be evaluated. The
        // two-factor QR code is a data: SVG image.
        let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
        for hash in portal_script_hashes {
            script_src.push(' ');
            script_src.push_str(hash);
        }
        let portal_csp = format!(
            "default-src 'self'; script-src {script_src}; style-src 'self'; \
             img-src 'self' data:; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
        );
        let docs_csp = "default-src 'self'; script-src 'self'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        let mut common = vec![
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::X_FRAME_OPTIONS, "DENY"),
            // Reset links carry their token in the URL; nothing the portal links
            // to needs to know where the visitor came from.
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CROSS_ORIGIN_OPENER_POLICY, "same-origin"),
        ];
        if hsts {
            common.push((
                header::STRICT_TRANSPORT_SECURITY,
                "max-age=31536000; includeSubDomains",
            ));
        }
        Self {
            portal_csp: HeaderValue::from_str(&portal_csp)
                .expect("hash sources are base64, a valid header value"),
            docs_csp: HeaderValue::from_static(docs_csp),
            json_csp: HeaderValue::from_static(JSON_CSP),
            common: common
                .into_iter()
                .map(|(name, value)| (name, HeaderValue::from_static(value)))
                .collect(),
        }
    }

    fn apply(&self, kind: PathKind, headers: &mut HeaderMap) {
        for (name, value) in &self.common {
            headers.insert(name.clone(), value.clone());
        }
        let csp = match kind {
            _ if is_json(headers) => &self.json_csp,
            PathKind::Docs => &self.docs_csp,
            _ => &self.portal_csp,
        };
        headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
        // API answers are per caller and often carry secrets: never stored
        // unless the handler chose a caching policy (the public JWKS does).
        if kind == PathKind::Api && !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

/// Adds the security headers to a served request's answer, including errors
/// that are still travelling as `Err`: their pre-rendered response gets them
/// and travels on. Called by the request log's future
/// ([`crate::telemetry::RequestLog`]) inside the request's id scope, with the
/// panic guard ([`panic_error`]) around the call and every poll of the
/// wrapped service: one middleware for all three, as each layer costs every
/// request moves of its future and of its response.
pub(crate) fn secure<B>(
    headers: &SecurityHeaders,
    kind: PathKind,
    result: &mut Result<ServiceResponse<B>, actix_web::Error>,
) {
    match result {
        Ok(response) => headers.apply(kind, response.headers_mut()),
        Err(error) => {
            let mut response = error.error_response();
            headers.apply(kind, response.headers_mut());
            let error = std::mem::replace(error, actix_web::error::ErrorInternalServerError(""));
            *result = Err(actix_web::error::InternalError::from_response(error, response).into());
        }
    }
}

/// The encodings an answer may be compressed with, in the order actix-web's
/// `Compress` offers them (its gzip and deflate are built in).
static ENCODINGS: [Encoding; 3] = [Encoding::identity(), Encoding::gzip(), Encoding::deflate()];

/// The encoding the request's `Accept-Encoding` takes of ours (identity when
/// it sends none), as actix-web's `Compress` negotiates it; `None` when it
/// allows none of them.
pub(crate) fn negotiate_encoding(req: &ServiceRequest) -> Option<ContentEncoding> {
    let Some(accepted) = req.get_header::<AcceptEncoding>() else {
        return Some(ContentEncoding::Identity);
    };
    match accepted.negotiate(ENCODINGS.iter())? {
        Encoding::Known(encoding) => Some(encoding),
        Encoding::Unknown(_) => Some(ContentEncoding::Identity),
    }
}

/// The answer to a request whose `Accept-Encoding` allows none of ours: 406
/// with the ones we have, as actix-web's `Compress` answers it.
pub(crate) fn refuse_encodings<B>(req: ServiceRequest) -> ServiceResponse<EitherBody<B>> {
    let mut response =
        actix_web::HttpResponse::with_body(StatusCode::NOT_ACCEPTABLE, "identity, gzip, deflate");
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    req.into_response(response)
        .map_into_boxed_body()
        .map_into_right_body()
}

/// The answer compressed with `encoding` (what [`negotiate_encoding`] chose),
/// unless it is an image other than SVG or a video (actix-web's `Compress`
/// rule), or empty, or encoded already (`Encoder::response`'s).
fn compress<B, C: MessageBody + 'static>(
    response: ServiceResponse<B>,
    encoding: ContentEncoding,
    body_as: impl FnOnce(B) -> C,
) -> ServiceResponse<EitherBody<Encoder<C>>> {
    response.map_body(|head, body| {
        let encoding = match head.headers.get(header::CONTENT_TYPE) {
            // (Identity needs no look at the media type.)
            Some(content_type)
                if encoding != ContentEncoding::Identity && !compressible(content_type) =>
            {
                ContentEncoding::Identity
            }
            _ => encoding,
        };
        EitherBody::left(Encoder::response(encoding, head, body_as(body)))
    })
}

/// Whether a `Content-Type` is worth compressing: all but images (SVG
/// excepted) and videos, from the parsed media type, as actix-web's
/// `Compress` decides (`image/svg+xml` has the subtype `svg`).
fn compressible(content_type: &HeaderValue) -> bool {
    use actix_web::mime;
    let parsed = content_type
        .to_str()
        .ok()
        .and_then(|text| text.parse::<mime::Mime>().ok());
    match parsed {
        Some(media) if media.type_() == mime::IMAGE => media.subtype() == mime::SVG,
        Some(media) => media.type_() != mime::VIDEO,
        None => true,
    }
}

/// The RateLimit headers of a credential with a request rate limit (set by
/// the credential's check in the request's extensions).
fn add_rate_limit_headers<B>(response: &mut ServiceResponse<B>) {
    let rate = response
        .request()
        .extensions()
        .get::<crate::services::tokens::policies::RateStatus>()
        .copied();
    if let Some(rate) = rate {
        let headers = response.headers_mut();
        for (name, value) in [
            ("ratelimit-limit", rate.limit.to_string()),
            ("ratelimit-remaining", rate.remaining.to_string()),
            ("ratelimit-reset", rate.reset_secs.to_string()),
            ("ratelimit-policy", format!("{};w=60", rate.limit)),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{test, web, App, HttpResponse};
    use portcullis_shared::problem::{Problem, ProblemCode};

    use super::*;

    async fn explode() -> HttpResponse {
        panic!("boom")
    }

    #[actix_web::test]
    async fn a_panicking_handler_answers_500_problem_json_with_the_security_headers() {
        let app = test::init_service(
            App::new()
                .wrap(crate::telemetry::RequestLog::new(
                    web::Data::new(crate::metrics::Metrics::new()),
                    web::Data::new(SecurityHeaders::new(&["'sha256-abc='".to_owned()], true)),
                ))
                .route("/explode", web::get().to(explode))
                .route("/fine", web::get().to(HttpResponse::Ok)),
        )
        .await;
        // The server turns this error into its pre-rendered response.
        let error =
            test::try_call_service(&app, test::TestRequest::get().uri("/explode").to_request())
                .await
                .expect_err("the panic surfaces as an error response");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers();
        assert_eq!(
            headers.get(header::CONTENT_TYPE).unwrap(),
            PROBLEM_CONTENT_TYPE
        );
        // The security headers reach even this pre-rendered response (a
        // problem, so the JSON policy).
        assert_eq!(
            headers.get(header::CONTENT_SECURITY_POLICY).unwrap(),
            JSON_CSP
        );
        assert_eq!(headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
        assert_eq!(
            headers.get(header::STRICT_TRANSPORT_SECURITY).unwrap(),
            "max-age=31536000; includeSubDomains"
        );
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let problem: Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem.code, ProblemCode::Internal);
        assert!(problem.request_id.is_some());
        assert!(
            !problem.detail.unwrap_or_default().contains("boom"),
            "panic text stays in the logs"
        );
        // The worker survives and serves the next request.
        let response =
            test::call_service(&app, test::TestRequest::get().uri("/fine").to_request()).await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[actix_web::test]
    async fn only_images_but_svg_and_videos_are_left_uncompressed() {
        for (content_type, expected) in [
            ("application/json", true),
            ("application/problem+json", true),
            ("text/html; charset=utf-8", true),
            ("application/wasm", true),
            ("image/svg+xml", true),
            ("IMAGE/SVG+XML; charset=utf-8", true),
            ("image/png", false),
            ("Image/PNG", false),
            ("video/mp4", false),
            ("not a media type", true),
        ] {
            let value = HeaderValue::from_static(content_type);
            assert_eq!(compressible(&value), expected, "{content_type}");
        }
    }

    #[actix_web::test]
    async fn only_swagger_ui_may_style_inline_and_api_answers_are_not_stored() {
        let policy = SecurityHeaders::new(&[], false);
        let csp_for = |path: &str| {
            let mut headers = HeaderMap::new();
            policy.apply(PathKind::of(path), &mut headers);
            assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
            let cache = headers.get(header::CACHE_CONTROL).cloned();
            let csp = headers.get(header::CONTENT_SECURITY_POLICY).unwrap();
            (csp.to_str().unwrap().to_owned(), cache)
        };
        let (docs, docs_cache) = csp_for("/api/docs/index.css");
        assert!(docs.contains("style-src 'self' 'unsafe-inline'"), "{docs}");
        assert_eq!(docs_cache, None);
        let (api, api_cache) = csp_for("/api/v1/me");
        assert!(!api.contains("unsafe-inline"), "{api}");
        assert_eq!(api_cache, Some(HeaderValue::from_static("no-store")));
        assert_eq!(csp_for("/login").1, None);
    }

    #[actix_web::test]
    async fn json_answers_get_the_strict_policy_wherever_they_are_served() {
        let policy = SecurityHeaders::new(&["'sha256-abc='".to_owned()], false);
        for (path, content_type, expected) in [
            ("/livez", "application/json", JSON_CSP),
            ("/api/v1/me", "application/problem+json", JSON_CSP),
            ("/api/docs/openapi.json", "application/json", JSON_CSP),
            ("/nothing-here", "application/problem+json", JSON_CSP),
            ("/login", "text/html; charset=utf-8", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            policy.apply(PathKind::of(path), &mut headers);
            assert_eq!(
                headers.get(header::CONTENT_SECURITY_POLICY).unwrap(),
                expected,
                "{path}"
            );
        }
    }
}
