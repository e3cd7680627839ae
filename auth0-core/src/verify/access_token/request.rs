//! The request side of the access-token verifier: what it needs of an HTTP request
//! ([`RequestTarget`]), the `Authorization` and cookie credentials, the DPoP proof and its
//! `htu`, and the answer from the caches without waiting.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::AccessTokenVerifier;
use crate::bearer::{Scheme, check_b64token, check_token68, split_credentials};
use crate::cookie::cookie_value;
use crate::error::{ErrorKind, VerifyError};
use crate::verify::claims::Claims;
use crate::verify::dpop::{DpopMode, ProofTarget};

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
    /// [`dpop_base_url`](super::AccessTokenVerifierBuilder::dpop_base_url)).
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

/// What a request presents, once its credentials are read under the verifier's DPoP mode.
enum Credentials<'a> {
    /// Refused before any token is looked at (none, several, malformed, a scheme the mode does
    /// not accept).
    Refused(VerifyError),
    /// A bearer token (from the header or the cookie).
    Bearer(&'a [u8]),
    /// A token of the `DPoP` scheme, with its proof still to check.
    Dpop(&'a [u8]),
}

impl<C> AccessTokenVerifier<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    /// Verifies a request: the `Authorization` header values (the `Bearer` scheme, and the
    /// `DPoP` scheme when [DPoP](super::AccessTokenVerifierBuilder::dpop) is enabled), the `DPoP`
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
        let credentials = self.credentials(authorization_values);
        self.verify_credentials(target, credentials, dpop_values)
            .await
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
        let credentials =
            self.credentials_with_cookie(authorization_values, cookie_name, cookie_values);
        self.verify_credentials(target, credentials, dpop_values)
            .await
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
        self.cached_credentials(self.credentials(authorization_values))
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
        let credentials =
            self.credentials_with_cookie(authorization_values, cookie_name, cookie_values);
        self.cached_credentials(credentials)
    }

    /// The request's credentials from its `Authorization` values, under this verifier's DPoP
    /// mode: a scheme the mode does not accept counts as no credentials.
    fn credentials<'a, A>(&self, authorization_values: A) -> Credentials<'a>
    where
        A: IntoIterator<Item = &'a [u8]>,
    {
        let (scheme, raw) = match split_credentials(authorization_values) {
            Ok(credentials) => credentials,
            Err(error) => return Credentials::Refused(error),
        };
        match (scheme, self.inner.dpop.mode) {
            (Scheme::Bearer, DpopMode::Required) | (Scheme::DPoP, DpopMode::Disabled) => {
                Credentials::Refused(ErrorKind::MissingCredentials.into())
            }
            (Scheme::Bearer, _) => Credentials::Bearer(raw),
            (Scheme::DPoP, _) => Credentials::Dpop(raw),
        }
    }

    /// [`credentials`](Self::credentials), or without any `Authorization` value the bearer
    /// token of the cookie `cookie_name`.
    fn credentials_with_cookie<'a, A, K>(
        &self,
        authorization_values: A,
        cookie_name: &str,
        cookie_values: K,
    ) -> Credentials<'a>
    where
        A: IntoIterator<Item = &'a [u8]>,
        K: IntoIterator<Item = &'a [u8]>,
    {
        let mut authorization = authorization_values.into_iter().peekable();
        if authorization.peek().is_some() {
            return self.credentials(authorization);
        }
        match cookie_value(cookie_values, cookie_name) {
            Ok(Some(_)) if self.inner.dpop.mode == DpopMode::Required => {
                Credentials::Refused(ErrorKind::MissingCredentials.into())
            }
            Ok(Some(raw)) => Credentials::Bearer(raw),
            Ok(None) => Credentials::Refused(ErrorKind::MissingCredentials.into()),
            Err(error) => Credentials::Refused(error),
        }
    }

    /// Verifies the credentials of a request.
    async fn verify_credentials<'a, D>(
        &self,
        target: RequestTarget<'_>,
        credentials: Credentials<'_>,
        dpop_values: D,
    ) -> Result<Arc<Claims<C>>, VerifyError>
    where
        D: IntoIterator<Item = &'a [u8]>,
    {
        match credentials {
            Credentials::Refused(error) => Err(error),
            Credentials::Bearer(raw) => self.verify_bearer(raw).await,
            Credentials::Dpop(raw) => self
                .verify_dpop(target, raw, dpop_values)
                .await
                .map_err(VerifyError::with_dpop_scheme),
        }
    }

    /// The credentials' answer from the caches, when they hold it (never for DPoP, whose proof
    /// is checked on every request).
    fn cached_credentials(
        &self,
        credentials: Credentials<'_>,
    ) -> Option<Result<Arc<Claims<C>>, VerifyError>> {
        match credentials {
            Credentials::Refused(error) => Some(Err(error)),
            Credentials::Bearer(raw) => self.cached_bearer(raw),
            Credentials::Dpop(_) => None,
        }
    }

    /// A bearer token's answer from the caches: its claims (with the binding and scope checks
    /// of [`verify_bearer`](Self::verify_bearer)), or its remembered refusal.
    fn cached_bearer(&self, raw: &[u8]) -> Option<Result<Arc<Claims<C>>, VerifyError>> {
        if let Err(refused) = self.check_length(raw.len()) {
            return Some(Err(refused));
        }
        let inner = &*self.inner;
        let keys = inner.keys.as_ref()?;
        if let Some(claims) = self.cached(keys.raw_key(raw)) {
            return Some(self.bearer_checks(claims));
        }
        let refusals = inner.refusals.as_ref()?;
        let kind = refusals.get(keys.raw_key(raw), inner.clock.now_unix(), |i| {
            self.generation(i)
        })?;
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
        self.check_length(raw.len())?;
        let Ok(token) = std::str::from_utf8(raw) else {
            // Not UTF-8, so not a `b64token` either: refused by the scan.
            let token = check_token68(raw)?;
            return Ok((token, self.verify_uncached(self.token_key(token)).await?));
        };
        let key = self.token_key(token);
        if let Some(hit) = self.cached(key) {
            return Ok((token, hit));
        }
        check_b64token(raw)?;
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
}
