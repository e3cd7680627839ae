//! # auth0-actix
//!
//! Auth0 access tokens in actix-web 4.
//!
//! | item | what it gives |
//! |---|---|
//! | [`Auth0Claims<C>`] | the verified claims, as a handler argument; the verifier comes from `app_data` (or an [`Auth0Middleware`] verified the request already) |
//! | [`MaybeAuth0Claims<C>`] | `None` only without credentials; an invalid token is still refused (actix's `Option<T>` would hide it) |
//! | [`Auth0Middleware`] | verifies every request it wraps, with optional scope / permission requirements and an optional mode |
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
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod extract;
mod metadata;
mod middleware;
mod request;

pub use error::Auth0Error;
pub use extract::{Auth0Claims, MaybeAuth0Claims};
pub use metadata::resource_metadata;
pub use middleware::{Auth0Middleware, Auth0MiddlewareService};

pub use auth0_core::{
    AccessTokenVerifier, Claims, DpopMode, ErrorKind, ExtraClaims, Outcome,
    ProtectedResourceMetadata, RequiredScopes, VerifyError,
};

/// The framework-free core (verifier configuration, key store, test kit behind `testing`).
pub use auth0_core;
