//! RFC 9728 end to end on loopback: an axum server with `Auth0Layer` (and tower-http's
//! `AsyncRequireAuthorizationLayer`) names its metadata in 401 challenges, serves it with
//! `ResourceMetadataService`, and a client walks from the 401 to the tenant's OpenID
//! configuration.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth0_core::resource_metadata::{
    CACHE_CONTROL, ProtectedResourceMetadata, metadata_url, well_known_path,
};
use auth0_core::testing::TestTenant;
use auth0_core::{AccessTokenVerifier, DpopMode};
use auth0_tower::{Auth0Authorize, Auth0Layer, ResourceMetadataService};
use axum::body::Body;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use test_support::adapter::{answer, bearer, get as fetch};
use tower_http::auth::AsyncRequireAuthorizationLayer;

/// The `resource_metadata` parameter of a challenge, if any.
fn resource_metadata_param(challenge: &str) -> Option<&str> {
    let start = challenge.find("resource_metadata=\"")? + "resource_metadata=\"".len();
    let end = challenge[start..].find('"')?;
    Some(&challenge[start..start + end])
}

struct Server {
    base: String,
    tenant: TestTenant,
}

/// An API on loopback whose verifier names its metadata URL; `authorize`: protected through
/// tower-http's authorization layer instead of `Auth0Layer`.
async fn start(dpop: DpopMode, authorize: bool) -> Server {
    let tenant = TestTenant::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .dpop(dpop)
        .resource_metadata_url(metadata_url(&base).unwrap())
        .build()
        .unwrap();
    let metadata = ProtectedResourceMetadata::for_verifier(&verifier, tenant.audience())
        .scopes_supported(["read:messages"])
        .resource_name("Messages API");
    let private = Router::new().route("/api/private", get(|| async { Json(json!({"ok": true})) }));
    let private = if authorize {
        let authorize: Auth0Authorize<Body> = Auth0Authorize::new(verifier);
        private.route_layer(AsyncRequireAuthorizationLayer::new(authorize))
    } else {
        private.route_layer(Auth0Layer::new(verifier))
    };
    let app = Router::new()
        .route_service(
            &well_known_path(&base).unwrap(),
            ResourceMetadataService::new(&metadata),
        )
        .merge(private);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { base, tenant }
}

#[tokio::test]
async fn discovery_from_a_401() {
    for authorize in [false, true] {
        let Server { base, tenant } = start(DpopMode::Disabled, authorize).await;
        // 1. A request without a token: 401 naming the metadata.
        let a = answer(fetch(&format!("{base}/api/private"), &[]).await).await;
        a.assert_refused(401, None, &tenant.audience());
        let challenge = a.challenge.unwrap();
        let url = resource_metadata_param(&challenge).unwrap().to_owned();
        assert_eq!(url, format!("{base}/.well-known/oauth-protected-resource"));
        // 2. The metadata document.
        let response = reqwest::get(&url).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(response.headers()["cache-control"], CACHE_CONTROL);
        let metadata: Value = response.json().await.unwrap();
        assert_eq!(
            metadata,
            json!({
                "resource": tenant.audience(),
                "authorization_servers": [tenant.issuer()],
                "scopes_supported": ["read:messages"],
                "bearer_methods_supported": ["header"],
                "resource_name": "Messages API",
            })
        );
        // 3. The authorization server's OpenID configuration.
        let issuer = metadata["authorization_servers"][0].as_str().unwrap();
        let config_url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let config: Value = reqwest::get(&config_url)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(config["issuer"], issuer);
        // 4. A token from that tenant is accepted.
        let token = tenant.token().sub("auth0|alice").sign();
        let a = answer(fetch(&format!("{base}/api/private"), &[&bearer(&token)]).await).await;
        assert_eq!(a.status, 200, "{a:?}");
    }
}

#[tokio::test]
async fn challenges_carry_the_parameter_on_401_only() {
    let Server { base, tenant } = start(DpopMode::Disabled, false).await;
    let private = format!("{base}/api/private");
    let expired = bearer(&tenant.token().expired().sign());
    let a = answer(fetch(&private, &[&expired]).await).await;
    a.assert_refused(401, Some("invalid_token"), &tenant.audience());
    assert!(resource_metadata_param(a.challenge.as_deref().unwrap()).is_some());
    // A malformed request is a 400: no discovery hint there.
    let a = answer(fetch(&private, &["Bearer"]).await).await;
    a.assert_refused(400, Some("invalid_request"), &tenant.audience());
    assert!(!a.challenge.unwrap().contains("resource_metadata"));
    // The document is public, and only answers GET and HEAD.
    let url = format!("{base}/.well-known/oauth-protected-resource");
    let response = reqwest::Client::new().post(&url).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, HEAD");
}

#[tokio::test]
async fn dpop_members_and_both_challenges() {
    let Server { base, tenant } = start(DpopMode::Allowed, false).await;
    let a = answer(fetch(&format!("{base}/api/private"), &[]).await).await;
    assert_eq!(a.status, 401);
    let challenge = a.challenge.unwrap();
    assert_eq!(
        challenge.matches("resource_metadata=").count(),
        2,
        "{challenge}"
    );
    let url = resource_metadata_param(&challenge).unwrap();
    let metadata: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(
        metadata["dpop_signing_alg_values_supported"],
        json!(["ES256", "PS256"])
    );
    assert_eq!(metadata["dpop_bound_access_tokens_required"], false);
    assert_eq!(metadata["authorization_servers"][0], tenant.issuer());
}
