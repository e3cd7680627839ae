//! Configuring a [`WebApp`]: everything is checked once, at start-up, with messages that say how
//! to fix the setting.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::client::AuthenticationClient;
use crate::domain::TenantUrl;
use crate::jwks::{Clock, SystemClock};
use crate::verify::replay::ReplayStore;

use super::error::{MIN_SECRET_LEN, WebAppConfigError};
use super::{WebApp, redirect};

/// How `/logout` ends the session at the identity provider, after clearing the local one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogoutMode {
    /// Auth0's `/v2/logout?client_id=…&returnTo=…` (the default).
    #[default]
    Auth0,
    /// OIDC RP-initiated logout: the discovery document's `end_session_endpoint`, with
    /// `id_token_hint`, `post_logout_redirect_uri` and `client_id`.
    OidcEndSession,
    /// Only the application's session; the user stays logged in at the tenant.
    Local,
}

/// Where the session lives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionStorage {
    /// Sealed (encrypted and authenticated) into the `appSession` cookie, chunked past 4 KB:
    /// nothing to run server-side (the default).
    #[default]
    Cookie,
    /// In a server-side session layer (tower-sessions for axum, actix-session for actix-web):
    /// the adapter stores the session there, its cookie holds only an id. Their Redis stores
    /// share sessions across a fleet.
    Server,
}

/// Configures a [`WebApp`]; from [`WebApp::builder`]. Every check runs in
/// [`build`](Self::build).
#[must_use]
pub struct WebAppBuilder {
    pub(crate) domain: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<String>,
    pub(crate) base_url: String,
    pub(crate) secrets: Vec<Vec<u8>>,
    pub(crate) audience: Option<String>,
    pub(crate) scope: String,
    pub(crate) login_path: String,
    pub(crate) callback_path: String,
    pub(crate) logout_path: String,
    pub(crate) rolling: Duration,
    pub(crate) absolute: Duration,
    pub(crate) cookie_name: String,
    pub(crate) logout: LogoutMode,
    pub(crate) storage: SessionStorage,
    pub(crate) authorize_params: Vec<(String, String)>,
    pub(crate) use_par: bool,
    pub(crate) client: Option<AuthenticationClient>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) state_store: Option<Arc<dyn ReplayStore>>,
}

impl fmt::Debug for WebAppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAppBuilder")
            .field("domain", &self.domain)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("base_url", &self.base_url)
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("audience", &self.audience)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl WebAppBuilder {
    pub(crate) fn new(domain: &str, client_id: &str, base_url: &str) -> Self {
        Self {
            domain: domain.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: None,
            base_url: base_url.to_owned(),
            secrets: Vec::new(),
            audience: None,
            scope: "openid profile email".to_owned(),
            login_path: "/login".to_owned(),
            callback_path: "/callback".to_owned(),
            logout_path: "/logout".to_owned(),
            rolling: Duration::from_secs(24 * 3600),
            absolute: Duration::from_secs(7 * 24 * 3600),
            cookie_name: "appSession".to_owned(),
            logout: LogoutMode::default(),
            storage: SessionStorage::default(),
            authorize_params: Vec::new(),
            use_par: false,
            client: None,
            clock: Arc::new(SystemClock),
            state_store: None,
        }
    }

    /// The application's client secret (a Regular Web Application). Without one, the code is
    /// exchanged as a public client, with PKCE only.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// A secret that seals the cookies (at least 32 random bytes). Call again to add older
    /// secrets: the first seals, all of them open, so secrets rotate without logging users out.
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secrets.push(secret.as_ref().to_vec());
        self
    }

    /// The API the session's access token is for; with it the scope also asks for
    /// `offline_access`, so that the token can be refreshed.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The scopes asked at login (default `openid profile email`; `openid` is always added).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// The paths of the three routes (defaults `/login`, `/callback`, `/logout`).
    pub fn paths(
        mut self,
        login: impl Into<String>,
        callback: impl Into<String>,
        logout: impl Into<String>,
    ) -> Self {
        self.login_path = login.into();
        self.callback_path = callback.into();
        self.logout_path = logout.into();
        self
    }

    /// The idle timeout: a session unused for this long ends (default 24 h). Every use moves it
    /// forward, up to the absolute duration.
    pub fn rolling_duration(mut self, duration: Duration) -> Self {
        self.rolling = duration;
        self
    }

    /// The longest a session lasts from login, however active (default 7 days).
    pub fn absolute_duration(mut self, duration: Duration) -> Self {
        self.absolute = duration;
        self
    }

    /// The session cookie's name (default `appSession`; chunks are `appSession.0`, …).
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = name.into();
        self
    }

    /// How logout ends the session at the identity provider (default [`LogoutMode::Auth0`]).
    pub fn logout_mode(mut self, mode: LogoutMode) -> Self {
        self.logout = mode;
        self
    }

    /// Where the session lives (default [`SessionStorage::Cookie`]).
    pub fn session_storage(mut self, storage: SessionStorage) -> Self {
        self.storage = storage;
        self
    }

    /// An extra parameter sent to `/authorize` on every login (for example `ui_locales`).
    pub fn authorize_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.authorize_params.push((name.into(), value.into()));
        self
    }

    /// Sends the authorization parameters through a Pushed Authorization Request (RFC 9126):
    /// the browser then carries only a `request_uri`. Needs the client secret.
    pub fn pushed_authorization_requests(mut self, enabled: bool) -> Self {
        self.use_par = enabled;
        self
    }

    /// Uses this Authentication API client (proxy, timeouts, retries) instead of one built from
    /// the domain, client id and secret.
    pub fn client(mut self, client: AuthenticationClient) -> Self {
        self.client = Some(client);
        self
    }

    /// Where used login states are remembered, so that a replayed callback is refused as
    /// already used. By default each process remembers its own (up to 100 000, the oldest
    /// forgotten first). Give the instances of a fleet one shared store, such as
    /// [`RedisReplayStore`](crate::verify::replay::RedisReplayStore) (feature `redis`), and a
    /// callback replayed on another instance is refused there too. When the store cannot
    /// answer, the callback is a 503 ([`CallbackError::StateStore`](super::CallbackError)),
    /// unless the store is wrapped in [`FailOpen`](crate::FailOpen).
    pub fn state_store(mut self, store: impl ReplayStore) -> Self {
        self.state_store = Some(Arc::new(store));
        self
    }

    /// Injects a clock (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The web app.
    ///
    /// # Errors
    /// Any setting above that cannot work, as a [`WebAppConfigError`] whose message says how to
    /// fix it.
    pub fn build(self) -> Result<WebApp, WebAppConfigError> {
        let tenant = TenantUrl::parse(&self.domain)?;
        if self.client_id.trim().is_empty() {
            return Err(WebAppConfigError::EmptyClientId);
        }
        let base = redirect::Base::parse(&self.base_url)?;
        check_secrets(&self.secrets)?;
        for (which, path) in [
            ("login", &self.login_path),
            ("callback", &self.callback_path),
            ("logout", &self.logout_path),
        ] {
            if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
                return Err(WebAppConfigError::Path {
                    which,
                    path: path.clone(),
                });
            }
        }
        if self.login_path == self.callback_path
            || self.login_path == self.logout_path
            || self.callback_path == self.logout_path
        {
            return Err(WebAppConfigError::Path {
                which: "login, callback or logout",
                path: self.callback_path.clone(),
            });
        }
        if self.rolling.is_zero() || self.rolling > self.absolute {
            return Err(WebAppConfigError::Durations);
        }
        WebApp::from_builder(self, tenant, base)
    }
}

/// At least one secret; each long enough and not a visibly repeated pattern.
fn check_secrets(secrets: &[Vec<u8>]) -> Result<(), WebAppConfigError> {
    if secrets.is_empty() {
        return Err(WebAppConfigError::MissingSecret);
    }
    for (index, secret) in secrets.iter().enumerate() {
        if secret.len() < MIN_SECRET_LEN {
            return Err(WebAppConfigError::WeakSecret {
                index,
                reason: "shorter than 32 bytes",
            });
        }
        let mut distinct: Vec<u8> = secret.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 8 {
            return Err(WebAppConfigError::WeakSecret {
                index,
                reason: "fewer than 8 distinct characters: not a random secret",
            });
        }
    }
    Ok(())
}
