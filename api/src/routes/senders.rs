//! `/api/v1/senders`: sender names (scope `sms_sender`).

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{RequestSenderRequest, SenderDto},
    problem::Problem,
    routes,
};

use super::responses::{BearerErrors, BearerJsonErrors};
use crate::{
    auth::Caller,
    error::ApiResult,
    services::{senders, AppState},
};

endpoints! {
    routes::SENDERS => get(list_senders).post(request_sender);
    routes::SENDER => delete(delete_sender);
}

/// The account's sender names and whether each is approved.
///
/// A subuser sees only the names granted to them; in the portal, the `sms`
/// permission is enough to list them (to choose one when sending).
#[utoipa::path(
    get,
    path = "/api/v1/senders",
    tag = "integrator",
    security(("bearer" = ["sms_sender"]), ("session" = [])),
    responses(
        (status = 200, description = "Sender names", body = Vec<SenderDto>),
        (status = 403, description = "Scope `sms_sender` missing, a subuser without `senders` (`permission_denied`), or address not allowed", body = Problem, content_type = "application/problem+json"),
        BearerErrors,
    )
)]
pub async fn list_senders(caller: Caller, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    // Whoever may send may see the names they may send from.
    let caller = caller.require(Capability::ReadSenders)?;
    let senders = senders::list(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(senders.into_iter().map(SenderDto::from).collect::<Vec<_>>()))
}

/// Request a sender name; it can be used once the gateway approves it.
#[utoipa::path(
    post,
    path = "/api/v1/senders",
    tag = "integrator",
    request_body = RequestSenderRequest,
    security(("bearer" = ["sms_sender"]), ("session" = [])),
    responses(
        (status = 201, description = "Requested (pending)", body = SenderDto),
        (status = 403, description = "Scope `sms_sender` missing, a subuser without `senders` (`permission_denied`), or address not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already requested (field `name`: `duplicate`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid sender name (field `name`: `invalid_sender`)", body = Problem, content_type = "application/problem+json"),
        BearerJsonErrors,
    )
)]
pub async fn request_sender(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<RequestSenderRequest>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ManageSenders)?;
    let sender = senders::request(&state, &caller.tenant_id, &body.name).await?;
    Ok(HttpResponse::Created().json(SenderDto::from(sender)))
}

/// Delete a sender name.
#[utoipa::path(
    delete,
    path = "/api/v1/senders/{id}",
    tag = "integrator",
    params(("id" = String, Path, description = "Sender id")),
    security(("bearer" = ["sms_sender"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Scope `sms_sender` missing, a subuser without `senders` (`permission_denied`), or address not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such sender name on this account", body = Problem, content_type = "application/problem+json"),
        BearerErrors,
    )
)]
pub async fn delete_sender(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ManageSenders)?;
    senders::delete(&state, &caller.tenant_id, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
