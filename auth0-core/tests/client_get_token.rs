//! `/oauth/token` grants on the wire: the counterparts of auth0-python's `test_get_token.py`, plus
//! the omitted-field, form-encoding and `param` behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client_support;

use std::time::Duration;

use auth0_core::client::{ErrorKind, grants};
use client_support::*;
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

async fn token_server() -> MockServer {
    let server = MockServer::start().await;
    answer_json(&server, token_json()).await;
    server
}

async fn sent_json(server: &MockServer) -> Value {
    let req = only_request(server).await;
    assert_route(&req, "POST", "/oauth/token");
    json_body(&req)
}

#[tokio::test]
async fn authorization_code() {
    let server = token_server().await;
    let auth = with_secret(&server, "clsec");
    let tokens = auth
        .get_token()
        .authorization_code("cd", "idt")
        .grant_type("gt")
        .await
        .unwrap();
    assert_eq!(tokens.access_token, "at-value");
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, Some(86400));
    assert_eq!(tokens.scope.as_deref(), Some("read:messages"));
    assert_eq!(
        sent_json(&server).await,
        json!({"client_id": "cid", "client_secret": "clsec", "code": "cd", "grant_type": "gt", "redirect_uri": "idt"})
    );
}

#[tokio::test]
async fn authorization_code_default_grant_type() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .authorization_code("cd", "https://app/cb")
        .await
        .unwrap();
    assert_eq!(sent_json(&server).await["grant_type"], "authorization_code");
}

#[tokio::test]
async fn authorization_code_with_client_assertion() {
    let server = token_server().await;
    let key = rsa_key();
    let auth = builder(&server)
        .client_assertion(&key.private_pem, None)
        .build()
        .unwrap();
    auth.get_token()
        .authorization_code("cd", "idt")
        .grant_type("gt")
        .await
        .unwrap();
    let mut body = sent_json(&server).await;
    take_assertion(&mut body);
    assert_eq!(
        body,
        json!({"client_id": "cid", "client_assertion_type": ASSERTION_TYPE, "code": "cd", "grant_type": "gt", "redirect_uri": "idt"})
    );
}

#[tokio::test]
async fn authorization_code_pkce() {
    let server = token_server().await;
    public(&server)
        .get_token()
        .authorization_code_pkce("cdver", "cd", "idt")
        .grant_type("gt")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({"client_id": "cid", "code_verifier": "cdver", "code": "cd", "grant_type": "gt", "redirect_uri": "idt"})
    );
}

#[tokio::test]
async fn authorization_code_pkce_never_sends_client_authentication() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .authorization_code_pkce("cdver", "cd", "idt")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({"client_id": "cid", "code_verifier": "cdver", "code": "cd", "grant_type": "authorization_code", "redirect_uri": "idt"})
    );
}

#[tokio::test]
async fn client_credentials() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .client_credentials("aud")
        .grant_type("gt")
        .await
        .unwrap();
    // auth0-python sends `"organization": null`; unset fields are omitted here.
    assert_eq!(
        sent_json(&server).await,
        json!({"client_id": "cid", "client_secret": "clsec", "audience": "aud", "grant_type": "gt"})
    );
}

#[tokio::test]
async fn client_credentials_with_client_assertion() {
    let server = token_server().await;
    let key = rsa_key();
    builder(&server)
        .client_assertion(&key.private_pem, None)
        .build()
        .unwrap()
        .get_token()
        .client_credentials("aud")
        .grant_type("gt")
        .await
        .unwrap();
    let mut body = sent_json(&server).await;
    take_assertion(&mut body);
    assert_eq!(
        body,
        json!({"client_id": "cid", "client_assertion_type": ASSERTION_TYPE, "audience": "aud", "grant_type": "gt"})
    );
}

#[tokio::test]
async fn client_credentials_with_organization() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .client_credentials("aud")
        .organization("my-org")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({"client_id": "cid", "grant_type": "client_credentials", "client_secret": "clsec", "audience": "aud", "organization": "my-org"})
    );
}

#[tokio::test]
async fn login() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .login("usrnm", "pswd")
        .scope("http://test.com/api")
        .realm("rlm")
        .audience("aud")
        .grant_type("gt")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({
            "client_id": "cid", "client_secret": "clsec", "username": "usrnm", "password": "pswd",
            "realm": "rlm", "scope": "http://test.com/api", "audience": "aud", "grant_type": "gt"
        })
    );
}

#[tokio::test]
async fn login_simple() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .login("usrnm", "pswd")
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(header(&req, "auth0-forwarded-for"), None);
    // auth0-python sends `realm`, `scope` and `audience` as null.
    assert_eq!(
        json_body(&req),
        json!({
            "client_id": "cid", "client_secret": "clsec", "username": "usrnm", "password": "pswd",
            "grant_type": "http://auth0.com/oauth/grant-type/password-realm"
        })
    );
}

#[tokio::test]
async fn login_with_forwarded_for() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .login("usrnm", "pswd")
        .forwarded_for("192.168.0.1")
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(
        header(&req, "auth0-forwarded-for").as_deref(),
        Some("192.168.0.1")
    );
}

#[tokio::test]
async fn forwarded_for_with_a_newline_is_refused_unsent() {
    let server = token_server().await;
    let err = with_secret(&server, "clsec")
        .get_token()
        .login("usrnm", "pswd")
        .forwarded_for("1.2.3.4\r\nx: y")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn refresh_token() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .refresh_token("rt")
        .grant_type("gt")
        .scope("s")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({"client_id": "cid", "client_secret": "clsec", "refresh_token": "rt", "grant_type": "gt", "scope": "s"})
    );
}

#[tokio::test]
async fn refresh_token_without_scope_omits_it() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .refresh_token("rt")
        .await
        .unwrap();
    // auth0-python sends `"scope": ""`.
    assert_eq!(
        sent_json(&server).await,
        json!({"client_id": "cid", "client_secret": "clsec", "refresh_token": "rt", "grant_type": "refresh_token"})
    );
}

#[tokio::test]
async fn passwordless_login_with_sms() {
    let server = token_server().await;
    with_secret(&server, "csec")
        .get_token()
        .passwordless_login("123456", "abcd", "sms")
        .audience("aud")
        .scope("openid")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({
            "client_id": "cid", "client_secret": "csec", "username": "123456", "otp": "abcd",
            "realm": "sms", "audience": "aud", "scope": "openid",
            "grant_type": "http://auth0.com/oauth/grant-type/passwordless/otp"
        })
    );
}

#[tokio::test]
async fn passwordless_login_with_email() {
    let server = token_server().await;
    with_secret(&server, "csec")
        .get_token()
        .passwordless_login("a@b.c", "abcd", "email")
        .audience("aud")
        .scope("openid")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({
            "client_id": "cid", "client_secret": "csec", "username": "a@b.c", "otp": "abcd",
            "realm": "email", "audience": "aud", "scope": "openid",
            "grant_type": grants::PASSWORDLESS_OTP
        })
    );
}

#[tokio::test]
async fn backchannel_login() {
    let server = token_server().await;
    with_secret(&server, "csec")
        .get_token()
        .backchannel_login("reqid")
        .grant_type("urn:openid:params:grant-type:ciba")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({"client_id": "cid", "client_secret": "csec", "auth_req_id": "reqid", "grant_type": "urn:openid:params:grant-type:ciba"})
    );
}

#[tokio::test]
async fn backchannel_login_headers_on_slow_down() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "100")
            .set_body_json(json!({"error": "slow_down"})),
    )
    .await;
    let err = with_secret(&server, "csec")
        .get_token()
        .backchannel_login("reqid")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert!(err.is_rate_limited());
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.error_code(), Some("slow_down"));
    assert_eq!(err.headers().unwrap().get("Retry-After"), Some("100"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(100)));
}

#[tokio::test]
async fn connection_login() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .access_token_for_connection(
            "urn:ietf:params:oauth:token-type:refresh_token",
            "refid",
            "http://auth0.com/oauth/token-type/federated-connection-access-token",
        )
        .grant_type(
            "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token",
        )
        .connection("google-oauth2")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({
            "client_id": "cid", "client_secret": "clsec",
            "grant_type": "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token",
            "subject_token_type": "urn:ietf:params:oauth:token-type:refresh_token",
            "subject_token": "refid",
            "requested_token_type": "http://auth0.com/oauth/token-type/federated-connection-access-token",
            "connection": "google-oauth2"
        })
    );
}

#[tokio::test]
async fn connection_login_with_login_hint() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .access_token_for_connection(
            grants::TOKEN_TYPE_REFRESH_TOKEN,
            "refid",
            grants::TOKEN_TYPE_FEDERATED_CONNECTION_ACCESS_TOKEN,
        )
        .connection("google-oauth2")
        .login_hint("john.doe@example.com")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({
            "client_id": "cid", "client_secret": "clsec",
            "grant_type": grants::FEDERATED_CONNECTION_ACCESS_TOKEN,
            "subject_token_type": grants::TOKEN_TYPE_REFRESH_TOKEN,
            "subject_token": "refid",
            "requested_token_type": grants::TOKEN_TYPE_FEDERATED_CONNECTION_ACCESS_TOKEN,
            "connection": "google-oauth2",
            "login_hint": "john.doe@example.com"
        })
    );
}

#[tokio::test]
async fn form_encoding_per_request_with_params() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .client_credentials("aud")
        .param("resource", "https://api.example/")
        .param("audience", Value::Null) // removes a field
        .param("n", 5)
        .form()
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_route(&req, "POST", "/oauth/token");
    assert_eq!(
        form_body(&req),
        form([
            ("client_id", "cid"),
            ("client_secret", "clsec"),
            ("grant_type", "client_credentials"),
            ("resource", "https://api.example/"),
            ("n", "5"),
        ])
    );
}

#[tokio::test]
async fn form_encoding_client_wide_and_json_override() {
    let server = token_server().await;
    let auth = builder(&server)
        .client_secret("clsec")
        .form_encoded_token_requests(true)
        .build()
        .unwrap();
    auth.get_token().refresh_token("rt").await.unwrap();
    auth.get_token().refresh_token("rt").json().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        form_body(&requests[0]),
        form([
            ("client_id", "cid"),
            ("client_secret", "clsec"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "rt"),
        ])
    );
    assert_eq!(json_body(&requests[1])["refresh_token"], "rt");
}

#[tokio::test]
async fn client_authentication_wins_over_params() {
    let server = token_server().await;
    with_secret(&server, "clsec")
        .get_token()
        .client_credentials("aud")
        .param("client_secret", "forged")
        .param("extra", json!({"nested": [1, 2]}))
        .await
        .unwrap();
    let body = sent_json(&server).await;
    assert_eq!(body["client_secret"], "clsec");
    assert_eq!(body["extra"], json!({"nested": [1, 2]}));
}

#[tokio::test]
async fn token_response_keeps_unknown_fields() {
    let server = MockServer::start().await;
    answer_json(
        &server,
        json!({
            "access_token": "at", "token_type": "Bearer", "expires_in": 60, "id_token": "idt",
            "refresh_token": "rt", "issued_token_type": "urn:x", "new_field": {"a": 1}
        }),
    )
    .await;
    let t = public(&server)
        .get_token()
        .refresh_token("rt0")
        .await
        .unwrap();
    assert_eq!(t.id_token.as_deref(), Some("idt"));
    assert_eq!(t.refresh_token.as_deref(), Some("rt"));
    assert_eq!(t.extra["issued_token_type"], "urn:x");
    assert_eq!(t.extra["new_field"], json!({"a": 1}));
}

#[tokio::test]
async fn public_client_sends_no_client_authentication() {
    let server = token_server().await;
    public(&server)
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server).await,
        json!({"client_id": "cid", "audience": "aud", "grant_type": "client_credentials"})
    );
}
