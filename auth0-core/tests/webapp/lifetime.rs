//! Access-token refresh with rotation, one refresh for concurrent requests; rolling and absolute
//! session lifetimes.

use std::sync::Arc;
use std::time::Duration;

use auth0_core::testing::TestTenant;
use auth0_core::webapp::AccessTokenError;

use crate::support::*;

#[tokio::test]
async fn an_expired_access_token_is_refreshed_once_and_the_rotation_kept() {
    let tenant = TestTenant::start().await;
    tenant.set_token_lifetime(Duration::from_secs(120));
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    let handle = load(&app, &jar);
    let first = handle.access_token().await.unwrap();
    let exchanges = tenant.token_requests();

    clock.advance(120);
    // Five concurrent requests of one session find the token expired: one refresh.
    let handles: Vec<_> = (0..5).map(|_| load(&app, &jar)).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for handle in handles.clone() {
        tasks.spawn(async move { handle.access_token().await.map(|t| t.secret().to_owned()) });
    }
    let refreshed: Vec<String> = tasks
        .join_all()
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        tenant.token_requests(),
        exchanges + 1,
        "one refresh for all"
    );
    assert!(refreshed.iter().all(|t| t == &refreshed[0]));
    assert_ne!(refreshed[0], first.secret());

    // The rotated refresh token is written back; the next expiry refreshes with it.
    let cookies: Vec<String> = app
        .finish(&handles[0])
        .iter()
        .map(|c| c.header_value())
        .collect();
    assert!(!cookies.is_empty());
    let spent = jar.clone();
    jar.apply(&cookies);
    clock.advance(120);
    let again = load(&app, &jar).access_token().await.unwrap();
    assert_ne!(again.secret(), refreshed[0]);
    assert_eq!(tenant.token_requests(), exchanges + 2);

    // A copy of the session from before the rotation (a stolen cookie), replayed later: its
    // spent refresh token goes to the tenant, which refuses it, and that session ends.
    clock.advance(120);
    let stale = load(&app, &spent);
    let result = stale.access_token().await;
    assert!(
        matches!(result, Err(AccessTokenError::RefreshRejected)),
        "{result:?}"
    );
    assert!(!stale.is_authenticated());
    assert!(app.finish(&stale).iter().all(|c| c.is_removal()));
}

#[tokio::test]
async fn without_an_audience_or_a_refresh_token_the_session_asks_for_login() {
    let tenant = TestTenant::start().await;
    tenant.set_token_lifetime(Duration::from_secs(60));
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock)
        .scope("openid profile")
        .build()
        .unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    // An audience adds offline_access: the session can refresh.
    let session = load(&app, &jar).session().unwrap();
    assert!(session.has_refresh_token());
    // The same session without its refresh token, once its access token has expired.
    let mut stored = serde_json::to_value(&session).unwrap();
    stored.as_object_mut().unwrap().remove("refresh_token");
    let stored: auth0_core::webapp::Session = serde_json::from_value(stored).unwrap();
    clock.advance(120);
    let handle = app.resume(Some(stored));
    assert!(matches!(
        handle.access_token().await,
        Err(AccessTokenError::Expired)
    ));
    assert!(handle.is_authenticated(), "the session itself stays");
    let app = auth0_core::webapp::WebApp::builder(&tenant.domain(), &tenant.client_id(), BASE)
        .client_secret(tenant.client_secret())
        .secret(SECRET)
        .build()
        .unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    let handle = load(&app, &jar);
    assert!(matches!(
        handle.access_token().await,
        Err(AccessTokenError::Missing)
    ));
}

#[tokio::test]
async fn a_revoked_refresh_token_ends_the_session() {
    let tenant = TestTenant::start().await;
    tenant.set_token_lifetime(Duration::from_secs(60));
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock).build().unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    let stale_jar = jar.clone();
    clock.advance(61);
    let handle = load(&app, &jar);
    handle.access_token().await.unwrap();
    let rotated: Vec<String> = app
        .finish(&handle)
        .iter()
        .map(|c| c.header_value())
        .collect();
    jar.apply(&rotated);
    // Another copy of the old session (a stolen cookie) reuses the spent refresh token: the
    // tenant refuses it and revokes the family; that session ends.
    clock.advance(61);
    let thief = load(&app, &stale_jar);
    // Its refresh token was already spent by the genuine session.
    let result = thief.access_token().await;
    assert!(
        matches!(result, Err(AccessTokenError::RefreshRejected)),
        "{result:?}"
    );
    assert!(!thief.is_authenticated());
    assert!(app.finish(&thief).iter().all(|c| c.is_removal()));
    // Reuse detection revoked the whole family: the genuine session must log in again too.
    clock.advance(61);
    let genuine = load(&app, &jar);
    let result = genuine.access_token().await;
    assert!(
        matches!(result, Err(AccessTokenError::RefreshRejected)),
        "{result:?}"
    );
}

#[tokio::test]
async fn rolling_and_absolute_lifetimes_end_sessions() {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let app = builder(&tenant, &clock)
        .rolling_duration(Duration::from_secs(3_600))
        .absolute_duration(Duration::from_secs(4 * 3_600))
        .build()
        .unwrap();
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    // Used every 50 minutes: the rolling deadline moves (the cookie is rewritten)…
    for _ in 0..4 {
        clock.advance(50 * 60);
        let handle = load(&app, &jar);
        assert!(handle.is_authenticated());
        let cookies: Vec<String> = app
            .finish(&handle)
            .iter()
            .map(|c| c.header_value())
            .collect();
        assert!(
            cookies
                .iter()
                .any(|c| c.starts_with("appSession=") && !c.contains("Max-Age=0"))
        );
        jar.apply(&cookies);
    }
    // …until the absolute limit (4 h from login) ends it.
    clock.advance(50 * 60);
    let handle = load(&app, &jar);
    assert!(!handle.is_authenticated());
    assert!(app.finish(&handle).iter().all(|c| c.is_removal()));

    // Idle past the rolling duration: ended.
    let mut jar = Jar::default();
    log_in(&app, &mut jar).await;
    clock.advance(3_601);
    assert!(!load(&app, &jar).is_authenticated());
}
