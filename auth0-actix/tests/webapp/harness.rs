//! A real actix-web `HttpServer` on `127.0.0.1:0` mounting a `WebApp` of the test tenant, and a
//! hand-driven browser: reqwest without redirects, with a cookie jar of its own so that every
//! `Set-Cookie` can be inspected.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_session::storage::{CookieSessionStore, RedisSessionStore, SessionStore};
use actix_session::{Session as LayerSession, SessionMiddleware};
use actix_web::cookie::Key;
use actix_web::dev::{ServerHandle, Service as _, ServiceResponse};
use actix_web::{App, HttpResponse, HttpServer, web};
use auth0_actix::webapp::{
    RequireLogin, SessionStorage, User, WebApp, WebAppMiddleware, WebSession,
};
use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, TestTenant};
use serde_json::json;
use test_support::webapp::{CookieJar, TestClock, http, tenant_login};
use url::Url;

pub(crate) use test_support::webapp::{Answer, query};

/// The session secret of most tests.
pub(crate) const SECRET: &str = "0123456789abcdef0123456789abcdef-first-secret";

/// A test clock reading the real time until moved (the ID tokens are checked against it).
pub(crate) fn clock() -> Arc<TestClock> {
    Arc::new(TestClock::new())
}

/// The session layer wrapped outside the web app, if any.
#[derive(Clone)]
pub(crate) enum Layer {
    None,
    Cookie(Key),
    Redis(RedisSessionStore, Key),
}

/// How a test's web app is configured.
#[derive(Clone)]
pub(crate) struct Options {
    pub(crate) storage: SessionStorage,
    pub(crate) secrets: Vec<String>,
    pub(crate) audience: bool,
    pub(crate) rolling: Option<Duration>,
    pub(crate) absolute: Option<Duration>,
    pub(crate) layer: Layer,
    pub(crate) clock: Arc<TestClock>,
    /// Without `WebAppMiddleware` (misconfiguration tests).
    pub(crate) no_middleware: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            storage: SessionStorage::Cookie,
            secrets: vec![SECRET.to_owned()],
            audience: true,
            rolling: None,
            absolute: None,
            layer: Layer::None,
            clock: clock(),
            no_middleware: false,
        }
    }
}

/// A running server of one web app; stopped on drop.
pub(crate) struct Server {
    pub(crate) base: String,
    /// The web app's clock (from its options).
    pub(crate) clock: Arc<TestClock>,
    handle: ServerHandle,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Sends the stop command now; the returned future only waits for it.
        drop(self.handle.stop(false));
    }
}

async fn home(user: Option<User>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "user": user.as_ref().and_then(User::name) }))
}

async fn whoami(user: User) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "sub": user.sub(),
        "name": user.name(),
        "email": user.email(),
        "picture": user.picture(),
    }))
}

async fn token(session: WebSession) -> HttpResponse {
    match session.access_token().await {
        Ok(token) => HttpResponse::Ok().json(json!({
            "token": token.secret(),
            "expires_at": token.expires_at(),
        })),
        Err(error) => HttpResponse::Unauthorized().json(json!({ "error": error.to_string() })),
    }
}

/// Refreshes the token if needed, then fails: the rotated session must still be written back.
async fn token_then_fail(session: WebSession) -> Result<HttpResponse, actix_web::Error> {
    let _ = session.access_token().await;
    Err(actix_web::error::ErrorInternalServerError("handler failed"))
}

async fn session_info(session: WebSession) -> HttpResponse {
    match session.session() {
        Some(s) => HttpResponse::Ok().json(json!({
            "id": s.id(),
            "sub": s.sub(),
            "id_token": s.id_token(),
            "created_at": s.created_at(),
            "has_refresh_token": s.has_refresh_token(),
        })),
        None => HttpResponse::Ok().json(json!({ "id": null })),
    }
}

async fn clear(session: WebSession) -> HttpResponse {
    session.clear();
    HttpResponse::Ok().body("cleared")
}

async fn own_cookie(_user: Option<User>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("set-cookie", "theme=dark; Path=/"))
        .body("ok")
}

async fn visit(session: LayerSession) -> HttpResponse {
    let visits = session.get::<u32>("visits").ok().flatten().unwrap_or(0) + 1;
    let _ = session.insert("visits", visits);
    HttpResponse::Ok().json(json!({ "visits": visits }))
}

async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html")
        .body("<p>the page</p>")
}

async fn data() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "data": 42 }))
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(home))
        .route("/whoami", web::get().to(whoami))
        .route("/token", web::get().to(token))
        .route("/token-then-fail", web::get().to(token_then_fail))
        .service(
            // An inner middleware that fails after the handler refreshed the token: the error
            // leaves the inner service as `Err`, not as a response.
            web::resource("/token-then-middleware-error")
                .wrap_fn(|request, service| {
                    let response = service.call(request);
                    async move {
                        let _ = response.await?;
                        Err::<ServiceResponse, _>(actix_web::error::ErrorBadGateway(
                            "middleware failed",
                        ))
                    }
                })
                .route(web::get().to(token)),
        )
        .route("/session", web::get().to(session_info))
        .route("/clear", web::post().to(clear))
        .route("/own-cookie", web::get().to(own_cookie))
        .route("/visit", web::get().to(visit))
        .service(
            web::resource("/page")
                .wrap(RequireLogin::new())
                .route(web::get().to(page))
                .route(web::post().to(page)),
        )
        .service(
            web::scope("/api")
                .wrap(RequireLogin::new())
                .route("/data", web::get().to(data)),
        );
}

/// The web app of `tenant` at `base` with `options`.
pub(crate) fn web_app(tenant: &TestTenant, base: &str, options: &Options) -> WebApp {
    let mut builder = WebApp::builder(&tenant.domain(), &tenant.client_id(), base)
        .client_secret(tenant.client_secret())
        .session_storage(options.storage)
        .clock(options.clock.clone());
    for secret in &options.secrets {
        builder = builder.secret(secret);
    }
    if options.audience {
        builder = builder.audience(tenant.audience());
    }
    if let Some(rolling) = options.rolling {
        builder = builder.rolling_duration(rolling);
    }
    if let Some(absolute) = options.absolute {
        builder = builder.absolute_duration(absolute);
    }
    builder.build().unwrap()
}

/// One worker on `listener` serving the apps `factory` makes, without signal handling.
macro_rules! run {
    ($listener:expr, $factory:expr) => {
        HttpServer::new($factory)
            .workers(1)
            .listen($listener)
            .unwrap()
            .disable_signals()
            .run()
    };
}

/// actix-session's middleware over `store`, its cookie allowed on plain http.
fn session_layer<S: SessionStore + 'static>(store: S, key: Key) -> SessionMiddleware<S> {
    SessionMiddleware::builder(store, key)
        .cookie_secure(false)
        .build()
}

/// Starts a server with one worker on `127.0.0.1:0` serving the test routes.
pub(crate) fn serve(tenant: &TestTenant, options: Options) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let web_app = web_app(tenant, &base, &options);
    let clock = options.clock;
    let server = match (options.layer, options.no_middleware) {
        (_, true) => run!(listener, move || App::new().configure(routes)),
        (Layer::None, false) => run!(listener, move || {
            App::new()
                .configure(routes)
                .wrap(WebAppMiddleware::new(web_app.clone()))
        }),
        (Layer::Cookie(key), false) => run!(listener, move || {
            App::new()
                .configure(routes)
                .wrap(WebAppMiddleware::new(web_app.clone()))
                .wrap(session_layer(CookieSessionStore::default(), key.clone()))
        }),
        (Layer::Redis(store, key), false) => run!(listener, move || {
            App::new()
                .configure(routes)
                .wrap(WebAppMiddleware::new(web_app.clone()))
                .wrap(session_layer(store.clone(), key.clone()))
        }),
    };
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Server {
        base,
        clock,
        handle,
    }
}

/// A new tenant, a server of it with the default options, and a browser where alice has
/// logged in.
pub(crate) async fn logged_in() -> (TestTenant, Server, Browser) {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());
    let mut browser = Browser::new(&server.base);
    browser.login().await;
    (tenant, server, browser)
}

/// A browser: cookies of the app kept by name, no redirects followed.
pub(crate) struct Browser {
    pub(crate) base: String,
    pub(crate) jar: CookieJar,
    http: reqwest::Client,
}

impl Browser {
    pub(crate) fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            jar: CookieJar::new(),
            http: http(),
        }
    }

    /// The same cookies, another server (an instance of the same fleet).
    pub(crate) fn at(&self, base: &str) -> Self {
        let mut other = Self::new(base);
        other.jar = self.jar.clone();
        other
    }

    fn absolute(&self, target: &str) -> String {
        if target.starts_with('/') {
            format!("{}{target}", self.base)
        } else {
            target.to_owned()
        }
    }

    /// Sends a request to the app (cookies attached, `Set-Cookie` stored) or elsewhere.
    pub(crate) async fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
    ) -> Answer {
        let url = self.absolute(target);
        let ours = url.starts_with(&self.base);
        let mut request = self
            .http
            .request(method.parse().unwrap(), &url)
            .header("accept", "text/html");
        if let Some(cookie) = self.jar.header().filter(|_| ours) {
            request = request.header("cookie", cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let answer = Answer::read(request.send().await.unwrap()).await;
        if ours {
            self.jar.apply(&answer.set_cookies);
        }
        answer
    }

    /// A page navigation: `GET` with `Accept: text/html`.
    pub(crate) async fn get(&mut self, target: &str) -> Answer {
        self.send("GET", target, &[]).await
    }

    /// An API call: `GET` with `Accept: application/json`.
    pub(crate) async fn get_json(&mut self, target: &str) -> Answer {
        self.send("GET", target, &[("accept", "application/json")])
            .await
    }

    /// `GET /login?returnTo=…` (or just `/login`): the answer and the tenant's authorize URL.
    pub(crate) async fn start_login(&mut self, return_to: Option<&str>) -> (Answer, Url) {
        let target = match return_to {
            Some(r) => format!(
                "/login?{}",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("returnTo", r)
                    .finish()
            ),
            None => "/login".to_owned(),
        };
        let answer = self.get(&target).await;
        assert_eq!(answer.status, 302, "{}", answer.body);
        let authorize = Url::parse(answer.location()).unwrap();
        (answer, authorize)
    }

    /// At the tenant: the login page of `authorize`, then its form submitted with `action`
    /// (`login` or `deny`); the tenant's answer, a redirect to the callback.
    pub(crate) async fn at_tenant(
        &self,
        authorize: &Url,
        email: &str,
        password: &str,
        action: &str,
    ) -> String {
        tenant_login(&self.http, authorize.as_str(), email, password, action).await
    }

    /// `GET /login?returnTo=…` (or just `/login`), then alice at the tenant's form with `action`:
    /// the callback URL the tenant sends the browser to.
    pub(crate) async fn login_callback(&mut self, return_to: Option<&str>, action: &str) -> String {
        let (_, authorize) = self.start_login(return_to).await;
        self.at_tenant(&authorize, ALICE_EMAIL, ALICE_PASSWORD, action)
            .await
    }

    /// A whole login as `email`: the callback's answer.
    pub(crate) async fn login_as(&mut self, email: &str, password: &str) -> Answer {
        let (_, authorize) = self.start_login(None).await;
        let callback = self.at_tenant(&authorize, email, password, "login").await;
        self.get(&callback).await
    }

    /// Logs alice in; asserts the callback's redirect home.
    pub(crate) async fn login(&mut self) -> Answer {
        let answer = self.login_as(ALICE_EMAIL, ALICE_PASSWORD).await;
        assert_eq!(answer.status, 302, "{}", answer.body);
        assert_eq!(answer.location.as_deref(), Some("/"));
        answer
    }
}
