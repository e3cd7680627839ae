//! The security rules: single-use state, tampering, denied logins, forged / truncated /
//! oversized cookies, open redirects, a new session identity at login.

use std::sync::Arc;

use auth0_core::testing::TestTenant;
use auth0_core::webapp::WebRequest;

use crate::support::*;

#[tokio::test]
async fn state_is_single_use_and_must_match() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    let (start, _) = request(&app, &mut jar, "GET", "/login", &[]).await;
    let callback = local(
        &tenant_login(
            start.location.as_deref().unwrap(),
            "alice@example.com",
            "alice-password",
            "login",
        )
        .await,
    );

    // Tampered state: refused before anything is exchanged; the transaction is then gone.
    let before = jar.clone();
    let tampered = callback.replace("state=", "state=x");
    let (refused, _) = request(&app, &mut jar, "GET", &tampered, &[]).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("state parameter does not match"),
        "{}",
        refused.body
    );

    // The genuine callback with the original cookie works once…
    let mut replay_jar = before.clone();
    let mut jar = before;
    let (done, _) = request(&app, &mut jar, "GET", &callback, &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    // …and a replay of the same URL with the same cookie is refused.
    let (replayed, handle) = request(&app, &mut replay_jar, "GET", &callback, &[]).await;
    assert_eq!(replayed.status, 400);
    assert!(replayed.body.contains("already used"), "{}", replayed.body);
    assert!(!handle.is_authenticated());

    // No transaction cookie at all.
    let (orphan, _) = request(&app, &mut Jar::default(), "GET", &callback, &[]).await;
    assert_eq!(orphan.status, 400);
    assert!(orphan.body.contains("no login in progress"));
}

#[tokio::test]
async fn denied_login_shows_an_error_page() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    let (start, _) = request(&app, &mut jar, "GET", "/login", &[]).await;
    let callback = tenant_login(start.location.as_deref().unwrap(), "", "", "deny").await;
    let (denied, handle) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
    assert_eq!(denied.status, 403);
    assert!(
        denied.body.contains("<h1 id=\"title\">Access denied</h1>"),
        "{}",
        denied.body
    );
    assert!(denied.body.contains("access_denied"));
    assert!(!handle.is_authenticated());
    assert_eq!(jar.transactions(), 0, "the transaction cookie is removed");
}

#[tokio::test]
async fn forged_truncated_and_oversized_cookies_are_refused_without_panic() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    let genuine = jar.0["appSession"].clone();
    let flipped = {
        let mut bytes = genuine.clone().into_bytes();
        bytes[20] = if bytes[20] == b'A' { b'B' } else { b'A' };
        String::from_utf8(bytes).unwrap()
    };
    let cases = [
        format!("appSession={}", &genuine[..genuine.len() / 2]),
        format!("appSession={flipped}"),
        format!("appSession={}", "A".repeat(5_000)),
        format!("appSession.0={}; appSession.11=x", "A".repeat(100)),
        format!("appSession={genuine}; appSession={genuine}"),
        "appSession=%%%; other=1".to_owned(),
        format!("appSession={}", "\u{7f}".repeat(10)),
    ];
    for cookie in cases {
        let handle =
            app.load(&WebRequest::new("GET", "/", None).header("cookie", cookie.as_bytes()));
        assert!(
            !handle.is_authenticated(),
            "{}",
            &cookie[..cookie.len().min(40)]
        );
        let removals = app.finish(&handle);
        assert!(!removals.is_empty() && removals.iter().all(|c| c.is_removal()));
    }
    // A forged transaction cookie at the callback: a clear 400.
    let mut forged = Jar::default();
    let state = "y".repeat(43);
    forged.0.insert(
        format!("auth_verification_{}", &state[..16]),
        "A".repeat(80),
    );
    let callback = format!("/callback?code=x&state={state}");
    let (answer, _) = request(&app, &mut forged, "GET", &callback, &[]).await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("login cookie is invalid"));
}

#[tokio::test]
async fn return_to_cannot_leave_the_application() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    for evil in [
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example%2F",
        "%2F%5Cevil.example",
        "javascript%3Aalert(1)",
    ] {
        let mut jar = Jar::default();
        let (start, _) = request(
            &app,
            &mut jar,
            "GET",
            &format!("/login?returnTo={evil}"),
            &[],
        )
        .await;
        let callback = tenant_login(
            start.location.as_deref().unwrap(),
            "alice@example.com",
            "alice-password",
            "login",
        )
        .await;
        let (done, _) = request(&app, &mut jar, "GET", &local(&callback), &[]).await;
        assert_eq!(done.location.as_deref(), Some("/"), "{evil}");
    }
}

#[tokio::test]
async fn login_issues_a_new_session_identity() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    let first = load(&app, &jar).session().unwrap();
    // Logging in again over an existing session (or one planted by an attacker) replaces it.
    log_in(&app, &mut jar).await;
    let second = load(&app, &jar).session().unwrap();
    assert_ne!(first.id(), second.id());
    assert_eq!(first.id().len(), 43);
}
