//! DPoP (RFC 9449) through the extractors on a real axum server on loopback: the state
//! extractor, the layer's claims and `Scoped`, with proofs checked against `dpop_base_url` or
//! the request's `Host`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth0_axum::{AccessTokenVerifier, Auth0Claims, Auth0Layer, Auth0Verified, DpopMode, Scoped};
use auth0_core::testing::TestTenant;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use test_support::adapter::{
    DpopClient, ReadMessages, dpop_allowed_scenario, dpop_required_scenario, dpop_verifier, send,
};

async fn via_state(Auth0Verified(claims): Auth0Verified) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

async fn via_layer(claims: Auth0Claims) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

async fn scoped(scoped: Scoped<ReadMessages>) -> Json<Value> {
    Json(json!({ "sub": scoped.sub }))
}

/// `/state` (verifier from state), `/layer` and `/scoped` (behind `Auth0Layer`).
fn app(verifier: AccessTokenVerifier) -> Router {
    let layered = Router::new()
        .route("/layer", get(via_layer))
        .route("/scoped", get(scoped))
        .route_layer(Auth0Layer::new(verifier.clone()));
    Router::new()
        .route("/state", get(via_state))
        .with_state(verifier)
        .merge(layered)
}

/// Binds `127.0.0.1:0`, builds the app knowing its base URL, serves it; returns the URL.
async fn serve(app: impl FnOnce(&str) -> Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = app(&url);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test]
async fn allowed_with_base_url() {
    let tenant = TestTenant::start().await;
    let url = serve(|url| app(dpop_verifier(&tenant, DpopMode::Allowed, Some(url)))).await;
    for path in ["/state", "/layer"] {
        let target = format!("{url}{path}");
        dpop_allowed_scenario(&tenant, &target, &target).await;
    }
}

#[tokio::test]
async fn allowed_with_the_host_header() {
    let tenant = TestTenant::start().await;
    let url = serve(|_| app(dpop_verifier(&tenant, DpopMode::Allowed, None))).await;
    let host = url.strip_prefix("http://").unwrap();
    for path in ["/state", "/layer"] {
        // axum does not know the scheme of an HTTP/1 request: `https` is assumed.
        let htu = format!("https://{host}{path}");
        dpop_allowed_scenario(&tenant, &format!("{url}{path}"), &htu).await;
    }
}

#[tokio::test]
async fn required() {
    let tenant = TestTenant::start().await;
    let url = serve(|url| app(dpop_verifier(&tenant, DpopMode::Required, Some(url)))).await;
    for path in ["/state", "/layer"] {
        let target = format!("{url}{path}");
        dpop_required_scenario(&tenant, &target, &target).await;
    }
}

#[tokio::test]
async fn scoped_extractor_with_dpop() {
    let tenant = TestTenant::start().await;
    let url = serve(|url| app(dpop_verifier(&tenant, DpopMode::Allowed, Some(url)))).await;
    let target = format!("{url}/scoped");
    let a = DpopClient::new(&tenant, "openid")
        .get(&target, &target)
        .await;
    assert_eq!(a.status, 403, "{a:?}");
    let challenge = a.challenge.as_deref().unwrap();
    assert!(challenge.contains(r#"scope="read:messages""#), "{a:?}");
    assert!(challenge.contains(r#"algs="ES256 PS256""#), "{a:?}");
    assert_eq!(a.json()["error"], "insufficient_scope");
    let a = DpopClient::new(&tenant, "read:messages")
        .get(&target, &target)
        .await;
    assert_eq!((a.status, a.json()), (200, json!({ "sub": "auth0|dpop" })));
    // Without credentials, the layer answers before the extractor: both challenges.
    let a = send("GET", &target, &[]).await;
    assert_eq!(a.status, 401);
    assert!(a.challenges().1.is_some(), "{a:?}");
}
