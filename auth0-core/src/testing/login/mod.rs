//! The browser login flow of the dev tenant: `/authorize` with its login page, the
//! `authorization_code` and `refresh_token` grants, pushed authorization requests, logout and
//! the users' avatars. This file holds the helpers of the flow: identifiers, allowed URLs and
//! redirects.

mod authorize;
mod avatar;
mod grants;
mod logout;
mod page;

use std::net::{Ipv4Addr, Ipv6Addr};

use aws_lc_rs::rand;
use hyper::StatusCode;
use hyper::header;
use url::{Host, Url};

use super::basics::{b64, fail};
use super::faults::TestBody;
use super::reply::{Reply, reply};

pub(crate) use authorize::{authorize, login, par};
pub(crate) use avatar::avatar;
pub(crate) use grants::{authorization_code, refresh_token};
pub(crate) use logout::{oidc_logout, v2_logout};

use super::state::login::AuthRequest;

/// `bytes` random bytes, base64url.
fn random_id(bytes: usize) -> String {
    let mut buf = vec![0; bytes];
    if rand::fill(&mut buf).is_err() {
        fail("no randomness for an identifier");
    }
    b64(&buf)
}

/// An absolute http(s) URL without a fragment whose host is loopback (`127.0.0.1`,
/// `localhost`, `[::1]`) or which equals a registered URL.
fn allowed_url(raw: &str, registered: &[Url]) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.fragment().is_some() {
        return None;
    }
    let loopback = match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => false,
    };
    (loopback || registered.contains(&url)).then_some(url)
}

/// Percent-encodes a query name or value (a space as `%20`).
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// `url` with `pairs` appended to its query (its own query kept).
fn with_query(url: &Url, pairs: &[(&str, &str)]) -> Url {
    let mut query = url.query().unwrap_or_default().to_owned();
    for (name, value) in pairs {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&encode(name));
        query.push('=');
        query.push_str(&encode(value));
    }
    let mut url = url.clone();
    url.set_query(Some(&query));
    url
}

/// A `302 Found` to `location`, not cached.
fn redirect(location: &str) -> Reply {
    reply(
        StatusCode::FOUND,
        &[
            (header::LOCATION, location),
            (header::CACHE_CONTROL, "no-store"),
        ],
        TestBody::empty(),
    )
}

/// The redirect of an authorization error: `?error=…&error_description=…[&state=…]`.
fn error_redirect(request: &AuthRequest, error: &str, description: &str) -> Reply {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = request.param("state") {
        pairs.push(("state", state));
    }
    redirect(with_query(&request.redirect, &pairs).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_urls() {
        let registered = [
            Url::parse("https://app.example.com/callback").unwrap_or_else(|_| {
                fail("test URL");
            }),
        ];
        for ok in [
            "http://127.0.0.1:3000/callback",
            "http://localhost/cb?x=1",
            "https://[::1]:8443/",
            "https://app.example.com/callback",
        ] {
            assert!(allowed_url(ok, &registered).is_some(), "{ok}");
        }
        for bad in [
            "https://evil.example.com/callback",
            "http://127.0.0.2/",
            "http://localhost.evil.com/",
            "ftp://127.0.0.1/",
            "/callback",
            "http://127.0.0.1/cb#frag",
            "https://app.example.com/callback2",
            "javascript:alert(1)",
        ] {
            assert!(allowed_url(bad, &registered).is_none(), "{bad}");
        }
    }

    #[test]
    fn query_appending() {
        let base = Url::parse("http://127.0.0.1/cb?keep=1").unwrap_or_else(|_| fail("test URL"));
        let url = with_query(&base, &[("state", "a b&c=d+é"), ("code", "x")]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1/cb?keep=1&state=a%20b%26c%3Dd%2B%C3%A9&code=x"
        );
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs[1], ("state".into(), "a b&c=d+é".into()));
    }
}
