//! # auth0-actix
//!
//! Auth0 access tokens in actix-web 4.
//!
//! | item | what it gives |
//! |---|---|
//! | [`Auth0Claims<C>`] | the verified claims, as a handler argument; the verifier comes from `app_data` (or an [`Auth0Middleware`] verified the request already) |
//! | [`MaybeAuth0Claims<C>`] | `None` only without credentials; an invalid token is still refused (actix's `Option<T>` would hide it) |
//! | [`Scoped<R, C>`] | [`Auth0Claims<C>`] whose token also satisfies the requirement `R` ([`ScopeRequirement`]); 403 `insufficient_scope` otherwise |
//! | [`Auth0Middleware`] | verifies every request it wraps, with optional scope / permission requirements and an optional mode |
//! | [`TokenCookie`] | opt-in: the extractors also read the token from this cookie (see [below](#the-access-token-from-a-cookie-websocket-server-sent-events)) |
//! | [`Auth0Error`] | the [`ResponseError`](actix_web::ResponseError) of all of them: core's outcome mapping |
//!
//! Refusals follow core's outcome mapping (RFC 6750): 401 with a bare challenge without
//! credentials, 400 `invalid_request` for a malformed `Authorization` header, 401
//! `invalid_token` for a bad token, 403 `insufficient_scope` with `scope="…"`, 503 with
//! `Retry-After` and no challenge when no signing key can be obtained; a JSON body
//! `{"error","error_description"}` where a code applies. actix-web 4 is on `http` 0.2: only
//! header bytes and the request's method, path, host and scheme cross into `auth0-core`, which
//! parses and maps everything.
//!
//! ## Example
//!
//! ```
//! use actix_web::{App, HttpResponse, Responder, test, web};
//! use auth0_actix::{AccessTokenVerifier, Auth0Claims, Auth0Middleware, RequiredScopes};
//! use auth0_core::testing::TestTenant;
//!
//! async fn private(claims: Auth0Claims) -> impl Responder {
//!     HttpResponse::Ok().json(serde_json::json!({ "message": "private", "sub": claims.sub }))
//! }
//!
//! # #[actix_web::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let tenant = TestTenant::start().await; // a local Auth0 look-alike, for tests
//! let verifier = AccessTokenVerifier::builder(&tenant.domain())
//!     .audience(tenant.audience())
//!     .build()?;
//! let app = test::init_service(
//!     App::new()
//!         .app_data(verifier.clone())
//!         .route("/api/private", web::get().to(private))
//!         .service(
//!             web::resource("/api/private-scoped")
//!                 .wrap(Auth0Middleware::new(verifier).require_scopes(RequiredScopes::all(["read:messages"])))
//!                 .route(web::get().to(private)),
//!         ),
//! )
//! .await;
//!
//! let token = tenant.token().sub("auth0|alice").sign();
//! let request = test::TestRequest::get()
//!     .uri("/api/private")
//!     .insert_header(("authorization", format!("Bearer {token}")))
//!     .to_request();
//! assert_eq!(test::call_service(&app, request).await.status(), 200);
//!
//! let request = test::TestRequest::get()
//!     .uri("/api/private-scoped")
//!     .insert_header(("authorization", format!("Bearer {token}")))
//!     .to_request();
//! let response = test::call_service(&app, request).await;
//! assert_eq!(response.status(), 403);
//! # Ok(()) }
//! ```
//!
//! ## DPoP (RFC 9449)
//!
//! DPoP is a verifier setting: the extractors and the middleware pass every `Authorization` and
//! `DPoP` header, the method, the path, the `Host` header and the connection's scheme to core,
//! and answer with the verifier's challenges.
//!
//! ```
//! use auth0_actix::{AccessTokenVerifier, DpopMode};
//! # fn verifier() -> Result<AccessTokenVerifier, auth0_actix::auth0_core::ConfigError> {
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
//! from the `Host` header, the path and the scheme of the listener (`http` unless the server
//! is bound with TLS; forwarding headers are not trusted). Behind a reverse proxy or load
//! balancer — in particular one that terminates TLS — set `dpop_base_url` to the public origin,
//! or every proof is refused (400 `invalid_dpop_proof`).
//!
//! ## The access token from a cookie (WebSocket, server-sent events)
//!
//! Browsers cannot set headers on WebSocket upgrades or `EventSource` requests. Opt in to
//! reading the token from a named cookie too:
//!
//! * on the middleware, [`token_cookie`](Auth0Middleware::token_cookie):
//!   `Auth0Middleware::new(verifier).token_cookie("access_token")`;
//! * for the extractors verifying with the verifier of `app_data`: register a [`TokenCookie`]
//!   next to it, `.app_data(TokenCookie::new("access_token"))`.
//!
//! The `Authorization` header wins: a request with any `Authorization` header is verified from
//! it, and the cookie is not read. Refusals are those of the header (no header and no cookie:
//! 401 bare; the cookie twice or malformed: 400 `invalid_request`; a bad token: 401
//! `invalid_token`). The query string is never read.
//!
//! **Cross-site request forgery.** The browser sends the cookie with cross-site requests too:
//! set it `SameSite=Strict` (or `Lax`, for top-level `GET`s), `Secure` and `HttpOnly`, accept it
//! only on safe (`GET`) resources such as WebSocket upgrades and event streams, and keep
//! state-changing resources on the header (a middleware without `token_cookie`) or add CSRF
//! protection to them.
//!
//! ```
//! use actix_web::{App, HttpResponse, web};
//! use auth0_actix::{AccessTokenVerifier, Auth0Claims, Auth0Middleware};
//!
//! async fn events(claims: Auth0Claims) -> HttpResponse {
//!     HttpResponse::Ok().body(format!("events for {}", claims.sub))
//! }
//! # fn app(verifier: AccessTokenVerifier) {
//! let app = App::new()
//!     .service(
//!         web::resource("/api/events")
//!             .wrap(Auth0Middleware::new(verifier.clone()).token_cookie("access_token"))
//!             .route(web::get().to(events)),
//!     )
//!     .service(
//!         web::resource("/api/messages")
//!             .wrap(Auth0Middleware::new(verifier)) // header only
//!             .route(web::post().to(events)),
//!     );
//! # let _ = app; }
//! ```
//!
//! ## Web-app login
//!
//! [`webapp`] logs users of a server-rendered app in at Auth0 and keeps their session: wrap the
//! app in [`webapp::WebAppMiddleware`] (the `/login`, `/callback` and `/logout` routes, the
//! session of every request), guard pages with [`webapp::RequireLogin`], and take
//! [`webapp::User`], `Option<User>` or [`webapp::WebSession`] (the access token, refreshed when
//! it expires) in handlers. Sessions live in sealed cookies, or with the `actix-session`
//! feature in actix-session's server-side stores.
//!
//! ```
//! use actix_web::{App, web};
//! use auth0_actix::webapp::{RequireLogin, User, WebApp, WebAppMiddleware};
//!
//! async fn profile(user: User) -> String {
//!     format!("hello {}", user.name().unwrap_or_default())
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let web_app = WebApp::builder("my-tenant.us.auth0.com", "CLIENT_ID", "https://app.example.com")
//!     .client_secret("CLIENT_SECRET")
//!     .secret("a-random-secret-of-32-bytes-or-more-0123456789")
//!     .build()?;
//! let app = App::new()
//!     .service(web::resource("/profile").wrap(RequireLogin::new()).route(web::get().to(profile)))
//!     .wrap(WebAppMiddleware::new(web_app));
//! # let _ = app;
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod extract;
mod metadata;
mod middleware;
mod request;
mod scoped;
pub mod webapp;

pub use error::Auth0Error;
pub use extract::{Auth0Claims, MaybeAuth0Claims};
pub use metadata::resource_metadata;
pub use middleware::{Auth0Middleware, Auth0MiddlewareService};
pub use request::TokenCookie;
pub use scoped::Scoped;

pub use auth0_core::{
    AccessTokenVerifier, Claims, DpopMode, ErrorKind, ExtraClaims, Outcome,
    ProtectedResourceMetadata, RequiredScopes, ScopeRequirement, VerifyError,
};

/// The framework-free core (verifier configuration, key store, test kit behind `testing`).
pub use auth0_core;
