//! Abuse limits on sign-in: failed passwords and failed codes are counted per
//! e-mail and per source address in storage, so the limits hold across
//! restarts and across processes sharing PostgreSQL. Too many failures in a
//! window lock sign-in for a while; each further lock lasts twice as long.
//!
//! The e-mail counter is kept whether or not an account has that e-mail, so a
//! lock reveals nothing about which e-mails are registered.

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

use crate::db::{
    throttles::{self as throttle_rows, ThrottleRow},
    DbConnection,
};

/// Failures per e-mail within [`WINDOW_MINUTES`] before sign-in locks.
pub const EMAIL_MAX_FAILURES: i64 = 5;
/// Failures per source address within the window before it locks; higher,
/// since an office shares one address.
pub const ADDRESS_MAX_FAILURES: i64 = 20;
const WINDOW_MINUTES: i64 = 15;
const FIRST_LOCK_SECS: i64 = 60;
const MAX_LOCK_SECS: i64 = 3600;
/// After this long without failures, earlier locks are forgotten.
const LOCK_MEMORY_HOURS: i64 = 24;

/// The counters one sign-in attempt touches.
#[derive(Debug, Clone)]
pub struct ThrottleKeys {
    email: String,
    address: String,
}

/// Which counter a new lock is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockScope {
    Email,
    Address,
}

impl LockScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "account",
            Self::Address => "address",
        }
    }
}

/// A lock that a failure just started.
#[derive(Debug, Clone, Copy)]
pub struct NewLock {
    pub scope: LockScope,
    pub until: NaiveDateTime,
}

impl ThrottleKeys {
    /// `email` already normalised. IPv6 addresses count per /64, the block
    /// one subscriber usually holds.
    pub fn new(email: &str, ip: IpAddr) -> Self {
        let address = match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        };
        Self {
            email: format!("email:{email}"),
            address: format!("ip:{address}"),
        }
    }
}

fn remaining(row: Option<ThrottleRow>, at: NaiveDateTime) -> Option<Duration> {
    row.and_then(|r| r.locked_until)
        .filter(|until| *until > at)
        .map(|until| until - at)
}

/// How long sign-in stays locked for these keys, if it is.
pub fn locked_for(
    conn: &mut DbConnection,
    keys: &ThrottleKeys,
    at: NaiveDateTime,
) -> QueryResult<Option<Duration>> {
    let email = remaining(throttle_rows::find(conn, &keys.email)?, at);
    let address = remaining(throttle_rows::find(conn, &keys.address)?, at);
    Ok(email.max(address))
}

/// Seconds to tell the client to wait (at least one).
pub fn retry_after_secs(locked_for: Duration) -> u64 {
    u64::try_from(locked_for.num_seconds().max(1)).unwrap_or(1)
}

fn count_failure(
    conn: &mut DbConnection,
    key: &str,
    max_failures: i64,
    at: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut row = throttle_rows::lock_row(conn, key, at)?;
    if at - row.window_started_at >= Duration::minutes(WINDOW_MINUTES) {
        row.failures = 0;
        row.window_started_at = at;
    }
    if row
        .locked_until
        .is_some_and(|until| at - until >= Duration::hours(LOCK_MEMORY_HOURS))
    {
        row.lock_count = 0;
    }
    row.failures += 1;
    row.updated_at = at;
    let mut new_lock = None;
    if row.failures >= max_failures {
        let secs = (FIRST_LOCK_SECS << row.lock_count.clamp(0, 16)).min(MAX_LOCK_SECS);
        let until = at + Duration::seconds(secs);
        row.locked_until = Some(until);
        row.lock_count += 1;
        row.failures = 0;
        row.window_started_at = at;
        new_lock = Some(until);
    }
    throttle_rows::save(conn, &row)?;
    Ok(new_lock)
}

/// Counts one failed password or code. Returns the lock it started, if any
/// (the e-mail's lock first: that one is worth telling the owner about).
pub fn record_failure(
    conn: &mut DbConnection,
    keys: &ThrottleKeys,
    at: NaiveDateTime,
) -> QueryResult<Option<NewLock>> {
    let email = count_failure(conn, &keys.email, EMAIL_MAX_FAILURES, at)?;
    let address = count_failure(conn, &keys.address, ADDRESS_MAX_FAILURES, at)?;
    Ok(email
        .map(|until| NewLock {
            scope: LockScope::Email,
            until,
        })
        .or(address.map(|until| NewLock {
            scope: LockScope::Address,
            until,
        })))
}

/// Sign-up e-mails (links, or "you already have an account") one e-mail
/// address gets within an hour; further sign-ups for it are dropped silently,
/// so the form cannot flood anyone's mailbox.
pub const SIGNUP_MAILS_PER_EMAIL_PER_HOUR: i64 = 3;
/// Sign-ups one source address may start within an hour (IPv6 per /64).
pub const SIGNUPS_PER_ADDRESS_PER_HOUR: i64 = 10;
const SIGNUP_WINDOW_MINUTES: i64 = 60;

/// Counts one sign-up request in the hour-long windows of its e-mail and of
/// its source address (kept in `login_throttles` under `signup_email:` and
/// `signup_ip:` keys, row-locked, so processes sharing the database count one
/// after another). True when both are within their limits.
pub fn count_signup(
    conn: &mut DbConnection,
    email_normalized: &str,
    ip: IpAddr,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let keys = ThrottleKeys::new(email_normalized, ip);
    let email = count_in_window(conn, &format!("signup_{}", keys.email), at)?;
    let address = count_in_window(conn, &format!("signup_{}", keys.address), at)?;
    Ok(email <= SIGNUP_MAILS_PER_EMAIL_PER_HOUR && address <= SIGNUPS_PER_ADDRESS_PER_HOUR)
}

/// Adds one to `key`'s count in its current window; returns the new count.
fn count_in_window(conn: &mut DbConnection, key: &str, at: NaiveDateTime) -> QueryResult<i64> {
    let mut row = throttle_rows::lock_row(conn, key, at)?;
    if at - row.window_started_at >= Duration::minutes(SIGNUP_WINDOW_MINUTES) {
        row.failures = 0;
        row.window_started_at = at;
    }
    row.failures += 1;
    row.updated_at = at;
    throttle_rows::save(conn, &row)?;
    Ok(row.failures)
}

/// A completed sign-in clears the e-mail's failures. The address counter is
/// kept: otherwise one account of their own would let an attacker reset it.
pub fn record_success(conn: &mut DbConnection, keys: &ThrottleKeys) -> QueryResult<()> {
    throttle_rows::delete(conn, &keys.email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_per_64_block() {
        let a = ThrottleKeys::new("a@x.io", "2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = ThrottleKeys::new("a@x.io", "2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(a.address, b.address);
        assert_eq!(a.address, "ip:2001:db8:1:2::/64");
        let v4 = ThrottleKeys::new("a@x.io", "203.0.113.7".parse().unwrap());
        assert_eq!(v4.address, "ip:203.0.113.7");
        assert_eq!(v4.email, "email:a@x.io");
    }
}
