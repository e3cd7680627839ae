//! The session's life: chunked past 4 KB, the access token refreshed after expiry, and the
//! rolling and absolute lifetimes, on a test clock (nothing sleeps).

use std::time::Duration;

use auth0_core::testing::{TestTenant, TestUser};

use crate::support::{Browser, logged_in_with, start};

#[tokio::test]
async fn a_session_past_4_kb_is_chunked_and_read_back() {
    let long_name = format!("Carol {}", "Example-".repeat(600));
    let tenant = TestTenant::builder()
        .user(TestUser::new("carol@example.com", "carol-password").with_name(long_name.clone()))
        .start()
        .await;
    let app = start(&tenant, |b| b).await;
    let mut browser = Browser::new(&app);
    let done = browser
        .log_in_as("carol@example.com", "carol-password")
        .await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(
        done.cookie("appSession").is_none(),
        "{:?}",
        done.set_cookies
    );
    let chunks: Vec<&String> = done
        .set_cookies
        .iter()
        .filter(|c| c.starts_with("appSession."))
        .collect();
    assert!(chunks.len() >= 2, "{chunks:?}");
    for chunk in &chunks {
        assert!(chunk.len() < 4096, "{} bytes", chunk.len());
        assert!(chunk.contains("HttpOnly") && chunk.contains("SameSite=Lax"));
    }
    let profile = browser.api("/profile").await;
    assert_eq!(profile.status, 200, "{}", profile.body);
    assert_eq!(profile.json()["name"], long_name.as_str());

    // A missing chunk is an unreadable session: logged out, every chunk removed.
    let mut broken = browser.clone();
    broken.jar.remove("appSession.1");
    let refused = broken.api("/profile").await;
    assert_eq!(refused.status, 401);
    assert!(broken.jar.is_empty(), "{:?}", broken.jar);

    // Logout removes them all.
    let logout = browser.log_out().await;
    assert_eq!(logout.status, 302);
    for chunk in &chunks {
        let name = chunk.split('=').next().unwrap();
        assert!(logout.removes(name), "{name}: {:?}", logout.set_cookies);
    }
    assert!(browser.jar.is_empty(), "{:?}", browser.jar);
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_with_rotation_and_written_back() {
    let tenant = TestTenant::start().await;
    tenant.set_token_lifetime(Duration::from_secs(600));
    let app = start(&tenant, |b| b).await;
    let mut browser = Browser::new(&app);
    browser.log_in().await;
    let exchanges = tenant.token_requests();

    let first = browser.api("/token").await;
    let first_token = first.json()["token"].as_str().unwrap().to_owned();
    assert!(
        first.cookie("appSession").is_none(),
        "nothing to write back"
    );
    assert_eq!(tenant.token_requests(), exchanges);

    app.clock.advance(Duration::from_secs(601));
    let second = browser.api("/token").await;
    let second_token = second.json()["token"].as_str().unwrap().to_owned();
    assert_ne!(second_token, first_token);
    assert_eq!(tenant.token_requests(), exchanges + 1, "one refresh");
    let rewritten = second
        .cookie("appSession")
        .expect("the session written back");
    assert!(!rewritten.contains("Max-Age=0"));

    // The cookie carries the rotated refresh token: the next refresh spends it.
    assert_eq!(
        browser.api("/token").await.json()["token"],
        second_token.as_str()
    );
    app.clock.advance(Duration::from_secs(601));
    let third = browser.api("/token").await;
    let third_token = third.json()["token"].as_str().unwrap().to_owned();
    assert_ne!(third_token, second_token);
    assert_eq!(tenant.token_requests(), exchanges + 2);
    assert_eq!(browser.api("/profile").await.status, 200);
}

#[tokio::test]
async fn an_idle_session_ends_after_the_rolling_duration() {
    let (_tenant, app, mut browser) = logged_in_with(|b| {
        b.rolling_duration(Duration::from_secs(3600))
            .absolute_duration(Duration::from_secs(3 * 3600))
    })
    .await;

    // Each use moves the deadline: 59 minutes apart, twice, is still logged in.
    for _ in 0..2 {
        app.clock.advance(Duration::from_secs(59 * 60));
        let used = browser.api("/profile").await;
        assert_eq!(used.status, 200);
        assert!(
            used.cookie("appSession").is_some(),
            "the new deadline is written back"
        );
    }
    // Idle past an hour: gone, and the cookie removed.
    let stale = browser.clone();
    app.clock.advance(Duration::from_secs(61 * 60));
    let expired = browser.api("/profile").await;
    assert_eq!(expired.status, 401);
    assert!(expired.removes("appSession"));
    let mut replay = stale;
    assert_eq!(replay.api("/profile").await.status, 401);
}

#[tokio::test]
async fn an_active_session_ends_at_the_absolute_duration() {
    let (_tenant, app, mut browser) = logged_in_with(|b| {
        b.rolling_duration(Duration::from_secs(3600))
            .absolute_duration(Duration::from_secs(2 * 3600))
    })
    .await;
    for _ in 0..2 {
        app.clock.advance(Duration::from_secs(50 * 60));
        assert_eq!(browser.api("/profile").await.status, 200);
    }
    // 150 minutes after login, used every 50: past the absolute two hours.
    app.clock.advance(Duration::from_secs(50 * 60));
    let ended = browser.api("/profile").await;
    assert_eq!(ended.status, 401);
    assert!(ended.removes("appSession"));
}
