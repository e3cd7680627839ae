//! Time: the access token refreshed after it expires (with rotation written back), and the
//! session's rolling and absolute lifetimes, on a clock the test moves.

use std::time::Duration;

use auth0_core::testing::TestTenant;

use crate::harness::{Browser, Options, Server, serve};

#[actix_web::test]
async fn access_token_is_refreshed_after_expiry_and_rotation_is_written_back() {
    let tenant = TestTenant::start().await;
    tenant.set_token_lifetime(Duration::from_secs(300));
    let server = serve(&tenant, Options::default());
    let clock = &server.clock;
    let mut browser = Browser::new(&server.base);
    browser.login().await;
    let info = browser.get_json("/session").await.json();
    assert_eq!(info["has_refresh_token"], true);

    let first = browser.get_json("/token").await;
    assert_eq!(first.status, 200, "{}", first.body);
    let first = first.json();
    let requests = tenant.token_requests();

    // Still valid: the same token, no request to the tenant, nothing written.
    clock.advance(Duration::from_secs(30));
    let same = browser.get_json("/token").await;
    assert_eq!(same.json()["token"], first["token"]);
    assert!(same.set_cookies.is_empty(), "{:?}", same.set_cookies);
    assert_eq!(tenant.token_requests(), requests);

    // Within a minute of its expiry: refreshed, and the session (with the rotated refresh
    // token) written back.
    clock.advance(Duration::from_secs(250));
    let cookie_before = browser.jar["appSession"].clone();
    let refreshed = browser.get_json("/token").await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let refreshed_json = refreshed.json();
    assert_ne!(refreshed_json["token"], first["token"]);
    assert!(refreshed_json["expires_at"].as_i64() > first["expires_at"].as_i64());
    assert_eq!(tenant.token_requests(), requests + 1);
    assert!(
        refreshed.cookie("appSession").is_some(),
        "{:?}",
        refreshed.set_cookies
    );
    assert_ne!(browser.jar["appSession"], cookie_before);

    // The written-back session holds the new token: no further refresh.
    let again = browser.get_json("/token").await;
    assert_eq!(again.json()["token"], refreshed_json["token"]);
    assert_eq!(tenant.token_requests(), requests + 1);

    // A refresh in a handler that then fails still reaches the browser; likewise when an inner
    // middleware turns the answer into an error.
    let mut previous = refreshed_json["token"].clone();
    for (path, status, refreshes) in [
        ("/token-then-fail", 500, 2),
        ("/token-then-middleware-error", 502, 3),
    ] {
        clock.advance(Duration::from_secs(300));
        let failed = browser.get_json(path).await;
        assert_eq!(failed.status, status, "{path}");
        assert!(
            failed.cookie("appSession").is_some(),
            "{path}: {:?}",
            failed.set_cookies
        );
        assert_eq!(tenant.token_requests(), requests + refreshes, "{path}");
        let after = browser.get_json("/token").await;
        assert_eq!(after.status, 200, "{path}: {}", after.body);
        let token = after.json()["token"].clone();
        assert_ne!(token, previous, "{path}");
        assert_eq!(tenant.token_requests(), requests + refreshes, "{path}");
        previous = token;
    }

    // A copy of the session from before the first refresh holds a spent refresh token: the
    // tenant refuses it, and the copy is logged out.
    clock.advance(Duration::from_secs(31));
    let mut stale = browser.at(&server.base);
    stale.jar.insert("appSession".into(), cookie_before);
    let replayed = stale.get_json("/token").await;
    assert_eq!(replayed.status, 401, "{}", replayed.body);
    assert!(
        replayed.json()["error"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{}",
        replayed.body
    );
    assert!(replayed.removes("appSession"), "{:?}", replayed.set_cookies);
    assert_eq!(tenant.token_requests(), requests + 4);
    assert_eq!(stale.get_json("/whoami").await.status, 401);
}

/// Alice logged in on a new server whose sessions end after an hour idle, and two hours after
/// login however active: the tenant, the server and the browser.
async fn logged_in_for_one_hour_idle_two_at_most() -> (TestTenant, Server, Browser) {
    let tenant = TestTenant::start().await;
    let server = serve(
        &tenant,
        Options {
            rolling: Some(Duration::from_secs(3_600)),
            absolute: Some(Duration::from_secs(7_200)),
            ..Options::default()
        },
    );
    let mut browser = Browser::new(&server.base);
    browser.login().await;
    (tenant, server, browser)
}

#[actix_web::test]
async fn rolling_expiry_ends_idle_sessions() {
    let (_tenant, server, mut browser) = logged_in_for_one_hour_idle_two_at_most().await;
    let clock = &server.clock;

    // Used within the hour: the deadline moves (the cookie is written again).
    clock.advance(Duration::from_secs(50 * 60));
    let used = browser.get_json("/whoami").await;
    assert_eq!(used.status, 200);
    let rewritten = used
        .cookie("appSession")
        .expect("the moved deadline written back");
    assert!(!rewritten.contains("Max-Age=0"));
    clock.advance(Duration::from_secs(50 * 60));
    assert_eq!(
        browser.get_json("/whoami").await.status,
        200,
        "100 min after login"
    );

    // Idle for more than an hour: logged out, the cookie removed.
    clock.advance(Duration::from_secs(61 * 60));
    let idle = browser.get_json("/whoami").await;
    assert_eq!(idle.status, 401);
    assert!(idle.removes("appSession"), "{:?}", idle.set_cookies);
}

#[actix_web::test]
async fn absolute_expiry_ends_active_sessions() {
    let (_tenant, server, mut browser) = logged_in_for_one_hour_idle_two_at_most().await;
    let clock = &server.clock;
    for minutes in [40, 80, 119] {
        clock.set_unix(clock_start(&browser, &server.base).await + minutes * 60);
        assert_eq!(
            browser.get_json("/whoami").await.status,
            200,
            "{minutes} min after login"
        );
    }
    clock.advance(Duration::from_secs(2 * 60));
    let ended = browser.get_json("/whoami").await;
    assert_eq!(
        ended.status, 401,
        "past the absolute lifetime, however active"
    );
    assert!(ended.removes("appSession"), "{:?}", ended.set_cookies);
}

/// When the session began (`created_at`).
async fn clock_start(browser: &Browser, base: &str) -> i64 {
    let mut probe = browser.at(base);
    probe.get_json("/session").await.json()["created_at"]
        .as_i64()
        .unwrap()
}
