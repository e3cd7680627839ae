//! Tenant addresses: a domain such as `my-tenant.us.auth0.com`, or a URL with a scheme for local
//! development (`http://127.0.0.1:4010`). Plain `http` is accepted for loopback hosts only.

use std::fmt;

use url::{Host, Url};

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
    /// The address is read as a URL (WHATWG URL parsing, which applies RFC 3986's syntax-based
    /// normalisation to it: scheme and host lower-cased, a default port dropped, a domain in
    /// Unicode converted to its ASCII form).
    ///
    /// # Errors
    /// A scheme other than `http`/`https`, `http` for a host that is not loopback, an empty or
    /// ill-formed host or port, user info, a path, a query or a fragment.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DomainError::new(input, "the host is empty"));
        }
        // What a URL parser would silently repair or strip is refused here.
        if trimmed.contains([' ', '\\', '\t', '\n', '\r']) {
            return Err(DomainError::new(input, "the host is ill-formed"));
        }
        let url = if trimmed.contains("://") {
            Url::parse(trimmed)
        } else {
            Url::parse(&format!("https://{trimmed}"))
        }
        .map_err(|e| DomainError::new(input, url_error(e)))?;
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err(DomainError::new(
                input,
                "give only the host (and port), without path, query or user info",
            ));
        }
        Self::from_url(&url).map_err(|reason| DomainError::new(input, reason))
    }

    /// Checks the URL of an endpoint the crate fetches (a JWKS, a discovery document, an issuer
    /// named by one): an absolute `https` URL (`http` on a loopback host), any path, no user
    /// info, query or fragment. Returns its scheme and authority, for comparisons.
    pub(crate) fn endpoint(url: &str) -> Result<Self, DomainError> {
        if url.contains([' ', '\\', '\t', '\n', '\r']) {
            return Err(DomainError::new(url, "the URL is ill-formed"));
        }
        let parsed = Url::parse(url).map_err(|e| DomainError::new(url, url_error(e)))?;
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(DomainError::new(url, "no query or fragment"));
        }
        Self::from_url(&parsed).map_err(|reason| DomainError::new(url, reason))
    }

    /// The scheme and authority of an endpoint URL (its path is the caller's), with the rules
    /// of [`parse`](Self::parse) for the scheme, host, port and user info.
    pub(crate) fn from_url(url: &Url) -> Result<Self, &'static str> {
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err("the scheme must be https (or http for a loopback host)"),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err("give only the host (and port), without path, query or user info");
        }
        let host = url.host().ok_or("the host is empty")?;
        let loopback = match &host {
            Host::Domain(domain) => {
                if !valid_domain(domain) {
                    return Err("the host is ill-formed");
                }
                domain.eq_ignore_ascii_case("localhost")
            }
            Host::Ipv4(ip) => ip.is_loopback(),
            Host::Ipv6(ip) => ip.is_loopback(),
        };
        if url.port() == Some(0) {
            return Err("the port is out of range");
        }
        if !https && !loopback {
            return Err(
                "plain http is allowed only for loopback hosts (localhost, 127.0.0.0/8, [::1])",
            );
        }
        let scheme = if https { "https://" } else { "http://" };
        let base = match url.port() {
            Some(port) => format!("{scheme}{host}:{port}"),
            None => format!("{scheme}{host}"),
        };
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

/// A DNS name as the URL parser left it (lower-cased, in ASCII): letters, digits, dots and
/// hyphens, no empty label, at most 253 characters.
fn valid_domain(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && !host.starts_with(['.', '-'])
        && !host.ends_with('-')
        && !host.contains("..")
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// The reason for a URL the parser refused.
fn url_error(error: url::ParseError) -> &'static str {
    match error {
        url::ParseError::EmptyHost => "the host is empty",
        url::ParseError::InvalidPort => "the port is ill-formed",
        _ => "the host or port is ill-formed",
    }
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
            // The default port is dropped (RFC 3986 §6.2.3).
            ("http://[::1]:80", "http://[::1]"),
            ("https://tenant.auth0.com:443", "https://tenant.auth0.com"),
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
            "https://tenant.auth0.com#f",
            "https://user:pw@tenant.auth0.com",
            "-tenant.auth0.com",
            "tenant_x.auth0.com",
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
