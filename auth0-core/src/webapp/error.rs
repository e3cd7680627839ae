//! The typed failures: of the configuration, of the callback and of the session's access
//! token.

use std::sync::Arc;

use crate::client::{self, BuildError};
use crate::domain::DomainError;
use crate::verify::ConfigError;
use crate::verify::id_token::IdTokenError;
use crate::verify::replay::ReplayStoreError;

/// Why `/callback` did not log the user in. Shown as a short error page with
/// [`status`](Self::status); never carries a code, token or cookie.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The identity provider answered with `error` (the user cancelled: `access_denied`;
    /// `login_required` after `prompt=none`; …).
    #[error("the login was not completed: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Authorization {
        /// The OAuth 2.0 error code.
        error: String,
        /// The `error_description`, if sent.
        description: Option<String>,
    },
    /// No transaction cookie: the login was not started here, took too long, or cookies are
    /// blocked.
    #[error("no login in progress (it expired, or cookies are blocked): start the login again")]
    MissingTransaction,
    /// The transaction cookie could not be opened: forged, truncated or oversized.
    #[error("the login cookie is invalid: start the login again")]
    InvalidTransaction,
    /// `state` differs from the transaction's, or names no login under way while others are.
    #[error("the state parameter does not match the login in progress")]
    StateMismatch,
    /// This `state` was already used.
    #[error("this login response was already used")]
    StateReused,
    /// The transaction is older than 10 minutes.
    #[error("the login took too long: start it again")]
    Expired,
    /// Neither `code` nor `error`.
    #[error("the callback has no authorization code")]
    MissingCode,
    /// The code exchange failed.
    #[error("the authorization code could not be exchanged: {0}")]
    Exchange(Arc<client::Error>),
    /// The token answer had no ID token.
    #[error("the token answer has no ID token (is `openid` in the scope?)")]
    MissingIdToken,
    /// The ID token failed verification (nonce, `max_age`, organization, signature, …).
    #[error("the ID token is invalid: {0}")]
    IdToken(#[from] IdTokenError),
    /// No secure randomness or the cookie sealing failed.
    #[error("the session could not be sealed")]
    Seal,
    /// The shared store of used states could not tell whether this login's state was used
    /// (wrap the store in [`FailOpen`](crate::FailOpen) to rely on the tenant's single-use
    /// code instead).
    #[error("the login could not be checked ({0}): try again")]
    StateStore(ReplayStoreError),
}

impl CallbackError {
    /// The HTTP status of the error page: 400 for a request that cannot be a valid callback,
    /// 403 for a denied login, 401 for an interactive login that is needed, 502 when the tenant
    /// or its answer failed.
    pub fn status(&self) -> u16 {
        match self {
            Self::Authorization { error, .. } => match error.as_str() {
                "access_denied" | "unauthorized" => 403,
                "login_required" | "consent_required" | "interaction_required" => 401,
                _ => 400,
            },
            Self::Exchange(e) if e.status().is_some_and(|s| (400..500).contains(&s)) => 400,
            Self::Exchange(_) | Self::MissingIdToken => 502,
            Self::IdToken(_) => 400,
            Self::Seal => 500,
            Self::StateStore(_) => 503,
            _ => 400,
        }
    }

    /// Whether the user (or a rule) denied the login.
    pub fn is_access_denied(&self) -> bool {
        matches!(self, Self::Authorization { error, .. } if error == "access_denied")
    }
}

/// Why [`SessionHandle::access_token`](super::SessionHandle::access_token) has no token to give.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AccessTokenError {
    /// Nobody is logged in.
    #[error("not logged in")]
    NotLoggedIn,
    /// The session has no access token (no audience configured).
    #[error("the session has no access token (configure an audience)")]
    Missing,
    /// The access token expired and the session has no refresh token (ask for
    /// `offline_access`).
    #[error("the access token expired and there is no refresh token: log in again")]
    Expired,
    /// The tenant refused the refresh token (revoked, or reused after rotation): the session
    /// was ended.
    #[error("the refresh token was refused: log in again")]
    RefreshRejected,
    /// The refresh failed for another reason (network, tenant down); the session is kept.
    #[error("the access token could not be refreshed: {0}")]
    Refresh(Arc<client::Error>),
    /// The refreshed ID token failed verification; the session is kept as it was.
    #[error("the refreshed ID token is invalid: {0}")]
    IdToken(IdTokenError),
}

/// The shortest session secret accepted, in bytes.
pub const MIN_SECRET_LEN: usize = 32;

/// A setting refused by [`WebAppBuilder::build`](super::WebAppBuilder::build); the message says how to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebAppConfigError {
    /// The tenant domain.
    #[error(
        "invalid Auth0 domain: {0} (set AUTH0_DOMAIN to your tenant, e.g. `my-tenant.us.auth0.com`)"
    )]
    Domain(#[from] DomainError),
    /// An empty client id.
    #[error(
        "the client id is empty: copy it from the application's settings in the Auth0 Dashboard"
    )]
    EmptyClientId,
    /// The application's own URL.
    #[error("invalid base URL {url:?}: {reason}")]
    BaseUrl {
        /// The configured value (not a secret).
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No session secret.
    #[error(
        "no session secret: configure at least one secret of {MIN_SECRET_LEN} or more random bytes, \
         for example the output of `openssl rand -hex 32` (the examples read AUTH0_SESSION_SECRET)"
    )]
    MissingSecret,
    /// A secret that is too short or visibly not random.
    #[error(
        "session secret #{index} is unusable: {reason}; use {MIN_SECRET_LEN} or more random bytes, \
         for example the output of `openssl rand -hex 32`"
    )]
    WeakSecret {
        /// Its position in the list (0 = the one that seals).
        index: usize,
        /// Why (never the secret itself).
        reason: &'static str,
    },
    /// A route path.
    #[error(
        "invalid {which} path {path:?}: it must start with `/` and differ from the other routes"
    )]
    Path {
        /// Which route.
        which: &'static str,
        /// The configured value.
        path: String,
    },
    /// Durations out of order.
    #[error("the rolling session duration must be positive and at most the absolute duration")]
    Durations,
    /// The Authentication API client.
    #[error("the Authentication API client: {0}")]
    Client(#[from] BuildError),
    /// The ID-token verifier.
    #[error("the ID-token verifier: {0}")]
    Verifier(#[from] ConfigError),
    /// The crypto library could not derive a key.
    #[error("could not derive the cookie keys")]
    Crypto,
}
