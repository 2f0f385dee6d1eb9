//! System texts (sign-in, new-device, two-factor set-up and step-up codes)
//! obey the account's country filter like any message: no SMS goes to a
//! country the filter blocks, and a phone there is refused when it is set.

use portcullis_shared::{
    dto::{
        CreateSubuserRequest, LoginChallengeDto, MeResponse, SubuserGrantsDto,
        UpdateSubuserRequest, VerificationMethod,
    },
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, field_codes, signup_request, TestApp, GOOD_PASSWORD,
    SIGNUP_PHONE_E164,
};

/// A German mobile number: outside a new Polish account's filter.
const GERMAN_PHONE: &str = "+49 151 23456789";
const GERMAN_PHONE_E164: &str = "+4915123456789";

/// The subuser `clerk@example.com` with a phone and no grants.
fn clerk(phone: &str) -> CreateSubuserRequest {
    CreateSubuserRequest {
        email: "clerk@example.com".to_owned(),
        password: Some("Amber-Lantern-77".to_owned()),
        phone: Some(phone.to_owned()),
        grants: SubuserGrantsDto::default(),
    }
}

async fn set_countries(app: &TestApp, me: &MeResponse, countries: &[&str]) {
    let response = app
        .put_country_filter(&me.session.csrf_token, countries)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// SMS in the outbox to `phone`.
fn texts_to(app: &TestApp, phone: &str) -> i64 {
    use diesel::prelude::*;
    use portcullis_api::db::schema::outbox_messages as outbox;
    outbox::table
        .filter(outbox::recipient.eq(phone))
        .filter(outbox::channel.eq("sms"))
        .count()
        .get_result(&mut app.db())
        .expect("count texts")
}

async fn a_phone_outside_the_country_filter_is_refused_at_every_set_up(app: TestApp) {
    let me = app.signed_in("abroad@example.com").await;
    let csrf = me.session.csrf_token.clone();
    let expect_phone_refused = |response: reqwest::Response| async move {
        let problem = expect_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        assert_eq!(
            field_codes(&problem, "phone"),
            [codes::COUNTRY_NOT_ALLOWED],
            "{problem:?}"
        );
    };

    // Two-factor SMS set-up: nothing is texted to the German number.
    expect_phone_refused(
        app.start_sms_two_factor(&csrf, GOOD_PASSWORD, GERMAN_PHONE)
            .await,
    )
    .await;
    assert_eq!(texts_to(&app, GERMAN_PHONE_E164), 0);

    // A subuser's phone, when created and when changed.
    expect_phone_refused(
        app.portal_json(Method::POST, routes::SUBUSERS, &csrf, &clerk(GERMAN_PHONE))
            .await,
    )
    .await;
    assert_eq!(app.count("subuser_grants"), 0);
    let created = app
        .portal_json(
            Method::POST,
            routes::SUBUSERS,
            &csrf,
            &clerk("+48 600 700 801"),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = routes::SUBUSER.replace("{id}", &id);
    expect_phone_refused(
        app.portal_json(
            Method::PUT,
            &path,
            &csrf,
            &UpdateSubuserRequest {
                phone: Some(GERMAN_PHONE.to_owned()),
                grants: SubuserGrantsDto::default(),
            },
        )
        .await,
    )
    .await;
    let subuser: serde_json::Value = app.get_json(&path).await;
    assert_eq!(subuser["phone"], "+48600700801", "the phone is unchanged");

    // The account phone, given at sign-up: a new account's filter is its own country.
    let mut foreign = signup_request("foreign-phone@example.com");
    foreign.phone = Some(GERMAN_PHONE.to_owned());
    expect_phone_refused(app.another_browser().signup(&foreign).await).await;
    assert_eq!(
        app.count("accounts"),
        2,
        "only the owner and the subuser exist"
    );
}

/// Asks for the code of a held sign-in by SMS, which the country filter refuses.
async fn expect_sms_resend_refused(browser: &TestApp, held: &LoginChallengeDto) {
    expect_field_error(
        browser
            .resend_login_code(held, Some(VerificationMethod::Sms))
            .await,
        "method",
        codes::COUNTRY_NOT_ALLOWED,
    )
    .await;
}

async fn codes_are_not_texted_to_a_country_the_filter_blocks(app: TestApp) {
    let email = "narrowed@example.com";
    let me = app.signed_in(email).await;
    let csrf = me.session.csrf_token.clone();
    // SMS two-factor on a Polish phone, then the owner closes Poland.
    app.turn_on_sms_two_factor(&csrf, GOOD_PASSWORD, "+48 600 700 800")
        .await;
    set_countries(&app, &me, &[]).await;
    let texts_before = texts_to(&app, "+48600700800");

    // Step-up code for a security change: refused, nothing texted.
    expect_field_error(
        app.portal(Method::POST, routes::TWO_FACTOR_CODE, &csrf, None)
            .await,
        "method",
        codes::COUNTRY_NOT_ALLOWED,
    )
    .await;

    // A two-factor sign-in is held, but its code is not texted: recovery
    // codes remain; asking for the SMS is a clear refusal.
    let other = app.another_browser();
    let held = other.held_sign_in(email, GOOD_PASSWORD).await;
    assert_eq!(held.sent_by, None, "{held:?}");
    assert!(!held.methods.contains(&VerificationMethod::Sms), "{held:?}");
    expect_sms_resend_refused(&other, &held).await;
    assert_eq!(texts_to(&app, "+48600700800"), texts_before);
}

async fn new_device_codes_fall_back_to_email_when_the_phone_is_blocked(app: TestApp) {
    let email = "fallback@example.com";
    let me = app.signed_in(email).await;
    set_countries(&app, &me, &[]).await;

    let other = app.another_browser();
    let held = other.held_sign_in(email, GOOD_PASSWORD).await;
    assert_eq!(held.sent_by, Some(VerificationMethod::Email), "{held:?}");
    assert_eq!(held.methods, [VerificationMethod::Email]);
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 0);
    // Asking for it by SMS is refused, and still nothing is texted.
    expect_sms_resend_refused(&other, &held).await;
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 0);
    let code = other.last_code_to(email);
    let response = other
        .verify_login(&held, VerificationMethod::Email, &code, false)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

on_both_backends!(
    a_phone_outside_the_country_filter_is_refused_at_every_set_up,
    codes_are_not_texted_to_a_country_the_filter_blocks,
    new_device_codes_fall_back_to_email_when_the_phone_is_blocked,
);
