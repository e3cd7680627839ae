//! Helpers shared by the integration tests of the workspace: what used to be copied into each
//! test crate now lives here, as a `publish = false` dev-dependency.
//!
//! * [`adapter`]: the framework-free checks of the adapters (`auth0-tower`, `auth0-axum`,
//!   `auth0-actix`): a reqwest client, the RFC 6750 answer and its assertions, DPoP clients and
//!   scenarios, and (in [`adapter::cookie`]) the access token read from a cookie.
//! * [`e2e`]: the end-to-end checks of the example binaries (`axum-api`, `actix-api`), started
//!   as processes and held to the same HTTP contract.
//! * [`webapp`]: the web-app login tests' helpers (the dev tenant's login form, a cookie jar, a
//!   settable clock) and the example web apps' shared road; [`redis`]: a throwaway
//!   `redis-server` for the server-side session tests.
//! * [`startup`]: the example web apps' start-up refusals, on the real binaries.
//! * `browser` (cargo feature `browser`): headless-Chromium tests of the web-app login, and the
//!   scenarios the example web apps (`axum-webapp`, `actix-webapp`) share.

// Test-only code: every `unwrap` and `expect` here is an assertion, and its failure is the
// failure of the test that called it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod adapter;
#[cfg(feature = "browser")]
pub mod browser;
pub mod e2e;
pub mod redis;
pub mod startup;
pub mod webapp;
