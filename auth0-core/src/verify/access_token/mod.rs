//! The access-token verifier for APIs: configuration built once and validated at `build()`, a
//! per-issuer key store, and a hot path of bearer parse → cache lookup → (on miss) header
//! checks, one `ArcSwap` load, one signature check with a pre-parsed key, claims checks.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::algorithm::Algorithm;
use crate::bearer::{Scheme, check_token68, split_credentials};
use crate::cookie::cookie_value;
use crate::jose;
use crate::jwks::{Clock, KeyStore, KeyStoreMetrics};
use crate::outcome::Outcome;
use crate::verify::cache::{CacheMetrics, TokenCache, TokenHasher, TokenKey};
use crate::verify::claims::{Claims, ExtraClaims, RawClaims};
use crate::verify::dpop::{Dpop, DpopMode, ProofTarget};
use crate::verify::error::{ErrorKind, VerifyError};
use crate::verify::scopes::RequiredScopes;

mod builder;
pub use builder::AccessTokenVerifierBuilder;

/// Bytes of a cached `Claims` besides its strings (the struct, `Vec`s, the `Arc`).
const CLAIMS_OVERHEAD: usize = 512;

/// How long a refusal is remembered (it is forgotten sooner when the issuer's keys change).
const REFUSAL_TTL_SECS: i64 = 300;

/// The largest leeway accepted.
pub const MAX_LEEWAY: Duration = Duration::from_secs(300);

/// Which access-token format the API expects (Auth0 API setting "Token Dialect").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenProfile {
    /// Auth0's default profile: `typ` absent, `JWT` or `at+jwt`; `azp`; optional `permissions`.
    #[default]
    Auth0,
    /// RFC 9068: `typ` `at+jwt`, and `client_id` and `jti` required.
    Rfc9068,
}

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
    profile: TokenProfile,
    required: Option<RequiredScopes>,
    organization: Option<String>,
    cache: Option<TokenCache<Arc<Claims<C>>>>,
    /// Hashes each presented token once, for every cache lookup and insert of its request.
    keys: TokenHasher,
    /// Recent refusals by full token, so that replaying a refused token costs a lookup.
    refusals: Option<TokenCache<ErrorKind>>,
    /// Tokens the verified-token cache did not hold (counted only off the hit path).
    misses: AtomicU64,
    realm: String,
    clock: Arc<dyn Clock>,
    dpop: Dpop,
    /// Scheme and authority the DPoP `htu` is checked against, when configured.
    dpop_base_url: Option<String>,
    /// The RFC 9728 metadata URL named by 401 challenges, when configured.
    resource_metadata: Option<String>,
}

/// What the verifier needs of an HTTP request besides its headers: the method and the URL
/// the client called, for DPoP proofs (`htm`, `htu`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestTarget<'a> {
    method: &'a str,
    path: &'a str,
    host: Option<&'a str>,
    scheme: Option<&'a str>,
}

impl<'a> RequestTarget<'a> {
    /// The request method and path (without query).
    pub fn new(method: &'a str, path: &'a str) -> Self {
        Self {
            method,
            path,
            host: None,
            scheme: None,
        }
    }

    /// The `Host` the client used (ignored when the verifier has a
    /// [`dpop_base_url`](AccessTokenVerifierBuilder::dpop_base_url)).
    pub fn host(mut self, host: &'a str) -> Self {
        self.host = Some(host);
        self
    }

    /// The scheme the client used (default `https`).
    pub fn scheme(mut self, scheme: &'a str) -> Self {
        self.scheme = Some(scheme);
        self
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

    fn check_required(&self, claims: &Claims<C>) -> Result<(), VerifyError> {
        match &self.inner.required {
            Some(required) => required.check(claims),
            None => Ok(()),
        }
    }

    /// Verifies a request: the `Authorization` header values (the `Bearer` scheme, and the
    /// `DPoP` scheme when [DPoP](AccessTokenVerifierBuilder::dpop) is enabled), the `DPoP`
    /// proof header values and the request's method and URL. This is what the adapters call.
    ///
    /// A token bound to a key (`cnf.jkt`) is refused with the `Bearer` scheme; with the `DPoP`
    /// scheme the proof must verify and its key must be the bound key.
    ///
    /// # Errors
    /// A [`VerifyError`]; [`outcome`](Self::outcome) gives the HTTP answer, with the DPoP
    /// challenge when DPoP is enabled.
    pub async fn verify_request<'a, A, D>(
        &self,
        target: RequestTarget<'_>,
        authorization_values: A,
        dpop_values: D,
    ) -> Result<Arc<Claims<C>>, VerifyError>
    where
        A: IntoIterator<Item = &'a [u8]>,
        D: IntoIterator<Item = &'a [u8]>,
    {
        let mode = self.inner.dpop.mode;
        let (scheme, raw) = split_credentials(authorization_values)?;
        match (scheme, mode) {
            (Scheme::Bearer, DpopMode::Required) | (Scheme::DPoP, DpopMode::Disabled) => {
                Err(ErrorKind::MissingCredentials.into())
            }
            (Scheme::Bearer, _) => self.verify_bearer(raw).await,
            (Scheme::DPoP, _) => self
                .verify_dpop(target, raw, dpop_values)
                .await
                .map_err(VerifyError::with_dpop_scheme),
        }
    }

    /// Like [`verify_request`](Self::verify_request), taking the token from the cookie
    /// `cookie_name` (see [`cookie_token`](crate::cookie::cookie_token)) when the request has no
    /// `Authorization` header: for WebSocket upgrades and `EventSource` requests, on which a
    /// browser cannot set headers.
    ///
    /// * Any `Authorization` header, whatever its scheme, wins: the cookie is then not read.
    /// * The cookie's token is a bearer token: a DPoP-bound token in it is refused, and with
    ///   [`DpopMode::Required`] it counts as no credentials.
    /// * Refusals map exactly as for the header: no cookie → 401 bare, a duplicate or malformed
    ///   cookie → 400 `invalid_request`, a bad token → 401 `invalid_token`.
    ///
    /// A browser sends the cookie with cross-site requests too: see the [`cookie`](crate::cookie)
    /// module for the cookie attributes and endpoints this is safe with.
    ///
    /// # Errors
    /// As [`verify_request`](Self::verify_request).
    pub async fn verify_request_with_cookie<'a, A, D, K>(
        &self,
        target: RequestTarget<'_>,
        authorization_values: A,
        dpop_values: D,
        cookie_name: &str,
        cookie_values: K,
    ) -> Result<Arc<Claims<C>>, VerifyError>
    where
        A: IntoIterator<Item = &'a [u8]>,
        D: IntoIterator<Item = &'a [u8]>,
        K: IntoIterator<Item = &'a [u8]>,
    {
        let mut authorization = authorization_values.into_iter().peekable();
        if authorization.peek().is_some() {
            return self
                .verify_request(target, authorization, dpop_values)
                .await;
        }
        let Some(raw) = cookie_value(cookie_values, cookie_name)? else {
            return Err(ErrorKind::MissingCredentials.into());
        };
        if self.inner.dpop.mode == DpopMode::Required {
            return Err(ErrorKind::MissingCredentials.into());
        }
        self.verify_bearer(raw).await
    }

    /// Answers a request from the token caches without waiting, when they hold its answer:
    /// `Some` with the same result [`verify_request`](Self::verify_request) would give, `None`
    /// when the request needs `verify_request` (a token the caches do not hold, or the DPoP
    /// scheme, whose proof is checked on every request).
    ///
    /// The adapters call this first, so that a cached token costs no future and no
    /// allocation; the answers themselves are exactly those of `verify_request`.
    ///
    /// # Errors
    /// As [`verify_request`](Self::verify_request), for the requests it answers.
    pub fn verify_request_cached<'a, A>(
        &self,
        authorization_values: A,
    ) -> Option<Result<Arc<Claims<C>>, VerifyError>>
    where
        A: IntoIterator<Item = &'a [u8]>,
    {
        let (scheme, raw) = match split_credentials(authorization_values) {
            Ok(credentials) => credentials,
            Err(error) => return Some(Err(error)),
        };
        match (scheme, self.inner.dpop.mode) {
            (Scheme::Bearer, DpopMode::Required) | (Scheme::DPoP, DpopMode::Disabled) => {
                Some(Err(ErrorKind::MissingCredentials.into()))
            }
            (Scheme::Bearer, _) => self.cached_bearer(raw),
            (Scheme::DPoP, _) => None,
        }
    }

    /// Like [`verify_request_cached`](Self::verify_request_cached), for
    /// [`verify_request_with_cookie`](Self::verify_request_with_cookie).
    ///
    /// # Errors
    /// As [`verify_request_with_cookie`](Self::verify_request_with_cookie), for the requests
    /// it answers.
    pub fn verify_request_with_cookie_cached<'a, A, K>(
        &self,
        authorization_values: A,
        cookie_name: &str,
        cookie_values: K,
    ) -> Option<Result<Arc<Claims<C>>, VerifyError>>
    where
        A: IntoIterator<Item = &'a [u8]>,
        K: IntoIterator<Item = &'a [u8]>,
    {
        let mut authorization = authorization_values.into_iter().peekable();
        if authorization.peek().is_some() {
            return self.verify_request_cached(authorization);
        }
        let raw = match cookie_value(cookie_values, cookie_name) {
            Ok(Some(raw)) => raw,
            Ok(None) => return Some(Err(ErrorKind::MissingCredentials.into())),
            Err(error) => return Some(Err(error)),
        };
        if self.inner.dpop.mode == DpopMode::Required {
            return Some(Err(ErrorKind::MissingCredentials.into()));
        }
        self.cached_bearer(raw)
    }

    /// A bearer token's answer from the caches: its claims (with the binding and scope checks
    /// of [`verify_bearer`](Self::verify_bearer)), or its remembered refusal.
    fn cached_bearer(&self, raw: &[u8]) -> Option<Result<Arc<Claims<C>>, VerifyError>> {
        let token = std::str::from_utf8(raw).ok()?;
        let inner = &*self.inner;
        let key = inner.keys.key(token);
        if let Some(claims) = self.cached(key) {
            return Some(self.bearer_checks(claims));
        }
        let refusals = inner.refusals.as_ref()?;
        let kind = refusals.get(key, inner.clock.now_unix(), |i| self.generation(i))?;
        Some(Err(kind.into()))
    }

    /// What a bearer token's claims must pass after its signature: no key binding, and the
    /// verifier-wide scope requirement.
    fn bearer_checks(&self, claims: Arc<Claims<C>>) -> Result<Arc<Claims<C>>, VerifyError> {
        if claims.cnf.as_ref().is_some_and(|c| c.jkt.is_some()) {
            return Err(ErrorKind::DpopBinding.into());
        }
        self.check_required(&claims)?;
        Ok(claims)
    }

    /// A bearer token (header or cookie): verified, not bound to a key, with the verifier-wide
    /// scope requirement.
    async fn verify_bearer(&self, raw: &[u8]) -> Result<Arc<Claims<C>>, VerifyError> {
        let (_, claims) = self.token_claims(raw).await?;
        self.bearer_checks(claims)
    }

    /// The claims of a token taken from a header: a cache hit costs a lookup; a miss checks the
    /// `b64token` alphabet, then verifies.
    async fn token_claims<'t>(
        &self,
        raw: &'t [u8],
    ) -> Result<(&'t str, Arc<Claims<C>>), VerifyError> {
        let Ok(token) = std::str::from_utf8(raw) else {
            // Not UTF-8, so not a `b64token` either: refused by the scan.
            let token = check_token68(raw)?;
            return Ok((
                token,
                self.verify_uncached(self.inner.keys.key(token)).await?,
            ));
        };
        let key = self.inner.keys.key(token);
        if let Some(hit) = self.cached(key) {
            return Ok((token, hit));
        }
        check_token68(raw)?;
        Ok((token, self.verify_uncached(key).await?))
    }

    async fn verify_dpop<'a, D>(
        &self,
        target: RequestTarget<'_>,
        raw: &[u8],
        dpop_values: D,
    ) -> Result<Arc<Claims<C>>, VerifyError>
    where
        D: IntoIterator<Item = &'a [u8]>,
    {
        let mut proofs = dpop_values.into_iter();
        let (Some(proof), None) = (proofs.next(), proofs.next()) else {
            return Err(ErrorKind::MissingDpopProof.into());
        };
        let proof = std::str::from_utf8(proof).map_err(|_| ErrorKind::InvalidDpopProof)?;
        let (token, claims) = self.token_claims(raw).await?;
        let htu = self.htu(&target).ok_or(ErrorKind::InvalidDpopProof)?;
        let proof_target = ProofTarget {
            method: target.method,
            htu: &htu,
        };
        let now = self.inner.clock.now_unix();
        let jkt = self
            .inner
            .dpop
            .verify_proof(proof, token, &proof_target, now)
            .await?;
        if claims.cnf.as_ref().and_then(|c| c.jkt.as_deref()) != Some(jkt.as_str()) {
            return Err(ErrorKind::DpopBinding.into());
        }
        self.check_required(&claims)?;
        Ok(claims)
    }

    /// The URL a proof's `htu` must name.
    fn htu(&self, target: &RequestTarget<'_>) -> Option<String> {
        let path = if target.path.is_empty() {
            "/"
        } else {
            target.path
        };
        match &self.inner.dpop_base_url {
            Some(base) => Some(format!("{base}{path}")),
            None => {
                let host = target.host.filter(|h| !h.is_empty())?;
                Some(format!(
                    "{}://{host}{path}",
                    target.scheme.unwrap_or("https")
                ))
            }
        }
    }

    /// Parses the values of every `Authorization` header of a request (see
    /// [`bearer_token`](crate::bearer::bearer_token)) and verifies the token.
    ///
    /// # Errors
    /// [`ErrorKind::MissingCredentials`] without a bearer token, [`ErrorKind::MalformedRequest`]
    /// for a malformed header, otherwise as [`verify`](Self::verify).
    pub async fn verify_authorization<'a, I>(
        &self,
        authorization_values: I,
    ) -> Result<Arc<Claims<C>>, VerifyError>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        self.verify_request(
            RequestTarget::default(),
            authorization_values,
            std::iter::empty(),
        )
        .await
    }

    async fn verify_token(&self, token: &str) -> Result<Arc<Claims<C>>, VerifyError> {
        let key = self.inner.keys.key(token);
        match self.cached(key) {
            Some(hit) => Ok(hit),
            None => self.verify_uncached(key).await,
        }
    }

    fn cached(&self, key: TokenKey<'_>) -> Option<Arc<Claims<C>>> {
        let inner = &*self.inner;
        inner
            .cache
            .as_ref()?
            .get(key, inner.clock.now_unix(), |i| self.generation(i))
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
        let signature = jose::decode_signature(parts.signature)?;
        let (index, set, payload) = match self.loaded_keys_for(kid) {
            Some((index, set)) => (index, set, None),
            None => {
                // A kid no issuer knows and none may refetch for now is refused without reading
                // the payload: a flood of random kids costs a header parse each.
                if inner
                    .issuers
                    .iter()
                    .all(|i| i.store.refuses_unknown_kid(kid))
                {
                    return Err(ErrorKind::UnknownKey.into());
                }
                // The key is chosen by the token's issuer; an unknown issuer never causes a fetch.
                let (payload, iss) = jose::read_issuer(parts.payload)?;
                let iss = iss.ok_or(ErrorKind::MissingClaim("iss"))?;
                let index = self.issuer_index(&iss).ok_or(ErrorKind::Issuer)?;
                let set = inner.issuers[index].store.keys_for(kid).await?;
                (index, set, Some(payload))
            }
        };
        let key = set.get(kid).ok_or(ErrorKind::UnknownKey)?;
        if key.alg != alg {
            return Err(ErrorKind::Algorithm.into());
        }
        let generation = set.generation;
        if !key.verify(parts.signing_input.as_bytes(), &signature) {
            return Err(self.remember_refusal(
                token_key,
                ErrorKind::Signature,
                index,
                generation,
                now,
            ));
        }
        drop(set);
        let payload = match payload {
            Some(payload) => {
                jose::check_unique_members(&payload)?;
                payload
            }
            None => jose::decode_payload(parts.payload)?,
        };
        let payload_len = payload.len();
        let raw: RawClaims<C> =
            serde_json::from_slice(&payload).map_err(|_| ErrorKind::InvalidClaim("claims"))?;
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
        if let Some(cache) = &inner.cache {
            cache.insert(
                token_key,
                Arc::clone(&claims),
                // The claims' strings take about what their JSON took, plus the structs.
                payload_len.saturating_add(CLAIMS_OVERHEAD),
                valid_until,
                index,
                generation,
                now,
            );
        }
        Ok(claims)
    }

    /// The issuer and loaded key set that know `kid`, when exactly one issuer does (several
    /// issuers sharing a `kid` leave the choice to the token's `iss`).
    fn loaded_keys_for(&self, kid: &str) -> Option<(usize, Arc<crate::jwks::set::KeySet>)> {
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

    fn generation(&self, index: usize) -> u64 {
        self.inner
            .issuers
            .get(index)
            .map_or(u64::MAX, |is| is.store.generation())
    }

    /// Remembers a refusal that replaying the same token under the same keys would repeat (a
    /// bad signature, and claims that can only stay wrong), so that a replay costs a lookup.
    fn remember_refusal(
        &self,
        key: TokenKey<'_>,
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

    /// Checks the claims; returns the Unix second until which the token may be cached.
    fn check_claims(&self, c: &Claims<C>, now: i64) -> Result<i64, VerifyError> {
        let inner = &*self.inner;
        if !c.aud.iter().any(|a| inner.audiences.contains(a)) {
            return Err(ErrorKind::Audience.into());
        }
        if now >= c.exp.saturating_add(inner.leeway) {
            return Err(ErrorKind::Expired.into());
        }
        if c.nbf
            .is_some_and(|nbf| nbf > now.saturating_add(inner.leeway))
        {
            return Err(ErrorKind::NotYetValid.into());
        }
        if c.iat > now.saturating_add(inner.leeway) {
            return Err(ErrorKind::IssuedInFuture.into());
        }
        let mut valid_until = c.exp;
        if let Some(max_age) = inner.max_age {
            let limit = c.iat.saturating_add(max_age);
            if now > limit.saturating_add(inner.leeway) {
                return Err(ErrorKind::TooOld.into());
            }
            valid_until = valid_until.min(limit);
        }
        if inner.profile == TokenProfile::Rfc9068 {
            if c.client_id.is_none() {
                return Err(ErrorKind::MissingClaim("client_id").into());
            }
            if c.jti.is_none() {
                return Err(ErrorKind::MissingClaim("jti").into());
            }
        }
        if let Some(org) = &inner.organization {
            let ok = if org.starts_with("org_") {
                c.org_id.as_deref() == Some(org.as_str())
            } else {
                c.org_name.as_deref() == Some(org.as_str())
            };
            if !ok {
                return Err(ErrorKind::Organization.into());
            }
        }
        Ok(valid_until)
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
        let dpop = &self.inner.dpop;
        let metadata = self.inner.resource_metadata.as_deref();
        error.outcome_with(Some(realm), dpop.mode, &dpop.algs, metadata)
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

    /// What the verified-token cache holds and how often it missed (all zero with the cache
    /// off).
    pub fn cache_metrics(&self) -> CacheMetrics {
        let inner = &*self.inner;
        let Some(cache) = &inner.cache else {
            return CacheMetrics::default();
        };
        cache.metrics(inner.misses.load(Ordering::Relaxed))
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

/// `typ` per profile, compared as a media type (case-insensitive, optional `application/`).
fn check_typ(profile: TokenProfile, typ: Option<&str>) -> Result<(), ErrorKind> {
    let normalized = typ.map(|t| {
        let t = t.trim();
        let lower = t.to_ascii_lowercase();
        lower
            .strip_prefix("application/")
            .map(str::to_owned)
            .unwrap_or(lower)
    });
    let ok = matches!(
        (profile, normalized.as_deref()),
        (TokenProfile::Auth0, None | Some("jwt" | "at+jwt"))
            | (TokenProfile::Rfc9068, Some("at+jwt"))
    );
    if ok {
        Ok(())
    } else {
        Err(ErrorKind::TokenType)
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
mod refusal_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::config::ConfigError;

    #[test]
    fn typ_per_profile() {
        for t in [
            None,
            Some("JWT"),
            Some("jwt"),
            Some("at+jwt"),
            Some("application/at+jwt"),
        ] {
            assert!(check_typ(TokenProfile::Auth0, t).is_ok(), "{t:?}");
        }
        assert!(check_typ(TokenProfile::Auth0, Some("id_token+jwt")).is_err());
        assert!(check_typ(TokenProfile::Auth0, Some("dpop+jwt")).is_err());
        assert!(check_typ(TokenProfile::Rfc9068, Some("at+JWT")).is_ok());
        assert!(check_typ(TokenProfile::Rfc9068, Some("Application/at+jwt")).is_ok());
        assert!(check_typ(TokenProfile::Rfc9068, Some("JWT")).is_err());
        assert!(check_typ(TokenProfile::Rfc9068, None).is_err());
    }

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
