//! Deliberate deviations from the reference, key selection and mixed key sets.

use super::*;

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
