//! The example API in axum: `GET /api/public`, `GET /api/private` (a valid access token) and
//! `GET /api/private-scoped` (a token with `read:messages` in `scope` or `permissions`).
//!
//! ```text
//! cargo run -p axum-api                        # with an embedded local dev tenant
//! AUTH0_DOMAIN=my-tenant.us.auth0.com AUTH0_AUDIENCE=https://api.example.com cargo run -p axum-api
//! ```

use std::net::Ipv4Addr;
use std::process::ExitCode;

use auth0_axum::{
    AccessTokenVerifier, Auth0Scoped, Auth0Verified, ProtectedResourceMetadata,
    ResourceMetadataService,
};
use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderName};
use axum::response::Response;
use axum::routing::get;
use axum::{Router, ServiceExt};
use example_support::{Message, ReadMessages, Setup};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tower_layer::Layer;
use tracing::Level;

async fn public() -> Response {
    json(&Message::public())
}

async fn private(Auth0Verified(claims): Auth0Verified) -> Response {
    json(&Message::private(&claims.sub))
}

async fn private_scoped(scoped: Auth0Scoped<ReadMessages>) -> Response {
    json(&Message::scoped(&scoped.sub))
}

/// A `200` with `message` as its JSON body, written into one buffer of its size (axum's `Json`
/// starts from 128 bytes, which the scoped answer outgrows).
fn json(message: &Message<'_>) -> Response {
    let mut response = Response::new(Body::from(message.to_json()));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The routes: public ones (and the RFC 9728 metadata at `path` when given), and the protected
/// ones, whose handlers' extractors (`Auth0Verified`, `Auth0Scoped`) verify the token with the
/// verifier of the router state. In axum a layer on a route (`route_layer(Auth0Layer::new(..))`,
/// the same check) makes every request go through one more boxed service; an extractor answers
/// a cached token with a lookup and a few comparisons.
fn routes(
    verifier: AccessTokenVerifier,
    metadata: Option<(&str, &ProtectedResourceMetadata)>,
) -> Router {
    let protected = Router::new()
        .route("/api/private", get(private))
        .route("/api/private-scoped", get(private_scoped))
        .with_state(verifier);
    let mut public_routes = Router::new().route("/api/public", get(public));
    if let Some((path, document)) = metadata {
        public_routes = public_routes.route_service(path, ResourceMetadataService::new(document));
    }
    public_routes.merge(protected)
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
    // The layers every request goes through, unknown paths included, wrap the router once:
    // `Router::layer` would wrap each route instead, boxing a route again for every layer when
    // its router already has its state, and each boxed service is cloned on every request.
    // Outermost: credentials are marked sensitive before anything logs the request, so the
    // trace shows `Sensitive` instead of their values.
    let sensitive = SetSensitiveRequestHeadersLayer::new([
        AUTHORIZATION,
        HeaderName::from_static("dpop"),
        COOKIE,
    ]);
    // One span per request (method, URI, headers) and a line per response, at `info`.
    let trace = TraceLayer::new_for_http()
        .make_span_with(
            DefaultMakeSpan::new()
                .level(Level::INFO)
                .include_headers(true),
        )
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    let layered =
        sensitive.layer(trace.layer(routes(setup.verifier.clone(), setup.resource_metadata())));
    let app = tower::ServiceExt::<Request>::map_response(layered, |response| {
        response.map(axum::body::Body::new)
    });
    setup.announce(addr);
    match axum::serve(listener, ServiceExt::<Request>::into_make_service(app))
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
