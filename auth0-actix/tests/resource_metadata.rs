//! RFC 9728 on a real actix-web server on loopback: 401 challenges from the middleware and the
//! extractor name the metadata, `resource_metadata` serves it, and a client walks from the 401
//! to the tenant's OpenID configuration.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{App, HttpResponse, HttpServer, web};
use auth0_actix::{
    AccessTokenVerifier, Auth0Claims, Auth0Middleware, ProtectedResourceMetadata, resource_metadata,
};
use auth0_core::resource_metadata::{CACHE_CONTROL, metadata_url, well_known_path};
use auth0_core::testing::TestTenant;
use serde_json::{Value, json};
use test_support::adapter::{answer, bearer, get as fetch};

fn resource_metadata_param(challenge: &str) -> Option<&str> {
    let start = challenge.find("resource_metadata=\"")? + "resource_metadata=\"".len();
    let end = challenge[start..].find('"')?;
    Some(&challenge[start..start + end])
}

async fn whoami(claims: Auth0Claims) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "sub": claims.sub }))
}

#[actix_web::test]
async fn challenges_and_discovery() {
    let tenant = TestTenant::start().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .resource_metadata_url(metadata_url(&base).unwrap())
        .build()
        .unwrap();
    let metadata = ProtectedResourceMetadata::for_verifier(&verifier, tenant.audience());
    let path = well_known_path(&base).unwrap();
    let server = HttpServer::new(move || {
        App::new()
            .service(resource_metadata(&path, &metadata))
            .service(
                web::scope("/x")
                    .app_data(verifier.clone())
                    .route("/private", web::get().to(whoami)),
            )
            .service(
                web::scope("/m")
                    .wrap(Auth0Middleware::new(verifier.clone()))
                    .route("/private", web::get().to(whoami)),
            )
    })
    .workers(1)
    .listen(listener)
    .unwrap();
    actix_web::rt::spawn(server.disable_signals().run());

    let expected = format!("{base}/.well-known/oauth-protected-resource");
    let expired = bearer(&tenant.token().expired().sign());
    for route in ["x", "m"] {
        let url = format!("{base}/{route}/private");
        let a = answer(fetch(&url, &[]).await).await;
        a.assert_refused(401, None, &tenant.audience());
        assert_eq!(
            resource_metadata_param(a.challenge.as_deref().unwrap()),
            Some(expected.as_str()),
            "{route}"
        );
        let a = answer(fetch(&url, &[&expired]).await).await;
        a.assert_refused(401, Some("invalid_token"), &tenant.audience());
        assert!(
            a.challenge.unwrap().contains("resource_metadata="),
            "{route}"
        );
        let a = answer(fetch(&url, &["Bearer"]).await).await;
        assert!(
            !a.challenge.unwrap().contains("resource_metadata="),
            "{route}"
        );
    }

    let response = reqwest::get(&expected).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["cache-control"], CACHE_CONTROL);
    let document: Value = response.json().await.unwrap();
    assert_eq!(document["resource"], tenant.audience());
    assert_eq!(document["bearer_methods_supported"], json!(["header"]));
    let issuer = document["authorization_servers"][0].as_str().unwrap();
    let config: Value = reqwest::get(format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(config["issuer"], issuer);
    assert_eq!(issuer, tenant.issuer());

    let head = reqwest::Client::new().head(&expected).send().await.unwrap();
    assert_eq!(head.status(), 200);
    let post = reqwest::Client::new().post(&expected).send().await.unwrap();
    assert_eq!(post.status(), 405);
}
