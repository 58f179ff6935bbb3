//! The client's address, for the sign-in throttle and the audit trail. Read from the connection,
//! or — only when the connection comes from a configured trusted proxy — from `X-Forwarded-For`:
//! the right-most address there that is not itself a trusted proxy. A client cannot choose its
//! own address by sending the header, because a direct connection's header is ignored.

use axum::http::HeaderMap;
use std::net::IpAddr;

/// Addresses and networks (`10.0.0.0/8`, `::1`) whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and networks; names the first bad entry.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (addr, bits) = match item.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (item, None),
            };
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("trusted_proxies: {item} is not an IP address or network"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits =
                match bits {
                    None => max,
                    Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| {
                        format!("trusted_proxies: {item} has a bad prefix length")
                    })?,
                };
            nets.push((ip, bits));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0
            .iter()
            .any(|(net, bits)| match (canonical(*net), ip) {
                (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), *bits),
                (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), *bits),
                _ => false,
            })
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().parse::<IpAddr>())
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        forwarded
            .iter()
            .rev()
            .find(|ip| !self.contains(**ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer)
    }
}

/// An IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = (usize::from(bits / 8), bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        h
    }
    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &xff("198.51.100.1")),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client() {
        let p = TrustedProxies::parse("10.0.0.0/8, 192.168.1.5").unwrap();
        // A client that sends its own header cannot pick its address: the proxy appends the real one.
        let h = xff("1.2.3.4, 198.51.100.7, 10.1.2.3");
        assert_eq!(p.client(ip("192.168.1.5"), &h), ip("198.51.100.7"));
        assert_eq!(
            p.client(ip("10.9.9.9"), &xff("198.51.100.7")),
            ip("198.51.100.7")
        );
        // A direct connection from outside is its own address, whatever it sends.
        assert_eq!(p.client(ip("198.51.100.8"), &h), ip("198.51.100.8"));
        // A garbled header falls back to the peer.
        assert_eq!(p.client(ip("10.0.0.1"), &xff("not-an-ip")), ip("10.0.0.1"));
        assert_eq!(
            p.client(ip("::ffff:10.0.0.1"), &xff("198.51.100.7")),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn networks_match_by_prefix_and_bad_entries_are_named() {
        let p = TrustedProxies::parse("172.16.0.0/12,fd00::/8").unwrap();
        assert!(p.contains(ip("172.31.255.255")));
        assert!(!p.contains(ip("172.32.0.1")));
        assert!(p.contains(ip("fd12::1")));
        assert!(!p.contains(ip("fe80::1")));
        assert!(TrustedProxies::parse("10.0.0.0/33")
            .unwrap_err()
            .contains("10.0.0.0/33"));
        assert!(TrustedProxies::parse("proxy.example")
            .unwrap_err()
            .contains("proxy.example"));
    }
}
