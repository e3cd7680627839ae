//! Tunables of a key store. The defaults are the secure ones; most applications change none.

use std::time::Duration;

use crate::proxy::ProxyChoice;

/// The longest TTL or staleness accepted: longer values would overflow monotonic deadlines.
const LONGEST: Duration = Duration::from_secs(365 * 24 * 3600);

/// Key-store settings, also used by [`discover_with`](crate::jwks::discover_with).
///
/// `Debug` shows a proxy's scheme, host and port, never its credentials.
///
/// ```
/// use auth0_core::jwks::JwksOptions;
/// use std::time::Duration;
/// let opts = JwksOptions::default().ttl(Duration::from_secs(300));
/// # let _ = opts;
/// ```
#[derive(Clone, Debug)]
pub struct JwksOptions {
    pub(crate) ttl: Duration,
    pub(crate) min_ttl: Duration,
    pub(crate) max_ttl: Duration,
    pub(crate) unknown_kid_cooldown: Duration,
    pub(crate) unknown_kid_budget: usize,
    pub(crate) negative_cache_ttl: Duration,
    pub(crate) negative_cache_size: usize,
    pub(crate) max_stale: Duration,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_body: usize,
    pub(crate) max_keys: usize,
    pub(crate) cold_backoff: (Duration, Duration),
    pub(crate) refresh_backoff: (Duration, Duration),
    pub(crate) proxy: ProxyChoice,
}

impl Default for JwksOptions {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(600),
            min_ttl: Duration::from_secs(60),
            max_ttl: Duration::from_secs(24 * 3600),
            unknown_kid_cooldown: Duration::from_secs(30),
            unknown_kid_budget: 6,
            negative_cache_ttl: Duration::from_secs(300),
            negative_cache_size: 1024,
            max_stale: Duration::from_secs(3600),
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            max_body: 64 * 1024,
            max_keys: 32,
            cold_backoff: (Duration::from_secs(1), Duration::from_secs(30)),
            refresh_backoff: (Duration::from_secs(5), Duration::from_secs(300)),
            proxy: ProxyChoice::Direct,
        }
    }
}

impl JwksOptions {
    /// Lifetime of a key set when the server sends no `Cache-Control: max-age` (default 10 min).
    /// A `max-age` is honoured within [60 s, 24 h].
    /// Values over a year count as a year.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.min(LONGEST);
        self
    }

    /// How long after expiry known keys keep working while the endpoint fails (default 1 h).
    /// Values over a year count as a year, so that no deadline overflows the clock.
    pub fn max_stale(mut self, max_stale: Duration) -> Self {
        self.max_stale = max_stale.min(LONGEST);
        self
    }

    /// Minimum spacing of refetches caused by unknown `kid`s (default 30 s).
    pub fn unknown_kid_cooldown(mut self, cooldown: Duration) -> Self {
        self.unknown_kid_cooldown = cooldown;
        self
    }

    /// Total deadline of one fetch (default 5 s) and its connect part (default 2 s).
    pub fn timeouts(mut self, total: Duration, connect: Duration) -> Self {
        self.timeout = total;
        self.connect_timeout = connect.min(total);
        self
    }

    /// Body size cap in bytes (default 64 KiB).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Fetches through the HTTP proxy at `url` (default: direct, and no proxy variable is
    /// read). `http://` targets are sent to the proxy as absolute-form requests, `https://`
    /// targets through an HTTP `CONNECT` tunnel, with TLS to the key server inside it. The URL is
    /// `http://host[:port]` (port 80 by default), optionally with percent-encoded
    /// `user:password@`, sent as `Proxy-Authorization: Basic`; a path, query or fragment is
    /// refused. Every fetch uses it, loopback targets included. Replaces
    /// [`proxy_from_env`](Self::proxy_from_env).
    ///
    /// An unusable URL is reported when the store is built ([`JwksError::Proxy`]), without
    /// repeating the URL; credentials never appear in `Debug` or in errors.
    ///
    /// ```
    /// use auth0_core::jwks::JwksOptions;
    /// let opts = JwksOptions::default().proxy("http://proxy.internal:3128");
    /// # let _ = opts;
    /// ```
    ///
    /// [`JwksError::Proxy`]: crate::jwks::JwksError::Proxy
    pub fn proxy(mut self, url: &str) -> Self {
        self.proxy = ProxyChoice::from_url(url);
        self
    }

    /// Takes the proxy from the environment, read once when the store is built: `http://`
    /// targets use `HTTP_PROXY`, `https://` targets `HTTPS_PROXY`, either falls back to
    /// `ALL_PROXY`; hosts listed in `NO_PROXY` (names with their subdomains, IP addresses, CIDR
    /// ranges; `*` for all) go direct. The upper-case name wins over the lower-case one; empty values
    /// count as unset; a value without a scheme means `http://`. Values must be `http://` proxy
    /// URLs (an `https://` or SOCKS proxy is a [`JwksError::Proxy`] naming the variable). When
    /// `REQUEST_METHOD` is set (a CGI process, where a request's `Proxy:` header arrives as
    /// `HTTP_PROXY`), `HTTP_PROXY` is ignored. Replaces [`proxy`](Self::proxy).
    ///
    /// [`JwksError::Proxy`]: crate::jwks::JwksError::Proxy
    pub fn proxy_from_env(mut self) -> Self {
        self.proxy = ProxyChoice::FromEnv;
        self
    }

    pub(crate) fn clamp_ttl(&self, max_age: Option<Duration>) -> Duration {
        max_age
            .unwrap_or(self.ttl)
            .clamp(self.min_ttl, self.max_ttl)
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::AccessTokenVerifier;
    use crate::testing::{TestKey, TokenBuilder, jwks};

    #[test]
    fn huge_durations_do_not_overflow_deadlines() {
        let key = TestKey::rsa(0);
        let v = AccessTokenVerifier::builder("https://tenant.example.com")
            .audience("https://api.example.com")
            .jwks_options(
                JwksOptions::default()
                    .ttl(Duration::MAX)
                    .max_stale(Duration::MAX),
            )
            .seed_jwks(jwks(&[&key]).to_string())
            .build()
            .unwrap();
        let token = TokenBuilder::new(&key)
            .iss("https://tenant.example.com/")
            .sub("auth0|x")
            .aud("https://api.example.com")
            .sign();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert!(rt.block_on(v.verify(&token)).is_ok());
    }
}
