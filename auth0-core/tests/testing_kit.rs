//! The test kit over real loopback HTTP: JWKS, discovery, minting checked by an independent JWT
//! library, rotation, every JWKS fault, `/oauth/token` and `/userinfo`.
//!
//! `cargo test -p auth0-core --features testing --test testing_kit`
#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use auth0_core::Algorithm;
use auth0_core::testing::{JwksFault, TestKey, TestTenant, TokenBuilder, jwks};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
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
async fn jwks_body_and_cache_control_overrides() {
    let tenant = TestTenant::start().await;
    tenant.set_jwks_body(Some(r#"{"keys":[]}"#.to_owned()));
    tenant.set_cache_control(Some("max-age=0, no-store".to_owned()));
    let response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "max-age=0, no-store");
    assert_eq!(response.text().await.unwrap(), r#"{"keys":[]}"#);

    tenant.set_cache_control(None);
    tenant.set_jwks_body(None);
    let response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert!(response.headers().get("cache-control").is_none());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["keys"][0]["kid"], "rsa-0");
    assert_eq!(tenant.jwks_requests(), 2);
}

#[tokio::test]
async fn status_html_garbage_and_redirect_faults() {
    let tenant = TestTenant::start().await;
    let get = || client().get(tenant.jwks_url()).send();

    tenant.set_fault(JwksFault::Status(503));
    let response = get().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "30");
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());

    tenant.set_fault(JwksFault::Status(500));
    assert_eq!(
        get().await.unwrap().status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    tenant.set_fault(JwksFault::Status(204));
    assert_eq!(get().await.unwrap().status(), StatusCode::NO_CONTENT);

    tenant.set_fault(JwksFault::Html);
    let response = get().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.json::<Value>().await.is_err());

    tenant.set_fault(JwksFault::Garbage);
    let response = get().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<Value>().await.is_err());

    let target = TestTenant::start().await;
    tenant.set_fault(JwksFault::Redirect(target.jwks_url()));
    let response = get().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], target.jwks_url().as_str());
    assert_eq!(
        target.jwks_requests(),
        0,
        "the redirect must not be followed"
    );

    // Other routes are unaffected by JWKS faults.
    let discovery = client().get(tenant.discovery_url()).send().await.unwrap();
    assert_eq!(discovery.status(), StatusCode::OK);

    tenant.clear_fault();
    assert_eq!(get().await.unwrap().status(), StatusCode::OK);
    assert_eq!(tenant.jwks_requests(), 7);
}

#[tokio::test]
async fn huge_body_is_streamed() {
    let tenant = TestTenant::start().await;
    let size = 5 * 1024 * 1024 + 3;
    tenant.set_fault(JwksFault::HugeBody(size));
    let mut response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get("content-length").is_none(),
        "chunked"
    );
    let mut total = 0;
    let mut first = None;
    while let Some(chunk) = response.chunk().await.unwrap() {
        first.get_or_insert_with(|| chunk.clone());
        total += chunk.len();
    }
    assert_eq!(total, size);
    assert!(first.unwrap().starts_with(b"{\"keys\":["));
}

#[tokio::test]
async fn refuse_drops_the_connection() {
    let tenant = TestTenant::start().await;
    tenant.set_fault(JwksFault::Refuse);
    let error = client().get(tenant.jwks_url()).send().await.unwrap_err();
    assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
    assert_eq!(tenant.jwks_requests(), 1);
    // The rest of the tenant still answers.
    let discovery = client().get(tenant.discovery_url()).send().await.unwrap();
    assert_eq!(discovery.status(), StatusCode::OK);
}

#[tokio::test]
async fn delay_and_slow_body() {
    let tenant = TestTenant::start().await;
    tenant.set_fault(JwksFault::Delay(Duration::from_millis(300)));
    let start = Instant::now();
    let response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<JwkSet>().await.is_ok());

    // 10 bytes/s: headers at once, then one byte per 100 ms.
    tenant.set_fault(JwksFault::SlowBody {
        bytes_per_second: 10,
    });
    let start = Instant::now();
    let mut response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert!(start.elapsed() < Duration::from_millis(100));
    let full_len = jwks(&[&TestKey::rsa(0)]).to_string().len() as u64;
    assert_eq!(response.content_length(), Some(full_len));
    let mut received = 0;
    for _ in 0..3 {
        received += response.chunk().await.unwrap().unwrap().len();
    }
    assert_eq!(received, 3);
    assert!(start.elapsed() >= Duration::from_millis(250));

    // A total deadline sees a timeout, not a body.
    tenant.set_fault(JwksFault::SlowBody {
        bytes_per_second: 1,
    });
    let quick = Client::builder()
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let response = quick.get(tenant.jwks_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let error = response.bytes().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(tenant.jwks_requests(), 3);
}

#[tokio::test]
async fn content_length_lie() {
    let tenant = TestTenant::start().await;
    tenant.set_fault(JwksFault::ContentLengthLie);
    let response = client().get(tenant.jwks_url()).send().await.unwrap();
    let real_len = jwks(&[&TestKey::rsa(0)]).to_string().len() as u64;
    assert_eq!(response.content_length(), Some(real_len + 1024));
    assert!(response.bytes().await.is_err());
}

async fn token_request(tenant: &TestTenant, body: Value) -> (StatusCode, Value) {
    let response = client()
        .post(tenant.token_url())
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn client_credentials_grant() {
    install_provider();
    let tenant = TestTenant::builder()
        .default_scope("read:messages")
        .start()
        .await;
    let (status, body) = token_request(
        &tenant,
        json!({
            "grant_type": "client_credentials",
            "client_id": tenant.client_id(),
            "client_secret": tenant.client_secret(),
            "audience": tenant.audience(),
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    assert_eq!(body["scope"], "read:messages");
    let token = body["access_token"].as_str().unwrap();
    let claims = verify_with_jwks(&tenant, token, Algorithm::RS256)
        .await
        .unwrap();
    assert_eq!(claims["sub"], format!("{}@clients", tenant.client_id()));
    assert_eq!(claims["gty"], "client-credentials");
    assert_eq!(claims["azp"], tenant.client_id());
    assert_eq!(claims["scope"], "read:messages");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        86400
    );

    // Form body with a requested scope; and client_secret_basic.
    let response = client()
        .post(tenant.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &tenant.client_id()),
            ("client_secret", &tenant.client_secret()),
            ("audience", &tenant.audience()),
            ("scope", "write:messages read:messages"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["scope"], "write:messages read:messages");
    let response = client()
        .post(tenant.token_url())
        .basic_auth(tenant.client_id(), Some(tenant.client_secret()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("audience", &tenant.audience()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(tenant.token_requests(), 3);
}

#[tokio::test]
async fn client_credentials_failures() {
    let tenant = TestTenant::start().await;
    let base = json!({
        "grant_type": "client_credentials",
        "client_id": tenant.client_id(),
        "client_secret": tenant.client_secret(),
        "audience": tenant.audience(),
    });
    let with = |name: &str, value: Value| {
        let mut body = base.clone();
        body[name] = value;
        body
    };
    let cases = [
        (with("client_secret", json!("wrong")), 401, "access_denied"),
        (
            with("client_id", json!("someone-else")),
            401,
            "access_denied",
        ),
        (
            with("audience", json!("https://other.example.com")),
            403,
            "access_denied",
        ),
        (with("audience", Value::Null), 403, "access_denied"),
        (
            with("grant_type", json!("password")),
            403,
            "unsupported_grant_type",
        ),
        (with("grant_type", Value::Null), 400, "invalid_request"),
    ];
    for (body, status, code) in cases {
        let (got, answer) = token_request(&tenant, body.clone()).await;
        assert_eq!(got.as_u16(), status, "{body} → {answer}");
        assert_eq!(answer["error"], code, "{body}");
        assert!(answer["error_description"].is_string());
    }
    let (_, answer) = token_request(&tenant, with("client_secret", json!("wrong"))).await;
    assert_eq!(
        answer,
        json!({"error": "access_denied", "error_description": "Unauthorized"})
    );

    for (content_type, body) in [
        ("application/json", "{not json"),
        ("application/json", "[1,2]"),
        ("text/plain", "grant_type=client_credentials"),
        ("application/x-www-form-urlencoded", "grant_type=%zz"),
    ] {
        let response = client()
            .post(tenant.token_url())
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{content_type} {body}"
        );
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"], "invalid_request");
    }
    let response = client()
        .post(tenant.token_url())
        .header("content-type", "application/json")
        .body(vec![b' '; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(tenant.token_requests(), 12);
}

#[tokio::test]
async fn private_key_jwt_client_assertion() {
    install_provider();
    let client_key = TestKey::rsa(3);
    let tenant = TestTenant::builder()
        .client_assertion_key(client_key.clone())
        .start()
        .await;
    let assertion = |key: &TestKey, aud: String| {
        TokenBuilder::new(key)
            .iss(tenant.client_id())
            .sub(tenant.client_id())
            .aud(aud)
            .claim("jti", "assertion-1")
            .sign()
    };
    let request = |assertion: String| {
        client()
            .post(tenant.token_url())
            .form(&[
                ("grant_type", "client_credentials".to_owned()),
                ("client_id", tenant.client_id()),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_owned(),
                ),
                ("client_assertion", assertion),
                ("audience", tenant.audience()),
            ])
            .send()
    };
    let ok = request(assertion(&client_key, tenant.issuer()))
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let ok = request(assertion(&client_key, tenant.token_url()))
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let wrong_key = request(assertion(&TestKey::rsa(4), tenant.issuer()))
        .await
        .unwrap();
    assert_eq!(wrong_key.status(), StatusCode::UNAUTHORIZED);
    let wrong_aud = request(assertion(&client_key, "https://elsewhere/".into()))
        .await
        .unwrap();
    assert_eq!(wrong_aud.status(), StatusCode::UNAUTHORIZED);

    // The PKCS#8 PEM works with another JWT library, as a client would use it.
    let encoding = EncodingKey::from_rsa_pem(client_key.private_key_pem().as_bytes()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({"iss": tenant.client_id(), "sub": tenant.client_id(),
        "aud": tenant.issuer(), "iat": now, "exp": now + 60, "jti": "a2"});
    let external = jsonwebtoken::encode(
        &Header::new(jsonwebtoken::Algorithm::PS256),
        &claims,
        &encoding,
    )
    .unwrap();
    assert_eq!(request(external).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn userinfo_for_own_tokens_only() {
    let tenant = TestTenant::builder()
        .signing_key(TestKey::es256(4))
        .start()
        .await;
    let get = |auth: Option<String>| {
        let mut request = client().get(tenant.userinfo_url());
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    let token = tenant
        .token()
        .sub("auth0|bob")
        .claim("email", "bob@example.com")
        .sign();
    let response = get(Some(format!("Bearer {token}"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(
        profile,
        json!({"sub": "auth0|bob", "email": "bob@example.com"})
    );

    let response = get(None).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");

    for bad in [
        tenant.token().sign_with_bad_signature(),
        tenant.token().expired().sign(),
        tenant.token().key(&TestKey::es256(5)).sign(),
        tenant.token().key(&TestKey::es256(5)).kid("es256-4").sign(),
        tenant.token().unsigned(),
        "not.a.jwt".to_owned(),
        "%%%".to_owned(),
    ] {
        let response = get(Some(format!("Bearer {bad}"))).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{bad}");
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert!(challenge.contains("invalid_token"), "{challenge}");
    }
    assert_eq!(tenant.userinfo_requests(), 9);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let tenant = TestTenant::start().await;
    let response = client()
        .get(format!("{}nope", tenant.issuer()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
    let response = client().post(tenant.jwks_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    let response = client().get(tenant.token_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(tenant.jwks_requests(), 0);
    assert_eq!(tenant.token_requests(), 0);
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
