//! What the verifier needs of an `http` request: its credentials (`Authorization`, `DPoP`) and
//! its target (method, path, `Host`, scheme), handed to core untouched.

use std::sync::Arc;

use auth0_core::{AccessTokenVerifier, Claims, RequestTarget, VerifyError};
use http::HeaderMap;
use http::header::{AUTHORIZATION, COOKIE, HOST, HeaderName, HeaderValue};
use http::request::Parts;
use serde::de::DeserializeOwned;

/// The `DPoP` request header (RFC 9449 §4.1), which carries the proof.
pub const DPOP: HeaderName = HeaderName::from_static("dpop");

/// The target of a request, for DPoP's `htm` and `htu` checks: the method, the path without
/// query, the `Host` header (or the URI's authority, as in HTTP/2) and the URI's scheme when it
/// has one (otherwise core assumes `https`).
///
/// Behind a proxy that changes the host or the scheme, configure
/// [`dpop_base_url`](auth0_core::AccessTokenVerifierBuilder::dpop_base_url): the host and scheme
/// of the request are then ignored.
#[must_use]
pub fn request_target(parts: &Parts) -> RequestTarget<'_> {
    let mut target = RequestTarget::new(parts.method.as_str(), parts.uri.path());
    let host = parts
        .headers
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| parts.uri.authority().map(|authority| authority.as_str()));
    if let Some(host) = host {
        target = target.host(host);
    }
    if let Some(scheme) = parts.uri.scheme_str() {
        target = target.scheme(scheme);
    }
    target
}

/// Verifies a request with `verifier`: every `Authorization` value (`Bearer`, and `DPoP` when
/// the verifier accepts it), every `DPoP` proof value and the [`request_target`], all parsed
/// and checked by core's
/// [`verify_request`](auth0_core::AccessTokenVerifier::verify_request).
///
/// What [`Auth0Layer`](crate::Auth0Layer) does for each request; for your own middleware or
/// extractor. Answer a refusal with
/// [`verifier.outcome(&error)`](auth0_core::AccessTokenVerifier::outcome) (or
/// [`Challenges`](crate::Challenges)) so that DPoP challenges appear when DPoP is enabled.
///
/// # Errors
/// The [`VerifyError`] of core.
pub async fn verify_parts<C>(
    verifier: &AccessTokenVerifier<C>,
    parts: &Parts,
) -> Result<Arc<Claims<C>>, VerifyError>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let authorization = parts.headers.get_all(AUTHORIZATION);
    let proofs = parts.headers.get_all(&DPOP);
    verifier
        .verify_request(
            request_target(parts),
            authorization.iter().map(HeaderValue::as_bytes),
            proofs.iter().map(HeaderValue::as_bytes),
        )
        .await
}

/// Like [`verify_parts`], also reading the access token from the cookie `cookie_name` when
/// given and the request has no `Authorization` header (core's
/// [`verify_request_with_cookie`](auth0_core::AccessTokenVerifier::verify_request_with_cookie)).
///
/// # Errors
/// The [`VerifyError`] of core.
pub async fn verify_parts_with_cookie<C>(
    verifier: &AccessTokenVerifier<C>,
    parts: &Parts,
    cookie_name: Option<&str>,
) -> Result<Arc<Claims<C>>, VerifyError>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let Some(name) = cookie_name else {
        return verify_parts(verifier, parts).await;
    };
    let headers = &parts.headers;
    verifier
        .verify_request_with_cookie(
            request_target(parts),
            headers
                .get_all(AUTHORIZATION)
                .iter()
                .map(HeaderValue::as_bytes),
            headers.get_all(&DPOP).iter().map(HeaderValue::as_bytes),
            name,
            headers.get_all(COOKIE).iter().map(HeaderValue::as_bytes),
        )
        .await
}

/// The answer for a request whose token the verifier's caches hold, taken without waiting:
/// the claims of a token verified before, or the refusal of one refused before (core's
/// [`verify_request_cached`](auth0_core::AccessTokenVerifier::verify_request_cached)).
/// `None` when the request needs [`verify_parts_with_cookie`]: a token not seen yet, or a
/// DPoP proof to check.
///
/// The fast path of [`Auth0Layer`](crate::Auth0Layer), for your own middleware or extractor:
/// no future, no request target built.
///
/// ```
/// use auth0_tower::{verify_headers_cached, verify_parts_with_cookie};
/// # async fn run(verifier: auth0_core::AccessTokenVerifier, parts: http::request::Parts)
/// #     -> Result<(), auth0_core::VerifyError> {
/// let claims = match verify_headers_cached(&verifier, &parts.headers, None) {
///     Some(answer) => answer?,
///     None => verify_parts_with_cookie(&verifier, &parts, None).await?,
/// };
/// println!("hello {}", claims.sub);
/// # Ok(()) }
/// ```
pub fn verify_headers_cached<C>(
    verifier: &AccessTokenVerifier<C>,
    headers: &HeaderMap,
    cookie_name: Option<&str>,
) -> Option<Result<Arc<Claims<C>>, VerifyError>>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let authorization = headers
        .get_all(AUTHORIZATION)
        .iter()
        .map(HeaderValue::as_bytes);
    match cookie_name {
        None => verifier.verify_request_cached(authorization),
        Some(name) => verifier.verify_request_with_cookie_cached(
            authorization,
            name,
            headers.get_all(COOKIE).iter().map(HeaderValue::as_bytes),
        ),
    }
}

/// The name of the cookie an access token may be read from, for
/// [`Auth0Verified`](https://docs.rs/auth0-axum)-style extractors that verify with a verifier
/// of their own: put it in the request extensions (`axum::Extension(TokenCookie::new(…))`).
/// [`Auth0Layer`](crate::Auth0Layer) is configured with
/// [`token_cookie`](crate::Auth0Layer::token_cookie) instead.
///
/// See [`Auth0Layer::token_cookie`](crate::Auth0Layer::token_cookie) for the precedence and the
/// cross-site request forgery precautions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenCookie(Arc<str>);

impl TokenCookie {
    /// The cookie `name` (case-sensitive, e.g. `access_token` or `__Host-access_token`).
    pub fn new(name: impl Into<String>) -> Self {
        Self(Arc::from(name.into()))
    }

    /// The cookie's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn parts(request: http::request::Builder) -> Parts {
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn target_from_the_request() {
        let p = parts(
            http::Request::post("/api/x?y=1")
                .header("host", "api.example.com:8443")
                .header("dpop", "p"),
        );
        assert_eq!(
            request_target(&p),
            RequestTarget::new("POST", "/api/x").host("api.example.com:8443")
        );
        // HTTP/2 style: authority and scheme in the URI, no Host header.
        let p = parts(http::Request::get("https://h2.example.com/a"));
        assert_eq!(
            request_target(&p),
            RequestTarget::new("GET", "/a")
                .host("h2.example.com")
                .scheme("https")
        );
        let p = parts(http::Request::get("/"));
        assert_eq!(request_target(&p), RequestTarget::new("GET", "/"));
    }
}
