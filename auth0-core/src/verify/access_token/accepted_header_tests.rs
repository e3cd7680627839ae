//! Remembered header segments, observed through the number of headers decoded on the test's
//! thread: a header is remembered only once its token's signature passed, a remembered one is
//! not decoded again, and a token that reuses it is judged exactly as a fresh parse would judge
//! it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::refusal_tests::{AUDIENCE, DOMAIN, now};
use super::*;
use crate::jose::HEADER_PARSES;
use crate::testing::{TestKey, TokenBuilder, jwks};

fn parses() -> usize {
    HEADER_PARSES.with(std::cell::Cell::get)
}

fn verifier(keys: &[&TestKey]) -> AccessTokenVerifier {
    AccessTokenVerifier::builder(DOMAIN)
        .audience(AUDIENCE)
        .cache(false)
        .seed_jwks(jwks(keys).to_string())
        .build()
        .unwrap()
}

fn token(key: &TestKey, sub: &str) -> TokenBuilder {
    TokenBuilder::new(key)
        .iss(format!("{DOMAIN}/"))
        .sub(sub)
        .aud(AUDIENCE)
}

fn header_of(token: &str) -> &str {
    token.split('.').next().unwrap()
}

#[test]
fn a_header_is_remembered_once_its_signature_passed_and_then_not_decoded_again() {
    let key = TestKey::rsa(0);
    let v = verifier(&[&key]);
    let bad = token(&key, "auth0|a").sign_with_bad_signature();
    assert_eq!(
        now(v.verify(&bad)).unwrap_err().kind(),
        &ErrorKind::Signature
    );
    assert_eq!(
        v.inner.headers.len(),
        0,
        "a refused signature remembers nothing"
    );

    let first = token(&key, "auth0|a").sign();
    let before = parses();
    now(v.verify(&first)).unwrap();
    assert_eq!(parses() - before, 1);
    assert_eq!(v.inner.headers.len(), 1);

    // Other tokens with the same header bytes: no header decoded, each judged on its own.
    let second = token(&key, "auth0|b").sign();
    let expired = token(&key, "auth0|c").expired().sign();
    let forged = token(&key, "auth0|d").sign_with_bad_signature();
    assert_eq!(header_of(&second), header_of(&first));
    assert_eq!(header_of(&forged), header_of(&first));
    let before = parses();
    assert_eq!(now(v.verify(&second)).unwrap().sub, "auth0|b");
    assert_eq!(
        now(v.verify(&expired)).unwrap_err().kind(),
        &ErrorKind::Expired
    );
    assert_eq!(
        now(v.verify(&forged)).unwrap_err().kind(),
        &ErrorKind::Signature
    );
    assert_eq!(parses() - before, 0, "the remembered header was used");
    assert_eq!(v.inner.headers.len(), 1);
}

#[test]
fn a_header_that_differs_by_anything_is_decoded_and_judged_afresh() {
    let key = TestKey::rsa(0);
    let v = verifier(&[&key]);
    now(v.verify(&token(&key, "auth0|a").sign())).unwrap();
    let cases = [
        (
            token(&key, "auth0|a").alg("RS384").sign(),
            ErrorKind::Algorithm,
        ),
        (
            token(&key, "auth0|a").header("typ", 5).sign(),
            ErrorKind::TokenType,
        ),
        (
            token(&key, "auth0|a")
                .header("jku", "https://evil.example")
                .sign(),
            ErrorKind::UnsupportedHeader,
        ),
    ];
    for (token, expected) in cases {
        let before = parses();
        assert_eq!(now(v.verify(&token)).unwrap_err().kind(), &expected);
        assert_eq!(parses() - before, 1);
    }
    assert_eq!(
        v.inner.headers.len(),
        1,
        "refused headers are not remembered"
    );
}

#[test]
fn each_key_has_its_header_remembered() {
    let (rsa, ec) = (TestKey::rsa(0), TestKey::es256(0));
    let v = AccessTokenVerifier::builder(DOMAIN)
        .audience(AUDIENCE)
        .algorithms([Algorithm::RS256, Algorithm::ES256])
        .cache(false)
        .seed_jwks(jwks(&[&rsa, &ec]).to_string())
        .build()
        .unwrap();
    for _ in 0..2 {
        now(v.verify(&token(&rsa, "auth0|r").sign())).unwrap();
        now(v.verify(&token(&ec, "auth0|e").sign())).unwrap();
    }
    assert_eq!(v.inner.headers.len(), 2);
    // An ES256 header that names the RSA key is refused, remembered headers or not.
    let crossed = token(&ec, "auth0|x").kid(rsa.kid()).sign();
    assert_eq!(
        now(v.verify(&crossed)).unwrap_err().kind(),
        &ErrorKind::Algorithm
    );
}

/// A verifier of a loopback tenant where nothing listens, so that a refetch fails at once.
fn loopback_verifier(keys: &[&TestKey]) -> AccessTokenVerifier {
    AccessTokenVerifier::builder(LOOPBACK)
        .audience(AUDIENCE)
        .cache(false)
        .seed_jwks(jwks(keys).to_string())
        .build()
        .unwrap()
}

const LOOPBACK: &str = "http://127.0.0.1:1";

#[tokio::test]
async fn a_remembered_header_whose_key_was_rotated_out_is_judged_afresh() {
    let (old, new) = (TestKey::rsa(0), TestKey::rsa(1));
    assert_ne!(old.kid(), new.kid());
    let signed = |key: &TestKey, sub: &str| {
        TokenBuilder::new(key)
            .iss(format!("{LOOPBACK}/"))
            .sub(sub)
            .aud(AUDIENCE)
            .sign()
    };
    let v = loopback_verifier(&[&old]);
    v.verify(&signed(&old, "auth0|a")).await.unwrap();
    assert_eq!(v.inner.headers.len(), 1);
    // The tenant rotates: only the new key is published now.
    v.inner.issuers[0]
        .store
        .seed(&jwks(&[&new]).to_string())
        .unwrap();
    let stale = signed(&old, "auth0|b");
    let before = parses();
    let refused = v.verify(&stale).await.unwrap_err();
    assert_eq!(
        parses() - before,
        1,
        "the remembered header led to the full road"
    );
    let never_remembered = loopback_verifier(&[&new]);
    let expected = never_remembered.verify(&stale).await.unwrap_err();
    assert_eq!(refused.kind(), expected.kind());
    assert_eq!(
        v.verify(&signed(&new, "auth0|c")).await.unwrap().sub,
        "auth0|c"
    );
}
