//! The web-app login of auth0-axum end to end: a real axum server on loopback, the real dev
//! tenant's login page, reqwest as the browser.
//!
//! `cargo test -p auth0-axum --test webapp`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod flow;
mod logs;
mod security;
mod server;
mod sessions;
mod support;
