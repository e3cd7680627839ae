//! The web-app login of `auth0_actix::webapp` on a real actix-web `HttpServer` on loopback,
//! against the test tenant's real browser login flow (`/authorize`, its login form,
//! `/oauth/token`, `/v2/logout`), driven over HTTP by reqwest. Nothing is mocked.
//!
//! `cargo test -p auth0-actix --test webapp`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cookies;
mod flow;
mod harness;
mod lifetime;
mod logout;
mod logs;
mod server_storage;
