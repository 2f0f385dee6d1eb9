//! The activity charts: points spent and sign-ins per day, refused API calls by reason
//! and messages by destination over the last days. Whose activity is counted is
//! decided by [`access::activity_view`]; storage groups by day and the rest is folded
//! here, every day of the period present, zero ones too.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, NaiveDate, NaiveDateTime};
use portcullis_shared::vocabulary::SecurityEventKind;

use crate::db::activity::{self as rows, CountryMessages, DayKindCount, DaySenderPoints, Logins};
use crate::domain::ActivityDays;
use crate::error::ApiResult;
use crate::services::access::{self, ActivityView, Principal};
use crate::services::{now, AppState};

/// Points spent on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayPoints {
    pub date: NaiveDate,
    pub points: i64,
    pub messages: i64,
}

/// Points one login spent over the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginPoints {
    /// `None`: the owner.
    pub subuser_id: Option<String>,
    pub email: String,
    pub points: i64,
    pub messages: i64,
}

/// Sign-in attempts on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySignIns {
    pub date: NaiveDate,
    pub succeeded: i64,
    pub failed: i64,
}

/// API calls refused for one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedCalls {
    pub reason: String,
    pub label: &'static str,
    pub count: i64,
}

/// Messages to one country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub country: String,
    pub messages: i64,
}

/// What the charts draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// True for the owner's view of the whole company.
    pub company: bool,
    pub days: u32,
    pub points_per_day: Vec<DayPoints>,
    /// The owner's view only: points per login, most first.
    pub points_by_login: Vec<LoginPoints>,
    pub sign_ins_per_day: Vec<DaySignIns>,
    pub refused_calls: Vec<RefusedCalls>,
    pub destinations: Vec<Destination>,
}

/// What storage answered, before it is folded into [`Activity`].
#[derive(Debug, Clone, Default)]
pub struct Counted {
    pub points: Vec<DaySenderPoints>,
    pub sign_ins: Vec<DayKindCount>,
    /// The `details` of each `api_call_refused` event the login may see.
    pub refusals: Vec<String>,
    pub countries: Vec<CountryMessages>,
    /// The company's logins' e-mails by id, the owner's too (the owner's view).
    pub emails: HashMap<String, String>,
    /// The owner's id (the owner's view).
    pub owner_id: Option<String>,
}

/// The first day of a period of `days` ending today (UTC), today included.
pub fn first_day(today: NaiveDate, days: ActivityDays) -> NaiveDate {
    today
        .checked_sub_days(Days::new(u64::from(days.get()) - 1))
        .unwrap_or(today)
}

/// The activity `principal` may see over the last `days` days.
pub async fn activity(
    state: &AppState,
    principal: &Principal,
    days: ActivityDays,
) -> ApiResult<Activity> {
    let today = now().date();
    let since = first_day(today, days).and_time(chrono::NaiveTime::MIN);
    let view = access::activity_view(principal);
    let company = matches!(view, ActivityView::Company { .. });
    let counted = state
        .db
        .run(move |conn| Ok(count(conn, &view, since)?))
        .await?;
    Ok(fold(counted, company, days, today))
}

fn count(
    conn: &mut crate::db::DbConnection,
    view: &ActivityView,
    since: NaiveDateTime,
) -> diesel::QueryResult<Counted> {
    let (logins, own_credentials) = match view {
        ActivityView::Company { account_id } => (Logins::Company(account_id.clone()), None),
        ActivityView::Own {
            account_id,
            subuser_id,
        } => (
            Logins::Subuser {
                company: account_id.clone(),
                subuser: subuser_id.clone(),
            },
            Some(rows::credentials_made_by(conn, subuser_id)?),
        ),
    };
    let sign_in_kinds = [
        SecurityEventKind::LoginSucceeded.as_str(),
        SecurityEventKind::LoginFailed.as_str(),
    ];
    let mut refusals = rows::company_event_details(
        conn,
        &logins,
        SecurityEventKind::ApiCallRefused.as_str(),
        since,
    )?;
    if let Some(own) = own_credentials {
        // Refusals are logged against the company; a subuser's are those of the
        // tokens and clients they made.
        let own: HashSet<String> = own.into_iter().collect();
        refusals.retain(|details| credential_of(details).is_some_and(|id| own.contains(&id)));
    }
    let (emails, owner_id) = match view {
        ActivityView::Company { account_id } => (
            rows::login_emails(conn, account_id)?.into_iter().collect(),
            Some(account_id.clone()),
        ),
        ActivityView::Own { .. } => (HashMap::new(), None),
    };
    Ok(Counted {
        points: rows::points_per_day(conn, &logins, since)?,
        sign_ins: rows::events_per_day(conn, &logins, &sign_in_kinds, since)?,
        refusals,
        countries: rows::messages_per_country(conn, &logins, since)?,
        emails,
        owner_id,
    })
}

fn details_of(details: &str) -> BTreeMap<String, String> {
    serde_json::from_str(details).unwrap_or_default()
}

/// The token or OAuth client a refused-call event names.
fn credential_of(details: &str) -> Option<String> {
    let mut details = details_of(details);
    details
        .remove("token_id")
        .or_else(|| details.remove("client_id"))
}

/// A refusal's stable reason in words.
pub fn refusal_label(reason: &str) -> &'static str {
    match reason {
        "token_disabled" => "Token disabled",
        "token_expired" => "Token expired",
        "token_revoked" => "Token deleted or revoked",
        "token_invalid" => "Token not valid",
        "token_ip_not_allowed" => "Address not on the token's allowlist",
        "account_ip_not_allowed" => "Address not on the API allowlist",
        "account_suspended" => "Account suspended",
        "insufficient_scope" => "Token lacks the scope",
        _ => "Other refusals",
    }
}

/// Every day from the first of the period to `today`, oldest first.
fn period(today: NaiveDate, days: ActivityDays) -> impl Iterator<Item = NaiveDate> {
    first_day(today, days).iter_days().take(days.get() as usize)
}

fn parse_day(day: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Folds storage's counts into the charts' series.
pub fn fold(counted: Counted, company: bool, days: ActivityDays, today: NaiveDate) -> Activity {
    let mut per_day: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    let mut per_login: BTreeMap<Option<String>, (i64, i64)> = BTreeMap::new();
    for row in &counted.points {
        if let Some(date) = parse_day(&row.day) {
            let day = per_day.entry(date).or_default();
            day.0 += row.points;
            day.1 += row.messages;
        }
        let login = per_login.entry(row.sent_by.clone()).or_default();
        login.0 += row.points;
        login.1 += row.messages;
    }
    let points_per_day = period(today, days)
        .map(|date| {
            let (points, messages) = per_day.get(&date).copied().unwrap_or_default();
            DayPoints {
                date,
                points,
                messages,
            }
        })
        .collect();

    let mut points_by_login: Vec<LoginPoints> = if company {
        per_login
            .into_iter()
            .map(|(subuser_id, (points, messages))| {
                let id = subuser_id.as_ref().or(counted.owner_id.as_ref());
                LoginPoints {
                    email: id
                        .and_then(|id| counted.emails.get(id).cloned())
                        .unwrap_or_else(|| "a deleted subuser".to_owned()),
                    subuser_id,
                    points,
                    messages,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    points_by_login.sort_by(|a, b| b.points.cmp(&a.points).then(a.email.cmp(&b.email)));

    let mut sign_ins: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    for row in &counted.sign_ins {
        let Some(date) = parse_day(&row.day) else {
            continue;
        };
        let day = sign_ins.entry(date).or_default();
        if row.kind == SecurityEventKind::LoginSucceeded.as_str() {
            day.0 += row.count;
        } else {
            day.1 += row.count;
        }
    }
    let sign_ins_per_day = period(today, days)
        .map(|date| {
            let (succeeded, failed) = sign_ins.get(&date).copied().unwrap_or_default();
            DaySignIns {
                date,
                succeeded,
                failed,
            }
        })
        .collect();

    let mut by_reason: BTreeMap<String, i64> = BTreeMap::new();
    for details in &counted.refusals {
        let details = details_of(details);
        let reason = details
            .get("reason")
            .cloned()
            .unwrap_or_else(|| "unknown".to_owned());
        let count = details
            .get("count")
            .and_then(|c| c.parse::<i64>().ok())
            .unwrap_or(1);
        *by_reason.entry(reason).or_default() += count;
    }
    let mut refused_calls: Vec<RefusedCalls> = by_reason
        .into_iter()
        .map(|(reason, count)| RefusedCalls {
            label: refusal_label(&reason),
            reason,
            count,
        })
        .collect();
    refused_calls.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));

    let destinations = counted
        .countries
        .into_iter()
        .map(|row| Destination {
            country: row.country,
            messages: row.messages,
        })
        .collect();

    Activity {
        company,
        days: days.get(),
        points_per_day,
        points_by_login,
        sign_ins_per_day,
        refused_calls,
        destinations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str) -> NaiveDate {
        NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_day_is_listed_and_refusals_add_up_their_counts() {
        let counted = Counted {
            points: vec![
                DaySenderPoints {
                    day: "2026-12-02".into(),
                    sent_by: None,
                    points: 4,
                    messages: 2,
                },
                DaySenderPoints {
                    day: "2026-12-02".into(),
                    sent_by: Some("sub".into()),
                    points: 9,
                    messages: 3,
                },
            ],
            sign_ins: vec![
                DayKindCount {
                    day: "2026-12-04".into(),
                    kind: "login_failed".into(),
                    count: 2,
                },
                DayKindCount {
                    day: "2026-12-04".into(),
                    kind: "login_succeeded".into(),
                    count: 1,
                },
            ],
            refusals: vec![
                r#"{"reason":"token_disabled","count":"40"}"#.into(),
                r#"{"reason":"token_disabled","count":"2"}"#.into(),
                r#"{"reason":"token_expired"}"#.into(),
            ],
            countries: Vec::new(),
            emails: [
                ("own".to_owned(), "o@example.com".to_owned()),
                ("sub".to_owned(), "s@example.com".to_owned()),
            ]
            .into_iter()
            .collect(),
            owner_id: Some("own".into()),
        };
        let days = ActivityDays::parse(Some("3")).unwrap();
        let activity = fold(counted, true, days, day("2026-12-04"));
        let points: Vec<(NaiveDate, i64, i64)> = activity
            .points_per_day
            .iter()
            .map(|d| (d.date, d.points, d.messages))
            .collect();
        assert_eq!(
            points,
            [
                (day("2026-12-02"), 13, 5),
                (day("2026-12-03"), 0, 0),
                (day("2026-12-04"), 0, 0)
            ]
        );
        let logins: Vec<(&str, i64)> = activity
            .points_by_login
            .iter()
            .map(|l| (l.email.as_str(), l.points))
            .collect();
        assert_eq!(logins, [("s@example.com", 9), ("o@example.com", 4)]);
        let today = activity.sign_ins_per_day.last().unwrap();
        assert_eq!((today.succeeded, today.failed), (1, 2));
        let refused: Vec<(&str, i64)> = activity
            .refused_calls
            .iter()
            .map(|r| (r.reason.as_str(), r.count))
            .collect();
        assert_eq!(refused, [("token_disabled", 42), ("token_expired", 1)]);
    }
}
