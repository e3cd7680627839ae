//! The login flow's part of the tenant's state: what it is configured with (the `Setup` the
//! tenant builder collects, and the `Config` fixed when the tenant starts: users with their
//! pictures, allowed URLs, with the flow's counters) and what it remembers under the tenant's
//! lock (`LoginState`: pending logins, codes, refresh tokens and pushed requests, each kept in
//! a bounded map).

use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use url::Url;

use super::super::basics::fail;
use super::super::form::Params;
use super::bounded::Bounded;
use super::users::{TestUser, avatar_path};

/// Entries each map of the flow keeps at most; the oldest leaves first.
const CAPACITY: usize = 10_000;
/// How long a login page stays usable.
const TX_TTL: Duration = Duration::from_secs(600);
/// How long an authorization code can be exchanged.
const CODE_TTL: Duration = Duration::from_secs(600);
/// How long a pushed authorization request can be used (`expires_in` of `/oauth/par`).
pub(crate) const PAR_TTL: Duration = Duration::from_secs(60);

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
    pub(crate) fn add_user(&mut self, user: TestUser) {
        match self
            .users
            .iter_mut()
            .find(|u| u.email.eq_ignore_ascii_case(&user.email))
        {
            Some(slot) => *slot = user,
            None => self.users.push(user),
        }
    }

    pub(crate) fn add_callback_url(&mut self, raw: &str) {
        self.callback_urls.push(registered_url("callback_url", raw));
    }

    pub(crate) fn add_logout_url(&mut self, raw: &str) {
        self.logout_urls.push(registered_url("logout_url", raw));
    }
}

/// The fixed part of the login flow (users, allowed URLs) and its counters; in `Shared`.
pub(crate) struct Config {
    pub(crate) users: Vec<TestUser>,
    pub(crate) callback_urls: Vec<Url>,
    pub(crate) logout_urls: Vec<Url>,
    pub(crate) authorize_requests: AtomicUsize,
    pub(crate) login_submissions: AtomicUsize,
    pub(crate) logout_requests: AtomicUsize,
    pub(crate) par_requests: AtomicUsize,
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
                        avatar_path(&user.nickname).trim_start_matches('/')
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
pub(crate) struct AuthRequest {
    /// Every parameter as received (or as pushed to `/oauth/par`).
    pub(crate) params: Params,
    /// The parsed `redirect_uri`; the raw text is in `params`.
    pub(crate) redirect: Url,
}

impl AuthRequest {
    /// A parameter, if present and not empty.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// A logged-in user and what the login asked for: what every token of the login carries.
#[derive(Clone)]
pub(crate) struct Session {
    pub(crate) user: TestUser,
    pub(crate) auth_time: i64,
    pub(crate) sid: String,
    pub(crate) scope: String,
    pub(crate) audience: Option<String>,
    pub(crate) organization: Option<String>,
}

/// What an authorization code stands for.
pub(crate) struct Code {
    pub(crate) request: AuthRequest,
    pub(crate) session: Session,
    /// The refresh-token family created by the exchange, if any (revoked if the code is
    /// presented again).
    pub(crate) family: String,
}

pub(crate) struct RefreshToken {
    pub(crate) family: String,
    pub(crate) alive: bool,
}

pub(crate) struct Family {
    pub(crate) session: Session,
    pub(crate) revoked: bool,
}

/// The mutable part of the login flow, in the tenant's `State` (under its lock).
pub(crate) struct LoginState {
    pub(crate) pending: Bounded<AuthRequest>,
    pub(crate) codes: Bounded<Code>,
    /// Exchanged codes → the refresh-token family they started.
    pub(crate) used_codes: Bounded<String>,
    pub(crate) refresh_tokens: Bounded<RefreshToken>,
    pub(crate) families: Bounded<Family>,
    pub(crate) pushed: Bounded<Params>,
    pub(crate) rotate: bool,
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
