//! A real axum server on `127.0.0.1:0` in front of the real dev tenant, and a browser made of
//! reqwest (redirects not followed) and a cookie jar kept by hand, so that every `Set-Cookie`
//! can be read and every cookie planted or tampered with.

use std::sync::Arc;

use auth0_axum::webapp::{
    RequireLoginLayer, SessionStorage, User, WebApp, WebAppBuilder, WebAppLayer, WebSession,
};
use auth0_core::jwks::Clock;
use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, TestTenant};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use test_support::webapp::{CookieJar, http, tenant_login};
use tower_sessions::cookie::SameSite;
use tower_sessions::{SessionManagerLayer, SessionStore};

pub(crate) use test_support::webapp::{Answer, TestClock, query};

pub(crate) const SECRET_A: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";
pub(crate) const SECRET_B: &str = "b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4";

/// `/`: who is logged in, if anyone.
async fn home(user: Option<User>) -> Json<Value> {
    Json(json!({ "user": user.map(|u| u.name().map(str::to_owned)) }))
}

fn profile_json(user: &User) -> Value {
    json!({
        "sub": user.sub(),
        "name": user.name(),
        "email": user.email(),
        "picture": user.picture(),
    })
}

/// `/profile` (behind the guard) and `/me` (the extractor alone).
async fn profile(user: User) -> Json<Value> {
    Json(profile_json(&user))
}

/// `/session`: the session's id and its access token's expiry.
async fn session(session: WebSession) -> Json<Value> {
    let s = session.session().unwrap();
    Json(json!({ "id": s.id(), "sub": s.sub(), "expires_at": s.access_token_expires_at() }))
}

/// `/token`: the session's access token, refreshed when expired.
async fn token(session: WebSession) -> Json<Value> {
    match session.access_token().await {
        Ok(token) => Json(json!({ "token": token.secret(), "expires_at": token.expires_at() })),
        Err(error) => Json(json!({ "error": error.to_string() })),
    }
}

/// `/clear`: ends the session locally, and sets a cookie of its own.
async fn clear(session: Option<WebSession>) -> impl IntoResponse {
    if let Some(session) = session {
        session.clear();
    }
    ([("set-cookie", "theme=dark; Path=/")], "cleared")
}

/// `/visit` (server storage): an anonymous tower-sessions session, as a visitor gets before
/// logging in.
async fn visit(session: tower_sessions::Session) -> &'static str {
    session.insert("visits", 1).await.unwrap();
    "visited"
}

/// `/stored` (server storage): the web app's session as the store holds it.
async fn stored(session: tower_sessions::Session) -> Json<Value> {
    Json(
        session
            .get_value(auth0_axum::webapp::SESSION_KEY)
            .await
            .unwrap()
            .unwrap_or(Value::Null),
    )
}

/// The test application's routes, inside the web app's layer.
pub(crate) fn routes(web_app: WebApp) -> Router {
    let private = Router::new()
        .route("/profile", get(profile).post(profile))
        .route_layer(RequireLoginLayer::new());
    Router::new()
        .route("/", get(home))
        .route("/me", get(profile))
        .route("/session", get(session))
        .route("/token", get(token))
        .route("/clear", post(clear).get(clear))
        .merge(private)
        .layer(WebAppLayer::new(web_app))
}

/// The routes of a server-side session app: the tower-sessions layer outside the web app's.
pub(crate) fn server_routes(web_app: WebApp, store: impl SessionStore + Clone) -> Router {
    routes(web_app)
        .route("/visit", get(visit))
        .route("/stored", get(stored))
        .layer(
            SessionManagerLayer::new(store)
                .with_secure(false)
                .with_same_site(SameSite::Lax),
        )
}

/// A running application.
pub(crate) struct App {
    pub(crate) base: String,
    pub(crate) clock: Arc<TestClock>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for App {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The web app's configuration for `tenant`, served at `base`, with `clock`, without a secret.
pub(crate) fn unsealed(tenant: &TestTenant, base: &str, clock: &Arc<TestClock>) -> WebAppBuilder {
    WebApp::builder(&tenant.domain(), &tenant.client_id(), base)
        .client_secret(tenant.client_secret())
        .audience(tenant.audience())
        .clock(Arc::clone(clock) as Arc<dyn Clock>)
}

/// The web app's configuration for `tenant`, served at `base`, with `clock`, sealed with
/// [`SECRET_A`].
pub(crate) fn builder(tenant: &TestTenant, base: &str, clock: &Arc<TestClock>) -> WebAppBuilder {
    unsealed(tenant, base, clock).secret(SECRET_A)
}

/// Serves the router `make` builds on `127.0.0.1:0`; `make` gets the base URL.
pub(crate) async fn serve_with(clock: Arc<TestClock>, make: impl FnOnce(&str) -> Router) -> App {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = make(&base);
    let server = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    App {
        base,
        clock,
        server,
    }
}

/// A cookie-session app for `tenant`, configured further by `configure`.
pub(crate) async fn start(
    tenant: &TestTenant,
    configure: impl FnOnce(WebAppBuilder) -> WebAppBuilder,
) -> App {
    start_unsealed(tenant, |b| configure(b.secret(SECRET_A))).await
}

/// A cookie-session app for `tenant` whose secrets `configure` sets.
pub(crate) async fn start_unsealed(
    tenant: &TestTenant,
    configure: impl FnOnce(WebAppBuilder) -> WebAppBuilder,
) -> App {
    let clock = Arc::new(TestClock::default());
    let c = Arc::clone(&clock);
    serve_with(clock, |base| {
        routes(configure(unsealed(tenant, base, &c)).build().unwrap())
    })
    .await
}

/// A new tenant, a cookie-session app of it configured further by `configure`, and a browser
/// where alice has logged in.
pub(crate) async fn logged_in_with(
    configure: impl FnOnce(WebAppBuilder) -> WebAppBuilder,
) -> (TestTenant, App, Browser) {
    let tenant = TestTenant::start().await;
    let app = start(&tenant, configure).await;
    let mut browser = Browser::new(&app);
    browser.log_in().await;
    (tenant, app, browser)
}

/// [`logged_in_with`] the default configuration.
pub(crate) async fn logged_in() -> (TestTenant, App, Browser) {
    logged_in_with(|b| b).await
}

/// A server-side session app for `tenant` over `store`.
pub(crate) async fn start_server(tenant: &TestTenant, store: impl SessionStore + Clone) -> App {
    let clock = Arc::new(TestClock::default());
    let c = Arc::clone(&clock);
    serve_with(clock, |base| {
        let web_app = builder(tenant, base, &c)
            .session_storage(SessionStorage::Server)
            .build()
            .unwrap();
        server_routes(web_app, store)
    })
    .await
}

/// A browser for one application: its cookie jar, kept by hand.
#[derive(Clone)]
pub(crate) struct Browser {
    pub(crate) base: String,
    pub(crate) jar: CookieJar,
    http: reqwest::Client,
}

impl Browser {
    pub(crate) fn new(app: &App) -> Self {
        Self::at(&app.base)
    }

    pub(crate) fn at(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            jar: CookieJar::new(),
            http: http(),
        }
    }

    /// The same browser (same cookies) talking to another instance of the application.
    pub(crate) fn switch_to(&self, app: &App) -> Self {
        Self {
            base: app.base.clone(),
            ..self.clone()
        }
    }

    /// `method` on `target` (a path, or an absolute URL of the app), with the jar's cookies
    /// and `headers`; the jar takes the answer's cookies.
    pub(crate) async fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
    ) -> Answer {
        let url = if target.starts_with("http") {
            target.to_owned()
        } else {
            format!("{}{target}", self.base)
        };
        let mut request = self.http.request(method.parse().unwrap(), url);
        if let Some(cookie) = self.jar.header() {
            request = request.header("cookie", cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let answer = Answer::read(request.send().await.unwrap()).await;
        self.jar.apply(&answer.set_cookies);
        answer
    }

    /// A page navigation: `GET` accepting HTML.
    pub(crate) async fn page(&mut self, target: &str) -> Answer {
        self.send("GET", target, &[("accept", "text/html")]).await
    }

    /// An API call: `GET` accepting JSON.
    pub(crate) async fn api(&mut self, target: &str) -> Answer {
        self.send("GET", target, &[("accept", "application/json")])
            .await
    }

    /// `GET /login?…`, the tenant's form submitted with `action`; where the tenant sends the
    /// browser back to (the callback URL).
    pub(crate) async fn start_login(
        &mut self,
        login: &str,
        email: &str,
        password: &str,
        action: &str,
    ) -> String {
        let start = self.page(login).await;
        assert_eq!(start.status, 302, "{login}: {}", start.body);
        tenant_login(&self.http, start.location(), email, password, action).await
    }

    /// Logs `email` in through the whole road; the callback's answer.
    pub(crate) async fn log_in_as(&mut self, email: &str, password: &str) -> Answer {
        let callback = self
            .start_login("/login?returnTo=%2Fprofile", email, password, "login")
            .await;
        self.page(&callback).await
    }

    /// Logs alice in; the callback's answer.
    pub(crate) async fn log_in(&mut self) -> Answer {
        let answer = self.log_in_as(ALICE_EMAIL, ALICE_PASSWORD).await;
        assert_eq!(answer.status, 302, "callback: {}", answer.body);
        answer
    }

    /// `POST /logout` from the application's own origin; its answer.
    pub(crate) async fn log_out(&mut self) -> Answer {
        let origin = self.base.clone();
        self.send("POST", "/logout", &[("origin", &origin)]).await
    }
}
