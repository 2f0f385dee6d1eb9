//! IP allowlists: single addresses, CIDR ranges and address/netmask pairs,
//! IPv4 and IPv6, matched by binary search over merged ranges (a 1,000-entry
//! list costs ~10 comparisons, not 1,000 string matches).

use std::{
    fmt,
    net::{IpAddr, Ipv4Addr},
};

use chrono::NaiveDateTime;
use ipnetwork::IpNetwork;
use portcullis_shared::{problem::FieldError, validate::codes};

/// One allowlist entry, normalised: the network address and prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpRange(IpNetwork);

impl IpRange {
    /// Parses `203.0.113.7`, `10.0.0.0/24`, `10.0.0.0/255.255.255.0`,
    /// `2001:db8::/32` or `2001:db8::1`. Host bits are cleared
    /// (`10.0.0.9/24` becomes `10.0.0.0/24`). IPv4-mapped IPv6 forms are the
    /// IPv4 they name (`::ffff:10.0.2.0/120` is `10.0.2.0/24`), since client
    /// addresses in that form are matched as IPv4; a mapped address with a
    /// prefix shorter than /96, which would also name non-mapped IPv6
    /// addresses, is refused.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let invalid = || {
            FieldError {
            field: field.to_owned(),
            code: codes::INVALID_CIDR.to_owned(),
            message: format!(
                "`{}` is not an IP address or range. Use 203.0.113.7, 10.0.0.0/24, 10.0.0.0/255.255.255.0 or 2001:db8::/32.",
                raw.chars().take(60).collect::<String>()
            ),
        }
        };
        let raw = raw.trim();
        let network = match raw.split_once('/') {
            None => {
                let ip: IpAddr = raw.parse().map_err(|_| invalid())?;
                IpNetwork::from(canonical(ip))
            }
            Some((addr, mask)) => {
                let addr: IpAddr = addr.parse().map_err(|_| invalid())?;
                let mapped = canonical(addr) != addr;
                let prefix = if let Ok(prefix) = mask.parse::<u8>() {
                    if mapped {
                        // ::ffff:a.b.c.d/N is a.b.c.d/(N - 96).
                        prefix.checked_sub(96).ok_or_else(invalid)?
                    } else {
                        prefix
                    }
                } else {
                    // The "IP mask" form: 10.0.0.0/255.255.255.0.
                    let mask: Ipv4Addr = mask.parse().map_err(|_| invalid())?;
                    let bits = u32::from(mask);
                    if !canonical(addr).is_ipv4()
                        || bits.leading_ones() + bits.trailing_zeros() != 32
                    {
                        return Err(invalid());
                    }
                    bits.leading_ones() as u8
                };
                let addr = canonical(addr);
                let network = IpNetwork::new(addr, prefix).map_err(|_| invalid())?;
                IpNetwork::new(network.network(), prefix).map_err(|_| invalid())?
            }
        };
        Ok(Self(network))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(canonical(ip))
    }

    fn bounds(&self) -> Bounds {
        match self.0 {
            IpNetwork::V4(net) => Bounds::V4(u32::from(net.network()), u32::from(net.broadcast())),
            IpNetwork::V6(net) => {
                let start = u128::from(net.network());
                let size = if net.prefix() == 0 {
                    u128::MAX
                } else {
                    (1u128 << (128 - net.prefix())) - 1
                };
                Bounds::V6(start, start | size)
            }
        }
    }

    /// True when every address of `other` is in this range.
    pub fn covers_range(&self, other: &IpRange) -> bool {
        match (self.bounds(), other.bounds()) {
            (Bounds::V4(a, b), Bounds::V4(c, d)) => a <= c && d <= b,
            (Bounds::V6(a, b), Bounds::V6(c, d)) => a <= c && d <= b,
            _ => false,
        }
    }

    /// True when the two ranges share at least one address.
    pub fn overlaps(&self, other: &IpRange) -> bool {
        match (self.bounds(), other.bounds()) {
            (Bounds::V4(a, b), Bounds::V4(c, d)) => a <= d && c <= b,
            (Bounds::V6(a, b), Bounds::V6(c, d)) => a <= d && c <= b,
            _ => false,
        }
    }
}

enum Bounds {
    V4(u32, u32),
    V6(u128, u128),
}

/// Shown as entered in normal form: a bare address for a single host.
impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpNetwork::V4(net) if net.prefix() == 32 => write!(f, "{}", net.ip()),
            IpNetwork::V6(net) if net.prefix() == 128 => write!(f, "{}", net.ip()),
            net => write!(f, "{}/{}", net.network(), net.prefix()),
        }
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are their IPv4 address.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// A compiled allowlist. Empty means "no restriction".
///
/// Entries that expire are kept apart and matched one by one against the
/// instant of the check, so an expired entry stops letting addresses in at
/// that instant on every process, with no job and no cache eviction. A list
/// whose only entries expired stays a list: it refuses everyone rather than
/// opening up (the API keeps a permanent entry beside expiring ones, so this
/// is only a safety net).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpAllowlist {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
    /// Entries with the instant (UTC) they stop matching.
    expiring: Vec<(IpRange, NaiveDateTime)>,
    /// Set for a list that could not be read: it allows no address.
    refuses_everyone: bool,
}

fn merge<T: Copy + Ord + num_like::Successor>(mut ranges: Vec<(T, T)>) -> Vec<(T, T)> {
    ranges.sort_unstable();
    let mut merged: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1.successor_or_max() => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

mod num_like {
    pub trait Successor {
        fn successor_or_max(self) -> Self;
    }
    impl Successor for u32 {
        fn successor_or_max(self) -> Self {
            self.saturating_add(1)
        }
    }
    impl Successor for u128 {
        fn successor_or_max(self) -> Self {
            self.saturating_add(1)
        }
    }
}

fn find<T: Copy + Ord>(ranges: &[(T, T)], value: T) -> bool {
    // The last range starting at or before `value` is the only candidate.
    let index = ranges.partition_point(|(start, _)| *start <= value);
    index > 0 && value <= ranges[index - 1].1
}

impl IpAllowlist {
    pub fn new<'a>(ranges: impl IntoIterator<Item = &'a IpRange>) -> Self {
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for range in ranges {
            match range.bounds() {
                Bounds::V4(a, b) => v4.push((a, b)),
                Bounds::V6(a, b) => v6.push((a, b)),
            }
        }
        Self {
            v4: merge(v4),
            v6: merge(v6),
            expiring: Vec::new(),
            refuses_everyone: false,
        }
    }

    /// A list of permanent `ranges` and `expiring` ones, each with the
    /// instant it stops matching.
    pub fn with_expiring<'a>(
        ranges: impl IntoIterator<Item = &'a IpRange>,
        expiring: Vec<(IpRange, NaiveDateTime)>,
    ) -> Self {
        Self {
            expiring,
            ..Self::new(ranges)
        }
    }

    /// A list that allows no address: what a stored list that cannot be read
    /// stands for (failing closed).
    pub fn refusing_everyone() -> Self {
        Self {
            refuses_everyone: true,
            ..Self::default()
        }
    }

    /// True for a list without restriction (no entries, and readable).
    /// Entries that expired still count: they end access, never open it.
    pub fn is_empty(&self) -> bool {
        !self.refuses_everyone
            && self.v4.is_empty()
            && self.v6.is_empty()
            && self.expiring.is_empty()
    }

    /// True when every address of `range`, allowed until `until` (`None`:
    /// for good), is allowed at least as long by this list at instant `at`:
    /// a permanent entry holds it, or an entry that has not ended and ends no
    /// sooner. An empty list allows everything for good.
    pub fn covers(&self, range: &IpRange, until: Option<NaiveDateTime>, at: NaiveDateTime) -> bool {
        if self.is_empty() {
            return true;
        }
        fn within<T: Copy + Ord>(ranges: &[(T, T)], (start, end): (T, T)) -> bool {
            // Merged ranges never touch, so one of them must hold both ends.
            let index = ranges.partition_point(|(from, _)| *from <= start);
            index > 0 && end <= ranges[index - 1].1
        }
        let permanent = match range.bounds() {
            Bounds::V4(a, b) => within(&self.v4, (a, b)),
            Bounds::V6(a, b) => within(&self.v6, (a, b)),
        };
        permanent
            || until.is_some_and(|until| {
                self.expiring
                    .iter()
                    .any(|(entry, ends)| at < *ends && until <= *ends && entry.covers_range(range))
            })
    }

    /// True when `entries` (each with its end, `None` for good) narrow this
    /// list at `at`, or keep it: see [`Self::covers`]. An empty `entries`
    /// allows everything, so only an empty list covers it.
    pub fn covers_all(
        &self,
        entries: &[(IpRange, Option<NaiveDateTime>)],
        at: NaiveDateTime,
    ) -> bool {
        self.is_empty()
            || (!entries.is_empty()
                && entries
                    .iter()
                    .all(|(range, until)| self.covers(range, *until, at)))
    }

    /// True when the list is empty or some entry contains `ip` at instant
    /// `at` (UTC): an expiring entry matches strictly before its expiry.
    pub fn allows(&self, ip: IpAddr, at: NaiveDateTime) -> bool {
        if self.refuses_everyone {
            return false;
        }
        if self.is_empty() {
            return true;
        }
        let permanent = match canonical(ip) {
            IpAddr::V4(v4) => find(&self.v4, u32::from(v4)),
            IpAddr::V6(v6) => find(&self.v6, u128::from(v6)),
        };
        permanent
            || self
                .expiring
                .iter()
                .any(|(range, until)| at < *until && range.contains(ip))
    }
}

/// Parses a list of entries, reporting each bad one as `field[i]`, and
/// duplicates or overlaps among them.
pub fn parse_entries(field: &str, raw: &[String]) -> Result<Vec<IpRange>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut ranges: Vec<IpRange> = Vec::new();
    for (i, entry) in raw.iter().enumerate() {
        let name = format!("{field}[{i}]");
        match IpRange::parse(&name, entry) {
            Ok(range) => {
                if let Some(existing) = ranges.iter().find(|r| r.overlaps(&range)) {
                    errors.push(FieldError {
                        field: name,
                        code: if *existing == range {
                            codes::DUPLICATE
                        } else {
                            codes::OVERLAPS
                        }
                        .to_owned(),
                        message: format!(
                            "{range} overlaps {existing}, which is already in the list."
                        ),
                    });
                } else {
                    ranges.push(range);
                }
            }
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(ranges)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn expiring_entries_match_until_their_instant_and_never_open_the_list() {
        let until = at() + chrono::Duration::hours(1);
        let list = IpAllowlist::with_expiring(
            &[range("10.0.0.0/24")],
            vec![(range("203.0.113.0/24"), until)],
        );
        let hotel: IpAddr = "203.0.113.9".parse().unwrap();
        let office: IpAddr = "10.0.0.7".parse().unwrap();
        assert!(list.allows(hotel, at()));
        assert!(list.allows(hotel, until - chrono::Duration::seconds(1)));
        assert!(!list.allows(hotel, until), "expired at its instant");
        assert!(list.allows(office, until + chrono::Duration::days(9)));
        // Only expiring entries, all expired: the list still restricts.
        let alone = IpAllowlist::with_expiring(&[], vec![(range("203.0.113.0/24"), until)]);
        assert!(!alone.is_empty());
        assert!(!alone.allows(office, at()));
        assert!(!alone.allows(hotel, until));
        let (soon, later) = (
            Some(until - chrono::Duration::minutes(1)),
            Some(until + chrono::Duration::minutes(1)),
        );
        assert!(alone.covers(&range("203.0.113.128/25"), soon, at()));
        assert!(alone.covers(&range("203.0.113.128/25"), Some(until), at()));
        assert!(!alone.covers(&range("203.0.112.0/23"), soon, at()));
        // A temporary entry covers nothing for longer, nor for good, nor once ended.
        assert!(!alone.covers(&range("203.0.113.128/25"), later, at()));
        assert!(!alone.covers(&range("203.0.113.128/25"), None, at()));
        assert!(!alone.covers(&range("203.0.113.128/25"), soon, until));
    }

    fn range(s: &str) -> IpRange {
        IpRange::parse("ip", s).unwrap()
    }

    #[test]
    fn accepts_the_seed_forms_and_normalises_them() {
        assert_eq!(range("203.0.113.7").to_string(), "203.0.113.7");
        assert_eq!(range("10.0.0.9/24").to_string(), "10.0.0.0/24");
        assert_eq!(range("10.0.0.0/255.255.255.0").to_string(), "10.0.0.0/24");
        assert_eq!(range("2001:db8::1:0/32").to_string(), "2001:db8::/32");
        assert_eq!(range("::ffff:192.0.2.1").to_string(), "192.0.2.1");
        assert_eq!(range("::ffff:10.0.2.0/120").to_string(), "10.0.2.0/24");
        assert_eq!(range("::ffff:10.0.2.9/128").to_string(), "10.0.2.9");
        assert_eq!(range("::ffff:0.0.0.0/96").to_string(), "0.0.0.0/0");
        assert_eq!(
            range("::ffff:10.0.0.0/255.255.0.0").to_string(),
            "10.0.0.0/16"
        );
        assert_eq!(range(" 0.0.0.0/0 ").to_string(), "0.0.0.0/0");
    }

    #[test]
    fn refuses_what_is_not_an_address_or_range() {
        for bad in [
            "10.0.0.0/33",
            "10.0.0.0/255.0.255.0",
            "2001:db8::/129",
            "300.1.1.1",
            "example.com",
            "",
            "10.0.0.0/",
            "2001:db8::/255.255.0.0",
            "::ffff:10.0.0.0/95",
            "::ffff:10.0.0.0/129",
        ] {
            let error = IpRange::parse("ip", bad).unwrap_err();
            assert_eq!(error.code, codes::INVALID_CIDR, "{bad}");
        }
    }

    #[test]
    fn matching_covers_both_families_and_merged_ranges() {
        let list = IpAllowlist::new(&[
            range("10.0.0.0/24"),
            range("10.0.1.0/24"),
            range("203.0.113.7"),
            range("2001:db8::/32"),
        ]);
        for ip in [
            "10.0.0.0",
            "10.0.1.255",
            "203.0.113.7",
            "2001:db8:ffff::1",
            "::ffff:10.0.0.5",
        ] {
            assert!(list.allows(ip.parse().unwrap(), at()), "{ip}");
        }
        for ip in [
            "10.0.2.0",
            "9.255.255.255",
            "203.0.113.8",
            "2001:db9::",
            "::1",
        ] {
            assert!(!list.allows(ip.parse().unwrap(), at()), "{ip}");
        }
        assert!(
            IpAllowlist::default().allows("1.2.3.4".parse().unwrap(), at()),
            "empty means unrestricted"
        );
        let everything = IpAllowlist::new(&[range("::/0"), range("0.0.0.0/0")]);
        assert!(everything.allows("ffff::1".parse().unwrap(), at()));
        assert!(everything.allows("255.255.255.255".parse().unwrap(), at()));
    }

    #[test]
    fn ipv4_mapped_ranges_match_ipv4_and_mapped_clients() {
        let list = IpAllowlist::new(&[range("::ffff:10.0.2.0/120")]);
        for ip in ["10.0.2.7", "::ffff:10.0.2.255"] {
            assert!(list.allows(ip.parse().unwrap(), at()), "{ip}");
        }
        for ip in ["10.0.3.0", "::ffff:10.0.3.0", "::a00:207"] {
            assert!(!list.allows(ip.parse().unwrap(), at()), "{ip}");
        }
        assert!(range("::ffff:10.0.2.0/120").overlaps(&range("10.0.2.128/25")));
    }

    #[test]
    fn a_list_refusing_everyone_allows_nothing() {
        let list = IpAllowlist::refusing_everyone();
        assert!(!list.is_empty());
        for ip in ["10.0.0.1", "::1", "::ffff:127.0.0.1"] {
            assert!(!list.allows(ip.parse().unwrap(), at()), "{ip}");
        }
    }

    #[test]
    fn a_thousand_entry_list_matches_like_a_linear_scan() {
        let ranges: Vec<IpRange> = (0..1000u32)
            .map(|i| {
                range(&format!(
                    "{}.{}.{}.0/28",
                    10 + i % 7,
                    i % 251,
                    (i * 7) % 256
                ))
            })
            .collect();
        let list = IpAllowlist::new(&ranges);
        for probe in 0..5000u32 {
            let ip = IpAddr::V4(Ipv4Addr::from(
                0x0A00_0000u32.wrapping_add(probe.wrapping_mul(2_654_435_761) % 0x0700_0000),
            ));
            assert_eq!(
                list.allows(ip, at()),
                ranges.iter().any(|r| r.contains(ip)),
                "{ip}"
            );
        }
    }

    #[test]
    fn covering_means_every_address_of_the_narrower_list() {
        let owner = IpAllowlist::new(&[range("203.0.113.0/24"), range("2001:db8::/32")]);
        let good = |ranges: Vec<IpRange>| -> Vec<(IpRange, Option<NaiveDateTime>)> {
            ranges.into_iter().map(|r| (r, None)).collect()
        };
        assert!(owner.covers_all(
            &good(vec![range("203.0.113.7"), range("2001:db8:1::/48")]),
            at()
        ));
        assert!(owner.covers_all(&good(vec![range("203.0.113.0/24")]), at()));
        for wider in [
            vec![],
            vec![range("0.0.0.0/0")],
            vec![range("203.0.113.0/23")],
            vec![range("203.0.113.7"), range("198.51.100.1")],
            vec![range("2001:db9::1")],
        ] {
            assert!(!owner.covers_all(&good(wider.clone()), at()), "{wider:?}");
        }
        let merged = IpAllowlist::new(&[range("10.0.0.0/25"), range("10.0.0.128/25")]);
        assert!(
            merged.covers(&range("10.0.0.0/24"), None, at()),
            "adjacent entries merge"
        );
        assert!(
            IpAllowlist::default().covers_all(&[], at()),
            "unrestricted covers anything"
        );
    }

    #[test]
    fn duplicates_and_overlaps_are_reported() {
        let entries = vec![
            "10.0.0.0/24".to_owned(),
            "10.0.0.0/255.255.255.0".to_owned(),
            "10.0.0.128/25".to_owned(),
            "bad".to_owned(),
        ];
        let errors = parse_entries("ip_allowlist", &entries).unwrap_err();
        let codes: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("ip_allowlist[1]", codes::DUPLICATE),
                ("ip_allowlist[2]", codes::OVERLAPS),
                ("ip_allowlist[3]", codes::INVALID_CIDR)
            ]
        );
    }
}
