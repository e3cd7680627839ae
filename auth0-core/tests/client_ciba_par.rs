//! `/bc-authorize` (CIBA) and `/oauth/par` on the wire: the counterparts of auth0-python's
//! `test_back_channel_login.py` and `test_pushed_authorization_requests.py`, with the form bodies
//! parsed and compared field by field.
//!
//! auth0-python's `test_should_require_binding_message` / `_login_hint` / `_scope` and
//! `test_requested_expiry_negative_raises` / `test_requested_non_int_raises` check at run time what
//! the Rust signatures enforce at compile time; their counterparts are the `compile_fail` examples
//! on `AuthenticationClient::back_channel_login`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client_support;

use auth0_core::client::ErrorKind;
use client_support::*;
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

const LOGIN_HINT: &str =
    r#"{ "format": "iss_sub", "iss": "https://my.domain.auth0.com/", "sub": "auth0|[USER ID]" }"#;

async fn ciba_server() -> MockServer {
    let server = MockServer::start().await;
    answer_json(
        &server,
        json!({"auth_req_id": "areq", "expires_in": 300, "interval": 5}),
    )
    .await;
    server
}

async fn par_server() -> MockServer {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(201).set_body_json(
            json!({"request_uri": "urn:ietf:params:oauth:request_uri:abc", "expires_in": 30}),
        ),
    )
    .await;
    server
}

async fn sent_form(server: &MockServer, path: &str) -> std::collections::BTreeMap<String, String> {
    let req = only_request(server).await;
    assert_route(&req, "POST", path);
    form_body(&req)
}

#[tokio::test]
async fn ciba() {
    let server = ciba_server().await;
    let started = with_secret(&server, "clsec")
        .back_channel_login("This is a binding message", LOGIN_HINT, "openid")
        .await
        .unwrap();
    assert_eq!(started.auth_req_id, "areq");
    assert_eq!(started.expires_in, 300);
    assert_eq!(started.interval, Some(5));
    assert_eq!(
        sent_form(&server, "/bc-authorize").await,
        form([
            ("client_id", "cid"),
            ("client_secret", "clsec"),
            ("binding_message", "This is a binding message"),
            ("login_hint", LOGIN_HINT),
            ("scope", "openid"),
        ])
    );
}

#[tokio::test]
async fn ciba_server_error() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(400).set_body_json(json!({"error": "foo"})),
    )
    .await;
    let err = with_secret(&server, "clsec")
        .back_channel_login("msg", LOGIN_HINT, "openid")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.error_code(), Some("foo"));
    assert_eq!(err.message(), Some("foo"));
}

#[tokio::test]
async fn ciba_with_authorization_details() {
    let server = ciba_server().await;
    let details = json!([
        {"type": "payment_initiation", "locations": ["https://example.com/payments"],
         "instructedAmount": {"currency": "EUR", "amount": "123.50"},
         "creditorName": "Merchant A", "creditorAccount": {"bic": "ABCIDEFFXXX", "iban": "DE021001001093071118603"},
         "remittanceInformationUnstructured": "Ref Number Merchant"}
    ]);
    with_secret(&server, "clsec")
        .back_channel_login("msg", LOGIN_HINT, "openid")
        .authorization_details(details.clone())
        .await
        .unwrap();
    let sent = sent_form(&server, "/bc-authorize").await;
    let parsed: Value = serde_json::from_str(&sent["authorization_details"]).unwrap();
    assert_eq!(
        parsed, details,
        "sent as JSON text, not a language-specific repr"
    );
}

#[tokio::test]
async fn ciba_authorization_details_given_as_json_text() {
    let server = ciba_server().await;
    let text = r#"[{"type":"t"}]"#;
    with_secret(&server, "clsec")
        .back_channel_login("msg", LOGIN_HINT, "openid")
        .authorization_details(text)
        .await
        .unwrap();
    assert_eq!(
        sent_form(&server, "/bc-authorize").await["authorization_details"],
        text
    );
}

#[tokio::test]
async fn ciba_with_requested_expiry() {
    let server = ciba_server().await;
    with_secret(&server, "clsec")
        .back_channel_login("msg", LOGIN_HINT, "openid")
        .requested_expiry(100)
        .await
        .unwrap();
    assert_eq!(
        sent_form(&server, "/bc-authorize").await["requested_expiry"],
        "100"
    );
}

#[tokio::test]
async fn ciba_requested_expiry_zero_is_refused_unsent() {
    let server = ciba_server().await;
    let err = with_secret(&server, "clsec")
        .back_channel_login("msg", LOGIN_HINT, "openid")
        .requested_expiry(0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("requested_expiry"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn ciba_requested_expiry_can_be_corrected() {
    let server = ciba_server().await;
    with_secret(&server, "clsec")
        .back_channel_login("msg", LOGIN_HINT, "openid")
        .requested_expiry(0)
        .requested_expiry(60)
        .await
        .unwrap();
    assert_eq!(
        sent_form(&server, "/bc-authorize").await["requested_expiry"],
        "60"
    );
}

#[tokio::test]
async fn ciba_extra_params() {
    let server = ciba_server().await;
    with_secret(&server, "clsec")
        .back_channel_login("msg", LOGIN_HINT, "openid")
        .param("audience", "https://api")
        .param("request_context", json!({"ip": "1.2.3.4"}))
        .await
        .unwrap();
    let sent = sent_form(&server, "/bc-authorize").await;
    assert_eq!(sent["audience"], "https://api");
    assert_eq!(sent["request_context"], r#"{"ip":"1.2.3.4"}"#);
}

#[tokio::test]
async fn ciba_with_client_assertion_sends_no_secret_field() {
    let server = ciba_server().await;
    let key = rsa_key();
    builder(&server)
        .client_assertion(&key.private_pem, None)
        .build()
        .unwrap()
        .back_channel_login("msg", LOGIN_HINT, "openid")
        .await
        .unwrap();
    let mut sent = sent_form(&server, "/bc-authorize").await;
    let assertion = sent.remove("client_assertion").unwrap();
    assert_eq!(assertion.split('.').count(), 3);
    assert_eq!(
        sent,
        form([
            ("client_id", "cid"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            ),
            ("binding_message", "msg"),
            ("login_hint", LOGIN_HINT),
            ("scope", "openid"),
        ])
    );
}

#[tokio::test]
async fn iss_sub_login_hint_names_the_tenant() {
    let server = ciba_server().await;
    let auth = public(&server);
    let hint: Value = serde_json::from_str(&auth.iss_sub_login_hint("auth0|alice")).unwrap();
    assert_eq!(
        hint,
        json!({"format": "iss_sub", "iss": format!("{}/", server.uri()), "sub": "auth0|alice"})
    );
}

#[tokio::test]
async fn par() {
    let server = par_server().await;
    let par = with_secret(&server, "sh!")
        .pushed_authorization_request("code", "https://example.com/callback")
        .await
        .unwrap();
    assert_eq!(par.request_uri, "urn:ietf:params:oauth:request_uri:abc");
    assert_eq!(par.expires_in, 30);
    assert_eq!(
        sent_form(&server, "/oauth/par").await,
        form([
            ("client_id", "cid"),
            ("client_secret", "sh!"),
            ("response_type", "code"),
            ("redirect_uri", "https://example.com/callback"),
        ])
    );
}

#[tokio::test]
async fn par_custom_params() {
    let server = par_server().await;
    with_secret(&server, "sh!")
        .pushed_authorization_request("code", "https://example.com/callback")
        .param("foo", "bar")
        .await
        .unwrap();
    assert_eq!(
        sent_form(&server, "/oauth/par").await,
        form([
            ("client_id", "cid"),
            ("client_secret", "sh!"),
            ("response_type", "code"),
            ("redirect_uri", "https://example.com/callback"),
            ("foo", "bar"),
        ])
    );
}

#[tokio::test]
async fn par_with_authorization_details() {
    let server = par_server().await;
    let details = json!([{"type": "money_transfer", "instructedAmount": {"amount": 2500, "currency": "USD"}}]);
    with_secret(&server, "sh!")
        .pushed_authorization_request("code", "https://example.com/callback")
        .authorization_details(details.clone())
        .await
        .unwrap();
    let sent = sent_form(&server, "/oauth/par").await;
    let parsed: Value = serde_json::from_str(&sent["authorization_details"]).unwrap();
    assert_eq!(parsed, details);
}

#[tokio::test]
async fn par_jar() {
    let server = par_server().await;
    with_secret(&server, "sh!")
        .pushed_authorization_request("code", "https://example.com/callback")
        .request("my-jwt-request")
        .await
        .unwrap();
    assert_eq!(
        sent_form(&server, "/oauth/par").await["request"],
        "my-jwt-request"
    );
}

#[tokio::test]
async fn par_setters() {
    let server = par_server().await;
    with_secret(&server, "sh!")
        .pushed_authorization_request("code", "https://example.com/callback")
        .scope("openid profile")
        .state("st")
        .nonce("nn")
        .audience("https://api")
        .organization("org_1")
        .connection("github")
        .prompt("login")
        .response_mode("form_post")
        .code_challenge("chal", "S256")
        .await
        .unwrap();
    assert_eq!(
        sent_form(&server, "/oauth/par").await,
        form([
            ("client_id", "cid"),
            ("client_secret", "sh!"),
            ("response_type", "code"),
            ("redirect_uri", "https://example.com/callback"),
            ("scope", "openid profile"),
            ("state", "st"),
            ("nonce", "nn"),
            ("audience", "https://api"),
            ("organization", "org_1"),
            ("connection", "github"),
            ("prompt", "login"),
            ("response_mode", "form_post"),
            ("code_challenge", "chal"),
            ("code_challenge_method", "S256"),
        ])
    );
}

#[tokio::test]
async fn par_with_client_assertion_never_sends_client_secret() {
    let server = par_server().await;
    let key = ec_p256_key();
    builder(&server)
        .client_assertion(&key.private_pem, auth0_core::Algorithm::ES256)
        .build()
        .unwrap()
        .pushed_authorization_request("code", "https://example.com/callback")
        .await
        .unwrap();
    let sent = sent_form(&server, "/oauth/par").await;
    assert!(
        !sent.contains_key("client_secret"),
        "auth0-python sends client_secret=None here"
    );
    assert!(sent.values().all(|v| v != "None"));
    assert_eq!(
        sent["client_assertion_type"],
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
    assert_eq!(sent.len(), 5);
}

#[tokio::test]
async fn par_public_client_null_param_is_omitted() {
    let server = par_server().await;
    public(&server)
        .pushed_authorization_request("code", "https://example.com/callback")
        .param("foo", Value::Null)
        .await
        .unwrap();
    assert_eq!(
        sent_form(&server, "/oauth/par").await,
        form([
            ("client_id", "cid"),
            ("response_type", "code"),
            ("redirect_uri", "https://example.com/callback"),
        ])
    );
}
