//! The test tenant's browser login flow over real loopback HTTP: `/authorize` and its login
//! page, the `authorization_code` and `refresh_token` grants through the crate's own client,
//! tokens checked by the crate's own verifiers, PAR, organizations, logout and avatars.
//!
//! `cargo test -p auth0-core --test testing_login`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::Duration;

use auth0_core::client::AuthenticationClient;
use auth0_core::testing::{
    ALICE_EMAIL, ALICE_PASSWORD, ALICE_SUB, BOB_EMAIL, BOB_PASSWORD, TestTenant, TestUser,
};
use auth0_core::verify::id_token::{
    IdTokenClaims, SignatureVerifier, TokenVerifier, VerifyOptions,
};
use auth0_core::{AccessTokenVerifier, Algorithm};
use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Client, Response, StatusCode, redirect};
use serde_json::Value;
use url::Url;

const CALLBACK: &str = "http://127.0.0.1:3000/callback";
const VERIFIER: &str = "a-code-verifier-of-enough-length-0123456789-abcdefghijklmnop";

fn http() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()))
}

/// The parameters of a good authorization request, plus `extra` (replacing same names).
fn auth_params(tenant: &TestTenant, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("client_id", tenant.client_id()),
        ("redirect_uri", CALLBACK.to_owned()),
        ("response_type", "code".to_owned()),
        ("scope", "openid profile email offline_access".to_owned()),
        ("state", "state-123".to_owned()),
        ("nonce", "nonce-456".to_owned()),
        ("audience", tenant.audience()),
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for (name, value) in extra {
        params.retain(|(k, _)| k != name);
        if !value.is_empty() {
            params.push(((*name).to_owned(), (*value).to_owned()));
        }
    }
    params
}

async fn authorize(tenant: &TestTenant, params: &[(String, String)]) -> Response {
    let url = Url::parse_with_params(&tenant.authorize_url(), params).unwrap();
    http().get(url).send().await.unwrap()
}

/// The `tx` of a login page.
fn tx_of(html: &str) -> String {
    let start = html.find("name=\"tx\" value=\"").expect("a tx field") + 17;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// GETs the login page: its `tx` and HTML.
async fn login_page(tenant: &TestTenant, params: &[(String, String)]) -> (String, String) {
    let response = authorize(tenant, params).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    (tx_of(&html), html)
}

async fn submit(
    tenant: &TestTenant,
    tx: &str,
    user: &str,
    password: &str,
    action: &str,
) -> Response {
    http()
        .post(format!("{}authorize/login", tenant.issuer()))
        .form(&[
            ("tx", tx),
            ("username", user),
            ("password", password),
            ("action", action),
        ])
        .send()
        .await
        .unwrap()
}

/// The `Location` of a 302 and its query parameters.
fn location(response: &Response) -> (String, HashMap<String, String>) {
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let query = Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    (location, query)
}

/// Logs alice in with `extra` request parameters; the code.
async fn login_code(tenant: &TestTenant, extra: &[(&str, &str)]) -> String {
    let (tx, _) = login_page(tenant, &auth_params(tenant, extra)).await;
    let response = submit(tenant, &tx, ALICE_EMAIL, ALICE_PASSWORD, "login").await;
    let (_, query) = location(&response);
    query["code"].clone()
}

fn confidential(tenant: &TestTenant) -> AuthenticationClient {
    AuthenticationClient::builder(tenant.domain(), tenant.client_id())
        .client_secret(tenant.client_secret())
        .build()
        .unwrap()
}

fn public(tenant: &TestTenant) -> AuthenticationClient {
    AuthenticationClient::builder(tenant.domain(), tenant.client_id())
        .build()
        .unwrap()
}

fn id_verifier(tenant: &TestTenant) -> TokenVerifier {
    let signature = SignatureVerifier::asymmetric(&tenant.jwks_url(), Algorithm::RS256).unwrap();
    TokenVerifier::new(signature, tenant.issuer(), tenant.client_id()).unwrap()
}

async fn verify_id(tenant: &TestTenant, token: &str, options: &VerifyOptions) -> IdTokenClaims {
    id_verifier(tenant).verify(token, options).await.unwrap()
}

async fn token_form(tenant: &TestTenant, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = http()
        .post(tenant.token_url())
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn full_flow_with_a_confidential_client() {
    let tenant = TestTenant::start().await;
    let response = authorize(&tenant, &auth_params(&tenant, &[("max_age", "60")])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    for fragment in [
        "<title>Log in · dev tenant</title>",
        "<h1>Log in</h1>",
        "<form method=\"post\" action=\"/authorize/login\">",
        "<input id=\"username\" name=\"username\"",
        "<input id=\"password\" name=\"password\" type=\"password\"",
        "<button id=\"login\" type=\"submit\" name=\"action\" value=\"login\">Log in</button>",
        "<button id=\"deny\" type=\"submit\" name=\"action\" value=\"deny\">Cancel</button>",
        ALICE_EMAIL,
        ALICE_PASSWORD,
        BOB_EMAIL,
        BOB_PASSWORD,
    ] {
        assert!(html.contains(fragment), "{fragment} missing from\n{html}");
    }
    let tx = tx_of(&html);
    assert!(tx.len() >= 16);

    let response = submit(&tenant, &tx, ALICE_EMAIL, ALICE_PASSWORD, "login").await;
    let (location, query) = location(&response);
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    assert_eq!(query["state"], "state-123");
    let code = &query["code"];
    assert_eq!(URL_SAFE_NO_PAD.decode(code).unwrap().len(), 32);
    // The same page cannot be used twice.
    let again = submit(&tenant, &tx, ALICE_EMAIL, ALICE_PASSWORD, "login").await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);

    let tokens = confidential(&tenant)
        .get_token()
        .authorization_code(code.as_str(), CALLBACK)
        .param("code_verifier", VERIFIER)
        .await
        .unwrap();
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, Some(86_400));
    assert_eq!(
        tokens.scope.as_deref(),
        Some("openid profile email offline_access")
    );
    assert!(tokens.refresh_token.is_some());

    let options = VerifyOptions::new()
        .nonce("nonce-456")
        .max_age(Duration::from_secs(60));
    let id = verify_id(&tenant, tokens.id_token.as_deref().unwrap(), &options).await;
    assert_eq!(id["sub"], ALICE_SUB);
    assert_eq!(id["email"], ALICE_EMAIL);
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["name"], "Alice Example");
    assert_eq!(id["nickname"], "alice");
    assert_eq!(
        id["picture"],
        format!("{}avatars/alice.svg", tenant.issuer())
    );
    assert!(id["sid"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(id["updated_at"].as_str().is_some_and(|s| s.ends_with('Z')));
    let (iat, exp) = (id["iat"].as_i64().unwrap(), id["exp"].as_i64().unwrap());
    assert_eq!(exp - iat, 36_000);
    assert!(id["auth_time"].as_i64().unwrap() <= iat);
    // A wrong nonce is refused by the verifier.
    let wrong = VerifyOptions::new().nonce("other");
    assert!(
        id_verifier(&tenant)
            .verify(tokens.id_token.as_deref().unwrap(), &wrong)
            .await
            .is_err()
    );

    let access = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap();
    let claims = access.verify(&tokens.access_token).await.unwrap();
    assert_eq!(claims.sub, ALICE_SUB);
    assert_eq!(
        claims.aud,
        [tenant.audience(), format!("{}userinfo", tenant.issuer())]
    );
    assert_eq!(claims.azp.as_deref(), Some(tenant.client_id().as_str()));
    assert!(claims.scope.iter().any(|s| s == "offline_access"));
    assert_eq!(claims.exp - claims.iat, 86_400);

    // /userinfo answers for the access token.
    let profile: Value = http()
        .get(tenant.userinfo_url())
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(profile["sub"], ALICE_SUB);

    // The code works once.
    let reuse = confidential(&tenant)
        .get_token()
        .authorization_code(code.as_str(), CALLBACK)
        .param("code_verifier", VERIFIER)
        .await
        .unwrap_err();
    assert_eq!(reuse.status(), Some(403));
    assert_eq!(reuse.error_code(), Some("invalid_grant"));
    assert_eq!(reuse.message(), Some("Invalid authorization code"));

    assert_eq!(tenant.authorize_requests(), 1);
    assert_eq!(tenant.login_submissions(), 2);
    assert_eq!(tenant.token_requests(), 2);
}

#[tokio::test]
async fn public_client_with_pkce_and_the_token_lifetime() {
    let tenant = TestTenant::start().await;
    tenant.set_token_lifetime(Duration::from_secs(600));
    let code = login_code(&tenant, &[("scope", "openid"), ("audience", "")]).await;
    let tokens = public(&tenant)
        .get_token()
        .authorization_code_pkce(VERIFIER, code, CALLBACK)
        .await
        .unwrap();
    assert_eq!(tokens.expires_in, Some(600));
    assert!(tokens.refresh_token.is_none(), "no offline_access");
    let id = verify_id(
        &tenant,
        tokens.id_token.as_deref().unwrap(),
        &VerifyOptions::new().nonce("nonce-456"),
    )
    .await;
    assert_eq!(id["sub"], ALICE_SUB);
    // Without an audience the access token is for /userinfo only.
    let payload = tokens.access_token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(claims["aud"], format!("{}userinfo", tenant.issuer()));
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );

    // A public client needs its verifier; no credentials and no verifier is refused.
    let code = login_code(&tenant, &[]).await;
    let client_id = tenant.client_id();
    let (status, body) = token_form(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("access_denied"))
    );
    // A wrong secret is refused even with a verifier.
    let (status, _) = token_form(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("client_secret", "wrong"),
            ("code", &code),
            ("code_verifier", VERIFIER),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The code was not spent by refused client authentication.
    let tokens = public(&tenant)
        .get_token()
        .authorization_code_pkce(VERIFIER, code, CALLBACK)
        .await;
    assert!(tokens.is_ok());
}

#[tokio::test]
async fn wrong_verifier_and_redirect_uri_are_refused() {
    let tenant = TestTenant::start().await;
    let code = login_code(&tenant, &[]).await;
    let err = confidential(&tenant)
        .get_token()
        .authorization_code(code.as_str(), CALLBACK)
        .param("code_verifier", "not-the-verifier")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.error_code(), Some("invalid_grant"));
    assert_eq!(err.message(), Some("Failed to verify code verifier"));

    let code = login_code(&tenant, &[]).await;
    let err = public(&tenant)
        .get_token()
        .authorization_code_pkce(VERIFIER, code, "http://127.0.0.1:3000/other")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.error_code(), Some("invalid_grant"));
}

#[tokio::test]
async fn request_errors_go_back_to_the_redirect_uri() {
    let tenant = TestTenant::start().await;
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("code_challenge_method", "plain")],
            "code_challenge_method",
        ),
        (&[("code_challenge_method", "")], "code_challenge_method"),
        (&[("code_challenge", "")], "code_challenge"),
        (&[("response_type", "token")], "response_type"),
    ];
    for (extra, mentioned) in cases {
        let response = authorize(&tenant, &auth_params(&tenant, extra)).await;
        let (location, query) = location(&response);
        assert!(location.starts_with(&format!("{CALLBACK}?")), "{location}");
        assert_eq!(query["error"], "invalid_request");
        assert!(query["error_description"].contains(mentioned), "{query:?}");
        assert_eq!(query["state"], "state-123");
    }
    // An existing query of the redirect_uri is kept; no state, no state back.
    let with_query = "http://localhost:8080/cb?tenant=a";
    let response = authorize(
        &tenant,
        &auth_params(
            &tenant,
            &[
                ("redirect_uri", with_query),
                ("code_challenge", ""),
                ("state", ""),
            ],
        ),
    )
    .await;
    let (location, query) = location(&response);
    assert!(location.starts_with("http://localhost:8080/cb?tenant=a&error=invalid_request&"));
    assert!(!query.contains_key("state"));
}

#[tokio::test]
async fn bad_client_or_redirect_uri_is_a_400_page_never_a_redirect() {
    let tenant = TestTenant::builder()
        .callback_url("https://app.example.com/callback")
        .start()
        .await;
    let cases: [&[(&str, &str)]; 6] = [
        &[("redirect_uri", "https://evil.example.com/callback")],
        &[("redirect_uri", "")],
        &[("redirect_uri", "/relative")],
        &[("redirect_uri", "http://127.0.0.1:3000/cb#fragment")],
        &[("client_id", "someone-else")],
        &[("client_id", "")],
    ];
    for extra in cases {
        // Also with other errors, which would otherwise redirect.
        let params = auth_params(
            &tenant,
            &[extra, &[("code_challenge_method", "plain")]].concat(),
        );
        let response = authorize(&tenant, &params).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{extra:?}");
        assert!(response.headers().get("location").is_none());
        assert!(response.text().await.unwrap().contains("<!doctype html>"));
    }
    // A registered callback URL works.
    let response = authorize(
        &tenant,
        &auth_params(
            &tenant,
            &[("redirect_uri", "https://app.example.com/callback")],
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(tenant.authorize_requests(), 7);
}

#[tokio::test]
async fn deny_and_wrong_password() {
    let tenant = TestTenant::start().await;
    let (tx, _) = login_page(&tenant, &auth_params(&tenant, &[])).await;
    let response = submit(&tenant, &tx, ALICE_EMAIL, "wrong", "login").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"error\""));
    assert!(html.contains("Wrong email or password."));
    assert!(html.contains(&format!("value=\"{ALICE_EMAIL}\"")));
    assert_eq!(tx_of(&html), tx);
    // Someone else's password does not work either.
    let response = submit(&tenant, &tx, ALICE_EMAIL, BOB_PASSWORD, "login").await;
    assert_eq!(response.status(), StatusCode::OK);

    let response = submit(&tenant, &tx, "", "", "deny").await;
    assert_eq!(
        response.headers()["location"],
        format!(
            "{CALLBACK}?error=access_denied&error_description=User%20did%20not%20authorize%20the%20request&state=state-123"
        )
    );
    // The request is over.
    let response = submit(&tenant, &tx, ALICE_EMAIL, ALICE_PASSWORD, "login").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = submit(&tenant, "unknown-tx", ALICE_EMAIL, ALICE_PASSWORD, "login").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(tenant.login_submissions(), 5);

    // Bob, with a case-insensitive email, after a failed try on the same page.
    let (tx, _) = login_page(&tenant, &auth_params(&tenant, &[])).await;
    let _ = submit(&tenant, &tx, BOB_EMAIL, "nope", "login").await;
    let response = submit(&tenant, &tx, "BOB@example.com", BOB_PASSWORD, "login").await;
    let (_, query) = location(&response);
    let tokens = public(&tenant)
        .get_token()
        .authorization_code_pkce(VERIFIER, query["code"].as_str(), CALLBACK)
        .await
        .unwrap();
    let id = verify_id(
        &tenant,
        tokens.id_token.as_deref().unwrap(),
        &VerifyOptions::new(),
    )
    .await;
    assert_eq!(id["sub"], "auth0|bob");
}

#[tokio::test]
async fn reflected_values_are_escaped() {
    let tenant = TestTenant::start().await;
    let script = "<script>alert('x')</script>";
    let params = auth_params(
        &tenant,
        &[
            ("state", script),
            ("login_hint", "\"><script>x</script>"),
            ("screen_hint", "signup"),
        ],
    );
    let (tx, html) = login_page(&tenant, &params).await;
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""));
    assert!(html.contains("<h1>Sign up</h1>"));
    // The state goes back encoded.
    let response = submit(&tenant, &tx, ALICE_EMAIL, ALICE_PASSWORD, "login").await;
    let (location, query) = location(&response);
    assert_eq!(query["state"], script);
    assert!(!location.contains('<') && !location.contains('\''));
}

async fn refresh(
    tenant: &TestTenant,
    token: &str,
) -> Result<auth0_core::client::TokenResponse, auth0_core::client::Error> {
    confidential(tenant).get_token().refresh_token(token).await
}

#[tokio::test]
async fn refresh_token_rotation_and_reuse_detection() {
    let tenant = TestTenant::start().await;
    let code = login_code(&tenant, &[]).await;
    let first = confidential(&tenant)
        .get_token()
        .authorization_code(code.as_str(), CALLBACK)
        .param("code_verifier", VERIFIER)
        .await
        .unwrap();
    let verified = verify_id(
        &tenant,
        first.id_token.as_deref().unwrap(),
        &VerifyOptions::new().nonce("nonce-456"),
    )
    .await;
    let r1 = first.refresh_token.unwrap();

    let second = refresh(&tenant, &r1).await.unwrap();
    let r2 = second.refresh_token.clone().unwrap();
    assert_ne!(r1, r2);
    assert_eq!(
        second.scope.as_deref(),
        Some("openid profile email offline_access")
    );
    let id = verify_id(
        &tenant,
        second.id_token.as_deref().unwrap(),
        &VerifyOptions::new(),
    )
    .await;
    assert!(id.get("nonce").is_none());
    assert_eq!(id["sid"], verified["sid"]);
    assert_eq!(id["auth_time"], verified["auth_time"]);
    assert_eq!(id["sub"], ALICE_SUB);
    AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap()
        .verify(&second.access_token)
        .await
        .unwrap();

    assert_ne!(
        second.access_token, first.access_token,
        "a new access token"
    );
    let r3 = refresh(&tenant, &r2).await.unwrap().refresh_token.unwrap();
    // A refresh token needs client authentication.
    let err = public(&tenant)
        .get_token()
        .refresh_token(&r3)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    // Reusing r1: refused, and the whole family with it.
    let err = refresh(&tenant, &r1).await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.error_code(), Some("invalid_grant"));
    assert_eq!(err.message(), Some("Unknown or invalid refresh token."));
    let err = refresh(&tenant, &r3).await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert!(refresh(&tenant, "never-issued").await.is_err());

    // A reused code revokes the refresh tokens it issued.
    let code = login_code(&tenant, &[]).await;
    let exchange = || {
        confidential(&tenant)
            .get_token()
            .authorization_code(code.as_str(), CALLBACK)
            .param("code_verifier", VERIFIER)
    };
    let r = exchange().await.unwrap().refresh_token.unwrap();
    assert!(exchange().await.is_err());
    assert!(refresh(&tenant, &r).await.is_err());
}

#[tokio::test]
async fn rotation_off_keeps_the_refresh_token() {
    let tenant = TestTenant::start().await;
    tenant.rotate_refresh_tokens(false);
    let code = login_code(&tenant, &[]).await;
    let tokens = public(&tenant)
        .get_token()
        .authorization_code_pkce(VERIFIER, code, CALLBACK)
        .await
        .unwrap();
    let token = tokens.refresh_token.unwrap();
    for _ in 0..3 {
        let answer = refresh(&tenant, &token).await.unwrap();
        assert!(answer.refresh_token.is_none());
        assert!(answer.id_token.is_some());
    }
    tenant.rotate_refresh_tokens(true);
    let next = refresh(&tenant, &token)
        .await
        .unwrap()
        .refresh_token
        .unwrap();
    assert!(refresh(&tenant, &next).await.is_ok());
}

#[tokio::test]
async fn pushed_authorization_request_round_trip() {
    let tenant = TestTenant::start().await;
    let par = confidential(&tenant)
        .pushed_authorization_request("code", CALLBACK)
        .scope("openid profile")
        .state("par-state")
        .nonce("par-nonce")
        .code_challenge(challenge(VERIFIER), "S256")
        .await
        .unwrap();
    assert!(
        par.request_uri
            .starts_with("urn:ietf:params:oauth:request_uri:")
    );
    assert_eq!(par.expires_in, 60);
    let client_id = tenant.client_id();
    let query = [
        ("client_id".to_owned(), client_id.clone()),
        ("request_uri".to_owned(), par.request_uri.clone()),
    ];
    let (tx, html) = login_page(&tenant, &query).await;
    assert!(html.contains("par-state"));
    let response = submit(&tenant, &tx, ALICE_EMAIL, ALICE_PASSWORD, "login").await;
    let (location, query_back) = location(&response);
    assert!(location.starts_with(CALLBACK));
    assert_eq!(query_back["state"], "par-state");
    let tokens = public(&tenant)
        .get_token()
        .authorization_code_pkce(VERIFIER, query_back["code"].as_str(), CALLBACK)
        .await
        .unwrap();
    let options = VerifyOptions::new().nonce("par-nonce");
    verify_id(&tenant, tokens.id_token.as_deref().unwrap(), &options).await;

    // Single use; and an unknown one.
    assert_eq!(
        authorize(&tenant, &query).await.status(),
        StatusCode::BAD_REQUEST
    );
    let unknown = [
        ("client_id".to_owned(), client_id.clone()),
        (
            "request_uri".to_owned(),
            "urn:ietf:params:oauth:request_uri:nope".to_owned(),
        ),
    ];
    assert_eq!(
        authorize(&tenant, &unknown).await.status(),
        StatusCode::BAD_REQUEST
    );

    // Client authentication and an allowed redirect_uri are required.
    let response = http()
        .post(tenant.par_url())
        .form(&[
            ("client_id", client_id.as_str()),
            ("client_secret", "wrong"),
            ("response_type", "code"),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let err = confidential(&tenant)
        .pushed_authorization_request("code", "https://evil.example.com/cb")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(tenant.par_requests(), 3);
}

#[tokio::test]
async fn organization_claims() {
    let tenant = TestTenant::start().await;
    let code = login_code(&tenant, &[("organization", "org_123")]).await;
    let tokens = public(&tenant)
        .get_token()
        .authorization_code_pkce(VERIFIER, code, CALLBACK)
        .await
        .unwrap();
    let options = VerifyOptions::new().organization("org_123");
    let id = verify_id(&tenant, tokens.id_token.as_deref().unwrap(), &options).await;
    assert_eq!(id["org_id"], "org_123");
    let claims = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .organization("org_123")
        .build()
        .unwrap()
        .verify(&tokens.access_token)
        .await
        .unwrap();
    assert_eq!(claims.org_id.as_deref(), Some("org_123"));

    let code = login_code(&tenant, &[("organization", "Acme")]).await;
    let tokens = public(&tenant)
        .get_token()
        .authorization_code_pkce(VERIFIER, code, CALLBACK)
        .await
        .unwrap();
    let options = VerifyOptions::new().organization("Acme");
    let id = verify_id(&tenant, tokens.id_token.as_deref().unwrap(), &options).await;
    assert_eq!(id["org_name"], "acme");
    assert!(id.get("org_id").is_none());
    AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .organization("Acme")
        .build()
        .unwrap()
        .verify(&tokens.access_token)
        .await
        .unwrap();
}

async fn get(url: &str, params: &[(&str, &str)]) -> Response {
    let url = Url::parse_with_params(url, params).unwrap();
    http().get(url).send().await.unwrap()
}

#[tokio::test]
async fn logout_endpoints() {
    let tenant = TestTenant::builder()
        .logout_url("https://app.example.com/goodbye")
        .start()
        .await;
    let client_id = tenant.client_id();
    let v2 = tenant.logout_url();
    assert_eq!(v2, format!("{}v2/logout", tenant.issuer()));

    let response = get(
        &v2,
        &[
            ("client_id", &client_id),
            ("returnTo", "http://localhost:3000/"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "http://localhost:3000/");
    let response = get(&v2, &[("returnTo", "https://app.example.com/goodbye")]).await;
    assert_eq!(
        response.headers()["location"],
        "https://app.example.com/goodbye"
    );
    let response = get(&v2, &[("returnTo", "https://evil.example.com/")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    let html = response.text().await.unwrap();
    assert!(html.contains("returnTo is not in the Allowed Logout URLs"));
    let response = get(
        &v2,
        &[("client_id", "other"), ("returnTo", "http://localhost/")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = get(&v2, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You are logged out")
    );

    // OIDC logout, with an ID token of a login as the hint.
    let code = login_code(&tenant, &[]).await;
    let tokens = public(&tenant)
        .get_token()
        .authorization_code_pkce(VERIFIER, code, CALLBACK)
        .await
        .unwrap();
    let id_token = tokens.id_token.unwrap();
    let oidc = tenant.oidc_logout_url();
    let response = get(
        &oidc,
        &[
            ("id_token_hint", &id_token),
            ("client_id", &client_id),
            ("post_logout_redirect_uri", "http://127.0.0.1:3000/bye?x=1"),
            ("state", "s t"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()["location"],
        "http://127.0.0.1:3000/bye?x=1&state=s%20t"
    );
    let response = get(
        &oidc,
        &[("post_logout_redirect_uri", "https://evil.example.com/")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let forged = tenant
        .token()
        .aud(client_id.clone())
        .sign_with_bad_signature();
    let response = get(
        &oidc,
        &[
            ("id_token_hint", &forged),
            ("post_logout_redirect_uri", "http://127.0.0.1/"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = get(&oidc, &[("client_id", &client_id)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(tenant.logout_requests(), 9);
}

#[tokio::test]
async fn discovery_users_and_avatars() {
    let tenant = TestTenant::builder()
        .user(TestUser::new("carol@example.com", "carol-password").with_name("Carol Example"))
        .start()
        .await;
    let doc: Value = http()
        .get(tenant.discovery_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["authorization_endpoint"], tenant.authorize_url());
    assert_eq!(doc["end_session_endpoint"], tenant.oidc_logout_url());
    assert_eq!(
        doc["pushed_authorization_request_endpoint"],
        tenant.par_url()
    );
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        doc["response_modes_supported"],
        serde_json::json!(["query"])
    );
    let grants = doc["grant_types_supported"].as_array().unwrap();
    for grant in ["authorization_code", "refresh_token", "client_credentials"] {
        assert!(grants.iter().any(|g| g == grant), "{grant}");
    }

    let users = tenant.users();
    assert_eq!(users.len(), 3);
    assert_eq!(
        users[0],
        TestUser::alice().with_picture(format!("{}avatars/alice.svg", tenant.issuer()))
    );
    assert!(!format!("{:?}", users[0]).contains(ALICE_PASSWORD));
    let carol = &users[2];
    assert_eq!(
        (carol.sub.as_str(), carol.nickname.as_str()),
        ("auth0|carol", "carol")
    );

    for user in &users {
        let response = http()
            .get(user.picture.as_deref().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "image/svg+xml");
        let svg = response.text().await.unwrap();
        let initial = user.name.chars().next().unwrap();
        assert!(svg.starts_with("<svg") && svg.contains(&format!(">{initial}</text>")));
    }
    let avatars = format!("{}avatars/", tenant.issuer());
    let status = |r: Response| r.status();
    assert_eq!(
        status(
            http()
                .get(format!("{avatars}dave.svg"))
                .send()
                .await
                .unwrap()
        ),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status(
            http()
                .post(format!("{avatars}alice.svg"))
                .send()
                .await
                .unwrap()
        ),
        StatusCode::METHOD_NOT_ALLOWED
    );
    // Carol can log in.
    let (tx, html) = login_page(&tenant, &auth_params(&tenant, &[])).await;
    assert!(html.contains("carol-password"));
    let response = submit(&tenant, &tx, "carol@example.com", "carol-password", "login").await;
    assert!(location(&response).1.contains_key("code"));

    // The routes keep their methods.
    let login = format!("{}authorize/login", tenant.issuer());
    let response = http().get(login).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
    let response = http().post(tenant.authorize_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let response = http()
        .get(format!("{}authorize/other", tenant.issuer()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
