//! The client itself: counterparts of auth0-python's `test_base.py` (telemetry headers, POST and
//! GET shape, error basics), plus construction errors, timeouts, transport failures and the
//! absence of secrets from `Debug` / `Display`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client_support;

use std::time::Duration;

use auth0_core::VERSION;
use auth0_core::client::{
    AuthenticationClient, BuildError, ErrorKind, RetryPolicy, UNKNOWN_ERROR_CODE,
};
use base64::Engine;
use client_support::*;
use serde_json::{Value, json};
use wiremock::{MockServer, Request, ResponseTemplate};

fn rust_version() -> &'static str {
    option_env!("AUTH0_RS_RUSTC_VERSION").unwrap_or("unknown")
}

fn decode_client_info(req: &Request) -> Value {
    let value = header(req, "auth0-client").expect("Auth0-Client header");
    // The standard alphabet with canonical padding: this engine refuses anything else.
    let raw = base64::engine::general_purpose::STANDARD
        .decode(value)
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

async fn one_post(auth: &AuthenticationClient, server: &MockServer) -> Request {
    auth.revoke_refresh_token("tkn").await.unwrap();
    only_request(server).await
}

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    answer_json(&server, json!({"sub": "auth0|1", "x": "y"})).await;
    server
}

#[tokio::test]
async fn telemetry_enabled_by_default() {
    let server = ok_server().await;
    let req = one_post(&public(&server), &server).await;
    assert_eq!(
        header(&req, "user-agent"),
        Some(format!("auth0-rs/{VERSION}"))
    );
    assert_eq!(
        decode_client_info(&req),
        json!({"name": "auth0-rs", "version": VERSION, "env": {"rust": rust_version()}})
    );
    assert_eq!(
        header(&req, "content-type").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn telemetry_disabled() {
    let server = ok_server().await;
    let auth = builder(&server).telemetry(false).build().unwrap();
    let req = one_post(&auth, &server).await;
    assert_eq!(header(&req, "auth0-client"), None);
    assert_eq!(header(&req, "user-agent"), None);
    assert_eq!(
        header(&req, "content-type").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn telemetry_with_custom_client_info() {
    let server = ok_server().await;
    let info =
        json!({"name": "auth0-ai-langchain", "version": "1.0.0", "env": {"python": "3.11.0"}});
    let auth = builder(&server)
        .telemetry_client_info(info.clone())
        .build()
        .unwrap();
    let req = one_post(&auth, &server).await;
    assert_eq!(decode_client_info(&req), info);
}

#[tokio::test]
async fn telemetry_identity_for_wrapper_sdks() {
    let server = ok_server().await;
    let auth = builder(&server)
        .telemetry_identity("auth0-wrapper", "2.0.0")
        .build()
        .unwrap();
    let req = one_post(&auth, &server).await;
    assert_eq!(
        decode_client_info(&req),
        json!({"name": "auth0-wrapper", "version": "2.0.0", "env": {"rust": rust_version(), "auth0-rs": VERSION}})
    );
}

#[tokio::test]
async fn telemetry_disabled_ignores_client_info() {
    let server = ok_server().await;
    let auth = builder(&server)
        .telemetry_client_info(json!({"name": "x", "version": "1"}))
        .telemetry(false)
        .build()
        .unwrap();
    let req = one_post(&auth, &server).await;
    assert_eq!(header(&req, "auth0-client"), None);
    assert_eq!(header(&req, "user-agent"), None);
}

#[tokio::test]
async fn custom_client_info_preserves_user_agent() {
    let server = ok_server().await;
    let auth = builder(&server)
        .telemetry_client_info(json!({"name": "x", "version": "1"}))
        .build()
        .unwrap();
    let req = one_post(&auth, &server).await;
    assert_eq!(
        header(&req, "user-agent"),
        Some(format!("auth0-rs/{VERSION}"))
    );
}

#[test]
fn client_info_must_be_an_object() {
    let err = AuthenticationClient::builder("tenant.auth0.com", "cid")
        .telemetry_client_info(json!(["not", "an", "object"]))
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::ClientInfoNotAnObject), "{err:?}");
}

#[tokio::test]
async fn post() {
    // auth0-python's `post` with data and a timeout: here an endpoint POST, JSON body and type,
    // and the decoded answer.
    let server = ok_server().await;
    let auth = builder(&server)
        .telemetry(false)
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let got = auth.users().userinfo("atk").await.unwrap();
    assert_eq!(got.extra["x"], "y");
    let server2 = ok_server().await;
    let auth2 = builder(&server2).telemetry(false).build().unwrap();
    let req = one_post(&auth2, &server2).await;
    assert_route(&req, "POST", "/oauth/revoke");
    assert_eq!(json_body(&req), json!({"client_id": "cid", "token": "tkn"}));
}

#[tokio::test]
async fn post_with_defaults() {
    let server = ok_server().await;
    let auth = public(&server);
    let dbg = format!("{auth:?}");
    assert!(
        dbg.contains("timeout: 5s") && dbg.contains("connect_timeout: 5s"),
        "{dbg}"
    );
    assert!(dbg.contains("retry_policy: None"), "{dbg}");
    let req = one_post(&auth, &server).await;
    assert_eq!(
        header(&req, "content-type").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn post_includes_telemetry() {
    let server = ok_server().await;
    let req = one_post(&with_secret(&server, "s"), &server).await;
    for name in ["content-type", "user-agent", "auth0-client"] {
        assert!(header(&req, name).is_some(), "{name}");
    }
    assert_eq!(header(&req, "authorization"), None);
}

#[tokio::test]
async fn get() {
    let server = ok_server().await;
    let got = builder(&server)
        .telemetry(false)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
        .users()
        .userinfo("atk")
        .await
        .unwrap();
    assert_eq!(got.sub, "auth0|1");
    assert_eq!(got.extra["x"], "y");
    let req = only_request(&server).await;
    assert_route(&req, "GET", "/userinfo");
    assert_eq!(header(&req, "authorization").as_deref(), Some("Bearer atk"));
}

#[tokio::test]
async fn get_with_defaults_has_no_content_type() {
    let server = ok_server().await;
    public(&server).users().userinfo("atk").await.unwrap();
    let req = only_request(&server).await;
    // auth0-python sends `Content-Type: application/json` on GETs; a GET has no body here.
    assert_eq!(header(&req, "content-type"), None);
}

#[tokio::test]
async fn get_includes_telemetry() {
    let server = ok_server().await;
    public(&server).users().userinfo("atk").await.unwrap();
    let req = only_request(&server).await;
    assert!(header(&req, "user-agent").is_some());
    assert!(header(&req, "auth0-client").is_some());
}

#[tokio::test]
async fn post_error_with_text_response_and_no_text() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(400).set_body_string("there has been a terrible error"),
    )
    .await;
    let err = public(&server).revoke_refresh_token("t").await.unwrap_err();
    assert_eq!(err.error_code(), Some(UNKNOWN_ERROR_CODE));
    assert_eq!(err.message(), Some("there has been a terrible error"));

    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(500)).await;
    let err = public(&server).revoke_refresh_token("t").await.unwrap_err();
    assert_eq!(err.error_code(), Some(UNKNOWN_ERROR_CODE));
    assert_eq!(err.message(), Some(""));
}

// ---- construction ----

#[test]
fn domain_errors_surface_at_build() {
    for domain in [
        "http://tenant.auth0.com",
        "https://https://tenant.auth0.com",
        "",
        "tenant.auth0.com/path",
    ] {
        let err = AuthenticationClient::builder(domain, "cid")
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::Domain(_)), "{domain:?}: {err:?}");
    }
    for domain in [
        "tenant.auth0.com",
        "https://tenant.auth0.com/",
        "http://127.0.0.1:4010",
        "http://localhost:1",
    ] {
        let auth = AuthenticationClient::builder(domain, "cid")
            .build()
            .unwrap();
        assert!(auth.tenant().issuer().ends_with('/'), "{domain}");
    }
}

#[test]
fn other_build_errors() {
    let b = || AuthenticationClient::builder("tenant.auth0.com", "cid");
    assert!(matches!(
        AuthenticationClient::builder("tenant.auth0.com", "")
            .build()
            .unwrap_err(),
        BuildError::EmptyClientId
    ));
    assert!(matches!(
        b().client_secret("").build().unwrap_err(),
        BuildError::EmptyClientSecret
    ));
    assert!(matches!(
        b().timeout(Duration::ZERO).build().unwrap_err(),
        BuildError::ZeroTimeout
    ));
    assert!(matches!(
        b().connect_timeout(Duration::ZERO).build().unwrap_err(),
        BuildError::ZeroTimeout
    ));
    let auth = b().client_secret("s").build().unwrap();
    assert_eq!(auth.client_id(), "cid");
    assert_eq!(auth.tenant().base(), "https://tenant.auth0.com");
}

// ---- timeouts and transport ----

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_delay(Duration::from_secs(30)),
    )
    .await;
    let auth = builder(&server)
        .client_secret("s")
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = auth
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_timeout());
    assert!(err.api().is_none());
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn timeouts_are_not_retried_as_429() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_delay(Duration::from_secs(30)),
    )
    .await;
    let err = builder(&server)
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::new())
        .build()
        .unwrap()
        .users()
        .userinfo("atk")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let err = AuthenticationClient::builder(format!("http://127.0.0.1:{port}"), "cid")
        .client_secret("SUPER-SECRET")
        .build()
        .unwrap()
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
    assert!(!format!("{err} {err:?}").contains("SUPER-SECRET"));
}

// ---- secrets never printed ----

#[tokio::test]
async fn secrets_are_absent_from_debug_and_display() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "AT-SECRET", "id_token": "IDT-SECRET", "refresh_token": "RT-SECRET",
            "token_type": "Bearer", "expires_in": 60
        })),
    )
    .await;
    let key = rsa_key();
    let secret_builder = builder(&server).client_secret("CLIENT-SECRET");
    let key_builder = builder(&server)
        .client_assertion(&key.private_pem, None)
        .client_assertion_kid("kid-1");
    let mut printed = format!("{secret_builder:?} {key_builder:?}");
    let with_secret = secret_builder.build().unwrap();
    let with_key = key_builder.build().unwrap();
    printed += &format!("{with_secret:?} {with_key:?}");

    let login = with_secret
        .get_token()
        .login("alice", "PASSWORD-SECRET")
        .forwarded_for("1.2.3.4");
    let refresh = with_key.get_token().refresh_token("OLD-RT-SECRET");
    let userinfo = with_secret.users().userinfo("BEARER-SECRET");
    let exchange = with_secret
        .get_token()
        .access_token_for_connection("t", "SUBJECT-SECRET", "r");
    let otp = with_secret
        .get_token()
        .passwordless_login("a@b.c", "OTP-SECRET", "email");
    let signup = with_secret
        .database()
        .signup("a@b.c", "SIGNUP-SECRET", "conn");
    printed += &format!("{login:?} {refresh:?} {userinfo:?} {exchange:?} {otp:?} {signup:?}");
    assert!(
        printed.contains("password"),
        "field names are shown: {printed}"
    );

    let tokens = login.await.unwrap();
    printed += &format!("{tokens:?}");
    assert_eq!(tokens.access_token, "AT-SECRET");

    let failing = MockServer::start().await;
    answer(
        &failing,
        ResponseTemplate::new(403)
            .insert_header("set-cookie", "did=COOKIE-SECRET")
            .set_body_json(json!({"error": "mfa_required", "error_description": "mfa", "mfa_token": "MFA-SECRET"})),
    )
    .await;
    let err = builder(&failing)
        .client_secret("CLIENT-SECRET")
        .build()
        .unwrap()
        .get_token()
        .login("alice", "PASSWORD-SECRET")
        .await
        .unwrap_err();
    printed += &format!("{err:?} {err}");

    for secret in [
        "CLIENT-SECRET",
        "PRIVATE KEY",
        "PASSWORD-SECRET",
        "OLD-RT-SECRET",
        "BEARER-SECRET",
        "SUBJECT-SECRET",
        "OTP-SECRET",
        "SIGNUP-SECRET",
        "AT-SECRET",
        "IDT-SECRET",
        "RT-SECRET",
        "MFA-SECRET",
        "COOKIE-SECRET",
    ] {
        assert!(!printed.contains(secret), "{secret} leaked in: {printed}");
    }
}
