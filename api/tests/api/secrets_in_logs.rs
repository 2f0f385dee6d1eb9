//! No secret ever reaches a log line or an error body. The real binary runs
//! with debug logging as JSON lines; a full flow goes through every kind of
//! secret the API handles (passwords right and wrong, sign-in and two-factor
//! codes, recovery codes, the held sign-in's id, reset tokens, API tokens,
//! OAuth client secrets and access tokens, session and device cookies, CSRF
//! tokens, SMS Authenticator codes), and afterwards every line of the server's
//! log and every error body it answered is searched for each of them.

use portcullis_shared::{
    dto::{
        ChangePasswordRequest, ConfirmPasswordResetRequest, CreateOAuthClientRequest,
        CreatedOAuthClientDto, LoginChallengeDto, MeResponse, OAuthTokenResponse,
        PasswordResetRequest, SendCodeRequest, SentCodeDto, SignupRequest, TwoFactorEnabledDto,
        VerificationMethod, VerifyCodeRequest,
    },
    routes,
    scope::Scope,
};
use reqwest::{header, Method, StatusCode};

use crate::harness::{signup_request, token_request, ServerProcess};

/// The secrets the flow used, by what they are, and every error body it saw.
#[derive(Default)]
struct Seen {
    secrets: Vec<(&'static str, String)>,
    error_bodies: Vec<String>,
}

impl Seen {
    fn secret(&mut self, what: &'static str, value: impl Into<String>) {
        let value = value.into();
        assert!(
            value.len() >= 6,
            "{what} is too short to search for: {value:?}"
        );
        self.secrets.push((what, value));
    }

    /// Reads a response: keeps its body if it is an error, and the values of
    /// the cookies it sets as secrets. Returns status and body.
    async fn read(&mut self, response: reqwest::Response) -> (StatusCode, String) {
        let status = response.status();
        for cookie in response.headers().get_all(header::SET_COOKIE) {
            let cookie = cookie.to_str().expect("ASCII cookie");
            let (name, rest) = cookie.split_once('=').expect("name=value");
            let value = rest.split(';').next().unwrap_or_default();
            if !value.is_empty() {
                let what = match name {
                    "portcullis_session" => "session cookie",
                    "portcullis_device" => "device cookie",
                    _ => "other cookie",
                };
                self.secret(what, value);
            }
        }
        let body = response.text().await.expect("body");
        if !status.is_success() {
            self.error_bodies.push(body.clone());
        }
        (status, body)
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// A value no earlier run or fixture shares, so a match can only be a leak.
fn fresh(prefix: &str) -> String {
    format!("{prefix}-{}-7Q", uuid_like())
}

fn uuid_like() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| char::from(b"abcdefghjkmnpqrstuvwxyz23456789"[rng.gen_range(0..31)]))
        .collect()
}

const LOG_EVERYTHING: &[(&str, &str)] = &[
    ("PORTCULLIS_LOG", "debug"),
    ("PORTCULLIS_LOG_FORMAT", "json"),
    ("PORTCULLIS_DEV_OUTBOX", "true"),
    ("PORTCULLIS_DISPATCH_INTERVAL_MS", "50"),
    ("PORTCULLIS_LAST_USED_FLUSH_MS", "50"),
    ("PORTCULLIS_REFUSED_CALLS_FLUSH_MS", "50"),
];

async fn no_secret_reaches_the_logs_or_an_error_body(server: ServerProcess) {
    let app = &server.app;
    let mut seen = Seen::default();
    let email = format!("{}@example.com", uuid_like());
    let password = fresh("First-Pass");
    seen.secret("password", &password);

    // Sign-up: first a password the policy refuses (it must not be echoed), then a good one.
    let weak = format!("weakpass{}", uuid_like());
    seen.secret("refused password", &weak);
    let (status, _) = seen
        .read(
            app.signup(&SignupRequest {
                password: weak.to_owned(),
                ..signup_request(&email)
            })
            .await,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = seen
        .read(
            app.signup(&SignupRequest {
                password: password.to_owned(),
                ..signup_request(&email)
            })
            .await,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // The mailed link's secret is one too.
    let mails = app
        .wait_for_stored_mails(&email, crate::harness::SIGNUP_LINK_MAIL, 1)
        .await;
    let link = crate::harness::link_token(&mails[0]);
    seen.secret("sign-up link", &link);
    let (status, _) = seen.read(app.confirm_signup(&link).await).await;
    assert_eq!(status, StatusCode::OK);

    // A wrong password, then the right one.
    let wrong = fresh("Wrong-Pass");
    seen.secret("wrong password", &wrong);
    let (status, _) = seen.read(app.login(&email, &wrong).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = seen.read(app.login(&email, &password).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let me: MeResponse = parse(&body);
    let csrf = me.session.csrf_token.clone();
    seen.secret("CSRF token", &csrf);

    // A state-changing request with a wrong CSRF token.
    let forged_csrf = fresh("forged-csrf");
    seen.secret("forged CSRF token", &forged_csrf);
    let (status, _) = seen
        .read(
            app.portal_json(
                Method::POST,
                routes::TOKENS,
                &forged_csrf,
                &token_request("x", &[Scope::Profile]),
            )
            .await,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // SMS two-factor: a wrong code, then the right one; recovery codes come back.
    let (status, body) = seen
        .read(
            app.start_sms_two_factor(&csrf, &password, "+48 600 700 800")
                .await,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let code = app.last_code_to("+48600700800");
    seen.secret("two-factor set-up code", &code);
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    let (status, _) = seen
        .read(app.confirm_sms_two_factor(&csrf, wrong_code).await)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = seen
        .read(app.confirm_sms_two_factor(&csrf, &code).await)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let enabled: TwoFactorEnabledDto = parse(&body);
    for recovery in enabled.recovery_codes.expect("recovery codes") {
        seen.secret("recovery code", recovery);
    }

    // Another browser: the sign-in is held for a code; a wrong one, then the right one.
    let other = app.another_browser();
    let (status, body) = seen.read(other.login(&email, &password).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let challenge: LoginChallengeDto = parse(&body);
    seen.secret("held sign-in id", &challenge.challenge_id);
    let code = app.last_code_to("+48600700800");
    seen.secret("sign-in code", &code);
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    let (status, _) = seen
        .read(
            other
                .verify_login(&challenge, VerificationMethod::Sms, wrong_code, true)
                .await,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = seen
        .read(
            other
                .verify_login(&challenge, VerificationMethod::Sms, &code, true)
                .await,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let other_me: MeResponse = parse(&body);
    seen.secret("second CSRF token", &other_me.session.csrf_token);

    // An API token: calls with it, and with a forged one.
    let (status, body) = seen
        .read(
            app.portal_json(
                Method::POST,
                routes::TOKENS,
                &csrf,
                &token_request("CRM", &[Scope::Profile, Scope::Authenticator]),
            )
            .await,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token: portcullis_shared::dto::CreatedTokenDto = parse(&body);
    seen.secret("API token", &token.secret);
    let (status, _) = seen
        .read(app.bearer_get(routes::PROFILE, &token.secret).await)
        .await;
    assert_eq!(status, StatusCode::OK);
    let forged = format!("{}x", token.secret);
    seen.secret("forged API token", &forged);
    let (status, _) = seen
        .read(app.bearer_get(routes::PROFILE, &forged).await)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let garbage = fresh("pcl_at_not-a-jwt");
    seen.secret("garbage API token", &garbage);
    let (status, _) = seen
        .read(app.bearer_get(routes::PROFILE, &garbage).await)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The SMS Authenticator: its codes are the integrator's users' secrets.
    let bearer = app.client_builder().build().expect("client");
    let (status, body) = seen
        .read(
            bearer
                .post(app.url(routes::AUTHENTICATOR_CODES))
                .bearer_auth(&token.secret)
                .json(&SendCodeRequest {
                    to: "+48 600 111 222".to_owned(),
                    ..Default::default()
                })
                .send()
                .await
                .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sent: SentCodeDto = parse(&body);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let authenticator_code = loop {
        if app.last_message_to("+48600111222").is_some() {
            break app.last_code_to("+48600111222");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no SMS Authenticator message"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    seen.secret("SMS Authenticator code", &authenticator_code);
    let verify = routes::AUTHENTICATOR_VERIFY.replace("{id}", &sent.id);
    for attempt in [
        if authenticator_code == "000000" {
            "111111"
        } else {
            "000000"
        },
        authenticator_code.as_str(),
    ] {
        let (status, body) = seen
            .read(
                bearer
                    .post(app.url(&verify))
                    .bearer_auth(&token.secret)
                    .json(&VerifyCodeRequest {
                        code: attempt.to_owned(),
                    })
                    .send()
                    .await
                    .expect("request"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    // An OAuth client: tokens, introspection and revocation, and a wrong secret.
    let (status, body) = seen
        .read(
            app.portal_json(
                Method::POST,
                routes::OAUTH_CLIENTS,
                &csrf,
                &CreateOAuthClientRequest {
                    name: "billing".to_owned(),
                    scopes: vec![Scope::Profile],
                    ..Default::default()
                },
            )
            .await,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let client: CreatedOAuthClientDto = parse(&body);
    seen.secret("OAuth client secret", &client.client_secret);
    let oauth = |path: &str, form: &[(&str, &str)], secret: &str| {
        bearer
            .post(app.url(path))
            .basic_auth(&client.client.id, Some(secret))
            .form(form)
            .send()
    };
    let wrong_secret = fresh("pcl_cs_wrong");
    seen.secret("wrong OAuth client secret", &wrong_secret);
    let (status, _) = seen
        .read(
            oauth(
                routes::OAUTH_TOKEN,
                &[("grant_type", "client_credentials")],
                &wrong_secret,
            )
            .await
            .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = seen
        .read(
            oauth(
                routes::OAUTH_TOKEN,
                &[("grant_type", "client_credentials")],
                &client.client_secret,
            )
            .await
            .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let access: OAuthTokenResponse = parse(&body);
    seen.secret("OAuth access token", &access.access_token);
    let (status, _) = seen
        .read(app.bearer_get(routes::PROFILE, &access.access_token).await)
        .await;
    assert_eq!(status, StatusCode::OK);
    for path in [routes::OAUTH_INTROSPECT, routes::OAUTH_REVOKE] {
        let (status, _) = seen
            .read(
                oauth(
                    path,
                    &[("token", access.access_token.as_str())],
                    &client.client_secret,
                )
                .await
                .expect("request"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let (status, _) = seen
        .read(app.bearer_get(routes::PROFILE, &access.access_token).await)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A password change: a wrong current password, then the right one.
    let second = fresh("Second-Pass");
    seen.secret("second password", &second);
    let wrong_current = fresh("Not-The-Current");
    seen.secret("wrong current password", &wrong_current);
    for (current, expected) in [
        (&wrong_current, StatusCode::UNPROCESSABLE_ENTITY),
        (&password, StatusCode::OK),
    ] {
        let (status, body) = seen
            .read(
                app.portal_json(
                    Method::POST,
                    routes::PASSWORD,
                    &csrf,
                    &ChangePasswordRequest {
                        current_password: current.to_owned(),
                        new_password: second.to_owned(),
                    },
                )
                .await,
            )
            .await;
        assert_eq!(status, expected, "{body}");
    }

    // A reset link: a made-up token, then the real one.
    let (status, _) = seen
        .read(
            app.post_json(
                routes::PASSWORD_RESET,
                &PasswordResetRequest {
                    email: email.to_owned(),
                },
                routes::PRE_SESSION_CSRF,
            )
            .await,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let mails = app.wait_for_mails(&email, "password_reset", 1).await;
    let reset_token = mails[0]
        .body
        .split("?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a reset link")
        .to_owned();
    seen.secret("password reset token", &reset_token);
    let third = fresh("Third-Pass");
    seen.secret("third password", &third);
    let made_up = fresh("made-up-reset-token");
    seen.secret("made-up reset token", &made_up);
    for (token, expected) in [
        (&made_up, StatusCode::UNPROCESSABLE_ENTITY),
        (&reset_token, StatusCode::NO_CONTENT),
    ] {
        let (status, body) = seen
            .read(
                app.post_json(
                    routes::PASSWORD_RESET_CONFIRM,
                    &ConfirmPasswordResetRequest {
                        token: token.to_owned(),
                        new_password: third.to_owned(),
                    },
                    routes::PRE_SESSION_CSRF,
                )
                .await,
            )
            .await;
        assert_eq!(status, expected, "{body}");
    }
    // The session ended with the reset: its cookie is refused, and must not be echoed.
    let (status, _) = seen.read(app.me().await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let lines = server.stop();
    assert_no_secret_in(&seen, &lines);
}

fn assert_no_secret_in(seen: &Seen, lines: &[String]) {
    // The log is really there and really detailed: JSON lines, with a line per
    // request (refusals included) and debug output.
    assert!(lines.len() > 40, "only {} log lines", lines.len());
    let parsed: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    assert!(
        parsed.len() * 10 >= lines.len() * 9,
        "the log is not JSON lines"
    );
    assert!(
        parsed
            .iter()
            .any(|l| l["path"] == routes::LOGIN && l["status"] == 401),
        "the refused sign-in is logged"
    );
    assert!(
        parsed.iter().any(|l| l["level"] == "DEBUG"),
        "debug lines are logged"
    );
    assert!(
        seen.error_bodies.len() >= 10,
        "{} error bodies",
        seen.error_bodies.len()
    );
    assert!(seen.secrets.len() >= 25, "{} secrets", seen.secrets.len());

    let mut leaks = Vec::new();
    for (what, secret) in &seen.secrets {
        for line in lines {
            if line.contains(secret.as_str()) {
                leaks.push(format!("{what} in the log: {line}"));
            }
        }
        for body in &seen.error_bodies {
            if body.contains(secret.as_str()) {
                leaks.push(format!("{what} in an error body: {body}"));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}

on_both_backends!(settings = LOG_EVERYTHING; no_secret_reaches_the_logs_or_an_error_body);
