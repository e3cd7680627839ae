//! The per-issuer key store. The current [`KeySet`] lives in an `ArcSwap`: a request loads it
//! without a lock. Fetches are single-flight; refreshes start in the background before expiry;
//! unknown `kid`s may trigger a refetch only within a cooldown and a budget; a failed fetch never
//! replaces the good set; a cold outage backs off and answers 503 at once.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;

use crate::algorithm::Algorithm;
use crate::error::ErrorKind;
use crate::jwks::clock::{Clock, SystemClock};
use crate::jwks::error::JwksError;
use crate::jwks::fetch::{fetch, http_client};
use crate::jwks::options::JwksOptions;
use crate::jwks::set::KeySet;

/// A JWKS key store for one issuer. Cheap to clone (an `Arc` inside).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth0_core::{Algorithm, TenantUrl};
/// use auth0_core::jwks::{JwksOptions, KeyStore};
/// let tenant = TenantUrl::parse("my-tenant.us.auth0.com")?;
/// let store = KeyStore::new(&tenant.jwks_url(), &[Algorithm::RS256], JwksOptions::default())?;
/// store.refresh().await?; // optional warm-up
/// println!("{:?}", store.metrics());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct KeyStore {
    inner: Arc<Inner>,
}

struct Inner {
    url: String,
    client: reqwest::Client,
    opts: JwksOptions,
    allowed: Vec<Algorithm>,
    clock: Arc<dyn Clock>,
    current: ArcSwapOption<KeySet>,
    /// The generation of `current`, stored right after it: every cache hit reads it, and a
    /// plain atomic load costs less than a guarded load of the set.
    current_generation: AtomicU64,
    /// Serialises fetches; only the miss path and the background refresh touch it.
    fetch_lock: tokio::sync::Mutex<()>,
    /// Completed fetch attempts; a waiter that sees it move knows another fetch just ran.
    attempts: AtomicU64,
    refreshing: AtomicBool,
    /// Earliest next background refresh after a failed one, in nanoseconds after `created`;
    /// an atomic so that requests past the refresh point never take a lock.
    refresh_not_before: AtomicU64,
    created: Instant,
    /// Whether the latest fetch attempt succeeded: only a successful fetch proves a kid absent.
    last_fetch_ok: AtomicBool,
    state: Mutex<MissState>,
    fetches: AtomicU64,
    failures: AtomicU64,
    rejected_keys: AtomicU64,
}

/// Book-keeping of the miss path (never touched by a request whose `kid` is known).
#[derive(Default)]
struct MissState {
    last_unknown_kid_refetch: Option<Instant>,
    unknown_kid_refetches: VecDeque<Instant>,
    negative: HashMap<Box<str>, Instant, foldhash::fast::RandomState>,
    /// Earliest next attempt while no usable set exists, and the current back-off step.
    cold_retry_at: Option<Instant>,
    cold_backoff: Duration,
    /// Earliest next background refresh after a failed one, and its back-off step.
    refresh_backoff: Duration,
    generation: u64,
    /// A fetch is granted or under way: from an unknown-`kid` refetch's grant, or a fetch's
    /// start, until its set is stored (or it failed). Changed only with this state locked, so a
    /// reader holding the lock sees the grant and the set the fetch stored as one step.
    fetching: bool,
}

/// Counters a user can read or export.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyStoreMetrics {
    /// Fetch attempts made.
    pub fetches: u64,
    /// Fetch attempts that failed.
    pub failures: u64,
    /// Usable keys in the current set.
    pub keys: usize,
    /// Keys refused by the import filter, over all fetches.
    pub rejected_keys: u64,
    /// Age of the current set, if any.
    pub age: Option<Duration>,
    /// Changes whenever the key material changes.
    pub generation: u64,
}

impl KeyStore {
    /// A store fetching `jwks_url` (https, or http on a loopback host), keeping keys whose
    /// algorithm is in `algorithms`.
    ///
    /// # Errors
    /// An unacceptable URL, an empty algorithm list, or an HTTP client that cannot be built.
    pub fn new(
        jwks_url: &str,
        algorithms: &[Algorithm],
        options: JwksOptions,
    ) -> Result<Self, JwksError> {
        Self::with_clock(jwks_url, algorithms, options, Arc::new(SystemClock))
    }

    /// Like [`KeyStore::new`] with an injected clock (tests drive TTLs and cooldowns with it).
    ///
    /// # Errors
    /// As [`KeyStore::new`].
    pub fn with_clock(
        jwks_url: &str,
        algorithms: &[Algorithm],
        options: JwksOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, JwksError> {
        check_url(jwks_url)?;
        if algorithms.is_empty() {
            return Err(JwksError::InvalidUrl("no algorithm is allowed".into()));
        }
        let client = http_client(&options)?;
        let created = clock.now_instant();
        Ok(Self {
            inner: Arc::new(Inner {
                url: jwks_url.to_owned(),
                client,
                opts: options,
                allowed: algorithms.to_vec(),
                clock,
                current: ArcSwapOption::empty(),
                current_generation: AtomicU64::new(0),
                fetch_lock: tokio::sync::Mutex::new(()),
                attempts: AtomicU64::new(0),
                refreshing: AtomicBool::new(false),
                last_fetch_ok: AtomicBool::new(false),
                refresh_not_before: AtomicU64::new(0),
                created,
                state: Mutex::new(MissState::default()),
                fetches: AtomicU64::new(0),
                failures: AtomicU64::new(0),
                rejected_keys: AtomicU64::new(0),
            }),
        })
    }

    /// The JWKS URL.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// Seeds the store from a saved JWKS document (warm start); it counts as freshly fetched.
    ///
    /// # Errors
    /// The document is not a usable JWKS.
    pub fn seed(&self, jwks_json: &str) -> Result<usize, JwksError> {
        self.install(jwks_json.as_bytes(), None)
    }

    /// Fetches now, waiting for the result (warm-up, or an operator's forced refresh).
    ///
    /// # Errors
    /// The fetch or the import failed; the current set, if any, is kept.
    pub async fn refresh(&self) -> Result<usize, JwksError> {
        let _guard = self.inner.fetch_lock.lock().await;
        self.fetch_and_install().await
    }

    /// Current counters.
    pub fn metrics(&self) -> KeyStoreMetrics {
        let set = self.inner.current.load();
        let now = self.inner.clock.now_instant();
        KeyStoreMetrics {
            fetches: self.inner.fetches.load(Ordering::Relaxed),
            failures: self.inner.failures.load(Ordering::Relaxed),
            keys: set.as_ref().map_or(0, |s| s.len()),
            rejected_keys: self.inner.rejected_keys.load(Ordering::Relaxed),
            age: set
                .as_ref()
                .map(|s| now.saturating_duration_since(s.fetched_at)),
            generation: set.as_ref().map_or(0, |s| s.generation),
        }
    }

    /// The generation of the current set (0 before the first), read without a lock. It may
    /// lag a set being stored by that store's few instructions, which is the same as the
    /// reading request arriving a moment earlier.
    pub(crate) fn generation(&self) -> u64 {
        self.inner.current_generation.load(Ordering::Acquire)
    }

    /// The current key set if it is usable and knows `kid`; never waits and never fetches
    /// (a refresh ahead of expiry may be started in the background).
    pub(crate) fn loaded_keys_for(&self, kid: &str) -> Option<Arc<KeySet>> {
        let inner = &self.inner;
        let now = inner.clock.now_instant();
        let set = inner.current.load_full()?;
        if now >= set.expires_at() + inner.opts.max_stale || set.get(kid).is_none() {
            return None;
        }
        if now >= set.refresh_at() {
            self.spawn_refresh(now);
        }
        Some(set)
    }

    /// Whether a token with `kid` is sure to be refused as unknown right now, without reading
    /// anything else of it: the current set is usable and lacks `kid`, no fetch is under way,
    /// and no refetch may start for it (negative cache, cooldown or budget). Changes nothing.
    pub(crate) fn refuses_unknown_kid(&self, kid: &str) -> bool {
        let inner = &self.inner;
        let now = inner.clock.now_instant();
        let usable_without = inner.current.load().as_ref().is_some_and(|set| {
            now < set.expires_at() + inner.opts.max_stale && set.get(kid).is_none()
        });
        if !usable_without {
            return false;
        }
        // The flag, not the fetch lock: callers asking at the same moment would take each
        // other's hold of the lock for a fetch, and each one sent to the slow road decodes its
        // payload and queues on the lock, which under a flood sends the next ones there too.
        let state = self.state();
        if state.fetching {
            return false;
        }
        // A fetch that ended between the first read and the lock may have brought `kid`; it
        // stored its set before lowering the flag, so the set read now is the one it stored.
        if inner
            .current
            .load()
            .as_ref()
            .is_some_and(|set| set.get(kid).is_some())
        {
            return false;
        }
        let opts = &inner.opts;
        state.negative.get(kid).is_some_and(|until| *until > now)
            || state
                .last_unknown_kid_refetch
                .is_some_and(|t| now.saturating_duration_since(t) < opts.unknown_kid_cooldown)
            || state
                .unknown_kid_refetches
                .iter()
                .filter(|t| now.saturating_duration_since(**t) < Duration::from_secs(60))
                .count()
                >= opts.unknown_kid_budget
    }

    /// The key set to verify a token with `kid`: the current one when it knows `kid`, else after
    /// at most one (rate-limited, single-flight) refetch.
    pub(crate) async fn keys_for(&self, kid: &str) -> Result<Arc<KeySet>, ErrorKind> {
        let inner = &self.inner;
        let observed = inner.attempts.load(Ordering::Acquire);
        let now = inner.clock.now_instant();
        let current = inner.current.load_full();
        self.keys_for_after_reading(kid, current, observed, now)
            .await
    }

    /// [`keys_for`](Self::keys_for) once the current set has been read as `current`: another
    /// task's fetch may have replaced it since.
    async fn keys_for_after_reading(
        &self,
        kid: &str,
        current: Option<Arc<KeySet>>,
        observed: u64,
        now: Instant,
    ) -> Result<Arc<KeySet>, ErrorKind> {
        let inner = &self.inner;
        if let Some(set) = &current {
            let usable = now < set.expires_at() + inner.opts.max_stale;
            if usable && set.get(kid).is_some() {
                if now >= set.refresh_at() {
                    self.spawn_refresh(now);
                }
                return Ok(Arc::clone(set));
            }
            if usable {
                // The refetch is granted and run in one hold of the fetch lock. So once this
                // request holds it, every refetch granted before it has ended (typically the one
                // for a key just published, asked for by another request of the burst that
                // follows a rotation), and its keys are in `current`: read the set again before
                // asking for a refetch of its own. Granted outside the lock, a refetch could be
                // recorded and not yet begun, and a request refused a refetch because of it
                // would find no fetch to wait for.
                let _fetching = inner.fetch_lock.lock().await;
                if let Some(set) = inner.current.load_full()
                    && set.get(kid).is_some()
                {
                    return Ok(set);
                }
                let now = inner.clock.now_instant();
                if self.may_refetch_for_unknown_kid(kid, now) {
                    let _ = self.fetch_and_install().await;
                    return self.after_fetch(kid);
                }
                return Err(ErrorKind::UnknownKey);
            }
        }
        // No usable set: cold start, or stale beyond the limit.
        if let Some(wait) = self.cold_wait(now) {
            return Err(ErrorKind::KeysUnavailable {
                retry_after: ceil_secs(wait),
            });
        }
        self.fetch_single_flight(observed).await;
        self.after_fetch(kid)
    }

    fn after_fetch(&self, kid: &str) -> Result<Arc<KeySet>, ErrorKind> {
        let now = self.inner.clock.now_instant();
        match self.inner.current.load_full() {
            Some(set) if now < set.expires_at() + self.inner.opts.max_stale => {
                if set.get(kid).is_some() {
                    Ok(set)
                } else {
                    if self.inner.last_fetch_ok.load(Ordering::Acquire) {
                        self.remember_absent(kid, now);
                    }
                    Err(ErrorKind::UnknownKey)
                }
            }
            _ => Err(ErrorKind::KeysUnavailable {
                retry_after: self.cold_wait(now).map_or(1, ceil_secs),
            }),
        }
    }

    /// Runs one fetch unless another completed since `observed` (then its result is shared).
    async fn fetch_single_flight(&self, observed: u64) {
        let _guard = self.inner.fetch_lock.lock().await;
        if self.inner.attempts.load(Ordering::Acquire) != observed {
            return;
        }
        let _ = self.fetch_and_install().await;
    }

    /// Fetch + import + swap. Callers hold `fetch_lock`.
    async fn fetch_and_install(&self) -> Result<usize, JwksError> {
        let inner = &self.inner;
        // Lowered when this returns (the set stored) or when the fetch is dropped.
        let _fetching = FetchingFlag::raise(self);
        inner.fetches.fetch_add(1, Ordering::Relaxed);
        let result = match fetch(&inner.client, &inner.url, inner.opts.max_body).await {
            Ok(fetched) => self.install(&fetched.body, fetched.max_age),
            Err(e) => Err(e),
        };
        inner.last_fetch_ok.store(result.is_ok(), Ordering::Release);
        if let Err(e) = &result {
            inner.failures.fetch_add(1, Ordering::Relaxed);
            self.note_failure();
            tracing::warn!(target: "auth0::jwks", url = %inner.url, error = %e, "JWKS fetch failed; keeping the current key set");
        }
        inner.attempts.fetch_add(1, Ordering::Release);
        result
    }

    /// Imports a document and swaps it in, keeping the generation when the keys are the same.
    fn install(&self, body: &[u8], max_age: Option<Duration>) -> Result<usize, JwksError> {
        let inner = &self.inner;
        let now = inner.clock.now_instant();
        let ttl = inner.opts.clamp_ttl(max_age);
        let (mut set, rejected) =
            KeySet::import(body, &inner.allowed, inner.opts.max_keys, now, ttl)?;
        for r in &rejected {
            tracing::warn!(target: "auth0::jwks", url = %inner.url, kid = r.kid.as_deref().unwrap_or(""), reason = r.reason, "JWK refused");
        }
        inner
            .rejected_keys
            .fetch_add(rejected.len() as u64, Ordering::Relaxed);
        let mut state = self.state();
        let previous = inner.current.load();
        set.generation = match previous.as_ref() {
            Some(prev) if prev.same_keys(&set) => prev.generation,
            _ => {
                state.generation += 1;
                state.generation
            }
        };
        state.cold_retry_at = None;
        state.cold_backoff = Duration::ZERO;
        state.refresh_backoff = Duration::ZERO;
        inner.refresh_not_before.store(0, Ordering::Release);
        state.negative.clear();
        let keys = set.len();
        tracing::info!(target: "auth0::jwks", url = %inner.url, keys, ttl_secs = ttl.as_secs(), generation = set.generation, "JWKS loaded");
        let generation = set.generation;
        inner.current.store(Some(Arc::new(set)));
        inner
            .current_generation
            .store(generation, Ordering::Release);
        Ok(keys)
    }

    fn note_failure(&self) {
        let inner = &self.inner;
        let now = inner.clock.now_instant();
        let usable = inner
            .current
            .load()
            .as_ref()
            .is_some_and(|s| now < s.expires_at() + inner.opts.max_stale);
        let mut state = self.state();
        if usable {
            let (first, cap) = inner.opts.refresh_backoff;
            state.refresh_backoff = next_backoff(state.refresh_backoff, first, cap);
            let retry_at = now + jitter(state.refresh_backoff);
            inner
                .refresh_not_before
                .store(self.nanos_since_created(retry_at), Ordering::Release);
        } else {
            let (first, cap) = inner.opts.cold_backoff;
            state.cold_backoff = next_backoff(state.cold_backoff, first, cap);
            state.cold_retry_at = Some(now + state.cold_backoff);
        }
    }

    /// How long a cold store must still wait before its next attempt.
    fn cold_wait(&self, now: Instant) -> Option<Duration> {
        self.state()
            .cold_retry_at
            .filter(|t| *t > now)
            .map(|t| t - now)
    }

    /// Cooldown, budget and negative cache for refetches caused by unknown `kid`s. Grants the
    /// refetch (and records it) or refuses at once. Callers hold `fetch_lock` and run the
    /// refetch they are granted under the same hold, so a grant is never pending while the lock
    /// is free.
    fn may_refetch_for_unknown_kid(&self, kid: &str, now: Instant) -> bool {
        let opts = &self.inner.opts;
        let mut state = self.state();
        if state.negative.get(kid).is_some_and(|until| *until > now) {
            return false;
        }
        if state
            .last_unknown_kid_refetch
            .is_some_and(|t| now.saturating_duration_since(t) < opts.unknown_kid_cooldown)
        {
            return false;
        }
        while state
            .unknown_kid_refetches
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= Duration::from_secs(60))
        {
            state.unknown_kid_refetches.pop_front();
        }
        if state.unknown_kid_refetches.len() >= opts.unknown_kid_budget {
            return false;
        }
        state.last_unknown_kid_refetch = Some(now);
        state.unknown_kid_refetches.push_back(now);
        // Raised with the grant, so nobody sees the cooldown started without seeing the fetch.
        state.fetching = true;
        true
    }

    fn remember_absent(&self, kid: &str, now: Instant) {
        let opts = &self.inner.opts;
        let mut state = self.state();
        if state.negative.len() >= opts.negative_cache_size {
            state.negative.retain(|_, until| *until > now);
            if state.negative.len() >= opts.negative_cache_size {
                state.negative.clear();
            }
        }
        state
            .negative
            .insert(kid.into(), now + opts.negative_cache_ttl);
    }

    /// Starts a background refresh unless one runs or the refresh back-off says wait.
    fn spawn_refresh(&self, now: Instant) {
        if self.nanos_since_created(now) < self.inner.refresh_not_before.load(Ordering::Acquire) {
            return;
        }
        if self.inner.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            self.inner.refreshing.store(false, Ordering::Release);
            return;
        };
        let store = self.clone();
        let observed = self.inner.attempts.load(Ordering::Acquire);
        handle.spawn(async move {
            store.fetch_single_flight(observed).await;
            store.inner.refreshing.store(false, Ordering::Release);
        });
    }

    fn nanos_since_created(&self, t: Instant) -> u64 {
        u64::try_from(t.saturating_duration_since(self.inner.created).as_nanos())
            .unwrap_or(u64::MAX)
    }

    /// Stands for the end of a refetch granted by hand in a test.
    #[cfg(all(test, feature = "testing"))]
    fn end_of_granted_refetch_for_tests(&self) {
        drop(FetchingFlag(self));
    }

    fn state(&self) -> std::sync::MutexGuard<'_, MissState> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Holds [`MissState::fetching`] raised for the life of one fetch.
struct FetchingFlag<'a>(&'a KeyStore);

impl<'a> FetchingFlag<'a> {
    fn raise(store: &'a KeyStore) -> Self {
        store.state().fetching = true;
        Self(store)
    }
}

impl Drop for FetchingFlag<'_> {
    fn drop(&mut self) {
        self.0.state().fetching = false;
    }
}

#[cfg(all(test, feature = "testing"))]
#[path = "store_tests.rs"]
mod tests;

impl fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyStore")
            .field("url", &self.inner.url)
            .field("algorithms", &self.inner.allowed)
            .field("metrics", &self.metrics())
            .finish()
    }
}

/// https, or http on a loopback host; no user info, query or fragment.
fn check_url(url: &str) -> Result<(), JwksError> {
    crate::TenantUrl::endpoint(url)
        .map(drop)
        .map_err(|e| JwksError::InvalidUrl(e.to_string()))
}

fn next_backoff(current: Duration, first: Duration, cap: Duration) -> Duration {
    if current.is_zero() {
        first
    } else {
        (current * 2).min(cap)
    }
}

/// Up to 20 % random jitter, so that many instances do not refresh in lockstep.
fn jitter(d: Duration) -> Duration {
    let mut b = [0u8; 1];
    let _ = aws_lc_rs::rand::fill(&mut b);
    d + d.mul_f64(f64::from(b[0]) / 255.0 * 0.2)
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}
