//! `Auth0Layer` and `RequireScopes` in front of an axum router served on loopback, driven by
//! reqwest with tokens from the test tenant: the outcome table of RFC 6750 end to end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use auth0_core::testing::conformance::{SUBJECT, bearer_cases};
use auth0_core::testing::{JwksFault, TestTenant};
use auth0_core::{AccessTokenVerifier, Claims};
use auth0_tower::{Auth0Layer, RequireScopes, Verified};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use test_support::adapter::{answer, bearer, check_case, get as fetch, verifier};

/// Serves `app` on `127.0.0.1:0`; returns its base URL.
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
    Json(json!({ "sub": claims.sub }))
}

fn app(layer: Auth0Layer) -> Router {
    Router::new()
        .route("/private", get(whoami))
        .route(
            "/scoped",
            get(whoami).layer(RequireScopes::all(["read:messages"])),
        )
        .route(
            "/scoped-strict",
            get(whoami).layer(RequireScopes::all(["read:messages"]).scopes_only()),
        )
        .route(
            "/any",
            get(whoami).layer(RequireScopes::any(["admin", "read:messages"])),
        )
        .layer(layer)
}

async fn start() -> (TestTenant, String) {
    let tenant = TestTenant::start().await;
    let url = serve(app(Auth0Layer::new(verifier(&tenant)))).await;
    (tenant, url)
}

#[tokio::test]
async fn outcome_table() {
    let (tenant, url) = start().await;
    for case in bearer_cases(&tenant) {
        let a = check_case(&format!("{url}/private"), &case).await;
        if case.expect.is_accepted() {
            assert_eq!(a.json(), json!({ "sub": SUBJECT }), "{}", case.name);
        }
    }
}

#[tokio::test]
async fn scopes_and_permissions() {
    let (tenant, url) = start().await;
    let realm = tenant.audience();
    let no_scope = tenant.token().scope("openid profile").sign();
    let scoped = tenant.token().scope("openid read:messages").sign();
    let permitted = tenant.token().permissions(["read:messages"]).sign();

    let a = answer(fetch(&format!("{url}/scoped"), &[&bearer(&no_scope)]).await).await;
    a.assert_refused(403, Some("insufficient_scope"), &realm);
    assert!(a.challenge.unwrap().contains(r#"scope="read:messages""#));

    for token in [&scoped, &permitted] {
        let a = answer(fetch(&format!("{url}/scoped"), &[&bearer(token)]).await).await;
        assert_eq!(a.status, 200, "{a:?}");
    }

    // Narrowed to the scope claim: a permission does not count.
    answer(fetch(&format!("{url}/scoped-strict"), &[&bearer(&permitted)]).await)
        .await
        .assert_refused(403, Some("insufficient_scope"), &realm);
    assert_eq!(
        answer(fetch(&format!("{url}/scoped-strict"), &[&bearer(&scoped)]).await)
            .await
            .status,
        200
    );

    // any(): one of them is enough; the challenge names all of them.
    assert_eq!(
        answer(fetch(&format!("{url}/any"), &[&bearer(&permitted)]).await)
            .await
            .status,
        200
    );
    let a = answer(fetch(&format!("{url}/any"), &[&bearer(&no_scope)]).await).await;
    assert!(
        a.challenge
            .as_deref()
            .unwrap()
            .contains(r#"scope="admin read:messages""#),
        "{a:?}"
    );

    // Authentication comes first: no token on a scoped route is the bare 401.
    answer(fetch(&format!("{url}/scoped"), &[]).await)
        .await
        .assert_refused(401, None, &realm);
}

#[tokio::test]
async fn optional_mode() {
    let tenant = TestTenant::start().await;
    let realm = tenant.audience();
    async fn maybe(claims: Option<Extension<Arc<Claims>>>) -> String {
        claims.map_or_else(|| "anonymous".to_owned(), |Extension(c)| c.sub.clone())
    }
    let app = Router::new()
        .route("/maybe", get(maybe))
        .route(
            "/scoped",
            get(maybe).layer(RequireScopes::all(["read:messages"])),
        )
        .layer(Auth0Layer::new(verifier(&tenant)).optional());
    let url = serve(app).await;
    let maybe_url = format!("{url}/maybe");

    let a = answer(fetch(&maybe_url, &[]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "anonymous"));
    let a = answer(fetch(&maybe_url, &["Basic dXNlcjpwYXNz"]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "anonymous"));
    let a = answer(
        fetch(
            &maybe_url,
            &[&bearer(&tenant.token().sub("auth0|bob").sign())],
        )
        .await,
    )
    .await;
    assert_eq!((a.status, a.body.as_str()), (200, "auth0|bob"));

    answer(fetch(&maybe_url, &[&bearer(&tenant.token().expired().sign())]).await)
        .await
        .assert_refused(401, Some("invalid_token"), &realm);
    answer(fetch(&maybe_url, &["Bearer"]).await)
        .await
        .assert_refused(400, Some("invalid_request"), &realm);
    // A route that needs scopes still challenges an anonymous request.
    answer(fetch(&format!("{url}/scoped"), &[]).await)
        .await
        .assert_refused(401, None, &realm);
}

#[derive(serde::Deserialize)]
struct MyClaims {
    #[serde(rename = "https://example.com/roles", default)]
    roles: Vec<String>,
}

#[tokio::test]
async fn custom_claims_type() {
    let tenant = TestTenant::start().await;
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .custom_claims::<MyClaims>()
        .build()
        .unwrap();
    async fn roles(Extension(claims): Extension<Arc<Claims<MyClaims>>>) -> String {
        claims.custom.roles.join(",")
    }
    let app = Router::new()
        .route("/roles", get(roles))
        .route(
            "/scoped",
            get(roles).layer(RequireScopes::all(["read:messages"])),
        )
        .layer(Auth0Layer::new(verifier));
    let url = serve(app).await;
    let token = tenant
        .token()
        .claim("https://example.com/roles", ["admin", "editor"])
        .scope("read:messages")
        .sign();
    let a = answer(fetch(&format!("{url}/roles"), &[&bearer(&token)]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "admin,editor"));
    // RequireScopes works whatever the claims type.
    assert_eq!(
        answer(fetch(&format!("{url}/scoped"), &[&bearer(&token)]).await)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn key_rotation_while_serving() {
    let (tenant, url) = start().await;
    let old = tenant.token().sign();
    assert_eq!(
        answer(fetch(&format!("{url}/private"), &[&bearer(&old)]).await)
            .await
            .status,
        200
    );

    let next = tenant.rotate();
    let new = tenant.token().sub("auth0|rotated").sign();
    assert!(new != old);
    let a = answer(fetch(&format!("{url}/private"), &[&bearer(&new)]).await).await;
    assert_eq!(
        (a.status, a.json()["sub"].clone()),
        (200, json!("auth0|rotated")),
        "{a:?} (kid {})",
        next.kid()
    );
    // The old key stays published until retired.
    assert_eq!(
        answer(fetch(&format!("{url}/private"), &[&bearer(&old)]).await)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn jwks_down_cold_is_503_without_challenge() {
    let tenant = TestTenant::start().await;
    tenant.set_fault(JwksFault::Status(500));
    let url = serve(app(Auth0Layer::new(verifier(&tenant)))).await;
    let token = tenant.token().sign();

    let a = answer(fetch(&format!("{url}/private"), &[&bearer(&token)]).await).await;
    a.assert_unavailable();
    // A request without credentials needs no key: still the bare challenge.
    answer(fetch(&format!("{url}/private"), &[]).await)
        .await
        .assert_refused(401, None, &tenant.audience());
}

#[tokio::test]
async fn realm_override() {
    let tenant = TestTenant::start().await;
    let url = serve(app(
        Auth0Layer::new(verifier(&tenant)).with_realm("my \"api\"")
    ))
    .await;
    let a = answer(fetch(&format!("{url}/private"), &[]).await).await;
    // Quotes cannot appear inside the quoted value: core drops them.
    a.assert_refused(401, None, "my api");
    let token = tenant.token().sign();
    let a = answer(fetch(&format!("{url}/scoped"), &[&bearer(&token)]).await).await;
    a.assert_refused(403, Some("insufficient_scope"), "my api");
}

#[tokio::test]
async fn require_scopes_without_auth0_layer_is_500() {
    let app = Router::new().route(
        "/scoped",
        get(|| async { "never" }).layer(RequireScopes::all(["x"])),
    );
    let url = serve(app).await;
    let a = answer(fetch(&format!("{url}/scoped"), &[]).await).await;
    assert_eq!(a.status, 500, "{a:?}");
    assert!(a.challenge.is_none());
}
