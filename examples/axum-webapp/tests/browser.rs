//! The web-app login of `axum-webapp` in headless Chromium, through chromedriver: the
//! scenarios of `test_support::browser::webapp`, shared with `actix-webapp`, against the real
//! program and its embedded dev tenant. Skipped without chromedriver (Debian package
//! `chromium-driver`), except under `CI=true`. `UPDATE_SCREENSHOTS=1` rewrites
//! `examples/axum-webapp-home.png`.

use test_support::browser::{BrowserError, webapp};

const BIN: &str = env!("CARGO_BIN_EXE_axum-webapp");

/// Login from `/profile`, reload, the API call, the home page (screenshot), logout, and no
/// secret in the logs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_profile_api_home_logout() -> Result<(), BrowserError> {
    webapp::full_road(BIN, "axum").await
}

/// Cancel on the login page: "Access denied".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_on_the_login_page_is_access_denied() -> Result<(), BrowserError> {
    webapp::access_denied(BIN).await
}

/// A callback with another `state` than the login's: "Login failed", 400.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_state_is_refused() -> Result<(), BrowserError> {
    webapp::tampered_state(BIN).await
}

/// Two logins started at once, as from two tabs: both complete, each where it started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_started_in_two_tabs_both_complete() -> Result<(), BrowserError> {
    webapp::logins_in_two_tabs(BIN).await
}
