//! `/logout`: local session ended, the tenant's too; cross-site requests cannot trigger it.

use std::sync::Arc;

use auth0_core::testing::TestTenant;
use auth0_core::webapp::{LogoutMode, WebRequest};

use crate::support::*;

#[tokio::test]
async fn logout_goes_through_auth0_v2_logout() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    let (out, _) = request(
        &app,
        &mut jar,
        "POST",
        "/logout?returnTo=%2Fbye",
        &[("origin", BASE)],
    )
    .await;
    assert_eq!(out.status, 302);
    let location = out.location.unwrap();
    assert!(
        location.starts_with(&format!("{}v2/logout?", tenant.issuer())),
        "{location}"
    );
    let params = query(&location);
    assert_eq!(params["client_id"], tenant.client_id());
    assert_eq!(params["returnTo"], format!("{BASE}/bye"));
    assert!(!load(&app, &jar).is_authenticated());
    // The tenant accepts it and sends the browser back.
    let back = http().get(&location).send().await.unwrap();
    assert_eq!(back.status(), 302);
    assert_eq!(back.headers()["location"], format!("{BASE}/bye").as_str());
}

#[tokio::test]
async fn oidc_logout_uses_the_discovered_end_session_endpoint() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock)
        .logout_mode(LogoutMode::OidcEndSession)
        .build()
        .unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    let (out, _) = request(
        &app,
        &mut jar,
        "GET",
        "/logout",
        &[("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(out.status, 302);
    let location = out.location.unwrap();
    assert!(
        location.starts_with(&format!("{}oidc/logout?", tenant.issuer())),
        "{location}"
    );
    let params = query(&location);
    assert_eq!(params["post_logout_redirect_uri"], format!("{BASE}/"));
    assert_eq!(params["id_token_hint"].split('.').count(), 3);
    let back = http().get(&location).send().await.unwrap();
    assert_eq!(back.status(), 302);
}

#[tokio::test]
async fn cross_site_requests_cannot_log_out() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "http://sub.127.0.0.1:3000"),
        ],
    ] {
        let (refused, _) = request(&app, &mut jar, "POST", "/logout", &headers).await;
        assert_eq!(refused.status, 403, "{headers:?}");
        assert!(load(&app, &jar).is_authenticated());
    }
    // A GET the browser does not mark as same-origin (a link from another site, an <img>):
    // only a confirmation page with a same-origin POST form.
    for headers in [vec![], vec![("sec-fetch-site", "cross-site")]] {
        let (confirm, _) = request(&app, &mut jar, "GET", "/logout", &headers).await;
        assert_eq!(confirm.status, 200);
        assert!(confirm.body.contains("method=\"post\""), "{}", confirm.body);
        assert!(load(&app, &jar).is_authenticated());
    }
    let (out, _) = request(
        &app,
        &mut jar,
        "GET",
        "/logout",
        &[("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(out.status, 302);
    assert!(!load(&app, &jar).is_authenticated());
}

#[tokio::test]
async fn local_logout_stays_on_the_application() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock)
        .logout_mode(LogoutMode::Local)
        .build()
        .unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    let (out, _) = request(
        &app,
        &mut jar,
        "POST",
        "/logout?returnTo=https%3A%2F%2Fevil.example",
        &[],
    )
    .await;
    assert_eq!(out.location.as_deref(), Some("/"));
    assert!(!load(&app, &jar).is_authenticated());
    assert_eq!(tenant.logout_requests(), 0);
}

#[tokio::test]
async fn logging_out_without_a_session_leaves_server_side_data_alone() {
    use auth0_core::webapp::{SessionStorage, StorageChange};
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock)
        .session_storage(SessionStorage::Server)
        .build()
        .unwrap();
    let handle = app.resume(None);
    let request = WebRequest::new("POST", "/logout", None).header("origin", BASE.as_bytes());
    let answer = app
        .respond(app.route("/logout").unwrap(), &request, &handle)
        .await;
    assert_eq!(answer.status(), 302);
    assert!(matches!(handle.storage_change(), StorageChange::Unchanged));
    assert!(app.finish(&handle).is_empty());
}
