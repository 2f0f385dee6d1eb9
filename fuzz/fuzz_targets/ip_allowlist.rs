//! IP allowlist entries and lists (portal, API and token allowlists): every
//! accepted entry is in normal form after one round (parse ∘ format = id),
//! IPv4-mapped IPv6 ranges become the IPv4 ranges they name, stored lists read
//! back unchanged, a stored list with an unreadable entry refuses everyone,
//! and the merged binary-search matcher agrees with a linear scan of the
//! entries for every probed address.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use portcullis_api::{
    domain::{
        ip_allowlist::{canonical, parse_entries},
        IpAllowlist, IpRange,
    },
    services::ip_allowlists::{compile_stored, stored_lines, to_stored_lines, StoredEntry},
};


/// Lines before a `--` line are entries as typed; lines after it are
/// addresses to probe. Generated entries and probes come from the same bytes.
#[derive(Debug, Arbitrary)]
enum Entry {
    V4(u32, u8),
    V6(u128, u8),
    /// The address/netmask form.
    Netmask(u32, u8),
}

impl Entry {
    /// An IPv6 entry in the IPv4-mapped block, `::ffff:0:0/96`.
    fn mapped(&self) -> bool {
        matches!(self, Entry::V6(bits, _) if Ipv6Addr::from(*bits).to_ipv4_mapped().is_some())
    }

    fn text(&self) -> String {
        match self {
            Entry::V4(bits, prefix) => format!("{}/{}", Ipv4Addr::from(*bits), prefix % 33),
            Entry::V6(bits, prefix) => format!("{}/{}", Ipv6Addr::from(*bits), prefix % 129),
            Entry::Netmask(bits, prefix) => {
                let prefix = u32::from(prefix % 33);
                let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
                format!("{}/{}", Ipv4Addr::from(*bits), Ipv4Addr::from(mask))
            }
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Probe {
    V4(u32),
    V6(u128),
    /// An IPv4 address written as IPv4-mapped IPv6.
    Mapped(u32),
}

impl Probe {
    fn ip(&self) -> IpAddr {
        match self {
            Probe::V4(bits) => IpAddr::V4(Ipv4Addr::from(*bits)),
            Probe::V6(bits) => IpAddr::V6(Ipv6Addr::from(*bits)),
            Probe::Mapped(bits) => IpAddr::V6(Ipv4Addr::from(*bits).to_ipv6_mapped()),
        }
    }
}

/// The first address of a range, read from its normal form.
fn network_address(range: &IpRange) -> IpAddr {
    let text = range.to_string();
    let address = text.split('/').next().unwrap_or_default();
    address
        .parse()
        .expect("the normal form starts with an address")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (typed, probed) = text.split_once("\n--\n").unwrap_or((&text, ""));
    let mut bytes = Unstructured::new(data);
    let generated: Vec<Entry> = Arbitrary::arbitrary(&mut bytes).unwrap_or_default();
    let generated_probes: Vec<Probe> = Arbitrary::arbitrary(&mut bytes).unwrap_or_default();
    let mut texts: Vec<String> = typed.lines().map(str::to_owned).collect();
    texts.extend(generated.iter().map(Entry::text));
    let mut ranges = Vec::new();
    for text in &texts {
        let Ok(range) = IpRange::parse("ip", text) else {
            continue;
        };
        let normal = range.to_string();
        let again = IpRange::parse("ip", &normal).expect("the normal form parses");
        assert_eq!(again, range, "{text:?} → {normal:?}");
        assert_eq!(again.to_string(), normal);
        assert!(range.overlaps(&range));
        assert!(range.contains(network_address(&range)), "{normal}");
        ranges.push(range);
    }

    // Well-formed generated entries are accepted, but for IPv4-mapped ones
    // whose prefix would also take in non-mapped IPv6 addresses; mapped ones
    // are the IPv4 range they name.
    for entry in &generated {
        let parsed = IpRange::parse("ip", &entry.text());
        match entry {
            Entry::V6(bits, prefix) if entry.mapped() => {
                if prefix % 129 < 96 {
                    assert!(parsed.is_err(), "{entry:?}");
                } else {
                    let range = parsed.expect("a mapped range of /96 or longer");
                    let mapped = Ipv6Addr::from(*bits).to_ipv4_mapped().expect("mapped");
                    assert!(network_address(&range).is_ipv4(), "{entry:?} → {range}");
                    assert!(range.contains(IpAddr::V4(mapped)), "{entry:?} → {range}");
                }
            }
            _ => assert!(parsed.is_ok(), "{entry:?}"),
        }
    }

    match parse_entries("ip_allowlist", &texts) {
        Ok(list) => {
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    assert!(!a.overlaps(b), "{a} and {b} were both accepted");
                }
            }
            let permanent: Vec<StoredEntry> = list
                .iter()
                .map(|r| StoredEntry::permanent(r.to_string()))
                .collect();
            let entries = stored_lines(&to_stored_lines(&permanent));
            assert_eq!(entries, permanent);
            assert_eq!(compile_stored("fuzz", &entries), IpAllowlist::new(&list));
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for error in errors {
                let index: usize = error
                    .field
                    .strip_prefix("ip_allowlist[")
                    .and_then(|rest| rest.strip_suffix(']'))
                    .and_then(|i| i.parse().ok())
                    .expect("errors name the entry");
                assert!(index < texts.len());
            }
        }
    }

    // Overlapping entries are fine here: they stress the range merging.
    let allowlist = IpAllowlist::new(&ranges);
    let probes = probed
        .lines()
        .filter_map(|line| line.trim().parse::<IpAddr>().ok())
        .chain(generated_probes.iter().map(Probe::ip))
        .chain(ranges.iter().map(network_address));
    // A stored list with an entry that does not parse refuses everyone.
    let unreadable = texts.iter().any(|t| IpRange::parse("ip", t).is_err());
    let as_stored: Vec<StoredEntry> = texts.iter().map(StoredEntry::permanent).collect();
    let stored = compile_stored("fuzz", &as_stored);
    // The instant the lists are checked at (none of them expires).
    let at = portcullis_api::services::now();
    for ip in probes {
        let expected = ranges.is_empty() || ranges.iter().any(|r| r.contains(ip));
        assert_eq!(allowlist.allows(ip, at), expected, "{ip}");
        assert_eq!(allowlist.allows(canonical(ip), at), expected, "{ip}");
        assert_eq!(stored.allows(ip, at), expected && !unreadable, "{ip}");
    }
});
