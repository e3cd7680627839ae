//! `Auth0Authorize` behind tower-http's `AsyncRequireAuthorizationLayer`, in front of an axum
//! router served on loopback: the same claims and the same RFC 6750 refusals as `Auth0Layer`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use auth0_core::testing::TestTenant;
use auth0_core::testing::conformance::{SUBJECT, bearer_cases};
use auth0_core::{Claims, VerifyError};
use auth0_tower::{Auth0Authorize, Auth0Layer, RequireScopes, Verified};
use axum::body::Body;
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use test_support::adapter::{answer, bearer, check_case, get as fetch, verifier};
use tower::ServiceExt;
use tower_http::auth::AsyncRequireAuthorizationLayer;

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn whoami(
    Extension(claims): Extension<Arc<Claims>>,
    Extension(v): Extension<Verified>,
) -> Json<Value> {
    assert_eq!(claims.sub, v.subject());
    Json(json!({ "sub": claims.sub, "scope": claims.scope }))
}

fn app(authorize: Auth0Authorize<Body>) -> Router {
    Router::new()
        .route("/private", get(whoami))
        .route(
            "/scoped",
            get(whoami).layer(RequireScopes::all(["read:messages"])),
        )
        .route_layer(AsyncRequireAuthorizationLayer::new(authorize))
}

#[tokio::test]
async fn claims_and_refusals() {
    let tenant = TestTenant::start().await;
    let realm = tenant.audience();
    let url = serve(app(Auth0Authorize::new(verifier(&tenant)))).await;
    let private = format!("{url}/private");

    let token = tenant
        .token()
        .sub("auth0|alice")
        .scope("read:messages")
        .sign();
    let a = answer(fetch(&private, &[&bearer(&token)]).await).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(
        a.json(),
        json!({ "sub": "auth0|alice", "scope": ["read:messages"] })
    );

    answer(fetch(&private, &[]).await)
        .await
        .assert_refused(401, None, &realm);
    answer(fetch(&private, &["Bearer"]).await)
        .await
        .assert_refused(400, Some("invalid_request"), &realm);
    answer(fetch(&private, &[&bearer(&tenant.token().expired().sign())]).await)
        .await
        .assert_refused(401, Some("invalid_token"), &realm);
    answer(
        fetch(
            &private,
            &[&bearer(&tenant.token().aud("https://other.example").sign())],
        )
        .await,
    )
    .await
    .assert_refused(401, Some("invalid_token"), &realm);

    // Scopes behind the authorization layer: RequireScopes reads what it left.
    let scoped = format!("{url}/scoped");
    assert_eq!(
        answer(fetch(&scoped, &[&bearer(&token)]).await)
            .await
            .status,
        200
    );
    let a = answer(fetch(&scoped, &[&bearer(&tenant.token().scope("openid").sign())]).await).await;
    a.assert_refused(403, Some("insufficient_scope"), &realm);
    assert!(a.challenge.unwrap().contains(r#"scope="read:messages""#));
    // Unknown paths stay 404 (route_layer).
    assert_eq!(
        answer(fetch(&format!("{url}/nowhere"), &[]).await)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn same_answers_as_auth0_layer() {
    let tenant = TestTenant::start().await;
    let url = serve(app(Auth0Authorize::new(verifier(&tenant)))).await;
    for case in bearer_cases(&tenant) {
        let a = check_case(&format!("{url}/private"), &case).await;
        if case.expect.is_accepted() {
            assert_eq!(a.json()["sub"], SUBJECT, "{}", case.name);
        }
    }
}

#[tokio::test]
async fn configured_from_a_layer() {
    let tenant = TestTenant::start().await;
    let layer = Auth0Layer::new(verifier(&tenant))
        .with_realm("my realm")
        .optional();
    let authorize: Auth0Authorize<Body> = Auth0Authorize::from(layer);
    async fn maybe(claims: Option<Extension<Arc<Claims>>>) -> String {
        claims.map_or_else(|| "anonymous".to_owned(), |Extension(c)| c.sub.clone())
    }
    let app = Router::new()
        .route("/maybe", get(maybe))
        .layer(AsyncRequireAuthorizationLayer::new(authorize));

    let request = |value: Option<String>| {
        let mut request = http::Request::get("/maybe");
        if let Some(value) = value {
            request = request.header("authorization", value);
        }
        request.body(Body::empty()).unwrap()
    };
    let response = app.clone().oneshot(request(None)).await.unwrap();
    assert_eq!(response.status(), 200);
    let response = app
        .oneshot(request(Some(bearer(&tenant.token().expired().sign()))))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with(r#"Bearer realm="my realm", error="invalid_token""#)
    );
    // The typed error is in the refusal's extensions, as with Auth0Layer.
    assert!(response.extensions().get::<VerifyError>().is_some());
}
