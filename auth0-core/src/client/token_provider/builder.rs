//! Configuring a [`TokenProvider`]: margins, back-off and clock.

use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::entries::Entries;
use super::policy::Policy;
use super::{Counters, Inner, TokenProvider};
use crate::client::AuthenticationClient;
use crate::jwks::Clock;

/// Configures a [`TokenProvider`]; from [`TokenProvider::builder`].
#[must_use]
pub struct TokenProviderBuilder {
    pub(super) client: AuthenticationClient,
    pub(super) policy: Policy,
    pub(super) clock: Arc<dyn Clock>,
}

impl TokenProviderBuilder {
    /// How long before expiry a token stops being handed out (default 30 s; at most a quarter of
    /// the token's lifetime), so that it is still valid when it reaches the API.
    pub fn expiry_margin(mut self, margin: Duration) -> Self {
        self.policy.margin = margin;
        self
    }

    /// How long before expiry, at least, a refresh starts (default 60 s). A tenth of the token's
    /// lifetime is used when longer; half of it at most; never less than the
    /// [expiry margin](Self::expiry_margin).
    pub fn refresh_ahead(mut self, at_least: Duration) -> Self {
        self.policy.min_ahead = at_least;
        self
    }

    /// The back-off after failed requests: the first wait (default 1 s, at least 1 ms), doubling
    /// with each failure in a row, up to `max` (default 60 s; at least `initial`). Each wait is
    /// drawn between half of its step and all of it.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        let initial = initial.max(Duration::from_millis(1));
        self.policy.backoff_initial = initial;
        self.policy.backoff_max = max.max(initial);
        self
    }

    /// The clock for lifetimes and back-off (default the system's monotonic clock); a
    /// [`ManualClock`](crate::jwks::ManualClock) lets tests step through expiry.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The provider.
    pub fn build(self) -> TokenProvider {
        TokenProvider {
            inner: Arc::new(Inner {
                client: self.client,
                policy: self.policy,
                clock: self.clock,
                entries: Mutex::new(Entries::default()),
                next_flight: AtomicU64::new(0),
                counters: Counters::default(),
            }),
        }
    }
}

impl fmt::Debug for TokenProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenProviderBuilder")
            .field("client", &self.client)
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .finish()
    }
}
