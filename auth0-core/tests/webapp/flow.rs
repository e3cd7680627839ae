//! The login road: `/login` → the tenant → `/callback` → a session with verified claims and an
//! access token for the API.

use std::sync::Arc;

use auth0_core::AccessTokenVerifier;
use auth0_core::testing::TestTenant;
use auth0_core::webapp::{LoginOptions, Route, WebRequest};

use crate::support::*;

#[tokio::test]
async fn login_road_gives_a_session_with_verified_claims_and_an_api_token() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();

    let (start, _) = request(
        &app,
        &mut jar,
        "GET",
        "/login?returnTo=%2Fprofile%3Ftab%3D1",
        &[],
    )
    .await;
    assert_eq!(start.status, 302);
    let location = start.location.clone().unwrap();
    assert!(
        location.starts_with(&format!("{}authorize?", tenant.issuer())),
        "{location}"
    );
    let params = query(&location);
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], tenant.client_id());
    assert_eq!(params["redirect_uri"], format!("{BASE}/callback"));
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["code_challenge"].len(), 43);
    assert_eq!(params["scope"], "openid profile email offline_access");
    assert_eq!(params["audience"], tenant.audience());
    assert!(params["state"].len() >= 43 && params["nonce"].len() >= 43);
    assert_ne!(params["state"], params["nonce"]);
    // The transaction cookie: sealed, HttpOnly, Lax, not Secure on loopback http, 10 minutes.
    let transaction = start
        .set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("auth_verification_{}=", &params["state"][..16])))
        .unwrap();
    assert!(transaction.contains("HttpOnly") && transaction.contains("SameSite=Lax"));
    assert!(transaction.contains("Max-Age=600") && !transaction.contains("Secure"));
    assert!(
        !transaction.contains(&params["state"]),
        "the state is sealed, not readable"
    );

    let callback = tenant_login(&location, "alice@example.com", "alice-password", "login").await;
    let (done, _) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/profile?tab=1"));
    assert_eq!(jar.transactions(), 0, "transaction cookie removed");
    let session_cookie = done
        .set_cookies
        .iter()
        .find(|c| c.starts_with("appSession="))
        .unwrap();
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"));

    let cookie = jar.header();
    let handle =
        app.load(&WebRequest::new("GET", "/profile", None).header("cookie", cookie.as_bytes()));
    let session = handle.session().expect("logged in");
    assert_eq!(session.sub(), "auth0|alice");
    assert_eq!(session.claim_str("name"), Some("Alice Example"));
    assert!(session.user().contains_key("auth_time"));
    assert!(session.has_refresh_token());
    let token = handle.access_token().await.unwrap();
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap();
    let claims = verifier.verify(token.secret()).await.unwrap();
    assert_eq!(claims.sub, "auth0|alice");
    // Debug output never shows a token.
    let debug = format!("{session:?} {token:?} {handle:?}");
    assert!(!debug.contains(token.secret()) && !debug.contains(session.id_token()));
}

#[tokio::test]
async fn pushed_authorization_request_sends_only_a_request_uri() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock)
        .pushed_authorization_requests(true)
        .build()
        .unwrap();
    let mut jar = Jar::default();
    let (start, _) = request(&app, &mut jar, "GET", "/login", &[]).await;
    let location = start.location.unwrap();
    let params = query(&location);
    assert_eq!(params.len(), 2, "{params:?}");
    assert!(params["request_uri"].starts_with("urn:ietf:params:oauth:request_uri:"));
    assert_eq!(tenant.par_requests(), 1);
    let callback = tenant_login(&location, "alice@example.com", "alice-password", "login").await;
    let (done, _) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/"));
}

#[tokio::test]
async fn organization_and_max_age_are_asked_and_checked() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    let start = app
        .login(
            &WebRequest::new("GET", "/signup", None),
            LoginOptions::new()
                .organization("org_abc123")
                .max_age(std::time::Duration::from_secs(300))
                .screen_hint("signup")
                .param("ui_locales", "fr")
                .param("state", "attacker-chosen"),
        )
        .await;
    let location = start
        .headers()
        .into_iter()
        .find(|(n, _)| *n == "location")
        .unwrap()
        .1;
    let params = query(&location);
    assert_eq!(params["organization"], "org_abc123");
    assert_eq!(params["max_age"], "300");
    assert_eq!(params["screen_hint"], "signup");
    assert_eq!(params["ui_locales"], "fr");
    assert_ne!(
        params["state"], "attacker-chosen",
        "extra parameters never override the state"
    );
    let cookies: Vec<String> = start.cookies().iter().map(|c| c.header_value()).collect();
    jar.apply(&cookies);
    let callback = tenant_login(&location, "alice@example.com", "alice-password", "login").await;
    let (done, handle) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let session = handle.session().unwrap();
    assert_eq!(session.claim_str("org_id"), Some("org_abc123"));
    assert_eq!(app.route("/callback"), Some(Route::Callback));
}

#[tokio::test]
async fn a_session_over_4_kb_is_chunked_and_read_back() {
    let long_name = "N".repeat(6_000);
    let tenant = TestTenant::builder()
        .user(
            auth0_core::testing::TestUser::new("big@example.com", "big-password")
                .with_name(long_name.clone()),
        )
        .start()
        .await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    let (start, _) = request(&app, &mut jar, "GET", "/login", &[]).await;
    let callback = tenant_login(
        start.location.as_deref().unwrap(),
        "big@example.com",
        "big-password",
        "login",
    )
    .await;
    let (done, _) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let chunks: Vec<&String> = jar
        .0
        .keys()
        .filter(|k| k.starts_with("appSession."))
        .collect();
    assert!(chunks.len() >= 3, "{chunks:?}");
    assert!(done.set_cookies.iter().all(|c| c.len() < 4096));
    let handle = load(&app, &jar);
    assert_eq!(
        handle.session().unwrap().claim_str("name"),
        Some(long_name.as_str())
    );
}

#[tokio::test]
async fn logins_started_in_two_tabs_both_complete() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    let (first, _) = request(&app, &mut jar, "GET", "/login?returnTo=%2Fone", &[]).await;
    let (second, _) = request(&app, &mut jar, "GET", "/login?returnTo=%2Ftwo", &[]).await;
    assert_eq!(jar.transactions(), 2, "each login has its own transaction");

    // The first tab finishes after the second one started.
    let location = first.location.unwrap();
    let callback = tenant_login(&location, "alice@example.com", "alice-password", "login").await;
    let (done, _) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/one"));
    assert_eq!(
        jar.transactions(),
        1,
        "the other tab's login is still under way"
    );

    let location = second.location.unwrap();
    let callback = tenant_login(&location, "alice@example.com", "alice-password", "login").await;
    let (done, handle) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/two"));
    assert_eq!(jar.transactions(), 0);
    assert!(handle.is_authenticated());
}

#[tokio::test]
async fn abandoned_logins_are_bounded_and_the_oldest_forgotten() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    let mut locations = Vec::new();
    for i in 0..6 {
        clock.advance(1);
        let (start, _) = request(
            &app,
            &mut jar,
            "GET",
            &format!("/login?returnTo=%2F{i}"),
            &[],
        )
        .await;
        assert_eq!(start.status, 302);
        locations.push(start.location.unwrap());
        assert_eq!(jar.transactions(), (i + 1).min(4), "after login {i}");
    }
    // A callback for a forgotten login, while others are under way: a state that is not this
    // browser's.
    let callback = tenant_login(
        &locations[0],
        "alice@example.com",
        "alice-password",
        "login",
    )
    .await;
    let (forgotten, _) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
    assert_eq!(forgotten.status, 400, "{}", forgotten.body);
    assert!(
        forgotten.body.contains("does not match"),
        "{}",
        forgotten.body
    );
    assert_eq!(
        jar.transactions(),
        4,
        "a refused callback removes no other login"
    );
    // The newest ones complete.
    let callback = tenant_login(
        &locations[5],
        "alice@example.com",
        "alice-password",
        "login",
    )
    .await;
    let (done, _) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/5"));
    assert_eq!(jar.transactions(), 3);
}

#[tokio::test]
async fn a_callback_without_any_login_under_way_says_so() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    let state = "z".repeat(43);
    let (answer, _) = request(
        &app,
        &mut jar,
        "GET",
        &format!("/callback?code=x&state={state}"),
        &[],
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.body.contains("no login in progress"),
        "{}",
        answer.body
    );
}
