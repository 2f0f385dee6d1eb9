//! `/livez` and `/readyz` for orchestrators.

use actix_web::{web, HttpResponse};
use portcullis_shared::{dto::HealthDto, problem::Problem, routes};

use crate::{error::ApiResult, services::AppState};

endpoints! {
    routes::LIVEZ => get(livez);
    routes::READYZ => get(readyz);
}

fn ok() -> HttpResponse {
    HttpResponse::Ok().json(HealthDto {
        status: "ok".into(),
    })
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
