//! The security log, the account's and one subuser's.

use super::{Endpoint, Method};
use crate::dto::{
    RotateStreamSecretRequest, SavedSecurityStreamDto, SecurityLogPage, SecurityLogQuery,
    SecurityLogVerification, SecurityStreamDto, SetSecurityStreamRequest, StreamTestQueuedDto,
};
use crate::routes::{
    SECURITY_LOG, SECURITY_LOG_STREAM, SECURITY_LOG_STREAM_SECRET, SECURITY_LOG_STREAM_TEST,
    SECURITY_LOG_VERIFY, SUBUSER_SECURITY_LOG,
};

/// One page of the account's security log, newest first.
#[derive(Debug, Clone, Copy)]
pub struct SecurityLog;

impl Endpoint for SecurityLog {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SECURITY_LOG;
    type Path = ();
    type Request = SecurityLogQuery;
    type Response = SecurityLogPage;
}

/// One page of one subuser's entries of the security log.
#[derive(Debug, Clone, Copy)]
pub struct SubuserSecurityLog;

impl Endpoint for SubuserSecurityLog {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SUBUSER_SECURITY_LOG;
    type Path = str;
    type Request = SecurityLogQuery;
    type Response = SecurityLogPage;
}

/// Walks the caller's security-log hash chains (an owner's: every subuser's too).
#[derive(Debug, Clone, Copy)]
pub struct VerifySecurityLog;

impl Endpoint for VerifySecurityLog {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SECURITY_LOG_VERIFY;
    type Path = ();
    type Request = ();
    type Response = SecurityLogVerification;
}

/// The account's security-log stream and its health (`404` when none is set).
#[derive(Debug, Clone, Copy)]
pub struct GetSecurityStream;

impl Endpoint for GetSecurityStream {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SECURITY_LOG_STREAM;
    type Path = ();
    type Request = ();
    type Response = SecurityStreamDto;
}

/// Sets or replaces the stream's URL; a new stream's answer holds its secret, once.
#[derive(Debug, Clone, Copy)]
pub struct SetSecurityStream;

impl Endpoint for SetSecurityStream {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = SECURITY_LOG_STREAM;
    type Path = ();
    type Request = SetSecurityStreamRequest;
    type Response = SavedSecurityStreamDto;
}

/// Removes the stream and its undelivered queue (the events stay in the log).
#[derive(Debug, Clone, Copy)]
pub struct DeleteSecurityStream;

impl Endpoint for DeleteSecurityStream {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = SECURITY_LOG_STREAM;
    type Path = ();
    type Request = ();
    type Response = ();
}

/// Replaces the stream's signing secret; the answer holds the new one, once.
#[derive(Debug, Clone, Copy)]
pub struct RotateStreamSecret;

impl Endpoint for RotateStreamSecret {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SECURITY_LOG_STREAM_SECRET;
    type Path = ();
    type Request = RotateStreamSecretRequest;
    type Response = SavedSecurityStreamDto;
}

/// Records a `stream_test` event, which the stream delivers like any other.
#[derive(Debug, Clone, Copy)]
pub struct TestSecurityStream;

impl Endpoint for TestSecurityStream {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SECURITY_LOG_STREAM_TEST;
    type Path = ();
    type Request = ();
    type Response = StreamTestQueuedDto;
}
