//! Who the client is: the address every limit counts by and the logs show.
//!
//! It is the TCP peer's address, unless the peer is one of the `trusted_proxies`: then the
//! client is the rightmost address in `X-Forwarded-For` that is not a trusted proxy. Each proxy
//! appends the address it was reached from, so the rightmost entries are the ones trusted proxies
//! wrote, and everything to the left of the first untrusted one is whatever the client chose to
//! send. From an untrusted peer the header is ignored: anyone can write it.

use crate::AppState;
use crate::error::Error;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// The header proxies name the client in.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// The proxies allowed to say who the client is (`trusted_proxies`): addresses and CIDR ranges.
/// None by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// An entry of `trusted_proxies` that is neither an address nor a range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is neither an IP address nor a CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)")]
pub struct NotAProxy(pub String);

impl FromStr for TrustedProxies {
    type Err = NotAProxy;

    /// Comma-separated addresses (`10.0.0.7`, `::1`) and CIDR ranges (`10.0.0.0/8`); blanks are
    /// ignored, so the empty string trusts no one.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .map(|net| net.trunc())
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| NotAProxy(entry.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl TrustedProxies {
    /// Whether `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that came from `peer` with these `X-Forwarded-For` values (in
    /// the order received; each may list several addresses, the nearest last).
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|hop| !hop.is_empty())
            .collect();
        // The nearest address known so far: a trusted proxy, whose word is taken for the next.
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = hop_address(hop) else {
                // Only a trusted proxy can have written this entry, and it is no address: a
                // misconfigured proxy. The last address known for sure is the client.
                return nearest;
            };
            if !self.contains(ip) {
                return ip;
            }
            nearest = ip;
        }
        // Every hop was a trusted proxy: the request began inside, at the furthest one.
        nearest
    }
}

/// An `X-Forwarded-For` entry's address: `192.0.2.7`, `2001:db8::1`, with or without a port
/// (`192.0.2.7:4711`, `[2001:db8::1]:4711`) or brackets.
fn hop_address(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
        .map(|ip: IpAddr| ip.to_canonical())
}

/// The client's address (see the module's comment). Resolved once per request by
/// [`resolve`], which also writes it into the request's log span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(IpAddr);

impl ClientAddr {
    pub fn new(ip: IpAddr) -> Self {
        Self(ip.to_canonical())
    }

    pub fn ip(self) -> IpAddr {
        self.0
    }

    /// What limits count by: an IPv4 address, or an IPv6 client's /64 network (the block one
    /// subscriber is given, in which a client can take a new address for each request).
    pub fn limit_key(self) -> IpNet {
        match self.0 {
            IpAddr::V4(ip) => IpNet::V4(Ipv4Net::from(ip)),
            IpAddr::V6(ip) => Ipv6Net::new(ip, 64)
                .map(|net| IpNet::V6(net.trunc()))
                .unwrap_or_else(|_| IpNet::V6(Ipv6Net::from(ip))),
        }
    }
}

impl fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Middleware: finds the request's client, keeps it in the request's extensions for
/// [`ClientAddr`]'s extractor, and records it in the request's span (`client`).
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    if let Some(peer) = peer {
        let forwarded_for = request
            .headers()
            .get_all(FORWARDED_FOR)
            .iter()
            .filter_map(|value| value.to_str().ok());
        let client = ClientAddr::new(state.trusted_proxies().client(peer, forwarded_for));
        tracing::Span::current().record("client", tracing::field::display(client));
        request.extensions_mut().insert(client);
    }
    next.run(request).await
}

impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Served without the peer's address (a server not started by `Application`): a wiring
        // mistake, never the client's.
        parts
            .extensions
            .get::<ClientAddr>()
            .copied()
            .ok_or_else(|| Error::Internal("the server does not give the peer's address".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn proxies(text: &str) -> TrustedProxies {
        text.parse().expect("valid proxies")
    }

    #[test]
    fn trusted_proxies_are_addresses_and_ranges_separated_by_commas() {
        let trusted = proxies(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::1");
        assert!(trusted.contains(ip("10.20.30.40")));
        assert!(trusted.contains(ip("192.0.2.7")));
        assert!(!trusted.contains(ip("192.0.2.8")));
        assert!(trusted.contains(ip("2001:db8:5::1")));
        assert!(trusted.contains(ip("::1")));
        // A dual-stack listener reports IPv4 peers as mapped IPv6 addresses.
        assert!(trusted.contains(ip("::ffff:10.1.2.3")));
        assert_eq!(proxies(""), TrustedProxies::default());
        assert_eq!(proxies(" , "), TrustedProxies::default());
    }

    #[test]
    fn a_bad_proxy_entry_is_named() {
        assert_eq!(
            "10.0.0.0/8, proxy.example".parse::<TrustedProxies>(),
            Err(NotAProxy("proxy.example".into()))
        );
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.5"), ["198.51.100.1"].into_iter()),
            ip("203.0.113.5")
        );
        let some = proxies("10.0.0.0/8");
        assert_eq!(
            some.client(ip("203.0.113.5"), ["10.0.0.1, 198.51.100.1"].into_iter()),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_client_is_the_rightmost_untrusted_address() {
        let trusted = proxies("10.0.0.0/8, 127.0.0.1");
        // A client's own (spoofed) entries stay left of the one the proxy wrote.
        assert_eq!(
            trusted.client(
                ip("127.0.0.1"),
                ["1.1.1.1, 198.51.100.9, 203.0.113.5, 10.0.0.2"].into_iter()
            ),
            ip("203.0.113.5")
        );
        // Several headers read as one list, in order.
        assert_eq!(
            trusted.client(
                ip("10.0.0.3"),
                ["198.51.100.9", "203.0.113.5:4711, 10.0.0.2"].into_iter()
            ),
            ip("203.0.113.5")
        );
        assert_eq!(
            trusted.client(ip("127.0.0.1"), ["[2001:db8::7]:443"].into_iter()),
            ip("2001:db8::7")
        );
        // No header: the proxy itself is the client.
        assert_eq!(
            trusted.client(ip("10.0.0.3"), std::iter::empty()),
            ip("10.0.0.3")
        );
        // Every hop trusted: the furthest.
        assert_eq!(
            trusted.client(ip("10.0.0.3"), ["10.9.9.9, 10.0.0.2"].into_iter()),
            ip("10.9.9.9")
        );
        // A trusted proxy that wrote nonsense: the last address known for sure.
        assert_eq!(
            trusted.client(
                ip("10.0.0.3"),
                ["203.0.113.5, unknown, 10.0.0.2"].into_iter()
            ),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_64_network() {
        let a = ClientAddr::new(ip("2001:db8:1:2:aaaa::1"));
        let b = ClientAddr::new(ip("2001:db8:1:2:bbbb::2"));
        let c = ClientAddr::new(ip("2001:db8:1:3::1"));
        assert_eq!(a.limit_key(), b.limit_key());
        assert_ne!(a.limit_key(), c.limit_key());
        assert_eq!(a.limit_key().to_string(), "2001:db8:1:2::/64");
        assert_eq!(
            ClientAddr::new(ip("::ffff:192.0.2.1"))
                .limit_key()
                .to_string(),
            "192.0.2.1/32"
        );
    }
}
