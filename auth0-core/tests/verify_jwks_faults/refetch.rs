//! Unknown `kid`s: refetch storms, the cooldown, the budget and the negative cache; concurrent cold
//! starts sharing one fetch; newly published keys; tokens of issuers that are not configured.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j01_j02_random_kid_storm_costs_one_fetch_per_cooldown() {
    let f = fixture().await;
    f.ok().await;
    assert_eq!(f.hits(), 1);
    let tokens: Vec<String> = (0..1000).map(|i| f.random_kid_token(i)).collect();
    for chunk in tokens.chunks(100) {
        let futures = chunk.iter().map(|t| f.verifier.verify(t));
        for r in futures_join(futures).await {
            assert_eq!(r.unwrap_err().kind(), &ErrorKind::UnknownKey);
        }
    }
    assert!(f.hits() <= 2, "storm cost {} fetches", f.hits() - 1);
    // Known keys keep working during and after the storm.
    f.ok().await;
    // 31 s later: at most one more.
    f.clock.advance(Duration::from_secs(31));
    for i in 1000..1500 {
        assert_eq!(f.kind(&f.random_kid_token(i)).await, ErrorKind::UnknownKey);
    }
    assert!(
        f.hits() <= 3,
        "second storm cost {} fetches in all",
        f.hits()
    );
}

async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut out = Vec::new();
    let handles: Vec<_> = futures.collect();
    for h in handles {
        out.push(h.await);
    }
    out
}

#[tokio::test]
async fn unknown_kid_budget_is_six_per_minute() {
    let f = fixture_with(JwksOptions::default().unknown_kid_cooldown(Duration::ZERO)).await;
    f.ok().await;
    for i in 0..20 {
        f.kind(&f.random_kid_token(i)).await;
    }
    assert_eq!(f.hits(), 1 + 6);
    f.clock.advance(Duration::from_secs(61));
    f.kind(&f.random_kid_token(100)).await;
    assert_eq!(f.hits(), 1 + 7);
}

#[tokio::test]
async fn negative_kid_cache_blocks_repeats() {
    let f = fixture_with(JwksOptions::default().unknown_kid_cooldown(Duration::ZERO)).await;
    f.ok().await;
    let token = f.random_kid_token(1);
    for _ in 0..10 {
        assert_eq!(f.kind(&token).await, ErrorKind::UnknownKey);
    }
    assert_eq!(f.hits(), 2, "the same unknown kid is refetched once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j03_cold_start_concurrent_requests_share_one_fetch() {
    let f = Arc::new(fixture().await);
    f.tenant
        .set_fault(JwksFault::Delay(Duration::from_millis(300)));
    let mut tasks = Vec::new();
    for _ in 0..500 {
        let f = Arc::clone(&f);
        tasks.push(tokio::spawn(async move { f.ok().await }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(f.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j03b_a_new_kid_in_500_concurrent_requests_causes_one_refetch() {
    let f = Arc::new(fixture().await);
    f.ok().await;
    f.tenant.rotate();
    f.tenant
        .set_fault(JwksFault::Delay(Duration::from_millis(300)));
    let token = Arc::new(f.tenant.token().sign());
    let mut tasks = Vec::new();
    for _ in 0..500 {
        let (f, token) = (Arc::clone(&f), Arc::clone(&token));
        tasks.push(tokio::spawn(async move { f.verifier.verify(&token).await }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(f.hits(), 2, "one fetch at start, one for the new kid");
}

#[tokio::test]
async fn j14_a_newly_published_key_is_accepted_at_once() {
    let f = fixture().await;
    f.ok().await;
    let next = f.tenant.rotate();
    let token = f.tenant.token().sign();
    assert!(token.contains('.') && f.tenant.signing_key().kid() == next.kid());
    f.verifier.verify(&token).await.unwrap();
    assert_eq!(f.hits(), 2);
}

#[tokio::test]
async fn j18_tokens_of_an_unconfigured_issuer_cause_no_fetch() {
    let f = fixture().await;
    let other = TestTenant::start().await;
    for _ in 0..50 {
        assert_eq!(f.kind(&other.token().sign()).await, ErrorKind::Issuer);
    }
    assert_eq!(f.hits() + other.jwks_requests(), 0);
}
