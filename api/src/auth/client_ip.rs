//! The client's address: the socket peer, or — only when the peer is a
//! configured trusted proxy — the right-most untrusted hop of X-Forwarded-For.

use std::{
    future::{ready, Ready},
    net::IpAddr,
};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use ipnetwork::IpNetwork;

use crate::{
    error::ApiError, services::sessions::portal_session::ClientContext, services::AppState,
};

fn is_trusted(ip: IpAddr, trusted: &[IpNetwork]) -> bool {
    trusted.iter().any(|net| net.contains(ip))
}

/// Normalises IPv4-mapped IPv6 (`::ffff:10.0.0.1`) to IPv4 so lists match either form.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Resolves the client address of a request that arrived from `peer` with the
/// given X-Forwarded-For header values (in order).
pub fn resolve_client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[IpNetwork],
) -> IpAddr {
    let peer = canonical(peer);
    if !is_trusted(peer, trusted) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>().map(canonical) {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip, trusted) {
                    break;
                }
            }
            // An unreadable hop was written by someone we don't trust: stop at the
            // last address a trusted proxy vouched for.
            Err(_) => break,
        }
    }
    client
}

/// The client address of `req` under the server's trusted-proxy rules.
pub fn client_ip(req: &HttpRequest) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.trusted_proxies.as_slice())
        .unwrap_or_default();
    let values = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    resolve_client_ip(peer, values, trusted)
}

/// The caller's address and user agent.
#[derive(Debug, Clone)]
pub struct ClientInfo(pub ClientContext);

impl FromRequest for ClientInfo {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user_agent = req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        ready(Ok(Self(ClientContext {
            ip: client_ip(req),
            user_agent,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNetwork> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn untrusted_peers_cannot_spoof_their_address() {
        let got = resolve_client_ip(
            ip("203.0.113.9"),
            ["1.2.3.4"].into_iter(),
            &nets(&["10.0.0.0/8"]),
        );
        assert_eq!(got, ip("203.0.113.9"));
    }

    #[test]
    fn trusted_proxies_yield_the_rightmost_untrusted_hop() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client forged 1.1.1.1; the proxy appended the real 198.51.100.7.
        let got = resolve_client_ip(
            ip("10.0.0.2"),
            ["1.1.1.1, 198.51.100.7, 10.0.0.3"].into_iter(),
            &trusted,
        );
        assert_eq!(got, ip("198.51.100.7"));
        // Several header lines count as one list.
        let got = resolve_client_ip(
            ip("10.0.0.2"),
            ["1.1.1.1", "198.51.100.7"].into_iter(),
            &trusted,
        );
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn garbage_hops_and_ipv4_mapped_addresses() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            resolve_client_ip(ip("10.0.0.2"), ["nonsense"].into_iter(), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            resolve_client_ip(ip("::ffff:10.0.0.2"), ["2001:db8::1"].into_iter(), &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            resolve_client_ip(ip("10.0.0.2"), std::iter::empty(), &trusted),
            ip("10.0.0.2")
        );
    }
}
