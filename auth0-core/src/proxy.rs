//! Outbound proxy selection, shared by the key store, discovery and the Authentication API
//! client.
//!
//! Without a choice every request goes direct and no proxy variable is read. An explicit proxy
//! (`.proxy(url)`) carries every request: `http` targets as absolute-form requests, `https`
//! targets through an HTTP `CONNECT` tunnel. `.proxy_from_env()` reads the usual variables once,
//! when the HTTP client is built.

use std::fmt;

use reqwest::{NoProxy, Proxy, Url};

/// Which proxy the HTTP client of a key store, discovery or the Authentication API client uses.
#[derive(Clone, Default)]
pub(crate) enum ProxyChoice {
    /// Every request goes direct; no environment variable is read.
    #[default]
    Direct,
    /// Every request goes through this `http://` proxy.
    Url(ProxyUrl),
    /// The proxy URL given to `.proxy()` is unusable; reported when the client is built.
    Invalid(&'static str),
    /// `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their lower-case forms).
    FromEnv,
}

/// A checked `http://` proxy URL. Only the scheme, host and port are ever shown.
#[derive(Clone)]
pub(crate) struct ProxyUrl {
    /// The URL as given; it may hold credentials, so it is never printed.
    full: String,
    /// `http://host:port`, without credentials.
    shown: String,
    has_credentials: bool,
}

/// Why a proxy could not be configured. The text names the setting and never repeats its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProxyError {
    /// `the proxy URL`, or the environment variable that held the value.
    pub(crate) setting: &'static str,
    /// What is wrong, in fixed words.
    pub(crate) reason: &'static str,
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.reason)
    }
}

impl ProxyChoice {
    /// The choice for `.proxy(url)`; an unusable URL is kept as an error for `build()`.
    pub(crate) fn from_url(url: &str) -> Self {
        match ProxyUrl::parse(url) {
            Ok(url) => Self::Url(url),
            Err(reason) => Self::Invalid(reason),
        }
    }

    /// Applies the choice to `builder`: always `.no_proxy()` first, so that nothing is read from
    /// the environment unless the choice is [`ProxyChoice::FromEnv`].
    pub(crate) fn apply(
        &self,
        builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, ProxyError> {
        let builder = builder.no_proxy();
        match self {
            Self::Direct => Ok(builder),
            Self::Invalid(reason) => Err(ProxyError {
                setting: "the proxy URL",
                reason,
            }),
            Self::Url(url) => {
                let proxy = Proxy::all(url.full.as_str()).map_err(|_| ProxyError {
                    setting: "the proxy URL",
                    reason: "not a usable http:// URL",
                })?;
                Ok(builder.proxy(proxy))
            }
            Self::FromEnv => from_env(builder),
        }
    }
}

impl ProxyUrl {
    /// An absolute `http://` URL with a host, an optional port and optional `user:password@`
    /// (percent-encoded), and no path, query or fragment.
    fn parse(url: &str) -> Result<Self, &'static str> {
        let scheme_ok = url
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"));
        if !scheme_ok {
            return Err("only http:// proxy URLs are supported");
        }
        let parsed = Url::parse(url).map_err(|_| "not a valid URL")?;
        let host = parsed.host_str().ok_or("the URL has no host")?;
        if !matches!(parsed.path(), "" | "/") || parsed.query().is_some() {
            return Err("the URL must not have a path or query");
        }
        if parsed.fragment().is_some() {
            return Err("the URL must not have a fragment");
        }
        let port = parsed.port_or_known_default().unwrap_or(80);
        Ok(Self {
            full: url.to_owned(),
            shown: format!("http://{host}:{port}"),
            has_credentials: !parsed.username().is_empty() || parsed.password().is_some(),
        })
    }
}

/// Reads the proxy variables: `http` targets use `HTTP_PROXY`, else `ALL_PROXY`; `https` targets
/// use `HTTPS_PROXY`, else `ALL_PROXY`; hosts in `NO_PROXY` go direct, and every host when it
/// lists `*` (the HTTP stack's own `*` covers host names, not IP addresses). In a CGI process
/// (`REQUEST_METHOD` set), where a request's `Proxy:` header arrives as `HTTP_PROXY`, that
/// variable is ignored.
fn from_env(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, ProxyError> {
    let cgi = std::env::var_os("REQUEST_METHOD").is_some();
    let http = if cgi {
        None
    } else {
        env_var(&["HTTP_PROXY", "http_proxy"])
    };
    let https = env_var(&["HTTPS_PROXY", "https_proxy"]);
    let all = env_var(&["ALL_PROXY", "all_proxy"]);
    let no_proxy = env_var(&["NO_PROXY", "no_proxy"]).map(|(_, value)| value);
    if no_proxy
        .as_deref()
        .is_some_and(|v| v.split(',').any(|entry| entry.trim() == "*"))
    {
        return Ok(builder);
    }
    let no_proxy = no_proxy.and_then(|value| NoProxy::from_string(&value));
    let mut builder = builder;
    for (target_is_https, chosen) in [(false, http.or(all.clone())), (true, https.or(all))] {
        let Some((name, value)) = chosen else {
            continue;
        };
        let bad = |reason| ProxyError {
            setting: name,
            reason,
        };
        // A value without a scheme (`proxy:3128`) means http, as curl reads it.
        let value = if value.contains("://") {
            value
        } else {
            format!("http://{value}")
        };
        let url = ProxyUrl::parse(&value).map_err(bad)?;
        let proxy = if target_is_https {
            Proxy::https(url.full.as_str())
        } else {
            Proxy::http(url.full.as_str())
        }
        .map_err(|_| bad("not a usable http:// URL"))?;
        builder = builder.proxy(proxy.no_proxy(no_proxy.clone()));
    }
    Ok(builder)
}

/// The first of `names` that is set to a non-empty value, with its name.
fn env_var(names: &[&'static str]) -> Option<(&'static str, String)> {
    names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*name, v.trim().to_owned()))
    })
}

impl fmt::Debug for ProxyChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Direct => f.write_str("Direct"),
            Self::Url(url) => f.debug_tuple("Url").field(url).finish(),
            Self::Invalid(reason) => f.debug_tuple("Invalid").field(reason).finish(),
            Self::FromEnv => f.write_str("FromEnv"),
        }
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.has_credentials {
            write!(f, "{} (credentials [redacted])", self.shown)
        } else {
            f.write_str(&self.shown)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn accepts_http_urls_and_hides_credentials() {
        let choice = ProxyChoice::from_url("http://alice:s3cr%40t@proxy.internal:3128");
        let shown = format!("{choice:?}");
        assert_eq!(
            shown,
            "Url(http://proxy.internal:3128 (credentials [redacted]))"
        );
        assert!(!shown.contains("s3cr") && !shown.contains("alice"));
        let choice = ProxyChoice::from_url("HTTP://proxy.internal/");
        assert_eq!(format!("{choice:?}"), "Url(http://proxy.internal:80)");
        assert!(choice.apply(reqwest::Client::builder()).is_ok());
    }

    #[test]
    fn refuses_other_urls_without_repeating_them() {
        for url in [
            "https://proxy.internal:3128",
            "socks5://proxy.internal:1080",
            "proxy.internal:3128",
            "http://",
            "http://user:pass@",
            "http://proxy.internal:3128/path",
            "http://proxy.internal:3128/?q=1",
            "http://proxy.internal:3128/#f",
            "http://proxy.internal:99999",
            "",
        ] {
            let choice = ProxyChoice::from_url(url);
            assert!(matches!(choice, ProxyChoice::Invalid(_)), "{url}");
            let err = choice.apply(reqwest::Client::builder()).unwrap_err();
            assert_eq!(err.setting, "the proxy URL");
            let text = format!("{err} {err:?} {choice:?}");
            assert!(!text.contains("proxy.internal"), "{text}");
        }
    }
}
