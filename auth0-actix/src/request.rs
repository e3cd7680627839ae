//! What the verifier needs of an actix-web request: its credentials (`Authorization`, `DPoP`)
//! and its target (method, path, `Host`, scheme), handed to core untouched.

use std::sync::Arc;

use actix_web::HttpRequest;
use actix_web::http::header::{AUTHORIZATION, COOKIE, HOST, HeaderName, HeaderValue};
use auth0_core::{AccessTokenVerifier, Claims, RequestTarget, VerifyError};
use serde::de::DeserializeOwned;

/// The `DPoP` request header (RFC 9449 §4.1), which carries the proof.
const DPOP: HeaderName = HeaderName::from_static("dpop");

/// The target of a request, for DPoP's `htm` and `htu` checks: the method, the path without
/// query, the `Host` header (or the URI's authority) and the scheme of the connection — the
/// URI's when it has one, otherwise `https` on a TLS listener and `http` on a plain one. Core
/// ignores host and scheme when the verifier has a `dpop_base_url`.
fn request_target(request: &HttpRequest) -> RequestTarget<'_> {
    let uri = request.uri();
    let host = request
        .headers()
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| uri.authority().map(|authority| authority.as_str()));
    let scheme = uri
        .scheme_str()
        .unwrap_or(if request.app_config().secure() {
            "https"
        } else {
            "http"
        });
    let target = RequestTarget::new(request.method().as_str(), uri.path()).scheme(scheme);
    match host {
        Some(host) => target.host(host),
        None => target,
    }
}

/// The name of the cookie an access token may also be read from, for the extractors
/// ([`Auth0Claims`](crate::Auth0Claims), [`MaybeAuth0Claims`](crate::MaybeAuth0Claims)) that
/// verify with the verifier of `app_data`: register it next to the verifier,
/// `App::new().app_data(verifier.clone()).app_data(TokenCookie::new("access_token"))`.
/// [`Auth0Middleware`](crate::Auth0Middleware) is configured with
/// [`token_cookie`](crate::Auth0Middleware::token_cookie) instead.
///
/// See the [crate docs](crate#the-access-token-from-a-cookie-websocket-server-sent-events) for
/// the precedence of the header and the cross-site request forgery precautions.
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

/// Verifies `request` with `verifier`: every `Authorization` value (`Bearer`, and `DPoP` when
/// the verifier accepts it), every `DPoP` proof value and the request's target, all parsed and
/// checked by core; with `cookie`, the token of that cookie when there is no `Authorization`
/// header.
pub(crate) async fn verify_request<C>(
    verifier: &AccessTokenVerifier<C>,
    request: &HttpRequest,
    cookie: Option<&str>,
) -> Result<Arc<Claims<C>>, VerifyError>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let headers = request.headers();
    let target = request_target(request);
    let authorization = headers.get_all(AUTHORIZATION).map(HeaderValue::as_bytes);
    let proofs = headers.get_all(DPOP).map(HeaderValue::as_bytes);
    match cookie {
        None => verifier.verify_request(target, authorization, proofs).await,
        Some(name) => {
            let cookies = headers.get_all(COOKIE).map(HeaderValue::as_bytes);
            verifier
                .verify_request_with_cookie(target, authorization, proofs, name, cookies)
                .await
        }
    }
}

/// The answer for a request whose token the verifier's caches hold, taken without waiting
/// (see [`AccessTokenVerifier::verify_request_cached`]); `None` when the request needs
/// [`verify_request`].
pub(crate) fn verify_request_cached<C>(
    verifier: &AccessTokenVerifier<C>,
    request: &HttpRequest,
    cookie: Option<&str>,
) -> Option<Result<Arc<Claims<C>>, VerifyError>>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let headers = request.headers();
    let authorization = headers.get_all(AUTHORIZATION).map(HeaderValue::as_bytes);
    match cookie {
        None => verifier.verify_request_cached(authorization),
        Some(name) => {
            let cookies = headers.get_all(COOKIE).map(HeaderValue::as_bytes);
            verifier.verify_request_with_cookie_cached(authorization, name, cookies)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn target_from_the_request() {
        let request = TestRequest::post()
            .uri("/api/x?y=1")
            .insert_header(("host", "api.example.com:8443"))
            .to_http_request();
        assert_eq!(
            request_target(&request),
            RequestTarget::new("POST", "/api/x")
                .host("api.example.com:8443")
                .scheme("http")
        );
        let request = TestRequest::get()
            .uri("https://h2.example.com/a")
            .to_http_request();
        assert_eq!(
            request_target(&request),
            RequestTarget::new("GET", "/a")
                .host("h2.example.com")
                .scheme("https")
        );
    }
}
