//! The activity charts' counts as the API shows them.

use portcullis_shared::dto::{
    ActivityDto, ActivityScope, DayPointsDto, DaySignInsDto, DestinationDto, LoginPointsDto,
    RefusedCallsDto,
};
use portcullis_shared::validate;

use crate::services::activity::Activity;

/// `YYYY-MM-DD`.
fn day(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The English name of the country with `code`, the code itself when unknown.
fn country_name(code: &str) -> String {
    validate::countries()
        .into_iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, name)| name.to_owned())
}

impl From<Activity> for ActivityDto {
    fn from(activity: Activity) -> Self {
        Self {
            scope: if activity.company {
                ActivityScope::Account
            } else {
                ActivityScope::Own
            },
            days: activity.days,
            points_per_day: activity
                .points_per_day
                .into_iter()
                .map(|d| DayPointsDto {
                    date: day(d.date),
                    points: d.points,
                    messages: d.messages,
                })
                .collect(),
            points_by_login: activity
                .points_by_login
                .into_iter()
                .map(|l| LoginPointsDto {
                    subuser_id: l.subuser_id,
                    email: l.email,
                    points: l.points,
                    messages: l.messages,
                })
                .collect(),
            sign_ins_per_day: activity
                .sign_ins_per_day
                .into_iter()
                .map(|d| DaySignInsDto {
                    date: day(d.date),
                    succeeded: d.succeeded,
                    failed: d.failed,
                })
                .collect(),
            refused_calls: activity
                .refused_calls
                .into_iter()
                .map(|r| RefusedCallsDto {
                    reason: r.reason,
                    label: r.label.to_owned(),
                    count: r.count,
                })
                .collect(),
            destinations: activity
                .destinations
                .into_iter()
                .map(|d| DestinationDto {
                    name: country_name(&d.country),
                    country: d.country,
                    messages: d.messages,
                })
                .collect(),
        }
    }
}
