//! The verifier's two token caches seen from the verifier: the lookup, what is remembered of
//! a verified token and of a refusal, and the metrics.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde::de::DeserializeOwned;

use super::AccessTokenVerifier;
use crate::error::{ErrorKind, VerifyError};
use crate::verify::cache::{CacheMetrics, Lookup, Span, Tail, TokenKey, TokenKeys, Whole};
use crate::verify::claims::Claims;

/// Bytes of a cached `Claims` besides its strings (the struct, `Vec`s, the `Arc`).
const CLAIMS_OVERHEAD: usize = 512;

/// How long a refusal is remembered (it is forgotten sooner when the issuer's keys change).
const REFUSAL_TTL_SECS: i64 = 300;

impl<C> AccessTokenVerifier<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    pub(super) fn cached(&self, key: impl Lookup<Tail>) -> Option<Arc<Claims<C>>> {
        let inner = &*self.inner;
        inner
            .cache
            .as_ref()?
            .get(key, inner.clock.now_unix(), |i| self.generation(i))
    }

    /// The token's key in the verified-token cache, for this request's lookup and insert.
    pub(super) fn token_key<'t>(&self, token: &'t str) -> TokenKey<'t, Tail> {
        self.key_of(token)
    }

    /// Both of the token's keys, once the verified-token cache has missed: the refusal cache's
    /// hashes the whole token.
    pub(super) fn token_keys<'t>(&self, verified: TokenKey<'t, Tail>) -> TokenKeys<'t> {
        TokenKeys {
            verified,
            refused: self.key_of(verified.token()),
        }
    }

    /// The token's key for the caches of span `S` (unhashed with the caches off).
    fn key_of<'t, S: Span>(&self, token: &'t str) -> TokenKey<'t, S> {
        match &self.inner.keys {
            Some(keys) => keys.key(token),
            None => TokenKey::unhashed(token),
        }
    }

    /// Remembers verified claims until `valid_until` (the cache is off: nothing).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn remember_claims(
        &self,
        token_key: TokenKey<'_, Tail>,
        claims: &Arc<Claims<C>>,
        payload_len: usize,
        valid_until: i64,
        index: usize,
        generation: u64,
        now: i64,
    ) {
        if let Some(cache) = &self.inner.cache {
            cache.insert(
                token_key,
                Arc::clone(claims),
                // The claims' strings take about what their JSON took, plus the structs.
                payload_len.saturating_add(CLAIMS_OVERHEAD),
                valid_until,
                index,
                generation,
                now,
            );
        }
    }

    /// Remembers a refusal that replaying the same token under the same keys would repeat (a
    /// bad signature, and claims that can only stay wrong), so that a replay costs a lookup.
    pub(super) fn remember_refusal(
        &self,
        key: TokenKey<'_, Whole>,
        kind: ErrorKind,
        index: usize,
        generation: u64,
        now: i64,
    ) -> VerifyError {
        let lasting = matches!(
            kind,
            ErrorKind::Signature
                | ErrorKind::Expired
                | ErrorKind::TooOld
                | ErrorKind::Audience
                | ErrorKind::Organization
                | ErrorKind::MissingClaim(_)
        );
        if lasting && let Some(refusals) = &self.inner.refusals {
            refusals.insert(
                key,
                kind.clone(),
                0,
                now.saturating_add(REFUSAL_TTL_SECS),
                index,
                generation,
                now,
            );
        }
        kind.into()
    }
}

impl<C> AccessTokenVerifier<C> {
    pub(super) fn generation(&self, index: usize) -> u64 {
        self.inner
            .issuers
            .get(index)
            .map_or(u64::MAX, |is| is.store.generation())
    }

    /// What the verified-token cache holds and how often it missed (all zero with the cache
    /// off).
    pub fn cache_metrics(&self) -> CacheMetrics {
        let inner = &*self.inner;
        let Some(cache) = &inner.cache else {
            return CacheMetrics::default();
        };
        cache.metrics(inner.misses.load(Ordering::Relaxed))
    }
}
