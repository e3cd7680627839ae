//! The example web app in axum, as a library so that tests can run it in-process; the binary
//! (`src/main.rs`) only reads the environment and serves it.
//!
//! | route | answers |
//! |---|---|
//! | `GET /` | the home page: "Log in" when logged out; the user's name, picture, claims and "Log out" when in |
//! | `GET /profile` | login required: the user's profile |
//! | `GET /api-call` | login required: calls the API with the session's access token (refreshed when expired) and shows its answer |
//! | `GET /api/private` | the app's own API: a valid access token → `{"message", "sub"}` |
//! | `GET /login`, `GET /callback`, `POST /logout` | the web-app login of [`auth0_axum::webapp`] |
//!
//! A page that needs a login sends the browser to `/login?returnTo=…`; an API request without
//! a session gets 401. Another method on a page is 405, an unknown path 404.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use axum_webapp::AppConfig;
//! use webapp_support::WebAppSetup;
//!
//! let mut setup = WebAppSetup::from_env().await?;
//! let listener = tokio::net::TcpListener::from_std(setup.take_listener().expect("bound once"))?;
//! let app = axum_webapp::app(AppConfig::from_setup(&setup));
//! setup.announce();
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```

use auth0_axum::webapp::{RequireLoginLayer, WebAppLayer, WebSession};
use auth0_axum::{Auth0Claims, Auth0Layer};
use axum::extract::{Request, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use webapp_support::{api_private_body, call_api, pages};

pub use webapp_support::AppConfig;

async fn home(session: Option<WebSession>) -> Html<String> {
    let session = session.and_then(|s| s.session());
    Html(pages::home(session.as_ref()))
}

/// Behind [`RequireLoginLayer`]: the session is there.
async fn profile(session: WebSession) -> Response {
    match session.session() {
        Some(session) => Html(pages::profile(&session)).into_response(),
        None => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Behind [`RequireLoginLayer`]: the API's answer to the session's access token.
async fn api_call(State(api_url): State<String>, session: WebSession) -> Html<String> {
    let result = call_api(&api_url, session.access_token().await).await;
    Html(pages::api_call(&result))
}

async fn api_private(Auth0Claims(claims): Auth0Claims) -> Json<serde_json::Value> {
    Json(api_private_body(&claims.sub))
}

/// The whole app: the pages, the API, the web-app login around them, and one log line per
/// request.
pub fn app(config: AppConfig) -> Router {
    let private_pages = Router::new()
        .route("/profile", get(profile))
        .route("/api-call", get(api_call))
        // `route_layer`: only these routes need a login; unknown paths stay 404.
        .route_layer(RequireLoginLayer::new());
    let api = Router::new()
        .route("/api/private", get(api_private))
        .route_layer(Auth0Layer::new(config.verifier));
    Router::new()
        .route("/", get(home))
        .merge(private_pages)
        .with_state(config.api_url)
        .merge(api)
        .layer(WebAppLayer::new(config.webapp))
        // Outermost: one line per request with its method and path only, never the query
        // (which carries the login's code and state) nor the headers (cookies).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}
