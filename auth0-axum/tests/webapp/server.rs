//! Server-side sessions (`SessionStorage::Server`) in tower-sessions: its `MemoryStore`, and
//! `tower-sessions-redis-store` against a real `redis-server` shared by two instances of the
//! application (a fleet).

use std::time::Duration;

use auth0_core::testing::{ALICE_SUB, TestTenant};
use test_support::redis::Redis;
use tower_sessions::MemoryStore;
use tower_sessions_redis_store::RedisStore;
use tower_sessions_redis_store::fred::prelude::{ClientLike, Config, Pool};

use crate::support::{Browser, start_server};

/// The tower-sessions cookie.
const ID: &str = "id";

#[tokio::test]
async fn the_memory_store_keeps_the_session_and_cycles_its_id_at_login() {
    let tenant = TestTenant::start().await;
    tenant.set_token_lifetime(Duration::from_secs(600));
    let app = start_server(&tenant, MemoryStore::default()).await;
    let mut browser = Browser::new(&app);

    // A visitor's anonymous session, before logging in.
    assert_eq!(browser.page("/visit").await.status, 200);
    let planted = browser.jar[ID].clone();

    let done = browser.log_in().await;
    let cookie = done.cookie(ID).expect("the session id cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_ne!(browser.jar[ID], planted, "a new session id at login");
    assert!(
        done.cookie("appSession").is_none(),
        "{:?}",
        done.set_cookies
    );
    assert!(!browser.jar.keys().any(|k| k.starts_with("appSession")));
    let profile = browser.api("/profile").await;
    assert_eq!(profile.status, 200, "{}", profile.body);
    assert_eq!(profile.json()["sub"], ALICE_SUB);

    // The planted id is not logged in.
    let mut attacker = Browser::new(&app);
    attacker.jar.insert(ID.to_owned(), planted);
    assert_eq!(attacker.api("/profile").await.status, 401);

    // A refresh rotates the stored refresh token.
    let stored = browser.api("/stored").await.json();
    let refresh = stored["refresh_token"].as_str().unwrap().to_owned();
    let token = browser.api("/token").await.json()["token"].clone();
    app.clock.advance(Duration::from_secs(601));
    let refreshed = browser.api("/token").await.json()["token"].clone();
    assert_ne!(refreshed, token);
    let stored = browser.api("/stored").await.json();
    assert_ne!(stored["refresh_token"].as_str().unwrap(), refresh);
    assert_eq!(stored["access_token"]["token"], refreshed);

    // Logout flushes the session: the id cookie is removed and the id is dead.
    let id = browser.jar[ID].clone();
    let logout = browser.log_out().await;
    assert_eq!(logout.status, 302);
    assert!(logout.removes(ID), "{:?}", logout.set_cookies);
    let mut replay = Browser::new(&app);
    replay.jar.insert(ID.to_owned(), id);
    assert_eq!(replay.api("/profile").await.status, 401);
}

#[tokio::test]
async fn server_sessions_expire_on_the_test_clock() {
    let tenant = TestTenant::start().await;
    let clock = std::sync::Arc::new(crate::support::TestClock::default());
    let c = std::sync::Arc::clone(&clock);
    let app = crate::support::serve_with(clock, |base| {
        let web_app = crate::support::builder(&tenant, base, &c)
            .session_storage(auth0_axum::webapp::SessionStorage::Server)
            .rolling_duration(Duration::from_secs(3600))
            .build()
            .unwrap();
        crate::support::server_routes(web_app, MemoryStore::default())
    })
    .await;
    let mut browser = Browser::new(&app);
    browser.log_in().await;
    app.clock.advance(Duration::from_secs(59 * 60));
    assert_eq!(browser.api("/profile").await.status, 200);
    app.clock.advance(Duration::from_secs(61 * 60));
    let expired = browser.api("/profile").await;
    assert_eq!(expired.status, 401);
    assert!(expired.removes(ID), "{:?}", expired.set_cookies);
}

/// A connected pool on `redis`, as each instance of the application has its own.
async fn pool(redis: &Redis) -> Pool {
    let config = Config::from_url(&redis.url()).unwrap();
    let pool = Pool::new(config, None, None, None, 2).unwrap();
    let _connection = pool.init().await.unwrap();
    pool
}

#[tokio::test]
async fn a_fleet_sharing_redis_shares_the_sessions() {
    let Some(redis) = Redis::start("a_fleet_sharing_redis_shares_the_sessions") else {
        return;
    };
    let tenant = TestTenant::start().await;
    let one = start_server(&tenant, RedisStore::new(pool(&redis).await)).await;
    let two = start_server(&tenant, RedisStore::new(pool(&redis).await)).await;

    // A visitor's session on instance one, then a login through instance one.
    let mut browser = Browser::new(&one);
    assert_eq!(browser.page("/visit").await.status, 200);
    let planted = browser.jar[ID].clone();
    browser.log_in().await;
    assert_ne!(
        browser.jar[ID], planted,
        "the session id is cycled at login"
    );

    // Instance two sees the user.
    let mut on_two = browser.switch_to(&two);
    let profile = on_two.api("/profile").await;
    assert_eq!(profile.status, 200, "{}", profile.body);
    assert_eq!(profile.json()["sub"], ALICE_SUB);
    let mut planted_on_two = Browser::new(&two);
    planted_on_two.jar.insert(ID.to_owned(), planted);
    assert_eq!(planted_on_two.api("/profile").await.status, 401);

    // Logout on instance two ends the session on instance one too.
    let logout = on_two.log_out().await;
    assert_eq!(logout.status, 302);
    assert_eq!(browser.api("/profile").await.status, 401);
}
