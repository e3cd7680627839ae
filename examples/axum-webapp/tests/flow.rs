//! The example in-process, driven over HTTP with reqwest (not a browser) through the embedded
//! dev tenant's login page: the pages logged out and in, the guard, the API call with the
//! session's access token, the app's own API, and logout (the road of
//! `test_support::webapp::example`, which actix-webapp walks too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum_webapp::AppConfig;
use reqwest::Client;
use test_support::webapp::{client_builder, example};
use webapp_support::{Config, PRIVATE_MESSAGE, WebAppSetup};

/// The app on a free port with its embedded dev tenant; the setup keeps the tenant alive.
async fn start() -> WebAppSetup {
    let config = Config {
        domain: None,
        client_id: None,
        client_secret: None,
        session_secrets: Vec::new(),
        audience: None,
        port: 0,
        base_url: None,
        api_url: None,
    };
    let mut setup = WebAppSetup::from_config(config).await.unwrap();
    let listener = tokio::net::TcpListener::from_std(setup.take_listener().unwrap()).unwrap();
    let app = axum_webapp::app(AppConfig::from_setup(&setup));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    setup
}

/// A browser: a cookie store, no redirect followed.
fn browser() -> Client {
    client_builder().cookie_store(true).build().unwrap()
}

#[tokio::test]
async fn the_whole_road_over_http() {
    let setup = start().await;
    let base = setup.base_url.clone();
    let http = browser();

    // The app's own API wants a token.
    let api = http
        .get(format!("{base}/api/private"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);

    example::whole_road(&http, &base, setup.dev_tenant().unwrap(), PRIVATE_MESSAGE).await;
}

#[tokio::test]
async fn a_cross_site_logout_is_refused() {
    let setup = start().await;
    let base = setup.base_url.clone();
    let refused = browser()
        .post(format!("{base}/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}
