//! The extractors on a real axum server on loopback, with tokens from the test tenant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth0_axum::{
    AccessTokenVerifier, Auth0Claims, Auth0Layer, Auth0Scoped, Auth0Verified, RequireScopes, Scoped,
};
use auth0_core::testing::conformance::{SUBJECT, bearer_cases};
use auth0_core::testing::{JwksFault, TestTenant};
use axum::extract::FromRef;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use test_support::adapter::{ReadMessages, answer, bearer, check_case, get as fetch, verifier};

/// Serves `app` on `127.0.0.1:0`; returns its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn via_state(Auth0Verified(claims): Auth0Verified) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

async fn via_layer(claims: Auth0Claims) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

async fn maybe_layer(claims: Option<Auth0Claims>) -> String {
    claims.map_or_else(|| "anonymous".into(), |c| c.sub.clone())
}

async fn maybe_state(claims: Option<Auth0Verified>) -> String {
    claims.map_or_else(|| "anonymous".into(), |c| c.sub.clone())
}

async fn scoped(scoped: Scoped<ReadMessages>) -> Json<Value> {
    Json(json!({ "sub": scoped.sub }))
}

async fn state_then_scoped(_: Auth0Verified, scoped: Scoped<ReadMessages>) -> Json<Value> {
    Json(json!({ "sub": scoped.claims().sub }))
}

async fn state_scoped(scoped: Auth0Scoped<ReadMessages>) -> Json<Value> {
    Json(json!({ "sub": scoped.sub }))
}

/// Routes verified by the extractor with the verifier as state.
fn state_app(verifier: AccessTokenVerifier) -> Router {
    Router::new()
        .route("/private", get(via_state))
        .route("/maybe", get(maybe_state))
        .route("/scoped", get(state_then_scoped))
        .route("/state-scoped", get(state_scoped))
        .with_state(verifier)
}

#[tokio::test]
async fn outcome_table_with_the_state_extractor() {
    let tenant = TestTenant::start().await;
    let url = serve(state_app(verifier(&tenant))).await;
    for case in bearer_cases(&tenant) {
        let a = check_case(&format!("{url}/private"), &case).await;
        if case.expect.is_accepted() {
            assert_eq!(a.json(), json!({ "sub": SUBJECT }), "{}", case.name);
        }
    }
}

#[tokio::test]
async fn optional_extractors() {
    let tenant = TestTenant::start().await;
    let realm = tenant.audience();
    let layered = Router::new()
        .route("/maybe-layer", get(maybe_layer))
        .route("/must", get(via_layer));
    let app = layered
        .layer(Auth0Layer::new(verifier(&tenant)).optional())
        .merge(state_app(verifier(&tenant)));
    let url = serve(app).await;
    let valid = bearer(&tenant.token().sub("auth0|bob").sign());
    let expired = bearer(&tenant.token().expired().sign());

    for path in ["/maybe-layer", "/maybe"] {
        let u = format!("{url}{path}");
        let a = answer(fetch(&u, &[]).await).await;
        assert_eq!((a.status, a.body.as_str()), (200, "anonymous"), "{path}");
        let a = answer(fetch(&u, &["Basic dXNlcjpwYXNz"]).await).await;
        assert_eq!((a.status, a.body.as_str()), (200, "anonymous"), "{path}");
        let a = answer(fetch(&u, &[&valid]).await).await;
        assert_eq!((a.status, a.body.as_str()), (200, "auth0|bob"), "{path}");
        answer(fetch(&u, &[&expired]).await).await.assert_refused(
            401,
            Some("invalid_token"),
            &realm,
        );
        answer(fetch(&u, &["Bearer a b"]).await)
            .await
            .assert_refused(400, Some("invalid_request"), &realm);
    }
    // Behind the optional layer, the non-optional extractor challenges anonymous requests.
    answer(fetch(&format!("{url}/must"), &[]).await)
        .await
        .assert_refused(401, None, &realm);
    assert_eq!(
        answer(fetch(&format!("{url}/must"), &[&valid]).await)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn scopes_and_permissions() {
    let tenant = TestTenant::start().await;
    let realm = tenant.audience();
    let app = Router::new()
        .route("/typed", get(scoped))
        .route(
            "/layer",
            get(via_layer).layer(RequireScopes::all(["read:messages"])),
        )
        .layer(Auth0Layer::new(verifier(&tenant)))
        .merge(state_app(verifier(&tenant)));
    let url = serve(app).await;
    let none = bearer(&tenant.token().scope("openid").sign());
    let by_scope = bearer(&tenant.token().scope("openid read:messages").sign());
    let by_permission = bearer(&tenant.token().permissions(["read:messages"]).sign());

    for path in ["/typed", "/layer", "/scoped", "/state-scoped"] {
        let u = format!("{url}{path}");
        let a = answer(fetch(&u, &[&none]).await).await;
        a.assert_refused(403, Some("insufficient_scope"), &realm);
        assert!(
            a.challenge.unwrap().contains(r#"scope="read:messages""#),
            "{path}"
        );
        assert_eq!(
            answer(fetch(&u, &[&by_scope]).await).await.status,
            200,
            "{path}"
        );
        assert_eq!(
            answer(fetch(&u, &[&by_permission]).await).await.status,
            200,
            "{path}"
        );
        answer(fetch(&u, &[]).await)
            .await
            .assert_refused(401, None, &realm);
    }
}

#[derive(serde::Deserialize)]
struct MyClaims {
    #[serde(rename = "https://example.com/tenant")]
    org: String,
}

#[derive(Clone, FromRef)]
struct AppState {
    verifier: AccessTokenVerifier<MyClaims>,
    greeting: &'static str,
}

#[tokio::test]
async fn custom_claims_from_app_state() {
    let tenant = TestTenant::start().await;
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .custom_claims::<MyClaims>()
        .build()
        .unwrap();
    async fn org(
        axum::extract::State(greeting): axum::extract::State<&'static str>,
        Auth0Verified(claims): Auth0Verified<MyClaims>,
    ) -> String {
        format!("{greeting} {}", claims.custom.org)
    }
    async fn org_from_layer(Auth0Claims(claims): Auth0Claims<MyClaims>) -> String {
        claims.custom.org.clone()
    }
    let app = Router::new()
        .route("/org", get(org))
        .with_state(AppState {
            verifier: verifier.clone(),
            greeting: "hello",
        })
        .merge(
            Router::new()
                .route("/layer", get(org_from_layer))
                .layer(Auth0Layer::new(verifier)),
        );
    let url = serve(app).await;
    let token = bearer(
        &tenant
            .token()
            .claim("https://example.com/tenant", "acme")
            .sign(),
    );
    let a = answer(fetch(&format!("{url}/org"), &[&token]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "hello acme"));
    let a = answer(fetch(&format!("{url}/layer"), &[&token]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "acme"));
    // A token without the required custom claim fails verification.
    let plain = bearer(&tenant.token().sign());
    answer(fetch(&format!("{url}/org"), &[&plain]).await)
        .await
        .assert_refused(401, Some("invalid_token"), &tenant.audience());
}

#[tokio::test]
async fn misconfiguration_is_500() {
    let tenant = TestTenant::start().await;
    let token = bearer(&tenant.token().scope("read:messages").sign());
    async fn other_type(_: Auth0Claims<MyClaims>) -> &'static str {
        "never"
    }
    let app = Router::new()
        .route("/no-layer", get(via_layer))
        .route("/no-layer-optional", get(maybe_layer))
        .route("/no-layer-scoped", get(scoped))
        .merge(
            Router::new()
                .route("/wrong-type", get(other_type))
                .layer(Auth0Layer::new(verifier(&tenant))),
        );
    let url = serve(app).await;
    for path in [
        "/no-layer",
        "/no-layer-optional",
        "/no-layer-scoped",
        "/wrong-type",
    ] {
        // (The layer in front of /wrong-type refuses requests without a token by itself.)
        let with_token = [token.as_str()];
        let without: &[&str] = if path == "/wrong-type" {
            &with_token
        } else {
            &[]
        };
        for headers in [without, &with_token] {
            let a = answer(fetch(&format!("{url}{path}"), headers).await).await;
            assert_eq!(a.status, 500, "{path}: {a:?}");
            assert!(a.challenge.is_none(), "{path}");
        }
    }
}

#[tokio::test]
async fn rotation_and_cold_outage() {
    let tenant = TestTenant::start().await;
    let url = serve(state_app(verifier(&tenant))).await;
    assert_eq!(
        answer(
            fetch(
                &format!("{url}/private"),
                &[&bearer(&tenant.token().sign())]
            )
            .await
        )
        .await
        .status,
        200
    );
    tenant.rotate();
    let a = answer(
        fetch(
            &format!("{url}/private"),
            &[&bearer(&tenant.token().sub("auth0|new").sign())],
        )
        .await,
    )
    .await;
    assert_eq!(
        (a.status, a.json()["sub"].clone()),
        (200, json!("auth0|new"))
    );

    let cold = TestTenant::start().await;
    cold.set_fault(JwksFault::Status(503));
    let url = serve(state_app(verifier(&cold))).await;
    answer(fetch(&format!("{url}/private"), &[&bearer(&cold.token().sign())]).await)
        .await
        .assert_unavailable();
}

/// axum boxes every handler future on every request; a handler's future holds its extractors'
/// futures. The verifying extractors keep their async path (a token not cached yet) behind a
/// box, so that what each request allocates and moves stays small: inline, that path made
/// them about 2 KiB.
#[test]
fn the_verifying_extractors_futures_stay_small() {
    use axum::extract::FromRequestParts;
    let verifier = AccessTokenVerifier::builder("tenant.example.com")
        .audience("https://api.example.com")
        .build()
        .unwrap();
    let (mut parts, ()) = axum::http::Request::new(()).into_parts();
    let verified = <Auth0Verified as FromRequestParts<AccessTokenVerifier>>::from_request_parts(
        &mut parts, &verifier,
    );
    let verified_size = std::mem::size_of_val(&verified);
    drop(verified);
    let scoped =
        <Auth0Scoped<ReadMessages> as FromRequestParts<AccessTokenVerifier>>::from_request_parts(
            &mut parts, &verifier,
        );
    let scoped_size = std::mem::size_of_val(&scoped);
    drop(scoped);
    assert!(
        verified_size <= 256,
        "Auth0Verified's future: {verified_size} bytes"
    );
    assert!(
        scoped_size <= 256,
        "Auth0Scoped's future: {scoped_size} bytes"
    );
}
