//! Drives the dev tenant's login page and carries cookies between the app's answers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use auth0_core::jwks::Clock;
use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, TestTenant};
use auth0_core::webapp::{SessionHandle, WebApp, WebAppBuilder, WebRequest, WebResponse};

pub(crate) const BASE: &str = "http://127.0.0.1:3000";
pub(crate) const SECRET: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";

/// A wall clock that tests move forward.
#[derive(Debug, Default)]
pub(crate) struct TestClock(AtomicI64);

impl TestClock {
    pub(crate) fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_unix(&self) -> i64 {
        auth0_core::jwks::SystemClock.now_unix() + self.0.load(Ordering::SeqCst)
    }
    fn now_instant(&self) -> Instant {
        Instant::now()
    }
}

pub(crate) fn builder(tenant: &TestTenant, clock: &Arc<TestClock>) -> WebAppBuilder {
    WebApp::builder(&tenant.domain(), &tenant.client_id(), BASE)
        .client_secret(tenant.client_secret())
        .secret(SECRET)
        .audience(tenant.audience())
        .clock(Arc::clone(clock) as Arc<dyn Clock>)
}

/// The session of a page request that carries the jar's cookies.
pub(crate) fn load(app: &WebApp, jar: &Jar) -> SessionHandle {
    let cookie = jar.header();
    app.load(&WebRequest::new("GET", "/", None).header("cookie", cookie.as_bytes()))
}

/// The browser's cookies for the app.
#[derive(Debug, Default, Clone)]
pub(crate) struct Jar(pub(crate) BTreeMap<String, String>);

impl Jar {
    pub(crate) fn apply(&mut self, set_cookies: &[String]) {
        for header in set_cookies {
            let pair = header.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if header.contains("Max-Age=0") {
                self.0.remove(name);
            } else {
                self.0.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    /// How many login transaction cookies the jar holds.
    pub(crate) fn transactions(&self) -> usize {
        self.0
            .keys()
            .filter(|name| name.starts_with("auth_verification_"))
            .count()
    }

    pub(crate) fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One request through the web app as an adapter runs it: load the session, answer a route or
/// let `handler` run, then write the session back.
pub(crate) struct Exchange {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) body: String,
    pub(crate) set_cookies: Vec<String>,
}

pub(crate) async fn request(
    app: &WebApp,
    jar: &mut Jar,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
) -> (Exchange, SessionHandle) {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let cookie = jar.header();
    let mut req = WebRequest::new(method, path, query).header("cookie", cookie.as_bytes());
    for (name, value) in headers {
        req = req.header(name, value.as_bytes());
    }
    let handle = app.load(&req);
    let response = match app.route(path) {
        Some(route) => app.respond(route, &req, &handle).await,
        None => app.unauthenticated(&req),
    };
    let exchange = finish(app, jar, &handle, response);
    (exchange, handle)
}

pub(crate) fn finish(
    app: &WebApp,
    jar: &mut Jar,
    handle: &SessionHandle,
    response: WebResponse,
) -> Exchange {
    let mut set_cookies: Vec<String> = response
        .headers()
        .into_iter()
        .filter(|(n, _)| *n == "set-cookie")
        .map(|(_, v)| v)
        .collect();
    set_cookies.extend(app.finish(handle).iter().map(|c| c.header_value()));
    jar.apply(&set_cookies);
    let location = response
        .headers()
        .into_iter()
        .find(|(n, _)| *n == "location")
        .map(|(_, v)| v);
    Exchange {
        status: response.status(),
        location,
        body: response.body().to_owned(),
        set_cookies,
    }
}

pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Submits the tenant's login form for `authorize_url`; returns where the tenant sends the
/// browser (the app's callback URL).
pub(crate) async fn tenant_login(
    authorize_url: &str,
    email: &str,
    password: &str,
    action: &str,
) -> String {
    let http = http();
    let page = http.get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200, "authorize page");
    let html = page.text().await.unwrap();
    let tx = html
        .split("name=\"tx\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("tx field")
        .to_owned();
    let url = url::Url::parse(authorize_url).unwrap();
    let submit = format!("{}/authorize/login", url.origin().ascii_serialization());
    let answer = http
        .post(submit)
        .form(&[
            ("tx", tx.as_str()),
            ("username", email),
            ("password", password),
            ("action", action),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302, "login form answer");
    answer.headers()["location"].to_str().unwrap().to_owned()
}

/// The path and query of an absolute callback URL.
pub(crate) fn local(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Logs alice in; the jar then holds the session.
pub(crate) async fn log_in(app: &WebApp, jar: &mut Jar) -> Exchange {
    let (start, _) = request(app, jar, "GET", "/login?returnTo=%2Fprofile", &[]).await;
    assert_eq!(start.status, 302);
    let callback = tenant_login(
        start.location.as_deref().unwrap(),
        ALICE_EMAIL,
        ALICE_PASSWORD,
        "login",
    )
    .await;
    let (done, _) = request(app, jar, "GET", &local(&callback), &[]).await;
    done
}

pub(crate) fn query(url: &str) -> BTreeMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}
