//! Signature verifiers: algorithms, key fetching, `none`.

use super::*;

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
    let sv = fx.sv();
    let store = store_of(&sv);
    let v = fx.verifier_with(sv);
    let token = rs256(&Payload::p());
    accepted(&v, &token, &none()).await;
    assert_eq!(fx.requests(), 1);

    // 479 s: within the TTL and before the proactive refresh (at 80 %, 480 s).
    fx.clock.advance(secs(479));
    without_refresh(accepted(&v, &token, &none())).await;
    assert_eq!(fx.requests(), 1);

    // 601 s: expired.
    fx.clock.advance(secs(122));
    accepted(&v, &token, &none()).await;
    wait_until("the refetch after 600 s", || fetched_just_now(&store)).await;
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
    without_refresh(accepted(&v, &token, &none())).await;
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
