//! A real actix-web `HttpServer` on `127.0.0.1:0` mounting a `WebApp` of the test tenant, and a
//! hand-driven browser: reqwest without redirects, with a cookie jar of its own so that every
//! `Set-Cookie` can be inspected.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_session::storage::{CookieSessionStore, RedisSessionStore};
use actix_session::{Session as LayerSession, SessionMiddleware};
use actix_web::cookie::Key;
use actix_web::dev::{ServerHandle, Service as _, ServiceResponse};
use actix_web::{App, HttpResponse, HttpServer, web};
use auth0_actix::webapp::{
    RequireLogin, SessionStorage, User, WebApp, WebAppMiddleware, WebSession,
};
use auth0_core::jwks::ManualClock;
use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, TestTenant};
use reqwest::redirect;
use serde_json::{Value, json};
use url::Url;

/// The session secret of most tests.
pub(crate) const SECRET: &str = "0123456789abcdef0123456789abcdef-first-secret";

/// A manual clock reading the real time now (the ID tokens are checked against it).
pub(crate) fn clock() -> Arc<ManualClock> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    Arc::new(ManualClock::new(i64::try_from(now).unwrap()))
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
    pub(crate) clock: Arc<ManualClock>,
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

/// Starts a server with one worker on `127.0.0.1:0` serving the test routes.
pub(crate) fn serve(tenant: &TestTenant, options: Options) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let web_app = web_app(tenant, &base, &options);
    let server = match (options.layer, options.no_middleware) {
        (_, true) => HttpServer::new(move || App::new().configure(routes))
            .workers(1)
            .listen(listener)
            .unwrap()
            .disable_signals()
            .run(),
        (Layer::None, false) => HttpServer::new(move || {
            App::new()
                .configure(routes)
                .wrap(WebAppMiddleware::new(web_app.clone()))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .disable_signals()
        .run(),
        (Layer::Cookie(key), false) => HttpServer::new(move || {
            App::new()
                .configure(routes)
                .wrap(WebAppMiddleware::new(web_app.clone()))
                .wrap(
                    SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
                        .cookie_secure(false)
                        .build(),
                )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .disable_signals()
        .run(),
        (Layer::Redis(store, key), false) => HttpServer::new(move || {
            App::new()
                .configure(routes)
                .wrap(WebAppMiddleware::new(web_app.clone()))
                .wrap(
                    SessionMiddleware::builder(store.clone(), key.clone())
                        .cookie_secure(false)
                        .build(),
                )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .disable_signals()
        .run(),
    };
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Server { base, handle }
}

/// One answer, read whole.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) content_type: Option<String>,
    /// Every `Set-Cookie` value, in order.
    pub(crate) set_cookies: Vec<String>,
    pub(crate) body: String,
}

impl Resp {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.body))
    }

    /// The `Set-Cookie` of `name`, if any.
    pub(crate) fn cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .find(|c| c.split_once('=').is_some_and(|(n, _)| n == name))
            .map(String::as_str)
    }

    /// Whether the answer removes cookie `name` (`Max-Age=0`).
    pub(crate) fn removes(&self, name: &str) -> bool {
        self.cookie(name).is_some_and(|c| c.contains("Max-Age=0"))
    }

    /// The names of the cookies this answer sets (not removes).
    pub(crate) fn sets(&self) -> Vec<String> {
        self.set_cookies
            .iter()
            .filter(|c| !c.contains("Max-Age=0"))
            .filter_map(|c| c.split_once('=').map(|(n, _)| n.to_owned()))
            .collect()
    }
}

/// A browser: cookies of the app kept by name, no redirects followed.
pub(crate) struct Browser {
    pub(crate) base: String,
    pub(crate) jar: BTreeMap<String, String>,
    http: reqwest::Client,
}

impl Browser {
    pub(crate) fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            jar: BTreeMap::new(),
            http: reqwest::Client::builder()
                .redirect(redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
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

    /// The `Cookie` header the browser sends to the app.
    pub(crate) fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Sends a request to the app (cookies attached, `Set-Cookie` stored) or elsewhere.
    pub(crate) async fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = self.absolute(target);
        let ours = url.starts_with(&self.base);
        let mut request = self
            .http
            .request(method.parse().unwrap(), &url)
            .header("accept", "text/html");
        if ours && !self.jar.is_empty() {
            request = request.header("cookie", self.cookie_header());
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let resp = read(response).await;
        if ours {
            self.store(&resp.set_cookies);
        }
        resp
    }

    /// A page navigation: `GET` with `Accept: text/html`.
    pub(crate) async fn get(&mut self, target: &str) -> Resp {
        self.send("GET", target, &[]).await
    }

    /// An API call: `GET` with `Accept: application/json`.
    pub(crate) async fn get_json(&mut self, target: &str) -> Resp {
        self.send("GET", target, &[("accept", "application/json")])
            .await
    }

    /// Applies `Set-Cookie` values to the jar.
    pub(crate) fn store(&mut self, set_cookies: &[String]) {
        for cookie in set_cookies {
            let first = cookie.split(';').next().unwrap();
            let (name, value) = first.split_once('=').unwrap();
            if cookie.contains("Max-Age=0") {
                self.jar.remove(name.trim());
            } else {
                self.jar
                    .insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }

    /// `GET /login?returnTo=…` (or just `/login`): the answer and the tenant's authorize URL.
    pub(crate) async fn start_login(&mut self, return_to: Option<&str>) -> (Resp, Url) {
        let target = match return_to {
            Some(r) => format!(
                "/login?{}",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("returnTo", r)
                    .finish()
            ),
            None => "/login".to_owned(),
        };
        let resp = self.get(&target).await;
        assert_eq!(resp.status, 302, "{}", resp.body);
        let authorize = Url::parse(resp.location.as_deref().unwrap()).unwrap();
        (resp, authorize)
    }

    /// At the tenant: the login page of `authorize`, then its form submitted with `action`
    /// (`login` or `deny`); the tenant's answer, a redirect to the callback.
    pub(crate) async fn at_tenant(
        &mut self,
        tenant: &TestTenant,
        authorize: &Url,
        email: &str,
        password: &str,
        action: &str,
    ) -> String {
        let page = self.get(authorize.as_str()).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let tx = tx_of(&page.body);
        let submitted = self
            .http
            .post(format!("{}authorize/login", tenant.issuer()))
            .form(&[
                ("tx", tx.as_str()),
                ("username", email),
                ("password", password),
                ("action", action),
            ])
            .send()
            .await
            .unwrap();
        let submitted = read(submitted).await;
        assert_eq!(submitted.status, 302, "{}", submitted.body);
        submitted.location.unwrap()
    }

    /// A whole login as `email`: the callback's answer.
    pub(crate) async fn login_as(
        &mut self,
        tenant: &TestTenant,
        email: &str,
        password: &str,
    ) -> Resp {
        let (_, authorize) = self.start_login(None).await;
        let callback = self
            .at_tenant(tenant, &authorize, email, password, "login")
            .await;
        self.get(&callback).await
    }

    /// Logs alice in; asserts the callback's redirect home.
    pub(crate) async fn login(&mut self, tenant: &TestTenant) -> Resp {
        let resp = self.login_as(tenant, ALICE_EMAIL, ALICE_PASSWORD).await;
        assert_eq!(resp.status, 302, "{}", resp.body);
        assert_eq!(resp.location.as_deref(), Some("/"));
        resp
    }
}

async fn read(response: reqwest::Response) -> Resp {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let status = response.status().as_u16();
    let location = header("location");
    let content_type = header("content-type");
    let set_cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let body = response.text().await.unwrap();
    Resp {
        status,
        location,
        content_type,
        set_cookies,
        body,
    }
}

/// The `tx` hidden field of the tenant's login page.
pub(crate) fn tx_of(html: &str) -> String {
    let start = html.find("name=\"tx\" value=\"").expect("a tx field") + 17;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// The query parameters of a URL.
pub(crate) fn query(url: &str) -> BTreeMap<String, String> {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}
