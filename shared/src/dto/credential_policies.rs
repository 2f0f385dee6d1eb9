//! Policies on API tokens and OAuth clients: optional rules a credential
//! obeys on top of the account's (and its subuser's) own — allowed destination
//! countries, a sending window, daily and monthly points caps and a request
//! rate limit. A policy only ever narrows what the credential may do.

use serde::{Deserialize, Deserializer, Serialize};

use super::subusers::SendingWindowDto;

/// A credential's policy as listed; a rule that is `null` does not apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialPolicyDto {
    /// Destination countries (ISO 3166-1 alpha-2) the credential may send to,
    /// a subset of the account's country filter; others are refused with
    /// `token_country_not_allowed`.
    #[cfg_attr(feature = "openapi", schema(example = json!(["GB", "PL"])))]
    pub countries: Option<Vec<String>>,
    /// When the credential may send; outside it sending is refused with
    /// `outside_token_window` (`opens_at` says when it opens).
    pub window: Option<SendingWindowDto>,
    /// Most points the credential may spend a day (UTC); more is refused with
    /// `token_points_cap_reached`.
    #[cfg_attr(feature = "openapi", schema(example = 500))]
    pub daily_points_cap: Option<i64>,
    /// Most points the credential may spend a calendar month (UTC).
    pub monthly_points_cap: Option<i64>,
    /// Most API calls a minute with this credential; more are answered
    /// `429 rate_limited` with `Retry-After` and the RateLimit headers.
    #[cfg_attr(feature = "openapi", schema(example = 120))]
    pub requests_per_minute: Option<i64>,
    /// The account owner set this policy on a subuser's credential: only the owner may change it.
    #[serde(default)]
    pub set_by_owner: bool,
}

impl CredentialPolicyDto {
    /// True when no rule applies.
    pub fn is_empty(&self) -> bool {
        self.countries.is_none()
            && self.window.is_none()
            && self.daily_points_cap.is_none()
            && self.monthly_points_cap.is_none()
            && self.requests_per_minute.is_none()
    }
}

/// `policy` in the bodies that create or change a token or OAuth client. A
/// rule left out stays as it is (none, on create); a rule sent as `null` is
/// removed. Checked whole: one bad rule changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialPolicyRequest {
    /// Allowed destination countries, each on the account's country filter.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>, nullable, example = json!(["GB", "PL"])))]
    pub countries: Option<Option<Vec<String>>>,
    /// The sending window.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<SendingWindowDto>, nullable))]
    pub window: Option<Option<SendingWindowDto>>,
    /// Points a day (UTC), at least 1.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable, example = 500))]
    pub daily_points_cap: Option<Option<i64>>,
    /// Points a calendar month (UTC), at least 1.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub monthly_points_cap: Option<Option<i64>>,
    /// API calls a minute, at least 1.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable, example = 120))]
    pub requests_per_minute: Option<Option<i64>>,
}

impl CredentialPolicyRequest {
    /// A request that sets every rule as `policy` has it (removing the others).
    pub fn replacing_with(policy: &CredentialPolicyDto) -> Self {
        Self {
            countries: Some(policy.countries.clone()),
            window: Some(policy.window.clone()),
            daily_points_cap: Some(policy.daily_points_cap),
            monthly_points_cap: Some(policy.monthly_points_cap),
            requests_per_minute: Some(policy.requests_per_minute),
        }
    }
}

/// A field that is present, `null` or not: `Some(None)` for `null`.
fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_null_and_set_rules_are_told_apart() {
        let request: CredentialPolicyRequest =
            serde_json::from_str(r#"{"countries": null, "daily_points_cap": 5}"#).unwrap();
        assert_eq!(request.countries, Some(None));
        assert_eq!(request.daily_points_cap, Some(Some(5)));
        assert_eq!(request.window, None);
        let back = serde_json::to_value(&request).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"countries": null, "daily_points_cap": 5})
        );
    }
}
