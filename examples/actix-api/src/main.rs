//! The example API in actix-web: `GET /api/public`, `GET /api/private` (a valid access token)
//! and `GET /api/private-scoped` (a token with `read:messages` in `scope` or `permissions`).
//! Same behaviour as `axum-api`.
//!
//! ```text
//! cargo run -p actix-api                       # with an embedded local dev tenant
//! AUTH0_DOMAIN=my-tenant.us.auth0.com AUTH0_AUDIENCE=https://api.example.com cargo run -p actix-api
//! ```

use std::net::Ipv4Addr;
use std::process::ExitCode;

use actix_web::dev::{Service, ServiceRequest};
use actix_web::http::header::{self, CONTENT_TYPE, HeaderValue};
use actix_web::{App, HttpResponse, HttpServer, Resource, guard, web};
use auth0_actix::{
    AccessTokenVerifier, Auth0Claims, ProtectedResourceMetadata, Scoped, resource_metadata,
};
use example_support::{Message, ReadMessages, Setup};

async fn public() -> HttpResponse {
    json(&Message::public())
}

async fn private(claims: Auth0Claims) -> HttpResponse {
    json(&Message::private(&claims.sub))
}

async fn private_scoped(claims: Scoped<ReadMessages>) -> HttpResponse {
    json(&Message::scoped(&claims.sub))
}

/// A `200` with `message` as its JSON body, written into one buffer of its size
/// (`HttpResponseBuilder::json` starts from 128 bytes, which the scoped answer outgrows).
fn json(message: &Message<'_>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, HeaderValue::from_static("application/json")))
        .body(message.to_json())
}

/// 405 for another method on a known path, as axum answers.
async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "GET,HEAD"))
        .finish()
}

/// A resource answering `GET` and `HEAD` with `handler`, 405 otherwise.
fn resource<F, Args>(path: &str, handler: F) -> Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(
            web::route()
                .guard(guard::Any(guard::Get()).or(guard::Head()))
                .to(handler),
        )
        .default_service(web::to(method_not_allowed))
}

/// The routes. The protected ones are protected by their handlers' extractors (`Auth0Claims`,
/// `Scoped`) with the verifier registered as app data: a cached token is answered while the
/// extractor runs, with no middleware and no future per request (`Auth0Middleware` does the
/// same check as a wrapper). With `metadata`, the RFC 9728 document at its path.
fn configure(
    verifier: AccessTokenVerifier,
    metadata: Option<(String, ProtectedResourceMetadata)>,
) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        if let Some((path, document)) = &metadata {
            config.service(resource_metadata(path, document));
        }
        config
            .service(resource("/api/public", public))
            .app_data(verifier)
            .service(resource("/api/private", private))
            .service(resource("/api/private-scoped", private_scoped));
    }
}

/// Logs one line per request at `info`: method, path, status, duration. No headers, so
/// `Authorization`, `DPoP` and `Cookie` never reach a log (actix-web's own `Logger` does not
/// log request headers either unless its format names them with `%{…}i`).
fn log_request<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl std::future::Future<Output = Result<S::Response, S::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = actix_web::dev::ServiceResponse<B>>,
    S::Future: 'static,
{
    let method = request.method().clone();
    let path = request.path().to_owned();
    let started = std::time::Instant::now();
    let response = service.call(request);
    async move {
        let response = response.await?;
        tracing::info!(
            %method,
            %path,
            status = response.status().as_u16(),
            latency_ms = started.elapsed().as_millis(),
            "finished processing request"
        );
        Ok(response)
    }
}

fn main() -> ExitCode {
    example_support::init_tracing();
    actix_web::rt::System::new().block_on(run())
}

async fn run() -> ExitCode {
    let setup = match Setup::from_env().await {
        Ok(setup) => setup,
        Err(error) => return error.report(),
    };
    let verifier = setup.verifier.clone();
    let metadata = setup
        .resource_metadata()
        .map(|(path, document)| (path.to_owned(), document.clone()));
    let server = HttpServer::new(move || {
        App::new()
            .wrap_fn(log_request)
            .configure(configure(verifier.clone(), metadata.clone()))
    })
    .shutdown_timeout(5)
    .bind((Ipv4Addr::LOCALHOST, setup.port));
    let server = match server {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {error}", setup.port);
            return ExitCode::FAILURE;
        }
    };
    let Some(addr) = server.addrs().first().copied() else {
        eprintln!("error: the server is not bound to any address");
        return ExitCode::FAILURE;
    };
    setup.announce(addr);
    // actix-web stops gracefully on Ctrl-C / SIGTERM by itself.
    match server.run().await {
        Ok(()) => {
            tracing::info!("shut down");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(%error, "server error");
            ExitCode::FAILURE
        }
    }
}
