//! The key store behind the asymmetric verifier (the reference's JWKS fetcher cases and our fixes).

use super::*;

// ---------------------------------------------------------------------------------------------
// TestJwksFetcher (and the async TestAsyncJwksFetcher, whose cases are the same here: our
// verifier is async-only)
// ---------------------------------------------------------------------------------------------

/// `test_get_jwks_json_twice_on_cache_expired` (`cache_ttl=1`, sleep 2 s → 2 GETs): our TTL has
/// a 60 s floor, so 2 s later the cache still serves; past 60 s the JWKS is fetched again.
#[tokio::test]
async fn get_jwks_twice_on_cache_expired_with_ttl_floor_of_60s_unlike_reference() {
    let fx = Fx::start().await;
    fx.tenant.set_cache_control(None);
    let v = fx.verifier_with(fx.sv_with(Algorithm::RS256, JwksOptions::default().ttl(secs(1))));
    let token = rs256(&Payload::p());
    accepted(&v, &token, &none()).await;
    assert_eq!(fx.requests(), 1);

    fx.clock.advance(secs(2));
    without_refresh(accepted(&v, &token, &none())).await;
    assert_eq!(fx.requests(), 1);

    fx.clock.advance(secs(60)); // 62 s
    accepted(&v, &token, &none()).await;
    wait_until("the refetch after the 60 s floor", || fx.requests() == 2).await;
}

/// Async `test_async_get_jwks_json_twice_on_cache_expired`: ttl 100, time 0 → 200 → 2 GETs.
#[tokio::test]
async fn async_get_jwks_twice_on_cache_expired() {
    let fx = Fx::start().await;
    fx.tenant.set_cache_control(None);
    let sv = fx.sv_with(Algorithm::RS256, JwksOptions::default().ttl(secs(100)));
    let store = store_of(&sv);
    let v = fx.verifier_with(sv);
    let token = rs256(&Payload::p());
    accepted(&v, &token, &none()).await;
    assert_eq!(fx.requests(), 1);
    fx.clock.advance(secs(200));
    accepted(&v, &token, &none()).await;
    wait_until("the refetch after 100 s", || fetched_just_now(&store)).await;
    assert_eq!(fx.requests(), 2);
    // The refreshed set is fresh again.
    without_refresh(accepted(&v, &token, &none())).await;
    assert_eq!(fx.requests(), 2);
}

/// `test_get_jwks_json_once_on_cache_hit` (and its async twin): two keys, both used, 1 GET.
#[tokio::test]
async fn get_jwks_once_on_cache_hit() {
    let fx = Fx::on(
        TestTenant::builder()
            .publish_key(TestKey::rsa(1))
            .start()
            .await,
    );
    let v = fx.verifier();
    let p = Payload::p();
    accepted(&v, &rs256(&p), &none()).await;
    accepted(&v, &builder(&p, &TestKey::rsa(1)).sign(), &none()).await;
    accepted(&v, &rs256(&p), &none()).await;
    assert_eq!(fx.requests(), 1);
}

/// `test_fetches_jwks_json_forced_on_cache_miss` (and its async twin): a `kid` published after
/// the first fetch triggers one refetch.
#[tokio::test]
async fn fetches_jwks_forced_on_cache_miss() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let p = Payload::p();
    accepted(&v, &rs256(&p), &none()).await;
    assert_eq!(fx.requests(), 1);
    fx.tenant.publish_key(TestKey::rsa(1));
    accepted(&v, &builder(&p, &TestKey::rsa(1)).sign(), &none()).await;
    assert_eq!(fx.requests(), 2);
    // Both keys are now cached.
    accepted(&v, &rs256(&p), &none()).await;
    accepted(&v, &builder(&p, &TestKey::rsa(1)).sign(), &none()).await;
    assert_eq!(fx.requests(), 2);
}

/// `test_fetches_jwks_json_once_on_cache_miss` (and its async twin): an unknown `kid` on a
/// fresh cache costs one GET, no forced refetch. Our message drops the reference's "RSA "
/// (keys may be EC or OKP) and quotes the `kid` with escaping.
#[tokio::test]
async fn fetches_jwks_once_on_cache_miss() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let token = builder(&Payload::p(), &TestKey::rsa(0).with_kid("missing-key")).sign();
    assert_fails_with(
        &v,
        &token,
        &none(),
        Kind::KeyNotFound,
        r#"Public Key with ID "missing-key" was not found."#,
    )
    .await;
    assert_eq!(fx.requests(), 1);
    // Asking again does not fetch again.
    refused(&v, &token, &none()).await;
    assert_eq!(fx.requests(), 1);
}

/// `test_fails_to_fetch_jwks_json_after_retrying_twice` (and its async twin): the reference
/// answers 500 with 2 GETs and `RSA Public Key with ID "id1" was not found.`. Ours says the keys
/// are unavailable, after one GET, and backs off: repeated requests cost nothing until the
/// back-off (1 s, then 2 s…) has passed.
#[tokio::test]
async fn fails_to_fetch_jwks_with_bounded_gets_unlike_reference() {
    let fx = Fx::start().await;
    fx.tenant.set_fault(JwksFault::Status(500));
    let v = fx.verifier();
    let id1 = builder(&Payload::p(), &TestKey::rsa(0).with_kid("id1")).sign();
    for _ in 0..10 {
        assert_fails_with(
            &v,
            &id1,
            &none(),
            Kind::KeysUnavailable,
            "the signing keys could not be fetched.",
        )
        .await;
    }
    assert_eq!(fx.requests(), 1);

    fx.clock.advance(secs(1));
    refused(&v, &id1, &none()).await;
    refused(&v, &id1, &none()).await;
    assert_eq!(fx.requests(), 2);

    // Recovery: once the back-off (now 2 s) has passed, the next request fetches.
    fx.tenant.clear_fault();
    fx.clock.advance(secs(3));
    assert_fails_with(
        &v,
        &id1,
        &none(),
        Kind::KeyNotFound,
        r#"Public Key with ID "id1" was not found."#,
    )
    .await;
    assert_eq!(fx.requests(), 3);
    accepted(&v, &rs256(&Payload::p()), &none()).await;
    assert_eq!(fx.requests(), 3);
}

/// Every unknown `kid` forced a GET in the reference. Ours: at most one extra GET
/// per cooldown (30 s), whatever the number of unknown `kid`s; known keys keep working.
#[tokio::test]
async fn unknown_kids_cost_at_most_one_refetch_per_cooldown_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let p = Payload::p();
    accepted(&v, &rs256(&p), &none()).await;
    assert_eq!(fx.requests(), 1);

    for i in 0..20 {
        let kid = format!("attacker-{i}");
        let token = builder(&p, &TestKey::rsa(0).with_kid(kid.as_str())).sign();
        assert_fails_with(
            &v,
            &token,
            &none(),
            Kind::KeyNotFound,
            &format!("Public Key with ID {kid:?} was not found."),
        )
        .await;
    }
    assert_eq!(fx.requests(), 2);
    accepted(&v, &rs256(&p), &none()).await;
    assert_eq!(fx.requests(), 2);

    // After the cooldown, one more refetch is allowed.
    fx.clock.advance(secs(31));
    for i in 20..30 {
        let token = builder(&p, &TestKey::rsa(0).with_kid(format!("attacker-{i}"))).sign();
        refused(&v, &token, &none()).await;
    }
    assert_eq!(fx.requests(), 3);
}

/// A failed refetch wiped the reference's cache. Ours: a 500 during an
/// unknown-`kid` refetch leaves the known keys working, without further GETs.
#[tokio::test]
async fn failed_unknown_kid_refetch_keeps_known_keys_unlike_reference() {
    let fx = Fx::start().await;
    let sv = fx.sv();
    let store = sv.key_store().unwrap().clone();
    let v = fx.verifier_with(sv);
    let p = Payload::p();
    accepted(&v, &rs256(&p), &none()).await;

    fx.tenant.set_fault(JwksFault::Status(500));
    let rotated = builder(&p, &TestKey::rsa(1)).sign();
    assert_fails_with(
        &v,
        &rotated,
        &none(),
        Kind::KeyNotFound,
        r#"Public Key with ID "rsa-1" was not found."#,
    )
    .await;
    assert_eq!(fx.requests(), 2);
    for _ in 0..5 {
        accepted(&v, &rs256(&p), &none()).await;
    }
    assert_eq!(fx.requests(), 2);
    let m = store.metrics();
    assert_eq!((m.fetches, m.failures, m.keys), (2, 1, 1));
}

/// A `kid` whose refetch failed was never seen missing from a JWKS: once the endpoint is back
/// and the unknown-`kid` cooldown (30 s) has passed, its next token must trigger a refetch and
/// verify (Auth0 publishes a rotated key before signing with it).
#[tokio::test]
async fn kid_missed_during_a_jwks_outage_is_refetched_after_recovery() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let p = Payload::p();
    accepted(&v, &rs256(&p), &none()).await;

    fx.tenant.set_fault(JwksFault::Status(500));
    let rotated = builder(&p, &TestKey::rsa(1)).sign();
    refused(&v, &rotated, &none()).await;
    assert_eq!(fx.requests(), 2);

    fx.tenant.clear_fault();
    fx.tenant.publish_key(TestKey::rsa(1));
    fx.clock.advance(secs(31));
    accepted(&v, &rotated, &none()).await;
    assert_eq!(fx.requests(), 3);
}

/// Time-based side of the same fix: an expired set whose refresh fails keeps verifying known
/// `kid`s (up to `max_stale`, 1 h by default); beyond that the keys are unavailable.
#[tokio::test]
async fn expired_keys_keep_serving_while_endpoint_fails_until_max_stale_unlike_reference() {
    let fx = Fx::start().await;
    let sv = fx.sv();
    let store = store_of(&sv);
    let v = fx.verifier_with(sv);
    let token = rs256(&Payload::p());
    accepted(&v, &token, &none()).await;

    fx.tenant.set_fault(JwksFault::Status(500));
    fx.clock.advance(secs(601));
    accepted(&v, &token, &none()).await;
    wait_until("the failed background refresh", || {
        store.metrics().failures == 1
    })
    .await;
    assert_eq!(fx.requests(), 2);
    without_refresh(accepted(&v, &token, &none())).await; // the refresh backs off
    assert_eq!(fx.requests(), 2);

    fx.clock.advance(secs(3600)); // 4201 s > 600 s TTL + 3600 s max_stale
    assert_fails_with(
        &v,
        &token,
        &none(),
        Kind::KeysUnavailable,
        "the signing keys could not be fetched.",
    )
    .await;
    assert_eq!(fx.requests(), 3);
}

/// The reference looked up `""` for a token without `kid` (`RSA Public Key with ID "" was not
/// found.`, async: `"None"`). Ours refuses it before any fetch.
#[tokio::test]
async fn token_without_kid_is_refused_in_jwks_mode_unlike_reference() {
    let fx = Fx::start().await;
    let token = builder(&Payload::p(), &TestKey::rsa(0)).no_kid().sign();
    assert_fails_with(
        &fx.verifier(),
        &token,
        &none(),
        Kind::KeyNotFound,
        "the token has no key ID (kid).",
    )
    .await;
    assert_eq!(fx.requests(), 0);
    // The shared-secret mode has no keys to choose from: no kid needed.
    accepted(&fx.hs_verifier(), &hs256(&Payload::p()), &none()).await;
}

/// The reference's fetcher has no lock nor single-flight; ours shares one fetch between
/// concurrent cold misses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_cold_verifications_share_one_fetch_unlike_reference() {
    let fx = Fx::start().await;
    fx.tenant
        .set_fault(JwksFault::Delay(Duration::from_millis(200)));
    let v = fx.verifier();
    let token = rs256(&Payload::p());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (v, token) = (v.clone(), token.clone());
        tasks.spawn(async move { v.verify(&token, &VerifyOptions::new()).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(fx.requests(), 1);
}
