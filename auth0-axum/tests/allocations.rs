//! Heap allocations that protecting a route adds to a request served from the verified-token
//! cache, counted with dhat's allocator, the same header on every request, in two shapes: the
//! layer (`/api/private` behind `Auth0Layer`, `/api/private-scoped` with `RequireScopes` on the
//! route) and the extractors with the verifier in the router state (`Auth0Verified`,
//! `Auth0Scoped`, the example API's shape). Run with `--nocapture` to see the counts.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use auth0_axum::{
    AccessTokenVerifier, Auth0Claims, Auth0Layer, Auth0Scoped, Auth0Verified, RequireScopes,
};
use auth0_core::testing::TestTenant;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use test_support::adapter::{ReadMessages, cached_token};
use tower::ServiceExt;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// Heap blocks allocated so far, by every thread of the process (the test tenant is idle
/// while cached tokens are served).
fn allocated() -> u64 {
    dhat::HeapStats::get().total_blocks
}

async fn public() -> &'static str {
    "public"
}

/// Answers without allocating, like `public`, so that the difference is the protection's.
async fn private(Auth0Claims(claims): Auth0Claims) -> &'static str {
    if claims.sub.is_empty() { "" } else { "private" }
}

/// The same routes with pass-through layers where the protected app has its layers, so that
/// the difference is the protection's own and not axum's cost of a layer.
fn unprotected() -> Router {
    let pass = || tower::layer::layer_fn(|service| service);
    let routes = Router::new()
        .route("/api/private", get(public))
        .route("/api/private-scoped", get(public).layer(pass()))
        .route_layer(pass());
    Router::new()
        .route("/api/public", get(public))
        .merge(routes)
}

fn app(verifier: AccessTokenVerifier) -> Router {
    let protected = Router::new()
        .route("/api/private", get(private))
        .route(
            "/api/private-scoped",
            get(private).layer(RequireScopes::all(["read:messages"])),
        )
        .route_layer(Auth0Layer::new(verifier));
    Router::new()
        .route("/api/public", get(public))
        .merge(protected)
}

/// Allocations per request to `path`, averaged over a few requests after a warm-up.
async fn allocations_per_request(app: &Router, path: &str, authorization: &str) -> f64 {
    const N: u64 = 64;
    let call = || async {
        let request = Request::get(path)
            .header("host", "api.example.com")
            .header("authorization", authorization)
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
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
}

async fn private_via_state(Auth0Verified(claims): Auth0Verified) -> &'static str {
    if claims.sub.is_empty() { "" } else { "private" }
}

async fn scoped_via_state(claims: Auth0Scoped<ReadMessages>) -> &'static str {
    if claims.sub.is_empty() { "" } else { "scoped" }
}

/// The example API's shape: no layer, the extractors verify with the state's verifier.
fn extractor_app(verifier: AccessTokenVerifier) -> Router {
    Router::new()
        .route("/api/public", get(public))
        .route("/api/private", get(private_via_state))
        .route("/api/private-scoped", get(scoped_via_state))
        .with_state(verifier)
}

/// The same routes with the same state, all answered by `public`: axum's own cost of a
/// router given its state cancels out.
fn plain(verifier: AccessTokenVerifier) -> Router {
    Router::new()
        .route("/api/public", get(public))
        .route("/api/private", get(public))
        .route("/api/private-scoped", get(public))
        .with_state(verifier)
}

/// The extractors' shape (one dhat profiler per process: called by the test below).
async fn extractors_add_at_most_one_allocation(tenant: &TestTenant) {
    let (verifier, authorization) = cached_token(tenant).await;
    let plain = plain(verifier.clone()).with_state(());
    let app = extractor_app(verifier).with_state(());
    for path in ["/api/private", "/api/private-scoped"] {
        let protected = allocations_per_request(&app, path, &authorization).await;
        let unprotected = allocations_per_request(&plain, path, &authorization).await;
        println!(
            "{path} (extractors): {protected:.2} allocations per request; {unprotected:.2} \
             unprotected"
        );
        // One: `Verified` in the request extensions, for the extractors after it.
        let added = protected - unprotected;
        assert!(
            added <= 1.0,
            "the extractor adds {added} allocations to {path}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn protection_adds_at_most_two_allocations_on_a_cache_hit() {
    // The layer: at most two (the two extension inserts); the extractors: one.
    let _profiler = dhat::Profiler::builder().testing().build();
    let tenant = TestTenant::start().await;
    let (verifier, authorization) = cached_token(&tenant).await;
    // What serving does once per connection: the routes turned into services for the state.
    let app = app(verifier).with_state(());

    let plain = unprotected().with_state(());
    let mut counts = Vec::new();
    for path in ["/api/public", "/api/private", "/api/private-scoped"] {
        let protected = allocations_per_request(&app, path, &authorization).await;
        let unprotected = allocations_per_request(&plain, path, &authorization).await;
        println!(
            "{path}: {protected:.2} allocations per request; {unprotected:.2} with pass-through \
             layers instead of the protection"
        );
        counts.push((path, protected - unprotected));
    }
    for (path, added) in counts {
        assert!(
            added <= 2.0,
            "the protection adds {added} allocations to {path}"
        );
    }
    extractors_add_at_most_one_allocation(&tenant).await;
}
