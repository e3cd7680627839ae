//! Per-token verification cost, with the same key and token: raw `jsonwebtoken::decode` with a
//! prepared `DecodingKey` and `Validation`, this crate's verifier with the verified-token cache
//! off, and with it on; RS256 and ES256; and the whole header path (`Authorization` value →
//! claims) with the cache on.
//!
//! `cargo bench -p auth0-core --features testing --bench verify`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use auth0_core::testing::{TestKey, TokenBuilder, jwks};
use auth0_core::{AccessTokenVerifier, Algorithm};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{DecodingKey, Validation};

const ISSUER_DOMAIN: &str = "https://tenant.example.com";
const AUDIENCE: &str = "https://api.example.com";

/// Runs a future that completes without waiting (keys are seeded, nothing touches the network).
fn now_or_never<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("verification unexpectedly waited"),
    }
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct RawClaims {
    iss: String,
    sub: String,
    aud: String,
    exp: i64,
    iat: i64,
    scope: String,
}

fn bench_alg(
    c: &mut Criterion,
    name: &str,
    key: TestKey,
    alg: Algorithm,
    jwt_alg: jsonwebtoken::Algorithm,
) {
    let token = TokenBuilder::new(&key)
        .iss(format!("{ISSUER_DOMAIN}/"))
        .sub("auth0|bench")
        .aud(AUDIENCE)
        .scope("read:messages write:messages")
        .claim("azp", "client-id")
        .sign();
    let document = jwks(&[&key]).to_string();

    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.public_jwk()).unwrap();
    let decoding_key = DecodingKey::from_jwk(&jwk).unwrap();
    let mut validation = Validation::new(jwt_alg);
    validation.set_audience(&[AUDIENCE]);
    validation.set_issuer(&[format!("{ISSUER_DOMAIN}/")]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    validation.validate_nbf = true;

    let verifier = |cache: bool| {
        AccessTokenVerifier::builder(ISSUER_DOMAIN)
            .audience(AUDIENCE)
            .algorithms([alg])
            .cache(cache)
            .seed_jwks(document.clone())
            .build()
            .unwrap()
    };
    let uncached = verifier(false);
    let cached = verifier(true);
    now_or_never(uncached.verify(&token)).unwrap();
    now_or_never(cached.verify(&token)).unwrap();
    jsonwebtoken::decode::<RawClaims>(&token, &decoding_key, &validation).unwrap();

    let mut group = c.benchmark_group(name);
    group.bench_function("jsonwebtoken::decode (prepared key + Validation)", |b| {
        b.iter(|| {
            jsonwebtoken::decode::<RawClaims>(
                std::hint::black_box(&token),
                &decoding_key,
                &validation,
            )
            .unwrap()
        })
    });
    group.bench_function("AccessTokenVerifier, cache off", |b| {
        b.iter(|| now_or_never(uncached.verify(std::hint::black_box(&token))).unwrap())
    });
    group.bench_function("AccessTokenVerifier, cache on", |b| {
        b.iter(|| now_or_never(cached.verify(std::hint::black_box(&token))).unwrap())
    });
    let header = format!("Bearer {token}");
    group.bench_function(
        "AccessTokenVerifier::verify_authorization (header), cache on",
        |b| {
            b.iter(|| {
                now_or_never(cached.verify_authorization([std::hint::black_box(header.as_bytes())]))
                    .unwrap()
            })
        },
    );
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_alg(
        c,
        "RS256",
        TestKey::rsa(0),
        Algorithm::RS256,
        jsonwebtoken::Algorithm::RS256,
    );
    bench_alg(
        c,
        "ES256",
        TestKey::es256(1),
        Algorithm::ES256,
        jsonwebtoken::Algorithm::ES256,
    );
}

criterion_group!(verify, benches);
criterion_main!(verify);
