//! The security log's free-text search (`q`): what it finds (e-mails,
//! addresses, the kind's and the details' words, the browser), that `%` and
//! `_` are plain characters, that it combines with kind, dates and paging,
//! that the export carries the same filters, and that bad input names the
//! query parameter.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDateTime, Utc};
use portcullis_api::{
    db::security_events::SecurityEventRow, services::audit::security_log::append,
};
use portcullis_shared::{
    dto::{SecurityEventDto, SecurityLogPage},
    problem::ProblemCode,
    routes,
};
use reqwest::StatusCode;

use crate::harness::{expect_problem, TestApp};

const CHROME_ON_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_ON_WINDOWS: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

/// One event to put in a log, as `audit::record` would (linked into the chain).
struct Event<'a> {
    kind: &'a str,
    actor: &'a str,
    ip: &'a str,
    user_agent: &'a str,
    details: &'a [(&'a str, &'a str)],
    at: NaiveDateTime,
}

fn insert(app: &TestApp, account_id: &str, event: Event<'_>) -> String {
    let details: BTreeMap<String, String> = event
        .details
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut row = SecurityEventRow {
        id: format!("sev_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.into(),
        actor: event.actor.into(),
        kind: event.kind.into(),
        ip: Some(event.ip.into()),
        user_agent: Some(event.user_agent.into()),
        details: serde_json::to_string(&details).unwrap(),
        created_at: event.at,
        seq: None,
        prev_hash: None,
        hash: None,
    };
    append(&mut app.db(), &mut row, &details).unwrap();
    row.id
}

async fn page(app: &TestApp, query: &[(&str, &str)]) -> SecurityLogPage {
    let response = app
        .client
        .get(app.url(routes::SECURITY_LOG))
        .query(query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query:?}");
    response.json().await.unwrap()
}

/// The ids of the events the first page for `q` shows.
async fn found(app: &TestApp, q: &str) -> BTreeSet<String> {
    page(app, &[("q", q)])
        .await
        .events
        .into_iter()
        .map(|e| e.id)
        .collect()
}

fn ids<const N: usize>(ids: [&String; N]) -> BTreeSet<String> {
    ids.into_iter().cloned().collect()
}

async fn search_finds_what_a_person_sees(app: TestApp) {
    let me = app.signed_in("finder@example.com").await;
    let account = me.account.id.as_str();
    let at = |days| Utc::now().naive_utc() - Duration::days(days);
    let token = insert(
        &app,
        account,
        Event {
            kind: "token_created",
            actor: account,
            ip: "203.0.113.9",
            user_agent: CHROME_ON_LINUX,
            details: &[("token_name", "CI 100%_done")],
            at: at(5),
        },
    );
    let failed = insert(
        &app,
        account,
        Event {
            kind: "login_failed",
            actor: "anonymous",
            ip: "198.51.100.20",
            user_agent: FIREFOX_ON_WINDOWS,
            details: &[("reason", "wrong_password")],
            at: at(4),
        },
    );
    let refused = insert(
        &app,
        account,
        Event {
            kind: "api_call_refused",
            actor: "system",
            ip: "2001:db8::5",
            user_agent: "curl/8.5.0",
            details: &[("reason", "address_not_allowed"), ("scope", "sms")],
            at: at(3),
        },
    );
    let lookalike = insert(
        &app,
        account,
        Event {
            kind: "token_created",
            actor: "system",
            ip: "192.0.2.1",
            user_agent: "curl/8.5.0",
            details: &[("token_name", "CI 100xdone")],
            at: at(2),
        },
    );

    // The actor's e-mail, in any case: the sign-up, the sign-in and the token.
    let by_email = page(&app, &[("q", "FINDER@Example")]).await;
    assert!(by_email.events.iter().all(|e| e.actor == account));
    assert_eq!(by_email.events.len(), 3, "{by_email:?}");
    assert!(by_email.events.iter().any(|e| e.id == token));
    // The address, IPv4 and IPv6.
    assert_eq!(found(&app, "198.51.100.20").await, ids([&failed]));
    assert_eq!(found(&app, "2001:DB8").await, ids([&refused]));
    // The details' values, as stored and as read in words.
    assert_eq!(found(&app, "wrong_password").await, ids([&failed]));
    assert_eq!(found(&app, "Wrong Password").await, ids([&failed]));
    assert_eq!(found(&app, "address not allowed").await, ids([&refused]));
    // The kind, by the words the portal shows.
    assert_eq!(found(&app, "sign-in FAILED").await, ids([&failed]));
    assert_eq!(
        found(&app, "token created").await,
        ids([&token, &lookalike])
    );
    // The browser, by its user agent and as the portal names it.
    assert_eq!(found(&app, "firefox").await, ids([&failed]));
    assert_eq!(found(&app, "Chrome on Linux").await, ids([&token]));
    // `%` and `_` are characters, not wildcards.
    assert_eq!(found(&app, "100%").await, ids([&token]));
    assert_eq!(found(&app, "%_done").await, ids([&token]));
    assert!(found(&app, "100_done").await.is_empty());
    assert!(found(&app, "nothing like this").await.is_empty());
    // The details' stored form (JSON) is not what a person reads.
    assert!(found(&app, "{").await.is_empty());
    assert!(found(&app, "\"reason\"").await.is_empty());
    // A blank search is no search.
    assert_eq!(page(&app, &[("q", "  ")]).await.events.len(), 6);
}

async fn search_combines_with_kind_dates_paging_and_export(app: TestApp) {
    let me = app.signed_in("combine@example.com").await;
    let account = me.account.id.as_str();
    let t0 = Utc::now().naive_utc() - Duration::days(20);
    let mut needles = Vec::new();
    for i in 0..12 {
        let kind = if i % 3 == 0 {
            "login_failed"
        } else {
            "token_created"
        };
        let note = if i % 4 == 3 { "haystack" } else { "needle" };
        // Pairs at the same instant: paging must order ties by id.
        let id = insert(
            &app,
            account,
            Event {
                kind,
                actor: "system",
                ip: "192.0.2.44",
                user_agent: "curl/8.5.0",
                details: &[("note", note)],
                at: t0 + Duration::days(i / 2),
            },
        );
        if note == "needle" {
            needles.push((i, kind, id));
        }
    }
    assert_eq!(needles.len(), 9);

    // Paging through a search gives every match exactly once, newest first.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("q", "needle".to_owned()), ("limit", "2".to_owned())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = page(&app, &query).await;
        assert!(page.events.len() <= 2);
        seen.extend(page.events.iter().map(|e| e.id.clone()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), unique.len(), "no event twice: {seen:?}");
    let expected: BTreeSet<&String> = needles.iter().map(|(_, _, id)| id).collect();
    assert_eq!(unique, expected, "every match once");

    // With a kind and a time range too.
    let rfc = |t: NaiveDateTime| t.and_utc().to_rfc3339();
    let (from, to) = (rfc(t0 + Duration::days(1)), rfc(t0 + Duration::days(4)));
    let filters = [
        ("q", "needle"),
        ("kind", "token_created"),
        ("from", from.as_str()),
        ("to", to.as_str()),
    ];
    let narrowed: BTreeSet<String> = page(&app, &filters)
        .await
        .events
        .into_iter()
        .map(|e| e.id)
        .collect();
    let wanted: BTreeSet<String> = needles
        .iter()
        .filter(|(i, kind, _)| *kind == "token_created" && (2..8).contains(i))
        .map(|(_, _, id)| id.clone())
        .collect();
    assert!(!wanted.is_empty());
    assert_eq!(narrowed, wanted);

    // The export of what the page shows: the same filters, JSON and CSV.
    let mut export_query = filters.to_vec();
    export_query.push(("format", "json"));
    let exported: Vec<SecurityEventDto> = app
        .client
        .get(app.url(routes::SECURITY_LOG_EXPORT))
        .query(&export_query)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let exported: BTreeSet<String> = exported.into_iter().map(|e| e.id).collect();
    assert_eq!(exported, wanted);
    export_query.pop();
    export_query.push(("format", "csv"));
    let response = app
        .client
        .get(app.url(routes::SECURITY_LOG_EXPORT))
        .query(&export_query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csv = response.text().await.unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), wanted.len(), "{csv}");
    assert!(wanted.iter().all(|id| csv.contains(id.as_str())));
    assert!(!csv.contains("haystack"));
}

async fn bad_search_and_times_name_the_parameter(app: TestApp) {
    app.signed_in("named@example.com").await;
    let before = app.count("security_events");
    let too_long = "x".repeat(101);
    let cases: [(&str, &str, &str); 6] = [
        ("q", too_long.as_str(), "q"),
        ("from", "yesterday", "from"),
        ("to", "2026-13-40T00:00:00Z", "to"),
        ("kind", "nope", "kind"),
        ("limit", "0", "limit"),
        ("cursor", "sev_unknown", "cursor"),
    ];
    for path in [routes::SECURITY_LOG, routes::SECURITY_LOG_EXPORT] {
        for (parameter, value, field) in cases {
            if path == routes::SECURITY_LOG_EXPORT && matches!(parameter, "limit" | "cursor") {
                continue;
            }
            let response = app
                .client
                .get(app.url(path))
                .query(&[(parameter, value)])
                .send()
                .await
                .unwrap();
            let problem = expect_problem(
                response,
                StatusCode::BAD_REQUEST,
                ProblemCode::MalformedQuery,
            )
            .await;
            assert_eq!(problem.errors.len(), 1, "{path} {parameter}: {problem:?}");
            assert_eq!(problem.errors[0].field, field, "{path}: {problem:?}");
            assert!(problem.detail.is_some());
        }
        // `from` after `to` names `from`.
        let response = app
            .client
            .get(app.url(path))
            .query(&[
                ("from", "2026-11-02T00:00:00Z"),
                ("to", "2026-11-01T00:00:00Z"),
            ])
            .send()
            .await
            .unwrap();
        let problem = expect_problem(
            response,
            StatusCode::BAD_REQUEST,
            ProblemCode::MalformedQuery,
        )
        .await;
        assert_eq!(problem.errors[0].field, "from");
        assert_eq!(problem.errors[0].code, "end_before_start");
    }
    // The longest search allowed is fine, and finds nothing.
    let longest = "x".repeat(100);
    assert!(page(&app, &[("q", longest.as_str())])
        .await
        .events
        .is_empty());
    assert_eq!(app.count("security_events"), before, "nothing was changed");
}

async fn a_subusers_email_finds_their_events_and_no_one_elses(app: TestApp) {
    use crate::subusers::{create_subuser, subuser_browser, subuser_request};
    use portcullis_shared::dto::SubuserGrantsDto;

    let owner = app.signed_in("boss@example.com").await;
    let sub = create_subuser(
        &app,
        &owner,
        &subuser_request("clerk@example.com", SubuserGrantsDto::default()),
    )
    .await;
    subuser_browser(&app, "clerk@example.com").await;
    // Another company, whose logins the owner's search never finds.
    app.another_browser()
        .signed_in("clerk.stranger@example.com")
        .await;

    let found = page(&app, &[("q", "CLERK@")]).await;
    assert!(!found.events.is_empty());
    // The subuser's own events, and the owner's creating them (the details name them).
    let clerk = Some("clerk@example.com");
    assert!(
        found
            .events
            .iter()
            .all(|e| (e.actor == sub.id && e.actor_email.as_deref() == clerk)
                || e.details.get("email").map(String::as_str) == clerk),
        "{found:?}"
    );
    assert!(found
        .events
        .iter()
        .any(|e| e.kind == portcullis_shared::dto::SecurityEventKind::LoginSucceeded));
    assert!(page(&app, &[("q", "stranger")]).await.events.is_empty());

    // The owner's view of the subuser's log takes the same search.
    let theirs = routes::SUBUSER_SECURITY_LOG.replace("{id}", &sub.id);
    let response = app
        .client
        .get(app.url(&theirs))
        .query(&[("q", "clerk@"), ("kind", "login_succeeded")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let theirs_found: SecurityLogPage = response.json().await.unwrap();
    assert!(!theirs_found.events.is_empty());
    assert!(theirs_found.events.iter().all(|e| e.actor == sub.id));
    let response = app
        .client
        .get(app.url(&theirs))
        .query(&[("q", "boss@")])
        .send()
        .await
        .unwrap();
    let none: SecurityLogPage = response.json().await.unwrap();
    assert!(none.events.is_empty(), "{none:?}");
}

on_both_backends!(
    a_subusers_email_finds_their_events_and_no_one_elses,
    search_finds_what_a_person_sees,
    search_combines_with_kind_dates_paging_and_export,
    bad_search_and_times_name_the_parameter,
);
