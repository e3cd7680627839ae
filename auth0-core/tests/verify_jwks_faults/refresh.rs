//! Background refreshes: removed keys and new material under a known `kid`, `Cache-Control`
//! clamping, wall-clock jumps, and the store's metrics.

use super::*;

#[tokio::test]
async fn j15_removed_keys_stop_working_after_the_next_refresh() {
    let f = fixture().await;
    let old_token = f.tenant.token().sign();
    f.verifier.verify(&old_token).await.unwrap();
    let generation = f.metrics().generation;
    f.tenant.rotate();
    f.tenant.retire_key("rsa-0");
    f.clock.advance(Duration::from_secs(490)); // past 80 % of the TTL
    f.verifier.verify(&old_token).await.unwrap(); // served, and a refresh starts
    f.wait_for_store("the refreshed key set", |m| m.generation != generation)
        .await;
    assert_eq!(f.kind(&old_token).await, ErrorKind::UnknownKey);
    // Stale-if-error never resurrects it.
    f.tenant.set_fault(JwksFault::Status(500));
    f.clock.advance(Duration::from_secs(700));
    assert_eq!(f.kind(&old_token).await, ErrorKind::UnknownKey);
}

#[tokio::test]
async fn j16_new_material_under_the_same_kid() {
    let f = fixture().await;
    let old_token = f.tenant.token().sign();
    f.verifier.verify(&old_token).await.unwrap();
    let generation = f.metrics().generation;
    let replacement = TestKey::rsa(4).with_kid("rsa-0");
    f.tenant
        .set_jwks_body(Some(auth0_core::testing::jwks(&[&replacement]).to_string()));
    f.clock.advance(Duration::from_secs(490));
    f.verifier.verify(&old_token).await.unwrap();
    f.wait_for_store("the refreshed key set", |m| m.generation != generation)
        .await;
    assert_eq!(f.kind(&old_token).await, ErrorKind::Signature);
    f.verifier
        .verify(&f.tenant.token().key(&replacement).sign())
        .await
        .unwrap();
}

/// A second fetch installed a set (the manual clock stands still: its age is zero).
fn fresh(m: &KeyStoreMetrics) -> bool {
    m.fetches == 2 && m.failures == 0 && m.age == Some(Duration::ZERO)
}

#[tokio::test]
async fn j17_cache_control_is_clamped() {
    // max-age=0 / no-store: the floor (60 s) applies.
    for value in ["max-age=0", "no-store"] {
        let f = fixture().await;
        f.tenant.set_cache_control(Some(value.into()));
        f.ok().await;
        f.clock.advance(Duration::from_secs(30));
        f.ok().await;
        assert_eq!(f.hits(), 1, "{value}");
        f.clock.advance(Duration::from_secs(30)); // 60 s: past 80 % of the 60 s floor
        f.ok().await;
        f.wait_for_store("the refreshed key set", fresh).await;
        assert_eq!(f.hits(), 2, "{value}");
    }
    // A year: the ceiling (24 h) applies.
    let f = fixture().await;
    f.tenant.set_cache_control(Some("max-age=31536000".into()));
    f.ok().await;
    f.clock.advance(Duration::from_secs(24 * 3600));
    f.ok().await;
    f.wait_for_store("the refreshed key set", fresh).await;
    assert_eq!(f.hits(), 2);
}

#[tokio::test]
async fn j20_wall_clock_jumps_do_not_age_the_key_set() {
    let f = fixture().await;
    f.ok().await;
    f.clock.set_unix(now() + 3 * 3600); // NTP step forward: monotonic time unchanged
    let fresh = f
        .tenant
        .token()
        .iat(now() + 3 * 3600)
        .exp(now() + 4 * 3600)
        .sign();
    f.verifier.verify(&fresh).await.unwrap();
    assert_eq!(f.hits(), 1);
    assert!(f.verifier.metrics()[0].1.age.unwrap() < Duration::from_secs(1));
}

#[tokio::test]
async fn metrics_count_fetches_failures_and_keys() {
    let f = fixture().await;
    f.tenant.publish_key(TestKey::rsa_1024());
    f.ok().await;
    let m = &f.verifier.metrics()[0].1;
    assert_eq!(
        (m.fetches, m.failures, m.keys, m.rejected_keys),
        (1, 0, 1, 1)
    );
    f.tenant.set_fault(JwksFault::Status(500));
    f.kind(&f.random_kid_token(1)).await;
    let m = &f.verifier.metrics()[0].1;
    assert_eq!((m.fetches, m.failures, m.keys), (2, 1, 1));
}
