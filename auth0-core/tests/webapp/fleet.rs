//! Instances of one web app (the processes of a fleet) sharing a Redis store of used login
//! states, against a real `redis-server`.

use std::sync::Arc;

use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, TestTenant};
use auth0_core::verify::replay::{FailOpen, RedisReplayStore};
use auth0_core::webapp::WebApp;

use crate::redis_support::Redis;
use crate::support::*;

/// A login started on `app` and taken through the tenant's form: the jar with its transaction
/// cookie, and the callback path the tenant sends the browser to.
async fn at_the_callback(app: &WebApp) -> (Jar, String) {
    let mut jar = Jar::default();
    let (start, _) = request(app, &mut jar, "GET", "/login", &[]).await;
    assert_eq!(start.status, 302);
    let location = start.location.unwrap();
    let callback = tenant_login(&location, ALICE_EMAIL, ALICE_PASSWORD, "login").await;
    (jar, local(&callback))
}

#[tokio::test]
async fn a_callback_replayed_on_another_instance_is_refused_as_already_used() {
    let Some(redis) = Redis::start("webapp_fleet", None).await else {
        return;
    };
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let instance = || {
        builder(&tenant, &clock)
            .state_store(RedisReplayStore::new(&redis.url()).unwrap())
            .build()
            .unwrap()
    };
    let (first, second) = (instance(), instance());

    let (jar, callback) = at_the_callback(&first).await;
    let (done, _) = request(&first, &mut jar.clone(), "GET", &callback, &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    // The same callback, with the same transaction cookie, on the other instance.
    let (again, handle) = request(&second, &mut jar.clone(), "GET", &callback, &[]).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(again.body.contains("already used"), "{}", again.body);
    assert!(!handle.is_authenticated());

    // An instance with its own in-process memory does not know the state: the replay reaches
    // the tenant, which refuses the spent code; still no session, but not "already used".
    let lone = builder(&tenant, &clock).build().unwrap();
    let (spent, handle) = request(&lone, &mut jar.clone(), "GET", &callback, &[]).await;
    assert_ne!(spent.status, 302, "{}", spent.body);
    assert!(!spent.body.contains("already used"), "{}", spent.body);
    assert!(!handle.is_authenticated());
}

#[tokio::test]
async fn a_state_store_that_cannot_answer_is_a_503_unless_it_fails_open() {
    let Some(mut redis) = Redis::start("webapp_fleet_down", None).await else {
        return;
    };
    let tenant = TestTenant::start().await;
    let clock = Arc::new(TestClock::default());
    let closed = builder(&tenant, &clock)
        .state_store(RedisReplayStore::new(&redis.url()).unwrap())
        .build()
        .unwrap();
    let open = builder(&tenant, &clock)
        .state_store(FailOpen::new(RedisReplayStore::new(&redis.url()).unwrap()))
        .build()
        .unwrap();
    let (closed_jar, closed_callback) = at_the_callback(&closed).await;
    let (open_jar, open_callback) = at_the_callback(&open).await;
    redis.stop();

    let (refused, handle) = request(
        &closed,
        &mut closed_jar.clone(),
        "GET",
        &closed_callback,
        &[],
    )
    .await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(
        refused.body.contains("could not be checked"),
        "{}",
        refused.body
    );
    assert!(!handle.is_authenticated());

    let (done, handle) = request(&open, &mut open_jar.clone(), "GET", &open_callback, &[]).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(handle.is_authenticated());
}
