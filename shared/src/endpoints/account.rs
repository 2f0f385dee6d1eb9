//! Signing up, in and out, and the signed-in account.

use super::{Endpoint, Method};
use crate::dto::{
    ConfirmSignupRequest, LoginChallengeDto, LoginRequest, MeResponse, ResendLoginCodeRequest,
    SecurityOverviewDto, SetLanguageRequest, SignupAcceptedDto, SignupRequest, VerifyLoginRequest,
};
use crate::routes::{
    LOGIN, LOGIN_RESEND, LOGIN_VERIFY, LOGOUT, ME, ME_LANGUAGE, SECURITY_OVERVIEW, SIGNUP,
    SIGNUP_CONFIRM,
};

/// Starts a sign-up: the API e-mails a confirmation link (`202`).
#[derive(Debug, Clone, Copy)]
pub struct Signup;

impl Endpoint for Signup {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SIGNUP;
    type Path = ();
    type Request = SignupRequest;
    type Response = SignupAcceptedDto;
}

/// Confirms a sign-up: creates the account and signs the browser in.
#[derive(Debug, Clone, Copy)]
pub struct ConfirmSignup;

impl Endpoint for ConfirmSignup {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SIGNUP_CONFIRM;
    type Path = ();
    type Request = ConfirmSignupRequest;
    type Response = MeResponse;
}

/// Starts a portal session (`200`), or holds the sign-in for a code (`202` with a [`LoginChallengeDto`](crate::dto::LoginChallengeDto)).
#[derive(Debug, Clone, Copy)]
pub struct Login;

impl Endpoint for Login {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = LOGIN;
    type Path = ();
    type Request = LoginRequest;
    type Response = MeResponse;
}

/// Completes a held sign-in with a code.
#[derive(Debug, Clone, Copy)]
pub struct VerifyLogin;

impl Endpoint for VerifyLogin {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = LOGIN_VERIFY;
    type Path = ();
    type Request = VerifyLoginRequest;
    type Response = MeResponse;
}

/// Sends a held sign-in's code again (`202`; `Retry-After` when refused for now).
#[derive(Debug, Clone, Copy)]
pub struct ResendLoginCode;

impl Endpoint for ResendLoginCode {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = LOGIN_RESEND;
    type Path = ();
    type Request = ResendLoginCodeRequest;
    type Response = LoginChallengeDto;
}

/// Ends the current portal session.
#[derive(Debug, Clone, Copy)]
pub struct Logout;

impl Endpoint for Logout {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = LOGOUT;
    type Path = ();
    type Request = ();
    type Response = ();
}

/// The signed-in account and session.
#[derive(Debug, Clone, Copy)]
pub struct Me;

impl Endpoint for Me {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = ME;
    type Path = ();
    type Request = ();
    type Response = MeResponse;
}

/// Sets the signed-in login's language (`204`).
#[derive(Debug, Clone, Copy)]
pub struct SetLanguage;

impl Endpoint for SetLanguage {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = ME_LANGUAGE;
    type Path = ();
    type Request = SetLanguageRequest;
    type Response = ();
}

/// The signed-in login's security checklist and score.
#[derive(Debug, Clone, Copy)]
pub struct SecurityOverview;

impl Endpoint for SecurityOverview {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SECURITY_OVERVIEW;
    type Path = ();
    type Request = ();
    type Response = SecurityOverviewDto;
}
