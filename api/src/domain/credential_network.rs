//! The network a call came from, as credentials' networks are kept: the /24
//! of an IPv4 address, the /48 of an IPv6 one (an IPv4-mapped IPv6 address
//! counts as its IPv4 address).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnetwork::{IpNetwork, Ipv4Network, Ipv6Network};

/// A /24 (IPv4) or /48 (IPv6) network, in its canonical text form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialNetwork(IpNetwork);

impl CredentialNetwork {
    /// The network `ip` belongs to.
    pub fn of(ip: IpAddr) -> Self {
        let ip = match ip {
            IpAddr::V6(v6) => v6
                .to_ipv4_mapped()
                .map(IpAddr::V4)
                .unwrap_or(IpAddr::V6(v6)),
            v4 => v4,
        };
        Self(match ip {
            IpAddr::V4(v4) => {
                let [a, b, c, _] = v4.octets();
                IpNetwork::V4(
                    Ipv4Network::new(Ipv4Addr::new(a, b, c, 0), 24).expect("24 is a valid prefix"),
                )
            }
            IpAddr::V6(v6) => {
                let s = v6.segments();
                IpNetwork::V6(
                    Ipv6Network::new(Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0), 48)
                        .expect("48 is a valid prefix"),
                )
            }
        })
    }

    /// `198.51.100.0/24`, `2001:db8:1::/48`: as stored and shown.
    pub fn as_string(&self) -> String {
        let mut text = String::with_capacity(48);
        self.write_to(&mut text);
        text
    }

    /// Appends [`Self::as_string`]'s text to `out`. An IPv4 network's digits are
    /// written here (each API call's network is written so, and `Display` for
    /// an address goes through the formatter's padding machinery: half of the
    /// check's cost); an IPv6 network's by its `Display`.
    pub fn write_to(&self, out: &mut String) {
        match self.0 {
            IpNetwork::V4(v4) => {
                for (i, octet) in v4.ip().octets().into_iter().enumerate() {
                    if i > 0 {
                        out.push('.');
                    }
                    if octet >= 100 {
                        out.push(char::from(b'0' + octet / 100));
                    }
                    if octet >= 10 {
                        out.push(char::from(b'0' + octet / 10 % 10));
                    }
                    out.push(char::from(b'0' + octet % 10));
                }
                out.push_str("/24");
            }
            IpNetwork::V6(_) => {
                use std::fmt::Write;
                let _ = write!(out, "{}", self.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(ip: &str) -> String {
        CredentialNetwork::of(ip.parse().unwrap()).as_string()
    }

    #[test]
    fn ipv4_counts_per_24_and_mapped_ipv6_as_ipv4() {
        assert_eq!(network("198.51.100.7"), "198.51.100.0/24");
        assert_eq!(network("198.51.100.250"), "198.51.100.0/24");
        assert_eq!(network("::ffff:198.51.100.7"), "198.51.100.0/24");
        assert_ne!(network("198.51.101.7"), "198.51.100.0/24");
    }

    #[test]
    fn ipv4_digits_are_written_as_display_writes_them() {
        for ip in [
            "0.0.0.0",
            "9.10.99.1",
            "100.109.110.255",
            "255.255.255.255",
            "10.0.7.9",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            let network = CredentialNetwork::of(ip);
            assert_eq!(network.as_string(), network.0.to_string());
        }
    }

    #[test]
    fn ipv6_counts_per_48() {
        assert_eq!(network("2001:db8:1:2::5"), "2001:db8:1::/48");
        assert_eq!(network("2001:db8:1:ffff::1"), "2001:db8:1::/48");
        assert_eq!(network("2001:db8:2::1"), "2001:db8:2::/48");
    }
}
