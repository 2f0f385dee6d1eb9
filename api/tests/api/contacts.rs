//! The contact database through the API, with `contacts` and `contacts:read`.

use portcullis_shared::{
    dto::{
        ContactDto, ContactGroupDto, CreateContactGroupRequest, CreateContactRequest,
        CreatedTokenDto, ImportResultDto, UpdateContactRequest,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
};
use reqwest::{header, Method, StatusCode};
use serde_json::json;

use crate::harness::{expect_problem, field_codes, token_request, TestApp};

async fn tokens(app: &TestApp, email: &str) -> (String, String) {
    let me = app.signed_in(email).await;
    let mut secrets = Vec::new();
    for scope in [Scope::Contacts, Scope::ContactsRead] {
        let response = app
            .post_json(
                routes::TOKENS,
                &token_request(scope.as_str(), &[scope]),
                &me.session.csrf_token,
            )
            .await;
        secrets.push(response.json::<CreatedTokenDto>().await.unwrap().secret);
    }
    (secrets[0].clone(), secrets[1].clone())
}

fn post(app: &TestApp, token: &str, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
}

/// The field errors a refusal names: `(field, code)` pairs.
type FieldErrors = &'static [(&'static str, &'static str)];

async fn contacts_and_groups_with_read_and_write_scopes(app: TestApp) {
    let (write, read) = tokens(&app, "crm@example.com").await;
    let group = create_group(&app, &write, "VIP").await;
    let response = post(&app, &write, routes::CONTACTS)
        .json(&CreateContactRequest {
            phone: "+48 500 100 200".to_owned(),
            first_name: Some("Ada".to_owned()),
            email: Some("ada@example.com".to_owned()),
            groups: vec![group.id.clone()],
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let contact: ContactDto = response.json().await.unwrap();
    assert_eq!(
        (contact.phone.as_str(), contact.groups.clone()),
        ("+48500100200", vec![group.id.clone()])
    );

    let listed: Vec<ContactDto> = app
        .bearer_get(routes::CONTACTS, &read)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, vec![contact.clone()]);
    let in_group: Vec<ContactDto> = app
        .bearer_get(&format!("{}?group={}", routes::CONTACTS, group.id), &read)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(in_group.len(), 1);
    let fetched: ContactDto = app
        .bearer_get(&routes::CONTACT.replace("{id}", &contact.id), &read)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, contact);

    // Read-only tokens cannot write; write tokens can also read.
    let refused = post(&app, &read, routes::CONTACTS)
        .json(&CreateContactRequest {
            phone: "+48500100201".to_owned(),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    expect_problem(
        refused,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    app.assert_bearer_get(routes::CONTACTS, &write, StatusCode::OK)
        .await;

    // Refused creates, each naming its fields.
    let refused_creates: [(CreateContactRequest, StatusCode, ProblemCode, FieldErrors); 3] = [
        (
            CreateContactRequest {
                phone: "+48500100200".to_owned(),
                ..Default::default()
            },
            StatusCode::CONFLICT,
            ProblemCode::Conflict,
            &[("phone", codes::DUPLICATE)],
        ),
        (
            CreateContactRequest {
                phone: "12".to_owned(),
                email: Some("nope".to_owned()),
                groups: vec!["grp_x".to_owned()],
                ..Default::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
            &[
                ("phone", codes::INVALID_PHONE),
                ("email", codes::INVALID_EMAIL),
            ],
        ),
        (
            CreateContactRequest {
                phone: "+48500100209".to_owned(),
                groups: vec!["grp_x".to_owned()],
                ..Default::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
            &[("groups", codes::UNKNOWN_GROUP)],
        ),
    ];
    for (request, status, code, fields) in refused_creates {
        let response = post(&app, &write, routes::CONTACTS)
            .json(&request)
            .send()
            .await
            .unwrap();
        let problem = expect_problem(response, status, code).await;
        for (field, field_code) in fields {
            assert_eq!(field_codes(&problem, field), [*field_code], "{request:?}");
        }
    }
    assert_eq!(app.count("contacts"), 1);

    let path = routes::CONTACT.replace("{id}", &contact.id);
    let delete = |token: &str| {
        reqwest::Client::new()
            .delete(app.url(&path))
            .bearer_auth(token.to_owned())
            .send()
    };
    expect_problem(
        delete(&read).await.unwrap(),
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    assert_eq!(
        delete(&write).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        delete(&write).await.unwrap(),
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    assert_eq!(app.count("contact_group_members"), 0);
}

async fn csv_import_reports_each_bad_row(app: TestApp) {
    let (write, read) = tokens(&app, "import@example.com").await;
    post(&app, &write, routes::CONTACT_GROUPS)
        .json(&CreateContactGroupRequest {
            name: "Newsletter".to_owned(),
        })
        .send()
        .await
        .unwrap();
    let csv = "phone,first_name,last_name,email,groups\n\
               +48500100200,Ada,\"Lovelace, Countess\",ada@example.com,Newsletter\n\
               not-a-phone,Bob,,,\n\
               +48500100200,Dup,,,\n\
               +48500100201,Cy,,bad-email,\n\
               +48500100202,Di,,,Unknown\n\
               \"+48500100203\",\"Eve \"\"E\"\"\",,,\n";
    let response = post(&app, &write, routes::CONTACTS_IMPORT)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let result: ImportResultDto = response.json().await.unwrap();
    assert_eq!(result.imported, 2);
    let reported: Vec<(u64, &str, &str)> = result
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        reported,
        [
            (3, "phone", codes::INVALID_PHONE),
            (4, "phone", codes::DUPLICATE),
            (5, "email", codes::INVALID_EMAIL),
            (6, "groups", codes::UNKNOWN_GROUP)
        ]
    );
    let listed: Vec<ContactDto> = app
        .bearer_get(routes::CONTACTS, &read)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<_> = listed
        .iter()
        .map(|c| (c.first_name.clone().unwrap(), c.last_name.clone()))
        .collect();
    assert_eq!(
        names,
        [
            ("Ada".to_owned(), Some("Lovelace, Countess".to_owned())),
            ("Eve \"E\"".to_owned(), None)
        ]
    );
    assert_eq!(listed[0].groups.len(), 1);

    let no_phone = post(&app, &write, routes::CONTACTS_IMPORT)
        .header(header::CONTENT_TYPE, "text/csv")
        .body("name\nAda\n")
        .send()
        .await
        .unwrap();
    expect_problem(
        no_phone,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    let ragged = post(&app, &write, routes::CONTACTS_IMPORT)
        .header(header::CONTENT_TYPE, "text/csv")
        .body("phone,first_name\n+48500100204\n")
        .send()
        .await
        .unwrap();
    let result: ImportResultDto = ragged.json().await.unwrap();
    assert_eq!(
        (result.imported, result.errors[0].code.as_str()),
        (0, "malformed_row")
    );
    let as_json = post(&app, &write, routes::CONTACTS_IMPORT)
        .json(&json!({"phone": "+48500100205"}))
        .send()
        .await
        .unwrap();
    expect_problem(
        as_json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ProblemCode::UnsupportedMediaType,
    )
    .await;
    let read_only = post(&app, &read, routes::CONTACTS_IMPORT)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    expect_problem(
        read_only,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    assert_eq!(app.count("contacts"), 2);
}

async fn create_group(app: &TestApp, token: &str, name: &str) -> ContactGroupDto {
    let response = post(app, token, routes::CONTACT_GROUPS)
        .json(&CreateContactGroupRequest {
            name: name.to_owned(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// A request with a bearer token, from a client without cookies.
fn call(app: &TestApp, method: Method, token: &str, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
}

async fn contacts_change_in_part_with_the_create_checks(app: TestApp) {
    let (write, read) = tokens(&app, "patch@example.com").await;
    let group = create_group(&app, &write, "VIP").await;
    let create = |phone: &'static str| {
        post(&app, &write, routes::CONTACTS)
            .json(&CreateContactRequest {
                phone: phone.to_owned(),
                first_name: Some("Ada".to_owned()),
                last_name: Some("Lovelace".to_owned()),
                ..Default::default()
            })
            .send()
    };
    let ada: ContactDto = create("+48500100200").await.unwrap().json().await.unwrap();
    let other: ContactDto = create("+48500100201").await.unwrap().json().await.unwrap();
    let path = routes::CONTACT.replace("{id}", &ada.id);

    let response = call(&app, Method::PATCH, &write, &path)
        .json(&UpdateContactRequest {
            first_name: Some("Augusta".to_owned()),
            last_name: Some("".to_owned()),
            email: Some("ada@example.com".to_owned()),
            groups: Some(vec![group.id.clone()]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let changed: ContactDto = response.json().await.unwrap();
    assert_eq!(changed.first_name.as_deref(), Some("Augusta"));
    assert_eq!(changed.last_name, None, "an empty string clears");
    assert_eq!(changed.email.as_deref(), Some("ada@example.com"));
    assert_eq!(changed.phone, "+48500100200", "absent fields stay");
    assert_eq!(changed.groups, vec![group.id.clone()]);
    assert_eq!(changed.created_at, ada.created_at);
    let fetched: ContactDto = app.bearer_get(&path, &read).await.json().await.unwrap();
    assert_eq!(fetched, changed);

    // Only the fields sent change: the groups stay when not sent.
    let renamed: ContactDto = call(&app, Method::PATCH, &write, &path)
        .json(&UpdateContactRequest {
            phone: Some("+48 500 100 209".to_owned()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(renamed.phone, "+48500100209");
    assert_eq!(renamed.groups, vec![group.id.clone()]);

    // Refused changes, each naming its fields.
    let elsewhere = routes::CONTACT.replace("{id}", "con_nope");
    let refused_changes: [(
        &str,
        &str,
        UpdateContactRequest,
        StatusCode,
        ProblemCode,
        FieldErrors,
    ); 4] = [
        (
            &read,
            &path,
            UpdateContactRequest {
                first_name: Some("Eve".to_owned()),
                ..Default::default()
            },
            StatusCode::FORBIDDEN,
            ProblemCode::PermissionDenied,
            &[],
        ),
        (
            &write,
            &path,
            UpdateContactRequest {
                phone: Some("12".to_owned()),
                email: Some("nope".to_owned()),
                groups: Some(vec!["grp_x".to_owned()]),
                ..Default::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
            &[
                ("phone", codes::INVALID_PHONE),
                ("email", codes::INVALID_EMAIL),
            ],
        ),
        (
            &write,
            &path,
            UpdateContactRequest {
                phone: Some(other.phone.to_owned()),
                ..Default::default()
            },
            StatusCode::CONFLICT,
            ProblemCode::Conflict,
            &[("phone", codes::DUPLICATE)],
        ),
        (
            &write,
            &elsewhere,
            UpdateContactRequest {
                first_name: Some("Eve".to_owned()),
                ..Default::default()
            },
            StatusCode::NOT_FOUND,
            ProblemCode::NotFound,
            &[],
        ),
    ];
    for (token, at, change, status, code, fields) in refused_changes {
        let response = call(&app, Method::PATCH, token, at)
            .json(&change)
            .send()
            .await
            .unwrap();
        let problem = expect_problem(response, status, code).await;
        for (field, field_code) in fields {
            assert_eq!(field_codes(&problem, field), [*field_code], "{change:?}");
        }
    }
    let unchanged: ContactDto = app.bearer_get(&path, &read).await.json().await.unwrap();
    assert_eq!(unchanged, renamed, "refused changes change nothing");
}

async fn groups_are_renamed_and_deleted_without_their_contacts(app: TestApp) {
    let (write, read) = tokens(&app, "groups@example.com").await;
    let mut groups = Vec::new();
    for name in ["VIP", "Newsletter"] {
        groups.push(create_group(&app, &write, name).await);
    }
    let contact: ContactDto = post(&app, &write, routes::CONTACTS)
        .json(&CreateContactRequest {
            phone: "+48500100200".to_owned(),
            groups: vec![groups[0].id.clone(), groups[1].id.clone()],
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let vip = routes::CONTACT_GROUP.replace("{id}", &groups[0].id);

    let response = call(&app, Method::PATCH, &write, &vip)
        .json(&CreateContactGroupRequest {
            name: "Gold".to_owned(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let renamed: ContactGroupDto = response.json().await.unwrap();
    assert_eq!(
        (renamed.id.as_str(), renamed.name.as_str()),
        (groups[0].id.as_str(), "Gold")
    );
    let problem = expect_problem(
        call(&app, Method::PATCH, &write, &vip)
            .json(&CreateContactGroupRequest {
                name: "Newsletter".to_owned(),
            })
            .send()
            .await
            .unwrap(),
        StatusCode::CONFLICT,
        ProblemCode::Conflict,
    )
    .await;
    assert_eq!(field_codes(&problem, "name"), [codes::DUPLICATE]);
    for method in [Method::PATCH, Method::DELETE] {
        expect_problem(
            call(&app, method, &read, &vip)
                .json(&CreateContactGroupRequest {
                    name: "Silver".to_owned(),
                })
                .send()
                .await
                .unwrap(),
            StatusCode::FORBIDDEN,
            ProblemCode::PermissionDenied,
        )
        .await;
    }

    assert_eq!(
        call(&app, Method::DELETE, &write, &vip)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        call(&app, Method::DELETE, &write, &vip)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    let left: Vec<ContactGroupDto> = app
        .bearer_get(routes::CONTACT_GROUPS, &read)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].name, "Newsletter");
    let kept: ContactDto = app
        .bearer_get(&routes::CONTACT.replace("{id}", &contact.id), &read)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        kept.groups,
        [groups[1].id.clone()],
        "the contact stays, out of the group"
    );

    // Another account's group is not found.
    let (stranger, _) = tokens(&app.another_browser(), "stranger@example.com").await;
    let newsletter = routes::CONTACT_GROUP.replace("{id}", &groups[1].id);
    expect_problem(
        call(&app, Method::DELETE, &stranger, &newsletter)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    assert_eq!(app.count("contact_group_members"), 1);
}

/// While a 10,000-row CSV import runs, other writes of the same account
/// (single contacts here) are acknowledged before the import answers: the
/// import never holds the (SQLite) write lock for its whole length.
async fn a_large_csv_import_does_not_hold_the_write_lock(app: TestApp) {
    const ROWS: u64 = 10_000;
    let (write, read) = tokens(&app, "bulk@example.com").await;
    post(&app, &write, routes::CONTACT_GROUPS)
        .json(&CreateContactGroupRequest {
            name: "Bulk".to_owned(),
        })
        .send()
        .await
        .unwrap();
    let mut csv = String::from("phone,first_name,last_name,groups\n");
    for i in 0..ROWS {
        csv.push_str(&format!("+48501{i:06},Bulk,Contact number {i},Bulk\n"));
    }
    let import = tokio::spawn(
        post(&app, &write, routes::CONTACTS_IMPORT)
            .header(header::CONTENT_TYPE, "text/csv")
            .body(csv)
            .send(),
    );
    // Wait until the import has committed its first chunk of staged rows:
    // from then on it is running, and (unlike one long transaction) it must
    // let other writers in between its chunks.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while app.count("contact_import_rows") == 0 {
        assert!(
            !import.is_finished(),
            "the import ended before staging anything"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "the import never staged a row"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // Single writes, one after another, until the import answers.
    let mut acknowledged_during_import = 0;
    let mut slowest = std::time::Duration::ZERO;
    let mut created: i64 = 0;
    let mut took_line_two = true;
    while !import.is_finished() {
        let started = std::time::Instant::now();
        // The first takes a phone the import holds (line 2): staged rows are
        // checked again when they are published.
        let phone = if created == 0 {
            "+48501000000".to_owned()
        } else {
            format!("+48502{created:06}")
        };
        let response = post(&app, &write, routes::CONTACTS)
            .json(&CreateContactRequest {
                phone: phone.to_owned(),
                ..Default::default()
            })
            .send()
            .await
            .unwrap();
        slowest = slowest.max(started.elapsed());
        if created == 0 && response.status() == StatusCode::CONFLICT {
            // The import published line 2 first; the answer came meanwhile.
            took_line_two = false;
        } else {
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        created += 1;
        if !import.is_finished() {
            acknowledged_during_import += 1;
        }
    }
    let created = created - i64::from(!took_line_two);
    let response = import.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let result: ImportResultDto = response.json().await.unwrap();
    let reported: Vec<(u64, &str, &str)> = result
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str(), e.code.as_str()))
        .collect();
    if took_line_two {
        assert_eq!(
            (result.imported, reported),
            (ROWS - 1, vec![(2, "phone", codes::DUPLICATE)])
        );
    } else {
        assert_eq!((result.imported, reported), (ROWS, vec![]));
    }
    let imported = result.imported as i64;
    assert!(
        acknowledged_during_import >= 1,
        "only {acknowledged_during_import} of {created} writes were acknowledged during the import (slowest {slowest:?})"
    );
    assert_eq!(app.count("contacts"), imported + created);
    assert_eq!(app.count("contact_group_members"), imported);
    assert_eq!(app.count("contact_import_rows"), 0, "nothing stays staged");
    let listed = app.bearer_get(routes::CONTACTS, &read).await;
    assert_eq!(listed.status(), StatusCode::OK);
}

/// The lines of a CSV export after its header, sorted (ids order contacts,
/// and two accounts' ids differ).
fn export_rows(csv: &str) -> (String, Vec<String>) {
    let mut lines = csv.lines().map(str::to_owned);
    let header = lines.next().expect("a header row");
    let mut rows: Vec<String> = lines.collect();
    rows.sort();
    (header, rows)
}

async fn export(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    app.bearer_get(&format!("{}{query}", routes::CONTACTS_EXPORT), token)
        .await
}

async fn contacts_are_searched_and_an_export_imports_back_as_it_was(app: TestApp) {
    let (write, read) = tokens(&app, "search@example.com").await;
    create_group(&app, &write, "Newsletter").await;
    let csv = "phone,first_name,last_name,email,groups\n\
               +48500100200,Ada,Lovelace,Ada@Example.com,Newsletter\n\
               +48500100201,=HYPERLINK(\"x\"),\"O'Brien, Jr\",,\n\
               +48500100202,Zofia,,,\n";
    let imported: ImportResultDto = post(&app, &write, routes::CONTACTS_IMPORT)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((imported.imported, imported.errors.len()), (3, 0));

    let found = |query: &'static str| {
        let (app, read) = (&app, &read);
        async move {
            let response = app
                .bearer_get(&format!("{}?q={query}", routes::CONTACTS), read)
                .await;
            assert_eq!(response.status(), StatusCode::OK, "q={query}");
            let listed: Vec<ContactDto> = response.json().await.unwrap();
            listed.into_iter().map(|c| c.phone).collect::<Vec<String>>()
        }
    };
    // Names and e-mail in any case, and digits of the phone.
    assert_eq!(found("ADA").await, ["+48500100200"]);
    assert_eq!(found("example.COM").await, ["+48500100200"]);
    assert_eq!(found("100201").await, ["+48500100201"]);
    assert_eq!(found("o%27brien").await, ["+48500100201"]);
    // Wildcards are plain characters; a blank search is no search.
    assert!(found("%25").await.is_empty());
    assert!(found("_").await.is_empty());
    assert_eq!(found("%20").await.len(), 3);
    let too_long = app
        .bearer_get(
            &format!("{}?q={}", routes::CONTACTS, "a".repeat(101)),
            &read,
        )
        .await;
    expect_problem(
        too_long,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedQuery,
    )
    .await;

    let response = export(&app, &read, "").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"contacts-"));
    let exported = response.text().await.unwrap();
    let (columns, rows) = export_rows(&exported);
    assert_eq!(columns, "phone,first_name,last_name,email,groups");
    assert_eq!(
        rows,
        [
            "+48500100200,Ada,Lovelace,Ada@Example.com,Newsletter",
            // A cell a spreadsheet would run gets a leading apostrophe.
            "+48500100201,\"'=HYPERLINK(\"\"x\"\")\",\"O'Brien, Jr\",,",
            "+48500100202,Zofia,,,",
        ]
    );
    let searched = export(&app, &read, "?q=zofia").await.text().await.unwrap();
    assert_eq!(export_rows(&searched).1, ["+48500100202,Zofia,,,"]);
    // As the list: a group with no members of the account's gives an empty file.
    let none = export(&app, &read, "?group=no-such-group")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(none, "phone,first_name,last_name,email,groups\n");

    // Another account imports the file and exports the same file.
    let (other_write, other_read) = tokens(&app, "copy@example.com").await;
    create_group(&app, &other_write, "Newsletter").await;
    let copied: ImportResultDto = post(&app, &other_write, routes::CONTACTS_IMPORT)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(exported.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((copied.imported, copied.errors.len()), (3, 0));
    let again = export(&app, &other_read, "").await.text().await.unwrap();
    assert_eq!(export_rows(&again), export_rows(&exported));
}

on_both_backends!(
    contacts_and_groups_with_read_and_write_scopes,
    contacts_are_searched_and_an_export_imports_back_as_it_was,
    csv_import_reports_each_bad_row,
    contacts_change_in_part_with_the_create_checks,
    groups_are_renamed_and_deleted_without_their_contacts,
    a_large_csv_import_does_not_hold_the_write_lock,
);
