//! Liveness and readiness answers.

use serde::{Deserialize, Serialize};

/// Body of `GET /livez` and `GET /readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthDto {
    /// `ok` when healthy.
    pub status: String,
}
