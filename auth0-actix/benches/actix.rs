//! Per-request cost of the actix-web adapter against calling the verifier directly, with the
//! same token and the verified-token cache on. Run:
//! `cargo bench -p auth0-actix -- --warm-up-time 2 --measurement-time 5`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, test, web};
use auth0_actix::{AccessTokenVerifier, Auth0Claims, Auth0Middleware};
use auth0_core::testing::TestTenant;
use criterion::{Criterion, criterion_group, criterion_main};

async fn private(claims: Auth0Claims) -> HttpResponse {
    HttpResponse::Ok().body(claims.sub.clone())
}

async fn open() -> HttpResponse {
    HttpResponse::Ok().body("auth0|bench")
}

fn actix(c: &mut Criterion) {
    // The tenant runs on its own runtime; the app on actix's.
    let tenant_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let tenant = tenant_rt.block_on(TestTenant::start());
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap();
    let token = tenant.token().sub("auth0|bench").sign();
    let authorization = format!("Bearer {token}");

    let system = actix_web::rt::System::new();
    system.block_on(verifier.verify(&token)).unwrap(); // keys fetched, token cached
    let app = system.block_on(test::init_service(
        App::new()
            .app_data(verifier.clone())
            .route("/open", web::get().to(open))
            .route("/extractor", web::get().to(private))
            .service(
                web::resource("/middleware")
                    .wrap(Auth0Middleware::new(verifier.clone()))
                    .route(web::get().to(private)),
            ),
    ));
    let timed = |iters: u64, path: &'static str| -> Duration {
        system.block_on(async {
            let start = Instant::now();
            for _ in 0..iters {
                let request = test::TestRequest::get()
                    .uri(path)
                    .insert_header(("host", "api.example.com"))
                    .insert_header(("authorization", authorization.as_str()))
                    .to_request();
                let response = test::call_service(&app, request).await;
                assert_eq!(response.status(), 200);
            }
            start.elapsed()
        })
    };

    let mut group = c.benchmark_group("actix_per_request");
    group.bench_function("verifier.verify (direct)", |b| {
        b.iter_custom(|iters| {
            system.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(verifier.verify(black_box(&token)).await.unwrap());
                }
                start.elapsed()
            })
        });
    });
    group.bench_function("actix call_service without auth (baseline)", |b| {
        b.iter_custom(|iters| timed(iters, "/open"));
    });
    group.bench_function("actix call_service + Auth0Claims (app_data)", |b| {
        b.iter_custom(|iters| timed(iters, "/extractor"));
    });
    group.bench_function("actix call_service + Auth0Middleware + Auth0Claims", |b| {
        b.iter_custom(|iters| timed(iters, "/middleware"));
    });
    group.finish();
    drop(tenant);
}

criterion_group!(benches, actix);
criterion_main!(benches);
