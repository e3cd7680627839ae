//! Where the DPoP `jti` replay cache lives (RFC 9449 §11.1).
//!
//! A DPoP proof is accepted once: its `jti`, scoped to the target URI (`htu`), is remembered
//! for the proof acceptance window, and a second request with the same proof is refused with
//! `400 invalid_dpop_proof`. The verifier asks a [`ReplayStore`] whether a proof is new:
//!
//! * [`MemoryReplayStore`], the default: one process, bounded (100 000 live entries; when it is
//!   full of live entries a new proof is refused rather than an old one forgotten). Behind a
//!   load balancer a proof accepted by one instance can be replayed on another.
//! * `RedisReplayStore` (cargo feature `redis`): one Redis shared by every instance
//!   (`SET key 1 NX PX ttl`), so a proof accepted anywhere is refused everywhere.
//! * Any other store, through the trait.
//!
//! The store only sees a [`ReplayKey`]: a SHA-256 of the `htu` and the `jti`, never the proof.
//!
//! # When the store cannot answer
//!
//! By default the verifier **fails closed**: a proof whose freshness cannot be checked (Redis
//! down, timed out) is refused with
//! [`ErrorKind::ReplayCheckUnavailable`](crate::ErrorKind::ReplayCheckUnavailable), answered
//! as `503 Service Unavailable` with `Retry-After`, like a verifier that cannot obtain its
//! signing keys. Wrapping the store in [`FailOpen`] accepts such proofs instead and only logs
//! a warning: availability over replay protection while the store is down.
//!
//! ```
//! use std::sync::Arc;
//! use auth0_core::verify::replay::{FailOpen, MemoryReplayStore};
//! use auth0_core::{AccessTokenVerifier, DpopMode};
//!
//! // Two verifiers of one process sharing one cache; fail-open only for the example.
//! let store = Arc::new(MemoryReplayStore::new());
//! let build = || {
//!     AccessTokenVerifier::builder("example.eu.auth0.com")
//!         .audience("https://api.example.com")
//!         .dpop(DpopMode::Allowed)
//!         .dpop_replay_store(FailOpen::new(Arc::clone(&store)))
//!         .build()
//! };
//! let (a, b) = (build().unwrap(), build().unwrap());
//! # drop((a, b));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::jwks::{Clock, SystemClock};

#[cfg(feature = "redis")]
mod redis_store;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis_store::RedisReplayStore;

/// Live entries kept by a [`MemoryReplayStore`].
const MEMORY_CAPACITY: usize = 100_000;

/// The identity of a proof in a [`ReplayStore`]: SHA-256 of its target URI and its `jti`.
///
/// ```
/// use auth0_core::verify::replay::ReplayKey;
/// let key = ReplayKey::new("https://api.example.com/orders", "e1j3V_bKic8-LAEB");
/// assert_eq!(key.to_hex().len(), 64);
/// assert_ne!(key, ReplayKey::new("https://api.example.com/other", "e1j3V_bKic8-LAEB"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplayKey([u8; 32]);

impl ReplayKey {
    /// The key of the proof `jti` for the target URI `htu`.
    pub fn new(htu: &str, jti: &str) -> Self {
        let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        // Length-prefixed, so that no other (htu, jti) pair gives the same input.
        ctx.update(&(htu.len() as u64).to_be_bytes());
        ctx.update(htu.as_bytes());
        ctx.update(jti.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        Self(out)
    }

    /// The 32 bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The hash in lower-case hexadecimal (64 characters).
    pub fn to_hex(&self) -> String {
        use fmt::Write as _;
        self.0.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
}

impl fmt::Debug for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReplayKey({})", self.to_hex())
    }
}

/// The answer of a [`ReplayStore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayCheck {
    /// The key was not live: it is now remembered, and the proof is accepted.
    Fresh,
    /// The key is live (the proof was seen), or the store cannot remember one more key:
    /// the proof is refused.
    Replayed,
}

/// A [`ReplayStore`] could not tell whether a proof is new. Never holds credentials.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayStoreError {
    /// The store did not answer within its timeout.
    #[error("the replay store did not answer in time")]
    Timeout,
    /// The store cannot be reached or refused the command; the text says why (no secrets).
    #[error("the replay store is unavailable: {0}")]
    Unavailable(String),
    /// The store's configuration is unusable (a malformed URL…).
    #[error("the replay store configuration is unusable: {0}")]
    Config(&'static str),
}

/// What [`ReplayStore::check_and_remember`] returns.
pub type ReplayFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ReplayCheck, ReplayStoreError>> + Send + 'a>>;

/// Remembers DPoP proofs for their acceptance window, possibly across processes.
///
/// ```
/// use std::time::Duration;
/// use auth0_core::verify::replay::{MemoryReplayStore, ReplayCheck, ReplayKey, ReplayStore};
/// # tokio_test_block_on(async {
/// let store = MemoryReplayStore::new();
/// let key = ReplayKey::new("https://api.example.com/orders", "jti-1");
/// let ttl = Duration::from_secs(331);
/// assert_eq!(store.check_and_remember(&key, ttl).await, Ok(ReplayCheck::Fresh));
/// assert_eq!(store.check_and_remember(&key, ttl).await, Ok(ReplayCheck::Replayed));
/// # });
/// # fn tokio_test_block_on(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub trait ReplayStore: Send + Sync + fmt::Debug + 'static {
    /// Atomically: answers [`ReplayCheck::Replayed`] when `key` is live, otherwise remembers it
    /// for `ttl` (at least) and answers [`ReplayCheck::Fresh`].
    ///
    /// # Errors
    /// [`ReplayStoreError`] when the store cannot answer; the verifier then refuses the proof
    /// with a 503, unless the store is wrapped in [`FailOpen`].
    fn check_and_remember<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> ReplayFuture<'a>;
}

impl<S: ReplayStore + ?Sized> ReplayStore for Arc<S> {
    fn check_and_remember<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> ReplayFuture<'a> {
        (**self).check_and_remember(key, ttl)
    }
}

/// The in-process replay cache, the verifier's default: at most 100 000 live keys, expired
/// keys swept when it is full; full of live keys, it refuses new proofs
/// ([`ReplayCheck::Replayed`]) rather than forget a live one. Share one between verifiers of a
/// process with an `Arc`; for several processes use a shared store such as `RedisReplayStore`.
pub struct MemoryReplayStore {
    clock: Arc<dyn Clock>,
    /// Key → Unix second from which the key is forgotten.
    seen: Mutex<HashMap<ReplayKey, i64, foldhash::fast::RandomState>>,
    capacity: usize,
}

impl MemoryReplayStore {
    /// An empty store on the system clock.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }

    /// An empty store on `clock` (the verifier gives its default store its own clock).
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            seen: Mutex::new(HashMap::default()),
            capacity: MEMORY_CAPACITY,
        }
    }

    fn check(&self, key: &ReplayKey, ttl: Duration) -> ReplayCheck {
        let now = self.clock.now_unix();
        let ttl = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.get(key).is_some_and(|until| *until > now) {
            return ReplayCheck::Replayed;
        }
        if seen.len() >= self.capacity {
            seen.retain(|_, until| *until > now);
            if seen.len() >= self.capacity {
                // Full of live entries: refuse rather than forget (a forgotten jti could be replayed).
                return ReplayCheck::Replayed;
            }
        }
        seen.insert(*key, now.saturating_add(ttl));
        ReplayCheck::Fresh
    }
}

impl Default for MemoryReplayStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayStore")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl ReplayStore for MemoryReplayStore {
    fn check_and_remember<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> ReplayFuture<'a> {
        Box::pin(std::future::ready(Ok(self.check(key, ttl))))
    }
}

/// Fail-open wrapper: when the inner store cannot answer, the proof is accepted as
/// [`ReplayCheck::Fresh`] and a warning is logged, instead of the request being refused with a
/// 503. While the store is down, proofs can then be replayed.
///
/// ```
/// use auth0_core::verify::replay::{FailOpen, MemoryReplayStore};
/// let store = FailOpen::new(MemoryReplayStore::new());
/// # drop(store);
/// ```
#[derive(Clone, Debug)]
pub struct FailOpen<S>(S);

impl<S: ReplayStore> FailOpen<S> {
    /// Wraps `store`.
    pub fn new(store: S) -> Self {
        Self(store)
    }
}

impl<S: ReplayStore> ReplayStore for FailOpen<S> {
    fn check_and_remember<'a>(&'a self, key: &'a ReplayKey, ttl: Duration) -> ReplayFuture<'a> {
        Box::pin(async move {
            match self.0.check_and_remember(key, ttl).await {
                Err(error) => {
                    tracing::warn!(%error, "DPoP replay store unavailable; proof accepted (fail-open)");
                    Ok(ReplayCheck::Fresh)
                }
                answer => answer,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwks::ManualClock;

    #[test]
    fn memory_store_forgets_after_ttl_and_is_bounded() {
        let clock = Arc::new(ManualClock::new(1_000));
        let mut store = MemoryReplayStore::with_clock(clock.clone());
        store.capacity = 2;
        let (a, b, c) = (
            ReplayKey::new("u", "a"),
            ReplayKey::new("u", "b"),
            ReplayKey::new("u", "c"),
        );
        let ttl = Duration::from_secs(10);
        assert_eq!(store.check(&a, ttl), ReplayCheck::Fresh);
        assert_eq!(store.check(&a, ttl), ReplayCheck::Replayed);
        assert_eq!(store.check(&b, Duration::from_secs(1)), ReplayCheck::Fresh);
        // Full of live keys: refused.
        assert_eq!(store.check(&c, ttl), ReplayCheck::Replayed);
        clock.advance(Duration::from_secs(1));
        // `b` expired and is swept; `a` is still live.
        assert_eq!(store.check(&c, ttl), ReplayCheck::Fresh);
        assert_eq!(store.check(&a, ttl), ReplayCheck::Replayed);
        clock.advance(Duration::from_secs(9));
        assert_eq!(store.check(&a, ttl), ReplayCheck::Fresh);
    }

    #[test]
    fn keys_are_scoped_per_uri() {
        assert_ne!(ReplayKey::new("ab", "c"), ReplayKey::new("a", "bc"));
        assert_eq!(ReplayKey::new("a", "b"), ReplayKey::new("a", "b"));
    }
}
