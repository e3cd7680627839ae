//! Configuration of the access-token verifier, validated once by `build()`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use super::{AccessTokenVerifier, Inner, Issuer, MAX_LEEWAY, TokenProfile};
use crate::algorithm::Algorithm;
use crate::bearer::MAX_TOKEN_LEN;
use crate::domain::TenantUrl;
use crate::jwks::{Clock, JwksOptions, KeyStore, SystemClock};
use crate::verify::cache::{TokenCache, TokenHasher};
use crate::verify::claims::ExtraClaims;
use crate::verify::config::ConfigError;
use crate::verify::dpop::{Dpop, DpopMode};
use crate::verify::replay::{MemoryReplayStore, ReplayStore};
use crate::verify::scopes::RequiredScopes;

/// Entries of the refusal cache (see [`AccessTokenVerifierBuilder::cache`]).
const REFUSAL_CAPACITY: usize = 1024;
/// Memory of the refusal cache: room for 256 tokens at the 16 KiB cap.
const REFUSAL_BYTES: u64 = 4 << 20;
/// The verified-token cache's default entry bound.
const CACHE_ENTRIES: usize = 10_000;
/// The verified-token cache's default memory bound.
const CACHE_BYTES: usize = 32 << 20;

/// Configuration of an [`AccessTokenVerifier`]; errors are reported by [`build`](Self::build).
#[must_use]
pub struct AccessTokenVerifierBuilder<C = ExtraClaims> {
    issuers: Vec<(String, String)>,
    errors: Vec<ConfigError>,
    audiences: Vec<String>,
    algorithms: Vec<Algorithm>,
    leeway: Duration,
    max_age: Option<Duration>,
    max_token_len: usize,
    profile: TokenProfile,
    required: Option<RequiredScopes>,
    organization: Option<String>,
    cache_capacity: usize,
    cache_bytes: usize,
    realm: Option<String>,
    clock: Arc<dyn Clock>,
    jwks_options: JwksOptions,
    seed: Option<String>,
    dpop_mode: DpopMode,
    dpop_algorithms: Vec<Algorithm>,
    dpop_base_url: Option<String>,
    dpop_window: (Duration, Duration),
    dpop_replay: Option<Arc<dyn ReplayStore>>,
    resource_metadata: Option<String>,
    _claims: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for AccessTokenVerifierBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessTokenVerifierBuilder")
            .field("issuers", &self.issuers)
            .field("audiences", &self.audiences)
            .finish_non_exhaustive()
    }
}

impl AccessTokenVerifierBuilder<ExtraClaims> {
    pub(super) fn new() -> Self {
        Self {
            issuers: Vec::new(),
            errors: Vec::new(),
            audiences: Vec::new(),
            algorithms: vec![Algorithm::RS256],
            leeway: Duration::from_secs(60),
            max_age: None,
            max_token_len: MAX_TOKEN_LEN,
            profile: TokenProfile::Auth0,
            required: None,
            organization: None,
            cache_capacity: CACHE_ENTRIES,
            cache_bytes: CACHE_BYTES,
            realm: None,
            clock: Arc::new(SystemClock),
            jwks_options: JwksOptions::default(),
            seed: None,
            dpop_mode: DpopMode::Disabled,
            dpop_algorithms: vec![Algorithm::ES256, Algorithm::PS256],
            dpop_base_url: None,
            dpop_window: (Duration::from_secs(300), Duration::from_secs(30)),
            dpop_replay: None,
            resource_metadata: None,
            _claims: PhantomData,
        }
    }
}

impl<C> AccessTokenVerifierBuilder<C> {
    /// Adds an Auth0 tenant or custom domain as an accepted issuer (`https://{domain}/`), with
    /// its own key store.
    pub fn issuer(mut self, domain: &str) -> Self {
        match TenantUrl::parse(domain) {
            Ok(t) => self.issuers.push((t.issuer(), t.jwks_url())),
            Err(e) => self.errors.push(e.into()),
        }
        self
    }

    /// Adds an issuer of another OpenID provider: `issuer` is compared exactly with `iss`;
    /// `jwks_url` must be https (or http on loopback) and on the issuer's host.
    pub fn oidc_issuer(mut self, issuer: &str, jwks_url: &str) -> Self {
        if issuer.is_empty() {
            self.errors.push(ConfigError::Empty("issuer"));
            return self;
        }
        let (issuer_url, jwks) = match (TenantUrl::endpoint(issuer), TenantUrl::endpoint(jwks_url))
        {
            (Ok(issuer_url), Ok(jwks)) => (issuer_url, jwks),
            (Err(e), _) | (_, Err(e)) => {
                self.errors
                    .push(crate::jwks::JwksError::InvalidUrl(e.to_string()).into());
                return self;
            }
        };
        if issuer_url.authority() != jwks.authority() || (issuer_url.is_https() && !jwks.is_https())
        {
            self.errors.push(
                crate::jwks::JwksError::Discovery("jwks_uri is not on the issuer's host").into(),
            );
        } else {
            self.issuers.push((issuer.to_owned(), jwks_url.to_owned()));
        }
        self
    }

    /// Adds an accepted audience (the API identifier). At least one is required.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Replaces the algorithm allowlist (default `RS256`).
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = algorithms.into_iter().collect();
        self
    }

    /// Clock-skew allowance for `exp`, `nbf` and `iat` (default 60 s, at most 300 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Refuses tokens issued longer ago than `max_age`.
    pub fn max_token_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// The longest token accepted, in bytes: at most, and by default, 16 KiB
    /// ([`MAX_TOKEN_LEN`](crate::bearer::MAX_TOKEN_LEN)). A longer token is refused as
    /// malformed before any of it is hashed, decoded or checked. Set it near the longest token
    /// your tenant issues: a flood of tokens at the limit then costs little more than a flood of
    /// ordinary bad signatures, while at 16 KiB each one makes the signature check hash 16 KiB.
    /// Behind nginx or Apache, whose default limit for one header line is 8 KiB, a longer
    /// token never arrives anyway.
    pub fn max_token_len(mut self, bytes: usize) -> Self {
        self.max_token_len = bytes;
        self
    }

    /// The token profile (default [`TokenProfile::Auth0`]).
    pub fn profile(mut self, profile: TokenProfile) -> Self {
        self.profile = profile;
        self
    }

    /// Scopes (or permissions) every token must carry, on every route (403 otherwise).
    pub fn require_scopes(mut self, required: RequiredScopes) -> Self {
        self.required = Some(required);
        self
    }

    /// Requires an organization: an `org_…` id is compared with `org_id`, anything else
    /// (lower-cased) with `org_name`.
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        let org: String = organization.into();
        let org = if org.starts_with("org_") {
            org
        } else {
            org.to_lowercase()
        };
        self.organization = Some(org);
        self
    }

    /// Turns the verified-token cache on (default: at most 10 000 entries and 32 MiB) or off.
    ///
    /// Its eviction keeps the tokens that clients reuse: a new token is on probation and leaves
    /// first unless it is presented again, so a stream of one-time tokens does not push out the
    /// hot ones. Each entry counts its token and claims against the memory bound.
    ///
    /// With it goes a small cache of refusals (1 024 entries): a token refused for a bad
    /// signature, or for claims that can only stay wrong (expired, wrong audience…), is refused
    /// again from memory when it is replayed under the same keys, instead of costing another
    /// signature check. A change of the issuer's keys forgets those refusals.
    pub fn cache(mut self, enabled: bool) -> Self {
        self.cache_capacity = if enabled { CACHE_ENTRIES } else { 0 };
        self
    }

    /// Sets the verified-token cache capacity (0 turns it off, and the refusal cache with it).
    pub fn cache_capacity(mut self, entries: usize) -> Self {
        self.cache_capacity = entries;
        self
    }

    /// Sets the verified-token cache's memory bound in bytes (default 32 MiB): tokens and
    /// their claims, estimated. Whichever of this and
    /// [`cache_capacity`](Self::cache_capacity) is reached first bounds the cache.
    pub fn cache_memory(mut self, bytes: usize) -> Self {
        self.cache_bytes = bytes;
        self
    }

    /// The `realm` of `WWW-Authenticate` challenges (default: the first audience).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// Injects a clock (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Key-store tunables (TTL, cooldown, timeouts, proxy…). Replaces all of them, including a
    /// proxy set before with [`proxy`](Self::proxy) or [`proxy_from_env`](Self::proxy_from_env).
    pub fn jwks_options(mut self, options: JwksOptions) -> Self {
        self.jwks_options = options;
        self
    }

    /// Fetches every issuer's keys through the HTTP proxy at `url` (default: direct, and no proxy
    /// variable is read): see [`JwksOptions::proxy`]. An unusable URL is reported by
    /// [`build`](Self::build) as [`JwksError::Proxy`](crate::jwks::JwksError::Proxy), without
    /// repeating it.
    pub fn proxy(mut self, url: &str) -> Self {
        self.jwks_options = self.jwks_options.proxy(url);
        self
    }

    /// Takes the key stores' proxy from `HTTP_PROXY` / `HTTPS_PROXY` / `ALL_PROXY` / `NO_PROXY`,
    /// read once by [`build`](Self::build): see [`JwksOptions::proxy_from_env`].
    pub fn proxy_from_env(mut self) -> Self {
        self.jwks_options = self.jwks_options.proxy_from_env();
        self
    }

    /// Seeds the first issuer's key store with a saved JWKS document (warm start).
    pub fn seed_jwks(mut self, jwks_json: impl Into<String>) -> Self {
        self.seed = Some(jwks_json.into());
        self
    }

    /// Accepts DPoP-bound tokens (RFC 9449): [`DpopMode::Allowed`] or [`DpopMode::Required`]
    /// (default [`DpopMode::Disabled`]).
    pub fn dpop(mut self, mode: DpopMode) -> Self {
        self.dpop_mode = mode;
        self
    }

    /// Algorithms accepted for DPoP proofs (default `ES256`, `PS256`).
    pub fn dpop_algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.dpop_algorithms = algorithms.into_iter().collect();
        self
    }

    /// The public scheme and authority of the API (`https://api.example.com`), against which a
    /// proof's `htu` is checked; without it the request's `Host` (and `https`) are used. Set it
    /// behind a proxy.
    pub fn dpop_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.dpop_base_url = Some(base_url.into().trim_end_matches('/').to_owned());
        self
    }

    /// How old a proof may be, and how far in the future its `iat` may lie (default 300 s and
    /// 30 s).
    pub fn dpop_proof_window(mut self, max_age: Duration, max_future: Duration) -> Self {
        self.dpop_window = (max_age, max_future);
        self
    }

    /// Where used proofs are remembered (default: a [`MemoryReplayStore`] of this verifier
    /// alone). Behind a load balancer give every instance one shared store, such as
    /// `RedisReplayStore` (feature `redis`), so that a proof accepted by one instance is refused
    /// by the others. When the store cannot answer, the proof is refused with a 503 (fail
    /// closed) unless the store is wrapped in [`FailOpen`](crate::verify::replay::FailOpen).
    pub fn dpop_replay_store(mut self, store: impl ReplayStore) -> Self {
        self.dpop_replay = Some(Arc::new(store));
        self
    }

    /// The URL of this API's RFC 9728 protected-resource metadata
    /// ([`metadata_url`](crate::resource_metadata::metadata_url) builds it from the API's base
    /// URL): every 401 challenge then names it as `resource_metadata="…"` (RFC 9728 §5.1), so
    /// that clients can discover the authorization server. An absolute `https` URL (`http`
    /// only on loopback) without fragment, quotes, backslashes, spaces or control characters;
    /// anything else is refused by [`build`](Self::build).
    pub fn resource_metadata_url(mut self, url: impl Into<String>) -> Self {
        self.resource_metadata = Some(url.into());
        self
    }

    /// Chooses the type that receives the custom claims.
    pub fn custom_claims<D>(self) -> AccessTokenVerifierBuilder<D> {
        AccessTokenVerifierBuilder {
            issuers: self.issuers,
            errors: self.errors,
            audiences: self.audiences,
            algorithms: self.algorithms,
            leeway: self.leeway,
            max_age: self.max_age,
            max_token_len: self.max_token_len,
            profile: self.profile,
            required: self.required,
            organization: self.organization,
            cache_capacity: self.cache_capacity,
            cache_bytes: self.cache_bytes,
            realm: self.realm,
            clock: self.clock,
            jwks_options: self.jwks_options,
            seed: self.seed,
            dpop_mode: self.dpop_mode,
            dpop_algorithms: self.dpop_algorithms,
            dpop_base_url: self.dpop_base_url,
            dpop_window: self.dpop_window,
            dpop_replay: self.dpop_replay,
            resource_metadata: self.resource_metadata,
            _claims: PhantomData,
        }
    }

    /// Validates the configuration and builds the verifier.
    ///
    /// # Errors
    /// The first configuration problem: a refused domain or URL, no audience, an empty
    /// algorithm list, a leeway over 300 s, a token length limit of 0 or over 16 KiB, an
    /// unusable seed document, an unusable proxy setting.
    pub fn build(mut self) -> Result<AccessTokenVerifier<C>, ConfigError> {
        if !self.errors.is_empty() {
            return Err(self.errors.swap_remove(0));
        }
        if self.issuers.is_empty() {
            return Err(ConfigError::Empty("issuer"));
        }
        if self.audiences.is_empty() {
            return Err(ConfigError::NoAudience);
        }
        if self.audiences.iter().any(String::is_empty) {
            return Err(ConfigError::Empty("audience"));
        }
        if self.algorithms.is_empty() {
            return Err(ConfigError::NoAlgorithm);
        }
        if self.leeway > MAX_LEEWAY {
            return Err(ConfigError::LeewayTooLarge(MAX_LEEWAY.as_secs()));
        }
        if !(1..=MAX_TOKEN_LEN).contains(&self.max_token_len) {
            return Err(ConfigError::TokenLengthLimit(MAX_TOKEN_LEN));
        }
        if self.dpop_mode != DpopMode::Disabled && self.dpop_algorithms.is_empty() {
            return Err(ConfigError::NoAlgorithm);
        }
        if self.organization.as_deref() == Some("") {
            return Err(ConfigError::Empty("organization"));
        }
        if let Some(url) = &self.resource_metadata {
            crate::resource_metadata::check_url(url).map_err(ConfigError::ResourceMetadataUrl)?;
        }
        self.algorithms.dedup();
        let mut issuers = Vec::with_capacity(self.issuers.len());
        for (id, jwks_url) in &self.issuers {
            if issuers.iter().any(|i: &Issuer| &i.id == id) {
                continue;
            }
            let store = KeyStore::with_clock(
                jwks_url,
                &self.algorithms,
                self.jwks_options.clone(),
                Arc::clone(&self.clock),
            )?;
            issuers.push(Issuer {
                id: id.clone(),
                store,
            });
        }
        if let (Some(seed), Some(first)) = (&self.seed, issuers.first()) {
            first.store.seed(seed)?;
        }
        let realm = self.realm.unwrap_or_else(|| self.audiences[0].clone());
        let replay = self
            .dpop_replay
            .unwrap_or_else(|| Arc::new(MemoryReplayStore::with_clock(Arc::clone(&self.clock))));
        let secs = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        Ok(AccessTokenVerifier {
            inner: Arc::new(Inner {
                issuers,
                audiences: self.audiences,
                algorithms: self.algorithms,
                leeway: secs(self.leeway),
                max_age: self.max_age.map(secs),
                max_token_len: self.max_token_len,
                profile: self.profile,
                required: self.required,
                organization: self.organization,
                cache: (self.cache_capacity > 0 && self.cache_bytes > 0)
                    .then(|| TokenCache::new(self.cache_capacity, self.cache_bytes as u64)),
                keys: (self.cache_capacity > 0 && self.cache_bytes > 0).then(TokenHasher::new),
                refusals: (self.cache_capacity > 0 && self.cache_bytes > 0)
                    .then(|| TokenCache::new(REFUSAL_CAPACITY, REFUSAL_BYTES)),
                misses: Default::default(),
                headers: super::AcceptedHeaders::new(),
                realm,
                clock: self.clock,
                dpop: Dpop::new(
                    self.dpop_mode,
                    self.dpop_algorithms,
                    secs(self.dpop_window.0),
                    secs(self.dpop_window.1),
                    replay,
                ),
                dpop_base_url: self.dpop_base_url,
                resource_metadata: self.resource_metadata,
            }),
        })
    }
}
