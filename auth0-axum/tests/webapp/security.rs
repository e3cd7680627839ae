//! Refusals: a replayed or tampered callback, a denied login, unreadable session cookies, and
//! the rotation of the sealing secrets.

use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, TestTenant};

use crate::support::{App, Browser, SECRET_A, SECRET_B, logged_in, start, start_unsealed};

/// A browser sent from `/login` of a new app through the tenant's form, submitted with
/// `action`: the tenant, the app, the browser and the callback URL the tenant sends it to.
async fn at_the_callback(action: &str) -> (TestTenant, App, Browser, String) {
    let tenant = TestTenant::start().await;
    let app = start(&tenant, |b| b).await;
    let mut browser = Browser::new(&app);
    let callback = browser
        .start_login("/login", ALICE_EMAIL, ALICE_PASSWORD, action)
        .await;
    (tenant, app, browser, callback)
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let (_tenant, _app, mut browser, callback) = at_the_callback("login").await;
    let before = browser.clone();
    assert_eq!(browser.page(&callback).await.status, 302);

    // The same callback URL with the same transaction cookie, a second time.
    let mut replay = before;
    let again = replay.page(&callback).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(again.cookie("appSession").is_none());
    assert_eq!(replay.api("/profile").await.status, 401);
}

#[tokio::test]
async fn a_tampered_state_is_refused() {
    let (_tenant, app, mut browser, callback) = at_the_callback("login").await;
    let mut url = url::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "state" {
                (k, format!("{v}x"))
            } else {
                (k, v)
            }
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let refused = browser.page(url.as_str()).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("state"), "{}", refused.body);
    assert!(refused.cookie("appSession").is_none());
    let state = crate::support::query(&callback)["state"].clone();
    assert!(refused.removes(&format!("auth_verification_{}", &state[..16])));
    assert_eq!(browser.api("/profile").await.status, 401);

    // Without the transaction cookie at all.
    let mut stranger = Browser::new(&app);
    assert_eq!(stranger.page(&callback).await.status, 400);
}

#[tokio::test]
async fn a_denied_login_gets_a_403_page() {
    let (_tenant, _app, mut browser, callback) = at_the_callback("deny").await;
    assert_eq!(crate::support::query(&callback)["error"], "access_denied");
    let denied = browser.page(&callback).await;
    assert_eq!(denied.status, 403);
    assert!(denied.body.contains("Access denied"), "{}", denied.body);
    assert!(denied.cookie("appSession").is_none());
    assert_eq!(browser.api("/profile").await.status, 401);
}

#[tokio::test]
async fn unreadable_session_cookies_count_as_logged_out_and_are_removed() {
    let (_tenant, app, mut good) = logged_in().await;
    let sealed = good.jar["appSession"].clone();

    let mut flipped = sealed.clone().into_bytes();
    let last = flipped.len() - 5;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "forged",
            vec![("appSession", "Zm9yZ2VkIHNlc3Npb24gY29va2ll".repeat(4))],
        ),
        (
            "flipped",
            vec![("appSession", String::from_utf8(flipped).unwrap())],
        ),
        (
            "truncated",
            vec![("appSession", sealed[..sealed.len() / 2].to_owned())],
        ),
        ("not base64", vec![("appSession", "%%%!!!".to_owned())]),
        ("oversized", vec![("appSession", "A".repeat(5_000))]),
        ("chunk 10", vec![("appSession.10", sealed.clone())]),
        (
            "gap",
            vec![
                ("appSession.0", sealed.clone()),
                ("appSession.2", sealed.clone()),
            ],
        ),
    ];
    for (name, cookies) in cases {
        // A new browser holding just these cookies.
        let holding = || {
            let mut browser = Browser::new(&app);
            for (cookie, value) in &cookies {
                browser.jar.insert((*cookie).to_owned(), value.clone());
            }
            browser
        };
        let mut browser = holding();
        let api = browser.api("/profile").await;
        assert_eq!(api.status, 401, "{name}: {}", api.body);
        for (cookie, _) in &cookies {
            assert!(api.removes(cookie), "{name}: {:?}", api.set_cookies);
        }
        assert!(browser.jar.is_empty(), "{name}");
        let mut again = holding();
        let home = again.page("/").await;
        assert_eq!(home.status, 200, "{name}");
        assert_eq!(home.json()["user"], serde_json::Value::Null, "{name}");
    }
    // The good cookie still works.
    assert_eq!(good.api("/profile").await.status, 200);
}

#[tokio::test]
async fn rotated_secrets_still_open_sessions_sealed_with_the_old_one() {
    let (tenant, _old, browser) = logged_in().await;

    // Restarted with a new first secret and the old one after it: still logged in.
    let rotated = start_unsealed(&tenant, |b| b.secret(SECRET_B).secret(SECRET_A)).await;
    let mut on_rotated = browser.switch_to(&rotated);
    let profile = on_rotated.api("/profile").await;
    assert_eq!(profile.status, 200, "{}", profile.body);

    // With the old secret dropped: logged out, and the cookie removed.
    let dropped = start_unsealed(&tenant, |b| b.secret(SECRET_B)).await;
    let mut on_dropped = browser.switch_to(&dropped);
    let refused = on_dropped.api("/profile").await;
    assert_eq!(refused.status, 401);
    assert!(refused.removes("appSession"));

    // A session sealed by the rotated app (with B) is read by an app that has only B.
    let mut fresh = Browser::new(&rotated);
    fresh.log_in().await;
    assert_eq!(fresh.switch_to(&dropped).api("/profile").await.status, 200);
}
