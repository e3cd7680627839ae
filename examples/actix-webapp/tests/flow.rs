//! The example in-process on a real `HttpServer` with its embedded dev tenant, driven over HTTP
//! by reqwest (its cookie store, redirects followed by hand): the road a user takes, from the
//! logged-out home page through the tenant's login form to the profile, the API call and back
//! out through the tenant's logout (the road of `test_support::webapp::example`, which
//! axum-webapp walks too); then the API, the other routes and a denied login.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_webapp::AppConfig;
use reqwest::Client;
use serde_json::json;
use test_support::webapp::{client_builder, example, location, page, tenant_login};
use webapp_support::{Config, PRIVATE_MESSAGE, WebAppSetup, api_private_body};

/// The example on a free port with its dev tenant; the setup (which keeps the tenant alive) and
/// the base URL.
async fn start() -> (WebAppSetup, String, actix_web::dev::ServerHandle) {
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
    let listener = setup.take_listener().unwrap();
    let server = actix_webapp::server(AppConfig::from_setup(&setup), listener).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let base = setup.base_url.clone();
    (setup, base, handle)
}

/// A browser: a cookie store, no redirect followed.
fn browser() -> Client {
    client_builder().cookie_store(true).build().unwrap()
}

#[actix_web::test]
async fn the_whole_road() {
    let (setup, base, server) = start().await;
    let client = browser();
    example::whole_road(&client, &base, setup.dev_tenant().unwrap(), PRIVATE_MESSAGE).await;
    server.stop(true).await;
}

#[actix_web::test]
async fn the_api_and_the_other_routes() {
    let (setup, base, server) = start().await;
    let tenant = setup.dev_tenant().unwrap();
    let client = browser();

    let api = format!("{base}/api/private");
    assert_eq!(client.get(&api).send().await.unwrap().status(), 401);
    let token = tenant.token().sub("auth0|someone").sign();
    let answer = client.get(&api).bearer_auth(token).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body, api_private_body("auth0|someone"));
    assert_eq!(body["sub"], json!("auth0|someone"));

    let post_home = client.post(format!("{base}/")).send().await.unwrap();
    assert_eq!(post_home.status(), 405);
    assert_eq!(post_home.headers()["allow"], "GET,HEAD");
    let missing = client.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_eq!(missing.status(), 404);

    // A cross-site logout is refused; a logout GET from elsewhere asks first.
    let cross = client
        .post(format!("{base}/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    let confirm = page(&client, &format!("{base}/logout")).await;
    assert_eq!(confirm.status(), 200);
    assert!(confirm.text().await.unwrap().contains("id=\"logout\""));

    // A denied login is an "Access denied" page.
    let login = page(&client, &format!("{base}/login")).await;
    let authorize = location(&login);
    // Cancel on the tenant's form, no credentials typed.
    let callback = tenant_login(&client, &authorize, "", "", "deny").await;
    let error_page = page(&client, &callback).await;
    assert_eq!(error_page.status(), 403);
    assert!(
        error_page
            .text()
            .await
            .unwrap()
            .contains("<h1 id=\"title\">Access denied</h1>")
    );

    server.stop(true).await;
}
