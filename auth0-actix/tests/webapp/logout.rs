//! `/logout`: same-origin requests end the local session and the tenant's; cross-site ones are
//! refused or asked to confirm.

use crate::harness::{logged_in, query};

#[actix_web::test]
async fn same_origin_logout_ends_both_sessions() {
    let (tenant, server, mut browser) = logged_in().await;

    let out = browser
        .send("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(out.status, 302, "{}", out.body);
    let location = out.location.clone().unwrap();
    assert!(location.starts_with(&tenant.logout_url()), "{location}");
    let params = query(&location);
    assert_eq!(params["client_id"], tenant.client_id());
    assert_eq!(params["returnTo"], format!("{}/", server.base));
    assert!(out.removes("appSession"), "{:?}", out.set_cookies);
    assert!(browser.jar.is_empty());

    // The tenant sends the browser back to the app, logged out.
    let back = browser.get(&location).await;
    assert_eq!(back.status, 302);
    assert_eq!(
        back.location.as_deref(),
        Some(&*format!("{}/", server.base))
    );
    assert_eq!(tenant.logout_requests(), 1);
    assert_eq!(browser.get_json("/whoami").await.status, 401);

    // With the same `Origin` instead of `Sec-Fetch-Site`, and a local returnTo.
    browser.login().await;
    let origin = server.base.clone();
    let out = browser
        .send("POST", "/logout?returnTo=%2Fpage", &[("origin", &origin)])
        .await;
    assert_eq!(out.status, 302);
    let params = query(out.location.as_deref().unwrap());
    assert_eq!(params["returnTo"], format!("{}/page", server.base));
    assert!(out.removes("appSession"));
}

#[actix_web::test]
async fn logout_return_to_elsewhere_goes_home() {
    let (_tenant, server, mut browser) = logged_in().await;
    let out = browser
        .send(
            "POST",
            "/logout?returnTo=%2F%2Fevil.example",
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(out.status, 302);
    let params = query(out.location.as_deref().unwrap());
    assert_eq!(params["returnTo"], format!("{}/", server.base));
}

#[actix_web::test]
async fn cross_site_logout_is_refused_and_the_session_kept() {
    let (tenant, _server, mut browser) = logged_in().await;

    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
    ] {
        let refused = browser.send("POST", "/logout", &headers).await;
        assert_eq!(refused.status, 403, "{headers:?}");
        assert!(refused.set_cookies.is_empty(), "{:?}", refused.set_cookies);
        assert_eq!(browser.get_json("/whoami").await.status, 200, "{headers:?}");
    }
    assert_eq!(tenant.logout_requests(), 0);
}

#[actix_web::test]
async fn logout_get_without_fetch_metadata_asks_first() {
    let (_tenant, _server, mut browser) = logged_in().await;

    let page = browser.get("/logout").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<form method=\"post\""), "{}", page.body);
    assert!(page.set_cookies.is_empty());
    assert_eq!(browser.get_json("/whoami").await.status, 200);
    let cross = browser
        .send("GET", "/logout", &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(cross.status, 200);
    assert_eq!(browser.get_json("/whoami").await.status, 200);

    // A navigation the browser marks as the user's own (typed, bookmarked) logs out.
    let typed = browser
        .send("GET", "/logout", &[("sec-fetch-site", "none")])
        .await;
    assert_eq!(typed.status, 302);
    assert!(typed.removes("appSession"));
    assert_eq!(browser.get_json("/whoami").await.status, 401);
}

#[actix_web::test]
async fn local_clear_logs_out_of_the_app_only() {
    let (tenant, _server, mut browser) = logged_in().await;
    let cleared = browser.send("POST", "/clear", &[]).await;
    assert_eq!(cleared.status, 200);
    assert!(cleared.removes("appSession"), "{:?}", cleared.set_cookies);
    assert_eq!(browser.get_json("/whoami").await.status, 401);
    assert_eq!(tenant.logout_requests(), 0);
}
