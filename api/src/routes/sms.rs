//! `/api/v1/sms`: send and read messages (scope `sms`).

use actix_web::{web, HttpRequest, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{MessageDto, SendSmsBatchRequest, SendSmsRequest, SmsBatchDto, SmsBatchPageDto},
    problem::Problem,
    routes,
};
use serde::Deserialize;

use super::responses::{CredentialRateLimited, MalformedJson, StorageUnavailable};
use crate::{
    auth::Caller,
    error::ApiResult,
    services::{
        sms::{batches, messages},
        AppState,
    },
};

endpoints! {
    routes::SMS => post(send_sms).get(list_sms);
    // Before `/api/v1/sms/{id}`, which `batches` would match too.
    routes::SMS_BATCHES => post(send_sms_batch).get(list_sms_batches);
    // Before `/api/v1/sms/batches/{id}` (whose paths it never matches, having
    // one more segment): the router captures a dynamic path with a regular
    // expression per resource it tries, and integrators read messages most.
    routes::SMS_MESSAGE => get(get_sms);
    routes::SMS_BATCH => get(get_sms_batch);
}

/// Query of `GET /api/v1/sms/batches/{id}`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchQuery {
    /// Only recipients after this index (the previous page's `next_after`).
    after: Option<i64>,
    /// Page size, 1 to 1,000 (default 100).
    limit: Option<i64>,
}

/// Query of `GET /api/v1/sms`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only messages older than this message id (for the next page).
    before: Option<String>,
    /// Page size, 1 to 100 (default 50).
    limit: Option<i64>,
}

/// Send an SMS.
///
/// Checks the number, the text, the sender name, the account's country filter
/// and its points balance; then charges the points and queues the message in
/// one step. A refused request charges and queues nothing. With an
/// `Idempotency-Key`, a retry returns the first message (200) and never sends
/// or charges twice. A key belongs to its sender (the login, and the token or
/// OAuth client it sends with): another sender's key is simply a new key. The
/// same key with a different request is refused (`409 idempotency_key_reused`).
#[utoipa::path(
    post,
    path = "/api/v1/sms",
    tag = "integrator",
    request_body = SendSmsRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "1 to 255 visible ASCII characters; a retry of the same request with the same key returns the first message")),
    security(("bearer" = ["sms"]), ("session" = [])),
    responses(
        (status = 201, description = "Queued and charged", body = MessageDto),
        (status = 200, description = "Already sent with this Idempotency-Key: the first message", body = MessageDto),
        (status = 401, description = "Token missing, invalid, expired, disabled or revoked, or no live session", body = Problem, content_type = "application/problem+json"),
        (status = 402, description = "The balance does not cover the message (`insufficient_points`), it would pass the subuser's monthly limit (`points_limit_reached`), or the token's or OAuth client's daily or monthly points cap (`token_points_cap_reached`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Scope `sms` missing, a subuser without `sms` (`permission_denied`), outside the subuser's sending hours (`outside_sending_hours`, with `opens_at` and `Retry-After`) or the credential policy's window (`outside_token_window`, likewise), address not allowed, missing X-CSRF-Token, destination blocked by the country filter (`country_not_allowed`) or by the credential's policy (`token_country_not_allowed`, with `country`), or beyond the home country of an account on trial (`trial_restricted`)", body = Problem, content_type = "application/problem+json"),
        CredentialRateLimited,
        (status = 409, description = "This sender used the Idempotency-Key for a different request (`idempotency_key_reused`); nothing was sent or charged", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid number, text, sender or Idempotency-Key (`validation_failed`)", body = Problem, content_type = "application/problem+json"),
        MalformedJson,
        StorageUnavailable,
    )
)]
pub async fn send_sms(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SendSmsRequest>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::SendSms)?;
    let key = messages::parse_idempotency_key(
        req.headers()
            .get(routes::IDEMPOTENCY_KEY_HEADER)
            .map(|v| v.as_bytes()),
    )?;
    let sent = messages::send(&state, &caller, body.into_inner().into(), key).await?;
    let message = MessageDto::from(sent.message);
    Ok(if sent.created {
        HttpResponse::Created().json(message)
    } else {
        HttpResponse::Ok().json(message)
    })
}

/// List sent messages, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/sms",
    tag = "integrator",
    params(ListQuery),
    security(("bearer" = ["sms"]), ("session" = [])),
    responses(
        (status = 200, description = "Messages", body = Vec<MessageDto>),
        (status = 400, description = "Bad query (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Token missing, invalid, expired, disabled or revoked, or no live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Scope `sms` missing, a subuser without `sms` (`permission_denied`), or address not allowed", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
pub async fn list_sms(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::SendSms)?;
    let ListQuery { before, limit } = query.into_inner();
    let found = messages::list(&state, &caller, before, limit).await?;
    Ok(HttpResponse::Ok().json(found.into_iter().map(MessageDto::from).collect::<Vec<_>>()))
}

/// One sent message.
#[utoipa::path(
    get,
    path = "/api/v1/sms/{id}",
    tag = "integrator",
    params(("id" = String, Path, description = "Message id")),
    security(("bearer" = ["sms"]), ("session" = [])),
    responses(
        (status = 200, description = "The message", body = MessageDto),
        (status = 401, description = "Token missing, invalid, expired, disabled or revoked, or no live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Scope `sms` missing, a subuser without `sms` (`permission_denied`), or address not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message on this account", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
pub async fn get_sms(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::SendSms)?;
    let message = messages::get(&state, &caller, &id).await?;
    Ok(HttpResponse::Ok().json(MessageDto::from(message)))
}

/// Send one text to many recipients.
///
/// Up to 1,000 numbers in `to`, or a contact group (`group_id`, which also
/// needs the `contacts:read` scope or portal permission; a subuser may use
/// only the groups granted to them). Every recipient is checked as a single
/// message would be (number, country filter, trial restriction); if any
/// fails, the whole batch is refused with `422 invalid_recipients` and a
/// `recipients` entry per failing index, and nothing is sent or charged. A
/// number given twice is refused (`duplicate`). The whole batch is charged
/// at once — the balance (and a subuser's monthly limit) must cover every
/// recipient, or nothing is charged or queued (`402`). Each recipient becomes
/// a message of its own, readable at `GET /api/v1/sms/{id}` too. An
/// `Idempotency-Key` works as for single messages (keys of batches and of
/// single messages are kept apart).
#[utoipa::path(
    post,
    path = "/api/v1/sms/batches",
    tag = "integrator",
    request_body = SendSmsBatchRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "1 to 255 visible ASCII characters; a retry of the same request with the same key returns the first batch")),
    security(("bearer" = ["sms"]), ("session" = [])),
    responses(
        (status = 201, description = "Every recipient queued and the whole batch charged", body = SmsBatchDto),
        (status = 200, description = "Already sent with this Idempotency-Key: the first batch", body = SmsBatchDto),
        (status = 401, description = "Token missing, invalid, expired, disabled or revoked, or no live session", body = Problem, content_type = "application/problem+json"),
        (status = 402, description = "The balance does not cover the whole batch (`insufficient_points`), it would pass the subuser's monthly limit (`points_limit_reached`) or the credential's daily or monthly points cap (`token_points_cap_reached`); nothing was charged or queued", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Scope `sms` (or, for `group_id`, `contacts:read`) missing or a subuser without the permission (`permission_denied`), outside the subuser's sending hours (`outside_sending_hours`) or the credential policy's window (`outside_token_window`), address not allowed, or missing X-CSRF-Token", body = Problem, content_type = "application/problem+json"),
        CredentialRateLimited,
        (status = 409, description = "This sender used the Idempotency-Key for a different request (`idempotency_key_reused`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some recipients cannot be sent to (`invalid_recipients`, see `recipients`: index, to, code, detail), or an invalid text, sender, group, recipient count or Idempotency-Key (`validation_failed`); nothing was sent or charged", body = Problem, content_type = "application/problem+json"),
        MalformedJson,
        StorageUnavailable,
    )
)]
pub async fn send_sms_batch(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SendSmsBatchRequest>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(Capability::SendSms)?;
    let request = body.into_inner();
    if request.group_id.is_some() {
        caller.require(Capability::ReadContacts)?;
    }
    let key = messages::parse_idempotency_key(
        req.headers()
            .get(routes::IDEMPOTENCY_KEY_HEADER)
            .map(|v| v.as_bytes()),
    )?;
    let sent = batches::send(&state, &principal, request.into(), key).await?;
    let batch = SmsBatchDto::from(sent.batch);
    Ok(if sent.created {
        HttpResponse::Created().json(batch)
    } else {
        HttpResponse::Ok().json(batch)
    })
}

/// List bulk sends, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/sms/batches",
    tag = "integrator",
    params(ListQuery),
    security(("bearer" = ["sms"]), ("session" = [])),
    responses(
        (status = 200, description = "Batches, with how many of each one's messages are queued, sent and failed", body = Vec<SmsBatchDto>),
        (status = 400, description = "Bad query (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Token missing, invalid, expired, disabled or revoked, or no live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Scope `sms` missing, a subuser without `sms` (`permission_denied`), or address not allowed", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
pub async fn list_sms_batches(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::SendSms)?;
    let ListQuery { before, limit } = query.into_inner();
    let found = batches::list(&state, &caller, before, limit).await?;
    Ok(HttpResponse::Ok().json(found.into_iter().map(SmsBatchDto::from).collect::<Vec<_>>()))
}

/// One bulk send, with a page of its recipients and their messages' status.
#[utoipa::path(
    get,
    path = "/api/v1/sms/batches/{id}",
    tag = "integrator",
    params(("id" = String, Path, description = "Batch id"), BatchQuery),
    security(("bearer" = ["sms"]), ("session" = [])),
    responses(
        (status = 200, description = "The batch and its recipients by index", body = SmsBatchPageDto),
        (status = 400, description = "Bad query (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Token missing, invalid, expired, disabled or revoked, or no live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Scope `sms` missing, a subuser without `sms` (`permission_denied`), or address not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such batch on this account (a subuser: none they sent)", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
pub async fn get_sms_batch(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<BatchQuery>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::SendSms)?;
    let BatchQuery { after, limit } = query.into_inner();
    let page = batches::get(&state, &caller, &id, after, limit).await?;
    Ok(HttpResponse::Ok().json(SmsBatchPageDto::from(page)))
}
