//! What the web-app login tests over HTTP share (`auth0-axum`, `auth0-actix`, `auth0-tower` and
//! the example web apps' `tests/flow.rs`), where reqwest plays the browser:
//!
//! * [`http`] and [`client_builder`]: a client that follows no redirect, so that every step of
//!   the login road can be checked; [`page`] and [`location`] for a navigation and its redirect.
//! * [`tenant_login`]: the dev tenant's login form driven as a browser does (the `/authorize`
//!   page, its hidden `tx`, the form posted to `/authorize/login`); where the tenant redirects.
//! * [`Answer`]: one answer read whole, with its `Set-Cookie` values; [`CookieJar`]: the cookies
//!   of a hand-driven browser, which applies `Set-Cookie` values and builds a `Cookie` header.
//! * [`query`]: the query of a URL as a map.
//! * [`TestClock`]: a wall clock the test moves or sets, to expire tokens and sessions.
//! * [`example`]: the road through an example web app, which both examples' flow tests walk.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use auth0_core::jwks::{Clock, SystemClock};
use reqwest::{Client, ClientBuilder, Response, Url, redirect};
use serde_json::Value;

pub mod example;

/// A client's settings for the login road: no redirect followed, a 20-second timeout.
pub fn client_builder() -> ClientBuilder {
    Client::builder()
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(20))
}

/// A client of [`client_builder`], without a cookie store.
pub fn http() -> Client {
    client_builder().build().unwrap()
}

/// A page navigation: `GET url` with `Accept: text/html`.
pub async fn page(http: &Client, url: &str) -> Response {
    http.get(url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
}

/// The `Location` of a redirect.
///
/// # Panics
/// When `response` is not a `302` with a `Location`.
pub fn location(response: &Response) -> String {
    assert_eq!(response.status(), 302, "{}", response.url());
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The query parameters of a URL.
pub fn query(url: &str) -> BTreeMap<String, String> {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// The hidden `tx` field of the dev tenant's login page.
///
/// # Panics
/// When the page has no `tx` field.
pub fn login_form_tx(html: &str) -> String {
    html.split("name=\"tx\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("the login form's tx field")
        .to_owned()
}

/// Submits the dev tenant's login form of `authorize_url` as a browser does: `GET` of the login
/// page, then its form (`tx`, `username`, `password` and `action`, `login` or `deny`) posted to
/// `/authorize/login`. Where the tenant redirects to: the application's callback URL.
///
/// # Panics
/// When the login page is not a `200`, or the form's answer not a `302`.
pub async fn tenant_login(
    http: &Client,
    authorize_url: &str,
    email: &str,
    password: &str,
    action: &str,
) -> String {
    let login_page = Answer::read(page(http, authorize_url).await).await;
    assert_eq!(
        login_page.status, 200,
        "the tenant's login page: {}",
        login_page.body
    );
    let tx = login_form_tx(&login_page.body);
    let form = Url::parse(authorize_url)
        .unwrap()
        .join("/authorize/login")
        .unwrap();
    let submitted = http
        .post(form)
        .form(&[
            ("tx", tx.as_str()),
            ("username", email),
            ("password", password),
            ("action", action),
        ])
        .send()
        .await
        .unwrap();
    let submitted = Answer::read(submitted).await;
    assert_eq!(
        submitted.status, 302,
        "the login form's answer: {}",
        submitted.body
    );
    submitted.location().to_owned()
}

/// One answer, read whole.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The `Location` header.
    pub location: Option<String>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// Every `Set-Cookie` value, in order.
    pub set_cookies: Vec<String>,
    /// The body.
    pub body: String,
}

impl Answer {
    /// Reads `response` whole.
    pub async fn read(response: Response) -> Answer {
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
        Answer {
            status,
            location,
            content_type,
            set_cookies,
            body,
        }
    }

    /// The body as JSON.
    ///
    /// # Panics
    /// When the body is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}; status {}): {}", self.status, self.body))
    }

    /// The `Location` header.
    ///
    /// # Panics
    /// When there is none.
    pub fn location(&self) -> &str {
        self.location.as_deref().expect("a Location header")
    }

    /// The `Set-Cookie` value of cookie `name`, if any.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .find(|c| c.split_once('=').is_some_and(|(n, _)| n == name))
            .map(String::as_str)
    }

    /// Whether the answer removes cookie `name` (`Max-Age=0`).
    pub fn removes(&self, name: &str) -> bool {
        self.cookie(name).is_some_and(|c| c.contains("Max-Age=0"))
    }

    /// The names of the cookies this answer sets (not removes).
    pub fn sets(&self) -> Vec<String> {
        self.set_cookies
            .iter()
            .filter(|c| !c.contains("Max-Age=0"))
            .filter_map(|c| c.split_once('=').map(|(n, _)| n.to_owned()))
            .collect()
    }
}

/// The cookies of one site, by name, kept by hand so that a test can read, plant or tamper
/// with any of them; a map underneath ([`Deref`] to a `BTreeMap` of names to values).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CookieJar(BTreeMap<String, String>);

impl CookieJar {
    /// An empty jar.
    pub fn new() -> CookieJar {
        CookieJar::default()
    }

    /// Applies `Set-Cookie` values: each sets its cookie, or removes it with `Max-Age=0`.
    ///
    /// # Panics
    /// When a value has no `name=value` pair.
    pub fn apply(&mut self, set_cookies: &[String]) {
        for set_cookie in set_cookies {
            let pair = set_cookie.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if set_cookie.contains("Max-Age=0") {
                self.0.remove(name.trim());
            } else {
                self.0
                    .insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }

    /// The `Cookie` header of the jar (`a=1; b=2`), or `None` when it is empty.
    pub fn header(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| {
            self.0
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

impl Deref for CookieJar {
    type Target = BTreeMap<String, String>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for CookieJar {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// A wall clock that tests move forward or set: the real time plus an offset, so that the
/// tokens the dev tenant stamps with the real time are checked as they would be. The monotonic
/// clock is the real one.
#[derive(Debug, Default)]
pub struct TestClock {
    offset: AtomicI64,
}

impl TestClock {
    /// A clock reading the real time until it is moved.
    pub fn new() -> TestClock {
        TestClock::default()
    }

    /// Moves the wall clock forward by `by` (whole seconds).
    ///
    /// # Panics
    /// When `by` does not fit in an `i64` of seconds.
    pub fn advance(&self, by: Duration) {
        self.offset
            .fetch_add(i64::try_from(by.as_secs()).unwrap(), Ordering::SeqCst);
    }

    /// Sets the wall clock to read `unix` now (and to run on from there).
    pub fn set_unix(&self, unix: i64) {
        self.offset
            .store(unix - SystemClock.now_unix(), Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_unix(&self) -> i64 {
        SystemClock.now_unix() + self.offset.load(Ordering::SeqCst)
    }

    fn now_instant(&self) -> Instant {
        Instant::now()
    }
}
