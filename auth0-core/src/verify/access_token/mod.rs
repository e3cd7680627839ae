//! The access-token verifier for APIs: configuration built once and validated at `build()`, a
//! per-issuer key store, and a hot path of bearer parse → cache lookup → (on miss) header
//! checks, one `ArcSwap` load, one signature check with a pre-parsed key, claims checks.
//!
//! Here: the verifier and the token's road from its bytes to its claims. Beside it:
//! `request` (credentials, DPoP, the request target), `caching` (what the two token caches
//! remember), `policy` (the token profile and the claims checks), `builder`.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::algorithm::Algorithm;
use crate::error::{ErrorKind, VerifyError};
use crate::jose;
use crate::jwks::set::KeySet;
use crate::jwks::{Clock, KeyStore, KeyStoreMetrics};
use crate::outcome::Outcome;
use crate::verify::cache::{TokenCache, TokenHasher, TokenKey};
use crate::verify::claims::{Claims, ExtraClaims, RawClaims};
use crate::verify::dpop::{Dpop, DpopMode};
use crate::verify::scopes::RequiredScopes;

mod answers;
mod builder;
mod caching;
mod headers;
mod policy;
mod request;
pub use answers::RefusalAnswers;
pub use builder::AccessTokenVerifierBuilder;
use headers::AcceptedHeaders;
pub use policy::TokenProfile;
use policy::check_typ;
pub use request::RequestTarget;

/// The largest leeway accepted.
pub const MAX_LEEWAY: Duration = Duration::from_secs(300);

/// Verifies Auth0 access tokens. Cheap to clone (an `Arc` inside); build it once and share it.
///
/// ```no_run
/// # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// use auth0_core::verify::AccessTokenVerifier;
/// let verifier = AccessTokenVerifier::builder("my-tenant.us.auth0.com")
///     .audience("https://api.example.com")
///     .build()?;
/// let claims = verifier.verify(token).await?;
/// println!("hello {}", claims.sub);
/// # Ok(()) }
/// ```
pub struct AccessTokenVerifier<C = ExtraClaims> {
    inner: Arc<Inner<C>>,
}

impl<C> Clone for AccessTokenVerifier<C> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Issuer {
    id: String,
    store: KeyStore,
}

struct Inner<C> {
    issuers: Vec<Issuer>,
    audiences: Vec<String>,
    algorithms: Vec<Algorithm>,
    leeway: i64,
    max_age: Option<i64>,
    /// The longest token accepted (at most `bearer::MAX_TOKEN_LEN`), checked before the token
    /// is hashed.
    max_token_len: usize,
    profile: TokenProfile,
    required: Option<RequiredScopes>,
    organization: Option<String>,
    cache: Option<TokenCache<Arc<Claims<C>>>>,
    /// Hashes each presented token once, for every cache lookup and insert of its request
    /// (`None` with the caches off: nothing to hash for).
    keys: Option<TokenHasher>,
    /// Recent refusals by full token, so that replaying a refused token costs a lookup.
    refusals: Option<TokenCache<ErrorKind>>,
    /// Tokens the verified-token cache did not hold (counted only off the hit path).
    misses: AtomicU64,
    /// Header segments of tokens that passed their signature check, read back without
    /// decoding them again.
    headers: AcceptedHeaders,
    realm: String,
    clock: Arc<dyn Clock>,
    dpop: Dpop,
    /// Scheme and authority the DPoP `htu` is checked against, when configured.
    dpop_base_url: Option<String>,
    /// The RFC 9728 metadata URL named by 401 challenges, when configured.
    resource_metadata: Option<String>,
}

impl<C> Inner<C> {
    fn outcome_with_realm(&self, error: &VerifyError, realm: &str) -> Outcome {
        let metadata = self.resource_metadata.as_deref();
        error.outcome_with(Some(realm), self.dpop.mode, &self.dpop.algs, metadata)
    }
}

impl AccessTokenVerifier {
    /// Starts a configuration for the tenant `domain` (`my-tenant.us.auth0.com`, or a URL with
    /// scheme; plain `http` only on loopback). Issuer `https://{domain}/`, JWKS at
    /// `https://{domain}/.well-known/jwks.json`.
    pub fn builder(domain: &str) -> AccessTokenVerifierBuilder<ExtraClaims> {
        AccessTokenVerifierBuilder::new().issuer(domain)
    }

    /// Starts a configuration with no issuer yet (add them with
    /// [`issuer`](AccessTokenVerifierBuilder::issuer) or
    /// [`oidc_issuer`](AccessTokenVerifierBuilder::oidc_issuer)).
    pub fn empty_builder() -> AccessTokenVerifierBuilder<ExtraClaims> {
        AccessTokenVerifierBuilder::new()
    }
}

impl<C> AccessTokenVerifier<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    /// Verifies a token (without the `Bearer ` prefix), then the verifier-wide scope
    /// requirement if one is configured.
    ///
    /// # Errors
    /// A [`VerifyError`] whose [`outcome`](VerifyError::outcome) is the HTTP answer.
    pub async fn verify(&self, token: &str) -> Result<Arc<Claims<C>>, VerifyError> {
        let claims = self.verify_token(token).await?;
        self.check_required(&claims)?;
        Ok(claims)
    }

    /// Refuses a token over the configured length before anything else looks at it.
    fn check_length(&self, len: usize) -> Result<(), VerifyError> {
        if len > self.inner.max_token_len {
            return Err(ErrorKind::Malformed.into());
        }
        Ok(())
    }

    fn check_required(&self, claims: &Claims<C>) -> Result<(), VerifyError> {
        match &self.inner.required {
            Some(required) => required.check(claims),
            None => Ok(()),
        }
    }

    async fn verify_token(&self, token: &str) -> Result<Arc<Claims<C>>, VerifyError> {
        self.check_length(token.len())?;
        let key = self.token_key(token);
        match self.cached(key) {
            Some(hit) => Ok(hit),
            None => self.verify_uncached(key).await,
        }
    }

    /// Verifies a token the cache does not hold.
    ///
    /// Work before the signature is linear in the token's length and small: the structure
    /// scan, the header (≤ 4 KiB), and, when the `kid` is already loaded for one issuer, nothing
    /// of the payload at all. The payload is decoded before the signature only when the key must
    /// be chosen (or fetched) by the token's `iss`, and then in one capped pass.
    async fn verify_uncached(
        &self,
        token_key: TokenKey<'_>,
    ) -> Result<Arc<Claims<C>>, VerifyError> {
        let inner = &*self.inner;
        let token = token_key.token();
        let now = inner.clock.now_unix();
        if let Some(refusals) = &inner.refusals
            && let Some(kind) = refusals.get(token_key, now, |i| self.generation(i))
        {
            return Err(kind.into());
        }
        inner.misses.fetch_add(1, Ordering::Relaxed);
        let parts = jose::split(token)?;
        let (index, generation, payload) =
            match self.check_accepted_header(token_key, &parts, now)? {
                Some(Loaded::Verified { index, generation }) => (index, generation, None),
                _ => self.check_new_header(token_key, &parts, now).await?,
            };
        self.read_claims(token_key, &parts, index, generation, payload, now)
    }

    /// The road of a token whose header segment is one already accepted: its `alg` and `kid`
    /// are read back, and the signature is checked when a loaded key set knows the `kid`.
    /// `None` when the header is not one of those (or its key is no longer loaded): the token
    /// then takes [`check_new_header`](Self::check_new_header), which decides exactly as it
    /// would have.
    fn check_accepted_header(
        &self,
        token_key: TokenKey<'_>,
        parts: &jose::Compact<'_>,
        now: i64,
    ) -> Result<Option<Loaded>, VerifyError> {
        self.inner
            .headers
            .with(parts.header, |header| {
                if parts.signature.is_empty() {
                    return Err(ErrorKind::Signature.into());
                }
                self.check_with_loaded_keys(token_key, parts, header.alg, &header.kid, now)
            })
            .transpose()
    }

    /// Decodes and checks the header, then checks the signature with the key its `kid` names,
    /// fetching the issuer's keys when they are not loaded. Returns the issuer's index, the key
    /// set's generation and, when the issuer had to be read from it, the decoded payload.
    async fn check_new_header(
        &self,
        token_key: TokenKey<'_>,
        parts: &jose::Compact<'_>,
        now: i64,
    ) -> Result<(usize, u64, Option<Vec<u8>>), VerifyError> {
        let inner = &*self.inner;
        let header = jose::parse_header(parts.header)?;
        let alg = Algorithm::from_name(&header.alg)
            .filter(|a| inner.algorithms.contains(a))
            .ok_or(ErrorKind::Algorithm)?;
        check_typ(inner.profile, header.typ.as_deref())?;
        let kid = header.kid.as_deref().ok_or(ErrorKind::MissingKeyId)?;
        if parts.signature.is_empty() {
            return Err(ErrorKind::Signature.into());
        }
        // Decoded (and its alphabet checked) before any key is looked up or fetched.
        let verified = match self.check_with_loaded_keys(token_key, parts, alg, kid, now)? {
            Loaded::Verified { index, generation } => (index, generation, None),
            Loaded::Missing(signature) => {
                // A kid no issuer knows and none may refetch for now is refused without
                // reading the payload: a flood of random kids costs a header parse each.
                if inner
                    .issuers
                    .iter()
                    .all(|i| i.store.refuses_unknown_kid(kid))
                {
                    return Err(ErrorKind::UnknownKey.into());
                }
                // The key is chosen by the token's issuer; an unknown issuer never causes a
                // fetch.
                let (payload, iss) = jose::read_issuer(parts.payload)?;
                let iss = iss.ok_or(ErrorKind::MissingClaim("iss"))?;
                let index = self.issuer_index(&iss).ok_or(ErrorKind::Issuer)?;
                let set = inner.issuers[index].store.keys_for(kid).await?;
                let generation =
                    self.check_signature(token_key, parts, &set, alg, kid, &signature, index, now)?;
                (index, generation, Some(payload))
            }
        };
        inner.headers.remember(parts.header, alg, kid);
        Ok(verified)
    }

    /// Reads the claims of a token whose signature is valid under the key set of the issuer at
    /// `index` (from `payload` when it is already decoded), and checks them.
    fn read_claims(
        &self,
        token_key: TokenKey<'_>,
        parts: &jose::Compact<'_>,
        index: usize,
        generation: u64,
        payload: Option<Vec<u8>>,
        now: i64,
    ) -> Result<Arc<Claims<C>>, VerifyError> {
        let inner = &*self.inner;
        let read = |payload: &str| {
            serde_json::from_str::<RawClaims<C>>(payload)
                .map(|raw| (raw, payload.len()))
                .map_err(|_| ErrorKind::InvalidClaim("claims"))
        };
        let (raw, payload_len) = match payload {
            Some(payload) => read(jose::check_unique_members(&payload)?)?,
            None => jose::with_payload(parts.payload, read)?,
        };
        // The key belongs to one issuer: the token must name that issuer (RFC 8725 §3.8).
        if raw.iss().ok_or(ErrorKind::MissingClaim("iss"))? != inner.issuers[index].id {
            return Err(ErrorKind::Issuer.into());
        }
        let claims = raw.into_claims()?;
        let valid_until = match self.check_claims(&claims, now) {
            Ok(until) => until,
            Err(e) => {
                return Err(self.remember_refusal(
                    token_key,
                    e.kind().clone(),
                    index,
                    generation,
                    now,
                ));
            }
        };
        let claims = Arc::new(claims);
        self.remember_claims(
            token_key,
            &claims,
            payload_len,
            valid_until,
            index,
            generation,
            now,
        );
        Ok(claims)
    }

    /// Decodes the signature (on the stack when it is of ordinary size) and, when a loaded key
    /// set knows `kid`, checks it right away; otherwise hands the decoded signature back for the
    /// road that may fetch keys. Synchronous, so that its buffer is not part of the future.
    fn check_with_loaded_keys(
        &self,
        token_key: TokenKey<'_>,
        parts: &jose::Compact<'_>,
        alg: Algorithm,
        kid: &str,
        now: i64,
    ) -> Result<Loaded, VerifyError> {
        jose::with_signature(parts.signature, |signature| {
            match self.loaded_keys_for(kid) {
                Some((index, set)) => {
                    let generation = self
                        .check_signature(token_key, parts, &set, alg, kid, signature, index, now)?;
                    Ok(Loaded::Verified { index, generation })
                }
                None => Ok(Loaded::Missing(signature.to_vec())),
            }
        })
    }

    /// Checks the signature with the key `kid` of `set` (the issuer at `index`); returns the
    /// set's generation.
    #[allow(clippy::too_many_arguments)]
    fn check_signature(
        &self,
        token_key: TokenKey<'_>,
        parts: &jose::Compact<'_>,
        set: &KeySet,
        alg: Algorithm,
        kid: &str,
        signature: &[u8],
        index: usize,
        now: i64,
    ) -> Result<u64, VerifyError> {
        let key = set.get(kid).ok_or(ErrorKind::UnknownKey)?;
        if key.alg != alg {
            return Err(ErrorKind::Algorithm.into());
        }
        let generation = set.generation;
        if !key.verify(parts.signing_input.as_bytes(), signature) {
            return Err(self.remember_refusal(
                token_key,
                ErrorKind::Signature,
                index,
                generation,
                now,
            ));
        }
        Ok(generation)
    }

    /// The issuer and loaded key set that know `kid`, when exactly one issuer does (several
    /// issuers sharing a `kid` leave the choice to the token's `iss`).
    fn loaded_keys_for(&self, kid: &str) -> Option<(usize, Arc<KeySet>)> {
        let mut found = None;
        for (index, issuer) in self.inner.issuers.iter().enumerate() {
            if let Some(set) = issuer.store.loaded_keys_for(kid) {
                if found.is_some() {
                    return None;
                }
                found = Some((index, set));
            }
        }
        found
    }

    fn issuer_index(&self, iss: &str) -> Option<usize> {
        self.inner.issuers.iter().position(|i| i.id == iss)
    }
}

/// What [`AccessTokenVerifier::check_with_loaded_keys`] found.
enum Loaded {
    /// The signature is valid under the loaded key set of the issuer at `index`.
    Verified { index: usize, generation: u64 },
    /// No loaded key set knows the `kid`: the decoded signature, for after a fetch.
    Missing(Vec<u8>),
}

impl<C> AccessTokenVerifier<C> {
    /// The HTTP answer for `error`, with this verifier's realm (and its DPoP challenge when
    /// DPoP is enabled).
    pub fn outcome(&self, error: &VerifyError) -> Outcome {
        self.outcome_with_realm(error, &self.inner.realm)
    }

    /// Like [`outcome`](Self::outcome) with another realm.
    pub fn outcome_with_realm(&self, error: &VerifyError, realm: &str) -> Outcome {
        self.inner.outcome_with_realm(error, realm)
    }

    /// The RFC 9728 protected-resource metadata URL that 401 challenges name
    /// (`resource_metadata="…"`), when configured with
    /// [`resource_metadata_url`](AccessTokenVerifierBuilder::resource_metadata_url).
    pub fn resource_metadata_url(&self) -> Option<&str> {
        self.inner.resource_metadata.as_deref()
    }

    /// The accepted issuers (`iss`), in configuration order.
    pub fn issuers(&self) -> impl Iterator<Item = &str> {
        self.inner.issuers.iter().map(|i| i.id.as_str())
    }

    /// Whether and how DPoP-bound tokens are accepted.
    pub fn dpop_mode(&self) -> DpopMode {
        self.inner.dpop.mode
    }

    /// The accepted DPoP proof algorithms.
    pub fn dpop_algorithms(&self) -> &[Algorithm] {
        &self.inner.dpop.algorithms
    }

    /// The `realm` of this verifier's challenges (by default the first audience).
    pub fn realm(&self) -> &str {
        &self.inner.realm
    }

    /// The configured issuers with their key stores (metrics, warm-up).
    pub fn key_stores(&self) -> impl Iterator<Item = (&str, &KeyStore)> {
        self.inner.issuers.iter().map(|i| (i.id.as_str(), &i.store))
    }

    /// Metrics of every key store, by issuer.
    pub fn metrics(&self) -> Vec<(String, KeyStoreMetrics)> {
        self.key_stores()
            .map(|(i, s)| (i.to_owned(), s.metrics()))
            .collect()
    }

    /// Fetches every issuer's keys now, so that the first requests do not wait.
    ///
    /// # Errors
    /// The first fetch that failed.
    pub async fn warm_up(&self) -> Result<(), crate::jwks::JwksError> {
        for (_, store) in self.key_stores() {
            store.refresh().await?;
        }
        Ok(())
    }
}

impl<C> fmt::Debug for AccessTokenVerifier<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("AccessTokenVerifier")
            .field(
                "issuers",
                &i.issuers.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            )
            .field("audiences", &i.audiences)
            .field("algorithms", &i.algorithms)
            .field("leeway", &i.leeway)
            .field("profile", &i.profile)
            .field("cache", &i.cache.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, feature = "testing"))]
mod accepted_header_tests;
#[cfg(all(test, feature = "testing"))]
mod refusal_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::config::ConfigError;

    #[test]
    fn build_validates() {
        let err = |b: AccessTokenVerifierBuilder| b.build().unwrap_err();
        assert_eq!(
            err(AccessTokenVerifier::builder("t.auth0.com")),
            ConfigError::NoAudience
        );
        assert!(matches!(
            err(AccessTokenVerifier::builder("http://t.example").audience("a")),
            ConfigError::Domain(_)
        ));
        assert_eq!(
            err(AccessTokenVerifier::builder("t.auth0.com")
                .audience("a")
                .algorithms([])),
            ConfigError::NoAlgorithm
        );
        assert_eq!(
            err(AccessTokenVerifier::builder("t.auth0.com")
                .audience("a")
                .leeway(Duration::from_secs(301))),
            ConfigError::LeewayTooLarge(300)
        );
        assert!(matches!(
            err(AccessTokenVerifier::builder("t.auth0.com")
                .audience("a")
                .seed_jwks("{}")),
            ConfigError::Jwks(_)
        ));
        let v = AccessTokenVerifier::builder("t.auth0.com")
            .audience("a")
            .build()
            .unwrap();
        assert_eq!(v.realm(), "a");
        assert_eq!(v.key_stores().next().unwrap().0, "https://t.auth0.com/");
    }
}
