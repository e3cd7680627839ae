//! The access-token verifier for APIs: configuration built once and validated at `build()`, a
//! per-issuer key store, and a hot path of bearer parse → cache lookup → (on miss) header
//! checks (or a header segment already accepted, read back), one `ArcSwap` load, one signature
//! check with a pre-parsed key, claims checks.
//!
//! Here: the verifier, its configuration and the cached road. Beside it: `uncached` (a token's
//! road from its bytes to its claims when the cache does not hold it), `request` (credentials,
//! DPoP, the request target), `caching` (what the two token caches remember), `headers` (the
//! header segments already accepted), `policy` (the token profile and the claims checks),
//! `builder`.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::algorithm::Algorithm;
use crate::error::{ErrorKind, VerifyError};
use crate::jwks::{Clock, KeyStore, KeyStoreMetrics};
use crate::outcome::Outcome;
use crate::verify::cache::{Tail, TokenCache, TokenHasher, Whole};
use crate::verify::claims::{Claims, ExtraClaims};
use crate::verify::dpop::{Dpop, DpopMode};
use crate::verify::scopes::RequiredScopes;

mod answers;
mod builder;
mod caching;
mod headers;
mod policy;
mod request;
mod uncached;
pub use answers::RefusalAnswers;
pub use builder::AccessTokenVerifierBuilder;
use headers::AcceptedHeaders;
pub use policy::TokenProfile;
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
    cache: Option<TokenCache<Arc<Claims<C>>, Tail>>,
    /// Hashes presented tokens: their end for the verified-token cache, their whole for the
    /// refusal cache, which is only asked on a miss (`None` with the caches off: nothing to hash
    /// for).
    keys: Option<TokenHasher>,
    /// Recent refusals by full token, so that replaying a refused token costs a lookup.
    refusals: Option<TokenCache<ErrorKind, Whole>>,
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
