//! Where a security-log stream may send: an absolute `https://` URL (plain
//! `http://` only when the operator allows it) without credentials or a
//! fragment, and never to an address inside the server's own networks
//! (loopback, private, link-local and cloud metadata, unique-local…) unless
//! the operator allows that too. The address rule is checked again at every
//! delivery, against the addresses the name resolves to then, and the
//! delivery connects to the address that was checked (no second lookup a
//! rebinding DNS server could answer differently).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use portcullis_shared::validate::codes;

/// The longest URL accepted.
pub const MAX_URL_CHARS: usize = 2048;

/// What the operator allows beyond the default (public HTTPS endpoints).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamPolicy {
    /// `http://` URLs (`PORTCULLIS_SECURITY_STREAM_ALLOW_PLAIN_HTTP`).
    pub allow_plain_http: bool,
    /// Loopback, private and link-local addresses (`PORTCULLIS_SECURITY_STREAM_ALLOW_PRIVATE`).
    pub allow_private: bool,
}

/// Why a URL or address is refused: a field code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlRefusal {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> UrlRefusal {
    UrlRefusal {
        code,
        message: message.into(),
    }
}

/// A stream endpoint URL that passed every rule but the address one (which
/// needs a lookup: [`StreamPolicy::check_address`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamUrl {
    url: reqwest::Url,
}

impl StreamUrl {
    pub fn parse(text: &str, policy: StreamPolicy) -> Result<Self, UrlRefusal> {
        let text = text.trim();
        if text.chars().count() > MAX_URL_CHARS {
            return Err(refuse(
                codes::TOO_LONG,
                format!("At most {MAX_URL_CHARS} characters."),
            ));
        }
        let url = reqwest::Url::parse(text)
            .map_err(|_| refuse(codes::INVALID_URL, "Enter an absolute https:// URL."))?;
        match url.scheme() {
            "https" => {}
            "http" if policy.allow_plain_http => {}
            "http" => {
                return Err(refuse(
                    codes::INSECURE_URL,
                    "Use https://: the events must not travel in clear.",
                ))
            }
            _ => {
                return Err(refuse(
                    codes::INVALID_URL,
                    "Enter an absolute https:// URL.",
                ))
            }
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(refuse(codes::INVALID_URL, "The URL needs a host."));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse(
                codes::URL_CREDENTIALS,
                "Leave the user name and password out of the URL; check the signature instead.",
            ));
        }
        if url.fragment().is_some() {
            return Err(refuse(
                codes::URL_FRAGMENT,
                "Leave the #fragment out: a server never receives it.",
            ));
        }
        if let Some(ip) = literal_ip(&url) {
            policy.check_ip(ip)?;
        }
        Ok(Self { url })
    }

    /// A URL read back from storage, parsed without the policy (the address
    /// is checked at delivery).
    pub fn stored(text: &str) -> Option<Self> {
        reqwest::Url::parse(text).ok().map(|url| Self { url })
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// The host name to look up, when the host is not an address literal.
    pub fn domain(&self) -> Option<&str> {
        match self.url.host() {
            Some(url::Host::Domain(name)) => Some(name),
            _ => None,
        }
    }

    /// The address literal of the host, if it is one.
    pub fn ip(&self) -> Option<IpAddr> {
        literal_ip(&self.url)
    }

    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(443)
    }
}

fn literal_ip(url: &reqwest::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

impl StreamPolicy {
    /// Refuses an address inside the server's own networks, unless allowed.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), UrlRefusal> {
        if self.allow_private || is_public(ip) {
            Ok(())
        } else {
            Err(refuse(
                codes::ADDRESS_NOT_ALLOWED,
                format!("{ip} is not a public address: the server does not send there."),
            ))
        }
    }

    /// Every address a name resolved to must be allowed; answers the one to connect to.
    pub fn check_addresses(&self, addresses: &[IpAddr]) -> Result<IpAddr, UrlRefusal> {
        let first = *addresses
            .first()
            .ok_or_else(|| refuse(codes::UNRESOLVABLE_HOST, "The host name does not resolve."))?;
        for ip in addresses {
            self.check_ip(*ip)?;
        }
        Ok(first)
    }
}

/// Whether `ip` is an address on the public internet: not loopback,
/// unspecified, private, shared (CGNAT), link-local (cloud metadata at
/// 169.254.169.254), multicast, broadcast, documentation, benchmarking or
/// reserved; IPv6 likewise (unique-local fc00::/7, link-local fe80::/10), and
/// IPv4 addresses embedded in IPv6 (mapped, NAT64, 6to4) judged as IPv4.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    if segments[0] == 0x2002 {
        let [a, b] = segments[1].to_be_bytes();
        let [c, d] = segments[2].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00
        || (segments[0] & 0xffc0) == 0xfe80
        || (segments[0] == 0x2001 && segments[1] == 0x0db8)
        // IPv4-compatible (deprecated) ::a.b.c.d
        || segments[..6] == [0, 0, 0, 0, 0, 0])
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: StreamPolicy = StreamPolicy {
        allow_plain_http: false,
        allow_private: false,
    };

    fn code(text: &str) -> &'static str {
        StreamUrl::parse(text, STRICT).unwrap_err().code
    }

    #[test]
    fn only_clean_https_urls_pass() {
        assert!(StreamUrl::parse("https://siem.example.com/in?x=1", STRICT).is_ok());
        assert_eq!(code("http://siem.example.com/"), codes::INSECURE_URL);
        assert_eq!(code("ftp://siem.example.com/"), codes::INVALID_URL);
        assert_eq!(code("siem.example.com"), codes::INVALID_URL);
        assert_eq!(
            code("https://user:pw@siem.example.com/"),
            codes::URL_CREDENTIALS
        );
        assert_eq!(
            code("https://user@siem.example.com/"),
            codes::URL_CREDENTIALS
        );
        assert_eq!(code("https://siem.example.com/#x"), codes::URL_FRAGMENT);
        let long = format!("https://siem.example.com/{}", "a".repeat(MAX_URL_CHARS));
        assert_eq!(code(&long), codes::TOO_LONG);
        let relaxed = StreamPolicy {
            allow_plain_http: true,
            allow_private: true,
        };
        assert!(StreamUrl::parse("http://127.0.0.1:9000/", relaxed).is_ok());
    }

    #[test]
    fn internal_addresses_are_refused_in_every_spelling() {
        for url in [
            "https://127.0.0.1/",
            "https://127.1/",
            "https://2130706433/",
            "https://0x7f000001/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[fd00:ec2::254]/",
            "https://[fe80::1]/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://[2002:7f00:1::]/",
        ] {
            assert_eq!(code(url), codes::ADDRESS_NOT_ALLOWED, "{url}");
        }
        assert!(StreamUrl::parse("https://93.184.215.14/", STRICT).is_ok());
        assert!(StreamUrl::parse("https://[2606:4700::1111]/", STRICT).is_ok());
    }

    #[test]
    fn a_name_is_refused_if_any_of_its_addresses_is_internal() {
        let public: IpAddr = "93.184.215.14".parse().unwrap();
        let private: IpAddr = "10.0.0.7".parse().unwrap();
        assert_eq!(STRICT.check_addresses(&[public]), Ok(public));
        assert_eq!(
            STRICT.check_addresses(&[public, private]).unwrap_err().code,
            codes::ADDRESS_NOT_ALLOWED
        );
        assert_eq!(
            STRICT.check_addresses(&[]).unwrap_err().code,
            codes::UNRESOLVABLE_HOST
        );
    }
}
