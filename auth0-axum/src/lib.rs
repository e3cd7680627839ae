//! # auth0-axum
//!
//! Auth0 access tokens in axum 0.8: one crate for the layer, the extractors and the rejection.
//!
//! | item | what it gives a handler |
//! |---|---|
//! | [`Auth0Layer`] (re-exported from `auth0-tower`) | verifies every request of a router; refusals never reach the handlers |
//! | [`Auth0Claims<C>`] | the claims the layer verified |
//! | `Option<Auth0Claims<C>>` | behind an [optional](Auth0Layer::optional) layer: `None` without credentials, while an invalid token is still refused |
//! | [`Auth0Verified<C>`] | verifies in the extractor, with the [`AccessTokenVerifier<C>`] of the router state ([`FromRef`](axum_core::extract::FromRef)); `Option<Auth0Verified<C>>` too |
//! | [`RequireScopes`] (re-exported) | a per-route scope / permission requirement, as a layer on the route |
//! | [`Scoped<R, C>`] | the same requirement in a handler signature ([`ScopeRequirement`]) |
//! | [`Auth0Scoped<R, C>`] | [`Auth0Verified<C>`] and the requirement `R` in one extractor: no layer at all (the cheapest protection of a route) |
//! | [`WebAppLayer`], [`RequireLoginLayer`] (re-exported) | web-app login: `/login`, `/callback`, `/logout` and the session; routes that need a logged-in user |
//! | [`User`], `Option<User>` | the logged-in user's claims (see [web-app login](#web-app-login)) |
//! | [`WebSession`], `Option<WebSession>` | the session: its access token (refreshed), `clear()` |
//!
//! Every refusal is an [`Auth0Rejection`], answered with core's outcome mapping (RFC 6750):
//! status, `WWW-Authenticate`, `Retry-After` for 503, and a JSON body
//! `{"error","error_description"}` where a code applies. A server misconfiguration (claims
//! asked for but no layer in front, or of another claims type) is a 500 and a
//! `tracing::error!` saying how to fix it.
//!
//! ## Example
//!
//! Put the layer on the router of the protected routes with `route_layer`, then merge it with
//! the public ones: `Router::layer` would also wrap that router's fallback, so an unknown path
//! would be answered 401 instead of 404.
//!
//! ```
//! use auth0_axum::{AccessTokenVerifier, Auth0Claims, Auth0Layer, RequireScopes};
//! use auth0_core::testing::TestTenant;
//! use axum::{Json, Router, body::Body, http::Request, routing::get};
//! use serde_json::{Value, json};
//! use tower::ServiceExt;
//!
//! async fn private(Auth0Claims(claims): Auth0Claims) -> Json<Value> {
//!     Json(json!({ "message": "private", "sub": claims.sub }))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let tenant = TestTenant::start().await; // a local Auth0 look-alike, for tests
//! let verifier = AccessTokenVerifier::builder(&tenant.domain())
//!     .audience(tenant.audience())
//!     .build()?;
//! let protected = Router::new()
//!     .route("/api/private", get(private))
//!     .route("/api/private-scoped", get(private).layer(RequireScopes::all(["read:messages"])))
//!     .route_layer(Auth0Layer::new(verifier));
//! let app = Router::new()
//!     .route("/api/public", get(|| async { "public" }))
//!     .merge(protected);
//!
//! let token = tenant.token().sub("auth0|alice").sign(); // no read:messages
//! let call = |path: &str| {
//!     Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty())
//! };
//! assert_eq!(app.clone().oneshot(call("/api/private")?).await?.status(), 200);
//! let forbidden = app.clone().oneshot(call("/api/private-scoped")?).await?;
//! assert_eq!(forbidden.status(), 403);
//! assert!(forbidden.headers()["www-authenticate"].to_str()?.contains(r#"scope="read:messages""#));
//! let unknown = app.oneshot(Request::get("/nope").body(Body::empty())?).await?;
//! assert_eq!(unknown.status(), 404);
//! # Ok(()) }
//! ```
//!
//! ## Web-app login
//!
//! For server-rendered applications, users log in through the tenant's login page
//! (authorization code flow with PKCE) and the application keeps a sealed session cookie, or a
//! server-side session with the cargo feature `tower-sessions` (see [`webapp`]).
//!
//! ```
//! use auth0_axum::{RequireLoginLayer, User, WebApp, WebAppLayer};
//! use auth0_core::testing::TestTenant;
//! use axum::{Router, body::Body, http::Request, routing::get};
//! use tower::ServiceExt;
//!
//! async fn home(user: Option<User>) -> String {
//!     match user {
//!         Some(user) => format!("hello {}", user.name().unwrap_or_default()),
//!         None => "logged out".to_owned(),
//!     }
//! }
//!
//! async fn profile(user: User) -> String {
//!     format!("{} <{}>", user.sub(), user.email().unwrap_or_default())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let tenant = TestTenant::start().await; // a local Auth0 look-alike, for tests
//! let web_app = WebApp::builder(&tenant.domain(), &tenant.client_id(), "http://127.0.0.1:3000")
//!     .client_secret(tenant.client_secret())
//!     .secret("a random secret of at least 32 bytes: openssl rand -hex 32")
//!     .build()?;
//! let app = Router::new()
//!     .route("/", get(home))
//!     .merge(Router::new().route("/profile", get(profile)).route_layer(RequireLoginLayer::new()))
//!     .layer(WebAppLayer::new(web_app));
//!
//! let home = app.clone().oneshot(Request::get("/").body(Body::empty())?).await?;
//! assert_eq!(home.status(), 200);
//! let api = Request::get("/profile").header("accept", "application/json").body(Body::empty())?;
//! assert_eq!(app.clone().oneshot(api).await?.status(), 401);
//! let page = Request::get("/profile").header("accept", "text/html").body(Body::empty())?;
//! let redirect = app.oneshot(page).await?;
//! assert_eq!(redirect.headers()["location"], "/login?returnTo=%2Fprofile");
//! # Ok(()) }
//! ```
//!
//! ## DPoP (RFC 9449)
//!
//! DPoP is a verifier setting: the layer and the extractors pass every `Authorization` and
//! `DPoP` header, the method, the path and the `Host` header to core, and answer with the
//! verifier's challenges.
//!
//! ```
//! use auth0_axum::{AccessTokenVerifier, DpopMode};
//! # fn verifier() -> Result<AccessTokenVerifier, auth0_axum::auth0_core::ConfigError> {
//! let verifier = AccessTokenVerifier::builder("my-tenant.us.auth0.com")
//!     .audience("https://api.example.com")
//!     .dpop(DpopMode::Allowed) // Bearer and DPoP; `Required`: DPoP only
//!     .dpop_base_url("https://api.example.com") // the URL clients call
//!     .build()?;
//! # Ok(verifier) }
//! ```
//!
//! With `DpopMode::Allowed`, `Authorization: DPoP <token>` plus a `DPoP: <proof>` header is
//! accepted when the proof is valid for this request and signed by the key the token is bound
//! to (`cnf.jkt`); a bound token sent as `Bearer` is refused (401 `invalid_token`), a missing
//! proof is 400 `invalid_request`, an invalid one 400 `invalid_dpop_proof`, and every challenge
//! offers `DPoP algs="ES256 PS256"` next to `Bearer`.
//!
//! The proof's `htu` must name the URL the client called. Without `dpop_base_url` it is rebuilt
//! from the `Host` header, the path and the scheme `https` (axum does not know the scheme of an
//! HTTP/1 request). Behind a reverse proxy or load balancer, set `dpop_base_url` to the public
//! origin.
//!
//! ## The access token from a cookie (WebSocket, server-sent events)
//!
//! Browsers cannot set headers on WebSocket upgrades or `EventSource` requests. Opt in to
//! reading the token from a named cookie too:
//!
//! * behind the layer (for [`Auth0Claims`]): `Auth0Layer::new(verifier).token_cookie("access_token")`;
//! * for [`Auth0Verified`]: put a [`TokenCookie`] in the request extensions, e.g.
//!   `.layer(axum::Extension(TokenCookie::new("access_token")))` on the router.
//!
//! The `Authorization` header wins: a request with any `Authorization` header is verified from
//! it, and the cookie is not read. Refusals are those of the header (no header and no cookie:
//! 401 bare; the cookie twice or malformed: 400 `invalid_request`; a bad token: 401
//! `invalid_token`). The query string is never read.
//!
//! **Cross-site request forgery.** The browser sends the cookie with cross-site requests too:
//! set it `SameSite=Strict` (or `Lax`, for top-level `GET`s), `Secure` and `HttpOnly`, accept it
//! only on safe (`GET`) routes such as WebSocket upgrades and event streams, and keep
//! state-changing routes on the header (a router whose layer has no `token_cookie`) or add CSRF
//! protection to them.
//!
//! ```
//! use auth0_axum::{AccessTokenVerifier, Auth0Claims, Auth0Layer};
//! use axum::{Router, routing::get};
//!
//! async fn events(Auth0Claims(claims): Auth0Claims) -> String {
//!     format!("events for {}", claims.sub)
//! }
//! # fn app(verifier: AccessTokenVerifier) -> Router {
//! let streams = Router::new()
//!     .route("/api/events", get(events))
//!     .route_layer(Auth0Layer::new(verifier.clone()).token_cookie("access_token"));
//! let api = Router::new()
//!     .route("/api/messages", get(events).post(events))
//!     .route_layer(Auth0Layer::new(verifier)); // header only
//! streams.merge(api)
//! # }
//! ```
//!
//! ## Protected-resource metadata (RFC 9728)
//!
//! Serve the API's [`ProtectedResourceMetadata`] with [`ResourceMetadataService`] outside the
//! verifying layer, and name its URL on the verifier: every 401 challenge then carries
//! `resource_metadata="…"`, from which clients (MCP clients among them) discover the tenant.
//!
//! ```
//! use auth0_axum::{AccessTokenVerifier, ProtectedResourceMetadata, ResourceMetadataService};
//! use auth0_axum::auth0_core::resource_metadata::{metadata_url, well_known_path};
//! use axum::Router;
//! # fn app() -> Result<Router, Box<dyn std::error::Error>> {
//! let base = "https://api.example.com"; // where clients reach the API
//! let verifier = AccessTokenVerifier::builder("my-tenant.us.auth0.com")
//!     .audience("https://api.example.com")
//!     .resource_metadata_url(metadata_url(base)?)
//!     .build()?;
//! let metadata = ProtectedResourceMetadata::for_verifier(&verifier, "https://api.example.com")
//!     .scopes_supported(["read:messages"]);
//! let app = Router::new()
//!     .route_service(&well_known_path(base)?, ResourceMetadataService::new(&metadata));
//! # Ok(app) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod claims;
mod rejection;
mod scoped;
mod verified;
pub mod webapp;

pub use claims::Auth0Claims;
pub use rejection::Auth0Rejection;
pub use scoped::Scoped;
pub use verified::{Auth0Scoped, Auth0Verified};
pub use webapp::{RequireLoginLayer, User, WebApp, WebAppLayer, WebAppRejection, WebSession};

pub use auth0_core::{
    AccessTokenVerifier, Claims, DpopMode, ErrorKind, ExtraClaims, Outcome,
    ProtectedResourceMetadata, RequiredScopes, ScopeRequirement, VerifyError,
};
pub use auth0_tower::{
    Auth0Layer, Auth0Service, Challenges, EmptyErrorResponse, ErrorResponder, JsonErrorResponse,
    RequireScopes, ResourceMetadataService, TokenCookie, Unauthenticated, Verified,
    outcome_response,
};

/// The framework-free core (verifier configuration, key store, test kit behind `testing`).
pub use auth0_core;
/// The tower middleware this crate builds on.
pub use auth0_tower;
