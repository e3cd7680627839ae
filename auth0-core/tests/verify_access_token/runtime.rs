//! Several issuers, the verified-token cache, warm start, concurrency, error hygiene.

use super::*;

#[tokio::test]
async fn several_issuers_each_with_their_own_keys() {
    let a = TestTenant::start().await;
    let b = TestTenant::builder()
        .signing_key(TestKey::rsa(3))
        .audience(a.audience())
        .start()
        .await;
    let v = AccessTokenVerifier::builder(&a.domain())
        .issuer(&b.domain())
        .audience(a.audience())
        .build()
        .unwrap();
    assert!(v.verify(&a.token().sign()).await.is_ok());
    assert!(v.verify(&b.token().sign()).await.is_ok());
    // Tenant B's issuer with a key that only tenant A publishes (J18): the key belongs to A,
    // so a token naming B is refused.
    let cross = b.token().key(&a.signing_key()).sign();
    assert_eq!(kind_of(&v, &cross).await, ErrorKind::Issuer);
    // The same before A's keys are loaded: B's issuer picks B's keys, which lack the kid.
    let v = AccessTokenVerifier::builder(&a.domain())
        .issuer(&b.domain())
        .audience(a.audience())
        .build()
        .unwrap();
    assert_eq!(kind_of(&v, &cross).await, ErrorKind::UnknownKey);
    assert_eq!(v.metrics().len(), 2);
}

#[tokio::test]
async fn verified_tokens_are_cached_until_expiry_or_key_change() {
    let t = TestTenant::start().await;
    let clock = Arc::new(ManualClock::new(now()));
    let v = builder(&t).clock(clock.clone()).build().unwrap();
    let token = t.token().expires_in(Duration::from_secs(120)).sign();
    v.verify(&token).await.unwrap();
    // The JWKS endpoint breaks: the cached verification still answers.
    t.set_fault(JwksFault::Status(500));
    v.verify(&token).await.unwrap();
    assert_eq!(t.jwks_requests(), 1);
    // Past exp + leeway the cache does not serve it, and the full check refuses it.
    clock.advance(Duration::from_secs(200));
    assert_eq!(kind_of(&v, &token).await, ErrorKind::Expired);
}

#[tokio::test]
async fn cache_off_verifies_every_time() {
    let t = TestTenant::start().await;
    let v = builder(&t).cache(false).build().unwrap();
    let token = t.token().sign();
    v.verify(&token).await.unwrap();
    v.verify(&token).await.unwrap();
    assert_eq!(t.jwks_requests(), 1);
}

#[tokio::test]
async fn warm_start_from_a_saved_jwks() {
    let t = TestTenant::start().await;
    let saved = reqwest::get(t.jwks_url())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let before = t.jwks_requests();
    let v = builder(&t).seed_jwks(saved).build().unwrap();
    v.verify(&t.token().sign()).await.unwrap();
    assert_eq!(t.jwks_requests(), before, "no fetch after a warm start");
    assert_eq!(v.metrics()[0].1.keys, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_verification_while_keys_rotate() {
    let t = Arc::new(TestTenant::start().await);
    let v = builder(&t).build().unwrap();
    v.warm_up().await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..64 {
        let t = Arc::clone(&t);
        let v = v.clone();
        tasks.push(tokio::spawn(async move {
            for j in 0..10 {
                if i == 0 && j == 5 {
                    t.rotate(); // publish a new key and sign with it from now on
                }
                let token = t.token().sub(format!("auth0|{i}-{j}")).sign();
                let c = v
                    .verify(&token)
                    .await
                    .unwrap_or_else(|e| panic!("task {i} step {j}: {e}"));
                assert_eq!(c.sub, format!("auth0|{i}-{j}"));
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert!(
        t.jwks_requests() <= 2,
        "rotation costs at most one refetch, got {}",
        t.jwks_requests()
    );
}

/// The burst right after a rotation, many times over: every request that carries a token
/// signed with the new key is answered with it. A request that is refused a refetch of its
/// own (one was just granted to another) must wait for that refetch, even when it has not
/// begun yet, instead of finding no fetch under way and refusing the key as unknown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_of_a_burst_after_a_rotation_gets_the_new_key() {
    let t = Arc::new(TestTenant::start().await);
    for round in 0..100 {
        let v = builder(&t).build().unwrap();
        v.warm_up().await.unwrap();
        let previous = t.signing_key();
        t.rotate();
        t.retire_key(previous.kid()); // two keys at most in the published set
        let token = Arc::new(t.token().sub(format!("auth0|{round}")).sign());
        let tasks: Vec<_> = (0..32)
            .map(|i| {
                let v = v.clone();
                let token = Arc::clone(&token);
                tokio::spawn(async move {
                    v.verify(&token)
                        .await
                        .map(|_| ())
                        .map_err(|e| format!("round {round}, request {i}: {e}"))
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
    }
}

#[tokio::test]
async fn errors_never_echo_token_content() {
    let (t, v) = setup().await;
    let token = t.token().iss("https://evil.example/<script>").sign();
    let err = v.verify(&token).await.unwrap_err();
    let outcome = v.outcome(&err);
    for text in [
        err.to_string(),
        format!("{err:?}"),
        outcome.www_authenticate.clone().unwrap(),
        outcome.json_body().unwrap(),
    ] {
        assert!(
            !text.contains("evil") && !text.contains(&token[..20]),
            "{text}"
        );
    }
}
