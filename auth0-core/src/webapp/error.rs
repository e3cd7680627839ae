//! The typed failures of the callback and of the session's access token.

use std::sync::Arc;

use crate::client;
use crate::verify::id_token::IdTokenError;

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
    /// `state` differs from the transaction's.
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
