//! ID-token verification: a counterpart of every case of auth0-python's `test_token_verifier.py`
//! (`TestSignatureVerifier`, `TestJwksFetcher`, `TestTokenVerifier`) and of its former async
//! tests, adapted to this crate's API and to the reference defects it fixes.
//!
//! Tests named `…_unlike_reference` pin a deliberate deviation. The reference's fixtures are
//! kept: payload `P`, clock 1587592561, leeway 60, audience `tokens-test-123`. Its tokens carry
//! no `kid`; ours need one (`rsa-0`, published by a loopback [`TestTenant`]), and its 6-byte
//! HMAC secret `"secret"` becomes a 32-byte secret.

#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0_core::Algorithm;
use auth0_core::ConfigError;
use auth0_core::jwks::{JwksError, JwksOptions, ManualClock};
use auth0_core::testing::{JwksFault, TestKey, TestTenant, TokenBuilder, sign_raw};
use auth0_core::verify::id_token::{
    DEFAULT_LEEWAY, IdTokenClaims, IdTokenError, IdTokenErrorKind as Kind, SignatureVerifier,
    TokenVerifier, VerifyOptions,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

const ISSUER: &str = "https://tokens-test.auth0.com/";
const AUDIENCE: &str = "tokens-test-123";
const ALT_AUDIENCE: &str = "external-test-999";
const NONCE: &str = "a1b2c3d4e5";
const MOCKED_CLOCK: i64 = 1_587_592_561;
const EXP: i64 = 1_587_765_361;
const AUTH_TIME: i64 = 1_587_678_961;
/// The reference's `"secret"`, grown to the 32 bytes RFC 7518 §3.2 requires.
const HMAC_SHARED_SECRET: &str = "secret-secret-secret-secret-0032";
const JWKS_URL: &str = "https://app.myhosting.com/.well-known/jwks.json";

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// A token payload under construction.
#[derive(Clone, Debug)]
struct Payload(Map<String, Value>);

impl Payload {
    /// The reference's default payload `P`.
    fn p() -> Self {
        Self::of(json!({
            "iss": ISSUER,
            "sub": "auth0|123456789",
            "aud": [AUDIENCE, ALT_AUDIENCE],
            "exp": EXP,
            "iat": MOCKED_CLOCK,
            "nonce": NONCE,
            "azp": AUDIENCE,
            "auth_time": AUTH_TIME,
        }))
    }

    /// The reference's organization payload (single audience, `org_id`, no nonce, azp or
    /// auth_time).
    fn org() -> Self {
        Self::of(json!({
            "sub": "auth0|sdk458fks",
            "aud": AUDIENCE,
            "org_id": "org_123",
            "iss": ISSUER,
            "exp": EXP,
            "iat": MOCKED_CLOCK,
        }))
    }

    fn of(value: Value) -> Self {
        match value {
            Value::Object(map) => Self(map),
            other => panic!("not a JSON object: {other}"),
        }
    }

    fn set(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.0.insert(name.to_owned(), value.into());
        self
    }

    fn without(mut self, name: &str) -> Self {
        self.0.remove(name);
        self
    }

    fn json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }
}

/// A token builder carrying exactly `p`, header `{alg, kid}` from `key`.
fn builder(p: &Payload, key: &TestKey) -> TokenBuilder {
    let mut b = TokenBuilder::new(key)
        .remove_header("typ")
        .remove_claim("iat")
        .remove_claim("exp");
    for (name, value) in &p.0 {
        b = b.claim(name, value);
    }
    b
}

/// `p` signed with RS256 by `rsa-0`, the key every fixture tenant publishes.
fn rs256(p: &Payload) -> String {
    builder(p, &TestKey::rsa(0)).sign()
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact HS256 JWS of exactly these header and payload texts.
fn hs256_raw(header: &str, payload: &str, secret: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
    let tag = aws_lc_rs::hmac::sign(&key, input.as_bytes());
    format!("{input}.{}", b64(tag.as_ref()))
}

/// `p` under the reference's HS256 header `{"alg":"HS256"}`, signed with the shared secret.
fn hs256(p: &Payload) -> String {
    hs256_raw(
        r#"{"alg":"HS256"}"#,
        &p.json(),
        HMAC_SHARED_SECRET.as_bytes(),
    )
}

/// The organization tokens' header carries `typ`, as in the reference.
fn hs256_typ(p: &Payload) -> String {
    hs256_raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &p.json(),
        HMAC_SHARED_SECRET.as_bytes(),
    )
}

/// An unsecured token: this header, `p`, an empty signature.
fn unsigned(header: &str, p: &Payload) -> String {
    format!("{}.{}.", b64(header), b64(p.json()))
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn none() -> VerifyOptions {
    VerifyOptions::new()
}

/// A loopback tenant publishing `rsa-0`, and a manual clock at the reference's `MOCKED_CLOCK`.
struct Fx {
    tenant: TestTenant,
    clock: Arc<ManualClock>,
}

impl Fx {
    async fn start() -> Self {
        Self::on(TestTenant::start().await)
    }

    fn on(tenant: TestTenant) -> Self {
        Self {
            tenant,
            clock: Arc::new(ManualClock::new(MOCKED_CLOCK)),
        }
    }

    /// RS256 over the tenant's JWKS, default key-store options.
    fn sv(&self) -> SignatureVerifier {
        self.sv_with(Algorithm::RS256, JwksOptions::default())
    }

    fn sv_with(&self, algorithm: Algorithm, options: JwksOptions) -> SignatureVerifier {
        SignatureVerifier::asymmetric_with(
            &self.tenant.jwks_url(),
            algorithm,
            options,
            self.clock.clone(),
        )
        .unwrap()
    }

    /// `TokenVerifier(sv, ISSUER, AUDIENCE, leeway=60)` with the manual clock, as the
    /// reference's `assert_fails_with_error` builds it.
    fn verifier(&self) -> TokenVerifier {
        self.verifier_with(self.sv())
    }

    fn verifier_with(&self, sv: SignatureVerifier) -> TokenVerifier {
        TokenVerifier::new(sv, ISSUER, AUDIENCE)
            .unwrap()
            .with_leeway(secs(60))
            .unwrap()
            .with_clock(self.clock.clone())
    }

    /// Like [`verifier`](Self::verifier) with a leeway of 0.
    fn strict_verifier(&self) -> TokenVerifier {
        self.verifier().with_leeway(Duration::ZERO).unwrap()
    }

    /// HS256 with the shared secret, leeway 60, the manual clock.
    fn hs_verifier(&self) -> TokenVerifier {
        self.verifier_with(SignatureVerifier::symmetric(HMAC_SHARED_SECRET).unwrap())
    }

    fn requests(&self) -> usize {
        self.tenant.jwks_requests()
    }
}

/// Verifies and expects a refusal.
async fn refused(verifier: &TokenVerifier, token: &str, options: &VerifyOptions) -> IdTokenError {
    match verifier.verify(token, options).await {
        Ok(claims) => panic!("token accepted, claims {claims:?}"),
        Err(e) => e,
    }
}

/// Verifies and expects success.
async fn accepted(verifier: &TokenVerifier, token: &str, options: &VerifyOptions) -> IdTokenClaims {
    match verifier.verify(token, options).await {
        Ok(claims) => claims,
        Err(e) => panic!("token refused: {:?}: {e}", e.kind()),
    }
}

/// The reference's `assert_fails_with_error`: the exact message (also the `Display` text) and
/// the kind.
async fn assert_fails_with(
    verifier: &TokenVerifier,
    token: &str,
    options: &VerifyOptions,
    kind: Kind,
    message: &str,
) {
    let e = refused(verifier, token, options).await;
    assert_eq!(e.message(), message);
    assert_eq!(e.to_string(), message);
    assert_eq!(e.kind(), kind, "{message}");
}

/// Waits (real time, at most 5 s) for a background task of the key store to get somewhere.
async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Gives a background refresh that should NOT happen a chance to show up.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

// ---------------------------------------------------------------------------------------------
// TestSignatureVerifier
// ---------------------------------------------------------------------------------------------

/// `test_fail_at_creation_with_invalid_algorithm`: `algorithm=12345` cannot be written (the
/// algorithm is a closed enum and an unknown name does not parse); what can still be wrong at
/// creation — the JWKS URL — is refused then, not at the first request.
#[test]
fn fail_at_creation_with_invalid_algorithm() {
    assert!("12345".parse::<Algorithm>().is_err());
    assert_eq!(Algorithm::from_name("none"), None);
    assert_eq!(Algorithm::from_name("HS256"), None);
    assert_eq!(Algorithm::from_name("rs256"), None);
    for url in [
        "ftp://app.myhosting.com/.well-known/jwks.json",
        "http://app.myhosting.com/.well-known/jwks.json",
        "https://app.myhosting.com/.well-known/jwks.json?x=1",
        "not a url",
    ] {
        assert!(
            matches!(
                SignatureVerifier::asymmetric(url, Algorithm::RS256),
                Err(ConfigError::Jwks(JwksError::InvalidUrl(_)))
            ),
            "{url}"
        );
    }
}

#[test]
fn symmetric_verifier_uses_hs256_alg() {
    let sv = SignatureVerifier::symmetric(HMAC_SHARED_SECRET).unwrap();
    assert_eq!(sv.algorithm(), "HS256");
    assert!(sv.key_store().is_none());
}

#[test]
fn asymmetric_verifier_uses_rs256_alg() {
    let sv = SignatureVerifier::asymmetric(JWKS_URL, Algorithm::RS256).unwrap();
    assert_eq!(sv.algorithm(), "RS256");
    assert_eq!(sv.key_store().unwrap().url(), JWKS_URL);
    let ps = SignatureVerifier::asymmetric(JWKS_URL, Algorithm::PS256).unwrap();
    assert_eq!(ps.algorithm(), "PS256");
}

/// `test_asymmetric_verifier_uses_default_jwks_cache_ttl`: the default lifetime is 600 s (the
/// reference's `CACHE_TTL`), observed through requests: none within it, one after it. Known
/// keys keep verifying while the refresh runs in the background.
#[tokio::test]
async fn asymmetric_verifier_uses_default_jwks_cache_ttl() {
    let fx = Fx::start().await;
    fx.tenant.set_cache_control(None); // no max-age: the store's own TTL applies
    let v = fx.verifier();
    let token = rs256(&Payload::p());
    accepted(&v, &token, &none()).await;
    assert_eq!(fx.requests(), 1);

    // 479 s: within the TTL and before the proactive refresh (at 80 %, 480 s).
    fx.clock.advance(secs(479));
    accepted(&v, &token, &none()).await;
    settle().await;
    assert_eq!(fx.requests(), 1);

    // 601 s: expired.
    fx.clock.advance(secs(122));
    accepted(&v, &token, &none()).await;
    wait_until("the refetch after 600 s", || fx.requests() == 2).await;
    settle().await;
    assert_eq!(fx.requests(), 2);
}

/// `test_asymmetric_verifier_uses_provided_jwks_cache_ttl`: `cache_ttl=3600` → 3600 s.
#[tokio::test]
async fn asymmetric_verifier_uses_provided_jwks_cache_ttl() {
    let fx = Fx::start().await;
    fx.tenant.set_cache_control(None);
    let v = fx.verifier_with(fx.sv_with(Algorithm::RS256, JwksOptions::default().ttl(secs(3600))));
    let token = rs256(&Payload::p());
    accepted(&v, &token, &none()).await;
    assert_eq!(fx.requests(), 1);

    // Past the default 600 s, before 80 % of 3600 s.
    fx.clock.advance(secs(2879));
    accepted(&v, &token, &none()).await;
    settle().await;
    assert_eq!(fx.requests(), 1);

    fx.clock.advance(secs(722)); // 3601 s
    accepted(&v, &token, &none()).await;
    wait_until("the refetch after 3600 s", || fx.requests() == 2).await;
}

/// `test_symmetric_verifier_fetches_key`: the shared secret is the key; no JWKS involved.
#[tokio::test]
async fn symmetric_verifier_fetches_key() {
    let fx = Fx::start().await;
    let claims = accepted(&fx.hs_verifier(), &hs256(&Payload::p()), &none()).await;
    assert_eq!(claims["sub"], "auth0|123456789");
    assert_eq!(fx.requests(), 0);
}

/// `test_asymmetric_verifier_fetches_key` and the async
/// `test_async_asymmetric_verifier_fetches_key`: the token's `kid` is looked up in the JWKS.
#[tokio::test]
async fn asymmetric_verifier_fetches_key() {
    let fx = Fx::start().await;
    let sv = fx.sv();
    let store = sv.key_store().unwrap().clone();
    assert_eq!(store.metrics().keys, 0);
    let v = fx.verifier_with(sv);
    accepted(&v, &rs256(&Payload::p()), &none()).await;
    assert_eq!(fx.requests(), 1);
    assert_eq!(store.metrics().keys, 1);
    assert_eq!(store.metrics().fetches, 1);
}

/// `test_fails_with_none_algorithm`: header `{"alg":"none","typ":"JWT"}`.
#[tokio::test]
async fn fails_with_none_algorithm() {
    let fx = Fx::start().await;
    let token = unsigned(r#"{"alg":"none","typ":"JWT"}"#, &Payload::p());
    assert_fails_with(
        &fx.hs_verifier(),
        &token,
        &none(),
        Kind::Algorithm,
        r#"Signature algorithm of "none" is not supported. Expected the token to be signed with "HS256""#,
    )
    .await;
    assert_fails_with(
        &fx.verifier(),
        &token,
        &none(),
        Kind::Algorithm,
        r#"Signature algorithm of "none" is not supported. Expected the token to be signed with "RS256""#,
    )
    .await;
    assert_eq!(fx.requests(), 0);
}

/// Beyond the reference: the `alg` comparison is exact, a missing `alg` reads `"None"` as in
/// the reference, and each mode refuses the other's algorithm.
#[tokio::test]
async fn algorithm_is_compared_exactly_and_confusion_is_refused() {
    let fx = Fx::start().await;
    let p = Payload::p();
    let rs = fx.verifier();
    let hs = fx.hs_verifier();
    let lower = builder(&p, &TestKey::rsa(0)).alg("rs256").sign();
    assert_fails_with(
        &rs,
        &lower,
        &none(),
        Kind::Algorithm,
        r#"Signature algorithm of "rs256" is not supported. Expected the token to be signed with "RS256""#,
    )
    .await;
    let missing = builder(&p, &TestKey::rsa(0)).remove_header("alg").sign();
    assert_fails_with(
        &rs,
        &missing,
        &none(),
        Kind::Algorithm,
        r#"Signature algorithm of "None" is not supported. Expected the token to be signed with "RS256""#,
    )
    .await;
    assert_fails_with(
        &rs,
        &hs256(&p),
        &none(),
        Kind::Algorithm,
        r#"Signature algorithm of "HS256" is not supported. Expected the token to be signed with "RS256""#,
    )
    .await;
    assert_fails_with(
        &hs,
        &rs256(&p),
        &none(),
        Kind::Algorithm,
        r#"Signature algorithm of "RS256" is not supported. Expected the token to be signed with "HS256""#,
    )
    .await;
    assert_eq!(fx.requests(), 0);
}

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
    accepted(&v, &token, &none()).await;
    settle().await;
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
    let v = fx.verifier_with(fx.sv_with(Algorithm::RS256, JwksOptions::default().ttl(secs(100))));
    let token = rs256(&Payload::p());
    accepted(&v, &token, &none()).await;
    assert_eq!(fx.requests(), 1);
    fx.clock.advance(secs(200));
    accepted(&v, &token, &none()).await;
    wait_until("the refetch after 100 s", || fx.requests() == 2).await;
    // The refreshed set is fresh again.
    accepted(&v, &token, &none()).await;
    settle().await;
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
    let v = fx.verifier();
    let token = rs256(&Payload::p());
    accepted(&v, &token, &none()).await;

    fx.tenant.set_fault(JwksFault::Status(500));
    fx.clock.advance(secs(601));
    accepted(&v, &token, &none()).await;
    wait_until("the failed background refresh", || fx.requests() == 2).await;
    accepted(&v, &token, &none()).await;
    settle().await;
    assert_eq!(fx.requests(), 2); // the refresh backs off

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

// ---------------------------------------------------------------------------------------------
// TestTokenVerifier
// ---------------------------------------------------------------------------------------------

/// `test_fails_at_creation_with_invalid_signature_verifier`: a non-verifier cannot be passed
/// (typed); what can be wrong is refused at creation.
#[test]
fn fails_at_creation_with_invalid_configuration() {
    let sv = || SignatureVerifier::symmetric(HMAC_SHARED_SECRET).unwrap();
    assert_eq!(
        TokenVerifier::new(sv(), "", AUDIENCE).unwrap_err(),
        ConfigError::Empty("issuer")
    );
    assert_eq!(
        TokenVerifier::new(sv(), ISSUER, "").unwrap_err(),
        ConfigError::Empty("audience")
    );
    let v = TokenVerifier::new(sv(), ISSUER, AUDIENCE).unwrap();
    assert_eq!(
        v.clone().with_leeway(secs(301)).unwrap_err(),
        ConfigError::LeewayTooLarge(300)
    );
    v.with_leeway(secs(300)).unwrap();
}

/// `test_err_token_empty` (`None` cannot be passed).
#[tokio::test]
async fn err_token_empty() {
    let fx = Fx::start().await;
    for v in [fx.verifier(), fx.hs_verifier()] {
        assert_fails_with(
            &v,
            "",
            &none(),
            Kind::Missing,
            "ID token is required but missing.",
        )
        .await;
    }
    assert_eq!(fx.requests(), 0);
}

/// `test_err_token_format_invalid`, plus a five-segment JWE and characters outside base64url.
#[tokio::test]
async fn err_token_format_invalid() {
    let fx = Fx::start().await;
    for v in [fx.verifier(), fx.hs_verifier()] {
        for token in ["a.b", "a.b.", "a.b.c.d", "a.b.c.d.e", "a.b.c=", " a.b.c"] {
            assert_fails_with(
                &v,
                token,
                &none(),
                Kind::Malformed,
                "token could not be decoded.",
            )
            .await;
        }
    }
    assert_eq!(fx.requests(), 0);
}

/// `test_HS256_token_signature_passes`: leeway 0, clock `MOCKED_CLOCK`.
#[tokio::test]
async fn hs256_token_signature_passes() {
    let fx = Fx::start().await;
    let v = fx.hs_verifier().with_leeway(Duration::ZERO).unwrap();
    let p = Payload::p();
    let claims = accepted(&v, &hs256(&p), &VerifyOptions::new().nonce(NONCE)).await;
    assert_eq!(claims, p.0);
}

/// `test_RS256_token_signature_passes`: leeway 0, through the tenant's JWKS.
#[tokio::test]
async fn rs256_token_signature_passes() {
    let fx = Fx::start().await;
    let p = Payload::p();
    let claims = accepted(
        &fx.strict_verifier(),
        &rs256(&p),
        &VerifyOptions::new().nonce(NONCE),
    )
    .await;
    assert_eq!(claims, p.0);
    assert_eq!(fx.requests(), 1);
}

/// `test_HS256_token_signature_fails`: signature `invalidsignature`; also a token signed with
/// another (32-byte) secret.
#[tokio::test]
async fn hs256_token_signature_fails() {
    let fx = Fx::start().await;
    let v = fx.hs_verifier();
    let good = hs256(&Payload::p());
    let (input, _) = good.rsplit_once('.').unwrap();
    assert_fails_with(
        &v,
        &format!("{input}.invalidsignature"),
        &none(),
        Kind::Signature,
        "Invalid token signature.",
    )
    .await;
    let other = hs256_raw(
        r#"{"alg":"HS256"}"#,
        &Payload::p().json(),
        b"another-secret-another-secret-32",
    );
    assert_fails_with(
        &v,
        &other,
        &none(),
        Kind::Signature,
        "Invalid token signature.",
    )
    .await;
}

/// `test_RS256_token_signature_fails`: signature `invalidsignature`; also one flipped byte and
/// an empty signature.
#[tokio::test]
async fn rs256_token_signature_fails() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let b = builder(&Payload::p(), &TestKey::rsa(0));
    let good = b.sign();
    let (input, _) = good.rsplit_once('.').unwrap();
    for token in [
        format!("{input}.invalidsignature"),
        b.sign_with_bad_signature(),
        format!("{input}."),
    ] {
        assert_fails_with(
            &v,
            &token,
            &none(),
            Kind::Signature,
            "Invalid token signature.",
        )
        .await;
    }
    assert_eq!(fx.requests(), 1);
}

/// Async `test_RS256_token_signature_fails`: the JWKS holds a different key under the token's
/// `kid` (the wrong key under the right kid).
#[tokio::test]
async fn rs256_token_signed_by_another_key_under_the_same_kid_fails() {
    let fx = Fx::on(
        TestTenant::builder()
            .signing_key(TestKey::rsa(1).with_kid("kid-1"))
            .start()
            .await,
    );
    let token = builder(&Payload::p(), &TestKey::rsa(0).with_kid("kid-1")).sign();
    assert_fails_with(
        &fx.verifier(),
        &token,
        &none(),
        Kind::Signature,
        "Invalid token signature.",
    )
    .await;
    assert_eq!(fx.requests(), 1);
}

/// Async `test_RS256_token_signature_passes`: `{iss, sub, aud, exp: now+86400, iat: now}`,
/// `kid` `kid-1`, verified against the real clock with the plain constructors.
#[tokio::test]
async fn rs256_token_with_kid_passes_on_the_system_clock() {
    let key = TestKey::rsa(0).with_kid("kid-1");
    let tenant = TestTenant::builder().signing_key(key.clone()).start().await;
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let p = Payload::of(json!({
        "iss": ISSUER,
        "sub": "auth0|123456789",
        "aud": AUDIENCE,
        "exp": now + 86400,
        "iat": now,
    }));
    let sv = SignatureVerifier::asymmetric(&tenant.jwks_url(), Algorithm::RS256).unwrap();
    let v = TokenVerifier::new(sv, ISSUER, AUDIENCE).unwrap();
    let claims = accepted(&v, &builder(&p, &key).sign(), &none()).await;
    assert_eq!(claims["sub"], "auth0|123456789");
}

/// `test_fails_with_algorithm_not_supported`: header `{"alg":"none"}`, empty signature.
#[tokio::test]
async fn fails_with_algorithm_not_supported() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &unsigned(r#"{"alg":"none"}"#, &Payload::p()),
        &none(),
        Kind::Algorithm,
        r#"Signature algorithm of "none" is not supported. Expected the token to be signed with "RS256""#,
    )
    .await;
    assert_eq!(fx.requests(), 0);
}

#[tokio::test]
async fn fails_with_iss_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("iss")),
        &none(),
        Kind::Issuer,
        "Issuer (iss) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_with_iss_invalid() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("iss", "something-else")),
        &none(),
        Kind::Issuer,
        r#"Issuer (iss) claim mismatch in the ID token; expected "https://tokens-test.auth0.com/", found "something-else""#,
    )
    .await;
}

#[tokio::test]
async fn fails_with_sub_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("sub")),
        &none(),
        Kind::Subject,
        "Subject (sub) claim must be a string present in the ID token",
    )
    .await;
}

/// `test_fails_with_aud_missing`, plus wrong types (an object, an array with a number).
#[tokio::test]
async fn fails_with_aud_missing() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    for p in [
        Payload::p().without("aud"),
        Payload::p().set("aud", json!({"a": AUDIENCE})),
        Payload::p().set("aud", json!([AUDIENCE, 42])),
        Payload::p().set("aud", Value::Null),
    ] {
        assert_fails_with(
            &v,
            &rs256(&p),
            &none(),
            Kind::Audience,
            "Audience (aud) claim must be a string or array of strings present in the ID token",
        )
        .await;
    }
}

/// `test_fails_with_aud_invalid`, plus an empty list (shown as `""`, as in the reference).
#[tokio::test]
async fn fails_with_aud_invalid() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("aud", json!([ALT_AUDIENCE]))),
        &none(),
        Kind::Audience,
        r#"Audience (aud) claim mismatch in the ID token; expected "tokens-test-123" but was not one of "external-test-999""#,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("aud", json!([ALT_AUDIENCE, "other"]))),
        &none(),
        Kind::Audience,
        r#"Audience (aud) claim mismatch in the ID token; expected "tokens-test-123" but was not one of "external-test-999, other""#,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("aud", json!([]))),
        &none(),
        Kind::Audience,
        r#"Audience (aud) claim mismatch in the ID token; expected "tokens-test-123" but was not one of """#,
    )
    .await;
}

/// Untested in the reference: the message for a string `aud` ("but found").
#[tokio::test]
async fn fails_with_string_aud_invalid() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("aud", ALT_AUDIENCE)),
        &none(),
        Kind::Audience,
        r#"Audience (aud) claim mismatch in the ID token; expected "tokens-test-123" but found "external-test-999""#,
    )
    .await;
}

#[tokio::test]
async fn fails_with_exp_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("exp")),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim must be a number present in the ID token",
    )
    .await;
}

/// `test_fails_with_exp_invalid`: exp = MOCKED, clock = MOCKED + 60 + 1.
#[tokio::test]
async fn fails_with_exp_invalid() {
    let fx = Fx::start().await;
    fx.clock.set_unix(MOCKED_CLOCK + 60 + 1);
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592622) is after expiration time (1587592621)",
    )
    .await;
}

/// Boundary of `exp` with leeway 0: valid while `now < exp` (RFC 7519 §4.1.4). The reference
/// still accepted `now == exp`.
#[tokio::test]
async fn exp_boundary_now_equal_to_exp_is_expired_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.strict_verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK + 1)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592561) is after expiration time (1587592561)",
    )
    .await;
}

/// Boundary of `exp` with leeway 60 (untested pass side of the reference): `exp + 60 > now`
/// passes, `exp + 60 == now` fails.
#[tokio::test]
async fn exp_leeway_boundary() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK - 59)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK - 60)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592561) is after expiration time (1587592561)",
    )
    .await;
}

/// The reference's code default leeway is 0 (its docs say 60); ours really is 60 s.
#[tokio::test]
async fn default_leeway_is_60_seconds_unlike_reference() {
    assert_eq!(DEFAULT_LEEWAY, secs(60));
    let fx = Fx::start().await;
    let v = TokenVerifier::new(fx.sv(), ISSUER, AUDIENCE)
        .unwrap()
        .with_clock(fx.clock.clone());
    accepted(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK - 30)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("exp", MOCKED_CLOCK - 60)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592561) is after expiration time (1587592561)",
    )
    .await;
}

#[tokio::test]
async fn fails_with_iat_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("iat")),
        &none(),
        Kind::IssuedAt,
        "Issued At (iat) claim must be a number present in the ID token",
    )
    .await;
}

/// The reference only type-checks `iat`; ours refuses one beyond `now + leeway`.
#[tokio::test]
async fn future_iat_is_refused_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("iat", MOCKED_CLOCK + 60)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("iat", MOCKED_CLOCK + 61)),
        &none(),
        Kind::IssuedAt,
        "Issued At (iat) claim error in the ID token; current time (1587592561) is before issued at time (1587592622)",
    )
    .await;
}

/// The reference never checks `nbf`; ours refuses one beyond `now + leeway` and a non-number.
#[tokio::test]
async fn nbf_is_enforced_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("nbf", MOCKED_CLOCK - 3600)),
        &none(),
    )
    .await;
    accepted(
        &v,
        &rs256(&Payload::p().set("nbf", MOCKED_CLOCK + 60)),
        &none(),
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("nbf", MOCKED_CLOCK + 61)),
        &none(),
        Kind::NotBefore,
        "Not Before (nbf) claim error in the ID token; current time (1587592561) is before not before time (1587592622)",
    )
    .await;
    for bad in [json!("soon"), json!(true), Value::Null, json!(-1)] {
        assert_fails_with(
            &v,
            &rs256(&Payload::p().set("nbf", bad)),
            &none(),
            Kind::NotBefore,
            "Not Before (nbf) claim must be a number in the ID token",
        )
        .await;
    }
}

/// The reference rejects fractional NumericDates and accepts `true` as 1. Ours accepts
/// fractions (floored) and refuses booleans, strings and negatives.
#[tokio::test]
async fn float_dates_accepted_and_booleans_refused_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let p = Payload::p()
        .set("exp", 1_587_765_361.5)
        .set("iat", 1_587_592_561.25)
        .set("auth_time", 1_587_592_500.75);
    accepted(&v, &rs256(&p), &VerifyOptions::new().max_age(secs(120))).await;

    // Floored: exp 1587592561.9 is 1587592561, expired at 1587592561 with leeway 0.
    assert_fails_with(
        &fx.strict_verifier(),
        &rs256(&Payload::p().set("exp", 1_587_592_561.9)),
        &none(),
        Kind::Expiration,
        "Expiration Time (exp) claim error in the ID token; current time (1587592561) is after expiration time (1587592561)",
    )
    .await;

    for bad in [
        json!(true),
        json!(false),
        json!("1587765361"),
        json!(-1),
        json!(1e300),
    ] {
        assert_fails_with(
            &v,
            &rs256(&Payload::p().set("exp", bad.clone())),
            &none(),
            Kind::Expiration,
            "Expiration Time (exp) claim must be a number present in the ID token",
        )
        .await;
        assert_fails_with(
            &v,
            &rs256(&Payload::p().set("iat", bad.clone())),
            &none(),
            Kind::IssuedAt,
            "Issued At (iat) claim must be a number present in the ID token",
        )
        .await;
        assert_fails_with(
            &v,
            &rs256(&Payload::p().set("auth_time", bad)),
            &VerifyOptions::new().max_age(secs(120)),
            Kind::AuthTime,
            "Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified",
        )
        .await;
    }
}

#[tokio::test]
async fn passes_when_nonce_missing_but_not_required() {
    let fx = Fx::start().await;
    accepted(
        &fx.verifier(),
        &rs256(&Payload::p().without("nonce")),
        &none(),
    )
    .await;
}

#[tokio::test]
async fn fails_with_nonce_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("nonce")),
        &VerifyOptions::new().nonce(NONCE),
        Kind::Nonce,
        "Nonce (nonce) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_with_nonce_invalid() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("nonce", "000999")),
        &VerifyOptions::new().nonce(NONCE),
        Kind::Nonce,
        r#"Nonce (nonce) claim mismatch in the ID token; expected "a1b2c3d4e5", found "000999""#,
    )
    .await;
}

/// The reference skips an empty (falsy) nonce; ours compares it.
#[tokio::test]
async fn empty_nonce_is_enforced_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    assert_fails_with(
        &v,
        &rs256(&Payload::p()),
        &VerifyOptions::new().nonce(""),
        Kind::Nonce,
        r#"Nonce (nonce) claim mismatch in the ID token; expected "", found "a1b2c3d4e5""#,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().without("nonce")),
        &VerifyOptions::new().nonce(""),
        Kind::Nonce,
        "Nonce (nonce) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_with_aud_array_and_azp_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("azp")),
        &none(),
        Kind::AuthorizedParty,
        "Authorized Party (azp) claim must be a string present in the ID token when Audience (aud) claim has multiple values",
    )
    .await;
}

#[tokio::test]
async fn fails_with_aud_array_and_azp_invalid() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("azp", ALT_AUDIENCE)),
        &none(),
        Kind::AuthorizedParty,
        r#"Authorized Party (azp) claim mismatch in the ID token; expected "tokens-test-123", found "external-test-999""#,
    )
    .await;
}

/// The reference ignores `azp` unless `aud` has several values; ours checks it whenever it is
/// present (and a single audience without `azp` still passes).
#[tokio::test]
async fn azp_checked_whenever_present_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let single = Payload::p().set("aud", AUDIENCE);
    accepted(&v, &rs256(&single), &none()).await;
    accepted(&v, &rs256(&single.clone().without("azp")), &none()).await;
    for p in [
        single.clone().set("azp", ALT_AUDIENCE),
        Payload::p()
            .set("aud", json!([AUDIENCE]))
            .set("azp", ALT_AUDIENCE),
    ] {
        assert_fails_with(
            &v,
            &rs256(&p),
            &none(),
            Kind::AuthorizedParty,
            r#"Authorized Party (azp) claim mismatch in the ID token; expected "tokens-test-123", found "external-test-999""#,
        )
        .await;
    }
    // A present but non-string azp is refused too (with the reference's wording).
    assert_fails_with(
        &v,
        &rs256(&single.set("azp", 42)),
        &none(),
        Kind::AuthorizedParty,
        "Authorized Party (azp) claim must be a string present in the ID token when Audience (aud) claim has multiple values",
    )
    .await;
}

#[tokio::test]
async fn fails_when_max_age_sent_with_auth_time_missing() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("auth_time")),
        &VerifyOptions::new().max_age(secs(120)),
        Kind::AuthTime,
        "Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified",
    )
    .await;
}

/// `test_fails_when_max_age_sent_with_auth_time_invalid`: auth_time = MOCKED, max_age 120,
/// clock = MOCKED + 60 + 120 + 1.
#[tokio::test]
async fn fails_when_max_age_sent_with_auth_time_invalid() {
    let fx = Fx::start().await;
    fx.clock.set_unix(MOCKED_CLOCK + 60 + 120 + 1);
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK)),
        &VerifyOptions::new().max_age(secs(120)),
        Kind::AuthTime,
        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592742) is after last auth at (1587592741)",
    )
    .await;
}

/// Untested in the reference: the `max_age` success path, and its boundary
/// (`now == auth_time + max_age + leeway` passes, one second later fails).
#[tokio::test]
async fn max_age_passes_up_to_the_boundary() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let opts = VerifyOptions::new().max_age(secs(120));
    let claims = accepted(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 100)),
        &opts,
    )
    .await;
    assert_eq!(claims["auth_time"], MOCKED_CLOCK - 100);
    accepted(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 180)),
        &opts,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 181)),
        &opts,
        Kind::AuthTime,
        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592561) is after last auth at (1587592560)",
    )
    .await;
}

/// The reference skips `max_age=0` (falsy); ours enforces it ("authenticate now", plus leeway).
#[tokio::test]
async fn max_age_zero_is_enforced_unlike_reference() {
    let fx = Fx::start().await;
    let opts = VerifyOptions::new().max_age(Duration::ZERO);
    let strict = fx.strict_verifier();
    accepted(
        &strict,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK)),
        &opts,
    )
    .await;
    assert_fails_with(
        &strict,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 1)),
        &opts,
        Kind::AuthTime,
        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592561) is after last auth at (1587592560)",
    )
    .await;
    let v = fx.verifier();
    accepted(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 60)),
        &opts,
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().set("auth_time", MOCKED_CLOCK - 61)),
        &opts,
        Kind::AuthTime,
        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592561) is after last auth at (1587592560)",
    )
    .await;
    assert_fails_with(
        &v,
        &rs256(&Payload::p().without("auth_time")),
        &opts,
        Kind::AuthTime,
        "Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified",
    )
    .await;
}

// --- organizations ---------------------------------------------------------------------------

#[tokio::test]
async fn passes_when_org_present_but_not_required() {
    let fx = Fx::start().await;
    accepted(&fx.hs_verifier(), &hs256_typ(&Payload::org()), &none()).await;
}

#[tokio::test]
async fn passes_when_org_present_and_matches() {
    let fx = Fx::start().await;
    let claims = accepted(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org()),
        &VerifyOptions::new().organization("org_123"),
    )
    .await;
    assert_eq!(claims["org_id"], "org_123");
}

#[tokio::test]
async fn fails_when_org_name_specified_but_not_present() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().without("org_id")),
        &VerifyOptions::new().organization("org-123"),
        Kind::Organization,
        "Organization (org_name) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_when_org_name_specified_but_not_string() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().without("org_id").set("org_name", 42)),
        &VerifyOptions::new().organization("org-123"),
        Kind::Organization,
        "Organization (org_name) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_when_org_name_specified_but_does_not_match() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().without("org_id").set("org_name", "org-abc")),
        &VerifyOptions::new().organization("org-123"),
        Kind::Organization,
        r#"Organization (org_name) claim mismatch in the ID token; expected "org-123", found "org-abc""#,
    )
    .await;
}

/// `test_succeeds_when_org_name_specified_matches`: the reference verified WITHOUT the
/// organization, so the name match was never exercised; here it is, and the call without it
/// still passes.
#[tokio::test]
async fn succeeds_when_org_name_specified_matches() {
    let fx = Fx::start().await;
    let v = fx.hs_verifier();
    let token = hs256_typ(&Payload::org().without("org_id").set("org_name", "org-123"));
    let claims = accepted(&v, &token, &VerifyOptions::new().organization("org-123")).await;
    assert_eq!(claims["org_name"], "org-123");
    let claims = accepted(&v, &token, &none()).await;
    assert_eq!(claims["org_name"], "org-123");
}

/// Untested in the reference: org names compare case-insensitively. The reference lowercased
/// only the expected value (so `ORG-123` matched `org-123`, but a claim `Org-123` never
/// matched); ours lowercases both.
#[tokio::test]
async fn org_name_comparison_is_case_insensitive_both_ways_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.hs_verifier();
    let lower = hs256_typ(&Payload::org().without("org_id").set("org_name", "org-123"));
    accepted(&v, &lower, &VerifyOptions::new().organization("ORG-123")).await;
    let mixed = hs256_typ(&Payload::org().without("org_id").set("org_name", "Org-123"));
    accepted(&v, &mixed, &VerifyOptions::new().organization("org-123")).await;
    // The mismatch message shows the expected value as given, not lower-cased.
    assert_fails_with(
        &v,
        &lower,
        &VerifyOptions::new().organization("ORG-ABC"),
        Kind::Organization,
        r#"Organization (org_name) claim mismatch in the ID token; expected "ORG-ABC", found "org-123""#,
    )
    .await;
}

/// As in the reference, the `org_` prefix is case-sensitive: `ORG_123` is an organization name.
#[tokio::test]
async fn uppercase_org_prefix_is_an_org_name() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org()),
        &VerifyOptions::new().organization("ORG_123"),
        Kind::Organization,
        "Organization (org_name) claim must be a string present in the ID token",
    )
    .await;
}

/// The reference skips an empty (falsy) organization; ours checks it (as a name).
#[tokio::test]
async fn empty_organization_is_enforced_unlike_reference() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org()),
        &VerifyOptions::new().organization(""),
        Kind::Organization,
        "Organization (org_name) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_when_org_id_specified_but_not_present() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().without("org_id")),
        &VerifyOptions::new().organization("org_123"),
        Kind::Organization,
        "Organization (org_id) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_when_org_id_specified_but_not_string() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().set("org_id", 42)),
        &VerifyOptions::new().organization("org_123"),
        Kind::Organization,
        "Organization (org_id) claim must be a string present in the ID token",
    )
    .await;
}

/// `test_fails_when_org_id_specified_but_does_not_match`; `org_id` is compared exactly.
#[tokio::test]
async fn fails_when_org_id_specified_but_does_not_match() {
    let fx = Fx::start().await;
    let v = fx.hs_verifier();
    let token = hs256_typ(&Payload::org());
    assert_fails_with(
        &v,
        &token,
        &VerifyOptions::new().organization("org_abc"),
        Kind::Organization,
        r#"Organization (org_id) claim mismatch in the ID token; expected "org_abc", found "org_123""#,
    )
    .await;
    refused(
        &v,
        &hs256_typ(&Payload::org().set("org_id", "org_ABC")),
        &VerifyOptions::new().organization("org_abc"),
    )
    .await;
}

/// As in the reference, organization errors come before `azp` errors.
#[tokio::test]
async fn organization_is_checked_before_azp() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("azp")),
        &VerifyOptions::new().organization("org_123"),
        Kind::Organization,
        "Organization (org_id) claim must be a string present in the ID token",
    )
    .await;
}

/// `test_verify_returns_payload`.
#[tokio::test]
async fn verify_returns_payload() {
    let fx = Fx::start().await;
    let claims = accepted(&fx.hs_verifier(), &hs256_typ(&Payload::org()), &none()).await;
    assert_eq!(claims["sub"], "auth0|sdk458fks");
    assert_eq!(claims["aud"], AUDIENCE);
    assert_eq!(claims["org_id"], "org_123");
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["exp"], EXP);
    assert_eq!(claims["iat"], MOCKED_CLOCK);
    assert_eq!(claims, Payload::org().0);
}

// --- deliberate deviations not tied to one reference case ------------------------------------

/// The reference accepts any `typ` (an access token's `at+jwt` included); ours only `JWT`
/// (any case) or `application/jwt`.
#[tokio::test]
async fn typ_at_jwt_is_refused_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.verifier();
    let b = builder(&Payload::p(), &TestKey::rsa(0));
    for typ in ["JWT", "jwt", "application/jwt", "Application/JWT"] {
        accepted(&v, &b.clone().typ(typ).sign(), &none()).await;
    }
    for typ in ["at+jwt", "application/at+jwt", "JOSE"] {
        assert_fails_with(
            &v,
            &b.clone().typ(typ).sign(),
            &none(),
            Kind::Malformed,
            &format!("token type {typ:?} is not an ID token."),
        )
        .await;
    }
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_raw(
            r#"{"alg":"HS256","typ":"at+jwt"}"#,
            &Payload::p().json(),
            HMAC_SHARED_SECRET.as_bytes(),
        ),
        &none(),
        Kind::Malformed,
        r#"token type "at+jwt" is not an ID token."#,
    )
    .await;
}

/// The reference accepts "secret" (6 bytes) with a warning; ours requires 32 bytes.
#[test]
fn hs256_secret_shorter_than_32_bytes_is_refused_unlike_reference() {
    assert_eq!(
        SignatureVerifier::symmetric("secret").unwrap_err(),
        ConfigError::WeakSecret
    );
    assert_eq!(
        SignatureVerifier::symmetric(&HMAC_SHARED_SECRET[..31]).unwrap_err(),
        ConfigError::WeakSecret
    );
    SignatureVerifier::symmetric(HMAC_SHARED_SECRET).unwrap();
    SignatureVerifier::symmetric([7u8; 64]).unwrap();
}

/// Several PyJWT errors escaped the reference unwrapped (non-string `kid`, payload not JSON,
/// non-string `sub`, `crit`); every failure here is an `IdTokenError`.
#[tokio::test]
async fn library_errors_never_escape_unlike_reference() {
    let fx = Fx::start().await;
    let hs = fx.hs_verifier();
    let secret = HMAC_SHARED_SECRET.as_bytes();
    let p = Payload::p().json();
    for (header, payload) in [
        (r#"{"alg":"HS256","kid":42}"#, p.as_str()),
        (r#"{"alg":"HS256","kid":""}"#, p.as_str()),
        (r#"{"alg":"HS256","typ":7}"#, p.as_str()),
        (r#"{"alg":"HS256","alg":"HS256"}"#, p.as_str()),
        (r#"["HS256"]"#, p.as_str()),
        (r#"{"alg":"HS256"}"#, "not json"),
        (r#"{"alg":"HS256"}"#, "[1,2]"),
        (r#"{"alg":"HS256"}"#, r#"{"sub":"a","sub":"b"}"#),
    ] {
        assert_fails_with(
            &hs,
            &hs256_raw(header, payload, secret),
            &none(),
            Kind::Malformed,
            "token could not be decoded.",
        )
        .await;
    }
    for header in [
        r#"{"alg":"HS256","crit":["exp"],"exp":1}"#,
        r#"{"alg":"HS256","jku":"https://evil.example/jwks.json"}"#,
        r#"{"alg":"HS256","jwk":{"kty":"oct","k":"AAAA"}}"#,
    ] {
        assert_fails_with(
            &hs,
            &hs256_raw(header, &p, secret),
            &none(),
            Kind::Malformed,
            "token header carries an unsupported parameter.",
        )
        .await;
    }
    assert_fails_with(
        &hs,
        &hs256(&Payload::p().set("sub", 42)),
        &none(),
        Kind::Subject,
        "Subject (sub) claim must be a string present in the ID token",
    )
    .await;
    // RS256: a payload that is not a JSON object, validly signed.
    assert_fails_with(
        &fx.verifier(),
        &sign_raw(r#"{"alg":"RS256","kid":"rsa-0"}"#, "[1]", &TestKey::rsa(0)),
        &none(),
        Kind::Malformed,
        "token could not be decoded.",
    )
    .await;
}

/// Values taken from the token are quoted with Rust escaping and cut at 64 characters.
#[tokio::test]
async fn token_values_in_messages_are_quoted_escaped_and_shortened() {
    let fx = Fx::start().await;
    let v = fx.hs_verifier();
    assert_fails_with(
        &v,
        &hs256(&Payload::p().set("iss", "evil\"\n\u{1b}[31m")),
        &none(),
        Kind::Issuer,
        r#"Issuer (iss) claim mismatch in the ID token; expected "https://tokens-test.auth0.com/", found "evil\"\n\u{1b}[31m""#,
    )
    .await;
    let long = "x".repeat(100);
    assert_fails_with(
        &v,
        &hs256(&Payload::p().set("nonce", long.as_str())),
        &VerifyOptions::new().nonce(NONCE),
        Kind::Nonce,
        &format!(
            "Nonce (nonce) claim mismatch in the ID token; expected \"a1b2c3d4e5\", found \"{}…\"",
            "x".repeat(64)
        ),
    )
    .await;
}

// --- key selection and mixed key sets (untested in the reference) ----------------------------

/// `kid`-based key selection end to end: three published RSA keys, each token verified with
/// the key its `kid` names, one JWKS GET; a token signed by one key under another's `kid` fails.
#[tokio::test]
async fn kid_selects_the_key_end_to_end() {
    let fx = Fx::on(
        TestTenant::builder()
            .publish_key(TestKey::rsa(1))
            .publish_key(TestKey::rsa(2))
            .start()
            .await,
    );
    let v = fx.verifier();
    let p = Payload::p();
    for i in 0..3 {
        accepted(&v, &builder(&p, &TestKey::rsa(i)).sign(), &none()).await;
    }
    assert_eq!(fx.requests(), 1);
    let crossed = builder(&p, &TestKey::rsa(1)).kid("rsa-2").sign();
    assert_fails_with(
        &v,
        &crossed,
        &none(),
        Kind::Signature,
        "Invalid token signature.",
    )
    .await;
    assert_eq!(fx.requests(), 1);
}

/// A JWKS mixing EC, OKP, `oct`, `kid`-less, encryption-only and RSA keys: the reference failed
/// to parse the whole set; ours keeps the usable RSA key and drops the others.
#[tokio::test]
async fn jwks_with_non_rsa_keys_mixed_in_unlike_reference() {
    let fx = Fx::start().await;
    let mut kidless = TestKey::rsa(3).public_jwk();
    kidless.as_object_mut().unwrap().remove("kid");
    let mut enc = TestKey::rsa(4).public_jwk();
    enc["use"] = json!("enc");
    let body = json!({"keys": [
        TestKey::es256(1).public_jwk(),
        TestKey::ed25519(1).public_jwk(),
        {"kty": "oct", "kid": "hmac", "k": b64(HMAC_SHARED_SECRET)},
        kidless,
        enc,
        TestKey::rsa(0).public_jwk(),
    ]});
    fx.tenant.set_jwks_body(Some(body.to_string()));
    let sv = fx.sv();
    let store = sv.key_store().unwrap().clone();
    let v = fx.verifier_with(sv);
    let p = Payload::p();
    accepted(&v, &rs256(&p), &none()).await;
    let m = store.metrics();
    assert_eq!((m.keys, m.rejected_keys), (1, 5));
    for kid in ["es256-1", "ed25519-1", "hmac", "rsa-4"] {
        let token = builder(&p, &TestKey::rsa(0)).kid(kid).sign();
        assert_fails_with(
            &v,
            &token,
            &none(),
            Kind::KeyNotFound,
            &format!("Public Key with ID {kid:?} was not found."),
        )
        .await;
    }
}

/// Beyond the reference (whose asymmetric keys were RSA only): an ES256 verifier picks the EC
/// key out of the same mixed set.
#[tokio::test]
async fn es256_verifier_selects_the_ec_key_of_a_mixed_jwks_unlike_reference() {
    let fx = Fx::on(
        TestTenant::builder()
            .publish_key(TestKey::es256(1))
            .publish_key(TestKey::ed25519(1))
            .start()
            .await,
    );
    let v = fx.verifier_with(fx.sv_with(Algorithm::ES256, JwksOptions::default()));
    let p = Payload::p();
    accepted(&v, &builder(&p, &TestKey::es256(1)).sign(), &none()).await;
    // The RSA key is not usable by an ES256 verifier, whatever the token says.
    let rsa_as_es = builder(&p, &TestKey::rsa(0)).alg("ES256").sign();
    assert_fails_with(
        &v,
        &rsa_as_es,
        &none(),
        Kind::KeyNotFound,
        r#"Public Key with ID "rsa-0" was not found."#,
    )
    .await;
}

/// The reference let a duplicated `kid` resolve to the last entry; ours makes it unusable,
/// while the other keys of the set keep working.
#[tokio::test]
async fn duplicate_kid_in_jwks_is_unusable_unlike_reference() {
    let fx = Fx::start().await;
    let body = json!({"keys": [
        TestKey::rsa(0).public_jwk(),
        TestKey::rsa(5).with_kid("rsa-0").public_jwk(),
        TestKey::rsa(1).public_jwk(),
    ]});
    fx.tenant.set_jwks_body(Some(body.to_string()));
    let v = fx.verifier();
    let p = Payload::p();
    accepted(&v, &builder(&p, &TestKey::rsa(1)).sign(), &none()).await;
    assert_fails_with(
        &v,
        &rs256(&p),
        &none(),
        Kind::KeyNotFound,
        r#"Public Key with ID "rsa-0" was not found."#,
    )
    .await;
}
