//! Heap allocations that protecting a route adds to a request whose token the verifier has
//! cached, counted with dhat's allocator, the same header on every request: the extractors with
//! the verifier in `app_data` (`Auth0Claims`, `Scoped`: the example API's shape) and
//! `Auth0Middleware`. Run with `--nocapture` to see the counts.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use actix_web::dev::Service;
use actix_web::{App, HttpResponse, test, web};
use auth0_actix::{Auth0Claims, Auth0Middleware, Scoped};
use auth0_core::testing::TestTenant;
use test_support::adapter::{ReadMessages, cached_token};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// Heap blocks allocated so far, by every thread of the process (the test tenant is idle
/// while cached tokens are served).
fn allocated() -> u64 {
    dhat::HeapStats::get().total_blocks
}

/// Answers without allocating a body, so that the routes differ only by their protection.
async fn public() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn private(claims: Auth0Claims) -> HttpResponse {
    if claims.sub.is_empty() {
        HttpResponse::NoContent().finish()
    } else {
        HttpResponse::Ok().finish()
    }
}

async fn scoped(claims: Scoped<ReadMessages>) -> HttpResponse {
    if claims.sub.is_empty() {
        HttpResponse::NoContent().finish()
    } else {
        HttpResponse::Ok().finish()
    }
}

/// Allocations per request to `path` of the service `app`, averaged over a few requests after a
/// warm-up. (A macro: the request type of actix-web's test services is not nameable here.)
macro_rules! allocations_per_request {
    ($app:expr, $path:expr, $authorization:expr) => {{
        const N: u64 = 64;
        let (app, path, authorization): (_, &str, &str) = (&$app, $path, $authorization);
        let call = || async {
            let request = test::TestRequest::get()
                .uri(path)
                .insert_header(("authorization", authorization))
                .to_request();
            let response = test::call_service(app, request).await;
            assert_eq!(response.status(), 200, "{path}");
            drop(response);
        };
        for _ in 0..8 {
            call().await;
        }
        let before = allocated();
        for _ in 0..N {
            call().await;
        }
        (allocated() - before) as f64 / N as f64
    }};
}

#[actix_web::test]
async fn protection_adds_no_allocation_with_extractors_and_two_with_the_middleware() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let tenant = TestTenant::start().await;
    let (verifier, authorization) = cached_token(&tenant).await;
    let extractors = test::init_service(
        App::new()
            .app_data(verifier.clone())
            .route("/api/private", web::get().to(private))
            .route("/api/private-scoped", web::get().to(scoped)),
    )
    .await;
    let middleware = test::init_service(
        App::new().service(
            web::scope("/api")
                .wrap(Auth0Middleware::new(verifier.clone()))
                .route("/private", web::get().to(private)),
        ),
    )
    .await;
    // The same scope behind a middleware that passes every request on: actix-web's own cost
    // of a middleware cancels out.
    let passing = test::init_service(
        App::new().service(
            web::scope("/api")
                .wrap_fn(|request, service| service.call(request))
                .route("/private", web::get().to(public)),
        ),
    )
    .await;
    // The same paths, the same app data, all answered by `public`.
    let plain = test::init_service(
        App::new()
            .app_data(verifier)
            .route("/api/private", web::get().to(public))
            .route("/api/private-scoped", web::get().to(public)),
    )
    .await;

    for path in ["/api/private", "/api/private-scoped"] {
        let protected = allocations_per_request!(extractors, path, &authorization);
        let unprotected = allocations_per_request!(plain, path, &authorization);
        println!(
            "{path} (extractors): {protected:.2} allocations per request; {unprotected:.2} \
             unprotected"
        );
        let added = protected - unprotected;
        assert!(
            added <= 0.0,
            "the extractor adds {added} allocations to {path}"
        );
    }
    let protected = allocations_per_request!(middleware, "/api/private", &authorization);
    let unprotected = allocations_per_request!(passing, "/api/private", &authorization);
    println!(
        "/api/private (middleware): {protected:.2} allocations per request; {unprotected:.2} \
         behind a pass-through middleware"
    );
    // The claims in the request extensions for the handler, and the boxed future of the
    // service behind.
    let added = protected - unprotected;
    assert!(added <= 2.0, "the middleware adds {added} allocations");
}
