//! Cached service-to-service access tokens: a [`TokenProvider`] over the `client_credentials`
//! grant, with one cached token per audience (and organization), refreshed in the background
//! ahead of expiry, one request in flight per key however many callers ask, and a back-off when
//! Auth0 fails.
//!
//! ```no_run
//! use auth0_core::client::{AuthenticationClient, TokenProvider};
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = AuthenticationClient::builder("my-tenant.us.auth0.com", "CLIENT_ID")
//!     .client_secret("CLIENT_SECRET")
//!     .build()?;
//! let tokens = TokenProvider::new(auth);
//! let token = tokens.token("https://orders.example.com").await?;
//! # let _ = token; Ok(()) }
//! ```
//!
//! For outgoing tower and hyper clients, the `auth0-tower` crate has a layer over the provider.
//!
//! The refresh and failure policy, and a complete example, are on [`TokenProvider`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use crate::client::AuthenticationClient;
use crate::jwks::{Clock, SystemClock};

mod builder;
mod entries;
mod error;
mod flight;
mod policy;
mod reqwest_ext;
mod token;

pub use builder::TokenProviderBuilder;
pub use error::{TokenError, TokenErrorKind};
pub use reqwest_ext::RequestBuilderExt;
pub use token::AccessToken;

use entries::{Entries, Entry, Outcome};
use policy::Policy;

/// Cached `client_credentials` access tokens, per audience and organization.
///
/// Cloning is cheap (an `Arc`): every clone shares one cache. `Debug` shows the client (without
/// its secret), the policy and the counters, never a token.
///
/// ```
/// use auth0_core::client::{AuthenticationClient, RequestBuilderExt as _, TokenProvider};
/// # use auth0_core::testing::TestTenant;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// # let tenant = TestTenant::start().await; // a local Auth0 look-alike
/// # let (domain, client_id, secret) = (tenant.domain(), tenant.client_id(), tenant.client_secret());
/// # let (audience, url) = (tenant.audience(), tenant.userinfo_url());
/// let auth = AuthenticationClient::builder(domain, client_id)
///     .client_secret(secret)
///     .build()?;
/// let tokens = TokenProvider::new(auth); // build once, clone freely
///
/// // The first call asks Auth0; the next ones are answered from memory.
/// let token = tokens.token(&audience).await?;
/// assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
///
/// // Or straight onto a reqwest request, as `Authorization: Bearer …`:
/// let response = reqwest::Client::new()
///     .get(url)
///     .auth0_bearer(&tokens, &audience)
///     .await?
///     .send()
///     .await?;
/// assert!(response.status().is_success());
/// # assert_eq!(tenant.token_requests(), 1);
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
/// #     .block_on(demo()).unwrap();
/// ```
///
/// # Refresh policy
///
/// The lifetime `L` of a token is its answer's `expires_in` (5 minutes when absent, at most
/// 30 days), counted from when its request was sent, so never later than Auth0 counts it.
///
/// * The token is handed out until `L − margin`, with a margin of 30 s (at most `L / 4`;
///   [`expiry_margin`](TokenProviderBuilder::expiry_margin)): what is handed out still has that
///   long to reach the API it is for.
/// * From `L − ahead` on, with `ahead` = `max(L / 10, 60 s)` (at most `L / 2`;
///   [`refresh_ahead`](TokenProviderBuilder::refresh_ahead)), a call that is handed the token
///   also starts a refresh in the background. That call and all others keep getting the current
///   token at once until the new one arrives. For Auth0's default 24 h tokens the refresh starts
///   2 h 24 min before expiry; for 1 h tokens, 6 min before; for 5 min tokens, 1 min before.
/// * Refreshes are started by use, by no timer: an audience nobody asks for any more costs no
///   request.
/// * A call with no token to hand out waits for the one request in flight for its key,
///   starting it if there is none. Concurrent callers share that request and its outcome.
///
/// # Failures
///
/// * After a failed request (error answer, timeout, transport failure, unusable answer), no
///   request is made for that key before a back-off: 1 s, doubling with each failure in a row up
///   to 60 s ([`backoff`](TokenProviderBuilder::backoff)), each wait drawn between half of that
///   step and all of it; and never less than Auth0 asked for with `Retry-After`, or on a 429 with
///   `x-ratelimit-reset` (honoured up to 10 minutes). A success resets it.
/// * While the current token can still be handed out, callers keep getting it; failures show
///   only in [`metrics`](TokenProvider::metrics) and in `tracing` warnings.
/// * With no token to hand out, a call during the back-off gets the last error at once, with
///   [`TokenError::retry_in`]; the first call after the back-off tries again and waits for that
///   attempt. A token past its margin is never handed out.
///
/// Each request goes through the [`AuthenticationClient`]: its timeouts, proxy, client
/// authentication and [`RetryPolicy`](crate::client::RetryPolicy) apply to each attempt.
///
/// # Runtime
///
/// Requests run in tasks spawned on the tokio runtime of the call that starts them: a caller
/// that gives up (a timeout, a dropped future) does not cancel the request others wait for. A
/// call outside a tokio runtime gets [`TokenErrorKind::NoRuntime`] unless a token is cached.
#[derive(Clone)]
pub struct TokenProvider {
    inner: Arc<Inner>,
}

struct Inner {
    client: AuthenticationClient,
    policy: Policy,
    clock: Arc<dyn Clock>,
    entries: Mutex<Entries>,
    next_flight: AtomicU64,
    counters: Counters,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    refreshes: AtomicU64,
    successes: AtomicU64,
    failures: AtomicU64,
    cache_hits: AtomicU64,
}

/// A snapshot of a provider's counters, from [`TokenProvider::metrics`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenProviderMetrics {
    /// Token requests started (first requests and refreshes).
    pub requests: u64,
    /// Requests started ahead of expiry, while the current token was still handed out.
    pub refreshes: u64,
    /// Requests that brought a usable token.
    pub successes: u64,
    /// Requests that failed.
    pub failures: u64,
    /// Calls answered from the cache, without waiting.
    pub cache_hits: u64,
    /// Cached (audience, organization) keys.
    pub keys: usize,
}

fn lock(entries: &Mutex<Entries>) -> MutexGuard<'_, Entries> {
    entries.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a call does after looking at its key.
enum Lookup {
    /// Hand out this token now.
    Ready(AccessToken),
    /// Wait for the request in flight.
    Wait(watch::Receiver<Option<Outcome>>),
}

impl TokenProvider {
    /// A provider with the default policy (see [`TokenProvider`]).
    pub fn new(client: AuthenticationClient) -> Self {
        Self::builder(client).build()
    }

    /// A provider with other margins, back-off or clock.
    ///
    /// ```
    /// use std::time::Duration;
    /// use auth0_core::client::{AuthenticationClient, TokenProvider};
    /// # fn f(auth: AuthenticationClient) {
    /// let tokens = TokenProvider::builder(auth)
    ///     .refresh_ahead(Duration::from_secs(300))
    ///     .backoff(Duration::from_millis(500), Duration::from_secs(30))
    ///     .build();
    /// # let _ = tokens; }
    /// ```
    pub fn builder(client: AuthenticationClient) -> TokenProviderBuilder {
        TokenProviderBuilder {
            client,
            policy: Policy::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The client the tokens are requested with.
    pub fn client(&self) -> &AuthenticationClient {
        &self.inner.client
    }

    /// A token for the API `audience`.
    ///
    /// # Errors
    /// When no valid token can be handed out; see [`TokenError`] and the failure policy on
    /// [`TokenProvider`].
    pub async fn token(&self, audience: &str) -> Result<AccessToken, TokenError> {
        self.get(audience, None).await
    }

    /// A token for the API `audience`, for an organization (`org_…` id or name) or none:
    /// `token_for(aud, "org_1")`, `token_for(aud, None)`. Each organization has its own cached
    /// token.
    ///
    /// # Errors
    /// As [`token`](Self::token).
    pub async fn token_for<'a>(
        &self,
        audience: &str,
        organization: impl Into<Option<&'a str>>,
    ) -> Result<AccessToken, TokenError> {
        self.get(audience, organization.into()).await
    }

    /// The provider's counters.
    pub fn metrics(&self) -> TokenProviderMetrics {
        let c = &self.inner.counters;
        TokenProviderMetrics {
            requests: c.requests.load(Ordering::Relaxed),
            refreshes: c.refreshes.load(Ordering::Relaxed),
            successes: c.successes.load(Ordering::Relaxed),
            failures: c.failures.load(Ordering::Relaxed),
            cache_hits: c.cache_hits.load(Ordering::Relaxed),
            keys: lock(&self.inner.entries).len(),
        }
    }

    async fn get(
        &self,
        audience: &str,
        organization: Option<&str>,
    ) -> Result<AccessToken, TokenError> {
        // A request dropped before it finished (its runtime shut down) is replaced once.
        for _ in 0..2 {
            let mut done = match self.lookup(audience, organization)? {
                Lookup::Ready(token) => return Ok(token),
                Lookup::Wait(done) => done,
            };
            if let Ok(outcome) = done.wait_for(Option::is_some).await
                && let Some(outcome) = outcome.as_ref()
            {
                return outcome.clone();
            }
        }
        Err(TokenError::new(
            TokenErrorKind::Cancelled,
            audience,
            organization,
            None,
        ))
    }

    fn lookup(&self, audience: &str, organization: Option<&str>) -> Result<Lookup, TokenError> {
        let inner = &self.inner;
        let now = inner.clock.now_instant();
        let mut entries = lock(&inner.entries);
        let entry = match entries.get_mut(audience, organization) {
            Some(entry) => entry,
            None => entries.insert(audience, organization, now),
        };
        if let Some(cached) = entry.usable(now) {
            let token = cached.token.clone();
            let refresh = now >= cached.refresh_at;
            if refresh && entry.flight.is_none() && entry.may_request(now) {
                // Without a runtime no refresh starts; the token is still good to hand out.
                let _ = inner.start(entry, audience, organization);
            }
            inner.counters.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(Lookup::Ready(token));
        }
        self.wait_or_start(entry, audience, organization, now)
    }

    /// For a key with no token to hand out: the request in flight, else the last error during
    /// the back-off, else a new request.
    fn wait_or_start(
        &self,
        entry: &mut Entry,
        audience: &str,
        organization: Option<&str>,
        now: std::time::Instant,
    ) -> Result<Lookup, TokenError> {
        if let Some(flight) = &entry.flight {
            return Ok(Lookup::Wait(flight.done.clone()));
        }
        if let (Some(at), Some(error)) = (entry.retry_at, &entry.last_error)
            && now < at
        {
            return Err(error.with_retry_in(at - now));
        }
        self.inner
            .start(entry, audience, organization)
            .map(Lookup::Wait)
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenProvider")
            .field("client", &self.inner.client)
            .field("policy", &self.inner.policy)
            .field("metrics", &self.metrics())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_is_send_sync_clone_and_its_futures_are_send() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<TokenProvider>();
        check::<AccessToken>();
        check::<TokenError>();
        fn send<T: Send>(_: &T) {}
        let Ok(client) = AuthenticationClient::builder("tenant.example.com", "id").build() else {
            panic!("client");
        };
        let provider = TokenProvider::new(client);
        send(&provider.token("https://api.example.com"));
        send(&provider.token_for("https://api.example.com", "org_1"));
    }

    #[test]
    fn without_a_runtime_the_call_fails_instead_of_panicking() {
        let Ok(client) = AuthenticationClient::builder("tenant.example.com", "id").build() else {
            panic!("client");
        };
        let provider = TokenProvider::new(client);
        let Err(error) = provider.lookup("https://api.example.com", None) else {
            panic!("no runtime, no request");
        };
        assert_eq!(error.kind(), TokenErrorKind::NoRuntime);
        assert_eq!(provider.metrics().requests, 0);
        assert!(!format!("{provider:?}").is_empty());
    }
}
