//! Issue 15, passkeys: a software authenticator (webauthn-authenticator-rs)
//! drives the real endpoints — registering, listing, renaming and removing
//! passkeys, finishing a held sign-in with one and signing in without a
//! password — and the refusals: a counter that goes backwards (a cloned
//! authenticator), a wrong origin, a ceremony used twice, another login's
//! passkey, an address outside the portal allowlist, a locked sign-in.

use portcullis_shared::{
    dto::{
        FinishHeldPasskeyRequest, FinishPasskeyRegistrationRequest, FinishPasskeySignInRequest,
        LoginChallengeDto, MeResponse, PasskeyAddedDto, PasskeyCeremonyDto, PasskeyDto,
        PasskeyListDto, PasskeyPolicyRequest, RemovePasskeyRequest, RenamePasskeyRequest,
        SecurityEventKind, StartHeldPasskeyRequest, StartPasskeyRegistrationRequest,
        TwoFactorPolicyRequest, TwoFactorStatusDto, VerificationMethod,
    },
    endpoints::{Endpoint, RemovePasskey, RenamePasskey},
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{Method, StatusCode};
use webauthn_authenticator_rs::{
    error::WebauthnCError,
    prelude::{CreationChallengeResponse, RequestChallengeResponse, Url},
    softpasskey::SoftPasskey,
    softtoken::SoftToken,
    AuthenticatorBackendHashedClientData, WebauthnAuthenticator,
};
use webauthn_rs_proto::{
    PublicKeyCredential, PublicKeyCredentialCreationOptions, PublicKeyCredentialRequestOptions,
    RegisterPublicKeyCredential,
};

use crate::harness::{
    expect_field_error, expect_problem, portal_allowlist_entry, TestApp, GOOD_PASSWORD,
};

/// The portal's public URL in these tests: a domain, so it can be the
/// relying party (`localhost` may be served over plain HTTP).
const ORIGIN: &str = "http://localhost:8080";

const SETTINGS: &[(&str, &str)] = &[
    ("PORTCULLIS_PUBLIC_URL", ORIGIN),
    ("PORTCULLIS_DEV_OUTBOX", "true"),
    ("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1"),
];

/// Lets a test keep its authenticator (to copy its state) while
/// `WebauthnAuthenticator` drives it.
struct Borrowed<'a, B>(&'a mut B);

impl<B: AuthenticatorBackendHashedClientData> AuthenticatorBackendHashedClientData
    for Borrowed<'_, B>
{
    fn perform_register(
        &mut self,
        client_data_hash: Vec<u8>,
        options: PublicKeyCredentialCreationOptions,
        timeout_ms: u32,
    ) -> Result<RegisterPublicKeyCredential, WebauthnCError> {
        self.0
            .perform_register(client_data_hash, options, timeout_ms)
    }

    fn perform_auth(
        &mut self,
        client_data_hash: Vec<u8>,
        options: PublicKeyCredentialRequestOptions,
        timeout_ms: u32,
    ) -> Result<PublicKeyCredential, WebauthnCError> {
        self.0.perform_auth(client_data_hash, options, timeout_ms)
    }
}

/// A software authenticator with one passkey on it, as a browser drives it.
///
/// The soft authenticators keep no resident keys, so for a passwordless
/// sign-in this plays that part of a passkey: it picks its credential and
/// returns the user handle it was registered with. Neither is covered by the
/// signature in WebAuthn, so the answer is the one a passkey would give.
struct Authenticator<B> {
    backend: B,
    credential_id: Option<serde_json::Value>,
    user_handle: Option<serde_json::Value>,
}

impl<B: AuthenticatorBackendHashedClientData> Authenticator<B> {
    fn new(backend: B) -> Self {
        Self {
            backend,
            credential_id: None,
            user_handle: None,
        }
    }

    /// Answers a registration ceremony's options as `navigator.credentials.create` would on `origin`.
    fn register(&mut self, ceremony: &PasskeyCeremonyDto, origin: &str) -> serde_json::Value {
        self.user_handle = Some(ceremony.options["publicKey"]["user"]["id"].clone());
        let options: CreationChallengeResponse =
            serde_json::from_value(ceremony.options.clone()).expect("creation options");
        let answer = WebauthnAuthenticator::new(Borrowed(&mut self.backend))
            .do_registration(Url::parse(origin).unwrap(), options)
            .expect("the authenticator registers");
        let answer = serde_json::to_value(answer).unwrap();
        self.credential_id = Some(answer["rawId"].clone());
        answer
    }

    /// Answers a sign-in ceremony's options as `navigator.credentials.get` would on `origin`.
    fn sign(&mut self, ceremony: &PasskeyCeremonyDto, origin: &str) -> serde_json::Value {
        let mut options = ceremony.options.clone();
        let discoverable = options["publicKey"]["allowCredentials"]
            .as_array()
            .is_none_or(Vec::is_empty);
        if discoverable {
            options["publicKey"]["allowCredentials"] = serde_json::json!([
                {"type": "public-key", "id": self.credential_id.clone().expect("registered")}
            ]);
        }
        let options: RequestChallengeResponse =
            serde_json::from_value(options).expect("request options");
        let answer = WebauthnAuthenticator::new(Borrowed(&mut self.backend))
            .do_authentication(Url::parse(origin).unwrap(), options)
            .expect("the authenticator signs");
        let mut answer = serde_json::to_value(answer).unwrap();
        if discoverable {
            answer["response"]["userHandle"] = self.user_handle.clone().expect("registered");
        }
        answer
    }
}

fn soft_passkey() -> Authenticator<SoftPasskey> {
    // `true`: it reports user verification (a PIN or fingerprint), which passkeys require.
    Authenticator::new(SoftPasskey::new(true))
}

impl TestApp {
    async fn start_registration(&self, me: &MeResponse, password: &str) -> reqwest::Response {
        let body = StartPasskeyRegistrationRequest {
            password: password.to_owned(),
            code: None,
        };
        self.post_json(
            routes::PASSKEY_REGISTER_START,
            &body,
            &me.session.csrf_token,
        )
        .await
    }

    async fn registration_ceremony(&self, me: &MeResponse) -> PasskeyCeremonyDto {
        let response = self.start_registration(me, GOOD_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "start a registration");
        response.json().await.expect("PasskeyCeremonyDto")
    }

    async fn finish_registration(
        &self,
        me: &MeResponse,
        ceremony: &PasskeyCeremonyDto,
        name: &str,
        credential: serde_json::Value,
    ) -> reqwest::Response {
        let body = FinishPasskeyRegistrationRequest {
            ceremony_id: ceremony.ceremony_id.clone(),
            name: name.to_owned(),
            credential,
        };
        self.post_json(
            routes::PASSKEY_REGISTER_FINISH,
            &body,
            &me.session.csrf_token,
        )
        .await
    }

    /// Registers a passkey on `authenticator` for the signed-in `me`.
    async fn passkey_added<B: AuthenticatorBackendHashedClientData>(
        &self,
        me: &MeResponse,
        authenticator: &mut Authenticator<B>,
        name: &str,
    ) -> PasskeyAddedDto {
        let ceremony = self.registration_ceremony(me).await;
        let answer = authenticator.register(&ceremony, ORIGIN);
        let response = self.finish_registration(me, &ceremony, name, answer).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "finish the registration"
        );
        response.json().await.expect("PasskeyAddedDto")
    }

    async fn passkeys(&self) -> PasskeyListDto {
        self.get_json(routes::PASSKEYS).await
    }

    async fn log_out(&self, me: &MeResponse) {
        let response = self
            .post_json(
                routes::LOGOUT,
                &serde_json::json!({}),
                &me.session.csrf_token,
            )
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "log out");
    }

    async fn passwordless_ceremony(&self) -> PasskeyCeremonyDto {
        let response = self
            .post_json(
                routes::PASSKEY_SIGN_IN_START,
                &serde_json::json!({}),
                routes::PRE_SESSION_CSRF,
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "start a passwordless sign-in"
        );
        response.json().await.expect("PasskeyCeremonyDto")
    }

    async fn finish_passwordless(
        &self,
        ceremony: &PasskeyCeremonyDto,
        credential: serde_json::Value,
    ) -> reqwest::Response {
        let body = FinishPasskeySignInRequest {
            ceremony_id: ceremony.ceremony_id.clone(),
            credential,
            trust_device: false,
        };
        self.post_json(
            routes::PASSKEY_SIGN_IN_FINISH,
            &body,
            routes::PRE_SESSION_CSRF,
        )
        .await
    }

    /// A whole passwordless sign-in with `authenticator`, answered on `origin`.
    async fn passwordless<B: AuthenticatorBackendHashedClientData>(
        &self,
        authenticator: &mut Authenticator<B>,
        origin: &str,
    ) -> reqwest::Response {
        let ceremony = self.passwordless_ceremony().await;
        let answer = authenticator.sign(&ceremony, origin);
        self.finish_passwordless(&ceremony, answer).await
    }

    async fn remove_passkey(&self, me: &MeResponse, id: &str, password: &str) -> reqwest::Response {
        let body = RemovePasskeyRequest {
            password: password.to_owned(),
            code: None,
        };
        self.post_json(&RemovePasskey::path(id), &body, &me.session.csrf_token)
            .await
    }

    async fn rename_passkey(&self, me: &MeResponse, id: &str, name: &str) -> reqwest::Response {
        let body = RenamePasskeyRequest {
            name: name.to_owned(),
        };
        self.portal_json(
            Method::PATCH,
            &RenamePasskey::path(id),
            &me.session.csrf_token,
            &body,
        )
        .await
    }
}

async fn registers_lists_renames_and_removes_with_the_password(app: TestApp) {
    let me = app.signed_in("keys@example.com").await;
    let empty = app.passkeys().await;
    assert!(empty.available);
    assert!(empty.passkeys.is_empty());

    // Registering needs the password.
    expect_field_error(
        app.start_registration(&me, "Wrong-Guess-1").await,
        "password",
        codes::WRONG_PASSWORD,
    )
    .await;

    let mut laptop = soft_passkey();
    let added = app.passkey_added(&me, &mut laptop, "  Laptop ").await;
    assert_eq!(added.passkey.name, "Laptop");
    assert!(added.passkey.last_used_at.is_none());
    // The first two-factor method comes with recovery codes, shown once.
    assert_eq!(added.recovery_codes.as_ref().map(Vec::len), Some(10));
    let status: TwoFactorStatusDto = app.get_json(routes::TWO_FACTOR).await;
    assert!(status.enabled);
    assert_eq!((status.passkeys, status.recovery_codes_left), (1, 10));

    let listed = app.passkeys().await.passkeys;
    assert_eq!(listed, std::slice::from_ref(&added.passkey));
    let events = app.security_events(SecurityEventKind::PasskeyAdded).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].details["name"], "Laptop");
    assert_eq!(events[0].details["passkey_id"], added.passkey.id);
    assert_eq!(
        app.mails("keys@example.com", "passkey_added").await.len(),
        1
    );

    // Renaming: a bad name changes nothing.
    expect_field_error(
        app.rename_passkey(&me, &added.passkey.id, "   ").await,
        "name",
        codes::REQUIRED,
    )
    .await;
    expect_field_error(
        app.rename_passkey(&me, &added.passkey.id, &"k".repeat(65))
            .await,
        "name",
        codes::TOO_LONG,
    )
    .await;
    let response = app
        .rename_passkey(&me, &added.passkey.id, "Work laptop")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let renamed: PasskeyDto = response.json().await.unwrap();
    assert_eq!(renamed.name, "Work laptop");
    assert_eq!(app.passkeys().await.passkeys, [renamed]);

    // Removing needs the password: a wrong one removes nothing.
    expect_field_error(
        app.remove_passkey(&me, &added.passkey.id, "Wrong-Guess-1")
            .await,
        "password",
        codes::WRONG_PASSWORD,
    )
    .await;
    assert_eq!(app.passkeys().await.passkeys.len(), 1);
    let response = app
        .remove_passkey(&me, &added.passkey.id, GOOD_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let left: PasskeyListDto = response.json().await.unwrap();
    assert!(left.passkeys.is_empty());
    let removed = app.security_events(SecurityEventKind::PasskeyRemoved).await;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].details["name"], "Work laptop");
    // The last method gone, the recovery codes go too.
    let status: TwoFactorStatusDto = app.get_json(routes::TWO_FACTOR).await;
    assert!(!status.enabled);
    assert_eq!((status.passkeys, status.recovery_codes_left), (0, 0));
    expect_problem(
        app.remove_passkey(&me, &added.passkey.id, GOOD_PASSWORD)
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
}

async fn a_passkey_finishes_a_held_sign_in(app: TestApp) {
    let email = "held@example.com";
    let me = app.signed_in(email).await;
    let mut key = soft_passkey();
    let added = app.passkey_added(&me, &mut key, "Phone").await;
    app.log_out(&me).await;

    // A passkey is a second factor: the password alone is held, with the passkey offered first.
    let challenge: LoginChallengeDto = app.held_sign_in(email, GOOD_PASSWORD).await;
    assert_eq!(
        challenge.methods,
        [
            VerificationMethod::Passkey,
            VerificationMethod::RecoveryCode
        ]
    );
    assert!(
        challenge.sent_by.is_none(),
        "no code is texted for a passkey"
    );
    // It has no code to type.
    expect_field_error(
        app.verify_login(&challenge, VerificationMethod::Passkey, "123456", false)
            .await,
        "method",
        codes::METHOD_UNAVAILABLE,
    )
    .await;

    let response = app
        .post_json(
            routes::LOGIN_PASSKEY_START,
            &StartHeldPasskeyRequest {
                challenge_id: challenge.challenge_id.clone(),
            },
            routes::PRE_SESSION_CSRF,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let ceremony: PasskeyCeremonyDto = response.json().await.unwrap();
    let finish = FinishHeldPasskeyRequest {
        challenge_id: challenge.challenge_id.clone(),
        ceremony_id: ceremony.ceremony_id.clone(),
        credential: key.sign(&ceremony, ORIGIN),
        trust_device: false,
    };
    let response = app
        .post_json(
            routes::LOGIN_PASSKEY_FINISH,
            &finish,
            routes::PRE_SESSION_CSRF,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: MeResponse = response.json().await.unwrap();
    assert_eq!(me.account.email, email);

    let signed_in = app.security_events(SecurityEventKind::LoginSucceeded).await;
    assert_eq!(signed_in[0].details["method"], "passkey");
    let used = app.passkeys().await.passkeys;
    assert_eq!(used[0].id, added.passkey.id);
    assert!(used[0].last_used_at.is_some());
    // The held sign-in is over: its handle works no more.
    expect_problem(
        app.post_json(
            routes::LOGIN_PASSKEY_FINISH,
            &finish,
            routes::PRE_SESSION_CSRF,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::LoginChallengeInvalid,
    )
    .await;
}

async fn a_passkey_signs_in_without_a_password(app: TestApp) {
    let email = "passwordless@example.com";
    let me = app.signed_in(email).await;
    let mut key = soft_passkey();
    app.passkey_added(&me, &mut key, "Laptop").await;
    app.log_out(&me).await;

    // A browser the account never saw: no code is asked.
    let elsewhere = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.20")]);
    let response = elsewhere.passwordless(&mut key, ORIGIN).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: MeResponse = response.json().await.unwrap();
    assert_eq!(me.account.email, email);
    let signed_in = elsewhere
        .security_events(SecurityEventKind::LoginSucceeded)
        .await;
    assert_eq!(signed_in[0].details["method"], "passkey");
    assert_eq!(signed_in[0].details["passwordless"], "true");
    assert_eq!(signed_in[0].details["new_device"], "true");
    assert_eq!(signed_in[0].ip.as_deref(), Some("198.51.100.20"));
}

async fn a_ceremony_works_once(app: TestApp) {
    let me = app.signed_in("once@example.com").await;
    let mut key = soft_passkey();
    app.passkey_added(&me, &mut key, "Laptop").await;
    app.log_out(&me).await;

    let ceremony = app.passwordless_ceremony().await;
    let answer = key.sign(&ceremony, ORIGIN);
    assert_eq!(
        app.finish_passwordless(&ceremony, answer.clone())
            .await
            .status(),
        StatusCode::OK
    );
    expect_problem(
        app.finish_passwordless(&ceremony, answer).await,
        StatusCode::GONE,
        ProblemCode::PasskeyCeremonyInvalid,
    )
    .await;
    // A registration ceremony too.
    let response = app.passwordless(&mut key, ORIGIN).await;
    let me: MeResponse = response.json().await.expect("signed in");
    let ceremony = app.registration_ceremony(&me).await;
    let answer = soft_passkey().register(&ceremony, ORIGIN);
    let first = app
        .finish_registration(&me, &ceremony, "Second", answer.clone())
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    expect_problem(
        app.finish_registration(&me, &ceremony, "Third", answer)
            .await,
        StatusCode::GONE,
        ProblemCode::PasskeyCeremonyInvalid,
    )
    .await;
    assert_eq!(app.passkeys().await.passkeys.len(), 2);
}

async fn a_counter_going_backwards_is_refused(app: TestApp) {
    let email = "cloned@example.com";
    let me = app.signed_in(email).await;
    let (token, _) = SoftToken::new(true).expect("a soft token");
    let mut key = Authenticator::new(token);
    app.passkey_added(&me, &mut key, "Token").await;
    app.log_out(&me).await;

    // A copy of the authenticator as it is now, then two sign-ins with the original.
    let mut clone = Authenticator {
        backend: SoftToken::from_cbor(&key.backend.to_cbor().unwrap()).unwrap(),
        credential_id: key.credential_id.clone(),
        user_handle: key.user_handle.clone(),
    };
    for _ in 0..2 {
        let response = app.passwordless(&mut key, ORIGIN).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    // The copy signs with a counter behind the one seen: refused.
    let browser = app.another_browser();
    expect_problem(
        browser.passwordless(&mut clone, ORIGIN).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::PasskeyRefused,
    )
    .await;
    assert_eq!(
        browser.passwordless(&mut key, ORIGIN).await.status(),
        StatusCode::OK
    );
    let failed = browser
        .security_events(SecurityEventKind::LoginFailed)
        .await;
    assert_eq!(failed[0].details["reason"], "passkey_failed");
    assert_eq!(failed[0].details["passkey_refusal"], "counter");
}

async fn a_wrong_origin_is_refused(app: TestApp) {
    let email = "origin@example.com";
    let me = app.signed_in(email).await;
    // A registration answered for another origin is refused, and adds nothing.
    let ceremony = app.registration_ceremony(&me).await;
    let answer = soft_passkey().register(&ceremony, "http://localhost:9999");
    expect_problem(
        app.finish_registration(&me, &ceremony, "Phished", answer)
            .await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::PasskeyRefused,
    )
    .await;
    assert!(app.passkeys().await.passkeys.is_empty());

    let mut key = soft_passkey();
    app.passkey_added(&me, &mut key, "Laptop").await;
    app.log_out(&me).await;
    expect_problem(
        app.passwordless(&mut key, "http://localhost:9999").await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::PasskeyRefused,
    )
    .await;
    assert_eq!(
        app.passwordless(&mut key, ORIGIN).await.status(),
        StatusCode::OK
    );
    let failed = app.security_events(SecurityEventKind::LoginFailed).await;
    assert_eq!(failed[0].details["passkey_refusal"], "origin");
}

async fn a_malformed_answer_names_the_field_and_changes_nothing(app: TestApp) {
    let me = app.signed_in("malformed@example.com").await;
    let ceremony = app.registration_ceremony(&me).await;
    let mut key = soft_passkey();
    let answer = key.register(&ceremony, ORIGIN);
    let mut broken = answer.clone();
    broken["response"]["attestationObject"] = serde_json::json!("not base64url!");
    expect_field_error(
        app.finish_registration(&me, &ceremony, "Laptop", broken)
            .await,
        "credential",
        codes::INVALID_PASSKEY_RESPONSE,
    )
    .await;
    expect_field_error(
        app.finish_registration(&me, &ceremony, "Laptop", serde_json::json!({"id": 1}))
            .await,
        "credential",
        codes::INVALID_PASSKEY_RESPONSE,
    )
    .await;
    assert_eq!(app.count("passkeys"), 0);
    // The ceremony is still there: the good answer finishes it.
    let response = app
        .finish_registration(&me, &ceremony, "Laptop", answer)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    // A passwordless answer without its user handle.
    app.log_out(&me).await;
    let ceremony = app.passwordless_ceremony().await;
    let mut answer = key.sign(&ceremony, ORIGIN);
    answer["response"]
        .as_object_mut()
        .unwrap()
        .remove("userHandle");
    expect_field_error(
        app.finish_passwordless(&ceremony, answer).await,
        "credential",
        codes::INVALID_PASSKEY_RESPONSE,
    )
    .await;
    let answer = key.sign(&ceremony, ORIGIN);
    assert_eq!(
        app.finish_passwordless(&ceremony, answer).await.status(),
        StatusCode::OK
    );
}

async fn another_logins_passkey_cannot_be_renamed_or_removed(app: TestApp) {
    let owner = app.signed_in("owner-keys@example.com").await;
    let added = app.passkey_added(&owner, &mut soft_passkey(), "Mine").await;

    let intruder_browser = app.another_browser();
    let intruder = intruder_browser.signed_in("intruder@example.com").await;
    expect_problem(
        intruder_browser
            .rename_passkey(&intruder, &added.passkey.id, "Stolen")
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    expect_problem(
        intruder_browser
            .remove_passkey(&intruder, &added.passkey.id, GOOD_PASSWORD)
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    assert!(intruder_browser.passkeys().await.passkeys.is_empty());
    assert_eq!(app.passkeys().await.passkeys, [added.passkey]);
}

async fn passwordless_is_refused_outside_the_portal_allowlist(app: TestApp) {
    let email = "fenced-key@example.com";
    let office = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.5")]);
    let me = office.signed_in(email).await;
    let mut key = soft_passkey();
    office.passkey_added(&me, &mut key, "Laptop").await;
    let added = office
        .add_portal_allowlist_entry(&me, &portal_allowlist_entry("203.0.113.0/24"))
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    office.log_out(&me).await;

    let outside = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.7")]);
    expect_problem(
        outside.passwordless(&mut key, ORIGIN).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    let inside = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.9")]);
    assert_eq!(
        inside.passwordless(&mut key, ORIGIN).await.status(),
        StatusCode::OK
    );
    let failed = inside.security_events(SecurityEventKind::LoginFailed).await;
    assert_eq!(failed[0].ip.as_deref(), Some("198.51.100.7"));
}

async fn passwordless_is_refused_while_sign_in_is_locked(app: TestApp) {
    let email = "locked-key@example.com";
    let me = app.signed_in(email).await;
    let mut key = soft_passkey();
    app.passkey_added(&me, &mut key, "Laptop").await;
    app.log_out(&me).await;

    let guesser = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.66")]);
    for _ in 0..5 {
        guesser.login(email, "Wrong-Guess-1").await;
    }
    expect_problem(
        guesser.login(email, GOOD_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
    // The lock is on the e-mail: a passkey from anywhere waits it out too.
    let owner = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.50")]);
    expect_problem(
        owner.passwordless(&mut key, ORIGIN).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
}

async fn the_two_factor_requirement_counts_a_passkey(app: TestApp) {
    let me = app.signed_in("policy-key@example.com").await;
    let added = app.passkey_added(&me, &mut soft_passkey(), "Laptop").await;
    let response = app
        .portal_json(
            Method::PUT,
            routes::TWO_FACTOR_POLICY,
            &me.session.csrf_token,
            &TwoFactorPolicyRequest {
                required_for_all_users: true,
            },
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // Then the last method cannot go.
    let problem = expect_problem(
        app.remove_passkey(&me, &added.passkey.id, GOOD_PASSWORD)
            .await,
        StatusCode::CONFLICT,
        ProblemCode::Conflict,
    )
    .await;
    assert_eq!(problem.errors[0].code, codes::TWO_FACTOR_REQUIRED);
    assert_eq!(app.passkeys().await.passkeys.len(), 1);
}

/// The owner's "require a phishing-resistant method": held sign-ins take a passkey only.
async fn the_phishing_resistant_requirement_takes_passkeys_only(app: TestApp) {
    let email = "phishproof@example.com";
    let me = app.signed_in(email).await;
    let set_policy = |required: bool| {
        let (app, csrf) = (&app, me.session.csrf_token.clone());
        async move {
            let body = PasskeyPolicyRequest {
                require_phishing_resistant: required,
            };
            app.portal_json(Method::PUT, routes::PASSKEY_POLICY, &csrf, &body)
                .await
        }
    };
    // The owner's own passkey comes first.
    let problem = expect_problem(
        set_policy(true).await,
        StatusCode::CONFLICT,
        ProblemCode::Conflict,
    )
    .await;
    assert_eq!(problem.errors[0].code, codes::PASSKEY_REQUIRED);
    let mut key = soft_passkey();
    let added = app.passkey_added(&me, &mut key, "Laptop").await;
    let recovery = added.recovery_codes.clone().expect("recovery codes");
    let response = set_policy(true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: PasskeyListDto = response.json().await.unwrap();
    assert!(list.phishing_resistant_required);
    // The last passkey cannot go while it is required.
    let problem = expect_problem(
        app.remove_passkey(&me, &added.passkey.id, GOOD_PASSWORD)
            .await,
        StatusCode::CONFLICT,
        ProblemCode::Conflict,
    )
    .await;
    assert_eq!(problem.errors[0].code, codes::PASSKEY_REQUIRED);
    app.log_out(&me).await;

    // A held sign-in offers the passkey alone: a recovery code or a text does not do.
    let challenge = app.held_sign_in(email, GOOD_PASSWORD).await;
    assert_eq!(challenge.methods, [VerificationMethod::Passkey]);
    expect_field_error(
        app.verify_login(
            &challenge,
            VerificationMethod::RecoveryCode,
            &recovery[0],
            false,
        )
        .await,
        "method",
        codes::METHOD_UNAVAILABLE,
    )
    .await;
    expect_field_error(
        app.resend_login_code(&challenge, Some(VerificationMethod::Sms))
            .await,
        "method",
        codes::METHOD_UNAVAILABLE,
    )
    .await;
    let response = app
        .post_json(
            routes::LOGIN_PASSKEY_START,
            &StartHeldPasskeyRequest {
                challenge_id: challenge.challenge_id.clone(),
            },
            routes::PRE_SESSION_CSRF,
        )
        .await;
    let ceremony: PasskeyCeremonyDto = response.json().await.unwrap();
    let finish = FinishHeldPasskeyRequest {
        challenge_id: challenge.challenge_id.clone(),
        ceremony_id: ceremony.ceremony_id.clone(),
        credential: key.sign(&ceremony, ORIGIN),
        trust_device: false,
    };
    let response = app
        .post_json(
            routes::LOGIN_PASSKEY_FINISH,
            &finish,
            routes::PRE_SESSION_CSRF,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let policy_events = app
        .security_events(SecurityEventKind::TwoFactorPolicyChanged)
        .await;
    assert_eq!(
        policy_events[0].details["require_phishing_resistant"],
        "true"
    );
}

/// The ceremony's state is stored: a process that did not start it finishes it.
async fn another_process_finishes_a_ceremony(app: TestApp) {
    let me = app.signed_in("processes@example.com").await;
    let mut key = soft_passkey();
    app.passkey_added(&me, &mut key, "Laptop").await;
    app.log_out(&me).await;

    let ceremony = app.passwordless_ceremony().await;
    let answer = key.sign(&ceremony, ORIGIN);
    let other = app.second_process().await;
    let response = other.finish_passwordless(&ceremony, answer.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    // And it is used up for the first one too.
    expect_problem(
        app.finish_passwordless(&ceremony, answer).await,
        StatusCode::GONE,
        ProblemCode::PasskeyCeremonyInvalid,
    )
    .await;
}

/// Each passwordless start stores a ceremony before anyone is known: one
/// address may start 30 an hour.
async fn passwordless_starts_are_limited_per_address(app: TestApp) {
    let browser = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.77")]);
    for _ in 0..30 {
        browser.passwordless_ceremony().await;
    }
    let before = app.count("webauthn_ceremonies");
    expect_problem(
        browser
            .post_json(
                routes::PASSKEY_SIGN_IN_START,
                &serde_json::json!({}),
                routes::PRE_SESSION_CSRF,
            )
            .await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::RateLimited,
    )
    .await;
    assert_eq!(app.count("webauthn_ceremonies"), before);
    // Another address is not held up.
    let other = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.78")]);
    other.passwordless_ceremony().await;
}

/// An IP-address public URL (the default, `http://127.0.0.1:…`) cannot be a
/// relying party: the server starts, and only passkeys are unavailable.
async fn an_ip_address_public_url_makes_passkeys_unavailable(app: TestApp) {
    let me = app.signed_in("ip@example.com").await;
    assert!(!app.passkeys().await.available);
    expect_problem(
        app.start_registration(&me, GOOD_PASSWORD).await,
        StatusCode::CONFLICT,
        ProblemCode::PasskeysUnavailable,
    )
    .await;
    expect_problem(
        app.post_json(
            routes::PASSKEY_SIGN_IN_START,
            &serde_json::json!({}),
            routes::PRE_SESSION_CSRF,
        )
        .await,
        StatusCode::CONFLICT,
        ProblemCode::PasskeysUnavailable,
    )
    .await;
}

on_both_backends!(settings = SETTINGS;
    registers_lists_renames_and_removes_with_the_password,
    a_passkey_finishes_a_held_sign_in,
    a_passkey_signs_in_without_a_password,
    a_ceremony_works_once,
    a_counter_going_backwards_is_refused,
    a_wrong_origin_is_refused,
    a_malformed_answer_names_the_field_and_changes_nothing,
    another_logins_passkey_cannot_be_renamed_or_removed,
    passwordless_is_refused_outside_the_portal_allowlist,
    passwordless_is_refused_while_sign_in_is_locked,
    the_two_factor_requirement_counts_a_passkey,
    the_phishing_resistant_requirement_takes_passkeys_only,
    passwordless_starts_are_limited_per_address,
    another_process_finishes_a_ceremony,
);

on_both_backends!(an_ip_address_public_url_makes_passkeys_unavailable);
