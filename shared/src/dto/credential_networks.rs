//! The networks an API token or OAuth client was used from, its pin
//! ("refuse calls from new networks"), and reports of leaked credentials.

use serde::{Deserialize, Serialize};

/// One network (/24 for IPv4, /48 for IPv6) a credential was used from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialNetworkDto {
    /// The network, e.g. `198.51.100.0/24` or `2001:db8:1::/48`.
    pub network: String,
    /// First call from it (RFC 3339, UTC).
    pub first_used_at: String,
    /// Last call from it (RFC 3339, UTC); updated within seconds.
    pub last_used_at: String,
    /// Calls from it; updated within seconds.
    pub calls: i64,
}

/// Answer of `GET /api/v1/tokens/{id}/networks` and `GET /api/v1/oauth-clients/{id}/networks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialNetworksDto {
    /// Whether calls from networks not listed are refused (`token_network_not_allowed`).
    pub pinned: bool,
    /// The networks it was used from, most recently used first.
    pub networks: Vec<CredentialNetworkDto>,
}

/// Body of `PUT /api/v1/tokens/{id}/networks/pinned` (and the OAuth client's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetNetworkPinRequest {
    /// `true`: refuse calls from networks the credential was not used from yet.
    pub pinned: bool,
}

/// One leaked credential, as a finder or a secret scanner reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenLeakDto {
    /// The string found: an API token (`pcl_at_…`) or a client secret (`pcl_cs_…`).
    pub token: String,
    /// Where it was found (`https://…`), passed on to the credential's owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The scanner's name for the kind of secret (GitHub secret scanning sends it); ignored.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Where the scanner found it (e.g. `content`, `commit`); ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Body of `POST /api/v1/token-leaks`: one report, or a list of them (the
/// shape GitHub's secret scanning partner program posts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum TokenLeakReport {
    /// One report.
    One(TokenLeakDto),
    /// Several reports.
    Many(Vec<TokenLeakDto>),
}

/// Answer of `POST /api/v1/token-leaks`: the same whether or not any string was a real credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenLeaksAcceptedDto {
    /// How many reports were accepted for checking.
    pub received: usize,
}
