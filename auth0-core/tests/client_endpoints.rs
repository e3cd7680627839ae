//! The other endpoint groups on the wire: counterparts of auth0-python's `test_database.py`,
//! `test_delegated.py`, `test_enterprise.py`, `test_passwordless.py`, `test_revoke_token.py`,
//! `test_social.py` and `test_users.py`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client_support;

use auth0_core::client::ErrorKind;
use client_support::*;
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

async fn server_with(body: Value) -> MockServer {
    let server = MockServer::start().await;
    answer_json(&server, body).await;
    server
}

async fn sent_json(server: &MockServer, path: &str) -> Value {
    let req = only_request(server).await;
    assert_route(&req, "POST", path);
    json_body(&req)
}

// ---- database ----

#[tokio::test]
async fn signup() {
    let server =
        server_with(json!({"_id": "u1", "email": "a@b.com", "email_verified": false})).await;
    let user = public(&server)
        .database()
        .signup("a@b.com", "pswd", "conn")
        .await
        .unwrap();
    assert_eq!(user.id.as_deref(), Some("u1"));
    assert_eq!(user.email_verified, Some(false));
    assert_eq!(
        sent_json(&server, "/dbconnections/signup").await,
        json!({"client_id": "cid", "email": "a@b.com", "password": "pswd", "connection": "conn"})
    );
}

#[tokio::test]
async fn signup_with_every_field() {
    let server = server_with(json!({"_id": "u1", "given_name": "john"})).await;
    let user = with_secret(&server, "not-sent")
        .database()
        .signup("a@b.com", "pswd", "conn")
        .username("usr")
        .user_metadata(json!({"hobby": "surfing", "preference": {"color": "pink"}}))
        .given_name("john")
        .family_name("doe")
        .name("john doe")
        .nickname("johnny")
        .picture("avatars.com/john-doe")
        .await
        .unwrap();
    assert_eq!(user.extra["given_name"], "john");
    assert_eq!(
        sent_json(&server, "/dbconnections/signup").await,
        json!({
            "client_id": "cid", "email": "a@b.com", "password": "pswd", "connection": "conn",
            "username": "usr", "user_metadata": {"hobby": "surfing", "preference": {"color": "pink"}},
            "given_name": "john", "family_name": "doe", "name": "john doe", "nickname": "johnny",
            "picture": "avatars.com/john-doe"
        })
    );
}

#[tokio::test]
async fn change_password() {
    let server = MockServer::start().await;
    let sentence = "We've just sent you an email to reset your password.";
    answer(
        &server,
        ResponseTemplate::new(200).set_body_string(sentence),
    )
    .await;
    let text = with_secret(&server, "not-sent")
        .database()
        .change_password("a@b.com", "conn")
        .await
        .unwrap();
    assert_eq!(text, sentence);
    assert_eq!(
        sent_json(&server, "/dbconnections/change_password").await,
        json!({"client_id": "cid", "email": "a@b.com", "connection": "conn"})
    );
}

#[tokio::test]
async fn change_password_with_organization_param() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_string("ok")).await;
    public(&server)
        .database()
        .change_password("a@b.com", "conn")
        .organization("org_id")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server, "/dbconnections/change_password").await,
        json!({"client_id": "cid", "email": "a@b.com", "connection": "conn", "organization": "org_id"})
    );
}

#[tokio::test]
async fn signup_error_reads_description() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(400).set_body_json(json!({
            "name": "BadRequestError", "code": "invalid_signup",
            "description": "Invalid sign up", "statusCode": 400
        })),
    )
    .await;
    let err = public(&server)
        .database()
        .signup("a@b.com", "pswd", "conn")
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some("invalid_signup"));
    assert_eq!(err.message(), Some("Invalid sign up"));
}

// ---- delegated ----

#[tokio::test]
async fn delegated_get_token_id_token() {
    let server =
        server_with(json!({"id_token": "new-idt", "token_type": "Bearer", "expires_in": 36000}))
            .await;
    let d = with_secret(&server, "not-sent")
        .delegated()
        .get_token("tgt", "apt", "gt")
        .id_token("idt")
        .scope("openid profile")
        .await
        .unwrap();
    assert_eq!(d.id_token.as_deref(), Some("new-idt"));
    assert_eq!(d.expires_in, Some(36000));
    assert_eq!(
        sent_json(&server, "/delegation").await,
        json!({"client_id": "cid", "grant_type": "gt", "id_token": "idt", "target": "tgt", "scope": "openid profile", "api_type": "apt"})
    );
}

#[tokio::test]
async fn delegated_get_token_refresh_token() {
    let server = server_with(json!({"id_token": "x"})).await;
    public(&server)
        .delegated()
        .get_token("tgt", "apt", "gt")
        .refresh_token("rtk")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server, "/delegation").await,
        json!({"client_id": "cid", "grant_type": "gt", "refresh_token": "rtk", "target": "tgt", "scope": "openid", "api_type": "apt"})
    );
}

#[tokio::test]
async fn delegated_get_token_value_error() {
    let server = server_with(json!({})).await;
    let auth = public(&server);
    let both = auth
        .delegated()
        .get_token("tgt", "apt", "gt")
        .id_token("idt")
        .refresh_token("rtk")
        .await
        .unwrap_err();
    assert_eq!(both.kind(), ErrorKind::InvalidInput);
    assert!(both.to_string().contains("not both"), "{both}");
    let neither = auth
        .delegated()
        .get_token("tgt", "apt", "gt")
        .await
        .unwrap_err();
    assert_eq!(neither.kind(), ErrorKind::InvalidInput);
    assert!(
        neither
            .to_string()
            .contains("needs an id_token or a refresh_token"),
        "{neither}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---- enterprise ----

#[tokio::test]
async fn saml_metadata() {
    let server = MockServer::start().await;
    let xml = r#"<?xml version="1.0"?><EntityDescriptor entityID="urn:t"/>"#;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_raw(xml, "application/xml"),
    )
    .await;
    let got = public(&server).enterprise().saml_metadata().await.unwrap();
    assert_eq!(got, xml);
    let req = only_request(&server).await;
    assert_route(&req, "GET", "/samlp/metadata/cid");
    assert!(req.body.is_empty());
    assert_eq!(header(&req, "content-type"), None);
}

#[tokio::test]
async fn saml_metadata_escapes_the_client_id() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_string("<x/>")).await;
    auth0_core::client::AuthenticationClient::builder(server.uri(), "a/b c")
        .build()
        .unwrap()
        .enterprise()
        .saml_metadata()
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.url.path(), "/samlp/metadata/a%2Fb%20c");
}

#[tokio::test]
async fn wsfed_metadata() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_string("<wsfed/>"),
    )
    .await;
    let got = public(&server).enterprise().wsfed_metadata().await.unwrap();
    assert_eq!(got, "<wsfed/>");
    let req = only_request(&server).await;
    assert_route(
        &req,
        "GET",
        "/wsfed/FederationMetadata/2007-06/FederationMetadata.xml",
    );
}

// ---- passwordless ----

#[tokio::test]
async fn send_email() {
    let server =
        server_with(json!({"_id": "p1", "email": "a@b.com", "email_verified": false})).await;
    let started = public(&server)
        .passwordless()
        .email("a@b.com")
        .send_as("snd")
        .await
        .unwrap();
    assert_eq!(started.id.as_deref(), Some("p1"));
    assert_eq!(
        sent_json(&server, "/passwordless/start").await,
        json!({"client_id": "cid", "email": "a@b.com", "send": "snd", "connection": "email"})
    );
}

#[tokio::test]
async fn send_email_defaults_to_link() {
    let server = server_with(json!({})).await;
    public(&server)
        .passwordless()
        .email("a@b.com")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server, "/passwordless/start").await["send"],
        "link"
    );
}

#[tokio::test]
async fn send_email_with_auth_params() {
    let server = server_with(json!({})).await;
    public(&server)
        .passwordless()
        .email("a@b.com")
        .send_as("snd")
        .auth_params(json!({"a": "b"}))
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server, "/passwordless/start").await,
        json!({"client_id": "cid", "email": "a@b.com", "send": "snd", "authParams": {"a": "b"}, "connection": "email"})
    );
}

#[tokio::test]
async fn send_email_with_client_secret() {
    let server = server_with(json!({})).await;
    with_secret(&server, "csecret")
        .passwordless()
        .email("a@b.com")
        .send_as("snd")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server, "/passwordless/start").await,
        json!({"client_id": "cid", "client_secret": "csecret", "email": "a@b.com", "send": "snd", "connection": "email"})
    );
}

#[tokio::test]
async fn send_sms() {
    let server =
        server_with(json!({"_id": "p2", "phone_number": "123456", "phone_verified": false})).await;
    let started = public(&server).passwordless().sms("123456").await.unwrap();
    assert_eq!(started.phone_verified, Some(false));
    assert_eq!(
        sent_json(&server, "/passwordless/start").await,
        json!({"client_id": "cid", "phone_number": "123456", "connection": "sms"})
    );
}

#[tokio::test]
async fn send_sms_with_client_secret() {
    let server = server_with(json!({})).await;
    with_secret(&server, "csecret")
        .passwordless()
        .sms("123456")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server, "/passwordless/start").await,
        json!({"client_id": "cid", "client_secret": "csecret", "phone_number": "123456", "connection": "sms"})
    );
}

// ---- revoke ----

#[tokio::test]
async fn revoke_refresh_token() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200)).await;
    public(&server)
        .revoke_token()
        .revoke_refresh_token("tkn")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server, "/oauth/revoke").await,
        json!({"client_id": "cid", "token": "tkn"})
    );

    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200)).await;
    with_secret(&server, "sh!")
        .revoke_refresh_token("tkn")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server, "/oauth/revoke").await,
        json!({"client_id": "cid", "token": "tkn", "client_secret": "sh!"})
    );
}

// ---- social ----

#[tokio::test]
async fn social_login() {
    let server = server_with(token_json()).await;
    let tokens = public(&server).social().login("atk", "conn").await.unwrap();
    assert_eq!(tokens.access_token, "at-value");
    assert_eq!(
        sent_json(&server, "/oauth/access_token").await,
        json!({"client_id": "cid", "access_token": "atk", "connection": "conn", "scope": "openid"})
    );
}

#[tokio::test]
async fn social_login_with_scope() {
    let server = server_with(token_json()).await;
    with_secret(&server, "not-sent")
        .social()
        .login("atk", "conn")
        .scope("openid profile")
        .await
        .unwrap();
    assert_eq!(
        sent_json(&server, "/oauth/access_token").await,
        json!({"client_id": "cid", "access_token": "atk", "connection": "conn", "scope": "openid profile"})
    );
}

// ---- users ----

#[tokio::test]
async fn userinfo() {
    let server = server_with(json!({
        "sub": "auth0|1", "email": "a@b.com", "email_verified": true,
        "updated_at": "2024-01-01T00:00:00.000Z", "https://example.com/roles": ["admin"]
    }))
    .await;
    let me = with_secret(&server, "not-sent")
        .users()
        .userinfo("atk")
        .await
        .unwrap();
    assert_eq!(me.sub, "auth0|1");
    assert_eq!(me.email_verified, Some(true));
    assert_eq!(me.extra["https://example.com/roles"], json!(["admin"]));
    let req = only_request(&server).await;
    assert_route(&req, "GET", "/userinfo");
    assert_eq!(header(&req, "authorization").as_deref(), Some("Bearer atk"));
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn userinfo_unauthorized() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(401)
            .insert_header("www-authenticate", r#"Bearer error="invalid_token""#)
            .set_body_string("Unauthorized"),
    )
    .await;
    let err = public(&server).users().userinfo("bad").await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.message(), Some("Unauthorized"));
    assert!(err.headers().unwrap().contains("WWW-Authenticate"));
}
