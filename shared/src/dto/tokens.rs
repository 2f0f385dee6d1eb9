//! API tokens made in the portal, and the account's API IP allowlist.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::scope::Scope;

/// Body of `POST /api/v1/tokens`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateTokenRequest {
    /// A name to recognise the token by, e.g. the system that uses it.
    #[cfg_attr(feature = "openapi", schema(example = "CRM integration"))]
    pub name: String,
    /// What the token may do; at least one.
    pub scopes: Vec<Scope>,
    /// When the token stops working (RFC 3339); none for no expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "2027-01-31T23:59:59Z"))]
    pub expires_at: Option<String>,
    /// Addresses or ranges the token may be used from; empty for anywhere the account's API allowlist allows.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = json!(["203.0.113.7", "10.0.0.0/24"])))]
    pub ip_allowlist: Vec<String>,
    /// Entries of `ip_allowlist` that expire, each with when it stops letting
    /// addresses in (RFC 3339, at most a year ahead). At least one entry must
    /// stay without expiry.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(example = json!({"203.0.113.7": "2026-12-11T18:00:00Z"})))]
    pub ip_allowlist_expires_at: BTreeMap<String, String>,
    /// Optional rules the token obeys: countries, sending window, points caps, rate limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<super::CredentialPolicyRequest>,
}

/// Body of `PATCH /api/v1/tokens/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateTokenRequest {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `true` disables the token (calls are refused until re-enabled), `false` re-enables it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Replaces the token's IP allowlist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_allowlist: Option<Vec<String>>,
    /// With `ip_allowlist`: which of its entries expire, and when (RFC 3339);
    /// entries not named here do not expire. At least one must not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_allowlist_expires_at: Option<BTreeMap<String, String>>,
    /// Changes the token's policy: rules left out stay, rules sent as `null` are removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<super::CredentialPolicyRequest>,
}

/// Whether a token works right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    /// Usable.
    Active,
    /// Disabled by the account; can be re-enabled.
    Disabled,
    /// Past its expiry.
    Expired,
}

/// An API token as listed in the portal. The secret is never shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenDto {
    /// Token id (also the JWT's `jti`).
    pub id: String,
    /// Name given at creation.
    pub name: String,
    /// What the token may do.
    pub scopes: Vec<Scope>,
    /// The last characters of the secret, to tell tokens apart.
    pub hint: String,
    /// Whether it works right now.
    pub state: TokenState,
    /// Created (RFC 3339, UTC).
    pub created_at: String,
    /// Expiry (RFC 3339, UTC), if any.
    pub expires_at: Option<String>,
    /// Last successful use (RFC 3339, UTC), if any; updated within seconds.
    pub last_used_at: Option<String>,
    /// Address of the last successful use, if any.
    pub last_used_ip: Option<String>,
    /// The token's own IP allowlist, normalised; empty for no restriction.
    pub ip_allowlist: Vec<String>,
    /// Entries of `ip_allowlist` that expire → when (RFC 3339, UTC). An entry
    /// stops matching at that instant and is then removed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ip_allowlist_expires_at: BTreeMap<String, String>,
    /// The token's policy; none when it has no rules.
    #[serde(default)]
    pub policy: Option<super::CredentialPolicyDto>,
}

/// Answer to `POST /api/v1/tokens`: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedTokenDto {
    /// The token as listed.
    pub token: TokenDto,
    /// The bearer secret (`pcl_at_…`): store it now, it is not shown again.
    pub secret: String,
}

/// One entry of the account's API IP allowlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllowlistEntryDto {
    /// Entry id.
    pub id: String,
    /// Address or range, normalised (`10.0.0.0/24`, `203.0.113.7`, `2001:db8::/32`).
    pub value: String,
    /// Optional label.
    pub label: Option<String>,
    /// Added (RFC 3339, UTC).
    pub created_at: String,
    /// When it stops letting addresses in (RFC 3339, UTC); none: it does not expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// Body of `POST /api/v1/api-allowlist`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddAllowlistEntryRequest {
    /// An address, a CIDR range, or an address/netmask pair (`10.0.0.0/255.255.255.0`).
    #[cfg_attr(feature = "openapi", schema(example = "203.0.113.0/24"))]
    pub value: String,
    /// Optional label, e.g. "office".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// When the entry stops letting addresses in (RFC 3339, in the future, at
    /// most a year ahead); none for an entry that does not expire. An
    /// expiring entry needs a permanent one on the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-11T18:00:00Z"))]
    pub expires_at: Option<String>,
}

/// Body of `GET /api/v1/profile` (scope `profile`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileDto {
    /// Account id.
    pub account_id: String,
    /// Account e-mail.
    pub email: String,
    /// Home country, ISO 3166-1 alpha-2.
    pub country: String,
    /// Prepaid credit left, in points.
    pub points_balance: i64,
}
