//! Portal sessions, sign-in history and the inactivity timeout.

use super::{Endpoint, Method};
use crate::dto::{
    LoginHistoryPage, LoginHistoryQuery, RevokedSessionsDto, SessionDto, SessionTimeoutDto,
    SetSessionTimeoutRequest,
};
use crate::routes::{
    LOGIN_HISTORY, SESSION, SESSIONS, SESSIONS_REVOKE_ALL, SESSIONS_REVOKE_OTHERS, SESSION_TIMEOUT,
};

/// The account's live portal sessions, the current one first.
#[derive(Debug, Clone, Copy)]
pub struct ListSessions;

impl Endpoint for ListSessions {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SESSIONS;
    type Path = ();
    type Request = ();
    type Response = Vec<SessionDto>;
}

/// Ends one portal session.
#[derive(Debug, Clone, Copy)]
pub struct RevokeSession;

impl Endpoint for RevokeSession {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = SESSION;
    type Path = str;
    type Request = ();
    type Response = ();
}

/// Ends every portal session but the current one.
#[derive(Debug, Clone, Copy)]
pub struct RevokeOtherSessions;

impl Endpoint for RevokeOtherSessions {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SESSIONS_REVOKE_OTHERS;
    type Path = ();
    type Request = ();
    type Response = RevokedSessionsDto;
}

/// Ends every portal session, the current one too.
#[derive(Debug, Clone, Copy)]
pub struct RevokeAllSessions;

impl Endpoint for RevokeAllSessions {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SESSIONS_REVOKE_ALL;
    type Path = ();
    type Request = ();
    type Response = RevokedSessionsDto;
}

/// One page of the account's sign-in attempts, newest first.
#[derive(Debug, Clone, Copy)]
pub struct LoginHistory;

impl Endpoint for LoginHistory {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = LOGIN_HISTORY;
    type Path = ();
    type Request = LoginHistoryQuery;
    type Response = LoginHistoryPage;
}

/// The inactivity timeout and the values it may take.
#[derive(Debug, Clone, Copy)]
pub struct GetSessionTimeout;

impl Endpoint for GetSessionTimeout {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SESSION_TIMEOUT;
    type Path = ();
    type Request = ();
    type Response = SessionTimeoutDto;
}

/// Chooses the inactivity timeout.
#[derive(Debug, Clone, Copy)]
pub struct SetSessionTimeout;

impl Endpoint for SetSessionTimeout {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = SESSION_TIMEOUT;
    type Path = ();
    type Request = SetSessionTimeoutRequest;
    type Response = SessionTimeoutDto;
}
