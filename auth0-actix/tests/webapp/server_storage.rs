//! Server-side sessions (`SessionStorage::Server`) in actix-session: its Redis store shared by
//! two instances of the app, the session id renewed at login and purged at logout, and the
//! misconfigurations (no session middleware) answered with 500.

use actix_session::storage::RedisSessionStore;
use actix_web::cookie::Key;
use auth0_actix::webapp::SessionStorage;
use auth0_core::testing::TestTenant;
use serde_json::json;
use test_support::redis::Redis;

use crate::harness::{Browser, Layer, Options, serve};

/// actix-session's default cookie name.
const ID_COOKIE: &str = "id";

#[actix_web::test]
async fn two_instances_share_sessions_in_redis() {
    let Some(redis) = Redis::start("two_instances_share_sessions_in_redis") else {
        return;
    };
    let tenant = TestTenant::start().await;
    let store = RedisSessionStore::new(redis.url()).await.unwrap();
    let key = Key::generate();
    let options = Options {
        storage: SessionStorage::Server,
        layer: Layer::Redis(store, key),
        ..Options::default()
    };
    let one = serve(&tenant, options.clone());
    let two = serve(&tenant, options);

    // A visitor with a session before login (a planted or anonymous session id).
    let mut browser = Browser::new(&one.base);
    let visit = browser.get_json("/visit").await;
    assert_eq!(visit.json(), json!({ "visits": 1 }));
    let before_login = browser.jar[ID_COOKIE].clone();
    assert_eq!(
        browser.get_json("/visit").await.json(),
        json!({ "visits": 2 })
    );

    let done = browser.login().await;
    assert!(
        done.cookie("appSession").is_none(),
        "{:?}",
        done.set_cookies
    );
    let id_cookie = done.cookie(ID_COOKIE).expect("a renewed session id");
    assert!(id_cookie.contains("HttpOnly"), "{id_cookie}");
    let after_login = browser.jar[ID_COOKIE].clone();
    assert_ne!(
        before_login, after_login,
        "the session id is renewed at login"
    );
    // The session's other data moved with it.
    assert_eq!(
        browser.get_json("/visit").await.json(),
        json!({ "visits": 3 })
    );

    // The old id is dead: whoever planted it is not logged in.
    let mut planted = Browser::new(&one.base);
    planted.jar.insert(ID_COOKIE.into(), before_login);
    assert_eq!(planted.get_json("/whoami").await.status, 401);

    // The other instance sees the user, and the token.
    let mut other = browser.at(&two.base);
    let me = other.get_json("/whoami").await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["name"], "Alice Example");
    assert_eq!(other.get_json("/token").await.status, 200);

    // Logout on the other instance ends it on both.
    let out = other
        .send("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(out.status, 302, "{}", out.body);
    assert!(out.removes(ID_COOKIE), "{:?}", out.set_cookies);
    let mut stale = Browser::new(&one.base);
    stale.jar.insert(ID_COOKIE.into(), after_login);
    assert_eq!(stale.get_json("/whoami").await.status, 401);
    assert_eq!(redis.keys(), 0, "the purged session is deleted from Redis");
}

#[actix_web::test]
async fn server_storage_without_session_middleware_is_a_500() {
    let tenant = TestTenant::start().await;
    let server = serve(
        &tenant,
        Options {
            storage: SessionStorage::Server,
            ..Options::default()
        },
    );
    let mut browser = Browser::new(&server.base);
    for path in ["/", "/login", "/whoami"] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, 500, "{path}");
        assert!(answer.body.contains("SessionMiddleware"), "{}", answer.body);
    }
}

#[actix_web::test]
async fn server_storage_finds_the_session_middleware() {
    let tenant = TestTenant::start().await;
    let server = serve(
        &tenant,
        Options {
            storage: SessionStorage::Server,
            layer: Layer::Cookie(Key::generate()),
            ..Options::default()
        },
    );
    let mut browser = Browser::new(&server.base);
    assert_eq!(browser.get("/").await.json(), json!({ "user": null }));
    assert_eq!(
        browser.get_json("/visit").await.json(),
        json!({ "visits": 1 })
    );
    assert_eq!(
        browser.get_json("/visit").await.json(),
        json!({ "visits": 2 })
    );
    assert_eq!(browser.get_json("/whoami").await.status, 401);
    assert_eq!(browser.get("/page").await.status, 302);
}
