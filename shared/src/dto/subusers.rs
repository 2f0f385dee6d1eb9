//! Subusers: separate logins under an account, with a subset of its
//! permissions, sender names, contact groups, sending hours and a monthly
//! points limit.

use serde::{Deserialize, Serialize};

use crate::vocabulary::{PortalPermission, Role, SubuserStatus, Weekday};

use crate::scope::Scope;

/// What the signed-in login may do (part of `GET /api/v1/me`); the portal
/// shows only what is allowed, and the API refuses the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessDto {
    /// Owner or subuser.
    pub role: Role,
    /// The company account the login belongs to (the owner's own id for the owner).
    pub account_id: String,
    /// Portal parts the login may use (every one for the owner).
    pub portal: Vec<PortalPermission>,
    /// API scopes the login's tokens may carry (every one for the owner).
    pub scopes: Vec<Scope>,
    /// A subuser's granted sender names, the only ones they may send from (so a
    /// subuser with `sms` but not `senders` can still pick one). Empty for the owner,
    /// who may send from every approved name (`GET /api/v1/senders`).
    #[serde(default)]
    pub senders: Vec<String>,
}

impl AccessDto {
    /// The owner of `account_id`: every portal part and every scope.
    pub fn owner(account_id: &str) -> Self {
        Self {
            role: Role::Owner,
            account_id: account_id.to_owned(),
            portal: PortalPermission::ALL.to_vec(),
            scopes: Scope::ALL.to_vec(),
            senders: Vec::new(),
        }
    }

    /// True when the login may use portal part `needed`.
    pub fn allows(&self, needed: PortalPermission) -> bool {
        self.portal.iter().any(|p| p.covers(needed))
    }

    /// True for the account's owner.
    pub fn is_owner(&self) -> bool {
        self.role == Role::Owner
    }

    /// True when the login may use `capability` in the portal (the same rule the API applies).
    pub fn may(&self, capability: crate::capability::Capability) -> bool {
        let grants = (!self.is_owner()).then_some(self.portal.as_slice());
        capability.check_login(grants).is_ok()
    }
}

/// When a subuser may send: on these days, from `start` to `end` local time
/// in `time_zone`. Outside it, sending is refused with `outside_sending_hours`
/// and the problem's `opens_at` says when it opens again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendingWindowDto {
    /// Days sending is allowed (at least one).
    #[cfg_attr(feature = "openapi", schema(example = json!(["mon", "tue", "wed", "thu", "fri"])))]
    pub days: Vec<Weekday>,
    /// Local start time, `HH:MM` (inclusive).
    #[cfg_attr(feature = "openapi", schema(example = "08:00"))]
    pub start: String,
    /// Local end time, `HH:MM` (exclusive), after `start`; `24:00` means midnight.
    #[cfg_attr(feature = "openapi", schema(example = "18:00"))]
    pub end: String,
    /// IANA time zone name.
    #[cfg_attr(feature = "openapi", schema(example = "Europe/Warsaw"))]
    pub time_zone: String,
}

/// What a subuser may do and use. Sent whole when creating or editing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubuserGrantsDto {
    /// Portal parts the subuser may use.
    #[serde(default)]
    pub portal: Vec<PortalPermission>,
    /// API scopes the subuser's own tokens may carry.
    #[serde(default)]
    pub scopes: Vec<Scope>,
    /// Approved sender names the subuser may send from (none: only the gateway default).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = json!(["ACME"])))]
    pub senders: Vec<String>,
    /// Contact groups the subuser may see (ids); contacts outside them are invisible.
    #[serde(default)]
    pub contact_groups: Vec<String>,
    /// When the subuser may send; absent: at any time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending_window: Option<SendingWindowDto>,
    /// Points the subuser may spend per calendar month (UTC); absent: no limit of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_points_limit: Option<i64>,
}

/// A subuser as the owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubuserDto {
    /// Stable identifier (also the subuser's `actor` in the security log).
    pub id: String,
    /// Login e-mail address.
    #[cfg_attr(feature = "openapi", schema(example = "branch.krakow@example.com"))]
    pub email: String,
    /// Mobile phone in E.164 form (for codes), if given.
    pub phone: Option<String>,
    /// Invited, active or disabled.
    pub status: SubuserStatus,
    /// What the subuser may do and use.
    pub grants: SubuserGrantsDto,
    /// Points spent in the current calendar month (UTC).
    pub points_used_this_month: i64,
    /// Whether the subuser has two-factor sign-in on.
    pub two_factor_enabled: bool,
    /// Last successful sign-in (RFC 3339, UTC).
    pub last_login_at: Option<String>,
    /// When the subuser was created (RFC 3339, UTC).
    pub created_at: String,
}

/// Body of `POST /api/v1/subusers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateSubuserRequest {
    /// Login e-mail address; must not be in use by any login.
    pub email: String,
    /// Password (the password policy applies). Absent: the subuser gets an
    /// invitation e-mail with a link to set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Mobile phone for codes, international form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// What the subuser may do and use.
    #[serde(default)]
    pub grants: SubuserGrantsDto,
}

/// Body of `PUT /api/v1/subusers/{id}`: the whole new set of grants (and phone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateSubuserRequest {
    /// Mobile phone for codes, international form; absent removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// What the subuser may do and use from now on; tokens above it are narrowed at once.
    pub grants: SubuserGrantsDto,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_default_to_nothing_when_fields_are_left_out() {
        let request: CreateSubuserRequest =
            serde_json::from_str(r#"{"email":"a@example.com"}"#).unwrap();
        assert_eq!(request.grants, SubuserGrantsDto::default());
        let window: SendingWindowDto = serde_json::from_str(
            r#"{"days":["mon","fri"],"start":"08:00","end":"18:00","time_zone":"Europe/Warsaw"}"#,
        )
        .unwrap();
        assert_eq!(window.days, vec![Weekday::Mon, Weekday::Fri]);
    }
}
