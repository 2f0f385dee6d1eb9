//! Cross-cutting request guards: panics and stray errors become problem bodies,
//! state-changing portal requests need a CSRF header.

use std::panic::AssertUnwindSafe;

use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{header, Method, StatusCode},
    middleware::{ErrorHandlerResponse, Next},
    HttpMessage,
};
use futures_util::FutureExt;
use portcullis_shared::{problem::PROBLEM_CONTENT_TYPE, routes::CSRF_HEADER};

use crate::error::{problem_response, ApiError};

/// A panicking handler answers 500 problem+json instead of dropping the
/// connection. The request itself is gone with the panic, so the response
/// travels as an error whose body was rendered here, inside the request's scope.
pub async fn catch_panic(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match AssertUnwindSafe(async move { next.call(req).await })
        .catch_unwind()
        .await
    {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".into());
            let error = ApiError::Internal(anyhow::anyhow!("handler panicked: {message}"));
            let response = actix_web::ResponseError::error_response(&error);
            Err(actix_web::error::InternalError::from_response(error, response).into())
        }
    }
}

/// Turns any error response that is not already problem+json (actix's own 404,
/// 405, 413…) into one, so clients never see a plain-text default.
pub fn problem_for_stray_error<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // Our own error bodies are problem+json, or (OAuth endpoints) JSON in the
    // RFC 6749 shape; actix's defaults are plain text.
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_CONTENT_TYPE) || v.starts_with("application/json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
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
    let (request, _) = response.into_parts();
    let mut problem = error.to_problem();
    if let Some(id) = request.extensions().get::<crate::telemetry::RequestId>() {
        problem.request_id = Some(id.0.clone());
    }
    let response = problem_response(&problem).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, response).map_into_right_body(),
    ))
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// State-changing `/api/v1` requests that are not bearer-authenticated must
/// carry `X-CSRF-Token`: a cross-site form cannot set a custom header, and a
/// cross-site script cannot without a CORS preflight we never grant. The
/// session's own token is checked against it by the `PortalUser` extractor.
pub async fn require_csrf_header(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // Only the portal's API uses cookies; OAuth endpoints authenticate clients by secret.
    let needs_header = req.path().starts_with("/api/")
        && is_state_changing(req.method())
        && !req.headers().contains_key(header::AUTHORIZATION);
    let has_header = req
        .headers()
        .get(CSRF_HEADER)
        .is_some_and(|v| !v.as_bytes().is_empty());
    if needs_header && !has_header {
        let response = actix_web::ResponseError::error_response(&ApiError::CsrfFailed);
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use actix_web::{middleware::from_fn, test, web, App, HttpResponse};
    use portcullis_shared::problem::{Problem, ProblemCode};

    use super::*;

    async fn explode() -> HttpResponse {
        panic!("boom")
    }

    #[actix_web::test]
    async fn a_panicking_handler_answers_500_problem_json() {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(catch_panic))
                .wrap(from_fn(crate::telemetry::request_log))
                .route("/explode", web::get().to(explode))
                .route("/fine", web::get().to(HttpResponse::Ok)),
        )
        .await;
        // The server turns this error into its pre-rendered response.
        let error =
            test::try_call_service(&app, test::TestRequest::get().uri("/explode").to_request())
                .await
                .err()
                .expect("the panic surfaces as an error response");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            PROBLEM_CONTENT_TYPE
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
}
