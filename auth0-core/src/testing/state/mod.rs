//! What the server tasks share with the tenant's handle: `Shared` (the fixed settings and the
//! counters) and, under its lock, `State` (keys, JWKS overrides, faults, the settings of
//! `/oauth/token` and the login flow's state). The login flow's part is in `login.rs`, its
//! users in `users.rs`.

mod bounded;
pub(super) mod login;
pub(super) mod users;

use std::sync::atomic::AtomicUsize;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::defaults::DEFAULT_SUBJECT;
use super::faults::JwksFault;
use super::keys::TestKey;
use super::mint::TokenBuilder;
use login::{Config, LoginState};

/// `expires_in` of issued tokens unless changed, as Auth0's default API token lifetime.
const TOKEN_LIFETIME: i64 = 86_400;

/// What the server tasks share with the [`TestTenant`](super::TestTenant) handle.
pub(crate) struct Shared {
    pub(crate) issuer: String,
    pub(crate) audience: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) default_scope: Option<String>,
    pub(crate) state: Mutex<State>,
    pub(crate) jwks_requests: AtomicUsize,
    pub(crate) token_requests: AtomicUsize,
    pub(crate) userinfo_requests: AtomicUsize,
    /// Wakes the token requests held by `hold_token_requests` when the endpoint changes.
    pub(crate) token_gate: tokio::sync::Notify,
    /// Users, allowed URLs and counters of the browser login flow.
    pub(crate) login: Config,
}

/// The mutable part; the lock is never held across an `.await`.
pub(crate) struct State {
    pub(crate) published: Vec<TestKey>,
    pub(crate) signing: TestKey,
    pub(crate) jwks_body: Option<String>,
    pub(crate) cache_control: Option<String>,
    pub(crate) fault: Option<JwksFault>,
    pub(crate) client_assertion_key: Option<TestKey>,
    pub(crate) token_endpoint: TokenEndpoint,
    /// Pending logins, codes, refresh tokens and pushed requests.
    pub(crate) login: LoginState,
    pub(crate) next_rsa: usize,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A token for this tenant, signed by the current signing key.
    pub(crate) fn token(&self) -> TokenBuilder {
        let signing = self.lock().signing.clone();
        TokenBuilder::new(&signing)
            .iss(self.issuer.clone())
            .sub(DEFAULT_SUBJECT)
            .aud(self.audience.clone())
            .claim("azp", &self.client_id)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer, path.trim_start_matches('/'))
    }
}

impl State {
    /// Adds a key, replacing a published key with the same `kid` in place.
    pub(crate) fn publish(&mut self, key: TestKey) {
        match self.published.iter_mut().find(|k| k.kid() == key.kid()) {
            Some(slot) => *slot = key,
            None => self.published.push(key),
        }
    }
}

/// How `/oauth/token` answers: the tenant's settings for the endpoint.
pub(crate) struct TokenEndpoint {
    pub(crate) lifetime: i64,
    pub(crate) extra_audiences: Vec<String>,
    pub(crate) fault: Option<TokenFault>,
}

impl TokenEndpoint {
    /// `expires_in` of issued access tokens, in seconds.
    pub(crate) fn lifetime(&self) -> i64 {
        self.lifetime
    }
}

impl Default for TokenEndpoint {
    fn default() -> Self {
        Self {
            lifetime: TOKEN_LIFETIME,
            extra_audiences: Vec::new(),
            fault: None,
        }
    }
}

#[derive(Clone)]
pub(crate) enum TokenFault {
    /// This status with Auth0's error body, and `Retry-After` (seconds) when set.
    Status(u16, Option<u64>),
    /// The request waits until the fault changes.
    Hold,
}
