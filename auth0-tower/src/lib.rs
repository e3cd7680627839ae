//! # auth0-tower
//!
//! tower middleware that protects any `http` service — axum routers, plain hyper services,
//! tonic-style gRPC services — with Auth0 access tokens.
//!
//! * [`Auth0Layer`] → [`Auth0Service`] → [`ResponseFuture`]: hands every `Authorization` and
//!   `DPoP` header, the method, path and `Host` to an
//!   [`AccessTokenVerifier`](auth0_core::AccessTokenVerifier) ([`verify_parts`]), and on success hands the request on with `Arc<Claims<C>>` and [`Verified`] in its
//!   extensions. On failure the inner service is not called and the answer follows core's
//!   outcome mapping (RFC 6750): 401 with a bare challenge without credentials, 400
//!   `invalid_request` for a malformed header, 401 `invalid_token` for a bad token, 503 with
//!   `Retry-After` and no challenge when no signing key can be obtained. A refusal is a
//!   *response*, never a service error: `Error = S::Error`.
//! * [`RequireScopes`]: a per-route scope or permission requirement behind the layer
//!   (403 `insufficient_scope` with `scope="…"`).
//! * [`Auth0Layer::optional`]: requests without credentials pass without claims; invalid tokens
//!   are still refused.
//! * [`Auth0Layer::token_cookie`]: opt-in, the access token from a named cookie as well, for
//!   WebSocket upgrades and server-sent events (see [below](#the-access-token-from-a-cookie)).
//! * [`ErrorResponder`]: the body of a refusal. [`JsonErrorResponse`] (default) answers
//!   `{"error","error_description"}`; [`EmptyErrorResponse`] has no body; closures work too. The
//!   typed [`VerifyError`](auth0_core::VerifyError) is put into the refusal's extensions.
//! * `Auth0Authorize` (cargo feature `tower-http`): the same verification as an
//!   `AsyncAuthorizeRequest`, for `tower_http::auth::AsyncRequireAuthorizationLayer`:
//!   `AsyncRequireAuthorizationLayer::new(Auth0Authorize::new(verifier))` attaches the same
//!   claims and answers with the same refusals.
//! * [`ResourceMetadataService`]: serves the API's RFC 9728 protected-resource metadata
//!   ([`ProtectedResourceMetadata`](auth0_core::ProtectedResourceMetadata)); with
//!   [`resource_metadata_url`](auth0_core::AccessTokenVerifierBuilder::resource_metadata_url)
//!   on the verifier, every 401 challenge names it (`resource_metadata="…"`).
//! * [`webapp`]: web-app login (authorization code flow with PKCE, sessions, logout) with
//!   [`WebAppLayer`](webapp::WebAppLayer) and [`RequireLoginLayer`](webapp::RequireLoginLayer).
//! * [`Auth0TokenLayer`] ([`outgoing`]): the other direction, for clients: puts a cached
//!   service-to-service token from a [`TokenProvider`](auth0_core::TokenProvider) on every
//!   outgoing request.
//!
//! No header parsing or error mapping happens here: both are core's, so every adapter answers
//! the same requests the same way.
//!
//! ## DPoP (RFC 9449)
//!
//! DPoP is a verifier setting; the layer needs no change. With
//! [`dpop(DpopMode::Allowed)`](auth0_core::AccessTokenVerifierBuilder::dpop) the layer accepts
//! `Authorization: Bearer …` and `Authorization: DPoP …` with its `DPoP` proof header, refuses a
//! DPoP-bound token sent as a bearer token, and every challenge offers
//! `DPoP algs="ES256 PS256"` next to `Bearer`; `DpopMode::Required` accepts DPoP only.
//!
//! ```
//! use auth0_core::{AccessTokenVerifier, DpopMode};
//! # fn layer() -> Result<(), auth0_core::ConfigError> {
//! let verifier = AccessTokenVerifier::builder("my-tenant.us.auth0.com")
//!     .audience("https://api.example.com")
//!     .dpop(DpopMode::Allowed)
//!     // The URL clients call, when a proxy stands in front of the service:
//!     .dpop_base_url("https://api.example.com")
//!     .build()?;
//! let layer = auth0_tower::Auth0Layer::new(verifier);
//! # let _ = layer; Ok(()) }
//! ```
//!
//! A proof names the URL the client called (`htu`). Without
//! [`dpop_base_url`](auth0_core::AccessTokenVerifierBuilder::dpop_base_url) that URL is rebuilt
//! from the request: its `Host` header (or HTTP/2 authority), its path, and the scheme `https`
//! unless the URI carries one (see [`request_target`]). Behind a reverse proxy or load balancer
//! that terminates TLS or rewrites `Host`, set `dpop_base_url` to the public origin, or every
//! proof is refused (400 `invalid_dpop_proof`).
//!
//! ## The access token from a cookie
//!
//! Browsers cannot set headers on WebSocket upgrades or `EventSource` requests.
//! `Auth0Layer::new(verifier).token_cookie("access_token")` also reads the token from that
//! cookie (RFC 6265 parsing by core's [`cookie_token`](auth0_core::cookie::cookie_token)):
//!
//! * the `Authorization` header wins: a request with any `Authorization` header is verified
//!   from the header alone, the cookie is not read;
//! * refusals map as for the header: no header and no cookie → 401 bare, a malformed cookie
//!   or the cookie twice → 400 `invalid_request`, a bad token → 401 `invalid_token`;
//! * the cookie's token is a bearer token (with `DpopMode::Required` it counts as none);
//! * the query string is never read.
//!
//! **Cross-site request forgery.** A browser sends cookies with cross-site requests too. Set
//! the cookie `SameSite=Strict` (or `Lax`, which still sends it on top-level cross-site `GET`s),
//! `Secure` and `HttpOnly`, put this layer only on safe (`GET`) endpoints such as WebSocket
//! upgrades and event streams, and keep state-changing routes behind a layer without
//! `token_cookie` (header only), or add CSRF protection to them.
//!
//! ## Example
//!
//! ```
//! use auth0_core::testing::TestTenant;
//! use auth0_core::{AccessTokenVerifier, Claims};
//! use auth0_tower::{Auth0Layer, RequireScopes};
//! use axum::{Extension, Router, body::Body, http::Request, routing::get};
//! use std::sync::Arc;
//! use tower::ServiceExt;
//!
//! async fn private(Extension(claims): Extension<Arc<Claims>>) -> String {
//!     format!("hello {}", claims.sub)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let tenant = TestTenant::start().await; // a local Auth0 look-alike
//! let verifier = AccessTokenVerifier::builder(&tenant.domain())
//!     .audience(tenant.audience())
//!     .build()?;
//! let app = Router::new()
//!     .route("/api/private", get(private))
//!     .route("/api/messages", get(private).layer(RequireScopes::all(["read:messages"])))
//!     .layer(Auth0Layer::new(verifier));
//!
//! let token = tenant.token().sub("auth0|alice").scope("read:messages").sign();
//! let request = Request::get("/api/private")
//!     .header("authorization", format!("Bearer {token}"))
//!     .body(Body::empty())?;
//! let response = app.clone().oneshot(request).await?;
//! assert_eq!(response.status(), 200);
//!
//! let response = app.oneshot(Request::get("/api/private").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], r#"Bearer realm="https://api.example.com""#);
//! # Ok(()) }
//! ```
//!
//! In axum, put the layer with `Router::route_layer` on a router that you then merge with
//! public routes: `Router::layer` also wraps that router's fallback, so unknown paths would be
//! answered 401 instead of 404.
//!
//! ## Bodies
//!
//! The middleware is generic over request and response bodies. Building the refusal is the only
//! place a response body is made: [`JsonErrorResponse`] needs `ResBody: From<String>` (axum's
//! `Body`, `http_body_util::Full<Bytes>`), [`EmptyErrorResponse`] needs `ResBody: Default`
//! (tonic's body, boxed bodies), and a custom [`ErrorResponder`] needs whatever it uses.
//! [`RequireScopes`] also needs `ResBody: Default` for its 500 answer.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "tower-http")]
mod authorize;
mod challenges;
mod extension;
mod future;
mod layer;
mod metadata;
pub mod outgoing;
mod request;
mod response;
mod scopes;
mod service;
mod shared;
pub mod webapp;

#[cfg(feature = "tower-http")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-http")))]
pub use authorize::{Auth0Authorize, AuthorizeFuture};
pub use challenges::Challenges;
pub use extension::{Unauthenticated, Verified};
pub use future::ResponseFuture;
pub use layer::Auth0Layer;
pub use metadata::ResourceMetadataService;
pub use outgoing::{Auth0TokenLayer, Auth0TokenService, BoxError, OutgoingFuture};
pub use request::{
    DPOP, TokenCookie, request_target, verify_headers_cached, verify_parts,
    verify_parts_with_cookie,
};
pub use response::{EmptyErrorResponse, ErrorResponder, JsonErrorResponse, outcome_response};
pub use scopes::{RequireScopes, RequireScopesFuture, RequireScopesService};
pub use service::Auth0Service;

/// Compile-time checks: the layer and service can be shared across threads, and the futures
/// are `Send` whenever the inner service's are.
#[allow(dead_code)]
fn assert_auto_traits<S, B, ResBody>()
where
    S: tower_service::Service<http::Request<B>, Response = http::Response<ResBody>> + Send + Sync,
    S::Future: Send,
    ResBody: Send,
{
    fn send<T: Send>() {}
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Auth0Layer>();
    send_sync::<RequireScopes>();
    send_sync::<Auth0Service<S>>();
    send_sync::<RequireScopesService<S>>();
    send_sync::<Challenges>();
    send::<ResponseFuture<S, B>>();
    send::<RequireScopesFuture<S::Future, ResBody>>();
    send_sync::<webapp::WebAppLayer>();
    send_sync::<webapp::RequireLoginLayer>();
    send_sync::<webapp::WebAppService<S>>();
    send::<webapp::RequireLoginFuture<S::Future, ResBody>>();
    send::<webapp::WebAppFuture<S, B>>();
}
