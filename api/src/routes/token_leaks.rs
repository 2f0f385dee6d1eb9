//! `/api/v1/token-leaks`: reports of leaked API tokens and client secrets,
//! from anyone (no authentication), e.g. secret scanners.

use actix_web::{web, HttpRequest, HttpResponse};
use portcullis_shared::{
    dto::{TokenLeakReport, TokenLeaksAcceptedDto},
    problem::Problem,
    routes,
};
use serde_json::Value;

use super::responses::MalformedJson;
use crate::{
    auth::client_ip,
    error::{ApiError, ApiResult},
    services::{
        tokens::token_leaks::{self, PostedReport},
        AppState,
    },
};

endpoints! {
    routes::TOKEN_LEAKS => post(report_token_leaks);
}

/// One posted report as the service takes it; a field of the wrong type is
/// refused naming it.
fn posted(value: Value, field_prefix: String) -> ApiResult<PostedReport> {
    let Value::Object(mut fields) = value else {
        return Err(ApiError::field(
            field_prefix.trim_end_matches('.'),
            "invalid_type",
            "Send an object with `token` and optionally `url`.",
        ));
    };
    let token = match fields.remove("token") {
        Some(Value::String(token)) => token,
        None | Some(Value::Null) => String::new(),
        Some(_) => {
            return Err(ApiError::field(
                &format!("{field_prefix}token"),
                "invalid_type",
                "Send the token as a string.",
            ))
        }
    };
    let url = match fields.remove("url") {
        Some(Value::String(url)) => Some(url),
        None | Some(Value::Null) => None,
        Some(_) => {
            return Err(ApiError::field(
                &format!("{field_prefix}url"),
                "invalid_type",
                "Send the URL as a string.",
            ))
        }
    };
    Ok(PostedReport {
        field_prefix,
        token,
        url,
    })
}

/// Report a leaked API token or client secret.
///
/// Anyone who finds a Portcullis API token (`pcl_at_…`) or OAuth client
/// secret (`pcl_cs_…`) where others can see it posts it here, with the URL
/// where it was found. A genuine credential is revoked at once (a portal
/// token is deleted, an issued token revoked, a client disabled and its
/// secret invalidated), its owner is e-mailed with the URL, and the account's
/// security log records `token_leak_reported`.
///
/// The body is one report, or a list of up to 100 (the shape GitHub's secret
/// scanning partner program posts: `[{"token", "type", "url", "source"}]`;
/// `type` and `source` are ignored). The answer is the same whether or not
/// any string was a real credential: the strings are checked after it. At
/// most 20 requests per source address (IPv6: per /64) an hour, then `429
/// rate_limited` with `Retry-After`.
#[utoipa::path(
    post,
    path = "/api/v1/token-leaks",
    tag = "tokens",
    request_body = TokenLeakReport,
    responses(
        (status = 202, description = "Accepted for checking; says nothing about whether any string was a credential", body = TokenLeaksAcceptedDto),
        (status = 422, description = "A field is not valid (`token` empty or too long, `url` not http(s)), named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reports from this address (`rate_limited`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        MalformedJson,
    )
)]
pub async fn report_token_leaks(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    let (posted, listed) = match body.into_inner() {
        Value::Array(items) => (
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| posted(item, format!("[{i}].")))
                .collect::<ApiResult<Vec<_>>>()?,
            true,
        ),
        other => (vec![posted(other, String::new())?], false),
    };
    let reports = token_leaks::parse_reports(posted, listed)?;
    let received =
        token_leaks::accept_reports(state.into_inner(), reports, client_ip(&req)).await?;
    Ok(HttpResponse::Accepted().json(TokenLeaksAcceptedDto { received }))
}
