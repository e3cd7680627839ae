//! Web-app login: the authorization code flow with PKCE, sealed session cookies, logout and
//! access-token refresh, free of any web framework. `auth0-axum` and `auth0-actix` mount it.
//!
//! What it does, as Auth0's express-openid-connect does:
//!
//! * `/login` starts an authorization request (`state`, `nonce`, PKCE `S256`, optional PAR) and
//!   remembers it in a sealed, 10-minute transaction cookie;
//! * `/callback` checks the state (single use), maps `error` to a [`CallbackError`], exchanges
//!   the code through the [`AuthenticationClient`], verifies the ID token (nonce, `max_age`,
//!   organization) and starts a [`Session`] with a new identity;
//! * the session is sealed (AES-256-GCM-SIV, keys derived from a list of secrets so that
//!   secrets rotate) into `HttpOnly`, `SameSite=Lax`, `Secure` cookies, chunked past 4 KB,
//!   with rolling and absolute lifetimes; or kept server-side by a session layer;
//! * `/logout` ends the local session and the tenant's (`/v2/logout` or OIDC
//!   `end_session_endpoint`), and refuses cross-site requests;
//! * [`SessionHandle::access_token`] refreshes an expired access token, with rotation.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use auth0_core::webapp::{WebApp, WebRequest};
//!
//! let app = WebApp::builder("my-tenant.us.auth0.com", "CLIENT_ID", "https://app.example.com")
//!     .client_secret("CLIENT_SECRET")
//!     .secret(std::env::var("AUTH0_SESSION_SECRET")?)
//!     .audience("https://api.example.com")
//!     .build()?;
//!
//! // What an adapter does for each request:
//! let request = WebRequest::new("GET", "/login", Some("returnTo=%2Fprofile"));
//! let session = app.load(&request);
//! if let Some(route) = app.route(request.path()) {
//!     let response = app.respond(route, &request, &session).await;
//!     assert_eq!(response.status(), 302); // to the tenant's /authorize
//! }
//! let _cookies = app.finish(&session); // Set-Cookie values to add to the response
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;

use quick_cache::sync::Cache;
use tokio::sync::OnceCell;

use crate::Algorithm;
use crate::client::AuthenticationClient;
use crate::domain::TenantUrl;
use crate::jwks::Clock;
use crate::verify::id_token::{SignatureVerifier, TokenVerifier};

mod access;
mod config;
mod cookies;
mod error;
mod http;
mod login;
mod logout;
mod redirect;
mod seal;
mod session;
mod transaction;

pub use access::AccessToken;
pub use config::{LogoutMode, SessionStorage, WebAppBuilder};
pub use cookies::SetCookie;
pub use error::{AccessTokenError, CallbackError, MIN_SECRET_LEN, WebAppConfigError};
pub use http::{WebRequest, WebResponse, escape};
pub use session::{Session, SessionHandle, StorageChange};
pub use transaction::LoginOptions;

use cookies::ReadError;
use seal::{Purpose, Sealer};
use session::Change;

/// Reseal a session for its rolling deadline at most this often (seconds).
const TOUCH_EVERY: i64 = 60;
/// States remembered as used (one per login within 10 minutes).
const USED_STATES: usize = 100_000;

/// Where used login states are remembered.
pub(crate) enum UsedStates {
    /// In this process: the oldest forgotten first when full, so that a flood of callbacks
    /// can never lock logins out.
    Local(Cache<String, ()>),
    /// Shared by the instances of a fleet (keys: the callback URL and the state).
    Shared(Arc<dyn crate::verify::replay::ReplayStore>),
}

/// One of the routes the web app answers itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// Starts a login.
    Login,
    /// Finishes a login.
    Callback,
    /// Logs out.
    Logout,
}

/// The web-app login of one application. Cheap to clone; build once with
/// [`WebApp::builder`].
#[derive(Clone)]
pub struct WebApp {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) tenant: TenantUrl,
    pub(crate) client_id: String,
    pub(crate) has_secret: bool,
    pub(crate) client: AuthenticationClient,
    pub(crate) verifier: TokenVerifier,
    pub(crate) base: redirect::Base,
    pub(crate) login_path: String,
    pub(crate) callback_path: String,
    pub(crate) logout_path: String,
    pub(crate) scope: String,
    pub(crate) audience: Option<String>,
    pub(crate) authorize_params: Vec<(String, String)>,
    pub(crate) use_par: bool,
    pub(crate) rolling: i64,
    pub(crate) absolute: i64,
    pub(crate) cookie_name: String,
    pub(crate) logout: LogoutMode,
    pub(crate) storage: SessionStorage,
    pub(crate) sealer: Sealer,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) used_states: UsedStates,
    pub(crate) end_session: OnceCell<String>,
    pub(crate) refreshes: access::Flights,
}

impl fmt::Debug for WebApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("WebApp")
            .field("tenant", &inner.tenant.base())
            .field("client_id", &inner.client_id)
            .field("base_url", &inner.base.origin())
            .field("storage", &inner.storage)
            .finish_non_exhaustive()
    }
}

impl WebApp {
    /// Starts a configuration for the application `client_id` of tenant `domain`, served at
    /// `base_url` (`https://app.example.com`; plain http only on loopback). The callback URL to
    /// allow in the Auth0 Dashboard is `base_url` + `/callback`.
    pub fn builder(domain: &str, client_id: &str, base_url: &str) -> WebAppBuilder {
        WebAppBuilder::new(domain, client_id, base_url)
    }

    fn from_builder(
        b: WebAppBuilder,
        tenant: TenantUrl,
        base: redirect::Base,
    ) -> Result<Self, WebAppConfigError> {
        let client = match b.client {
            Some(client) => client,
            None => {
                let mut builder = AuthenticationClient::builder(tenant.base(), &b.client_id);
                if let Some(secret) = &b.client_secret {
                    builder = builder.client_secret(secret.clone());
                }
                builder.build()?
            }
        };
        let signature = SignatureVerifier::asymmetric(&tenant.jwks_url(), Algorithm::RS256)?;
        let verifier = TokenVerifier::builder(signature, tenant.issuer(), &b.client_id)
            .clock(Arc::clone(&b.clock))
            .build()?;
        let mut scopes: Vec<&str> = b.scope.split_whitespace().collect();
        if !scopes.contains(&"openid") {
            scopes.insert(0, "openid");
        }
        if b.audience.is_some() && !scopes.contains(&"offline_access") {
            scopes.push("offline_access");
        }
        let scope = scopes.join(" ");
        let sealer = Sealer::new(&b.secrets)?;
        let secs = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        Ok(Self {
            inner: Arc::new(Inner {
                tenant,
                client_id: b.client_id,
                has_secret: b.client_secret.is_some(),
                client,
                verifier,
                base,
                login_path: b.login_path,
                callback_path: b.callback_path,
                logout_path: b.logout_path,
                scope,
                audience: b.audience,
                authorize_params: b.authorize_params,
                use_par: b.use_par,
                rolling: secs(b.rolling),
                absolute: secs(b.absolute),
                cookie_name: b.cookie_name,
                logout: b.logout,
                storage: b.storage,
                sealer,
                clock: b.clock,
                used_states: match b.state_store {
                    Some(store) => UsedStates::Shared(store),
                    None => UsedStates::Local(Cache::new(USED_STATES)),
                },
                end_session: OnceCell::new(),
                refreshes: access::Flights::new(),
            }),
        })
    }

    /// Where the session lives.
    pub fn storage(&self) -> SessionStorage {
        self.inner.storage
    }

    /// The callback URL (`base_url` + callback path), to allow in the Auth0 Dashboard.
    pub fn callback_url(&self) -> String {
        self.inner.base.absolute(&self.inner.callback_path)
    }

    /// The login route's path.
    pub fn login_path(&self) -> &str {
        &self.inner.login_path
    }

    /// The logout route's path.
    pub fn logout_path(&self) -> &str {
        &self.inner.logout_path
    }

    /// Which route, if any, `path` is.
    pub fn route(&self, path: &str) -> Option<Route> {
        let inner = &self.inner;
        if path == inner.login_path {
            Some(Route::Login)
        } else if path == inner.callback_path {
            Some(Route::Callback)
        } else if path == inner.logout_path {
            Some(Route::Logout)
        } else {
            None
        }
    }

    /// Answers one of the web app's routes.
    pub async fn respond(
        &self,
        route: Route,
        request: &WebRequest<'_>,
        session: &SessionHandle,
    ) -> WebResponse {
        match route {
            Route::Login => {
                if !matches!(request.method, "GET" | "HEAD") {
                    return WebResponse::page(405, "Method not allowed", "Use GET to log in.");
                }
                self.login(request, login::options_from_query(request))
                    .await
            }
            Route::Callback => self.callback(request, session).await,
            Route::Logout => self.logout(request, session).await,
        }
    }

    fn now(&self) -> i64 {
        self.inner.clock.now_unix()
    }

    /// The session of a request, from its session cookie ([`SessionStorage::Cookie`]). A
    /// missing, expired, forged, truncated or oversized cookie gives no session; the unusable
    /// cookie is removed by [`finish`](Self::finish).
    pub fn load(&self, request: &WebRequest<'_>) -> SessionHandle {
        let pairs = cookies::parse(&request.cookies);
        let name = &self.inner.cookie_name;
        let present = cookies::names_present(&pairs, name);
        let (session, change) = match cookies::read_chunked(&pairs, name) {
            Ok(None) => (None, Change::Unchanged),
            Ok(Some(sealed)) => match self.open_session(&sealed) {
                Some(session) => self.check_lifetime(session),
                None => (None, Change::Cleared),
            },
            Err(ReadError::Ambiguous | ReadError::Oversized) => {
                tracing::debug!(target: "auth0::webapp", "session cookie refused: unreadable");
                (None, Change::Cleared)
            }
        };
        SessionHandle::new(self.clone(), session, present, change)
    }

    /// The session of a request from a server-side session layer
    /// ([`SessionStorage::Server`]); its lifetimes are checked the same way.
    pub fn resume(&self, stored: Option<Session>) -> SessionHandle {
        let (session, change) = match stored {
            Some(session) => self.check_lifetime(session),
            None => (None, Change::Unchanged),
        };
        SessionHandle::new(self.clone(), session, Vec::new(), change)
    }

    fn open_session(&self, sealed: &str) -> Option<Session> {
        let plain = self
            .inner
            .sealer
            .open(Purpose::Session, &self.inner.cookie_name, sealed)
            .map_err(
                |e| tracing::debug!(target: "auth0::webapp", reason = ?e, "session cookie refused"),
            )
            .ok()?;
        serde_json::from_slice(&plain).ok()
    }

    fn check_lifetime(&self, mut session: Session) -> (Option<Session>, Change) {
        let now = self.now();
        if now >= session.expires_at(self.inner.rolling, self.inner.absolute) {
            return (None, Change::Cleared);
        }
        if now - session.touched_at >= TOUCH_EVERY {
            session.touched_at = now;
            return (Some(session), Change::Touched);
        }
        (Some(session), Change::Unchanged)
    }

    /// The `Set-Cookie` values that write the request's session changes back
    /// ([`SessionStorage::Cookie`]; with server storage only removals of a stale session
    /// cookie): the new or refreshed session, its moved rolling deadline, or its removal.
    pub fn finish(&self, handle: &SessionHandle) -> Vec<SetCookie> {
        let slot = handle.lock();
        let secure = self.inner.base.secure();
        let name = &self.inner.cookie_name;
        let removals = |present: &[String]| {
            present
                .iter()
                .map(|n| SetCookie::removal(n.clone(), secure))
                .collect::<Vec<_>>()
        };
        match (slot.change, &slot.session) {
            (Change::Unchanged, _) => Vec::new(),
            (Change::Cleared, _) | (_, None) => removals(&slot.present),
            (_, Some(_)) if self.inner.storage == SessionStorage::Server => Vec::new(),
            (_, Some(session)) => {
                let sealed = serde_json::to_vec(session)
                    .ok()
                    .and_then(|json| self.inner.sealer.seal(Purpose::Session, name, &json));
                let max_age =
                    session.expires_at(self.inner.rolling, self.inner.absolute) - self.now();
                match sealed
                    .and_then(|v| cookies::write_chunked(name, &v, max_age, secure, &slot.present))
                {
                    Some(cookies) => cookies,
                    None => {
                        tracing::warn!(
                            target: "auth0::webapp",
                            "session too large for cookies: not saved (use server-side storage)"
                        );
                        removals(&slot.present)
                    }
                }
            }
        }
    }

    /// The answer to a request that needs a logged-in user and has none: a redirect to login
    /// (coming back to this page) for a page request, else 401 with a JSON body.
    pub fn unauthenticated(&self, request: &WebRequest<'_>) -> WebResponse {
        if request.wants_html() && matches!(request.method, "GET" | "HEAD") {
            let mut location = url::form_urlencoded::Serializer::new(String::new());
            location.append_pair("returnTo", &request.path_and_query());
            WebResponse::redirect(format!("{}?{}", self.inner.login_path, location.finish()))
        } else {
            WebResponse::json(
                401,
                r#"{"error":"unauthorized","error_description":"Log in first"}"#.to_owned(),
            )
        }
    }
}
