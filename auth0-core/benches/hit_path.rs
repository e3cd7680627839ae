//! The verified-token cache's hit path from several threads at once: every thread verifies
//! from the `Authorization` header bytes (what the adapters call) in a loop, either all with
//! the same token (one hot client: every thread meets on the same cache entry) or each with
//! its own. What one thread costs alone against what it costs while the others run shows what
//! the hit path shares across cores (locks, reference counts).
//!
//! `cargo bench -p auth0-core --features testing --bench hit_path`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::future::Future;
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use auth0_core::testing::{TestKey, TokenBuilder, jwks, now_or_never};
use auth0_core::{AccessTokenVerifier, RequestTarget};
use criterion::{Criterion, criterion_group, criterion_main};

const ISSUER_DOMAIN: &str = "https://tenant.example.com";
const AUDIENCE: &str = "https://api.example.com";

/// Runs a future that completes without waiting (keys are seeded, tokens cached).
fn ready<F: Future>(f: F) -> F::Output {
    now_or_never(f).expect("verification unexpectedly waited")
}

/// Wall time for `threads` threads to make `iters` hits each, started together.
fn run(verifier: &AccessTokenVerifier, headers: &[String], iters: u64) -> Duration {
    let barrier = Barrier::new(headers.len());
    let target = RequestTarget::new("GET", "/api/private").host("api.example.com");
    std::thread::scope(|s| {
        let handles: Vec<_> = headers
            .iter()
            .map(|header| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..iters {
                        let claims = ready(verifier.verify_request(
                            target,
                            [black_box(header.as_bytes())],
                            [],
                        ))
                        .unwrap();
                        black_box(claims);
                    }
                    start.elapsed()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .max()
            .unwrap_or_default()
    })
}

fn hit_path(c: &mut Criterion) {
    let key = TestKey::rsa(0);
    let verifier = AccessTokenVerifier::builder(ISSUER_DOMAIN)
        .audience(AUDIENCE)
        .seed_jwks(jwks(&[&key]).to_string())
        .build()
        .unwrap();
    let header = |sub: &str| {
        let token = TokenBuilder::new(&key)
            .iss(format!("{ISSUER_DOMAIN}/"))
            .sub(sub)
            .aud(AUDIENCE)
            .scope("read:messages")
            .sign();
        ready(verifier.verify(&token)).unwrap(); // cached
        format!("Bearer {token}")
    };
    let shared = header("auth0|shared");
    let own: Vec<String> = (0..4)
        .map(|i| header(&format!("auth0|thread-{i}")))
        .collect();

    let mut group = c.benchmark_group("hit_path");
    for threads in [1usize, 2, 4] {
        let same = vec![shared.clone(); threads];
        group.bench_function(format!("{threads} threads, same token"), |b| {
            b.iter_custom(|iters| run(&verifier, &same, iters));
        });
        if threads > 1 {
            let distinct = own[..threads].to_vec();
            group.bench_function(format!("{threads} threads, a token each"), |b| {
                b.iter_custom(|iters| run(&verifier, &distinct, iters));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, hit_path);
criterion_main!(benches);
