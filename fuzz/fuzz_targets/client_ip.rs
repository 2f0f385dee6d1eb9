//! The client address behind trusted proxies (X-Forwarded-For). Properties:
//! an untrusted peer is always the answer; the answer is the peer or one of
//! the hops; and once the answer is an untrusted address, anything a client
//! forges to the left of the header cannot change it.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use arbitrary::{Arbitrary, Unstructured};
use ipnetwork::IpNetwork;
use libfuzzer_sys::fuzz_target;
use portcullis_api::{auth::resolve_client_ip, domain::ip_allowlist::canonical};

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Ip {
    V4(u32),
    V6(u128),
    Mapped(u32),
}

impl Ip {
    fn get(self) -> IpAddr {
        match self {
            Ip::V4(bits) => IpAddr::V4(Ipv4Addr::from(bits)),
            Ip::V6(bits) => IpAddr::V6(Ipv6Addr::from(bits)),
            Ip::Mapped(bits) => IpAddr::V6(Ipv4Addr::from(bits).to_ipv6_mapped()),
        }
    }
}

/// What is forged to the left of the header by a client, in the spoofing check.
const FORGED: [&str; 4] = ["198.18.0.1", "10.0.0.1", "not-an-address", ""];

/// The peer, trusted networks and header lines come as text (`peer`, then a
/// line of comma-separated trusted CIDRs, then X-Forwarded-For lines); more
/// trusted networks and a peer are generated from the same bytes.
#[derive(Debug, Arbitrary)]
struct Generated {
    peer: Ip,
    trusted: Vec<(Ip, u8)>,
}

fuzz_target!(|data: &[u8]| {
    let Ok(generated) = Generated::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let peer_ip = lines
        .next()
        .and_then(|line| line.trim().parse::<IpAddr>().ok())
        .unwrap_or(generated.peer.get());
    let mut trusted: Vec<IpNetwork> = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .filter_map(|net| net.trim().parse().ok())
        .collect();
    trusted.extend(generated.trusted.iter().filter_map(|(ip, prefix)| {
        let ip = canonical(ip.get());
        let max = if ip.is_ipv4() { 33 } else { 129 };
        IpNetwork::new(ip, prefix % max).ok()
    }));
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    let lines: Vec<&str> = lines.collect();
    let peer = canonical(peer_ip);

    let client = resolve_client_ip(peer_ip, lines.iter().copied(), &trusted);
    assert_eq!(client, canonical(client), "answers are canonical");
    if !is_trusted(peer) {
        assert_eq!(client, peer, "an untrusted peer cannot choose its address");
    }
    let hops: Vec<IpAddr> = lines
        .iter()
        .flat_map(|line| line.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .map(canonical)
        .collect();
    assert!(client == peer || hops.contains(&client));

    if !is_trusted(client) {
        for forged in FORGED {
            let forged_lines = std::iter::once(forged).chain(lines.iter().copied());
            let with_forgery = resolve_client_ip(peer_ip, forged_lines, &trusted);
            assert_eq!(
                with_forgery, client,
                "a forged {forged:?} changed the answer"
            );
        }
    }
});
