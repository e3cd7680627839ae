//! The session cookie: forged, truncated, oversized and mixed-up cookies mean "logged out" and
//! are removed; a large session is chunked; secrets rotate; the handler's own cookies stay.

use auth0_core::testing::{TestTenant, TestUser};
use serde_json::json;

use crate::harness::{Browser, Options, SECRET, clock, logged_in, serve};

/// A logged-out answer that removes `names`, never a 500.
async fn logged_out(browser: &mut Browser, names: &[&str]) {
    let answer = browser.get_json("/whoami").await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    for name in names {
        assert!(answer.removes(name), "{name}: {:?}", answer.set_cookies);
    }
    assert!(browser.jar.is_empty(), "{:?}", browser.jar);
}

#[actix_web::test]
async fn unusable_session_cookies_log_out_and_are_removed() {
    let (_tenant, server, mut alice) = logged_in().await;
    let sealed = alice.jar["appSession"].clone();
    // A new browser holding just `cookies`.
    let holding = |cookies: &[(&str, &str)]| {
        let mut browser = Browser::new(&server.base);
        for (name, value) in cookies {
            browser.jar.insert((*name).to_owned(), (*value).to_owned());
        }
        browser
    };

    // Forged: one character changed.
    let mut bytes = sealed.clone().into_bytes();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(bytes).unwrap();
    logged_out(&mut holding(&[("appSession", &forged)]), &["appSession"]).await;

    // Truncated.
    let truncated = &sealed[..sealed.len() / 2];
    logged_out(&mut holding(&[("appSession", truncated)]), &["appSession"]).await;

    // Garbage and empty.
    for value in ["garbage", "", "%%%%", "a.b.c"] {
        logged_out(&mut holding(&[("appSession", value)]), &["appSession"]).await;
    }

    // Oversized: one cookie past the chunk size, or too many chunks.
    let oversized = "A".repeat(5_000);
    logged_out(&mut holding(&[("appSession", &oversized)]), &["appSession"]).await;
    logged_out(&mut holding(&[("appSession.10", "A")]), &["appSession.10"]).await;

    // A gap in the chunks, and a whole cookie next to chunks.
    for names in [
        ["appSession.0", "appSession.2"],
        ["appSession", "appSession.0"],
    ] {
        let mut browser = holding(&[(names[0], &sealed), (names[1], "A")]);
        logged_out(&mut browser, &names).await;
    }

    // A guarded page still redirects to login, and optional pages still answer.
    let garbage = [("appSession", "garbage")];
    assert_eq!(holding(&garbage).get("/page").await.status, 302);
    assert_eq!(
        holding(&garbage).get("/").await.json(),
        json!({ "user": null })
    );

    // The genuine cookie still works.
    assert_eq!(alice.get_json("/whoami").await.status, 200);
}

#[actix_web::test]
async fn session_cookie_sealed_with_another_secret_is_refused() {
    let tenant = TestTenant::start().await;
    let first = serve(&tenant, Options::default());
    let other = serve(
        &tenant,
        Options {
            secrets: vec!["another-secret-0123456789abcdefghijklmnop".into()],
            ..Options::default()
        },
    );
    let mut browser = Browser::new(&first.base);
    browser.login().await;
    let mut elsewhere = browser.at(&other.base);
    logged_out(&mut elsewhere, &["appSession"]).await;
}

#[actix_web::test]
async fn non_utf8_cookie_headers_are_skipped() {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());
    let client = reqwest::Client::new();
    let answer = client
        .get(format!("{}/whoami", server.base))
        .header(
            "cookie",
            reqwest::header::HeaderValue::from_bytes(b"appSession=\xff\xfe").unwrap(),
        )
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
}

#[actix_web::test]
async fn large_sessions_are_chunked_and_read_back() {
    let big_name = format!("Carol {}", "Example-".repeat(350));
    let tenant = TestTenant::builder()
        .user(TestUser::new("carol@example.com", "carol-password").with_name(big_name.clone()))
        .start()
        .await;
    let server = serve(&tenant, Options::default());
    let mut browser = Browser::new(&server.base);
    let done = browser
        .login_as("carol@example.com", "carol-password")
        .await;
    assert_eq!(done.status, 302, "{}", done.body);
    let chunks = done.sets();
    assert!(chunks.len() >= 2, "{chunks:?}");
    assert!(
        chunks.iter().all(|n| n.starts_with("appSession.")),
        "{chunks:?}"
    );
    for cookie in &done.set_cookies {
        assert!(cookie.len() < 4_096, "{} bytes", cookie.len());
        if cookie.starts_with("appSession.") {
            assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        }
    }
    let me = browser.get_json("/whoami").await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["name"], big_name);

    // Logging in as alice (a small session) replaces the chunks with one cookie.
    let done = browser.login().await;
    assert_eq!(done.sets(), ["appSession"]);
    for chunk in &chunks {
        assert!(done.removes(chunk), "{chunk}: {:?}", done.set_cookies);
    }
    assert_eq!(browser.jar.keys().collect::<Vec<_>>(), ["appSession"]);
    assert_eq!(
        browser.get_json("/whoami").await.json()["name"],
        "Alice Example"
    );
}

#[actix_web::test]
async fn secrets_rotate_without_logging_users_out() {
    let tenant = TestTenant::start().await;
    let clock = clock();
    let old = SECRET.to_owned();
    let new = "the-new-session-secret-0123456789abcdefghij".to_owned();
    let with = |secrets: Vec<String>| Options {
        secrets,
        clock: clock.clone(),
        ..Options::default()
    };
    let before = serve(&tenant, with(vec![old.clone()]));
    let rotating = serve(&tenant, with(vec![new.clone(), old.clone()]));
    let after = serve(&tenant, with(vec![new.clone()]));

    let mut browser = Browser::new(&before.base);
    browser.login().await;
    let sealed_with_old = browser.jar["appSession"].clone();

    // The new list still opens the old secret's cookie.
    let mut rotated = browser.at(&rotating.base);
    assert_eq!(rotated.get_json("/whoami").await.status, 200);
    // Once the session is written again (its rolling deadline moves a minute later), it is
    // sealed with the new secret, which the list without the old one opens.
    clock.advance(std::time::Duration::from_secs(61));
    let touched = rotated.get_json("/whoami").await;
    assert_eq!(touched.status, 200);
    assert!(
        touched.cookie("appSession").is_some(),
        "{:?}",
        touched.set_cookies
    );
    assert_ne!(rotated.jar["appSession"], sealed_with_old);
    let mut later = rotated.at(&after.base);
    assert_eq!(
        later.get_json("/whoami").await.json()["name"],
        "Alice Example"
    );

    // The old secret's cookie is refused once the old secret is gone.
    let mut stale = browser.at(&after.base);
    logged_out(&mut stale, &["appSession"]).await;
}

#[actix_web::test]
async fn the_handlers_own_cookies_are_kept() {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());
    let mut browser = Browser::new(&server.base);
    browser.jar.insert("appSession".into(), "garbage".into());
    let answer = browser.get("/own-cookie").await;
    assert_eq!(answer.status, 200);
    assert!(answer.cookie("theme").is_some(), "{:?}", answer.set_cookies);
    assert!(answer.removes("appSession"), "{:?}", answer.set_cookies);
}
