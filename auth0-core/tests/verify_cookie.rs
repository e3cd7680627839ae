//! `AccessTokenVerifier::verify_request_with_cookie`: the header's precedence, the cookie's
//! refusals and its place among the DPoP modes, with real tokens from the test tenant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth0_core::testing::{TestKey, TestTenant};
use auth0_core::{
    AccessTokenVerifier, BearerErrorCode, DpopMode, ErrorKind, RequestTarget, VerifyError,
};

const NAME: &str = "access_token";

fn verifier(tenant: &TestTenant, mode: DpopMode) -> AccessTokenVerifier {
    AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .dpop(mode)
        .dpop_base_url("https://api.example.com")
        .build()
        .unwrap()
}

async fn call(
    v: &AccessTokenVerifier,
    authorization: &[&str],
    proofs: &[&str],
    cookies: &[&str],
) -> Result<String, VerifyError> {
    v.verify_request_with_cookie(
        RequestTarget::new("GET", "/api/events"),
        authorization.iter().map(|a| a.as_bytes()),
        proofs.iter().map(|p| p.as_bytes()),
        NAME,
        cookies.iter().map(|c| c.as_bytes()),
    )
    .await
    .map(|claims| claims.sub.clone())
}

async fn kind(v: &AccessTokenVerifier, authorization: &[&str], cookies: &[&str]) -> ErrorKind {
    call(v, authorization, &[], cookies)
        .await
        .unwrap_err()
        .kind()
        .clone()
}

#[tokio::test]
async fn header_wins_and_cookie_refusals_map_as_the_header() {
    let tenant = TestTenant::start().await;
    let v = verifier(&tenant, DpopMode::Disabled);
    let token = tenant.token().sub("auth0|cookie").sign();
    let header_token = tenant.token().sub("auth0|header").sign();
    let cookie = format!("{NAME}={token}");

    assert_eq!(
        call(&v, &[], &[], &[&cookie]).await.unwrap(),
        "auth0|cookie"
    );
    let auth = format!("Bearer {header_token}");
    assert_eq!(
        call(&v, &[&auth], &[], &[&cookie]).await.unwrap(),
        "auth0|header"
    );
    // Any Authorization header wins, even one that fails or has another scheme.
    assert_eq!(
        kind(&v, &["Basic dXNlcjpwYXNz"], &[&cookie]).await,
        ErrorKind::MissingCredentials
    );
    assert_eq!(
        kind(&v, &["Bearer"], &[&cookie]).await,
        ErrorKind::MalformedRequest
    );
    // The cookie's refusals.
    assert_eq!(kind(&v, &[], &[]).await, ErrorKind::MissingCredentials);
    assert_eq!(
        kind(&v, &[], &["theme=dark"]).await,
        ErrorKind::MissingCredentials
    );
    let twice = format!("{cookie}; {cookie}");
    assert_eq!(kind(&v, &[], &[&twice]).await, ErrorKind::MalformedRequest);
    let expired = format!("{NAME}={}", tenant.token().expired().sign());
    let e = call(&v, &[], &[], &[&expired]).await.unwrap_err();
    assert_eq!(v.outcome(&e).status, 401);
    assert_eq!(
        v.outcome(&e).error.map(BearerErrorCode::as_str),
        Some("invalid_token")
    );
    let e = call(&v, &[], &[], &[&twice]).await.unwrap_err();
    assert_eq!(v.outcome(&e).status, 400);
    let e = call(&v, &[], &[], &[]).await.unwrap_err();
    let outcome = v.outcome(&e);
    assert_eq!((outcome.status, outcome.error), (401, None));
}

#[tokio::test]
async fn the_cookie_is_a_bearer_token() {
    let tenant = TestTenant::start().await;
    let key = TestKey::es256(42);
    let bound = tenant
        .token()
        .claim("cnf", serde_json::json!({ "jkt": key.jwk_thumbprint() }))
        .sign();
    let plain = format!("{NAME}={}", tenant.token().sub("auth0|plain").sign());

    // Allowed: a plain token passes, a DPoP-bound token in the cookie is refused.
    let v = verifier(&tenant, DpopMode::Allowed);
    assert_eq!(call(&v, &[], &[], &[&plain]).await.unwrap(), "auth0|plain");
    assert_eq!(
        kind(&v, &[], &[&format!("{NAME}={bound}")]).await,
        ErrorKind::DpopBinding
    );
    // A DPoP header with its proof still wins over the cookie.
    let proof = key
        .dpop_proof("GET", "https://api.example.com/api/events", Some(&bound))
        .sign();
    let auth = format!("DPoP {bound}");
    assert!(call(&v, &[&auth], &[&proof], &[&plain]).await.is_ok());

    // Required: a cookie counts as no credentials.
    let v = verifier(&tenant, DpopMode::Required);
    assert_eq!(
        kind(&v, &[], &[&plain]).await,
        ErrorKind::MissingCredentials
    );
}
