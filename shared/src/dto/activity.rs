//! The activity charts: points spent, sign-ins, refused API calls and destinations over
//! the last days, counted by the API for the portal to draw.

use serde::{Deserialize, Serialize};

/// The fewest days `GET /api/v1/activity` covers.
pub const MIN_ACTIVITY_DAYS: u32 = 1;
/// The most days `GET /api/v1/activity` covers.
pub const MAX_ACTIVITY_DAYS: u32 = 90;
/// The days covered when the query names none.
pub const DEFAULT_ACTIVITY_DAYS: u32 = 30;

/// Query of `GET /api/v1/activity`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ActivityQuery {
    /// Days to cover, today (UTC) included: 1 to 90 (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 90))]
    pub days: Option<u32>,
}

/// Whose activity an answer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityScope {
    /// The whole company: the owner and every subuser (the owner's view).
    Account,
    /// The signed-in subuser's own.
    Own,
}

/// Points spent on one day (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayPointsDto {
    /// The day, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Points the day's messages cost (failed, refunded messages not counted).
    pub points: i64,
    /// Messages sent that day.
    pub messages: i64,
}

/// Points one login spent over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginPointsDto {
    /// The subuser's id; absent for the owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subuser_id: Option<String>,
    /// The login's e-mail ("a deleted subuser" once the subuser is gone).
    pub email: String,
    /// Points their messages cost.
    pub points: i64,
    /// Messages they sent.
    pub messages: i64,
}

/// Sign-in attempts on one day (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaySignInsDto {
    /// The day, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Sign-ins that succeeded.
    pub succeeded: i64,
    /// Sign-ins refused (wrong password or code, locked, not allowlisted…).
    pub failed: i64,
}

/// API calls refused for one reason over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedCallsDto {
    /// The stable reason, as in the security log's `api_call_refused` events
    /// (`token_disabled`, `insufficient_scope`, …).
    pub reason: String,
    /// The reason in words.
    pub label: String,
    /// Calls refused.
    pub count: i64,
}

/// Messages to one destination country over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DestinationDto {
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// The country's name in English.
    pub name: String,
    /// Messages sent there (failed, refunded messages not counted).
    pub messages: i64,
}

/// `GET /api/v1/activity`: what happened over the last `days` days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityDto {
    /// Whose activity is counted.
    pub scope: ActivityScope,
    /// Days covered, today (UTC) included.
    pub days: u32,
    /// Points spent per day, oldest first; every day of the period, zero ones too.
    pub points_per_day: Vec<DayPointsDto>,
    /// Points per login, most first (the owner's view; empty for a subuser).
    pub points_by_login: Vec<LoginPointsDto>,
    /// Sign-in attempts per day, oldest first; every day of the period.
    pub sign_ins_per_day: Vec<DaySignInsDto>,
    /// Refused API calls by reason, most first.
    pub refused_calls: Vec<RefusedCallsDto>,
    /// Messages by destination country, most first.
    pub destinations: Vec<DestinationDto>,
}
