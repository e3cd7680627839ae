//! The key store under JWKS faults and abuse (refetch storms, outages, slow or huge or hostile
//! answers, redirects, rotation, Cache-Control abuse), against a real loopback tenant, counting
//! the JWKS requests it receives. Time is driven by a manual clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use auth0_core::jwks::{Clock, JwksOptions, KeyStoreMetrics, ManualClock};
use auth0_core::testing::{JwksFault, TestKey, TestTenant, wait_until};
use auth0_core::{AccessTokenVerifier, ErrorKind};

/// How long a test waits for a background refresh before failing.
const WAIT: Duration = Duration::from_secs(10);

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

struct Fixture {
    tenant: TestTenant,
    clock: Arc<ManualClock>,
    verifier: AccessTokenVerifier,
}

async fn fixture_with(options: JwksOptions) -> Fixture {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(ManualClock::new(now()));
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .clock(clock.clone())
        .jwks_options(options)
        .cache(false)
        .build()
        .unwrap();
    Fixture {
        tenant,
        clock,
        verifier,
    }
}

async fn fixture() -> Fixture {
    fixture_with(JwksOptions::default()).await
}

impl Fixture {
    async fn kind(&self, token: &str) -> ErrorKind {
        self.verifier
            .verify(token)
            .await
            .expect_err("refused")
            .kind()
            .clone()
    }
    /// A valid token minted at the fixture clock's time.
    fn token(&self) -> String {
        let n = self.clock.now_unix();
        self.tenant.token().iat(n).exp(n + 3600).sign()
    }
    async fn ok(&self) {
        let token = self.token();
        self.verifier.verify(&token).await.unwrap();
    }
    fn random_kid_token(&self, i: usize) -> String {
        self.tenant.token().kid(format!("random-{i}")).sign()
    }
    fn hits(&self) -> usize {
        self.tenant.jwks_requests()
    }
    /// Waits for a background refresh to reach the tenant: `n` JWKS requests in all.
    async fn wait_for_hits(&self, n: usize) {
        let what = format!("{n} JWKS requests (a background refresh)");
        wait_until(WAIT, &what, || self.hits() >= n).await;
    }
    fn metrics(&self) -> KeyStoreMetrics {
        self.verifier.metrics()[0].1.clone()
    }
    /// Waits for the key store to reach a state, typically the end of a background refresh.
    async fn wait_for_store(&self, what: &str, state: impl Fn(&KeyStoreMetrics) -> bool) {
        wait_until(WAIT, what, || state(&self.metrics())).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j01_j02_random_kid_storm_costs_one_fetch_per_cooldown() {
    let f = fixture().await;
    f.ok().await;
    assert_eq!(f.hits(), 1);
    let tokens: Vec<String> = (0..1000).map(|i| f.random_kid_token(i)).collect();
    let started = Instant::now();
    for chunk in tokens.chunks(100) {
        let futures = chunk.iter().map(|t| f.verifier.verify(t));
        for r in futures_join(futures).await {
            assert_eq!(r.unwrap_err().kind(), &ErrorKind::UnknownKey);
        }
    }
    assert!(f.hits() <= 2, "storm cost {} fetches", f.hits() - 1);
    assert!(started.elapsed() < Duration::from_secs(20));
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
async fn j04_slow_jwks_is_cut_by_the_total_deadline() {
    let f = fixture_with(
        JwksOptions::default().timeouts(Duration::from_millis(800), Duration::from_millis(500)),
    )
    .await;
    f.tenant.set_fault(JwksFault::SlowBody {
        bytes_per_second: 1,
    });
    let started = Instant::now();
    let kind = f.kind(&f.tenant.token().sign()).await;
    assert!(
        matches!(kind, ErrorKind::KeysUnavailable { .. }),
        "{kind:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j04_known_kids_do_not_wait_for_a_slow_refresh() {
    // A fetch deadline of an hour: the refresh below cannot end while the test runs, so a
    // request that waited on it would never be answered.
    let long = Duration::from_secs(3600);
    let f = fixture_with(JwksOptions::default().timeouts(long, Duration::from_secs(2))).await;
    f.ok().await;
    f.tenant.set_fault(JwksFault::SlowBody {
        bytes_per_second: 1,
    });
    f.clock.advance(Duration::from_secs(500)); // past the refresh point (80 % of 600 s)
    f.ok().await; // answered from the current set; the refresh starts in the background
    f.wait_for_hits(2).await;
    let answered = tokio::time::timeout(WAIT, async {
        for _ in 0..20 {
            f.ok().await;
        }
    })
    .await;
    assert!(
        answered.is_ok(),
        "requests for known kids waited on the refresh"
    );
    let m = f.metrics();
    assert_eq!(
        (m.fetches, m.failures),
        (2, 0),
        "the refresh is still under way"
    );
    assert_eq!(f.hits(), 2);
}

#[tokio::test]
async fn j06_warm_cache_survives_an_outage_within_max_stale() {
    for fault in [
        JwksFault::Status(500),
        JwksFault::Status(503),
        JwksFault::Status(429),
        JwksFault::Refuse,
        JwksFault::Garbage,
    ] {
        let f = fixture().await;
        f.ok().await;
        f.tenant.set_fault(fault.clone());
        f.clock.advance(Duration::from_secs(700)); // expired, within max_stale (1 h)
        f.ok().await;
        f.wait_for_store("the failed background refresh", |m| m.failures == 1)
            .await;
        f.ok().await;
        assert_eq!(
            f.kind(&f.random_kid_token(1)).await,
            ErrorKind::UnknownKey,
            "{fault:?}"
        );
        // Beyond max_stale, keys are no longer trusted: 503.
        f.clock.advance(Duration::from_secs(3600));
        let kind = f.kind(&f.tenant.token().sign()).await;
        assert!(
            matches!(kind, ErrorKind::KeysUnavailable { .. }),
            "{fault:?}: {kind:?}"
        );
    }
}

#[tokio::test]
async fn j07_cold_outage_answers_503_at_once_with_backoff() {
    let f = fixture().await;
    f.tenant.set_fault(JwksFault::Status(500));
    let kind = f.kind(&f.tenant.token().sign()).await;
    assert_eq!(kind, ErrorKind::KeysUnavailable { retry_after: 1 });
    assert_eq!(f.hits(), 1);
    // Within the back-off: no new fetch, 503 at once.
    for _ in 0..10 {
        assert!(matches!(
            f.kind(&f.tenant.token().sign()).await,
            ErrorKind::KeysUnavailable { .. }
        ));
    }
    assert_eq!(f.hits(), 1);
    // Back-off doubles: 1 s, then 2 s.
    f.clock.advance(Duration::from_millis(1100));
    assert_eq!(
        f.kind(&f.tenant.token().sign()).await,
        ErrorKind::KeysUnavailable { retry_after: 2 }
    );
    assert_eq!(f.hits(), 2);
    // The endpoint recovers: the next attempt after the back-off succeeds.
    f.tenant.clear_fault();
    f.clock.advance(Duration::from_secs(3));
    f.ok().await;
    assert_eq!(f.hits(), 3);
}

#[tokio::test]
async fn j08_failed_refetch_never_poisons_the_cache() {
    let f = fixture().await;
    f.ok().await;
    f.tenant.set_fault(JwksFault::Status(500));
    assert_eq!(f.kind(&f.random_kid_token(1)).await, ErrorKind::UnknownKey);
    assert_eq!(f.hits(), 2);
    f.ok().await;
    f.tenant.set_jwks_body(Some(r#"{"keys":[]}"#.into()));
    f.tenant.clear_fault();
    f.clock.advance(Duration::from_secs(31));
    assert_eq!(f.kind(&f.random_kid_token(2)).await, ErrorKind::UnknownKey);
    f.ok().await;
}

#[tokio::test]
async fn j09_invalid_documents_are_failed_fetches() {
    let many: Vec<serde_json::Value> = (0..33).map(|i| TestKey::es256(i).public_jwk()).collect();
    let bodies = [
        Some("<html>login</html>".to_owned()),
        Some("{\"keys\":".to_owned()),
        Some("{}".to_owned()),
        Some(r#"{"keys":[]}"#.to_owned()),
        Some(r#"{"keys":{}}"#.to_owned()),
        Some("[]".to_owned()),
        Some(serde_json::json!({ "keys": many }).to_string()),
    ];
    for body in bodies {
        let f = fixture().await;
        f.tenant.set_jwks_body(body.clone());
        let kind = f.kind(&f.tenant.token().sign()).await;
        assert!(
            matches!(kind, ErrorKind::KeysUnavailable { .. }),
            "{body:?}: {kind:?}"
        );
    }
    for fault in [JwksFault::Html, JwksFault::Garbage] {
        let f = fixture().await;
        f.tenant.set_fault(fault);
        assert!(matches!(
            f.kind(&f.tenant.token().sign()).await,
            ErrorKind::KeysUnavailable { .. }
        ));
    }
}

#[tokio::test]
async fn j10_huge_bodies_are_cut_at_the_cap() {
    for fault in [
        JwksFault::HugeBody(100 * 1024 * 1024),
        JwksFault::ContentLengthLie,
    ] {
        let f = fixture().await;
        f.tenant.set_fault(fault.clone());
        let started = Instant::now();
        let kind = f.kind(&f.tenant.token().sign()).await;
        assert!(
            matches!(kind, ErrorKind::KeysUnavailable { .. }),
            "{fault:?}: {kind:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(6), "{fault:?}");
    }
}

#[tokio::test]
async fn j11_redirects_are_not_followed() {
    let target = TestTenant::start().await;
    let f = fixture().await;
    f.tenant.set_fault(JwksFault::Redirect(target.jwks_url()));
    // Same key in both tenants: following the redirect would make the token verify.
    assert!(matches!(
        f.kind(&f.tenant.token().sign()).await,
        ErrorKind::KeysUnavailable { .. }
    ));
    assert_eq!(target.jwks_requests(), 0);
}

#[tokio::test]
async fn j12_only_200_is_success() {
    for status in [201, 203, 204, 206, 301, 304, 404] {
        let f = fixture().await;
        f.tenant.set_fault(JwksFault::Status(status));
        assert!(
            matches!(
                f.kind(&f.tenant.token().sign()).await,
                ErrorKind::KeysUnavailable { .. }
            ),
            "{status}"
        );
    }
}

#[tokio::test]
async fn j13_plain_http_is_refused_for_remote_hosts() {
    let err = AccessTokenVerifier::builder("http://tenant.example.com")
        .audience("a")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
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
async fn j18_tokens_of_an_unconfigured_issuer_cause_no_fetch() {
    let f = fixture().await;
    let other = TestTenant::start().await;
    for _ in 0..50 {
        assert_eq!(f.kind(&other.token().sign()).await, ErrorKind::Issuer);
    }
    assert_eq!(f.hits() + other.jwks_requests(), 0);
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

#[tokio::test]
async fn j05_unanswered_connects_are_cut_by_the_connect_timeout() {
    // A loopback listener that never accepts, its accept queue filled: further SYNs go
    // unanswered, as with a blackholed address.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    let _listener = socket.listen(0).unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(s);
        }
    }
    let options =
        JwksOptions::default().timeouts(Duration::from_secs(3), Duration::from_millis(300));
    let store = auth0_core::jwks::KeyStore::new(
        &format!("http://{addr}/.well-known/jwks.json"),
        &[auth0_core::Algorithm::RS256],
        options,
    )
    .unwrap();
    let started = Instant::now();
    let err = store.refresh().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(
            err,
            auth0_core::jwks::JwksError::Timeout | auth0_core::jwks::JwksError::Transport(_)
        ),
        "{err:?}"
    );
    assert!(
        elapsed < Duration::from_secs(2),
        "the connect phase was not cut: {elapsed:?}"
    );
}
