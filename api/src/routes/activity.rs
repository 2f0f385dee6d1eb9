//! `/api/v1/activity`: the counts the portal's activity charts draw.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{ActivityDto, ActivityQuery},
    problem::Problem,
    routes,
};
use serde::Deserialize;

use super::responses::PortalErrors;
use crate::{
    auth::PortalUser,
    domain::ActivityDays,
    error::{ApiError, ApiResult},
    services::{activity, AppState},
};

endpoints! {
    routes::ACTIVITY => get(get_activity);
}

/// The query as sent: `days` is read as text so that a value that is not a number is
/// refused like one out of range, naming the field.
#[derive(Debug, Deserialize)]
pub struct RawActivityQuery {
    pub days: Option<String>,
}

/// Points spent and sign-ins per day, refused API calls by reason and messages by
/// destination country over the last `days` days (UTC, today included).
///
/// The owner sees the whole account (and the points each login spent); a subuser
/// only their own messages, sign-ins and the refused calls of the tokens and OAuth
/// clients they made. Every day of the period is listed, days without activity with
/// zeros. Failed messages, whose points were refunded, are not counted.
#[utoipa::path(
    get,
    path = "/api/v1/activity",
    tag = "account",
    params(ActivityQuery),
    security(("session" = [])),
    responses(
        (status = 200, description = "The counts", body = ActivityDto),
        (status = 400, description = "A query that cannot be read (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`days` not a whole number from 1 to 90 (field `days`: `out_of_range`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn get_activity(
    user: PortalUser,
    state: web::Data<AppState>,
    query: web::Query<RawActivityQuery>,
) -> ApiResult<HttpResponse> {
    let principal = user.require(Capability::ReadActivity)?;
    let days = ActivityDays::parse(query.days.as_deref())
        .map_err(|error| ApiError::Validation(vec![error]))?;
    let found = activity::activity(&state, &principal, days).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ActivityDto::from(found)))
}
