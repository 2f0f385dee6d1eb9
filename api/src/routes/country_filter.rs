//! `/api/v1/country-filter`: where the account's messages may go (portal).

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{dto::CountryFilterDto, problem::Problem, routes};

use super::responses::{PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{rfc3339, sms::messages, AppState},
};

endpoints! {
    routes::COUNTRY_FILTER => get(get_filter).put(set_filter);
}

/// The destination countries messages may go to. A new account allows only its own country.
/// Subusers read the company's filter; only the owner changes it.
#[utoipa::path(
    get,
    path = "/api/v1/country-filter",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The filter", body = CountryFilterDto),
        PortalErrors,
    )
)]
pub async fn get_filter(user: PortalUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ReadAccountSettings)?;
    // Subusers may read the company's filter (where they can send), not change it.
    let filter = messages::country_filter(&state, session.tenant_id()).await?;
    Ok(HttpResponse::Ok().json(filter_dto(filter)))
}

/// Replace the country filter. An empty list blocks every destination.
#[utoipa::path(
    put,
    path = "/api/v1/country-filter",
    tag = "account",
    request_body = CountryFilterDto,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The filter after the change", body = CountryFilterDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token; a subuser: account-wide settings are the owner's (`permission_denied`); or a country beyond the home one while the account is on trial (`trial_restricted`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown country code (field `countries[i]`: `invalid_country`); an expiry for a country not in `countries` (`expires_at.XX`: `not_a_choice`), not RFC 3339 (`invalid_date`), in the past (`in_the_past`) or more than a year ahead (`out_of_range`)", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn set_filter(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<CountryFilterDto>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let filter = messages::set_country_filter(
        &state,
        &session.account.id,
        &body.countries,
        &body.expires_at,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(filter_dto(filter)))
}

fn filter_dto(filter: Vec<(String, Option<chrono::NaiveDateTime>)>) -> CountryFilterDto {
    CountryFilterDto {
        expires_at: filter
            .iter()
            .filter_map(|(country, until)| Some((country.clone(), rfc3339((*until)?))))
            .collect(),
        countries: filter.into_iter().map(|(country, _)| country).collect(),
    }
}
