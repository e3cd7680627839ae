//! Heap allocations that `WebAppLayer` adds to a request without cookies to one of the
//! application's own routes (the hot path of a public page or an API call), counted with dhat's
//! allocator against the same router behind a pass-through layer: the session handle's slot and
//! its place in the request's extensions. Run with `--nocapture` to see the counts.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use auth0_axum::{WebApp, WebAppLayer};
use auth0_core::testing::TestTenant;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tower::ServiceExt;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

fn allocated() -> u64 {
    dhat::HeapStats::get().total_blocks
}

async fn page() -> &'static str {
    "page"
}

/// Allocations per request to `path`, averaged over a few requests after a warm-up.
async fn allocations_per_request(app: &Router, path: &str) -> f64 {
    const N: u64 = 64;
    let call = || async {
        let request = Request::get(path)
            .header("accept", "text/html")
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers().get("set-cookie").is_none());
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

#[tokio::test(flavor = "current_thread")]
async fn the_web_app_layer_adds_at_most_two_allocations_without_cookies() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let tenant = TestTenant::start().await;
    let web_app = WebApp::builder(
        &tenant.domain(),
        &tenant.client_id(),
        "http://127.0.0.1:3000",
    )
    .client_secret(tenant.client_secret())
    .secret("0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978")
    .build()
    .unwrap();
    let routes = || {
        Router::new()
            .route("/", get(page))
            .route("/page", get(page))
    };
    let with_layer = routes().layer(WebAppLayer::new(web_app)).with_state(());
    let plain = routes()
        .layer(tower::layer::layer_fn(|service| service))
        .with_state(());
    for path in ["/", "/page"] {
        let layered = allocations_per_request(&with_layer, path).await;
        let bare = allocations_per_request(&plain, path).await;
        println!(
            "{path}: {layered:.2} allocations per request; {bare:.2} with a pass-through layer"
        );
        assert!(
            layered - bare <= 2.0,
            "WebAppLayer adds {} allocations to {path}",
            layered - bare
        );
    }
}
