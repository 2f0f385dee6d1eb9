//! The security overview as the API shows it.

use portcullis_shared::dto::{SecurityCheckDto, SecurityOverviewDto};

use crate::services::overview::{Check, Overview};

impl From<Check> for SecurityCheckDto {
    fn from(check: Check) -> Self {
        Self {
            id: check.id,
            status: check.status,
            title: check.title,
            detail: check.detail,
            items: check.items,
            fix: check.fix.to_owned(),
        }
    }
}

impl From<Overview> for SecurityOverviewDto {
    fn from(overview: Overview) -> Self {
        Self {
            score: overview.score,
            checks: overview
                .checks
                .into_iter()
                .map(SecurityCheckDto::from)
                .collect(),
        }
    }
}
