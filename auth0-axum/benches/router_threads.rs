//! An axum router's cost per request from several threads at once, with a route that is open
//! and one that `Auth0Verified` protects (the verifier as the router state, the same cached
//! token on every thread). What protection adds with two threads, beyond what it adds with
//! one, bounds what the framework path shares across cores (reference counts of the state and
//! of the claims, the cache's shard lock), together with how the two threads slow each other.
//!
//! Two more routes test one of those: both verify from the headers themselves, one with the
//! verifier as its state (axum clones the state for every request, an atomic count every
//! thread writes) and one with a `&'static` verifier (cloned for free). The protected route is
//! also run with a token per thread, so that the threads share no cache entry and no claims.
//!
//! `cargo bench -p auth0-axum --bench router_threads`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use auth0_axum::{AccessTokenVerifier, Auth0Verified};
use auth0_core::testing::{TestKey, TokenBuilder, jwks, now_or_never};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use tower::ServiceExt;

const ISSUER_DOMAIN: &str = "https://tenant.example.com";
const AUDIENCE: &str = "https://api.example.com";

/// Runs a future that completes without waiting (keys are seeded, the token cached).
fn ready<F: Future>(f: F) -> F::Output {
    now_or_never(f).expect("the request unexpectedly waited")
}

async fn open() -> &'static str {
    "auth0|bench"
}

async fn private(Auth0Verified(claims): Auth0Verified) -> String {
    claims.sub.clone()
}

/// Verifies with a state that axum clones per request (an `Arc` inside).
async fn by_arc(State(v): State<AccessTokenVerifier>, headers: HeaderMap) -> String {
    auth0_tower::verify_headers_cached(&v, &headers, None)
        .unwrap()
        .unwrap()
        .sub
        .clone()
}

/// Verifies with a state whose clone touches no shared count.
async fn by_static(State(v): State<&'static AccessTokenVerifier>, headers: HeaderMap) -> String {
    auth0_tower::verify_headers_cached(v, &headers, None)
        .unwrap()
        .unwrap()
        .sub
        .clone()
}

/// Wall time for one thread per entry of `authorizations` to send `iters` requests each to
/// `router` with that `Authorization` value, started together.
fn run(router: &Router, authorizations: &[String], iters: u64) -> Duration {
    let barrier = Barrier::new(authorizations.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = authorizations
            .iter()
            .map(|authorization| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..iters {
                        let request = Request::get("/api/private")
                            .header("host", "api.example.com")
                            .header("authorization", black_box(authorization.as_str()))
                            .body(Body::empty())
                            .unwrap();
                        let response = ready(router.clone().oneshot(request)).unwrap();
                        assert_eq!(response.status(), StatusCode::OK);
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

fn router_threads(c: &mut Criterion) {
    let key = TestKey::rsa(0);
    let verifier = AccessTokenVerifier::builder(ISSUER_DOMAIN)
        .audience(AUDIENCE)
        .seed_jwks(jwks(&[&key]).to_string())
        .build()
        .unwrap();
    let authorization = |sub: &str| {
        let token = TokenBuilder::new(&key)
            .iss(format!("{ISSUER_DOMAIN}/"))
            .sub(sub)
            .aud(AUDIENCE)
            .scope("read:messages")
            .sign();
        ready(verifier.verify(&token)).unwrap(); // cached
        format!("Bearer {token}")
    };
    let shared = authorization("auth0|bench");
    let own = [
        authorization("auth0|thread-0"),
        authorization("auth0|thread-1"),
    ];

    let open_router = Router::new().route("/api/private", get(open));
    let protected_router = Router::new()
        .route("/api/private", get(private))
        .with_state(verifier.clone());
    let arc_router = Router::new()
        .route("/api/private", get(by_arc))
        .with_state(verifier.clone());
    let leaked: &'static AccessTokenVerifier = Box::leak(Box::new(verifier));
    let leaked_router = Router::new()
        .route("/api/private", get(by_static))
        .with_state(leaked);

    let mut group = c.benchmark_group("router_threads");
    for threads in [1usize, 2] {
        for (name, router) in [
            ("open", &open_router),
            ("protected", &protected_router),
            ("headers, Arc state", &arc_router),
            ("headers, static state", &leaked_router),
        ] {
            let same = vec![shared.clone(); threads];
            group.bench_function(format!("{threads} threads, {name}"), |b| {
                b.iter_custom(|iters| run(router, &same, iters));
            });
        }
        if threads > 1 {
            group.bench_function(format!("{threads} threads, protected, a token each"), |b| {
                b.iter_custom(|iters| run(&protected_router, &own, iters));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, router_threads);
criterion_main!(benches);
