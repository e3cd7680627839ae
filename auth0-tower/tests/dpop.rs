//! DPoP (RFC 9449) through `Auth0Layer` on a real axum server on loopback: proofs checked
//! against `dpop_base_url` or the request's `Host`, the challenges of each mode, and the
//! answers of the layers behind it (`RequireScopes`, optional mode).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use auth0_core::testing::TestTenant;
use auth0_core::{Claims, DpopMode};
use auth0_tower::{Auth0Layer, RequireScopes};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use test_support::adapter::{
    DpopClient, bearer, dpop_allowed_scenario, dpop_required_scenario, dpop_verifier, send,
    verifier,
};

async fn whoami(Extension(claims): Extension<Arc<Claims>>) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

/// Binds `127.0.0.1:0`, builds the app knowing its base URL, serves it; returns the URL.
async fn serve(app: impl FnOnce(&str) -> Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = app(&url);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn app(layer: Auth0Layer) -> Router {
    Router::new()
        .route("/private", get(whoami))
        .route(
            "/scoped",
            get(whoami).layer(RequireScopes::all(["read:messages"])),
        )
        .layer(layer)
}

#[tokio::test]
async fn allowed_with_base_url() {
    let tenant = TestTenant::start().await;
    let url = serve(|url| {
        app(Auth0Layer::new(dpop_verifier(
            &tenant,
            DpopMode::Allowed,
            Some(url),
        )))
    })
    .await;
    let private = format!("{url}/private");
    dpop_allowed_scenario(&tenant, &private, &private).await;

    // The query is not part of `htu`.
    let client = DpopClient::new(&tenant, "openid");
    let a = client.get(&format!("{private}?page=2"), &private).await;
    assert_eq!(a.status, 200, "{a:?}");
}

#[tokio::test]
async fn allowed_with_the_host_header() {
    let tenant = TestTenant::start().await;
    let url = serve(|_| {
        app(Auth0Layer::new(dpop_verifier(
            &tenant,
            DpopMode::Allowed,
            None,
        )))
    })
    .await;
    // HTTP/1 requests carry no scheme: the proof names `https://<Host><path>`.
    let host = url.strip_prefix("http://").unwrap();
    let private = format!("{url}/private");
    dpop_allowed_scenario(&tenant, &private, &format!("https://{host}/private")).await;

    // A proof naming the URL with another host is refused.
    let client = DpopClient::new(&tenant, "openid");
    let a = client
        .get(&private, "https://api.example.com/private")
        .await;
    a.assert_error_on(400, "DPoP", "invalid_dpop_proof");
}

#[tokio::test]
async fn required() {
    let tenant = TestTenant::start().await;
    let url = serve(|url| {
        app(Auth0Layer::new(dpop_verifier(
            &tenant,
            DpopMode::Required,
            Some(url),
        )))
    })
    .await;
    let private = format!("{url}/private");
    dpop_required_scenario(&tenant, &private, &private).await;
}

#[tokio::test]
async fn layers_behind_answer_with_the_dpop_challenge() {
    let tenant = TestTenant::start().await;
    let url = serve(|url| {
        app(Auth0Layer::new(dpop_verifier(&tenant, DpopMode::Allowed, Some(url))).optional())
    })
    .await;
    let scoped = format!("{url}/scoped");

    // Optional layer, anonymous request, a route that needs scopes: both challenges.
    let a = send("GET", &scoped, &[]).await;
    assert_eq!(a.status, 401, "{a:?}");
    let (bearer, dpop) = a.challenges();
    assert!(!bearer.unwrap().contains("error="), "{a:?}");
    assert!(dpop.unwrap().contains(r#"algs="ES256 PS256""#), "{a:?}");

    // A DPoP token without the scope: 403 insufficient_scope, the DPoP challenge offered.
    let a = DpopClient::new(&tenant, "openid")
        .get(&scoped, &scoped)
        .await;
    assert_eq!(a.status, 403, "{a:?}");
    let challenge = a.challenge.as_deref().unwrap();
    assert!(challenge.contains(r#"error="insufficient_scope""#), "{a:?}");
    assert!(challenge.contains(r#"scope="read:messages""#), "{a:?}");
    assert!(challenge.contains(r#"DPoP realm="#), "{a:?}");
    assert_eq!(a.json()["error"], "insufficient_scope");

    let a = DpopClient::new(&tenant, "openid read:messages")
        .get(&scoped, &scoped)
        .await;
    assert_eq!(
        (a.status, a.json()["sub"].clone()),
        (200, json!("auth0|dpop"))
    );
}

#[tokio::test]
async fn disabled_by_default() {
    let tenant = TestTenant::start().await;
    let url = serve(|_| app(Auth0Layer::new(verifier(&tenant)))).await;
    let private = format!("{url}/private");
    // The DPoP scheme is not accepted: answered like no credentials, Bearer challenge only.
    let a = DpopClient::new(&tenant, "openid")
        .get(&private, &private)
        .await;
    a.assert_refused(401, None, &tenant.audience());
    assert!(!a.challenge.unwrap().contains("DPoP"));
    // A bound token as a bearer token is refused even with DPoP disabled.
    let client = DpopClient::new(&tenant, "openid");
    send(
        "GET",
        &private,
        &[("authorization", &bearer(&client.token))],
    )
    .await
    .assert_refused(401, Some("invalid_token"), &tenant.audience());
}
