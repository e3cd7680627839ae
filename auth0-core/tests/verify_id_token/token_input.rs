//! Token verifier: construction, empty and malformed tokens, signatures.

use super::*;

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
    let builder = || TokenVerifier::builder(sv(), ISSUER, AUDIENCE);
    assert_eq!(
        builder().leeway(secs(301)).build().unwrap_err(),
        ConfigError::LeewayTooLarge(300)
    );
    builder().leeway(secs(300)).build().unwrap();
    // Every error waits for `build`, whatever the order of the settings.
    assert_eq!(
        TokenVerifier::builder(sv(), "", AUDIENCE)
            .leeway(secs(301))
            .build()
            .unwrap_err(),
        ConfigError::Empty("issuer")
    );
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
    let v = fx
        .builder_with(SignatureVerifier::symmetric(HMAC_SHARED_SECRET).unwrap())
        .leeway(Duration::ZERO)
        .build()
        .unwrap();
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
