//! The access token from a cookie in axum: `Auth0Claims` behind
//! `Auth0Layer::token_cookie`, and `Auth0Verified` with a `TokenCookie` in the extensions, on a
//! real server on loopback with tokens from the test tenant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth0_axum::{Auth0Claims, Auth0Layer, Auth0Verified, TokenCookie};
use auth0_core::testing::TestTenant;
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use test_support::adapter::cookie::{COOKIE, cookie_scenario};
use test_support::adapter::{send, verifier};

async fn via_layer(claims: Auth0Claims) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

async fn via_state(Auth0Verified(claims): Auth0Verified) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

async fn maybe_state(claims: Option<Auth0Verified>) -> String {
    claims.map_or_else(|| "anonymous".into(), |c| c.sub.clone())
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn claims_behind_the_layer() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant);
    let app = Router::new()
        .route(
            "/cookie/private",
            get(via_layer).route_layer(Auth0Layer::new(v.clone()).token_cookie(COOKIE)),
        )
        .route(
            "/plain/private",
            get(via_layer).route_layer(Auth0Layer::new(v)),
        );
    let base = serve(app).await;
    cookie_scenario(
        &tenant,
        &format!("{base}/cookie/private"),
        &format!("{base}/plain/private"),
    )
    .await;
}

#[tokio::test]
async fn verified_with_a_token_cookie_extension() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant);
    let with_cookie = Router::new()
        .route("/cookie/private", get(via_state))
        .route("/cookie/maybe", get(maybe_state))
        .layer(Extension(TokenCookie::new(COOKIE)));
    let app = Router::new()
        .route("/plain/private", get(via_state))
        .merge(with_cookie)
        .with_state(v);
    let base = serve(app).await;
    cookie_scenario(
        &tenant,
        &format!("{base}/cookie/private"),
        &format!("{base}/plain/private"),
    )
    .await;

    // Option<Auth0Verified>: no cookie → None; a valid one → Some; a bad one → refused.
    let url = format!("{base}/cookie/maybe");
    assert_eq!(send("GET", &url, &[]).await.body, "anonymous");
    let token = tenant.token().sub("auth0|cookie").sign();
    let a = send("GET", &url, &[("cookie", &format!("{COOKIE}={token}"))]).await;
    assert_eq!(a.body, "auth0|cookie");
    let twice = format!("{COOKIE}={token}; {COOKIE}={token}");
    send("GET", &url, &[("cookie", &twice)])
        .await
        .assert_refused(400, Some("invalid_request"), &tenant.audience());
}
