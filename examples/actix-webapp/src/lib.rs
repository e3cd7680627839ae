//! The example web app in actix-web, as a library so that tests can run it in-process; the
//! binary (`src/main.rs`) only reads the environment and serves it.
//!
//! | route | answers |
//! |---|---|
//! | `GET /` | the home page: "Log in" when logged out; the user's name, picture, claims and "Log out" when in |
//! | `GET /profile` | login required: the user's profile |
//! | `GET /api-call` | login required: calls the API with the session's access token (refreshed when expired) and shows its answer |
//! | `GET /api/private` | the app's own API: a valid access token → `{"message", "sub"}` |
//! | `GET /login`, `GET /callback`, `POST /logout` | the web-app login of [`auth0_actix::webapp`] |
//!
//! A page that needs a login sends the browser to `/login?returnTo=…`; an API request without
//! a session gets 401. Another method on a page is 405, an unknown path 404.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use actix_webapp::AppConfig;
//! use webapp_support::WebAppSetup;
//!
//! let mut setup = WebAppSetup::from_env().await?;
//! let listener = setup.take_listener().expect("bound once");
//! let server = actix_webapp::server(AppConfig::from_setup(&setup), listener)?;
//! setup.announce();
//! server.await?;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::{App, HttpResponse, Resource, guard, web};
use auth0_actix::webapp::{RequireLogin, WebAppMiddleware, WebSession};
use auth0_actix::{Auth0Claims, Auth0Middleware};
use webapp_support::{api_private_body, call_api, pages};

pub use webapp_support::AppConfig;

/// An HTML page.
fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

async fn home(session: WebSession) -> HttpResponse {
    html(pages::home(session.session().as_ref()))
}

/// Behind [`RequireLogin`]: the session is there.
async fn profile(session: WebSession) -> HttpResponse {
    match session.session() {
        Some(session) => html(pages::profile(&session)),
        None => HttpResponse::InternalServerError().finish(),
    }
}

async fn api_call(session: WebSession, config: web::Data<AppConfig>) -> HttpResponse {
    let result = call_api(&config.api_url, session.access_token().await).await;
    html(pages::api_call(&result))
}

async fn api_private(claims: Auth0Claims) -> HttpResponse {
    HttpResponse::Ok().json(api_private_body(&claims.sub))
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

/// Registers the pages and the API (`App::configure`). The login routes and the session come
/// from [`WebAppMiddleware`], which must wrap the app: [`app`] does it.
pub fn configure(config: AppConfig) -> impl FnOnce(&mut web::ServiceConfig) {
    move |routes| {
        let verifier = config.verifier.clone();
        routes
            .app_data(web::Data::new(config))
            .service(resource("/", home))
            .service(resource("/profile", profile).wrap(RequireLogin::new()))
            .service(resource("/api-call", api_call).wrap(RequireLogin::new()))
            .service(resource("/api/private", api_private).wrap(Auth0Middleware::new(verifier)));
    }
}

/// The whole app: the routes, the web-app login around them, and one log line per request.
pub fn app(
    config: AppConfig,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let webapp = config.webapp.clone();
    App::new()
        .configure(configure(config))
        .wrap(WebAppMiddleware::new(webapp))
        .wrap_fn(log_request)
}

/// Serves the app on `listener` (already bound); await the returned server to run it until
/// Ctrl-C or SIGTERM (actix-web stops gracefully on either).
///
/// # Errors
/// The listener cannot be used.
pub fn server(config: AppConfig, listener: TcpListener) -> std::io::Result<Server> {
    Ok(actix_web::HttpServer::new(move || app(config.clone()))
        .shutdown_timeout(5)
        .listen(listener)?
        .run())
}

/// Logs one line per request at `info`: method, path (never the query, which carries the
/// login's code and state), status, duration. No headers, so cookies never reach a log.
fn log_request<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<S::Response, S::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>>,
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
