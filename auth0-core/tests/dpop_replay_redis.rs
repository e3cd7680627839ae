//! The Redis DPoP replay store against a real `redis-server` (Debian's, installed by
//! `scripts/deps`), started on a free loopback port for each test: two verifiers sharing it,
//! key expiry, Redis down (fail closed, or open when asked), a password in the URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod redis_support;

use std::time::Duration;

use auth0_core::testing::{TestKey, TestTenant, wait_until_async};
use auth0_core::verify::replay::{
    FailOpen, RedisReplayStore, ReplayCheck, ReplayKey, ReplayStore, ReplayStoreError,
};
use auth0_core::{AccessTokenVerifier, DpopMode, ErrorKind, RequestTarget, VerifyError};
use redis_support::Redis;

const URL: &str = "https://api.example.com/api/private";
const DEADLINE: Duration = Duration::from_secs(15);

struct Fx {
    tenant: TestTenant,
    client_key: TestKey,
}

impl Fx {
    async fn new() -> Self {
        Self {
            tenant: TestTenant::start().await,
            client_key: TestKey::es256(11),
        }
    }

    fn verifier(&self, store: impl ReplayStore, window: (u64, u64)) -> AccessTokenVerifier {
        AccessTokenVerifier::builder(&self.tenant.domain())
            .audience(self.tenant.audience())
            .dpop(DpopMode::Allowed)
            .dpop_base_url("https://api.example.com")
            .dpop_proof_window(Duration::from_secs(window.0), Duration::from_secs(window.1))
            .dpop_replay_store(store)
            .build()
            .unwrap()
    }

    fn token(&self) -> String {
        self.tenant
            .token()
            .claim(
                "cnf",
                serde_json::json!({ "jkt": self.client_key.jwk_thumbprint() }),
            )
            .sign()
    }

    /// A proof with a known `jti`.
    fn proof(&self, token: &str, jti: &str) -> String {
        self.client_key
            .dpop_proof("GET", URL, Some(token))
            .claim("jti", jti)
            .sign()
    }
}

async fn call(verifier: &AccessTokenVerifier, token: &str, proof: &str) -> Result<(), VerifyError> {
    let auth = format!("DPoP {token}");
    verifier
        .verify_request(
            RequestTarget::new("GET", "/api/private"),
            [auth.as_bytes()],
            [proof.as_bytes()],
        )
        .await
        .map(|_| ())
}

#[tokio::test]
async fn a_proof_accepted_by_one_instance_is_refused_by_another() {
    let Some(redis) = Redis::start("shared", None).await else {
        return;
    };
    let f = Fx::new().await;
    let prefix = "shared-test:";
    let store = RedisReplayStore::new(&redis.url())
        .unwrap()
        .key_prefix(prefix);
    let (a, b) = (
        f.verifier(store.clone(), (300, 30)),
        f.verifier(store, (300, 30)),
    );
    let token = f.token();
    let jti = "jti-shared-1";
    let proof = f.proof(&token, jti);
    call(&a, &token, &proof).await.unwrap();
    let err = call(&b, &token, &proof).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidDpopProof);
    assert_eq!(b.outcome(&err).status, 400);
    assert_eq!(
        call(&a, &token, &proof).await.unwrap_err().kind(),
        &ErrorKind::InvalidDpopProof
    );
    // A new proof passes on either instance.
    call(&b, &token, &f.proof(&token, "jti-shared-2"))
        .await
        .unwrap();

    // One key per proof: the prefix and a hash, never the jti or the proof; it lives for the
    // acceptance window (300 s + 30 s of tolerated future, + the current second).
    let keys = redis.keys(prefix).await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    let key = format!("{prefix}{}", ReplayKey::new(URL, jti).to_hex());
    assert!(keys.contains(&key), "{keys:?}");
    assert!(keys.iter().all(|k| !k.contains("jti-") && !k.contains('.')));
    let pttl = redis.pttl(&key).await;
    assert!(pttl > 300_000 && pttl <= 331_000, "PTTL {pttl}");
}

#[tokio::test]
async fn keys_expire_after_the_window() {
    let Some(redis) = Redis::start("expiry", None).await else {
        return;
    };
    let prefix = "expiry-test:";
    let store = RedisReplayStore::new(&redis.url())
        .unwrap()
        .key_prefix(prefix);
    let key = ReplayKey::new(URL, "jti-expiry");
    let redis_key = format!("{prefix}{}", key.to_hex());
    let ttl = Duration::from_millis(300);
    assert_eq!(
        store.check_and_remember(&key, ttl).await,
        Ok(ReplayCheck::Fresh)
    );
    assert_eq!(
        store.check_and_remember(&key, ttl).await,
        Ok(ReplayCheck::Replayed)
    );
    let pttl = redis.pttl(&redis_key).await;
    assert!(pttl > 0 && pttl <= 300, "PTTL {pttl}");
    // Redis forgets the key by itself once its window is over; the proof is then new again.
    wait_until_async(DEADLINE, "the replay key to expire", || async {
        redis.pttl(&redis_key).await == -2
    })
    .await;
    assert_eq!(
        store.check_and_remember(&key, ttl).await,
        Ok(ReplayCheck::Fresh)
    );

    // Through the verifier: a 1 s window without future tolerance keeps the key for at most
    // 2 s (the window and the current second), and never less than the window.
    let f = Fx::new().await;
    let verifier = f.verifier(store.clone(), (1, 0));
    let token = f.token();
    let proof = f.proof(&token, "jti-window");
    call(&verifier, &token, &proof).await.unwrap();
    let redis_key = format!("{prefix}{}", ReplayKey::new(URL, "jti-window").to_hex());
    let pttl = redis.pttl(&redis_key).await;
    assert!(pttl > 0 && pttl <= 2_000, "PTTL {pttl}");
    wait_until_async(DEADLINE, "the proof's key to expire", || async {
        redis.pttl(&redis_key).await == -2
    })
    .await;
    // By then the proof itself is too old.
    assert_eq!(
        call(&verifier, &token, &proof).await.unwrap_err().kind(),
        &ErrorKind::InvalidDpopProof
    );
}

#[tokio::test]
async fn redis_down_fails_closed_with_503() {
    let Some(mut redis) = Redis::start("down", None).await else {
        return;
    };
    let f = Fx::new().await;
    let store = RedisReplayStore::new(&redis.url())
        .unwrap()
        .timeout(Duration::from_millis(500));
    let verifier = f.verifier(store.clone(), (300, 30));
    let token = f.token();
    call(&verifier, &token, &f.proof(&token, "jti-up"))
        .await
        .unwrap();

    redis.stop();
    let err = call(&verifier, &token, &f.proof(&token, "jti-down"))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ReplayCheckUnavailable { retry_after } if *retry_after > 0),
        "{err:?}"
    );
    let outcome = verifier.outcome(&err);
    assert_eq!((outcome.status, outcome.www_authenticate), (503, None));
    assert!(outcome.retry_after.is_some_and(|s| s > 0));

    // A store that never reached its server refuses the same way.
    let never = RedisReplayStore::new(&redis.url())
        .unwrap()
        .timeout(Duration::from_millis(500));
    let other = f.verifier(never, (300, 30));
    let err = call(&other, &token, &f.proof(&token, "jti-never"))
        .await
        .unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::ReplayCheckUnavailable { .. }
    ));
}

#[tokio::test]
async fn fail_open_accepts_while_redis_is_down() {
    let Some(mut redis) = Redis::start("fail-open", None).await else {
        return;
    };
    let f = Fx::new().await;
    let store = RedisReplayStore::new(&redis.url())
        .unwrap()
        .timeout(Duration::from_millis(500));
    let verifier = f.verifier(FailOpen::new(store), (300, 30));
    let token = f.token();
    let proof = f.proof(&token, "jti-open");
    call(&verifier, &token, &proof).await.unwrap();
    // Redis up: a replay is still refused.
    assert_eq!(
        call(&verifier, &token, &proof).await.unwrap_err().kind(),
        &ErrorKind::InvalidDpopProof
    );
    redis.stop();
    call(&verifier, &token, &f.proof(&token, "jti-open-2"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_password_in_the_url_is_used_and_never_shown() {
    const PASSWORD: &str = "s3cret-redis-pw";
    let Some(redis) = Redis::start("password", Some(PASSWORD)).await else {
        return;
    };
    let store = RedisReplayStore::new(&redis.url()).unwrap();
    assert!(!format!("{store:?}").contains(PASSWORD));
    let key = ReplayKey::new(URL, "jti-auth");
    let ttl = Duration::from_secs(5);
    assert_eq!(
        store.check_and_remember(&key, ttl).await,
        Ok(ReplayCheck::Fresh)
    );

    let wrong = format!("redis://:wrong-{PASSWORD}@127.0.0.1:{}/0", redis.port);
    let store = RedisReplayStore::new(&wrong).unwrap();
    let err = store.check_and_remember(&key, ttl).await.unwrap_err();
    assert!(matches!(err, ReplayStoreError::Unavailable(_)), "{err:?}");
    for text in [format!("{err}"), format!("{err:?}"), format!("{store:?}")] {
        assert!(!text.contains(PASSWORD), "{text}");
    }
    assert!(matches!(
        RedisReplayStore::new("http://not-redis"),
        Err(ReplayStoreError::Config(_))
    ));
}
