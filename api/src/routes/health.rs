//! `/livez` and `/readyz` for orchestrators.

use actix_web::{
    http::header::{self, HeaderValue},
    web, HttpResponse,
};
use portcullis_shared::{dto::HealthDto, problem::Problem, routes};

use crate::{error::ApiResult, services::AppState};

endpoints! {
    routes::LIVEZ => get(livez);
    routes::READYZ => get(readyz);
}

/// `HealthDto { status: "ok" }` as JSON, serialized once: orchestrators and
/// load balancers ask often, and the answer never changes.
const OK_BODY: &str = r#"{"status":"ok"}"#;

fn ok() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ))
        .body(OK_BODY)
}

/// The process is up.
#[utoipa::path(get, path = "/livez", tag = "operations", responses((status = 200, description = "Up", body = HealthDto)))]
pub async fn livez() -> HttpResponse {
    ok()
}

/// Storage answers: the process can serve requests.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = HealthDto),
        (status = 503, description = "Storage unreachable (`unavailable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    state.db.ping().await?;
    Ok(ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_static_body_is_the_dto_serialized() {
        let dto = HealthDto {
            status: "ok".into(),
        };
        assert_eq!(OK_BODY, serde_json::to_string(&dto).unwrap());
    }
}
