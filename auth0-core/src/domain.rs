//! Tenant addresses: a domain such as `my-tenant.us.auth0.com`, or a URL with a scheme for local
//! development (`http://127.0.0.1:4010`). Plain `http` is accepted for loopback hosts only.

use std::fmt;

/// Why a tenant domain was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid tenant domain {input:?}: {reason}")]
pub struct DomainError {
    input: String,
    reason: &'static str,
}

impl DomainError {
    fn new(input: &str, reason: &'static str) -> Self {
        Self {
            input: input.to_owned(),
            reason,
        }
    }

    /// The fixed reason, without the offending input.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

/// A validated tenant base URL: scheme and authority, no path.
///
/// ```
/// use auth0_core::TenantUrl;
/// let t = TenantUrl::parse("my-tenant.us.auth0.com").unwrap();
/// assert_eq!(t.issuer(), "https://my-tenant.us.auth0.com/");
/// assert_eq!(t.url("/oauth/token"), "https://my-tenant.us.auth0.com/oauth/token");
/// assert!(TenantUrl::parse("http://example.com").is_err()); // http only on loopback
/// assert!(TenantUrl::parse("http://127.0.0.1:4010").is_ok());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TenantUrl {
    base: String,
    authority_start: usize,
    https: bool,
}

impl TenantUrl {
    /// Parses a domain (`tenant.auth0.com`, `https://tenant.auth0.com`, `http://localhost:4010/`).
    ///
    /// # Errors
    /// A scheme other than `http`/`https`, `http` for a host that is not loopback, an empty or
    /// ill-formed host or port, user info, a path, a query or a fragment.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        let (https, rest) = match trimmed.find("://") {
            Some(i) => {
                let scheme = &trimmed[..i];
                let https = if scheme.eq_ignore_ascii_case("https") {
                    true
                } else if scheme.eq_ignore_ascii_case("http") {
                    false
                } else {
                    return Err(DomainError::new(
                        input,
                        "the scheme must be https (or http for a loopback host)",
                    ));
                };
                (https, &trimmed[i + 3..])
            }
            None => (true, trimmed),
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err(DomainError::new(input, "the host is empty"));
        }
        if authority.contains(['/', '?', '#', '@', ' ', '\\']) {
            return Err(DomainError::new(
                input,
                "give only the host (and port), without path, query or user info",
            ));
        }
        let (host, port) = split_host_port(authority)
            .ok_or_else(|| DomainError::new(input, "the host or port is ill-formed"))?;
        if !valid_host(host) {
            return Err(DomainError::new(input, "the host is ill-formed"));
        }
        if let Some(port) = port {
            if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DomainError::new(input, "the port is ill-formed"));
            }
            match port.parse::<u32>() {
                Ok(1..=65535) => {}
                _ => return Err(DomainError::new(input, "the port is out of range")),
            }
        }
        if !https && !is_loopback(host) {
            return Err(DomainError::new(
                input,
                "plain http is allowed only for loopback hosts (localhost, 127.0.0.0/8, [::1])",
            ));
        }
        let scheme = if https { "https://" } else { "http://" };
        let base = format!("{scheme}{}", authority.to_ascii_lowercase());
        Ok(Self {
            base,
            authority_start: scheme.len(),
            https,
        })
    }

    /// `https://host[:port]`, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The authority: `host[:port]`.
    pub fn authority(&self) -> &str {
        &self.base[self.authority_start..]
    }

    /// The issuer identifier Auth0 puts in `iss`: `https://host/` with the trailing slash.
    pub fn issuer(&self) -> String {
        format!("{}/", self.base)
    }

    /// The JWKS document URL: `<issuer>.well-known/jwks.json`.
    pub fn jwks_url(&self) -> String {
        self.url("/.well-known/jwks.json")
    }

    /// The base URL joined with `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Whether the scheme is `https`.
    pub fn is_https(&self) -> bool {
        self.https
    }
}

impl fmt::Debug for TenantUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TenantUrl").field(&self.base).finish()
    }
}

impl fmt::Display for TenantUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = &authority[..end + 2];
        let after = &rest[end + 1..];
        return match after {
            "" => Some((host, None)),
            _ => Some((host, Some(after.strip_prefix(':')?))),
        };
    }
    match authority.split_once(':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((authority, None)),
    }
}

fn valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && host.len() <= 253
        && !host.starts_with(['.', '-'])
        && !host.ends_with('-')
        && !host.contains("..")
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

pub(crate) fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    }
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_domains_and_urls() {
        for (input, base) in [
            ("tenant.auth0.com", "https://tenant.auth0.com"),
            ("https://Tenant.Auth0.com/", "https://tenant.auth0.com"),
            (
                "HTTPS://tenant.auth0.com:8443",
                "https://tenant.auth0.com:8443",
            ),
            ("http://127.0.0.1:4010", "http://127.0.0.1:4010"),
            ("http://localhost:1/", "http://localhost:1"),
            ("http://[::1]:80", "http://[::1]:80"),
            ("  tenant.eu.auth0.com  ", "https://tenant.eu.auth0.com"),
        ] {
            let t = TenantUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(t.base(), base, "{input}");
            assert_eq!(t.issuer(), format!("{base}/"));
        }
    }

    #[test]
    fn refuses_bad_domains() {
        for input in [
            "",
            "https://",
            "ftp://tenant.auth0.com",
            "http://tenant.auth0.com",
            "http://10.0.0.1",
            "tenant.auth0.com/path",
            "https://tenant.auth0.com/?q",
            "user@tenant.auth0.com",
            "tenant.auth0.com:0",
            "tenant.auth0.com:99999",
            "tenant.auth0.com:ab",
            "ten ant.com",
            "[::1",
            "http://[fe80::1]",
        ] {
            assert!(
                TenantUrl::parse(input).is_err(),
                "{input:?} should be refused"
            );
        }
    }

    #[test]
    fn error_names_reason() {
        let err = TenantUrl::parse("http://example.com").unwrap_err();
        assert!(err.to_string().contains("loopback"));
    }
}
