//! A local Auth0 dev tenant and token minting for tests (cargo feature `testing`).
//!
//! Testing code that sits behind Auth0 usually means hand-rolling a fake JWKS server and signing
//! tokens by hand. This module ships that: a loopback Auth0 look-alike, [`TestTenant`], and a
//! fluent token builder, [`TokenBuilder`], that can produce valid tokens and every kind of broken
//! one.
//!
//! ```toml
//! [dev-dependencies]
//! auth0-core = { version = "0.1", features = ["testing"] }
//! ```
//!
//! # The tenant
//!
//! [`TestTenant::start`] binds `127.0.0.1` on a free port and serves, until it is dropped:
//!
//! | route | answers |
//! |---|---|
//! | `GET /.well-known/jwks.json` | the published keys, `Cache-Control: public, max-age=600`; or the injected [`JwksFault`] |
//! | `GET /.well-known/openid-configuration` | the discovery document (`issuer`, `jwks_uri`, `token_endpoint`, `authorization_endpoint`, `end_session_endpoint`, …) |
//! | `POST /oauth/token` | the `client_credentials`, `authorization_code` (PKCE S256) and `refresh_token` (rotation, reuse detection) grants, JSON or form body, `client_secret_post`, `client_secret_basic` or private-key JWT; Auth0's response and error shapes |
//! | `GET /userinfo` | the profile of a token this tenant signed, else 401 with `WWW-Authenticate` |
//! | `GET /authorize` | the login page (`response_type=code`, PKCE S256 required, `request_uri` from PAR); a bad client or `redirect_uri` gets a 400 page, other errors go back to the `redirect_uri` |
//! | `POST /authorize/login` | the login form: a one-time code to the `redirect_uri`, `access_denied` on Cancel, the page again on wrong credentials |
//! | `POST /oauth/par` | pushed authorization requests (RFC 9126), client authenticated: 201 with a `request_uri` valid once for 60 s |
//! | `GET /v2/logout` | a redirect to an allowed `returnTo`, else a logged-out page |
//! | `GET /oidc/logout` | a redirect to an allowed `post_logout_redirect_uri` (with `state`), else a logged-out page |
//! | `GET /avatars/<nickname>.svg` | the users' `picture`: a circle with their initial |
//!
//! Configure a verifier or the Authentication API client with [`TestTenant::domain`]
//! (`http://127.0.0.1:PORT`) and [`TestTenant::audience`]; tokens carry
//! `iss` = [`TestTenant::issuer`] (`http://127.0.0.1:PORT/`).
//!
//! # Browser login
//!
//! A web app can log users in against the tenant with no Auth0 account: send the browser to
//! [`TestTenant::authorize_url`] with the tenant's client id, a loopback `redirect_uri` (or one
//! allowed with [`TestTenantBuilder::callback_url`]) and a PKCE S256 challenge; the login page
//! lists the test users, by default alice ([`ALICE_EMAIL`] / [`ALICE_PASSWORD`]) and bob, and
//! more can be added with [`TestTenantBuilder::user`]. The code it redirects with is exchanged
//! at `/oauth/token` for an access token, an ID token and, with `offline_access`, a refresh
//! token. Logout URLs other than loopback ones are allowed with
//! [`TestTenantBuilder::logout_url`].
//!
//! ```
//! use auth0_core::testing::{TestTenant, TestKey, JwksFault};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let tenant = TestTenant::start().await;
//!
//! // A token for the tenant's API, signed by its current key (RS256, kid "rsa-0").
//! let token = tenant.token().sub("auth0|alice").scope("read:messages").sign();
//!
//! // Its JWKS is served like Auth0's.
//! let jwks: serde_json::Value = reqwest::get(tenant.jwks_url()).await?.json().await?;
//! assert_eq!(jwks["keys"][0]["kid"], "rsa-0");
//! assert_eq!(tenant.jwks_requests(), 1);
//!
//! // Hostile tokens, one line each.
//! let expired = tenant.token().expired().sign();
//! let forged = tenant.token().sign_with_bad_signature();
//! let foreign = tenant.token().key(&TestKey::rsa(7)).sign(); // a kid the tenant never published
//! let confused = tenant.token().alg("HS256").sign();
//! let unsigned = tenant.token().unsigned();
//!
//! // Key rotation, Auth0 style: publish the next key, sign with it, retire the old one later.
//! let next = tenant.rotate();
//! tenant.retire_key("rsa-0");
//! assert_eq!(tenant.signing_key().kid(), next.kid());
//!
//! // A misbehaving JWKS endpoint.
//! tenant.set_fault(JwksFault::Status(503));
//! tenant.set_fault(JwksFault::SlowBody { bytes_per_second: 1 });
//! tenant.clear_fault();
//! # let _ = (token, expired, forged, foreign, confused, unsigned);
//! # Ok(()) }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
//! #     .block_on(demo()).unwrap();
//! ```
//!
//! # Testing a protected handler
//!
//! With an adapter crate, a test of a protected route takes a few lines (axum shown; the
//! verifier is configured exactly as for a real tenant):
//!
//! ```text
//! let tenant = TestTenant::start().await;
//! let verifier = AccessTokenVerifier::builder(&tenant.domain())
//!     .audience(tenant.audience())
//!     .build()?;
//! let app = Router::new()
//!     .route("/api/private", get(private))
//!     .route_layer(Auth0Layer::new(verifier));
//!
//! let token = tenant.token().sub("auth0|alice").scope("read:messages").sign();
//! let response = app
//!     .oneshot(Request::get("/api/private").header("authorization", format!("Bearer {token}")).body(Body::empty())?)
//!     .await?;
//! assert_eq!(response.status(), 200);
//! ```
//!
//! The crate docs of `auth0-axum` run this example as a doctest, and those of `auth0-tower`
//! and `auth0-actix` show the same for their frameworks.
//!
//! # Keys
//!
//! [`TestKey::rsa`] picks from a committed pool of RSA-2048 keys (instant; generating an RSA-2048
//! key costs about 0.1 s on average and up to a few tenths, see [`TestKey::generate_rsa`]).
//! [`TestKey::es256`], [`TestKey::es384`] and [`TestKey::ed25519`] derive keys from a seed, so
//! tests are reproducible. [`TestKey::rsa_1024`] is a weak key for negative tests. These are
//! test keys, published in the source: never use them for anything else.
//!
//! # Faults
//!
//! [`JwksFault`] makes the JWKS endpoint slow, failing, redirecting, garbage-serving, oversized
//! or connection-dropping, on real sockets, while [`TestTenant::jwks_requests`] counts every
//! request. [`TestTenant::set_jwks_body`] serves any body; [`TestTenant::set_cache_control`]
//! any `Cache-Control`.

mod basics;
mod client_auth;
pub mod conformance;
mod defaults;
mod faults;
mod form;
pub mod hostile;
mod jws;
mod keys;
mod login;
mod mint;
mod pem;
mod reply;
mod server;
mod state;
mod tenant;
mod token;
mod userinfo;
mod wait;
mod weak_rsa;
mod well_known;

pub use defaults::{
    DEFAULT_AUDIENCE, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_JWKS_CACHE_CONTROL,
    DEFAULT_SUBJECT,
};
pub use faults::JwksFault;
pub use keys::{RSA_POOL_SIZE, TestKey, jwks};
pub use mint::{TokenBuilder, access_token_hash, sign_raw};
pub use state::users::{
    ALICE_EMAIL, ALICE_PASSWORD, ALICE_SUB, BOB_EMAIL, BOB_PASSWORD, BOB_SUB, TestUser,
};
pub use tenant::{TestTenant, TestTenantBuilder};
pub use wait::{now_or_never, wait_until, wait_until_async, wait_until_blocking};

/// For the crate's own tests, which craft tokens byte by byte.
#[cfg(test)]
pub(crate) use basics::b64;

#[cfg(test)]
mod tests;
