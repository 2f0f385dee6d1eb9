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

/// The counters one sign-in attempt touches: the e-mail's, and the source
/// address's (for IPv6 both its /64 and its /56, so rotating through the /64s
/// of one site gains nothing).
#[derive(Debug, Clone)]
pub struct ThrottleKeys {
    email: String,
    addresses: Vec<String>,
}

/// The /64 block of an IPv6 address (`2001:db8:1:2::/64`): what one
/// subscriber usually holds, so limits per source count per block.
pub fn ipv6_64(v6: std::net::Ipv6Addr) -> String {
    let s = v6.segments();
    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
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
    /// one subscriber usually holds, and per /56, the block a site is
    /// usually given.
    pub fn new(email: &str, ip: IpAddr) -> Self {
        let addresses = match ip {
            IpAddr::V4(v4) => vec![format!("ip:{v4}")],
            IpAddr::V6(v6) => {
                let s = v6.segments();
                vec![
                    format!("ip:{}", ipv6_64(v6)),
                    format!(
                        "ip:{:x}:{:x}:{:x}:{:x}::/56",
                        s[0],
                        s[1],
                        s[2],
                        s[3] & 0xff00
                    ),
                ]
            }
        };
        Self {
            email: format!("email:{email}"),
            addresses,
        }
    }

    /// Every key with its limit, the e-mail first: rows are always locked in
    /// this order, so two attempts never wait on each other in a cycle.
    fn limits(&self) -> impl Iterator<Item = (&str, i64, LockScope)> {
        std::iter::once((self.email.as_str(), EMAIL_MAX_FAILURES, LockScope::Email)).chain(
            self.addresses
                .iter()
                .map(|a| (a.as_str(), ADDRESS_MAX_FAILURES, LockScope::Address)),
        )
    }
}

fn remaining(row: Option<ThrottleRow>, at: NaiveDateTime) -> Option<Duration> {
    row.and_then(|r| r.locked_until)
        .filter(|until| *until > at)
        .map(|until| until - at)
}

/// Seconds to tell the client to wait (at least one).
pub fn retry_after_secs(locked_for: Duration) -> u64 {
    u64::try_from(locked_for.num_seconds().max(1)).unwrap_or(1)
}

/// Counts one failure on a locked row (the window and lock memory rules);
/// returns the lock it started, if any.
fn count_on(row: &mut ThrottleRow, max_failures: i64, at: NaiveDateTime) -> Option<NaiveDateTime> {
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
    if row.failures >= max_failures {
        let secs = (FIRST_LOCK_SECS << row.lock_count.clamp(0, 16)).min(MAX_LOCK_SECS);
        let until = at + Duration::seconds(secs);
        row.locked_until = Some(until);
        row.lock_count += 1;
        row.failures = 0;
        row.window_started_at = at;
        return Some(until);
    }
    None
}

/// One counter's part of a [`Reservation`]: the row as it was, and as the
/// reservation left it.
#[derive(Debug, Clone)]
struct Reserved {
    before: ThrottleRow,
    after: ThrottleRow,
    scope: LockScope,
    new_lock: Option<NaiveDateTime>,
}

/// One guess (a password or a code) allowed to be checked. It was counted as
/// a failure before the check, so however many guesses arrive at once, no
/// more than the limit are ever checked in a window: a wrong guess needs
/// nothing more, a right one is given back with [`release`].
#[derive(Debug, Clone)]
pub struct Reservation {
    counters: Vec<Reserved>,
}

impl Reservation {
    /// The lock this guess started if it turns out wrong (the e-mail's lock
    /// first: that one is worth telling the owner about).
    pub fn new_lock(&self) -> Option<NewLock> {
        self.counters.iter().find_map(|c| {
            c.new_lock.map(|until| NewLock {
                scope: c.scope,
                until,
            })
        })
    }
}

/// Reserves one guess for these keys, inside a write transaction: each row is
/// locked (PostgreSQL: until commit; SQLite: `BEGIN IMMEDIATE` holds the
/// database) and counted at once. `Err(remaining)` while any key is locked,
/// with nothing counted.
pub fn reserve(
    conn: &mut DbConnection,
    keys: &ThrottleKeys,
    at: NaiveDateTime,
) -> QueryResult<Result<Reservation, Duration>> {
    let mut rows = Vec::new();
    for (key, max, scope) in keys.limits() {
        rows.push((throttle_rows::lock_row(conn, key, at)?, max, scope));
    }
    let longest = rows
        .iter()
        .filter_map(|(row, _, _)| remaining(Some(row.clone()), at))
        .max();
    if let Some(longest) = longest {
        return Ok(Err(longest));
    }
    let mut counters = Vec::new();
    for (before, max, scope) in rows {
        let mut after = before.clone();
        let new_lock = count_on(&mut after, max, at);
        throttle_rows::save(conn, &after)?;
        counters.push(Reserved {
            before,
            after,
            scope,
            new_lock,
        });
    }
    Ok(Ok(Reservation { counters }))
}

/// Whether two stored times are the same, to the microsecond: PostgreSQL
/// keeps microseconds, so a time read back can differ from the one written in
/// its nanoseconds.
fn same_instant(a: Option<NaiveDateTime>, b: Option<NaiveDateTime>) -> bool {
    let micros = |t: Option<NaiveDateTime>| t.map(|t| t.and_utc().timestamp_micros());
    micros(a) == micros(b)
}

/// Gives back a reservation whose guess was right: each counter goes back to
/// what it was, unless other failures changed it since, in which case just
/// this one is taken off.
pub fn release(conn: &mut DbConnection, reservation: &Reservation) -> QueryResult<()> {
    for reserved in &reservation.counters {
        let key = &reserved.after.throttle_key;
        let Some(mut row) = throttle_rows::find_for_update(conn, key)? else {
            continue;
        };
        if reserved.new_lock.is_some()
            && same_instant(row.locked_until, reserved.after.locked_until)
        {
            // This guess started the lock, and while it held nothing else
            // was counted: undo it.
            row.failures = reserved.before.failures;
            row.window_started_at = reserved.before.window_started_at;
            row.locked_until = reserved.before.locked_until;
            row.lock_count = reserved.before.lock_count;
        } else if same_instant(
            Some(row.window_started_at),
            Some(reserved.after.window_started_at),
        ) && row.failures > 0
        {
            row.failures -= 1;
        } else {
            continue;
        }
        throttle_rows::save(conn, &row)?;
    }
    Ok(())
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
    // The first address key: the IPv4 address, or the IPv6 /64.
    let address = count_in_window(conn, &format!("signup_{}", keys.addresses[0]), at)?;
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

/// A password reset proves the owner holds the mailbox: the e-mail's
/// failures and lock end (an address's lock stays).
pub fn clear_email(conn: &mut DbConnection, email_normalized: &str) -> QueryResult<()> {
    throttle_rows::delete(conn, &format!("email:{email_normalized}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_per_64_and_per_56_block() {
        let a = ThrottleKeys::new("a@x.io", "2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = ThrottleKeys::new("a@x.io", "2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(a.addresses, b.addresses);
        assert_eq!(
            a.addresses,
            ["ip:2001:db8:1:2::/64", "ip:2001:db8:1:0::/56"]
        );
        let c = ThrottleKeys::new("a@x.io", "2001:db8:1:ff::1".parse().unwrap());
        assert_eq!(c.addresses[1], a.addresses[1], "one /56");
        assert_ne!(c.addresses[0], a.addresses[0]);
        let v4 = ThrottleKeys::new("a@x.io", "203.0.113.7".parse().unwrap());
        assert_eq!(v4.addresses, ["ip:203.0.113.7"]);
        assert_eq!(v4.email, "email:a@x.io");
    }
}
