//! The account's portal IP allowlist: where its users may sign in and use the portal from.

use serde::{Deserialize, Serialize};

/// Body of `GET /api/v1/portal-allowlist`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalAllowlistDto {
    /// The caller's address as the server sees it (after the trusted-proxy rules).
    #[cfg_attr(feature = "openapi", schema(example = "203.0.113.7"))]
    pub your_address: String,
    /// Whether the list lets `your_address` in (always true for an empty list).
    pub your_address_allowed: bool,
    /// The entries, oldest first. Empty means the portal may be used from anywhere.
    pub entries: Vec<PortalAllowlistEntryDto>,
}

/// One entry of the portal IP allowlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalAllowlistEntryDto {
    /// Entry id.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "ppa_0193a1b2c3d4e5f60718293a4b5c6d7e")
    )]
    pub id: String,
    /// Address or range, normalised (`10.0.0.0/24`, `203.0.113.7`, `2001:db8::/32`).
    pub value: String,
    /// Optional label.
    pub label: Option<String>,
    /// Added (RFC 3339, UTC).
    pub created_at: String,
    /// Other entries whose addresses this one shares some of (allowed, but worth a look).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = json!(["10.0.0.0/16"])))]
    pub overlaps: Vec<String>,
    /// When it stops letting addresses in (RFC 3339, UTC); none: it does not expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// Body of `POST /api/v1/portal-allowlist`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddPortalAllowlistEntryRequest {
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
    /// Add it even though the list would then refuse your own address (`would_lock_out`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirm_lockout: bool,
}

/// Query of `DELETE /api/v1/portal-allowlist/{id}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RemovePortalAllowlistEntryQuery {
    /// Remove it even though the list would then refuse your own address (`would_lock_out`).
    #[serde(default)]
    pub confirm_lockout: bool,
}
