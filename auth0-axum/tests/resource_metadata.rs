//! RFC 9728 with the axum extractor: a 401 from `Auth0Verified` (verifier in the router state)
//! names the metadata that `ResourceMetadataService` serves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth0_axum::auth0_core::resource_metadata::{metadata_url, well_known_path};
use auth0_axum::{
    AccessTokenVerifier, Auth0Verified, ProtectedResourceMetadata, ResourceMetadataService,
};
use auth0_core::testing::TestTenant;
use axum::Router;
use axum::routing::get;
use serde_json::Value;
use test_support::adapter::{answer, bearer, get as fetch};

async fn whoami(Auth0Verified(claims): Auth0Verified) -> String {
    claims.sub.clone()
}

#[tokio::test]
async fn extractor_challenge_names_the_metadata() {
    let tenant = TestTenant::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .resource_metadata_url(metadata_url(&base).unwrap())
        .build()
        .unwrap();
    let metadata = ProtectedResourceMetadata::for_verifier(&verifier, tenant.audience());
    let app = Router::new()
        .route("/private", get(whoami))
        .route_service(
            &well_known_path(&base).unwrap(),
            ResourceMetadataService::new(&metadata),
        )
        .with_state(verifier);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let a = answer(fetch(&format!("{base}/private"), &[]).await).await;
    a.assert_refused(401, None, &tenant.audience());
    let expected = format!("{base}/.well-known/oauth-protected-resource");
    assert!(
        a.challenge
            .unwrap()
            .ends_with(&format!(r#"resource_metadata="{expected}""#))
    );
    let document: Value = reqwest::get(&expected).await.unwrap().json().await.unwrap();
    assert_eq!(document["authorization_servers"][0], tenant.issuer());

    let token = tenant.token().sub("auth0|alice").sign();
    let a = answer(fetch(&format!("{base}/private"), &[&bearer(&token)]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "auth0|alice"));
}
