//! The login road, the guard, the optional user, logout and its cross-site refusals.

use auth0_core::testing::{ALICE_EMAIL, ALICE_SUB, BOB_EMAIL, BOB_PASSWORD, TestTenant};
use serde_json::json;

use test_support::webapp::{http, tenant_login};

use crate::support::{Browser, logged_in, query, start};

#[tokio::test]
async fn a_full_login_sets_a_session_cookie_and_the_user_extractor_sees_alice() {
    let tenant = TestTenant::start().await;
    let app = start(&tenant, |b| b).await;
    let mut browser = Browser::new(&app);

    let start = browser.page("/login?returnTo=%2Fprofile").await;
    assert_eq!(start.status, 302);
    let authorize = start.location().to_owned();
    assert!(
        authorize.starts_with(&format!("{}authorize?", tenant.issuer())),
        "{authorize}"
    );
    let params = query(&authorize);
    assert_eq!(params["client_id"], tenant.client_id());
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["redirect_uri"], format!("{}/callback", app.base));
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["code_challenge"].len(), 43);
    assert!(params["state"].len() >= 43 && params["nonce"].len() >= 43);
    assert_ne!(params["state"], params["nonce"]);
    assert!(params["scope"].split(' ').any(|s| s == "openid"));
    // Each login has its own transaction cookie, named after the start of its state.
    let transaction_cookie = format!("auth_verification_{}", &params["state"][..16]);
    let transaction = start
        .cookie(&transaction_cookie)
        .expect("a transaction cookie");
    assert!(transaction.contains("HttpOnly") && transaction.contains("SameSite=Lax"));
    assert!(!transaction.contains("Secure"), "{transaction}");

    let callback = tenant_login(&http(), &authorize, ALICE_EMAIL, "alice-password", "login").await;
    assert!(
        callback.starts_with(&format!("{}/callback?", app.base)),
        "{callback}"
    );
    assert_eq!(query(&callback)["state"], params["state"]);
    let done = browser.page(&callback).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert_eq!(done.location(), "/profile");
    let session = done.cookie("appSession").expect("a session cookie");
    assert!(session.contains("; HttpOnly"), "{session}");
    assert!(session.contains("; SameSite=Lax"), "{session}");
    assert!(
        !session.contains("Secure"),
        "no Secure on loopback http: {session}"
    );
    assert!(session.contains("; Path=/"), "{session}");
    assert!(done.removes(&transaction_cookie));

    let profile = browser.page("/profile").await;
    assert_eq!(profile.status, 200, "{}", profile.body);
    let alice = tenant
        .users()
        .into_iter()
        .find(|u| u.email == ALICE_EMAIL)
        .unwrap();
    assert_eq!(
        profile.json(),
        json!({
            "sub": ALICE_SUB,
            "name": "Alice Example",
            "email": ALICE_EMAIL,
            "picture": alice.picture,
        })
    );
    assert_eq!(
        browser.page("/").await.json(),
        json!({ "user": "Alice Example" })
    );
    assert_eq!(browser.page("/me").await.status, 200);
}

#[tokio::test]
async fn the_guard_redirects_pages_to_login_and_answers_api_requests_401() {
    let tenant = TestTenant::start().await;
    let app = start(&tenant, |b| b).await;
    let mut browser = Browser::new(&app);

    let page = browser.page("/profile?tab=1").await;
    assert_eq!(page.status, 302);
    assert_eq!(page.location(), "/login?returnTo=%2Fprofile%3Ftab%3D1");

    let api = browser.api("/profile").await;
    assert_eq!(api.status, 401);
    assert_eq!(api.json()["error"], "unauthorized");
    let post = browser
        .send("POST", "/profile", &[("accept", "text/html")])
        .await;
    assert_eq!(post.status, 401, "only page GETs are redirected");

    // The extractor alone answers the same way.
    let me = browser.page("/me").await;
    assert_eq!(me.status, 302);
    assert_eq!(me.location(), "/login?returnTo=%2Fme");
    assert_eq!(browser.api("/me").await.status, 401);
    assert_eq!(browser.api("/session").await.status, 401);

    // The redirect's target logs in and comes back to the page.
    let callback = browser
        .start_login(page.location(), ALICE_EMAIL, "alice-password", "login")
        .await;
    let done = browser.page(&callback).await;
    assert_eq!(done.location(), "/profile?tab=1");
    assert_eq!(browser.api("/profile").await.status, 200);
}

#[tokio::test]
async fn the_optional_user_is_none_when_logged_out() {
    let tenant = TestTenant::start().await;
    let app = start(&tenant, |b| b).await;
    let mut browser = Browser::new(&app);
    let home = browser.page("/").await;
    assert_eq!(home.status, 200);
    assert_eq!(home.json(), json!({ "user": null }));
    assert!(home.set_cookies.is_empty(), "{:?}", home.set_cookies);
}

#[tokio::test]
async fn an_open_redirect_in_return_to_lands_on_the_home_page() {
    let tenant = TestTenant::start().await;
    let app = start(&tenant, |b| b).await;
    for target in ["//evil.example", "https://evil.example/", "/\\evil.example"] {
        let mut browser = Browser::new(&app);
        let login = format!(
            "/login?{}",
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("returnTo", target)
                .finish()
        );
        let callback = browser
            .start_login(&login, ALICE_EMAIL, "alice-password", "login")
            .await;
        let done = browser.page(&callback).await;
        assert_eq!(done.status, 302);
        assert_eq!(done.location(), "/", "returnTo={target}");
    }
}

#[tokio::test]
async fn a_login_gives_a_new_session_identity() {
    let tenant = TestTenant::start().await;
    let app = start(&tenant, |b| b).await;
    let mut browser = Browser::new(&app);
    let bob = browser.log_in_as(BOB_EMAIL, BOB_PASSWORD).await;
    assert_eq!(bob.status, 302);
    let before = browser.api("/session").await.json();
    assert_eq!(before["sub"], "auth0|bob");
    let planted = browser.jar["appSession"].clone();

    // alice logs in on the browser that carries bob's session cookie.
    browser.log_in().await;
    assert_ne!(
        browser.jar["appSession"], planted,
        "the session cookie was replaced"
    );
    let after = browser.api("/session").await.json();
    assert_eq!(after["sub"], ALICE_SUB);
    assert_ne!(after["id"], before["id"], "a new session id");
}

#[tokio::test]
async fn logout_by_a_same_origin_post_ends_both_sessions() {
    let (tenant, app, mut browser) = logged_in().await;

    let origin = app.base.clone();
    let logout = browser
        .send("POST", "/logout", &[("origin", &origin)])
        .await;
    assert_eq!(logout.status, 302, "{}", logout.body);
    let location = logout.location().to_owned();
    assert!(
        location.starts_with(&format!("{}v2/logout?", tenant.issuer())),
        "{location}"
    );
    let params = query(&location);
    assert_eq!(params["client_id"], tenant.client_id());
    assert_eq!(params["returnTo"], format!("{}/", app.base));
    assert!(logout.removes("appSession"), "{:?}", logout.set_cookies);
    assert!(!browser.jar.contains_key("appSession"));
    assert_eq!(browser.api("/profile").await.status, 401);

    // The tenant ends its session and sends the browser back.
    let back = http().get(&location).send().await.unwrap();
    assert_eq!(back.status(), 302);
    assert_eq!(
        back.headers()["location"],
        format!("{}/", app.base).as_str()
    );
    assert_eq!(tenant.logout_requests(), 1);

    // Sec-Fetch-Site: same-origin counts as well, and a GET marked so needs no confirmation.
    browser.log_in().await;
    let fetch = browser
        .send("GET", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(fetch.status, 302);
    assert!(fetch.removes("appSession"));
}

#[tokio::test]
async fn a_cross_site_logout_is_refused_and_the_session_kept() {
    let (tenant, app, mut browser) = logged_in().await;
    let origin = app.base.clone();

    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site"), ("origin", origin.as_str())],
    ] {
        let refused = browser.send("POST", "/logout", &headers).await;
        assert_eq!(refused.status, 403, "{headers:?}");
        assert!(refused.cookie("appSession").is_none(), "{headers:?}");
        assert_eq!(browser.api("/profile").await.status, 200, "{headers:?}");
    }
    assert_eq!(tenant.logout_requests(), 0);
}

#[tokio::test]
async fn a_get_logout_without_fetch_metadata_asks_first() {
    let (_tenant, _app, mut browser) = logged_in().await;
    for headers in [vec![], vec![("origin", "https://evil.example")]] {
        let page = browser.send("GET", "/logout", &headers).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("method=\"post\""), "{}", page.body);
        assert!(page.cookie("appSession").is_none());
        assert_eq!(browser.api("/profile").await.status, 200);
    }
}

#[tokio::test]
async fn the_handlers_own_cookies_are_kept_next_to_the_sessions() {
    let (_tenant, _app, mut browser) = logged_in().await;
    let cleared = browser.send("POST", "/clear", &[]).await;
    assert_eq!(cleared.status, 200);
    assert_eq!(cleared.cookie("theme"), Some("theme=dark; Path=/"));
    assert!(cleared.removes("appSession"), "{:?}", cleared.set_cookies);
    assert_eq!(browser.api("/profile").await.status, 401);
}
