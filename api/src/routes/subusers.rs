//! `/api/v1/subusers`: the owner manages the account's subusers.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::vocabulary::{PortalPermission, Weekday};
use portcullis_shared::{
    dto::{
        CreateSubuserRequest, SecurityLogPage, SecurityLogQuery, SubuserDto, UpdateSubuserRequest,
    },
    problem::{FieldError, Problem},
    routes,
    scope::Scope,
    validate::codes,
};
use serde::{Deserialize, Deserializer};

use super::responses::{CsrfOrNotOwner, PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::{ApiError, ApiResult},
    services::{audit::security_log, subusers, AppState},
};

endpoints! {
    routes::SUBUSERS => get(list_subusers).post(create_subuser);
    routes::SUBUSER => get(get_subuser).put(update_subuser).delete(delete_subuser);
    routes::SUBUSER_DISABLE => post(disable_subuser);
    routes::SUBUSER_ENABLE => post(enable_subuser);
    routes::SUBUSER_INVITATION => post(resend_invitation);
    routes::SUBUSER_SECURITY_LOG => get(subuser_security_log);
}

/// The account's subusers, oldest first, with their grants, points used this
/// month, two-factor state and last sign-in.
#[utoipa::path(
    get,
    path = "/api/v1/subusers",
    tag = "subusers",
    security(("session" = [])),
    responses(
        (status = 200, description = "The subusers", body = Vec<SubuserDto>),
        (status = 403, description = "A subuser (`permission_denied`, permission `subusers`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn list_subusers(
    user: PortalUser,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let found = subusers::list(&state, &session.account.id).await?;
    Ok(HttpResponse::Ok().json(found.into_iter().map(SubuserDto::from).collect::<Vec<_>>()))
}

/// Create a subuser.
///
/// With a `password` (the password policy applies) the subuser can sign in at
/// once; without one they get an invitation e-mail with a link, valid 7 days,
/// to choose it (status `invited` until then). Sender names and contact groups
/// must be the account's; nothing is stored unless every field is valid.
#[utoipa::path(
    post,
    path = "/api/v1/subusers",
    tag = "subusers",
    request_body = CreateSubuserRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 201, description = "Created", body = SubuserDto),
        (status = 422, description = "Invalid e-mail (or `taken`), password, phone (or `country_not_allowed`: the country filter blocks SMS there), permission or scope (`unknown_value`), sender (`unknown_sender`), group (`unknown_group`), sending window (`invalid_time`, `end_before_start`, `invalid_time_zone`) or limit (`negative`); fields are named like `grants.sending_window.end`", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalJsonErrors,
    )
)]
pub async fn create_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<CreateSubuserBody>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let request = body.into_inner().parse()?;
    let created = subusers::create(&state, &session.account, request, &client.0).await?;
    Ok(HttpResponse::Created().json(SubuserDto::from(created)))
}

/// One subuser.
#[utoipa::path(
    get,
    path = "/api/v1/subusers/{id}",
    tag = "subusers",
    params(("id" = String, Path, description = "Subuser id")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The subuser", body = SubuserDto),
        (status = 403, description = "A subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn get_subuser(
    user: PortalUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let subuser = subusers::get(&state, &session.account.id, &id).await?;
    Ok(HttpResponse::Ok().json(SubuserDto::from(subuser)))
}

/// Replace a subuser's grants (and phone). Their sessions see the change on
/// the next request and their tokens on the next call: a token keeps only the
/// scopes the subuser still has.
#[utoipa::path(
    put,
    path = "/api/v1/subusers/{id}",
    tag = "subusers",
    request_body = UpdateSubuserRequest,
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The subuser after the change", body = SubuserDto),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid grants or phone, as on creation", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalJsonErrors,
    )
)]
pub async fn update_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<UpdateSubuserBody>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let request = body.into_inner().parse()?;
    let updated = subusers::update(&state, &session.account.id, &id, request, &client.0).await?;
    Ok(HttpResponse::Ok().json(SubuserDto::from(updated)))
}

/// Delete a subuser: their sessions end and their tokens and OAuth clients
/// are revoked; the messages they sent stay in the account's history.
#[utoipa::path(
    delete,
    path = "/api/v1/subusers/{id}",
    tag = "subusers",
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalErrors,
    )
)]
pub async fn delete_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    subusers::delete(&state, &session.account.id, &id, &client.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Disable a subuser: sign-in is refused, their sessions end at once and
/// their tokens are refused from the next call.
#[utoipa::path(
    post,
    path = "/api/v1/subusers/{id}/disable",
    tag = "subusers",
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The subuser, disabled", body = SubuserDto),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalErrors,
    )
)]
pub async fn disable_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let subuser = subusers::set_disabled(&state, &session.account.id, &id, true, &client.0).await?;
    Ok(HttpResponse::Ok().json(SubuserDto::from(subuser)))
}

/// Enable a disabled subuser again.
#[utoipa::path(
    post,
    path = "/api/v1/subusers/{id}/enable",
    tag = "subusers",
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The subuser, enabled", body = SubuserDto),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalErrors,
    )
)]
pub async fn enable_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let subuser =
        subusers::set_disabled(&state, &session.account.id, &id, false, &client.0).await?;
    Ok(HttpResponse::Ok().json(SubuserDto::from(subuser)))
}

/// Send the invitation e-mail again (a new link; earlier ones keep working
/// until used or expired). Only while the subuser has not set a password.
#[utoipa::path(
    post,
    path = "/api/v1/subusers/{id}/invitation",
    tag = "subusers",
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 202, description = "Sent"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The subuser has already set a password (`conflict`)", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalErrors,
    )
)]
pub async fn resend_invitation(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    subusers::resend_invitation(&state, &session.account.id, &id, &client.0).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// One subuser's security events, newest first (the same filters and paging
/// as the account's security log).
#[utoipa::path(
    get,
    path = "/api/v1/subusers/{id}/security-log",
    operation_id = "list_subuser_security_events",
    tag = "subusers",
    params(("id" = String, Path, description = "Subuser id"), SecurityLogQuery),
    security(("session" = [])),
    responses(
        (status = 200, description = "One page of events, newest first", body = SecurityLogPage),
        (status = 400, description = "Bad filter, cursor or limit (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn subuser_security_log(
    user: PortalUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<SecurityLogQuery>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    subusers::check_belongs(&state, &session.account.id, &id).await?;
    let (filter, page) = super::views::security_log::event_query(query.into_inner());
    let page = security_log::list_events(&state, &id, false, &filter, page).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(SecurityLogPage::from(page)))
}

/// The body of `POST /api/v1/subusers` as it arrives: a [`CreateSubuserRequest`]
/// (read into [`subusers::NewSubuser`]) whose permission, scope and weekday
/// names are not checked yet (see [`GrantsBody`]).
#[derive(Deserialize)]
pub struct CreateSubuserBody {
    email: String,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    grants: GrantsBody,
}

impl CreateSubuserBody {
    fn parse(self) -> ApiResult<subusers::NewSubuser> {
        Ok(subusers::NewSubuser {
            email: self.email,
            password: self.password,
            phone: self.phone,
            grants: self.grants.parse()?,
        })
    }
}

/// The body of `PUT /api/v1/subusers/{id}` as it arrives: an
/// [`UpdateSubuserRequest`] (read into [`subusers::SubuserUpdate`]) whose names
/// are not checked yet.
#[derive(Deserialize)]
pub struct UpdateSubuserBody {
    #[serde(default)]
    phone: Option<String>,
    grants: GrantsBody,
}

impl UpdateSubuserBody {
    fn parse(self) -> ApiResult<subusers::SubuserUpdate> {
        Ok(subusers::SubuserUpdate {
            phone: self.phone,
            grants: self.grants.parse()?,
        })
    }
}

/// `SubuserGrantsDto` with its permission, scope and weekday names read
/// leniently, so that an unknown one is a field error naming its place
/// (`grants.scopes[0]`, 422) rather than an unreadable body (400).
#[derive(Default, Deserialize)]
struct GrantsBody {
    #[serde(default)]
    portal: Vec<Named<PortalPermission>>,
    #[serde(default)]
    scopes: Vec<Named<Scope>>,
    #[serde(default)]
    senders: Vec<String>,
    #[serde(default)]
    contact_groups: Vec<String>,
    #[serde(default)]
    sending_window: Option<SendingWindowBody>,
    #[serde(default)]
    monthly_points_limit: Option<i64>,
}

#[derive(Deserialize)]
struct SendingWindowBody {
    days: Vec<Named<Weekday>>,
    start: String,
    end: String,
    time_zone: String,
}

impl GrantsBody {
    /// The grants, or every unknown name at once.
    fn parse(self) -> ApiResult<subusers::RequestedGrants> {
        let mut errors = Vec::new();
        let portal = known("grants.portal", self.portal, &mut errors);
        let scopes = known("grants.scopes", self.scopes, &mut errors);
        let sending_window = self.sending_window.map(|window| subusers::RequestedWindow {
            days: known("grants.sending_window.days", window.days, &mut errors),
            start: window.start,
            end: window.end,
            time_zone: window.time_zone,
        });
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(subusers::RequestedGrants {
            portal,
            scopes,
            senders: self.senders,
            contact_groups: self.contact_groups,
            sending_window,
            monthly_points_limit: self.monthly_points_limit,
        })
    }
}

/// A list entry that should name one of `T`'s values. Anything else (another
/// string, a number, an object) is kept as unknown so that the answer can name
/// its place in the list.
enum Named<T> {
    Known(T),
    Unknown,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Named<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Entry<T> {
            Known(T),
            Unknown(serde::de::IgnoredAny),
        }
        Ok(match Entry::deserialize(deserializer)? {
            Entry::Known(value) => Self::Known(value),
            Entry::Unknown(_) => Self::Unknown,
        })
    }
}

/// The known names of `entries`; each unknown one is an error at `path[i]`.
fn known<T>(path: &str, entries: Vec<Named<T>>, errors: &mut Vec<FieldError>) -> Vec<T> {
    let mut values = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        match entry {
            Named::Known(value) => values.push(value),
            Named::Unknown => errors.push(FieldError::new(
                &format!("{path}[{i}]"),
                codes::UNKNOWN_VALUE,
                "Not one of the allowed names.",
            )),
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field_errors(body: serde_json::Value) -> Vec<String> {
        let body: CreateSubuserBody = serde_json::from_value(body).expect("readable");
        match body.parse() {
            Err(ApiError::Validation(errors)) => errors
                .into_iter()
                .map(|e| format!("{} {}", e.field, e.code))
                .collect(),
            other => panic!("not a validation error: {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn every_unknown_name_is_a_field_error_at_its_place() {
        let window = json!({"days": ["mon", "someday"], "start": "08:00", "end": "18:00", "time_zone": "UTC"});
        assert_eq!(
            field_errors(json!({
                "email": "sub@example.com",
                "grants": {"portal": ["sms", 42, "billing"], "scopes": ["admin"], "sending_window": window},
            })),
            [
                "grants.portal[1] unknown_value",
                "grants.portal[2] unknown_value",
                "grants.scopes[0] unknown_value",
                "grants.sending_window.days[1] unknown_value",
            ]
        );
    }

    #[test]
    fn known_names_are_read_and_other_shapes_stay_unreadable() {
        let body: UpdateSubuserBody = serde_json::from_value(json!({
            "grants": {"portal": ["contacts:read"], "scopes": ["sms", "profile"]},
        }))
        .unwrap();
        let request = body.parse().unwrap();
        assert_eq!(request.grants.portal, [PortalPermission::ContactsRead]);
        assert_eq!(request.grants.scopes, [Scope::Sms, Scope::Profile]);
        for unreadable in [
            json!({"grants": {"portal": "sms"}}),
            json!({"grants": 5}),
            json!({"phone": "+48"}),
            json!([]),
        ] {
            assert!(serde_json::from_value::<UpdateSubuserBody>(unreadable).is_err());
        }
    }
}
