//! The verified-token cache, observed from outside: a token that verified once is answered
//! without its issuer's keys, as long as the key set it was verified under is current; a
//! token the cache does not hold, or any token with the cache off, needs the keys.
//!
//! The trick that makes the cache visible: the tenant's JWKS endpoint fails and a manual clock
//! moves past the key set's TTL and `max_stale`, so the key store has no usable keys left and
//! every verification that reaches it is refused with `KeysUnavailable` after one more JWKS
//! request. The tenant counts those requests; the key store's metrics count fetches, failures
//! and key-set generations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0_core::jwks::{Clock, JwksOptions, KeyStoreMetrics, ManualClock};
use auth0_core::testing::{JwksFault, TestTenant};
use auth0_core::{AccessTokenVerifier, ErrorKind, VerifyError};

/// Known keys keep working this long after the set's TTL (the tenant's `max-age`, 600 s).
const MAX_STALE: Duration = Duration::from_secs(60);
/// Past the TTL and `max_stale`: the key store holds no usable keys any more.
const PAST_USABLE_KEYS: Duration = Duration::from_secs(600 + 60 + 40);
/// Tokens live an hour: still valid once the keys are no longer usable.
const TOKEN_LIFETIME: i64 = 3600;

struct Fixture {
    tenant: TestTenant,
    clock: Arc<ManualClock>,
    verifier: AccessTokenVerifier,
}

async fn fixture(cache: bool) -> Fixture {
    let tenant = TestTenant::start().await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let clock = Arc::new(ManualClock::new(i64::try_from(now).unwrap()));
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .clock(clock.clone())
        .jwks_options(JwksOptions::default().max_stale(MAX_STALE))
        .cache(cache)
        .build()
        .unwrap();
    Fixture {
        tenant,
        clock,
        verifier,
    }
}

impl Fixture {
    /// A valid token signed by the tenant's current key, minted at the clock's time.
    fn token(&self, sub: &str) -> String {
        let now = self.clock.now_unix();
        self.tenant
            .token()
            .sub(sub)
            .iat(now)
            .exp(now + TOKEN_LIFETIME)
            .sign()
    }

    async fn verify(&self, token: &str) -> Result<String, VerifyError> {
        let claims = self.verifier.verify(token).await?;
        Ok(claims.sub.clone())
    }

    async fn refused(&self, token: &str) -> ErrorKind {
        match self.verifier.verify(token).await {
            Ok(claims) => panic!("token accepted (sub {:?}), expected a refusal", claims.sub),
            Err(e) => e.kind().clone(),
        }
    }

    fn metrics(&self) -> KeyStoreMetrics {
        let all = self.verifier.metrics();
        assert_eq!(all.len(), 1, "one issuer");
        all[0].1.clone()
    }

    /// Forces every key store to fetch its JWKS now, as an operator's refresh would.
    async fn refresh_keys(&self) {
        for (issuer, store) in self.verifier.key_stores() {
            store
                .refresh()
                .await
                .unwrap_or_else(|e| panic!("refresh of {issuer}'s keys: {e}"));
        }
    }

    /// The JWKS endpoint answers `fault` from now on and the clock moves past the last moment
    /// the key store's keys may be used: only the cache can still accept a token.
    fn lose_the_keys(&self, fault: JwksFault) {
        self.tenant.set_fault(fault);
        self.clock.advance(PAST_USABLE_KEYS);
    }
}

fn is_keys_unavailable(kind: &ErrorKind) -> bool {
    matches!(kind, ErrorKind::KeysUnavailable { .. })
}

#[tokio::test]
async fn a_verified_token_is_answered_from_the_cache_without_the_keys() {
    for fault in [JwksFault::Status(500), JwksFault::Garbage] {
        let f = fixture(true).await;
        let cached = f.token("auth0|cached");
        assert_eq!(f.verify(&cached).await.unwrap(), "auth0|cached");
        assert_eq!(f.tenant.jwks_requests(), 1, "{fault:?}");

        f.lose_the_keys(fault.clone());
        assert_eq!(
            f.verify(&cached).await.unwrap(),
            "auth0|cached",
            "{fault:?}"
        );
        assert_eq!(
            f.tenant.jwks_requests(),
            1,
            "{fault:?}: the cache hit asked for keys"
        );
        assert_eq!(f.metrics().fetches, 1, "{fault:?}");

        // A token the cache does not hold, signed by the same key, needs the keys: one more
        // request, which fails.
        let uncached = f.token("auth0|uncached");
        let kind = f.refused(&uncached).await;
        assert!(is_keys_unavailable(&kind), "{fault:?}: {kind:?}");
        assert_eq!(f.tenant.jwks_requests(), 2, "{fault:?}");
        assert_eq!(f.metrics().failures, 1, "{fault:?}");

        // The failed fetch does not disturb the cached entry.
        assert_eq!(
            f.verify(&cached).await.unwrap(),
            "auth0|cached",
            "{fault:?}"
        );
        assert_eq!(f.tenant.jwks_requests(), 2, "{fault:?}");
    }
}

#[tokio::test]
async fn with_the_cache_off_every_verification_needs_the_keys() {
    let f = fixture(false).await;
    let token = f.token("auth0|uncached");
    assert_eq!(f.verify(&token).await.unwrap(), "auth0|uncached");
    assert_eq!(f.tenant.jwks_requests(), 1);

    f.lose_the_keys(JwksFault::Status(500));
    let kind = f.refused(&token).await;
    assert!(is_keys_unavailable(&kind), "{kind:?}");
    assert_eq!(f.tenant.jwks_requests(), 2);
    assert_eq!(f.metrics().failures, 1);
}

#[tokio::test]
async fn the_authorization_header_path_consults_the_cache_too() {
    let f = fixture(true).await;
    let token = f.token("auth0|header");
    let header = format!("Bearer {token}");
    let claims = f
        .verifier
        .verify_authorization([header.as_bytes()])
        .await
        .unwrap();
    assert_eq!(claims.sub, "auth0|header");

    f.lose_the_keys(JwksFault::Status(500));
    let claims = f
        .verifier
        .verify_authorization([header.as_bytes()])
        .await
        .unwrap();
    assert_eq!(claims.sub, "auth0|header");
    // And a token verified through the header is a hit for `verify` as well.
    assert_eq!(f.verify(&token).await.unwrap(), "auth0|header");
    assert_eq!(f.tenant.jwks_requests(), 1);
}

#[tokio::test]
async fn the_cache_hands_out_the_claims_it_verified() {
    let cached = fixture(true).await;
    let token = cached.token("auth0|same");
    let first = cached.verifier.verify(&token).await.unwrap();
    let second = cached.verifier.verify(&token).await.unwrap();
    assert!(
        Arc::ptr_eq(&first, &second),
        "the second answer was not the cached one"
    );

    let uncached = fixture(false).await;
    let token = uncached.token("auth0|same");
    let first = uncached.verifier.verify(&token).await.unwrap();
    let second = uncached.verifier.verify(&token).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &second), "the cache is off");
    assert_eq!(first.sub, second.sub);
}

/// The cache finds entries by a hash of the token's end (its signature), then compares whole
/// tokens: a forgery that keeps a cached token's signature and length but changes its payload
/// meets that entry and must still be refused, from every entry point.
#[tokio::test]
async fn a_forgery_with_a_cached_tokens_signature_and_length_is_refused() {
    let f = fixture(true).await;
    let token = f.token("auth0|alice");
    assert_eq!(f.verify(&token).await.unwrap(), "auth0|alice");
    let (head, signature) = token.rsplit_once('.').unwrap();
    let (header, payload) = head.split_once('.').unwrap();
    // The same length, another `sub` (`alice` → `mallo`: base64url of the same length).
    let forged_payload = {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let json = String::from_utf8(engine.decode(payload).unwrap()).unwrap();
        engine.encode(json.replace("auth0|alice", "auth0|mallo"))
    };
    assert_eq!(forged_payload.len(), payload.len());
    let forged = format!("{header}.{forged_payload}.{signature}");
    assert_eq!(forged.len(), token.len());
    assert_ne!(forged, token);

    assert_eq!(f.refused(&forged).await, ErrorKind::Signature);
    let header_value = format!("Bearer {forged}");
    let err = f
        .verifier
        .verify_authorization([header_value.as_bytes()])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Signature);
    // Now remembered as refused, and the genuine token still served from the cache.
    let remembered = f.verifier.verify_request_cached([header_value.as_bytes()]);
    assert_eq!(
        remembered.unwrap().unwrap_err().kind(),
        &ErrorKind::Signature
    );
    let genuine = format!("Bearer {token}");
    let hit = f.verifier.verify_request_cached([genuine.as_bytes()]);
    assert_eq!(hit.unwrap().unwrap().sub, "auth0|alice");
}

#[tokio::test]
async fn a_refresh_that_brings_the_same_keys_keeps_the_cached_entries() {
    let f = fixture(true).await;
    let token = f.token("auth0|kept");
    f.verify(&token).await.unwrap();
    let generation = f.metrics().generation;

    f.refresh_keys().await;
    assert_eq!(f.tenant.jwks_requests(), 2);
    assert_eq!(f.metrics().generation, generation, "the same keys");

    f.lose_the_keys(JwksFault::Status(500));
    assert_eq!(f.verify(&token).await.unwrap(), "auth0|kept");
    assert_eq!(f.tenant.jwks_requests(), 2);
}

#[tokio::test]
async fn a_new_key_set_invalidates_the_cached_entries() {
    let f = fixture(true).await;
    let token = f.token("auth0|before-rotation");
    f.verify(&token).await.unwrap();
    let generation = f.metrics().generation;

    // A key is added; the token's own key stays published, but the set is a new one.
    f.tenant.rotate();
    f.refresh_keys().await;
    let metrics = f.metrics();
    assert_ne!(metrics.generation, generation, "a new key set");
    assert_eq!(metrics.keys, 2);

    // The entry made under the old set is not served: without usable keys, the token is
    // refused (compare with the refresh that brings the same keys, above).
    f.lose_the_keys(JwksFault::Status(500));
    let kind = f.refused(&token).await;
    assert!(is_keys_unavailable(&kind), "{kind:?}");
    assert_eq!(f.tenant.jwks_requests(), 3);
}

#[tokio::test]
async fn a_retired_key_takes_its_cached_tokens_with_it() {
    let f = fixture(true).await;
    let old = f.token("auth0|old-key");
    assert_eq!(f.verify(&old).await.unwrap(), "auth0|old-key");
    let generation = f.metrics().generation;

    let retired = f.tenant.signing_key().kid().to_owned();
    f.tenant.rotate();
    f.tenant.retire_key(&retired);
    f.refresh_keys().await;
    let metrics = f.metrics();
    assert_ne!(metrics.generation, generation);
    assert_eq!(metrics.keys, 1);

    // The cached verification of a token whose key is gone is not served.
    assert_eq!(f.refused(&old).await, ErrorKind::UnknownKey);
    // Tokens of the new key verify.
    let new = f.token("auth0|new-key");
    assert_eq!(f.verify(&new).await.unwrap(), "auth0|new-key");
}

#[tokio::test]
async fn an_expired_token_is_not_served_from_the_cache() {
    let f = fixture(true).await;
    let now = f.clock.now_unix();
    let short = f.tenant.token().iat(now).exp(now + 120).sign();
    f.verify(&short).await.unwrap();
    f.clock.advance(Duration::from_secs(600));
    assert_eq!(f.refused(&short).await, ErrorKind::Expired);
}

#[tokio::test]
async fn metrics_count_misses_entries_and_bytes_within_the_memory_bound() {
    let tenant = TestTenant::start().await;
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .cache_capacity(1_000)
        .cache_memory(64 * 1024)
        .build()
        .unwrap();
    let token = tenant.token().sub("auth0|metrics").sign();
    verifier.verify(&token).await.unwrap();
    verifier.verify(&token).await.unwrap();
    let m = verifier.cache_metrics();
    assert_eq!((m.entries, m.misses), (1, 1), "{m:?}");
    assert!(m.bytes >= token.len() as u64, "{m:?}");
    assert_eq!(m.capacity_bytes, 64 * 1024);

    // Tokens of about 8 KiB each: the memory bound, not the entry bound, limits the cache.
    let padding = "p".repeat(6 * 1024);
    for i in 0..40 {
        let big = tenant
            .token()
            .sub(format!("auth0|big-{i}"))
            .claim("padding", padding.as_str())
            .sign();
        verifier.verify(&big).await.unwrap();
    }
    let m = verifier.cache_metrics();
    assert_eq!(m.misses, 41, "{m:?}");
    assert!(m.bytes <= 64 * 1024, "{m:?}");
    assert!((1..8).contains(&m.entries), "{m:?}");

    let off = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .cache(false)
        .build()
        .unwrap();
    off.verify(&token).await.unwrap();
    assert_eq!(off.cache_metrics(), auth0_core::CacheMetrics::default());
}

#[tokio::test]
async fn the_synchronous_cache_answer_is_the_answer_of_verify_request() {
    let tenant = TestTenant::start().await;
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .require_scopes(auth0_core::RequiredScopes::all(["read:messages"]))
        .build()
        .unwrap();
    let scoped = format!(
        "Bearer {}",
        tenant.token().sub("a").scope("read:messages").sign()
    );
    let unscoped = format!("Bearer {}", tenant.token().sub("b").sign());
    let token = tenant.token().sub("c").sign();
    // Another first character of the signature: the same length, other signature bytes.
    let at = token.rfind('.').unwrap() + 1;
    let other = if token[at..].starts_with('A') {
        "B"
    } else {
        "A"
    };
    let forged = format!("Bearer {}{other}{}", &token[..at], &token[at + 1..]);
    let cached = |header: &str| verifier.verify_request_cached([header.as_bytes()]);

    // Not cached yet: no answer without waiting.
    assert!(cached(&scoped).is_none());
    assert!(cached(&unscoped).is_none());
    assert!(cached(&forged).is_none());
    // Answers that need no cache at all.
    assert_eq!(
        verifier
            .verify_request_cached([])
            .unwrap()
            .unwrap_err()
            .kind(),
        &ErrorKind::MissingCredentials
    );
    assert_eq!(
        verifier
            .verify_request_cached([scoped.as_bytes(), scoped.as_bytes()])
            .unwrap()
            .unwrap_err()
            .kind(),
        &ErrorKind::MalformedRequest
    );

    for header in [&scoped, &unscoped, &forged] {
        let full = verifier
            .verify_request(Default::default(), [header.as_bytes()], [])
            .await;
        let fast = cached(header).expect("answered from the caches after one verification");
        match (full, fast) {
            (Ok(a), Ok(b)) => assert!(Arc::ptr_eq(&a, &b)),
            (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{header}"),
            (a, b) => panic!("{header}: {a:?} against {b:?}"),
        }
    }
    assert_eq!(
        cached(&unscoped).unwrap().unwrap_err().kind(),
        &ErrorKind::InsufficientScope {
            required: "read:messages".into()
        }
    );
    assert_eq!(
        cached(&forged).unwrap().unwrap_err().kind(),
        &ErrorKind::Signature
    );

    // The cookie variant: a header wins, no header reads the cookie.
    let cookie = format!("at={}", &scoped["Bearer ".len()..]);
    let with_cookie = |auth: &[&[u8]]| {
        verifier.verify_request_with_cookie_cached(auth.iter().copied(), "at", [cookie.as_bytes()])
    };
    assert!(with_cookie(&[]).unwrap().is_ok());
    assert!(with_cookie(&[unscoped.as_bytes()]).unwrap().is_err());
}
