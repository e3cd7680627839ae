//! Per-request cost of the tower / axum adapters against calling the verifier directly, with
//! the same token and the verified-token cache on (the common case: a client reuses its
//! access token). Run: `cargo bench -p auth0-axum -- --warm-up-time 2 --measurement-time 5`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use auth0_axum::{AccessTokenVerifier, Auth0Claims, Auth0Layer, Auth0Verified, Claims};
use auth0_core::testing::TestTenant;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use tokio::runtime::Runtime;
use tower::{Layer, ServiceExt, service_fn};

/// Runs `make(i)` `iters` times on the runtime and returns the elapsed time.
fn timed<F, Fut>(rt: &Runtime, iters: u64, mut make: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            make().await;
        }
        start.elapsed()
    })
}

fn request(authorization: &str) -> Request<Body> {
    Request::get("/api/private")
        .header("host", "api.example.com")
        .header("authorization", authorization)
        .body(Body::empty())
        .unwrap()
}

async fn private(Auth0Claims(claims): Auth0Claims) -> String {
    claims.sub.clone()
}

async fn private_state(Auth0Verified(claims): Auth0Verified) -> String {
    claims.sub.clone()
}

async fn open() -> &'static str {
    "auth0|bench"
}

fn adapters(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (tenant, verifier) = rt.block_on(async {
        let tenant = TestTenant::start().await;
        let verifier = AccessTokenVerifier::builder(&tenant.domain())
            .audience(tenant.audience())
            .build()
            .unwrap();
        (tenant, verifier)
    });
    let token = tenant
        .token()
        .sub("auth0|bench")
        .scope("read:messages")
        .sign();
    let authorization = format!("Bearer {token}");
    rt.block_on(verifier.verify(&token)).unwrap(); // keys fetched, token cached

    let mut group = c.benchmark_group("per_request");

    group.bench_function("verifier.verify (direct)", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                black_box(verifier.verify(black_box(&token)).await.unwrap());
            })
        });
    });

    group.bench_function("verifier.verify_authorization (header bytes)", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                let values = [black_box(authorization.as_bytes())];
                black_box(verifier.verify_authorization(values).await.unwrap());
            })
        });
    });

    group.bench_function("verifier.verify_request (header bytes + target)", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                let target = auth0_core::RequestTarget::new("GET", "/api/private")
                    .host(black_box("api.example.com"));
                let values = [black_box(authorization.as_bytes())];
                let proofs: [&[u8]; 0] = [];
                black_box(
                    verifier
                        .verify_request(target, values, proofs)
                        .await
                        .unwrap(),
                );
            })
        });
    });

    group.bench_function("bearer_token parse only", |b| {
        b.iter(|| {
            black_box(
                auth0_core::bearer::bearer_token([black_box(authorization.as_bytes())]).unwrap(),
            )
        });
    });
    let plain =
        service_fn(|_: Request<Body>| async { Ok::<_, Infallible>(Response::new(Body::empty())) });
    group.bench_function("tower service_fn alone (baseline)", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                let response = plain.oneshot(request(&authorization)).await.unwrap();
                assert_eq!(response.status(), StatusCode::OK);
            })
        });
    });

    let layered =
        Auth0Layer::new(verifier.clone()).layer(service_fn(|request: Request<Body>| async move {
            black_box(request.extensions().get::<Arc<Claims>>().unwrap());
            Ok::<_, Infallible>(Response::new(Body::empty()))
        }));
    group.bench_function("tower Auth0Layer oneshot", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                let response = layered
                    .clone()
                    .oneshot(request(&authorization))
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
            })
        });
    });

    let bare_router = Router::new().route("/api/private", get(open));
    group.bench_function("axum Router without auth (baseline)", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                let response = bare_router
                    .clone()
                    .oneshot(request(&authorization))
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
            })
        });
    });

    let router = Router::new()
        .route("/api/private", get(private))
        .route_layer(Auth0Layer::new(verifier.clone()));
    group.bench_function("axum Router + Auth0Layer + Auth0Claims", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                let response = router
                    .clone()
                    .oneshot(request(&authorization))
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
            })
        });
    });

    let state_router = Router::new()
        .route("/api/private", get(private_state))
        .with_state(verifier.clone());
    group.bench_function("axum Router + Auth0Verified (state)", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                let response = state_router
                    .clone()
                    .oneshot(request(&authorization))
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
            })
        });
    });

    group.finish();

    // The same verification without the verified-token cache: one RSA signature check each.
    let uncached = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .cache(false)
        .build()
        .unwrap();
    rt.block_on(uncached.verify(&token)).unwrap();
    let mut group = c.benchmark_group("cache_off");
    group.bench_function("verifier.verify (direct, no cache)", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                black_box(uncached.verify(black_box(&token)).await.unwrap());
            })
        });
    });
    let router = Router::new()
        .route("/api/private", get(private))
        .route_layer(Auth0Layer::new(uncached.clone()));
    group.bench_function("axum Router + Auth0Layer (no cache)", |b| {
        b.iter_custom(|iters| {
            timed(&rt, iters, || async {
                let response = router
                    .clone()
                    .oneshot(request(&authorization))
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
            })
        });
    });
    group.finish();
    drop(tenant);
}

criterion_group!(benches, adapters);
criterion_main!(benches);
