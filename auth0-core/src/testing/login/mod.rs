//! The browser login flow of the dev tenant: `/authorize` with its login page, the
//! `authorization_code` and `refresh_token` grants, pushed authorization requests, logout and
//! the users' avatars. This file holds the state they share and the helpers of the flow.

mod authorize;
mod bounded;
mod controls;
mod grants;
mod logout;
mod page;
mod users;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use aws_lc_rs::rand;
use http_body_util::{BodyExt as _, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap};
use hyper::{Request, StatusCode};
use url::{Host, Url};

use super::faults::TestBody;
use super::server::{Reply, reply};
use super::{b64, fail};

pub(crate) use authorize::{authorize, login, par};
pub(crate) use grants::{authorization_code, refresh_token};
pub(crate) use logout::{oidc_logout, v2_logout};
pub(crate) use users::avatar;
pub use users::{
    ALICE_EMAIL, ALICE_PASSWORD, ALICE_SUB, BOB_EMAIL, BOB_PASSWORD, BOB_SUB, TestUser,
};

use bounded::Bounded;

/// Entries each map of the flow keeps at most; the oldest leaves first.
const CAPACITY: usize = 10_000;
/// How long a login page stays usable.
const TX_TTL: Duration = Duration::from_secs(600);
/// How long an authorization code can be exchanged.
const CODE_TTL: Duration = Duration::from_secs(600);
/// How long a pushed authorization request can be used (`expires_in` of `/oauth/par`).
const PAR_TTL: Duration = Duration::from_secs(60);
/// The prefix of a `request_uri` from `/oauth/par`.
const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";
/// Larger form bodies are refused.
const MAX_FORM: usize = 64 * 1024;

/// Request parameters by name.
pub(crate) type Params = BTreeMap<String, String>;

/// What the tenant builder collects for the login flow.
#[derive(Clone, Debug)]
pub(crate) struct Setup {
    users: Vec<TestUser>,
    callback_urls: Vec<Url>,
    logout_urls: Vec<Url>,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            users: vec![TestUser::alice(), TestUser::bob()],
            callback_urls: Vec::new(),
            logout_urls: Vec::new(),
        }
    }
}

fn registered_url(what: &str, raw: &str) -> Url {
    match Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.fragment().is_none() => url,
        _ => fail(format_args!(
            "{what}: {raw:?} is not an absolute http(s) URL without a fragment"
        )),
    }
}

impl Setup {
    /// Adds a user; one with the same email (case-insensitive) is replaced.
    fn add_user(&mut self, user: TestUser) {
        match self
            .users
            .iter_mut()
            .find(|u| u.email.eq_ignore_ascii_case(&user.email))
        {
            Some(slot) => *slot = user,
            None => self.users.push(user),
        }
    }

    fn add_callback_url(&mut self, raw: &str) {
        self.callback_urls.push(registered_url("callback_url", raw));
    }

    fn add_logout_url(&mut self, raw: &str) {
        self.logout_urls.push(registered_url("logout_url", raw));
    }
}

/// The fixed part of the login flow (users, allowed URLs) and its counters; in `Shared`.
pub(crate) struct Config {
    users: Vec<TestUser>,
    callback_urls: Vec<Url>,
    logout_urls: Vec<Url>,
    authorize_requests: AtomicUsize,
    login_submissions: AtomicUsize,
    logout_requests: AtomicUsize,
    par_requests: AtomicUsize,
}

impl Config {
    /// The configuration of a tenant at `issuer`: users without a picture get the avatar the
    /// tenant serves.
    pub(crate) fn new(setup: Setup, issuer: &str) -> Self {
        let users = setup
            .users
            .into_iter()
            .map(|mut user| {
                if user.picture.is_none() {
                    user.picture = Some(format!(
                        "{issuer}{}",
                        users::avatar_path(&user.nickname).trim_start_matches('/')
                    ));
                }
                user
            })
            .collect();
        Self {
            users,
            callback_urls: setup.callback_urls,
            logout_urls: setup.logout_urls,
            authorize_requests: AtomicUsize::new(0),
            login_submissions: AtomicUsize::new(0),
            logout_requests: AtomicUsize::new(0),
            par_requests: AtomicUsize::new(0),
        }
    }
}

/// A validated authorization request, waiting for the user or carried by its code.
#[derive(Clone)]
struct AuthRequest {
    /// Every parameter as received (or as pushed to `/oauth/par`).
    params: Params,
    /// The parsed `redirect_uri`; the raw text is in `params`.
    redirect: Url,
}

impl AuthRequest {
    /// A parameter, if present and not empty.
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// A logged-in user and what the login asked for: what every token of the login carries.
#[derive(Clone)]
struct Session {
    user: TestUser,
    auth_time: i64,
    sid: String,
    scope: String,
    audience: Option<String>,
    organization: Option<String>,
}

/// What an authorization code stands for.
struct Code {
    request: AuthRequest,
    session: Session,
    /// The refresh-token family created by the exchange, if any (revoked if the code is
    /// presented again).
    family: String,
}

struct RefreshToken {
    family: String,
    alive: bool,
}

struct Family {
    session: Session,
    revoked: bool,
}

/// The mutable part of the login flow, in the tenant's `State` (under its lock).
pub(crate) struct LoginState {
    pending: Bounded<AuthRequest>,
    codes: Bounded<Code>,
    /// Exchanged codes → the refresh-token family they started.
    used_codes: Bounded<String>,
    refresh_tokens: Bounded<RefreshToken>,
    families: Bounded<Family>,
    pushed: Bounded<Params>,
    rotate: bool,
}

impl Default for LoginState {
    fn default() -> Self {
        Self {
            pending: Bounded::new(CAPACITY, Some(TX_TTL)),
            codes: Bounded::new(CAPACITY, Some(CODE_TTL)),
            used_codes: Bounded::new(CAPACITY, Some(CODE_TTL)),
            refresh_tokens: Bounded::new(CAPACITY, None),
            families: Bounded::new(CAPACITY, None),
            pushed: Bounded::new(CAPACITY, Some(PAR_TTL)),
            rotate: true,
        }
    }
}

/// `bytes` random bytes, base64url.
fn random_id(bytes: usize) -> String {
    let mut buf = vec![0; bytes];
    if rand::fill(&mut buf).is_err() {
        fail("no randomness for an identifier");
    }
    b64(&buf)
}

/// An absolute http(s) URL without a fragment whose host is loopback (`127.0.0.1`,
/// `localhost`, `[::1]`) or which equals a registered URL.
fn allowed_url(raw: &str, registered: &[Url]) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.fragment().is_some() {
        return None;
    }
    let loopback = match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => false,
    };
    (loopback || registered.contains(&url)).then_some(url)
}

/// Percent-encodes a query name or value (a space as `%20`).
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// `url` with `pairs` appended to its query (its own query kept).
fn with_query(url: &Url, pairs: &[(&str, &str)]) -> Url {
    let mut query = url.query().unwrap_or_default().to_owned();
    for (name, value) in pairs {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&encode(name));
        query.push('=');
        query.push_str(&encode(value));
    }
    let mut url = url.clone();
    url.set_query(Some(&query));
    url
}

/// A `302 Found` to `location`, not cached.
fn redirect(location: &str) -> Reply {
    reply(
        StatusCode::FOUND,
        &[
            (header::LOCATION, location),
            (header::CACHE_CONTROL, "no-store"),
        ],
        TestBody::empty(),
    )
}

/// The redirect of an authorization error: `?error=…&error_description=…[&state=…]`.
fn error_redirect(request: &AuthRequest, error: &str, description: &str) -> Reply {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = request.param("state") {
        pairs.push(("state", state));
    }
    redirect(with_query(&request.redirect, &pairs).as_str())
}

/// Reads an `application/x-www-form-urlencoded` body; the failure's status and description.
async fn read_form(req: Request<Incoming>) -> Result<(HeaderMap, Params), (StatusCode, String)> {
    let (parts, body) = req.into_parts();
    let form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form {
        return Err((
            StatusCode::BAD_REQUEST,
            "Content-Type must be application/x-www-form-urlencoded".into(),
        ));
    }
    let body = match Limited::new(body, MAX_FORM).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large".into(),
            ));
        }
    };
    match super::token::parse_form(&body) {
        Some(params) => Ok((parts.headers, params)),
        None => Err((StatusCode::BAD_REQUEST, "Malformed request body".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_urls() {
        let registered = [
            Url::parse("https://app.example.com/callback").unwrap_or_else(|_| {
                fail("test URL");
            }),
        ];
        for ok in [
            "http://127.0.0.1:3000/callback",
            "http://localhost/cb?x=1",
            "https://[::1]:8443/",
            "https://app.example.com/callback",
        ] {
            assert!(allowed_url(ok, &registered).is_some(), "{ok}");
        }
        for bad in [
            "https://evil.example.com/callback",
            "http://127.0.0.2/",
            "http://localhost.evil.com/",
            "ftp://127.0.0.1/",
            "/callback",
            "http://127.0.0.1/cb#frag",
            "https://app.example.com/callback2",
            "javascript:alert(1)",
        ] {
            assert!(allowed_url(bad, &registered).is_none(), "{bad}");
        }
    }

    #[test]
    fn query_appending() {
        let base = Url::parse("http://127.0.0.1/cb?keep=1").unwrap_or_else(|_| fail("test URL"));
        let url = with_query(&base, &[("state", "a b&c=d+é"), ("code", "x")]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1/cb?keep=1&state=a%20b%26c%3Dd%2B%C3%A9&code=x"
        );
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs[1], ("state".into(), "a b&c=d+é".into()));
    }
}
