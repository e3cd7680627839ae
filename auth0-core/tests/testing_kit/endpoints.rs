//! `/oauth/token`, `/userinfo` and the routing of the tenant.

use auth0_core::Algorithm;
use auth0_core::testing::{TestKey, TestTenant, TokenBuilder};
use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{client, install_provider, verify_with_jwks};

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
