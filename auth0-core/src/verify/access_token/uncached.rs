//! The road of a token the verified-token cache does not hold: the refusal cache, the header
//! (read back when its segment is one already accepted), the signature under a loaded key or
//! after a fetch, then the claims.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde::de::DeserializeOwned;

use super::AccessTokenVerifier;
use super::policy::check_typ;
use crate::algorithm::Algorithm;
use crate::error::{ErrorKind, VerifyError};
use crate::jose;
use crate::jwks::set::KeySet;
use crate::verify::cache::{Tail, TokenKey, TokenKeys};
use crate::verify::claims::{Claims, RawClaims};

impl<C> AccessTokenVerifier<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    /// Verifies a token the cache does not hold.
    ///
    /// Work before the signature is linear in the token's length and small: the structure
    /// scan, the header (≤ 4 KiB; not decoded again when its segment is one already accepted),
    /// and, when the `kid` is already loaded for one issuer, nothing of the payload at all. The
    /// payload is decoded before the signature only when the key must be chosen (or fetched) by
    /// the token's `iss`, and then in one capped pass.
    pub(super) async fn verify_uncached(
        &self,
        token_key: TokenKey<'_, Tail>,
    ) -> Result<Arc<Claims<C>>, VerifyError> {
        let inner = &*self.inner;
        let keys = self.token_keys(token_key);
        let token = keys.token();
        let now = inner.clock.now_unix();
        if let Some(refusals) = &inner.refusals
            && let Some(kind) = refusals.get(keys.refused, now, |i| self.generation(i))
        {
            return Err(kind.into());
        }
        inner.misses.fetch_add(1, Ordering::Relaxed);
        let parts = jose::split(token)?;
        let (index, generation, payload) = match self.check_accepted_header(keys, &parts, now)? {
            Some(Loaded::Verified { index, generation }) => (index, generation, None),
            _ => self.check_new_header(keys, &parts, now).await?,
        };
        self.read_claims(keys, &parts, index, generation, payload, now)
    }

    /// The road of a token whose header segment is one already accepted: its `alg` and `kid`
    /// are read back, and the signature is checked when a loaded key set knows the `kid`.
    /// `None` when the header is not one of those (or its key is no longer loaded): the token
    /// then takes [`check_new_header`](Self::check_new_header), which decides exactly as it
    /// would have.
    fn check_accepted_header(
        &self,
        keys: TokenKeys<'_>,
        parts: &jose::Compact<'_>,
        now: i64,
    ) -> Result<Option<Loaded>, VerifyError> {
        self.inner
            .headers
            .with(parts.header, |header| {
                if parts.signature.is_empty() {
                    return Err(ErrorKind::Signature.into());
                }
                self.check_with_loaded_keys(keys, parts, header.alg, &header.kid, now)
            })
            .transpose()
    }

    /// Decodes and checks the header, then checks the signature with the key its `kid` names,
    /// fetching the issuer's keys when they are not loaded. Returns the issuer's index, the key
    /// set's generation and, when the issuer had to be read from it, the decoded payload.
    async fn check_new_header(
        &self,
        keys: TokenKeys<'_>,
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
        let verified = match self.check_with_loaded_keys(keys, parts, alg, kid, now)? {
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
                    self.check_signature(keys, parts, &set, alg, kid, &signature, index, now)?;
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
        keys: TokenKeys<'_>,
        parts: &jose::Compact<'_>,
        index: usize,
        generation: u64,
        payload: Option<Vec<u8>>,
        now: i64,
    ) -> Result<Arc<Claims<C>>, VerifyError> {
        let inner = &*self.inner;
        let read = |payload: &[u8]| {
            jose::read_claims::<RawClaims<C>>(payload).map(|raw| (raw, payload.len()))
        };
        let (raw, payload_len) = match payload {
            Some(payload) => read(&payload)?,
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
                    keys.refused,
                    e.kind().clone(),
                    index,
                    generation,
                    now,
                ));
            }
        };
        let claims = Arc::new(claims);
        self.remember_claims(
            keys.verified,
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
        keys: TokenKeys<'_>,
        parts: &jose::Compact<'_>,
        alg: Algorithm,
        kid: &str,
        now: i64,
    ) -> Result<Loaded, VerifyError> {
        jose::with_signature(parts.signature, |signature| {
            match self.loaded_keys_for(kid) {
                Some((index, set)) => {
                    let generation =
                        self.check_signature(keys, parts, &set, alg, kid, signature, index, now)?;
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
        keys: TokenKeys<'_>,
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
                keys.refused,
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
