//! The contact database through the API, with `contacts` and `contacts:read`.

use portcullis_shared::{
    dto::{ContactDto, ContactGroupDto, CreatedTokenDto, ImportResultDto},
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{header, Method, StatusCode};
use serde_json::json;

use crate::helpers::{expect_problem, field_codes, TestApp};

async fn tokens(app: &TestApp, email: &str) -> (String, String) {
    let me = app.signed_in(email).await;
    let mut secrets = Vec::new();
    for scope in ["contacts", "contacts:read"] {
        let response = app
            .portal(
                Method::POST,
                routes::TOKENS,
                &me.session.csrf_token,
                Some(json!({"name": scope, "scopes": [scope]})),
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

async fn contacts_and_groups_with_read_and_write_scopes(app: TestApp) {
    let (write, read) = tokens(&app, "crm@example.com").await;
    let group: ContactGroupDto = post(&app, &write, routes::CONTACT_GROUPS)
        .json(&json!({"name": "VIP"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = post(&app, &write, routes::CONTACTS)
        .json(&json!({"phone": "+48 500 100 200", "first_name": "Ada", "email": "ada@example.com", "groups": [group.id]}))
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
        .json(&json!({"phone": "+48500100201"}))
        .send()
        .await
        .unwrap();
    expect_problem(
        refused,
        StatusCode::FORBIDDEN,
        ProblemCode::InsufficientScope,
    )
    .await;
    assert_eq!(
        app.bearer_get(routes::CONTACTS, &write).await.status(),
        StatusCode::OK
    );

    let duplicate = post(&app, &write, routes::CONTACTS)
        .json(&json!({"phone": "+48500100200"}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(duplicate, StatusCode::CONFLICT, ProblemCode::Conflict).await;
    assert_eq!(field_codes(&problem, "phone"), [codes::DUPLICATE]);
    let invalid = post(&app, &write, routes::CONTACTS)
        .json(&json!({"phone": "12", "email": "nope", "groups": ["grp_x"]}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(
        invalid,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    assert_eq!(field_codes(&problem, "phone"), [codes::INVALID_PHONE]);
    assert_eq!(field_codes(&problem, "email"), [codes::INVALID_EMAIL]);
    let unknown_group = post(&app, &write, routes::CONTACTS)
        .json(&json!({"phone": "+48500100209", "groups": ["grp_x"]}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(
        unknown_group,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    assert_eq!(field_codes(&problem, "groups"), [codes::UNKNOWN_GROUP]);
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
        ProblemCode::InsufficientScope,
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
        .json(&json!({"name": "Newsletter"}))
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
        ProblemCode::InsufficientScope,
    )
    .await;
    assert_eq!(app.count("contacts"), 2);
}

on_both_backends!(
    contacts_and_groups_with_read_and_write_scopes,
    csv_import_reports_each_bad_row
);
