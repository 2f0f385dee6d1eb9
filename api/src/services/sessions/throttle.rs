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

    /// The e-mail's counter key (the line its guesses wait in, see
    /// [`GuessQueue`](super::guess_queue::GuessQueue)).
    pub fn email_key(&self) -> &str {
        &self.email
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

/// How long a reserved guess may stay unsettled. A process that stops
/// mid-check leaves its reservation behind; after this it counts as a plain
/// failure. Far longer than a check takes, even queued behind a login storm.
const PENDING_SECS: i64 = 120;

/// Brings a locked row up to `at`: a window that has passed starts again,
/// old locks are forgotten after [`LOCK_MEMORY_HOURS`], and reservations
/// past their time stop being in flight (their failures stay counted).
fn bring_up_to(row: &mut ThrottleRow, at: NaiveDateTime) {
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
    if row.pending_until.is_some_and(|until| until <= at) {
        row.pending = 0;
        row.pending_until = None;
    }
    row.updated_at = at;
}

/// Starts a lock on a row whose failures reached `max_failures` with no
/// guess in flight; returns its end. Each further lock lasts twice as long.
fn lock_if_full(
    row: &mut ThrottleRow,
    max_failures: i64,
    at: NaiveDateTime,
) -> Option<NaiveDateTime> {
    if row.failures < max_failures || row.pending > 0 {
        return None;
    }
    let secs = (FIRST_LOCK_SECS << row.lock_count.clamp(0, 16)).min(MAX_LOCK_SECS);
    let until = at + Duration::seconds(secs);
    row.locked_until = Some(until);
    row.lock_count += 1;
    row.failures = 0;
    row.window_started_at = at;
    Some(until)
}

/// One counter's part of a [`Reservation`].
#[derive(Debug, Clone)]
struct Reserved {
    key: String,
    max_failures: i64,
    scope: LockScope,
    /// The window the guess was counted in.
    window_started_at: NaiveDateTime,
}

/// One guess (a password or a code) allowed to be checked. It was counted as
/// a failure, and as in flight, before the check: however many guesses
/// arrive at once, no more than the limit are ever checked in a window. Once
/// checked it must be settled: [`release`] if it was right, [`settle_failure`]
/// if not. An unsettled one counts as a failure after [`PENDING_SECS`].
#[derive(Debug, Clone)]
pub struct Reservation {
    counters: Vec<Reserved>,
}

impl Reservation {
    /// Its counters' rows, locked in the order they were reserved in (the
    /// e-mail's first, as [`reserve`] locks them). A row deleted meanwhile (a
    /// password reset clears the e-mail's) comes back as a fresh one.
    fn lock_rows(
        &self,
        conn: &mut DbConnection,
        at: NaiveDateTime,
    ) -> QueryResult<Vec<ThrottleRow>> {
        let keys: Vec<&str> = self.counters.iter().map(|c| c.key.as_str()).collect();
        throttle_rows::lock_rows(conn, &keys, at)
    }

    /// The e-mail's counter key (see [`ThrottleKeys::email_key`]).
    pub fn email_key(&self) -> &str {
        self.counters
            .iter()
            .find(|c| c.scope == LockScope::Email)
            .map_or("", |c| c.key.as_str())
    }
}

/// Why a guess may not be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A counter is locked for this long.
    Locked(Duration),
    /// Every try left in the window is taken by guesses still being checked:
    /// ask again in a moment (they may turn out right), nothing was counted.
    Busy,
}

/// Reserves one guess for these keys, inside a write transaction: each row is
/// locked (PostgreSQL: until commit; SQLite: `BEGIN IMMEDIATE` holds the
/// database) and counted at once. Refused while any key is locked, or while
/// its tries left are all in flight, with nothing counted.
///
/// Reaching the limit does not lock while other guesses are in flight (they
/// may be right: a team signing in to one account at once, an office behind
/// one address): the last one settled decides. A lock is never started by a
/// guess that has not been checked.
pub fn reserve(
    conn: &mut DbConnection,
    keys: &ThrottleKeys,
    at: NaiveDateTime,
) -> QueryResult<Result<Reservation, Refusal>> {
    let limits: Vec<_> = keys.limits().collect();
    let names: Vec<&str> = limits.iter().map(|(key, _, _)| *key).collect();
    let mut rows = throttle_rows::lock_rows(conn, &names, at)?;
    let mut expired = false;
    for (row, (_, max, _)) in rows.iter_mut().zip(&limits) {
        bring_up_to(row, at);
        // Full with nothing in flight: reservations that expired unsettled.
        expired |= lock_if_full(row, *max, at).is_some();
    }
    let longest = rows
        .iter()
        .filter_map(|row| remaining(Some(row.clone()), at))
        .max();
    if let Some(longest) = longest {
        if expired {
            throttle_rows::save_all(conn, &rows)?;
        }
        return Ok(Err(Refusal::Locked(longest)));
    }
    if rows
        .iter()
        .zip(&limits)
        .any(|(row, (_, max, _))| row.failures >= *max)
    {
        return Ok(Err(Refusal::Busy));
    }
    for row in &mut rows {
        row.failures += 1;
        row.pending += 1;
        row.pending_until = Some(at + Duration::seconds(PENDING_SECS));
    }
    throttle_rows::save_all(conn, &rows)?;
    let counters = rows
        .into_iter()
        .zip(limits)
        .map(|(row, (_, max_failures, scope))| Reserved {
            key: row.throttle_key,
            max_failures,
            scope,
            window_started_at: row.window_started_at,
        })
        .collect();
    Ok(Ok(Reservation { counters }))
}

/// Whether two stored times are the same, to the microsecond: PostgreSQL
/// keeps microseconds, so a time read back can differ from the one written in
/// its nanoseconds.
fn same_instant(a: NaiveDateTime, b: NaiveDateTime) -> bool {
    a.and_utc().timestamp_micros() == b.and_utc().timestamp_micros()
}

/// Settles a reservation whose guess was right: it is no longer in flight,
/// and no longer a failure (if its window still runs).
pub fn release(conn: &mut DbConnection, reservation: &Reservation) -> QueryResult<()> {
    let rows = released(conn, reservation)?;
    throttle_rows::save_all(conn, &rows)
}

/// [`release`] for a sign-in that completes with this guess, and
/// [`record_success`] with it: the e-mail's settled failures and locks are
/// cleared in the same write (the rows are locked already), one statement
/// instead of two.
pub fn release_signed_in(conn: &mut DbConnection, reservation: &Reservation) -> QueryResult<()> {
    let mut rows = released(conn, reservation)?;
    for (row, reserved) in rows.iter_mut().zip(&reservation.counters) {
        if reserved.scope == LockScope::Email {
            row.failures = row.pending;
            row.lock_count = 0;
            row.locked_until = None;
        }
    }
    throttle_rows::save_all(conn, &rows)
}

/// The reservation's rows, locked, with its guess settled as right (not yet written).
fn released(conn: &mut DbConnection, reservation: &Reservation) -> QueryResult<Vec<ThrottleRow>> {
    let at = crate::services::now();
    let mut rows = reservation.lock_rows(conn, at)?;
    for (row, reserved) in rows.iter_mut().zip(&reservation.counters) {
        bring_up_to(row, at);
        row.pending = (row.pending - 1).max(0);
        if same_instant(row.window_started_at, reserved.window_started_at) {
            row.failures = (row.failures - 1).max(0);
        }
        // Others still in flight may have been waiting on this one's outcome.
        lock_if_full(row, reserved.max_failures, at);
    }
    Ok(rows)
}

/// Settles a reservation whose guess was wrong: it stays a failure (counted
/// again if its window has passed meanwhile), and when it was the last in
/// flight on a counter that is full, that counter locks. Returns the lock it
/// started, the e-mail's first (that one is worth telling the owner about).
pub fn settle_failure(
    conn: &mut DbConnection,
    reservation: &Reservation,
    at: NaiveDateTime,
) -> QueryResult<Option<NewLock>> {
    let mut started = None;
    let mut rows = reservation.lock_rows(conn, at)?;
    for (row, reserved) in rows.iter_mut().zip(&reservation.counters) {
        bring_up_to(row, at);
        row.pending = (row.pending - 1).max(0);
        if !same_instant(row.window_started_at, reserved.window_started_at) {
            row.failures += 1;
        }
        if let Some(until) = lock_if_full(row, reserved.max_failures, at) {
            started = started.or(Some(NewLock {
                scope: reserved.scope,
                until,
            }));
        }
    }
    throttle_rows::save_all(conn, &rows)?;
    Ok(started)
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

/// Passwordless passkey sign-ins one source address may start within an hour
/// (IPv6 per /64): each stores a ceremony before anyone is known, so an
/// address cannot fill storage with them.
pub const PASSKEY_STARTS_PER_ADDRESS_PER_HOUR: i64 = 30;

/// Counts one passwordless passkey sign-in started from `ip` (under a
/// `passkey_start_ip:` key, row-locked); true while within the limit.
pub fn count_passkey_start(
    conn: &mut DbConnection,
    ip: IpAddr,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let keys = ThrottleKeys::new("", ip);
    let count = count_in_window(conn, &format!("passkey_start_{}", keys.addresses[0]), at)?;
    Ok(count <= PASSKEY_STARTS_PER_ADDRESS_PER_HOUR)
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

/// A completed sign-in clears the e-mail's failures and its earlier locks.
/// The address counter is kept: otherwise one account of their own would let
/// an attacker reset it.
///
/// The row stays, with its window and the guesses still in flight counted
/// (they are settled against it later), and is only written when there is
/// something to clear: so a sign-in neither waits for nor holds the lock of a
/// row other guesses for the e-mail are counted on. (Deleting it, as this did
/// before, forgot the guesses in flight: up to four times the limit could be
/// checked at once, and each next guess had to insert the row again.)
pub fn record_success(conn: &mut DbConnection, keys: &ThrottleKeys) -> QueryResult<()> {
    throttle_rows::clear_settled_failures(conn, &keys.email)
}

/// A password reset proves the owner holds the mailbox: the e-mail's
/// failures and lock end (an address's lock stays).
pub fn clear_email(conn: &mut DbConnection, email_normalized: &str) -> QueryResult<()> {
    throttle_rows::delete(conn, &format!("email:{email_normalized}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_at(at: NaiveDateTime, failures: i64, pending: i64) -> ThrottleRow {
        ThrottleRow {
            throttle_key: "email:a@x.io".into(),
            failures,
            window_started_at: at,
            locked_until: None,
            lock_count: 0,
            updated_at: at,
            pending,
            pending_until: Some(at + Duration::seconds(PENDING_SECS)),
        }
    }

    #[test]
    fn a_full_counter_does_not_lock_while_a_guess_is_in_flight() {
        let at = chrono::Utc::now().naive_utc();
        let mut row = row_at(at, EMAIL_MAX_FAILURES, 1);
        assert_eq!(lock_if_full(&mut row, EMAIL_MAX_FAILURES, at), None);
        row.pending = 0;
        let until = lock_if_full(&mut row, EMAIL_MAX_FAILURES, at).expect("a lock");
        assert_eq!(until, at + Duration::seconds(FIRST_LOCK_SECS));
        assert_eq!((row.failures, row.lock_count), (0, 1));
    }

    #[test]
    fn guesses_left_unsettled_count_as_failures_once_their_time_is_up() {
        let at = chrono::Utc::now().naive_utc();
        let mut row = row_at(at, EMAIL_MAX_FAILURES, 2);
        bring_up_to(&mut row, at + Duration::seconds(PENDING_SECS - 1));
        assert_eq!(row.pending, 2, "still in flight");
        let later = at + Duration::seconds(PENDING_SECS);
        bring_up_to(&mut row, later);
        assert_eq!((row.pending, row.failures), (0, EMAIL_MAX_FAILURES));
        assert!(lock_if_full(&mut row, EMAIL_MAX_FAILURES, later).is_some());
    }

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
