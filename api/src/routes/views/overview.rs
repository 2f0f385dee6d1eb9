//! The security overview as the API shows it.

use portcullis_shared::dto::{
    SecurityCheckDto, SecurityOverviewDto, SendingWindowDto, SubuserLimitsDto,
};

use crate::services::overview::{Check, Limits, Overview};

impl From<Check> for SecurityCheckDto {
    fn from(check: Check) -> Self {
        Self {
            id: check.id,
            status: check.status,
            title: check.title,
            detail: check.detail,
            items: check.items,
            count: check.count,
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
            limits: overview.limits.map(SubuserLimitsDto::from),
        }
    }
}

impl From<Limits> for SubuserLimitsDto {
    fn from(limits: Limits) -> Self {
        Self {
            points_used_this_month: limits.points_used_this_month,
            monthly_points_limit: limits.monthly_points_limit,
            sending_window: limits.sending_window.as_ref().map(SendingWindowDto::from),
        }
    }
}
