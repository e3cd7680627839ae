//! Per-token verification cost, with the same key and token: aws-lc-rs's signature check
//! alone (the floor), raw `jsonwebtoken::decode` with a
//! prepared `DecodingKey` and `Validation`, this crate's verifier with the verified-token cache
//! off, and with it on; RS256 and ES256; and the whole header path (`Authorization` value →
//! claims) with the cache on.
//!
//! `cargo bench -p auth0-core --features testing --bench verify`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::future::Future;

use auth0_core::testing::{TestKey, TokenBuilder, jwks, now_or_never};
use auth0_core::{AccessTokenVerifier, Algorithm};
use aws_lc_rs::signature::{self, ParsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{DecodingKey, Validation};

const ISSUER_DOMAIN: &str = "https://tenant.example.com";
const AUDIENCE: &str = "https://api.example.com";

/// Runs a future that completes without waiting (keys are seeded, nothing touches the network).
fn ready<F: Future>(f: F) -> F::Output {
    now_or_never(f).expect("verification unexpectedly waited")
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

/// The token's signature check by aws-lc-rs and nothing else: the key parsed once (aws-lc's
/// fastest way to check many signatures under one key), the signing input and signature
/// already split and decoded.
struct RawSignature {
    key: RawKey,
    message: Vec<u8>,
    signature: Vec<u8>,
}

enum RawKey {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    Parsed(ParsedPublicKey),
}

fn b64(v: &serde_json::Value) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(v.as_str().unwrap()).unwrap()
}

/// `n` and `e` of an RSA JWK, decoded.
fn rsa_components(jwk: &serde_json::Value) -> Option<(Vec<u8>, Vec<u8>)> {
    (jwk["kty"] == "RSA").then(|| (b64(&jwk["n"]), b64(&jwk["e"])))
}

impl RawSignature {
    fn new(jwk: &serde_json::Value, token: &str) -> Self {
        let key = match rsa_components(jwk) {
            Some((n, e)) => RawKey::Parsed(
                signature::RsaPublicKeyComponents { n, e }
                    .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256)
                    .unwrap(),
            ),
            None => {
                let mut point = vec![4u8];
                point.extend(b64(&jwk["x"]));
                point.extend(b64(&jwk["y"]));
                RawKey::Parsed(
                    ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point).unwrap(),
                )
            }
        };
        Self::with_key(key, token)
    }

    /// The same check with the RSA key built from its components on every call, as
    /// `RsaPublicKeyComponents::verify` does (no Montgomery constants kept between calls).
    fn from_components(jwk: &serde_json::Value, token: &str) -> Option<Self> {
        let (n, e) = rsa_components(jwk)?;
        Some(Self::with_key(RawKey::Rsa { n, e }, token))
    }

    /// `key` with the token's signing input and decoded signature.
    fn with_key(key: RawKey, token: &str) -> Self {
        let (message, sig) = token.rsplit_once('.').unwrap();
        Self {
            key,
            message: message.as_bytes().to_vec(),
            signature: URL_SAFE_NO_PAD.decode(sig).unwrap(),
        }
    }

    fn verify(&self) -> bool {
        match &self.key {
            RawKey::Rsa { n, e } => signature::RsaPublicKeyComponents { n, e }
                .verify(
                    &signature::RSA_PKCS1_2048_8192_SHA256,
                    &self.message,
                    &self.signature,
                )
                .is_ok(),
            RawKey::Parsed(key) => key.verify_sig(&self.message, &self.signature).is_ok(),
        }
    }
}

/// Cache-off verification against the signature check alone, timed in alternation (301 short
/// rounds of 100 calls each, which of the two goes first alternating from round to round) so
/// that a busy machine's drift and any order effect cancel out; prints the median ratio.
fn floor_ratio(name: &str, raw: &RawSignature, mut verify: impl FnMut()) {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test` runs the bench once to check it, and `--profile-time` (a profiler's run of
    // one row) wants that row alone: the comparison is for `cargo bench`.
    if !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--profile-time") {
        return;
    }
    const ROUNDS: usize = 301;
    const CALLS: usize = 100;
    let time = |f: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        for _ in 0..CALLS {
            f();
        }
        start.elapsed().as_secs_f64() / CALLS as f64
    };
    let mut ratios = Vec::with_capacity(ROUNDS);
    let mut floors = Vec::with_capacity(ROUNDS);
    let mut floor_alone = || assert!(std::hint::black_box(raw).verify());
    for round in 0..ROUNDS {
        let (floor, ours) = if round % 2 == 0 {
            let floor = time(&mut floor_alone);
            (floor, time(&mut verify))
        } else {
            let ours = time(&mut verify);
            (time(&mut floor_alone), ours)
        };
        ratios.push(ours / floor);
        floors.push(floor);
    }
    ratios.sort_by(f64::total_cmp);
    floors.sort_by(f64::total_cmp);
    println!(
        "{name}: cache-off verify ÷ signature check alone = {:.3}× (median of {ROUNDS} interleaved \
         rounds; range {:.3}–{:.3}×; signature check {:.1} µs)",
        ratios[ROUNDS / 2],
        ratios[0],
        ratios[ROUNDS - 1],
        floors[ROUNDS / 2] * 1e6
    );
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
    ready(uncached.verify(&token)).unwrap();
    ready(cached.verify(&token)).unwrap();
    jsonwebtoken::decode::<RawClaims>(&token, &decoding_key, &validation).unwrap();

    let raw = RawSignature::new(&key.public_jwk(), &token);
    assert!(
        raw.verify(),
        "the raw signature check agrees with the verifier"
    );

    floor_ratio(name, &raw, || {
        ready(uncached.verify(std::hint::black_box(&token))).unwrap();
    });

    let mut group = c.benchmark_group(name);
    group.bench_function("aws-lc-rs signature check alone (prepared key)", |b| {
        b.iter(|| assert!(std::hint::black_box(&raw).verify()))
    });
    if let Some(components) = RawSignature::from_components(&key.public_jwk(), &token) {
        group.bench_function(
            "aws-lc-rs signature check alone (RSA key from its components each call)",
            |b| b.iter(|| assert!(std::hint::black_box(&components).verify())),
        );
    }
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
        b.iter(|| ready(uncached.verify(std::hint::black_box(&token))).unwrap())
    });
    group.bench_function("AccessTokenVerifier, cache on", |b| {
        b.iter(|| ready(cached.verify(std::hint::black_box(&token))).unwrap())
    });
    let header = format!("Bearer {token}");
    group.bench_function(
        "AccessTokenVerifier::verify_authorization (header), cache on",
        |b| {
            b.iter(|| {
                ready(cached.verify_authorization([std::hint::black_box(header.as_bytes())]))
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
