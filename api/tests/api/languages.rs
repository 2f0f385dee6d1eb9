//! Languages: each login's own (English or Polish), chosen at sign-up in the
//! form or else from the browser's `Accept-Language`, switchable with
//! `PUT /api/v1/me/language`, inherited by a subuser from the owner; and every
//! e-mail and text sent to a login written in it.

use portcullis_shared::{
    dto::{Language, MeResponse, OutboxMessageDto, SetLanguageRequest, SubuserGrantsDto},
    endpoints::{Me, SetLanguage},
    problem::ProblemCode,
    routes,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{
    expect_problem, signup_request, TestApp, ACCOUNT_EXISTS_MAIL, GOOD_PASSWORD, SIGNUP_LINK_MAIL,
    SIGNUP_PHONE_E164,
};
use crate::subusers::{create_subuser, subuser_request, SUB_PASSWORD};
use crate::typed_client::Caller;

const DEV_OUTBOX: &[(&str, &str)] = &[("PORTCULLIS_DEV_OUTBOX", "true")];

/// The Polish sign-up link e-mail's subject.
const POLISH_SIGNUP_SUBJECT: &str = "Potwierdź adres e-mail, aby utworzyć konto w Portcullis";
const ENGLISH_SIGNUP_SUBJECT: &str = "Confirm your e-mail to create your Portcullis account";

/// The newest e-mail to `email` for `purpose`, once `count` of them were sent.
async fn newest_mail(app: &TestApp, email: &str, purpose: &str, count: usize) -> OutboxMessageDto {
    app.wait_for_mails(email, purpose, count)
        .await
        .swap_remove(0)
}

/// The signed-in login's language, read back from `GET /api/v1/me`.
async fn language_now(app: &TestApp, me: &MeResponse) -> Language {
    app.call::<Me>(Caller::Session(me), &(), &(), StatusCode::OK)
        .await
        .language
}

async fn set_language(app: &TestApp, me: &MeResponse, language: Language) {
    app.call::<SetLanguage>(
        Caller::Session(me),
        &(),
        &SetLanguageRequest { language },
        StatusCode::NO_CONTENT,
    )
    .await;
}

async fn ask_for_reset(app: &TestApp, email: &str) {
    let response = crate::passwords::ask_for_reset(&app.another_browser(), email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

async fn a_polish_sign_up_makes_a_polish_account_and_polish_mail(app: TestApp) {
    let email = "ola@example.com";
    let request = portcullis_shared::dto::SignupRequest {
        language: Some(Language::Pl),
        ..signup_request(email)
    };
    let me = app.signed_up(&request).await;
    assert_eq!(me.language, Language::Pl, "the confirmation's answer");
    assert_eq!(language_now(&app, &me).await, Language::Pl);

    // The confirmation link went out in Polish, with Polish plural forms.
    let link = newest_mail(&app, email, SIGNUP_LINK_MAIL, 1).await;
    assert_eq!(link.subject.as_deref(), Some(POLISH_SIGNUP_SUBJECT));
    assert!(
        link.body
            .contains("Jest ważny przez 24 godziny i działa tylko raz:"),
        "{}",
        link.body
    );

    // And so does every later mail: a reset link, and "you already have an account".
    ask_for_reset(&app, email).await;
    let reset = newest_mail(&app, email, "password_reset", 1).await;
    assert_eq!(
        reset.subject.as_deref(),
        Some("Zresetuj hasło do Portcullis")
    );
    assert!(reset.body.contains("przez 30 minut"), "{}", reset.body);
    let again = app.another_browser().signup(&signup_request(email)).await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let exists = newest_mail(&app, email, ACCOUNT_EXISTS_MAIL, 1).await;
    assert_eq!(
        exists.subject.as_deref(),
        Some("Masz już konto w Portcullis")
    );

    // Texts too: the code that turns on SMS two-factor sign-in, and the
    // notice of the new method.
    let csrf = me.session.csrf_token.as_str();
    let response = app
        .start_sms_two_factor(csrf, GOOD_PASSWORD, SIGNUP_PHONE_E164)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let (purpose, text) = app.last_message_to(SIGNUP_PHONE_E164).expect("a text");
    assert_eq!(purpose, "two_factor_setup");
    assert!(
        text.starts_with("Kod włączenia uwierzytelniania 2FA w Portcullis: "),
        "{text}"
    );
    let code = app.last_code_to(SIGNUP_PHONE_E164);
    let response = app.confirm_sms_two_factor(csrf, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let notice = newest_mail(&app, email, "two_factor_added", 1).await;
    assert_eq!(
        notice.subject.as_deref(),
        Some(
            "Portcullis: do Twojego konta dodano nową metodę uwierzytelniania \
             dwuskładnikowego (kody SMS na telefon)"
        )
    );
}

async fn without_a_choice_the_browser_language_decides(app: TestApp) {
    // Polish first by weight.
    let polish = app.another_browser_with(&[("Accept-Language", "pl-PL,pl;q=0.9,en;q=0.8")]);
    let me = polish.signed_in("jan@example.com").await;
    assert_eq!(me.language, Language::Pl);
    let link = newest_mail(&app, "jan@example.com", SIGNUP_LINK_MAIL, 1).await;
    assert_eq!(link.subject.as_deref(), Some(POLISH_SIGNUP_SUBJECT));

    // A language not offered: English.
    let german = app.another_browser_with(&[("Accept-Language", "de")]);
    let me = german.signed_in("hans@example.com").await;
    assert_eq!(me.language, Language::En);
    let link = newest_mail(&app, "hans@example.com", SIGNUP_LINK_MAIL, 1).await;
    assert_eq!(link.subject.as_deref(), Some(ENGLISH_SIGNUP_SUBJECT));

    // The weights, not the order: English is preferred here.
    let weighted = app.another_browser_with(&[("Accept-Language", "pl;q=0.2, en-GB;q=0.9")]);
    let me = weighted.signed_in("pat@example.com").await;
    assert_eq!(me.language, Language::En);

    // What the form says wins over the browser.
    let chosen = app.another_browser_with(&[("Accept-Language", "pl-PL,pl;q=0.9")]);
    let request = portcullis_shared::dto::SignupRequest {
        language: Some(Language::En),
        ..signup_request("kasia@example.com")
    };
    let me = chosen.signed_up(&request).await;
    assert_eq!(me.language, Language::En);

    // No header at all: English.
    let me = app.another_browser().signed_in("none@example.com").await;
    assert_eq!(me.language, Language::En);
}

async fn a_login_switches_its_language_and_its_next_mail_follows(app: TestApp) {
    let email = "switch@example.com";
    let me = app.signed_in(email).await;
    assert_eq!(me.language, Language::En);
    ask_for_reset(&app, email).await;
    let english = newest_mail(&app, email, "password_reset", 1).await;
    assert_eq!(
        english.subject.as_deref(),
        Some("Reset your Portcullis password")
    );

    set_language(&app, &me, Language::Pl).await;
    assert_eq!(language_now(&app, &me).await, Language::Pl);
    ask_for_reset(&app, email).await;
    let polish = newest_mail(&app, email, "password_reset", 2).await;
    assert_eq!(
        polish.subject.as_deref(),
        Some("Zresetuj hasło do Portcullis")
    );
    assert!(
        polish
            .body
            .starts_with("Ktoś (zapewne Ty) poprosił o zresetowanie hasła"),
        "{}",
        polish.body
    );

    // Setting the same language again is fine; and back to English.
    set_language(&app, &me, Language::Pl).await;
    set_language(&app, &me, Language::En).await;
    assert_eq!(language_now(&app, &me).await, Language::En);
}

async fn a_language_not_offered_is_refused_and_nothing_changes(app: TestApp) {
    let me = app.signed_in("strict@example.com").await;
    set_language(&app, &me, Language::Pl).await;
    let csrf = me.session.csrf_token.as_str();
    // The answer says what is wanted: the offered values, or the field.
    for (body, says) in [
        (json!({ "language": "xx" }), "expected `en` or `pl`"),
        (json!({ "language": "de" }), "expected `en` or `pl`"),
        (json!({ "language": "PL" }), "expected `en` or `pl`"),
        (json!({ "language": null }), ""),
        (json!({}), "missing field `language`"),
    ] {
        let response = app
            .portal_json(Method::PUT, routes::ME_LANGUAGE, csrf, &body)
            .await;
        let problem = expect_problem(
            response,
            StatusCode::BAD_REQUEST,
            ProblemCode::MalformedBody,
        )
        .await;
        let detail = problem.detail.unwrap_or_default();
        assert!(detail.contains(says), "{body}: {detail}");
    }
    // Without the session's CSRF token: refused.
    let response = app
        .portal_json(
            Method::PUT,
            routes::ME_LANGUAGE,
            "not-the-token",
            &SetLanguageRequest {
                language: Language::En,
            },
        )
        .await;
    expect_problem(response, StatusCode::FORBIDDEN, ProblemCode::CsrfFailed).await;
    // Signed out: refused.
    let response = app
        .another_browser()
        .portal_json(
            Method::PUT,
            routes::ME_LANGUAGE,
            routes::PRE_SESSION_CSRF,
            &SetLanguageRequest {
                language: Language::En,
            },
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(language_now(&app, &me).await, Language::Pl);
}

async fn a_subuser_starts_in_the_owners_language_and_changes_only_their_own(app: TestApp) {
    let owner_request = portcullis_shared::dto::SignupRequest {
        language: Some(Language::Pl),
        ..signup_request("szef@example.com")
    };
    let owner = app.signed_up(&owner_request).await;
    let sub_email = "pracownik@example.com";
    create_subuser(
        &app,
        &owner,
        &subuser_request(sub_email, SubuserGrantsDto::default()),
    )
    .await;

    // The subuser signs in from a browser of their own: the new-device code
    // goes by e-mail (no phone), in the owner's language.
    let browser = app.another_browser();
    let sub = browser.signed_in_again_with(sub_email, SUB_PASSWORD).await;
    assert_eq!(sub.language, Language::Pl);
    let code = newest_mail(&app, sub_email, "new_device_code", 1).await;
    assert_eq!(
        code.subject.as_deref(),
        Some("Portcullis: potwierdź logowanie z nowego urządzenia")
    );
    assert!(
        code.body
            .starts_with("Kod logowania z nowego urządzenia w Portcullis: "),
        "{}",
        code.body
    );
    assert!(code.body.contains(". Ważny 5 min. "), "{}", code.body);

    // The subuser switches to English: theirs changes, the owner's does not.
    set_language(&browser, &sub, Language::En).await;
    assert_eq!(language_now(&browser, &sub).await, Language::En);
    assert_eq!(language_now(&app, &owner).await, Language::Pl);
    ask_for_reset(&app, sub_email).await;
    let reset = newest_mail(&app, sub_email, "password_reset", 1).await;
    assert_eq!(
        reset.subject.as_deref(),
        Some("Reset your Portcullis password")
    );

    // The owner switching later leaves the subuser's choice alone.
    set_language(&app, &owner, Language::En).await;
    set_language(&app, &owner, Language::Pl).await;
    assert_eq!(language_now(&browser, &sub).await, Language::En);

    // An invited subuser (no password yet) gets the invitation in the owner's language.
    let invited = "nowy@example.com";
    let request = portcullis_shared::dto::CreateSubuserRequest {
        password: None,
        ..subuser_request(invited, SubuserGrantsDto::default())
    };
    create_subuser(&app, &owner, &request).await;
    let invitation = newest_mail(&app, invited, "subuser_invitation", 1).await;
    assert_eq!(
        invitation.subject.as_deref(),
        Some("Zaproszenie do Portcullis")
    );
    assert!(
        invitation.body.contains("Jest ważny przez 7 dni"),
        "{}",
        invitation.body
    );
}

async fn a_restricted_session_may_still_choose_its_language(app: TestApp) {
    let email = "due@example.com";
    let me = app.signed_in(email).await;
    let response = crate::passwords::set_policy(&app, &me, true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let long_ago = (chrono::Utc::now() - chrono::Duration::days(31)).naive_utc();
    {
        use diesel::prelude::*;
        use portcullis_api::db::schema::accounts;
        diesel::update(accounts::table)
            .set(accounts::password_changed_at.eq(long_ago))
            .execute(&mut app.db())
            .expect("make the password old");
    }
    let browser = app.another_browser();
    let due = browser.signed_in_again(email).await;
    assert!(due.session.password_change_required);
    // Restricted to changing the password, yet the language may change.
    set_language(&browser, &due, Language::Pl).await;
    assert_eq!(language_now(&browser, &due).await, Language::Pl);
}

on_both_backends!(settings = DEV_OUTBOX;
    a_polish_sign_up_makes_a_polish_account_and_polish_mail,
    without_a_choice_the_browser_language_decides,
    a_login_switches_its_language_and_its_next_mail_follows,
    a_language_not_offered_is_refused_and_nothing_changes,
    a_subuser_starts_in_the_owners_language_and_changes_only_their_own,
    a_restricted_session_may_still_choose_its_language,
);
