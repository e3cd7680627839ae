//! Private-key-JWT client authentication: each assertion sent on the wire is verified with the
//! public key (claims, 180 s lifetime, a fresh `jti` per request, the configured algorithm, the
//! optional `kid`), and unusable keys are refused at build time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client_support;

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use auth0_core::Algorithm;
use auth0_core::client::{AuthenticationClient, BuildError};
use client_support::*;
use jsonwebtoken::{DecodingKey, Validation};
use serde_json::{Value, json};
use wiremock::MockServer;

async fn token_server() -> MockServer {
    let server = MockServer::start().await;
    answer_json(&server, token_json()).await;
    server
}

/// The assertions of every request the server received, in order.
async fn assertions(server: &MockServer) -> Vec<String> {
    let mut out = Vec::new();
    for req in server.received_requests().await.unwrap() {
        let mut body = json_body(&req);
        assert_eq!(
            body["client_assertion_type"],
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        );
        assert!(body.get("client_secret").is_none());
        out.push(take_assertion(&mut body));
    }
    out
}

fn decoding_key(alg: Algorithm, public_pem: &str) -> DecodingKey {
    if alg.is_rsa() {
        DecodingKey::from_rsa_pem(public_pem.as_bytes()).unwrap()
    } else {
        DecodingKey::from_ec_pem(public_pem.as_bytes()).unwrap()
    }
}

fn jwt_alg(alg: Algorithm) -> jsonwebtoken::Algorithm {
    alg.as_str().parse().unwrap()
}

/// Verifies `jwt` with the public key and returns (header, claims).
fn verify(
    jwt: &str,
    alg: Algorithm,
    key: &TestKey,
    audience: &str,
) -> (jsonwebtoken::Header, Value) {
    let mut validation = Validation::new(jwt_alg(alg));
    validation.set_audience(&[audience]);
    validation.set_issuer(&[CLIENT_ID]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "sub", "aud"]);
    let data = jsonwebtoken::decode::<Value>(jwt, &decoding_key(alg, &key.public_pem), &validation)
        .unwrap_or_else(|e| panic!("{alg}: assertion does not verify: {e}"));
    (data.header, data.claims)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn check_alg(alg: Algorithm, key: TestKey) {
    let server = token_server().await;
    let auth = builder(&server)
        .client_assertion(&key.private_pem, alg)
        .build()
        .unwrap();
    auth.get_token().client_credentials("aud").await.unwrap();
    auth.get_token().client_credentials("aud").await.unwrap();
    let sent = assertions(&server).await;
    assert_eq!(sent.len(), 2);
    let audience = format!("{}/", server.uri());
    let mut jtis = HashSet::new();
    for jwt in &sent {
        let (header, claims) = verify(jwt, alg, &key, &audience);
        assert_eq!(header.alg, jwt_alg(alg));
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        assert_eq!(header.kid, None);
        assert_eq!(claims["iss"], CLIENT_ID);
        assert_eq!(claims["sub"], CLIENT_ID);
        assert_eq!(claims["aud"], json!(audience));
        let iat = claims["iat"].as_i64().unwrap();
        let exp = claims["exp"].as_i64().unwrap();
        assert_eq!(exp - iat, 180, "{alg}: lifetime is 180 s");
        assert!((iat - now()).abs() < 60, "{alg}: iat is now");
        let jti = claims["jti"].as_str().unwrap().to_owned();
        assert_eq!(jti.len(), 36, "{alg}: jti is a UUID");
        assert!(jtis.insert(jti), "{alg}: a fresh jti per request");
        let mut names: Vec<&str> = claims
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["aud", "exp", "iat", "iss", "jti", "sub"]);
    }
}

#[tokio::test]
async fn rs256_is_the_default() {
    let server = token_server().await;
    let key = rsa_key();
    let auth = builder(&server)
        .client_assertion(&key.private_pem, None)
        .build()
        .unwrap();
    auth.get_token().client_credentials("aud").await.unwrap();
    let sent = assertions(&server).await;
    let (header, _) = verify(
        &sent[0],
        Algorithm::RS256,
        &key,
        &format!("{}/", server.uri()),
    );
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
}

#[tokio::test]
async fn rs256() {
    check_alg(Algorithm::RS256, rsa_key()).await;
}

#[tokio::test]
async fn rs384() {
    check_alg(Algorithm::RS384, rsa_key()).await;
}

#[tokio::test]
async fn rs512() {
    check_alg(Algorithm::RS512, rsa_key()).await;
}

#[tokio::test]
async fn ps256() {
    check_alg(Algorithm::PS256, rsa_key()).await;
}

#[tokio::test]
async fn es256() {
    check_alg(Algorithm::ES256, ec_p256_key()).await;
}

#[tokio::test]
async fn es384() {
    check_alg(Algorithm::ES384, ec_p384_key()).await;
}

#[tokio::test]
async fn kid_header_when_set() {
    let server = token_server().await;
    let key = ec_p256_key();
    let auth = builder(&server)
        .client_assertion(&key.private_pem, Algorithm::ES256)
        .client_assertion_kid("key-2024")
        .build()
        .unwrap();
    auth.get_token().client_credentials("aud").await.unwrap();
    let sent = assertions(&server).await;
    let (header, _) = verify(
        &sent[0],
        Algorithm::ES256,
        &key,
        &format!("{}/", server.uri()),
    );
    assert_eq!(header.kid.as_deref(), Some("key-2024"));
}

#[tokio::test]
async fn audience_is_https_tenant_issuer_and_can_be_overridden() {
    let server = token_server().await;
    let key = rsa_key();
    let auth = builder(&server)
        .client_assertion(&key.private_pem, None)
        .client_assertion_audience("https://my-tenant.us.auth0.com/")
        .build()
        .unwrap();
    auth.get_token().client_credentials("aud").await.unwrap();
    let sent = assertions(&server).await;
    let (_, claims) = verify(
        &sent[0],
        Algorithm::RS256,
        &key,
        "https://my-tenant.us.auth0.com/",
    );
    assert_eq!(claims["aud"], "https://my-tenant.us.auth0.com/");
}

#[test]
fn https_tenant_audience_has_trailing_slash() {
    // No request is made: the audience shows in Debug (the key does not).
    let key = rsa_key();
    let auth = AuthenticationClient::builder("https://My-Tenant.us.auth0.com/", "cid")
        .client_assertion(&key.private_pem, None)
        .build()
        .unwrap();
    let dbg = format!("{auth:?}");
    assert!(
        dbg.contains(r#"audience: "https://my-tenant.us.auth0.com/""#),
        "{dbg}"
    );
    assert!(!dbg.contains("PRIVATE KEY"), "{dbg}");
}

#[test]
fn unusable_keys_are_refused_at_build() {
    let rsa = rsa_key();
    let p256 = ec_p256_key();
    let p384 = ec_p384_key();
    let cases: [(&str, &str, Algorithm); 5] = [
        ("garbage", "not a pem", Algorithm::RS256),
        ("public key", rsa.public_pem.as_str(), Algorithm::RS256),
        (
            "EC key for RS256",
            p256.private_pem.as_str(),
            Algorithm::RS256,
        ),
        (
            "RSA key for ES256",
            rsa.private_pem.as_str(),
            Algorithm::ES256,
        ),
        (
            "P-384 key for ES256",
            p384.private_pem.as_str(),
            Algorithm::ES256,
        ),
    ];
    for (what, pem, alg) in cases {
        let err = AuthenticationClient::builder("tenant.auth0.com", "cid")
            .client_assertion(pem, alg)
            .build()
            .expect_err(what);
        assert!(
            matches!(err, BuildError::ClientAssertionKey { alg: a, .. } if a == alg),
            "{what}: {err:?}"
        );
        let text = format!("{err} {err:?}");
        assert!(
            !text.contains("BEGIN"),
            "{what}: the key is never quoted: {text}"
        );
    }
}

#[test]
fn credential_combinations_are_checked_at_build() {
    let key = rsa_key();
    let both = AuthenticationClient::builder("tenant.auth0.com", "cid")
        .client_secret("s")
        .client_assertion(&key.private_pem, None)
        .build()
        .unwrap_err();
    assert!(
        matches!(both, BuildError::ConflictingCredentials),
        "{both:?}"
    );
    let kid_alone = AuthenticationClient::builder("tenant.auth0.com", "cid")
        .client_assertion_kid("k")
        .build()
        .unwrap_err();
    assert!(
        matches!(kid_alone, BuildError::AssertionOptionWithoutKey),
        "{kid_alone:?}"
    );
}
