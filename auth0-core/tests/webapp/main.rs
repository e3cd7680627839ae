//! The framework-free web-app login against the dev tenant over real HTTP: the login road, the
//! security rules, refresh and lifetimes, logout, configuration errors, and a fleet sharing
//! its used states in Redis.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod config;
mod fleet;
mod flow;
mod lifetime;
mod logout;
#[path = "../redis_support/mod.rs"]
mod redis_support;
mod security;
mod support;
