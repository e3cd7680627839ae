//! The refusal cache, observed through the number of signature checks run on the test's
//! thread: replaying a refused token costs a lookup, and a change of keys lets it be tried again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::*;
use crate::jwks::key::SIGNATURE_CHECKS;
use crate::testing::{TestKey, TokenBuilder, hostile, jwks};

pub(super) const DOMAIN: &str = "https://tenant.example.com";
pub(super) const AUDIENCE: &str = "https://api.example.com";

/// Runs a verification whose keys are seeded: it never waits.
pub(super) fn now<F: Future>(f: F) -> F::Output {
    match pin!(f)
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("verification waited although its keys are seeded"),
    }
}

fn checks() -> usize {
    SIGNATURE_CHECKS.with(std::cell::Cell::get)
}

fn verifier(cache: bool) -> (AccessTokenVerifier, TestKey) {
    let key = TestKey::rsa(0);
    let v = AccessTokenVerifier::builder(DOMAIN)
        .audience(AUDIENCE)
        .cache(cache)
        .seed_jwks(jwks(&[&key]).to_string())
        .build()
        .unwrap();
    (v, key)
}

fn token(key: &TestKey) -> TokenBuilder {
    TokenBuilder::new(key)
        .iss(format!("{DOMAIN}/"))
        .sub("auth0|replayer")
        .aud(AUDIENCE)
}

#[test]
fn a_replayed_bad_signature_costs_one_check() {
    let (v, key) = verifier(true);
    let bad = token(&key).sign_with_bad_signature();
    let before = checks();
    for _ in 0..5 {
        assert_eq!(
            now(v.verify(&bad)).unwrap_err().kind(),
            &ErrorKind::Signature
        );
    }
    assert_eq!(checks() - before, 1);
}

#[test]
fn without_the_cache_every_replay_is_checked() {
    let (v, key) = verifier(false);
    let bad = token(&key).sign_with_bad_signature();
    let before = checks();
    for _ in 0..5 {
        assert!(now(v.verify(&bad)).is_err());
    }
    assert_eq!(checks() - before, 5);
}

#[test]
fn lasting_claim_refusals_are_remembered_and_passing_ones_are_not() {
    let (v, key) = verifier(true);
    let expired = token(&key).expired().sign();
    let wrong_audience = token(&key).aud("https://other.example.com").sign();
    let before = checks();
    for _ in 0..3 {
        assert_eq!(
            now(v.verify(&expired)).unwrap_err().kind(),
            &ErrorKind::Expired
        );
        assert_eq!(
            now(v.verify(&wrong_audience)).unwrap_err().kind(),
            &ErrorKind::Audience
        );
    }
    assert_eq!(checks() - before, 2);
    // A refusal that time can lift is not remembered: a token not yet valid is checked again.
    let future = token(&key).nbf(now_unix() + 3600).sign();
    let before = checks();
    for _ in 0..3 {
        assert!(now(v.verify(&future)).is_err());
    }
    assert_eq!(checks() - before, 3);
}

#[test]
fn a_change_of_keys_lets_a_refused_token_be_tried_again() {
    let (v, key) = verifier(true);
    let bad = token(&key).sign_with_bad_signature();
    assert!(now(v.verify(&bad)).is_err());
    let before = checks();
    assert!(now(v.verify(&bad)).is_err());
    assert_eq!(checks(), before, "served from the refusal cache");
    let (_, store) = v.key_stores().next().unwrap();
    store
        .seed(&jwks(&[&key, &TestKey::rsa(1)]).to_string())
        .unwrap();
    assert!(now(v.verify(&bad)).is_err());
    assert_eq!(checks() - before, 1, "checked again under the new key set");
}

#[test]
fn hostile_tokens_are_refused_and_replays_are_not_checked_again() {
    // A loopback tenant: the unknown-kid variants may cause one refetch.
    current_thread().block_on(async {
        let (tenant, v) = warm_tenant().await;
        let tokens =
            hostile::hostile_tokens(&tenant.issuer(), &tenant.audience(), &tenant.signing_key());
        assert!(tokens.len() >= 10);
        for t in &tokens {
            let first = v.verify(&t.token).await.unwrap_err();
            let outcome = v.outcome(&first);
            assert_eq!(outcome.status, 401, "{}", t.name);
            assert!(
                outcome
                    .www_authenticate
                    .as_deref()
                    .is_some_and(|c| c.contains("error=\"invalid_token\"")),
                "{}",
                t.name
            );
            let before = checks();
            let again = v.verify(&t.token).await.unwrap_err();
            assert_eq!(first.kind(), again.kind(), "{}", t.name);
            assert_eq!(
                checks(),
                before,
                "{}: a replay runs no signature check",
                t.name
            );
        }
        assert!(
            tenant.jwks_requests() <= 2,
            "at most one refetch for unknown kids"
        );
    });
}

/// A runtime on the test's thread, so that signature checks are counted there.
fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A loopback tenant and a verifier whose keys are already fetched.
async fn warm_tenant() -> (crate::testing::TestTenant, AccessTokenVerifier) {
    let tenant = crate::testing::TestTenant::start().await;
    let v = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap();
    v.warm_up().await.unwrap();
    (tenant, v)
}

fn now_unix() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    i64::try_from(d.as_secs()).unwrap()
}

#[test]
fn unknown_kids_are_refused_without_reading_the_payload_once_no_refetch_may_start() {
    current_thread().block_on(async {
        let (tenant, v) = warm_tenant().await;
        let header = |kid: &str| {
            crate::testing::b64(
                serde_json::json!({"alg": "RS256", "kid": kid})
                    .to_string()
                    .as_bytes(),
            )
        };
        let garbage_payload = crate::testing::b64(b"not json at all");
        // The first unknown kid may cause one refetch: its payload is read for the issuer.
        let first = format!("{}.{garbage_payload}.c2ln", header("unknown-1"));
        assert_eq!(
            v.verify(&first).await.unwrap_err().kind(),
            &ErrorKind::Malformed
        );
        let good = tenant.token().sub("auth0|x").kid("unknown-2").sign();
        assert_eq!(
            v.verify(&good).await.unwrap_err().kind(),
            &ErrorKind::UnknownKey
        );
        let fetches = tenant.jwks_requests();
        // Within the cooldown, other unknown kids are refused from the header alone.
        for i in 0..50 {
            let t = format!("{}.{garbage_payload}.c2ln", header(&format!("random-{i}")));
            assert_eq!(
                v.verify(&t).await.unwrap_err().kind(),
                &ErrorKind::UnknownKey,
                "{i}"
            );
        }
        assert_eq!(tenant.jwks_requests(), fetches, "no further fetch");
        // A known kid still verifies.
        assert!(v.verify(&tenant.token().sign()).await.is_ok());
    });
}

#[test]
fn a_signature_of_the_wrong_length_is_refused_without_a_check() {
    let (v, key) = verifier(true);
    let good = token(&key).sign();
    let input = &good[..good.rfind('.').unwrap()];
    for len in [0usize, 1, 255, 257, 512] {
        let t = format!("{input}.{}", crate::testing::b64(&vec![7u8; len]));
        let before = checks();
        assert_eq!(
            now(v.verify(&t)).unwrap_err().kind(),
            &ErrorKind::Signature,
            "{len}"
        );
        assert_eq!(checks(), before, "{len}");
    }
    let right_length = format!("{input}.{}", crate::testing::b64(&[7u8; 256]));
    let before = checks();
    assert!(now(v.verify(&right_length)).is_err());
    assert_eq!(
        checks() - before,
        1,
        "a signature of the right length is checked"
    );
}

#[test]
fn tokens_over_the_configured_length_are_refused_before_any_work() {
    let key = TestKey::rsa(0);
    let v = AccessTokenVerifier::builder(DOMAIN)
        .audience(AUDIENCE)
        .max_token_len(2048)
        .seed_jwks(jwks(&[&key]).to_string())
        .build()
        .unwrap();
    let short = token(&key).sign();
    assert!(short.len() < 2048);
    assert!(now(v.verify(&short)).is_ok());

    let padding = "p".repeat(2048);
    let long = token(&key).claim("padding", padding.as_str()).sign();
    let long_bad = token(&key)
        .claim("padding", padding.as_str())
        .sign_with_bad_signature();
    let before = checks();
    for t in [&long, &long_bad] {
        assert_eq!(now(v.verify(t)).unwrap_err().kind(), &ErrorKind::Malformed);
        let header = format!("Bearer {t}");
        let refused = now(v.verify_authorization([header.as_bytes()])).unwrap_err();
        assert_eq!(refused.kind(), &ErrorKind::Malformed);
        let cached = v.verify_request_cached([header.as_bytes()]);
        assert_eq!(
            cached.map(|r| r.unwrap_err().kind().clone()),
            Some(ErrorKind::Malformed)
        );
    }
    assert_eq!(checks(), before, "no signature was checked");

    // The same token passes a verifier with the default limit.
    let (default, _) = verifier(true);
    assert!(now(default.verify(&long)).is_ok());
}

#[test]
fn the_length_limit_is_checked_at_build() {
    use crate::bearer::MAX_TOKEN_LEN;
    use crate::verify::config::ConfigError;
    for bad in [0, MAX_TOKEN_LEN + 1] {
        let err = AccessTokenVerifier::builder(DOMAIN)
            .audience(AUDIENCE)
            .max_token_len(bad)
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::TokenLengthLimit(MAX_TOKEN_LEN));
        assert!(err.to_string().contains("16384"), "{err}");
    }
    assert!(
        AccessTokenVerifier::builder(DOMAIN)
            .audience(AUDIENCE)
            .max_token_len(MAX_TOKEN_LEN)
            .build()
            .is_ok()
    );
}
