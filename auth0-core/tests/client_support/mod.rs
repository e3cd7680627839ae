//! Shared helpers of the `client_*` tests: a wiremock server standing in for the tenant, and
//! readers for what went over the wire.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use auth0_core::client::{AuthenticationClient, AuthenticationClientBuilder};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const CLIENT_ID: &str = "cid";

/// A builder for a client of the mock tenant with client id `cid`.
pub fn builder(server: &MockServer) -> AuthenticationClientBuilder {
    AuthenticationClient::builder(server.uri(), CLIENT_ID)
}

/// A client with client secret `secret`.
pub fn with_secret(server: &MockServer, secret: &str) -> AuthenticationClient {
    builder(server).client_secret(secret).build().unwrap()
}

/// A public client (no client authentication configured).
pub fn public(server: &MockServer) -> AuthenticationClient {
    builder(server).build().unwrap()
}

/// Answers every request with `template`.
pub async fn answer(server: &MockServer, template: ResponseTemplate) {
    Mock::given(any())
        .respond_with(template)
        .mount(server)
        .await;
}

/// Answers every request with 200 and a JSON body.
pub async fn answer_json(server: &MockServer, body: Value) {
    answer(server, ResponseTemplate::new(200).set_body_json(body)).await;
}

/// A plausible `/oauth/token` answer.
pub fn token_json() -> Value {
    serde_json::json!({
        "access_token": "at-value",
        "token_type": "Bearer",
        "expires_in": 86400,
        "scope": "read:messages"
    })
}

/// The one request the server received.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// A request header as text.
pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// Asserts method and path (the query must be empty).
pub fn assert_route(req: &Request, method: &str, path: &str) {
    assert_eq!(req.method.as_str(), method);
    assert_eq!(req.url.path(), path);
    assert_eq!(req.url.query(), None);
}

/// The JSON body, after checking `Content-Type: application/json`.
pub fn json_body(req: &Request) -> Value {
    assert_eq!(
        header(req, "content-type").as_deref(),
        Some("application/json")
    );
    serde_json::from_slice(&req.body).unwrap()
}

/// The form body as a map, after checking the content type and that no field is repeated.
pub fn form_body(req: &Request) -> BTreeMap<String, String> {
    assert_eq!(
        header(req, "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let mut map = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(&req.body) {
        let previous = map.insert(k.into_owned(), v.into_owned());
        assert!(previous.is_none(), "a form field is repeated");
    }
    map
}

/// A form map from literal pairs.
pub fn form<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Removes `client_assertion` from a JSON body and checks it looks like a compact JWS.
pub fn take_assertion(body: &mut Value) -> String {
    let jwt = body
        .as_object_mut()
        .unwrap()
        .remove("client_assertion")
        .expect("client_assertion present");
    let jwt = jwt.as_str().unwrap().to_owned();
    assert_eq!(
        jwt.split('.').count(),
        3,
        "client_assertion is a compact JWS"
    );
    jwt
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A fresh key pair as (private PKCS#8 PEM, public SPKI PEM).
pub struct TestKey {
    pub private_pem: String,
    pub public_pem: String,
}

/// A fresh RSA-2048 key.
pub fn rsa_key() -> TestKey {
    let kp = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let private: aws_lc_rs::encoding::Pkcs8V1Der<'_> = kp.as_der().unwrap();
    let public: aws_lc_rs::encoding::PublicKeyX509Der<'_> = kp.public_key().as_der().unwrap();
    TestKey {
        private_pem: pem("PRIVATE KEY", private.as_ref()),
        public_pem: pem("PUBLIC KEY", public.as_ref()),
    }
}

/// A fresh P-256 key.
pub fn ec_p256_key() -> TestKey {
    ec_key(&aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING)
}

/// A fresh P-384 key.
pub fn ec_p384_key() -> TestKey {
    ec_key(&aws_lc_rs::signature::ECDSA_P384_SHA384_FIXED_SIGNING)
}

fn ec_key(alg: &'static aws_lc_rs::signature::EcdsaSigningAlgorithm) -> TestKey {
    let kp = aws_lc_rs::signature::EcdsaKeyPair::generate(alg).unwrap();
    let private = kp.to_pkcs8v1().unwrap();
    let public: aws_lc_rs::encoding::PublicKeyX509Der<'_> = kp.public_key().as_der().unwrap();
    TestKey {
        private_pem: pem("PRIVATE KEY", private.as_ref()),
        public_pem: pem("PUBLIC KEY", public.as_ref()),
    }
}
