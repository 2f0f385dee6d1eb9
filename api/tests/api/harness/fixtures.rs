//! Accounts, sessions and tokens a test starts from, made through the API as a
//! person would, and the mail and security events they leave.

use std::time::Duration;

use portcullis_shared::{
    dto::{
        ConfirmSignupRequest, CreateTokenRequest, CreatedTokenDto, LoginChallengeDto, LoginRequest,
        MeResponse, OutboxMessageDto, OutboxPage, SecurityEventDto, SecurityEventKind,
        SecurityLogPage, SendSmsRequest, SignupRequest, VerificationMethod, VerifyLoginRequest,
    },
    routes,
    scope::Scope,
};
use reqwest::StatusCode;

use super::server::TestApp;

/// The phone of [`signup_request`] accounts, as stored.
pub const SIGNUP_PHONE_E164: &str = "+48500100200";

/// The `purpose` of the e-mail with a sign-up confirmation link.
pub const SIGNUP_LINK_MAIL: &str = "signup_confirmation";
/// The `purpose` of the e-mail sent when someone signs up with an e-mail that
/// already has an account.
pub const ACCOUNT_EXISTS_MAIL: &str = "signup_account_exists";

/// The `token` query parameter of the link in a mail body.
pub fn link_token(body: &str) -> String {
    let start = body
        .find("token=")
        .unwrap_or_else(|| panic!("no link in {body:?}"))
        + "token=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// A password that meets the policy.
pub const GOOD_PASSWORD: &str = "Violet-Kettle-42";

/// A token request named `name` for `scopes`, with no expiry and no allowlist.
pub fn token_request(name: &str, scopes: &[Scope]) -> CreateTokenRequest {
    CreateTokenRequest {
        name: name.to_owned(),
        scopes: scopes.to_vec(),
        ..CreateTokenRequest::default()
    }
}

/// A request to send `text` to `to` from the gateway's default sender.
pub fn sms_request(to: &str, text: impl Into<String>) -> SendSmsRequest {
    SendSmsRequest {
        to: to.to_owned(),
        text: text.into(),
        sender: None,
    }
}

pub fn signup_request(email: &str) -> SignupRequest {
    SignupRequest {
        email: email.to_owned(),
        password: GOOD_PASSWORD.to_owned(),
        phone: Some("+48 500 100 200".to_owned()),
        country: "PL".to_owned(),
    }
}

impl TestApp {
    pub async fn signup(&self, request: &SignupRequest) -> reqwest::Response {
        self.post_json(routes::SIGNUP, request, routes::PRE_SESSION_CSRF)
            .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        self.post_json(routes::LOGIN, &body, routes::PRE_SESSION_CSRF)
            .await
    }

    /// Signs up with [`signup_request`] and confirms the e-mail; returns the
    /// session the confirmation opened in this browser.
    pub async fn signed_in(&self, email: &str) -> MeResponse {
        self.signed_up(&signup_request(email)).await
    }

    /// Makes an account with [`signup_request`] from this browser (which it
    /// then trusts) and signs out again, so a test can sign in to it.
    pub async fn registered(&self, email: &str) {
        let me = self.signed_in(email).await;
        let response = self
            .post_json(
                routes::LOGOUT,
                &serde_json::json!({}),
                &me.session.csrf_token,
            )
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "log out");
    }

    /// Signs up with `request`, follows the link mailed to its e-mail and
    /// returns the session the confirmation opened in this browser.
    pub async fn signed_up(&self, request: &SignupRequest) -> MeResponse {
        let token = self.requested_signup_link(request).await;
        let response = self.confirm_signup(&token).await;
        assert_eq!(response.status(), StatusCode::OK, "confirm the sign-up");
        response.json().await.expect("MeResponse")
    }

    /// Signs up with `request` (expecting `202`) and returns the token of the
    /// confirmation link this sign-up mailed.
    pub async fn requested_signup_link(&self, request: &SignupRequest) -> String {
        let email = request.email.trim();
        let before = self.stored_mails(email, SIGNUP_LINK_MAIL).len();
        let response = self.signup(request).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "sign up");
        let mails = self
            .wait_for_stored_mails(email, SIGNUP_LINK_MAIL, before + 1)
            .await;
        link_token(&mails[0])
    }

    /// `POST /api/v1/auth/signup/confirm` with `token`.
    pub async fn confirm_signup(&self, token: &str) -> reqwest::Response {
        let body = ConfirmSignupRequest {
            token: token.to_owned(),
        };
        self.post_json(routes::SIGNUP_CONFIRM, &body, routes::PRE_SESSION_CSRF)
            .await
    }

    /// Creates an API token in the portal with `request`; returns it with its secret.
    pub async fn create_token(
        &self,
        me: &MeResponse,
        request: &CreateTokenRequest,
    ) -> CreatedTokenDto {
        let response = self
            .post_json(routes::TOKENS, request, &me.session.csrf_token)
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("CreatedTokenDto")
    }

    /// Completes a held sign-in.
    pub async fn verify_login(
        &self,
        challenge: &LoginChallengeDto,
        method: VerificationMethod,
        code: &str,
        trust_device: bool,
    ) -> reqwest::Response {
        let body = VerifyLoginRequest {
            challenge_id: challenge.challenge_id.clone(),
            method,
            code: code.to_owned(),
            trust_device,
        };
        self.post_json(routes::LOGIN_VERIFY, &body, routes::PRE_SESSION_CSRF)
            .await
    }

    /// Signs in to an existing account (made by [`signup_request`]) from this
    /// client, passing the new-device check with the code from the outbox if
    /// this browser is not trusted.
    pub async fn signed_in_again(&self, email: &str) -> MeResponse {
        self.signed_in_again_with(email, GOOD_PASSWORD).await
    }

    pub async fn signed_in_again_with(&self, email: &str, password: &str) -> MeResponse {
        let response = self.login(email, password).await;
        let response = match response.status() {
            StatusCode::OK => response,
            StatusCode::ACCEPTED => {
                let challenge: LoginChallengeDto = response.json().await.expect("challenge");
                let recipient = match challenge.sent_by {
                    Some(VerificationMethod::Email) => email.to_owned(),
                    _ => SIGNUP_PHONE_E164.to_owned(),
                };
                let code = self.last_code_to(&recipient);
                let method = challenge.sent_by.expect("a code was sent");
                self.verify_login(&challenge, method, &code, false).await
            }
            other => panic!("login answered {other}"),
        };
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("MeResponse")
    }

    /// The development outbox (the app must run with `PORTCULLIS_DEV_OUTBOX=true`), newest first.
    pub async fn outbox(&self, recipient: Option<&str>) -> OutboxPage {
        let mut request = self.client.get(self.url(routes::DEV_OUTBOX));
        if let Some(recipient) = recipient {
            request = request.query(&[("recipient", recipient)]);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("OutboxPage")
    }

    /// The e-mails to `recipient` sent for `purpose`, newest first.
    pub async fn mails(&self, recipient: &str, purpose: &str) -> Vec<OutboxMessageDto> {
        let mut messages = self.outbox(Some(recipient)).await.messages;
        messages.retain(|m| m.channel == "email" && m.purpose == purpose);
        messages
    }

    /// Waits (up to 10 s) until `count` e-mails to `recipient` for `purpose`
    /// are in the outbox, for mail sent off the request path; returns them.
    pub async fn wait_for_mails(
        &self,
        recipient: &str,
        purpose: &str,
        count: usize,
    ) -> Vec<OutboxMessageDto> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let mails = self.mails(recipient, purpose).await;
            if mails.len() >= count || std::time::Instant::now() > deadline {
                assert_eq!(mails.len(), count, "{purpose} e-mails to {recipient}");
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The signed-in account's security events of `kind`, newest first.
    pub async fn security_events(&self, kind: SecurityEventKind) -> Vec<SecurityEventDto> {
        let response = self
            .client
            .get(self.url(routes::SECURITY_LOG))
            .query(&[("kind", kind.as_str()), ("limit", "200")])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::OK);
        response
            .json::<SecurityLogPage>()
            .await
            .expect("SecurityLogPage")
            .events
    }

    /// Lets the account of `email` spend its points abroad (`portcullis
    /// operator lift-trial-restriction`), for tests that send beyond the home country.
    pub fn lift_trial_restriction(&self, email: &str) {
        let output = self.operator(&["operator", "lift-trial-restriction", "--email", email]);
        assert!(
            output.status.success(),
            "lift-trial-restriction failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
