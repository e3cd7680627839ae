//! The example API in axum: `GET /api/public`, `GET /api/private` (a valid access token) and
//! `GET /api/private-scoped` (a token with `read:messages` in `scope` or `permissions`).
//!
//! ```text
//! cargo run -p axum-api                        # with an embedded local dev tenant
//! AUTH0_DOMAIN=my-tenant.us.auth0.com AUTH0_AUDIENCE=https://api.example.com cargo run -p axum-api
//! ```

use std::net::Ipv4Addr;
use std::process::ExitCode;

use std::sync::LazyLock;

use auth0_axum::{
    AccessTokenVerifier, Auth0Claims, Auth0Layer, ProtectedResourceMetadata, RequiredScopes,
    ResourceMetadataService, ScopeRequirement, Scoped,
};
use axum::http::header::{AUTHORIZATION, COOKIE, HeaderName};
use axum::routing::get;
use axum::{Json, Router};
use example_support::{PRIVATE_MESSAGE, PUBLIC_MESSAGE, READ_MESSAGES, SCOPED_MESSAGE, Setup};
use serde_json::{Value, json};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

async fn public() -> Json<Value> {
    Json(json!({ "message": PUBLIC_MESSAGE }))
}

async fn private(Auth0Claims(claims): Auth0Claims) -> Json<Value> {
    Json(json!({ "message": PRIVATE_MESSAGE, "sub": claims.sub }))
}

/// What `/api/private-scoped` needs: `read:messages` in `scope` or `permissions`.
struct ReadMessages;

impl ScopeRequirement for ReadMessages {
    fn required() -> &'static RequiredScopes {
        static REQUIRED: LazyLock<RequiredScopes> =
            LazyLock::new(|| RequiredScopes::all([READ_MESSAGES]));
        &REQUIRED
    }
}

/// The scope check is an extractor: in axum every layer on a route is one more boxed service
/// per request, while an extractor is a few comparisons (`RequireScopes` does the same check
/// as a layer).
async fn private_scoped(scoped: Scoped<ReadMessages>) -> Json<Value> {
    Json(json!({ "message": SCOPED_MESSAGE, "sub": scoped.sub }))
}

/// The routes: public ones (and the RFC 9728 metadata at `path` when given), and those behind
/// the verifier.
fn app(
    verifier: AccessTokenVerifier,
    metadata: Option<(&str, &ProtectedResourceMetadata)>,
) -> Router {
    let protected = Router::new()
        .route("/api/private", get(private))
        .route("/api/private-scoped", get(private_scoped))
        // `route_layer`: only matched routes are verified, unknown paths stay 404.
        .route_layer(Auth0Layer::new(verifier));
    let mut public_routes = Router::new().route("/api/public", get(public));
    if let Some((path, document)) = metadata {
        public_routes = public_routes.route_service(path, ResourceMetadataService::new(document));
    }
    public_routes
        .merge(protected)
        // One span per request (method, URI, headers) and a line per response, at `info`.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(
                    DefaultMakeSpan::new()
                        .level(Level::INFO)
                        .include_headers(true),
                )
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        // Outermost: credentials are marked sensitive before anything logs the request, so
        // the trace shows `Sensitive` instead of their values.
        .layer(SetSensitiveRequestHeadersLayer::new([
            AUTHORIZATION,
            HeaderName::from_static("dpop"),
            COOKIE,
        ]))
}

#[tokio::main]
async fn main() -> ExitCode {
    example_support::init_tracing();
    let setup = match Setup::from_env().await {
        Ok(setup) => setup,
        Err(error) => return error.report(),
    };
    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, setup.port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {error}", setup.port);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let app = app(setup.verifier.clone(), setup.resource_metadata());
    setup.announce(addr);
    match axum::serve(listener, app)
        .with_graceful_shutdown(example_support::shutdown_signal())
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server error");
            ExitCode::FAILURE
        }
    }
}
