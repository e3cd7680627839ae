//! # auth0-core
//!
//! The framework-free heart of the Auth0 SDK for Rust services:
//!
//! * [`client`]: the Auth0 **Authentication API** client, a typed async port of auth0-python's
//!   `authentication` package (token grants, signup, passwordless, revoke, userinfo, CIBA, PAR…).
//! * [`verify`]: **token verification** — the access-token verifier for APIs and the OIDC ID-token
//!   verifier — over a JWKS [`KeyStore`](jwks::KeyStore) that never blocks a request on rotation.
//! * [`bearer`] and [`outcome`]: `Authorization` header parsing and the RFC 6750 answer for every
//!   failure, shared by the tower, axum and actix-web adapters; [`cookie`]: the opt-in access
//!   token from a named cookie.
//! * [`webapp`]: **web-app login** — the authorization code flow with PKCE, sealed session
//!   cookies, logout and access-token refresh — that the axum and actix-web adapters mount.
//! * `testing` (cargo feature): a loopback Auth0 tenant and token minting for tests.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod algorithm;
pub mod bearer;
mod byte_scan;
pub mod client;
pub mod cookie;
mod crypto_provider;
pub mod domain;
pub mod error;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod jose;
pub mod jwks;
pub mod outcome;
mod proxy;
mod refusal;
pub mod resource_metadata;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
pub mod verify;
pub mod webapp;

pub use algorithm::Algorithm;
pub use client::{AuthenticationClient, TokenProvider};
pub use domain::{DomainError, TenantUrl};
pub use error::{ErrorKind, VerifyError};
pub use outcome::{BearerErrorCode, Outcome};
pub use refusal::Refusal;
pub use resource_metadata::ProtectedResourceMetadata;
pub use verify::claims::{Claims, Confirmation, ExtraClaims};
pub use verify::dpop::DpopMode;
#[cfg(feature = "redis")]
pub use verify::replay::RedisReplayStore;
pub use verify::replay::{FailOpen, MemoryReplayStore, ReplayStore};
pub use verify::scopes::{RequiredScopes, ScopeRequirement};
pub use verify::{
    AccessTokenVerifier, AccessTokenVerifierBuilder, CacheMetrics, ConfigError, RefusalAnswers,
    RequestTarget, TokenProfile,
};

/// The crate version, sent in `User-Agent` and telemetry.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
