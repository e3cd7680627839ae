//! The test kit over real loopback HTTP: JWKS, discovery, minting checked by an independent JWT
//! library, rotation, every JWKS fault, `/oauth/token` and `/userinfo`.
//!
//! `cargo test -p auth0-core --test testing_kit`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod endpoints;
mod faults;

use std::time::{Duration, Instant};

use auth0_core::Algorithm;
use auth0_core::testing::{TestKey, TestTenant, jwks};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};

fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn install_provider() {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
}

fn jwt_alg(alg: Algorithm) -> jsonwebtoken::Algorithm {
    alg.as_str().parse().unwrap()
}

fn validation(tenant: &TestTenant, alg: Algorithm) -> Validation {
    let mut v = Validation::new(jwt_alg(alg));
    v.set_audience(&[tenant.audience()]);
    v.set_issuer(&[tenant.issuer()]);
    v.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    v
}

async fn fetch_jwks(tenant: &TestTenant) -> JwkSet {
    client()
        .get(tenant.jwks_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Verifies `token` with jsonwebtoken against the tenant's served JWKS.
async fn verify_with_jwks(tenant: &TestTenant, token: &str, alg: Algorithm) -> Option<Value> {
    install_provider();
    let set = fetch_jwks(tenant).await;
    let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
    let key = DecodingKey::from_jwk(set.find(&kid)?).unwrap();
    jsonwebtoken::decode::<Value>(token, &key, &validation(tenant, alg))
        .ok()
        .map(|t| t.claims)
}
#[tokio::test]
async fn jwks_is_served_and_parseable() {
    let tenant = TestTenant::start().await;
    let response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert!(header("content-type").starts_with("application/json"));
    assert_eq!(header("cache-control"), "public, max-age=600");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, jwks(&[&TestKey::rsa(0)]));
    assert_eq!(body["keys"][0]["kid"], "rsa-0");
    assert_eq!(body["keys"][0]["use"], "sig");
    let set: JwkSet = serde_json::from_value(body).unwrap();
    assert_eq!(set.keys.len(), 1);
    assert_eq!(tenant.jwks_requests(), 1);
    assert!(tenant.issuer().starts_with("http://127.0.0.1:") && tenant.issuer().ends_with('/'));
    assert_eq!(format!("{}/", tenant.domain()), tenant.issuer());
    assert_eq!(
        tenant.jwks_url(),
        format!("{}.well-known/jwks.json", tenant.issuer())
    );
}

#[tokio::test]
async fn discovery_document() {
    let tenant = TestTenant::start().await;
    let doc: Value = client()
        .get(format!(
            "{}.well-known/openid-configuration",
            tenant.issuer()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], tenant.issuer());
    assert_eq!(doc["jwks_uri"], tenant.jwks_url());
    assert_eq!(doc["token_endpoint"], tenant.token_url());
    assert_eq!(doc["userinfo_endpoint"], tenant.userinfo_url());
    for field in [
        "authorization_endpoint",
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
        "token_endpoint_auth_methods_supported",
        "grant_types_supported",
    ] {
        assert!(doc.get(field).is_some(), "{field}");
    }
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    assert_eq!(tenant.jwks_requests(), 0);
}

#[tokio::test]
async fn minted_tokens_verify_with_jsonwebtoken() {
    install_provider();
    let keys = [
        TestKey::rsa(0),
        TestKey::rsa(1).with_alg(Algorithm::RS384),
        TestKey::rsa(2).with_alg(Algorithm::RS512),
        TestKey::rsa(3).with_alg(Algorithm::PS256),
        TestKey::rsa(4).with_alg(Algorithm::PS384),
        TestKey::rsa(5).with_alg(Algorithm::PS512),
        TestKey::es256(1),
        TestKey::es384(1),
        TestKey::ed25519(1),
    ];
    for key in keys {
        let alg = key.algorithm();
        let tenant = TestTenant::builder().signing_key(key.clone()).start().await;
        let token = tenant
            .token()
            .sub("auth0|alice")
            .scope("read:messages")
            .permissions(["read:messages"])
            .sign();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(key.kid()));
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        let claims = verify_with_jwks(&tenant, &token, alg).await;
        let claims = claims.unwrap_or_else(|| panic!("{alg} token rejected"));
        assert_eq!(claims["sub"], "auth0|alice");
        assert_eq!(claims["scope"], "read:messages");
        assert_eq!(claims["azp"], tenant.client_id());
        assert_eq!(claims["permissions"], json!(["read:messages"]));

        // The same token through the SPKI PEM.
        let pem = key.public_key_pem();
        let decoding = match alg {
            Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(pem.as_bytes()),
            Algorithm::EdDSA => DecodingKey::from_ed_pem(pem.as_bytes()),
            _ => DecodingKey::from_rsa_pem(pem.as_bytes()),
        }
        .unwrap();
        jsonwebtoken::decode::<Value>(&token, &decoding, &validation(&tenant, alg))
            .unwrap_or_else(|e| panic!("{alg} via PEM: {e}"));

        // Broken variants are rejected.
        let bad = tenant.token().sign_with_bad_signature();
        assert!(
            verify_with_jwks(&tenant, &bad, alg).await.is_none(),
            "{alg}"
        );
        let expired = tenant.token().expired().sign();
        assert!(
            verify_with_jwks(&tenant, &expired, alg).await.is_none(),
            "{alg}"
        );
    }
}

#[tokio::test]
async fn hostile_token_shapes() {
    let tenant = TestTenant::start().await;
    let foreign = tenant.token().key(&TestKey::rsa(7)).sign();
    assert_eq!(
        jsonwebtoken::decode_header(&foreign)
            .unwrap()
            .kid
            .as_deref(),
        Some("rsa-7")
    );
    assert!(
        verify_with_jwks(&tenant, &foreign, Algorithm::RS256)
            .await
            .is_none()
    );
    // A foreign key that claims the tenant's kid.
    let impostor = tenant.token().key(&TestKey::rsa(7)).kid("rsa-0").sign();
    assert!(
        verify_with_jwks(&tenant, &impostor, Algorithm::RS256)
            .await
            .is_none()
    );

    let confused = tenant.token().alg("HS256").sign();
    assert_eq!(
        jsonwebtoken::decode_header(&confused).unwrap().alg,
        jsonwebtoken::Algorithm::HS256
    );
    let unsigned = tenant.token().unsigned();
    assert!(unsigned.ends_with('.') && unsigned.matches('.').count() == 2);
    let no_kid = tenant
        .token()
        .no_kid()
        .typ("at+jwt")
        .header("crit", ["exp"])
        .sign();
    let header: Value = serde_json::from_str(&tenant.token().no_kid().header_json()).unwrap();
    assert!(header.get("kid").is_none());
    assert_eq!(no_kid.split('.').count(), 3);
}

#[tokio::test]
async fn rotation_changes_the_served_set() {
    install_provider();
    let tenant = TestTenant::start().await;
    let kids = |set: JwkSet| -> Vec<String> {
        set.keys
            .into_iter()
            .filter_map(|k| k.common.key_id)
            .collect()
    };
    assert_eq!(kids(fetch_jwks(&tenant).await), ["rsa-0"]);

    let next = tenant.rotate();
    assert_eq!(next.kid(), "rsa-1");
    assert_eq!(tenant.signing_key().kid(), "rsa-1");
    assert_eq!(kids(fetch_jwks(&tenant).await), ["rsa-0", "rsa-1"]);
    let token = tenant.token().sign();
    assert_eq!(
        jsonwebtoken::decode_header(&token).unwrap().kid.as_deref(),
        Some("rsa-1")
    );
    assert!(
        verify_with_jwks(&tenant, &token, Algorithm::RS256)
            .await
            .is_some()
    );

    tenant.retire_key("rsa-0");
    assert_eq!(kids(fetch_jwks(&tenant).await), ["rsa-1"]);

    tenant.publish_key(TestKey::es256(9));
    tenant.use_signing_key("es256-9");
    let token = tenant.token().sign();
    assert!(
        verify_with_jwks(&tenant, &token, Algorithm::ES256)
            .await
            .is_some()
    );
    assert_eq!(kids(fetch_jwks(&tenant).await), ["rsa-1", "es256-9"]);

    // Same kid, new material: the entry is replaced; tokens of the old material stop verifying.
    tenant.use_signing_key("rsa-1");
    let old = tenant.token().sign();
    tenant.publish_key(TestKey::rsa(6).with_kid("rsa-1"));
    assert_eq!(kids(fetch_jwks(&tenant).await), ["rsa-1", "es256-9"]);
    assert!(
        verify_with_jwks(&tenant, &old, Algorithm::RS256)
            .await
            .is_none()
    );
    assert_eq!(tenant.rotate().kid(), "rsa-2");
}

#[tokio::test]
async fn shutdown_and_drop_close_the_port() {
    let tenant = TestTenant::try_start().await.unwrap();
    let url = tenant.jwks_url();
    assert!(client().get(&url).send().await.is_ok());
    tenant.shutdown().await;
    let fresh = Client::builder().pool_max_idle_per_host(0).build().unwrap();
    assert!(fresh.get(&url).send().await.is_err());

    let tenant = TestTenant::start().await;
    let url = tenant.jwks_url();
    drop(tenant);
    tokio::task::yield_now().await;
    assert!(fresh.get(&url).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_during_rotation() {
    let tenant = std::sync::Arc::new(TestTenant::start().await);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let tenant = tenant.clone();
        tasks.push(tokio::spawn(async move {
            let set: Value = client().get(tenant.jwks_url()).send().await?.json().await?;
            Ok::<usize, reqwest::Error>(set["keys"].as_array().map_or(0, Vec::len))
        }));
    }
    for _ in 0..3 {
        tenant.rotate();
    }
    for task in tasks {
        let count = task.await.unwrap().unwrap();
        assert!((1..=4).contains(&count));
    }
    assert_eq!(tenant.jwks_requests(), 20);
}

/// RSA-2048 generation time; run by hand:
/// `cargo test -p auth0-core --features testing --test testing_kit -- --ignored --nocapture`
/// (add `--release` for the optimised figure).
#[test]
#[ignore = "measurement, run by hand"]
fn rsa_2048_generation_time() {
    let runs = 10;
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let key = TestKey::generate_rsa(2048);
        times.push(start.elapsed());
        assert!(key.kid().starts_with("rsa-gen-"));
    }
    times.sort();
    let total: Duration = times.iter().sum();
    println!(
        "RSA-2048 generation over {runs} runs: mean {:?}, min {:?}, median {:?}, max {:?}",
        total / runs,
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
}
