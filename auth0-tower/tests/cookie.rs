//! `Auth0Layer::token_cookie`: the access token from a cookie, on an axum router served on
//! loopback, driven by reqwest with tokens from the test tenant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use auth0_core::Claims;
use auth0_core::testing::TestTenant;
use auth0_tower::Auth0Layer;
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use test_support::adapter::cookie::{COOKIE, cookie_scenario};
use test_support::adapter::{send, verifier};

async fn whoami(Extension(claims): Extension<Arc<Claims>>) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

async fn maybe(claims: Option<Extension<Arc<Claims>>>) -> String {
    claims.map_or_else(|| "anonymous".into(), |Extension(c)| c.sub.clone())
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn token_from_a_cookie() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant);
    let layer = Auth0Layer::new(v.clone()).token_cookie(COOKIE);
    assert_eq!(layer.token_cookie_name(), Some(COOKIE));
    assert_eq!(Auth0Layer::new(v.clone()).token_cookie_name(), None);
    let app = Router::new()
        .route("/cookie/private", get(whoami).route_layer(layer.clone()))
        .route(
            "/plain/private",
            get(whoami).route_layer(Auth0Layer::new(v.clone())),
        )
        .route("/cookie/maybe", get(maybe).route_layer(layer.optional()));
    let base = serve(app).await;
    cookie_scenario(
        &tenant,
        &format!("{base}/cookie/private"),
        &format!("{base}/plain/private"),
    )
    .await;

    // Optional mode: no cookie passes anonymously, a valid one is read, a bad one refused.
    let url = format!("{base}/cookie/maybe");
    assert_eq!(send("GET", &url, &[]).await.body, "anonymous");
    let token = tenant.token().sub("auth0|cookie").sign();
    let a = send("GET", &url, &[("cookie", &format!("{COOKIE}={token}"))]).await;
    assert_eq!(a.body, "auth0|cookie");
    let bad = tenant.token().expired().sign();
    let a = send("GET", &url, &[("cookie", &format!("{COOKIE}={bad}"))]).await;
    a.assert_refused(401, Some("invalid_token"), &tenant.audience());
}
