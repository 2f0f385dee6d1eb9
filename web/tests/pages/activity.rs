//! The activity page's charts: bars for the days with activity, failures marked apart
//! from successes, bar lists by name, every chart with a summary and a table, and empty
//! states when there is nothing to draw.

use std::rc::Rc;

use portcullis_shared::dto::{
    ActivityDto, ActivityScope, DayPointsDto, DaySignInsDto, DestinationDto, LoginPointsDto,
    RefusedCallsDto,
};
use portcullis_web::pages::{ActivityCharts, ActivityChartsProps};

use crate::support::{assert_has, between, owner, render_at, subuser, tag_with_id, text_of, Given};

fn date(day: u32) -> String {
    format!("2026-11-{day:02}")
}

/// Seven days, 2026-11-24 to 2026-11-30, with activity on two of them.
fn busy(scope: ActivityScope) -> ActivityDto {
    ActivityDto {
        scope,
        days: 7,
        points_per_day: (24..=30)
            .map(|day| DayPointsDto {
                date: date(day),
                points: match day {
                    26 => 12,
                    30 => 3,
                    _ => 0,
                },
                messages: match day {
                    26 => 4,
                    30 => 1,
                    _ => 0,
                },
            })
            .collect(),
        points_by_login: vec![
            LoginPointsDto {
                subuser_id: None,
                email: "owner@example.com".into(),
                points: 12,
                messages: 4,
            },
            LoginPointsDto {
                subuser_id: Some("sub_1".into()),
                email: "clerk@example.com".into(),
                points: 3,
                messages: 1,
            },
        ],
        sign_ins_per_day: (24..=30)
            .map(|day| DaySignInsDto {
                date: date(day),
                succeeded: i64::from(day == 30) * 2,
                failed: i64::from(day >= 29) * 3,
            })
            .collect(),
        refused_calls: vec![RefusedCallsDto {
            reason: "token_disabled".into(),
            label: "Token disabled".into(),
            count: 5,
        }],
        destinations: vec![
            DestinationDto {
                country: "PL".into(),
                name: "Poland".into(),
                messages: 4,
            },
            DestinationDto {
                country: "DE".into(),
                name: "Germany".into(),
                messages: 1,
            },
        ],
    }
}

async fn render(activity: ActivityDto) -> String {
    yew::ServerRenderer::<ActivityCharts>::with_props(move || ActivityChartsProps {
        activity: Rc::new(activity),
    })
    .hydratable(false)
    .render()
    .await
}

#[tokio::test]
async fn days_with_activity_get_bars_and_failures_are_striped_and_labelled() {
    let html = render(busy(ActivityScope::Account)).await;

    let points = between(&html, r#"id="points-chart""#, "</svg>");
    assert_eq!(
        points.matches(r#"class="bar bar--points""#).count(),
        2,
        "{points}"
    );
    assert!(
        points.contains(r#"data-date="2026-11-26" data-value="12""#),
        "{points}"
    );
    assert!(
        points.contains("<title>26 Nov: 12 points</title>"),
        "{points}"
    );
    assert_eq!(
        text_of(&html, "points-summary"),
        "15 points spent on 5 messages in the last 7 days. The most on 26 Nov: 12 points."
    );

    let sign_ins = between(&html, r#"id="sign-ins-chart""#, "</svg>");
    assert_eq!(sign_ins.matches("bar bar--succeeded").count(), 1);
    assert_eq!(sign_ins.matches("bar bar--failed").count(), 2);
    assert!(
        sign_ins.contains("<title>30 Nov: 3 failed</title>"),
        "{sign_ins}"
    );
    assert!(
        sign_ins.contains(r#"<pattern id="hatch-failed""#),
        "failures are striped"
    );
    let legend = between(&html, r#"class="chart-legend""#, "</ul>");
    assert!(legend.contains("Succeeded (solid)") && legend.contains("Failed (striped, on top)"));
    assert_eq!(
        text_of(&html, "sign-ins-summary"),
        "2 sign-ins succeeded and 6 failed in the last 7 days. The most failures on 29 Nov: 3."
    );

    // The numbers, day by day, as tables.
    let table = between(&html, r#"id="sign-ins-table""#, "</table>");
    assert_eq!(table.matches("<tr>").count(), 8, "a header and 7 days");
    assert!(
        table.contains(r#"<th scope="row">30 Nov</th><td>2</td><td class="failed-count">3</td>"#),
        "{table}"
    );
    assert_eq!(
        between(&html, r#"id="points-table""#, "</table>")
            .matches("<tr>")
            .count(),
        8
    );
}

#[tokio::test]
async fn bar_lists_name_logins_reasons_and_countries() {
    let html = render(busy(ActivityScope::Account)).await;

    let logins = between(&html, r#"id="by-login-list""#, "</ul>");
    assert!(logins.contains("owner@example.com (you)"), "{logins}");
    assert!(
        logins.contains(r#"data-label="clerk@example.com" data-value="3""#),
        "{logins}"
    );
    assert_has(tag_with_id(&html, "by-login-table"), "table");

    let countries = between(&html, r#"id="destinations-list""#, "</ul>");
    assert_eq!(countries.matches("<li").count(), 2);
    assert!(
        countries.contains(r#"data-label="Poland" data-value="4""#),
        "{countries}"
    );
    assert!(countries.contains(r#"width="100.00""#) && countries.contains(r#"width="25.00""#));
    assert!(!countries.contains(">PL<"), "names, not codes: {countries}");
    assert_eq!(
        text_of(&html, "destinations-summary"),
        "5 messages in the last 7 days. Most sent to: Poland, 4 messages."
    );
    assert_eq!(
        text_of(&html, "refused-summary"),
        "5 refused calls in the last 7 days. Most often: Token disabled, 5 refused calls."
    );
    assert!(text_of(&html, "activity-scope").starts_with("The whole account"));
}

#[tokio::test]
async fn a_subuser_sees_no_points_by_login() {
    let html = render(ActivityDto {
        points_by_login: Vec::new(),
        ..busy(ActivityScope::Own)
    })
    .await;
    assert!(!html.contains(r#"id="by-login""#), "{html}");
    assert!(text_of(&html, "activity-scope").starts_with("Your own activity"));
}

#[tokio::test]
async fn nothing_to_draw_says_so_instead_of_an_empty_picture() {
    let mut quiet = busy(ActivityScope::Account);
    for day in &mut quiet.points_per_day {
        (day.points, day.messages) = (0, 0);
    }
    for day in &mut quiet.sign_ins_per_day {
        (day.succeeded, day.failed) = (0, 0);
    }
    quiet.points_by_login.clear();
    quiet.refused_calls.clear();
    quiet.destinations.clear();
    let html = render(quiet).await;

    assert!(!html.contains("<svg"), "no pictures of nothing: {html}");
    assert!(!html.contains("<table"), "{html}");
    for id in [
        "points-empty",
        "sign-ins-empty",
        "refused-empty",
        "destinations-empty",
        "by-login-empty",
    ] {
        assert!(html.contains(&format!(r#"id="{id}""#)), "{id}: {html}");
    }
    assert_eq!(
        text_of(&html, "points-summary"),
        "No points spent in the last 7 days."
    );
    assert_eq!(
        text_of(&html, "sign-ins-summary"),
        "No sign-ins in the last 7 days."
    );
    assert_eq!(
        text_of(&html, "refused-summary"),
        "No API calls refused in the last 7 days."
    );
    assert_eq!(
        text_of(&html, "destinations-summary"),
        "No messages sent in the last 7 days."
    );
}

#[tokio::test]
async fn every_login_may_open_the_activity_page() {
    for me in [owner(), subuser(&[])] {
        let html = render_at("/activity", Given::SignedIn(Box::new(me.clone()))).await;
        assert!(html.contains(r#"data-testid="activity""#), "{html}");
        assert!(html.contains("Counting your activity…"));
        assert_has(tag_with_id(&html, "activity-period"), "<select");
        let dashboard = render_at("/", Given::SignedIn(Box::new(me))).await;
        let link = between(&dashboard, r#"id="activity-link""#, "</div>");
        assert!(
            link.contains(r#"href="/activity""#),
            "the dashboard links it: {link}"
        );
    }
}
