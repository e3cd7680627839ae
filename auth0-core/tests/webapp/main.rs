//! The framework-free web-app login against the dev tenant over real HTTP: the login road, the
//! security rules, refresh and lifetimes, logout, configuration errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod config;
mod flow;
mod lifetime;
mod logout;
mod security;
mod support;
