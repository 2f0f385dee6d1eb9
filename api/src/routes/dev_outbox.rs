//! `/api/v1/dev/outbox`: development only. Lets developers and tests read the
//! codes the outbox transports stored. Answers 404, like any unknown path,
//! unless `PORTCULLIS_DEV_OUTBOX=true`.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::{
    dto::{OutboxMessageDto, OutboxPage, OutboxQuery},
    problem::Problem,
    routes,
};

use super::responses::StorageUnavailable;
use crate::{
    error::{ApiError, ApiResult},
    services::{delivery, rfc3339, AppState},
};

endpoints! {
    routes::DEV_OUTBOX => get(outbox);
}

/// Development only: messages stored instead of sent, newest first.
///
/// Off (404 `not_found`) unless the server runs with `PORTCULLIS_DEV_OUTBOX=true`.
/// Never enable it in production: it shows every code sent.
#[utoipa::path(
    get,
    path = "/api/v1/dev/outbox",
    operation_id = "read_dev_outbox",
    tag = "development",
    params(OutboxQuery),
    responses(
        (status = 200, description = "The newest 50 stored messages", body = OutboxPage),
        (status = 400, description = "Malformed query (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The development outbox is not enabled (`not_found`)", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
pub async fn outbox(
    state: web::Data<AppState>,
    query: web::Query<OutboxQuery>,
) -> ApiResult<HttpResponse> {
    if !state.config.delivery.dev_outbox {
        return Err(ApiError::NotFound);
    }
    let messages = delivery::read_outbox(&state.db, query.into_inner().recipient)
        .await?
        .into_iter()
        .map(|message| OutboxMessageDto {
            id: message.id,
            channel: message.channel,
            recipient: message.recipient,
            subject: message.subject,
            body: message.body,
            purpose: message.purpose,
            created_at: rfc3339(message.created_at),
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(OutboxPage { messages }))
}
