//! The security log, the account's and one subuser's.

use super::{Endpoint, Method};
use crate::dto::{SecurityLogPage, SecurityLogQuery, SecurityLogVerification};
use crate::routes::{SECURITY_LOG, SECURITY_LOG_VERIFY, SUBUSER_SECURITY_LOG};

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
