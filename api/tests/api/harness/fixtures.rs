//! Accounts, sessions and tokens a test starts from, made through the API as a
//! person would, and the mail and security events they leave.

use std::time::Duration;

use portcullis_shared::{
    dto::{
        AddAllowlistEntryRequest, AddPortalAllowlistEntryRequest, ConfirmPasswordResetRequest,
        ConfirmSignupRequest, ConfirmTwoFactorRequest, CountryFilterDto, CreateOAuthClientRequest,
        CreateTokenRequest, CreatedOAuthClientDto, CreatedTokenDto, DisableTwoFactorRequest,
        LoginChallengeDto, LoginRequest, MeResponse, MessageDto, OAuthTokenResponse,
        OutboxMessageDto, OutboxPage, PasswordConfirmation, PortalAllowlistEntryDto, ProfileDto,
        ResendLoginCodeRequest, SecurityEventDto, SecurityEventKind, SecurityLogPage,
        SendSmsRequest, SignupRequest, StartSmsTwoFactorRequest, TokenDto, TwoFactorEnabledDto,
        TwoFactorPolicyRequest, UpdateTokenRequest, VerificationMethod, VerifyLoginRequest,
    },
    routes,
    scope::Scope,
    vocabulary::MessageStatus,
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

/// A token request like [`token_request`], usable only from these addresses.
pub fn allowlisted_token_request(
    name: &str,
    scopes: &[Scope],
    ip_allowlist: &[&str],
) -> CreateTokenRequest {
    CreateTokenRequest {
        ip_allowlist: ip_allowlist.iter().map(|a| (*a).to_owned()).collect(),
        ..token_request(name, scopes)
    }
}

/// An entry for the portal allowlist: `value`, no label, no lock-out confirmation.
pub fn portal_allowlist_entry(value: &str) -> AddPortalAllowlistEntryRequest {
    AddPortalAllowlistEntryRequest {
        value: value.to_owned(),
        ..AddPortalAllowlistEntryRequest::default()
    }
}

/// An OAuth client named `name` for `scopes`, with no allowlist.
pub fn oauth_client_request(name: &str, scopes: &[Scope]) -> CreateOAuthClientRequest {
    CreateOAuthClientRequest {
        name: name.to_owned(),
        scopes: scopes.to_vec(),
        ..CreateOAuthClientRequest::default()
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
        language: None,
    }
}

impl TestApp {
    /// Message `id`, read with `token` until its status is `wanted` (5 s at most).
    pub async fn wait_for_message_status(
        &self,
        token: &str,
        id: &str,
        wanted: MessageStatus,
    ) -> MessageDto {
        let path = routes::SMS_MESSAGE.replace("{id}", id);
        for _ in 0..100 {
            let message: MessageDto = self.bearer_get(&path, token).await.json().await.unwrap();
            if message.status == wanted {
                return message;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("message {id} never reached {wanted:?}");
    }

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

    /// Disables (or enables again) the token `token_id` in the portal as `me`;
    /// returns it as it now stands.
    pub async fn set_token_disabled(
        &self,
        me: &MeResponse,
        token_id: &str,
        disabled: bool,
    ) -> TokenDto {
        let body = UpdateTokenRequest {
            disabled: Some(disabled),
            ..UpdateTokenRequest::default()
        };
        let response = self
            .portal_json(
                reqwest::Method::PATCH,
                &routes::TOKEN.replace("{id}", token_id),
                &me.session.csrf_token,
                &body,
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "set disabled: {disabled}"
        );
        response.json().await.expect("TokenDto")
    }

    /// Adds `value` to the account's API allowlist (with `csrf`, no label).
    pub async fn add_api_allowlist_entry(&self, csrf: &str, value: &str) -> reqwest::Response {
        let body = AddAllowlistEntryRequest {
            value: value.to_owned(),
            label: None,
            expires_at: None,
        };
        self.post_json(routes::API_ALLOWLIST, &body, csrf).await
    }

    /// Asks to add an entry (any body, to test bad ones) to the portal allowlist as `me`.
    pub async fn add_portal_allowlist_entry(
        &self,
        me: &MeResponse,
        body: &(impl serde::Serialize + ?Sized),
    ) -> reqwest::Response {
        self.post_json(routes::PORTAL_ALLOWLIST, body, &me.session.csrf_token)
            .await
    }

    /// Adds `entry` to the portal allowlist as `me`, expecting `201`; returns it as stored.
    pub async fn portal_allowlist_entry_added(
        &self,
        me: &MeResponse,
        entry: &AddPortalAllowlistEntryRequest,
    ) -> PortalAllowlistEntryDto {
        let response = self.add_portal_allowlist_entry(me, entry).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "add {}",
            entry.value
        );
        response.json().await.expect("PortalAllowlistEntryDto")
    }

    /// The account's points balance, as the integrator holding `token` reads it.
    pub async fn points_balance(&self, token: &str) -> i64 {
        let response = self.bearer_get(routes::PROFILE, token).await;
        let profile: ProfileDto = response.json().await.expect("ProfileDto");
        profile.points_balance
    }

    /// Sets the account's country filter to `countries`, with `csrf`.
    pub async fn put_country_filter(&self, csrf: &str, countries: &[&str]) -> reqwest::Response {
        let body = CountryFilterDto {
            countries: countries.iter().map(|c| (*c).to_owned()).collect(),
            ..CountryFilterDto::default()
        };
        self.portal_json(reqwest::Method::PUT, routes::COUNTRY_FILTER, csrf, &body)
            .await
    }

    /// Sends an SMS from the portal, as `me`.
    pub async fn send_sms_from_portal(
        &self,
        me: &MeResponse,
        request: &SendSmsRequest,
    ) -> reqwest::Response {
        self.post_json(routes::SMS, request, &me.session.csrf_token)
            .await
    }

    /// Registers an OAuth client in the portal with `request`; returns it with its secret.
    pub async fn register_oauth_client(
        &self,
        me: &MeResponse,
        request: &CreateOAuthClientRequest,
    ) -> CreatedOAuthClientDto {
        let response = self
            .post_json(routes::OAUTH_CLIENTS, request, &me.session.csrf_token)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "register the client"
        );
        response.json().await.expect("CreatedOAuthClientDto")
    }

    /// The answer to `client`'s client-credentials grant for `scope` (`None`:
    /// all of the client's), asked from a client without cookies; expects `200`.
    pub async fn client_credentials_token(
        &self,
        client: &CreatedOAuthClientDto,
        scope: Option<&str>,
    ) -> OAuthTokenResponse {
        let mut form = vec![("grant_type", "client_credentials")];
        form.extend(scope.map(|scope| ("scope", scope)));
        let response = self
            .client_builder()
            .build()
            .expect("http client")
            .post(self.url(routes::OAUTH_TOKEN))
            .basic_auth(&client.client.id, Some(&client.client_secret))
            .form(&form)
            .send()
            .await
            .expect("request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "client-credentials grant"
        );
        response.json().await.expect("OAuthTokenResponse")
    }

    /// Asks, with the account's `password`, for the code that sets SMS
    /// two-factor sign-in up on `phone`.
    pub async fn start_sms_two_factor(
        &self,
        csrf: &str,
        password: &str,
        phone: &str,
    ) -> reqwest::Response {
        let body = StartSmsTwoFactorRequest {
            password: password.to_owned(),
            phone: phone.to_owned(),
            code: None,
        };
        self.post_json(routes::TWO_FACTOR_SMS, &body, csrf).await
    }

    /// Confirms SMS two-factor set-up with `code`.
    pub async fn confirm_sms_two_factor(&self, csrf: &str, code: &str) -> reqwest::Response {
        let body = ConfirmTwoFactorRequest {
            code: code.to_owned(),
        };
        self.post_json(routes::TWO_FACTOR_SMS_CONFIRM, &body, csrf)
            .await
    }

    /// Turns SMS two-factor sign-in on for the signed-in account: asks (with
    /// `password`) for a code to `phone` and confirms with the code texted
    /// there; returns what the confirmation answered.
    pub async fn turn_on_sms_two_factor(
        &self,
        csrf: &str,
        password: &str,
        phone: &str,
    ) -> TwoFactorEnabledDto {
        let response = self.start_sms_two_factor(csrf, password, phone).await;
        assert_eq!(
            response.status(),
            StatusCode::ACCEPTED,
            "ask for a set-up code"
        );
        let e164: String = phone.chars().filter(|c| !c.is_whitespace()).collect();
        let code = self.last_code_to(&e164);
        let response = self.confirm_sms_two_factor(csrf, &code).await;
        assert_eq!(response.status(), StatusCode::OK, "confirm two-factor");
        response.json().await.expect("TwoFactorEnabledDto")
    }

    /// Requires (or stops requiring) two-factor sign-in of every login of the account.
    pub async fn set_two_factor_policy(
        &self,
        csrf: &str,
        required_for_all_users: bool,
    ) -> reqwest::Response {
        let body = TwoFactorPolicyRequest {
            required_for_all_users,
        };
        self.portal_json(reqwest::Method::PUT, routes::TWO_FACTOR_POLICY, csrf, &body)
            .await
    }

    /// Asks for a step-up code by SMS (expecting `202`); returns the code texted to `phone_e164`.
    pub async fn sms_step_up_code(&self, csrf: &str, phone_e164: &str) -> String {
        let sent = self
            .portal(reqwest::Method::POST, routes::TWO_FACTOR_CODE, csrf, None)
            .await;
        assert_eq!(
            sent.status(),
            StatusCode::ACCEPTED,
            "ask for a step-up code"
        );
        self.last_code_to(phone_e164)
    }

    /// Turns SMS two-factor sign-in off with the account's `password` and `code`.
    pub async fn turn_off_sms_two_factor(
        &self,
        csrf: &str,
        password: &str,
        code: &str,
    ) -> reqwest::Response {
        let body = DisableTwoFactorRequest {
            method: VerificationMethod::Sms,
            password: password.to_owned(),
            code: code.to_owned(),
        };
        self.post_json(routes::TWO_FACTOR_DISABLE, &body, csrf)
            .await
    }

    /// Follows a password-reset link: sets `new_password` with the link's `token`.
    pub async fn confirm_password_reset(
        &self,
        token: &str,
        new_password: &str,
    ) -> reqwest::Response {
        let body = ConfirmPasswordResetRequest {
            token: token.to_owned(),
            new_password: new_password.to_owned(),
        };
        self.post_json(
            routes::PASSWORD_RESET_CONFIRM,
            &body,
            routes::PRE_SESSION_CSRF,
        )
        .await
    }

    /// POSTs the account's password ([`GOOD_PASSWORD`]), with a step-up `code`
    /// if given, to a security change at `path` that asks for them.
    pub async fn confirm_with_password(
        &self,
        path: &str,
        csrf: &str,
        code: Option<&str>,
    ) -> reqwest::Response {
        let body = PasswordConfirmation {
            password: GOOD_PASSWORD.to_owned(),
            code: code.map(str::to_owned),
        };
        self.post_json(path, &body, csrf).await
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

    /// Signs in with `email` and `password`, expecting the sign-in to be held
    /// (`202`) for a code; returns the challenge.
    pub async fn held_sign_in(&self, email: &str, password: &str) -> LoginChallengeDto {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "a held sign-in");
        response.json().await.expect("LoginChallengeDto")
    }

    /// Asks for the code of a held sign-in again (by `method`, or as before).
    pub async fn resend_login_code(
        &self,
        challenge: &LoginChallengeDto,
        method: Option<VerificationMethod>,
    ) -> reqwest::Response {
        let body = ResendLoginCodeRequest {
            challenge_id: challenge.challenge_id.clone(),
            method,
        };
        self.post_json(routes::LOGIN_RESEND, &body, routes::PRE_SESSION_CSRF)
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
