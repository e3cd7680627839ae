//! The session's access token, refreshed through the refresh-token grant when it has expired.
//!
//! Concurrent requests of one session that find the token expired share one refresh: with
//! refresh-token rotation, a second refresh with the same (now dead) token would be taken for a
//! stolen token and end the session. The shared answer is reused for [`SHARE_FOR`] seconds
//! only: a copy of the session replayed later spends the dead token at the tenant, which
//! refuses it (and, with reuse detection, revokes the token family).

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::digest::{SHA256, digest};
use quick_cache::sync::Cache;
use tokio::sync::OnceCell;

use crate::client::TokenResponse;
use crate::verify::id_token::VerifyOptions;

use super::error::AccessTokenError;
use super::session::{Change, SessionHandle, StoredAccessToken};

/// A token within this many seconds of its expiry is refreshed.
const EXPIRY_MARGIN: i64 = 60;
/// How long the answer of a refresh is shared with the requests that spent the same token.
pub(crate) const SHARE_FOR: i64 = 30;

/// When the refresh finished (seconds since the epoch) and its answer.
type Flight = Arc<OnceCell<(i64, Result<Arc<TokenResponse>, AccessTokenError>)>>;

/// The refreshes in flight or just done, by the SHA-256 of the refresh token they spent.
pub(crate) struct Flights(Cache<[u8; 32], Flight>);

impl Flights {
    pub(crate) fn new() -> Self {
        Self(Cache::new(10_000))
    }
}

/// An access token for the configured audience. `Debug` does not show it.
#[derive(Clone)]
pub struct AccessToken {
    token: String,
    expires_at: i64,
    scope: Option<String>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

impl AccessToken {
    /// The token, for an `Authorization: Bearer` header.
    pub fn secret(&self) -> &str {
        &self.token
    }

    /// When it expires (seconds since the epoch).
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }

    /// The granted scopes, when the tenant said.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }
}

impl From<&StoredAccessToken> for AccessToken {
    fn from(t: &StoredAccessToken) -> Self {
        Self {
            token: t.token.clone(),
            expires_at: t.expires_at,
            scope: t.scope.clone(),
        }
    }
}

impl SessionHandle {
    /// The session's access token; refreshed first when it has expired (or expires within a
    /// minute) and the session holds a refresh token. A rotated refresh token replaces the old
    /// one in the session, which the adapter writes back with the response.
    ///
    /// # Errors
    /// [`AccessTokenError`]: not logged in, no token, expired without a refresh token, the
    /// refresh refused (the session is then ended) or failed.
    pub async fn access_token(&self) -> Result<AccessToken, AccessTokenError> {
        let app = self.app.clone();
        let now = app.inner.clock.now_unix();
        let refresh_token = {
            let slot = self.lock();
            let session = slot.session.as_ref().ok_or(AccessTokenError::NotLoggedIn)?;
            let stored = session
                .access_token
                .as_ref()
                .ok_or(AccessTokenError::Missing)?;
            if stored.expires_at - EXPIRY_MARGIN > now {
                return Ok(stored.into());
            }
            session
                .refresh_token
                .clone()
                .ok_or(AccessTokenError::Expired)?
        };
        let key: [u8; 32] = {
            let hash = digest(&SHA256, refresh_token.as_bytes());
            let mut key = [0u8; 32];
            key.copy_from_slice(hash.as_ref());
            key
        };
        let flights = &app.inner.refreshes.0;
        let new_flight = || Ok::<_, ()>(Arc::new(OnceCell::new()));
        let mut flight = flights
            .get_or_insert_with(&key, new_flight)
            .unwrap_or_else(|()| Arc::new(OnceCell::new()));
        if flight.get().is_some_and(|(done, _)| now - done > SHARE_FOR) {
            // Too old to share: this is a replay of a spent token, let the tenant judge it.
            flight = Arc::new(OnceCell::new());
            flights.insert(key, Arc::clone(&flight));
        }
        let (_, result) = flight
            .get_or_init(|| async {
                let answer = match app.inner.client.get_token().refresh_token(refresh_token.as_str()).await {
                    Ok(tokens) => Ok(Arc::new(tokens)),
                    Err(e) if e.status().is_some_and(|s| (400..500).contains(&s) && s != 429) => {
                        tracing::info!(target: "auth0::webapp", error = %e, "refresh token refused");
                        Err(AccessTokenError::RefreshRejected)
                    }
                    Err(e) => Err(AccessTokenError::Refresh(Arc::new(e))),
                };
                (app.inner.clock.now_unix(), answer)
            })
            .await
            .clone();
        let tokens = match result {
            Ok(tokens) => tokens,
            Err(AccessTokenError::RefreshRejected) => {
                self.clear();
                return Err(AccessTokenError::RefreshRejected);
            }
            Err(e) => {
                // A transient failure must not stick: the next request tries again.
                app.inner.refreshes.0.remove(&key);
                return Err(e);
            }
        };
        let user = match &tokens.id_token {
            Some(id_token) => Some(
                app.inner
                    .verifier
                    .verify(id_token, &VerifyOptions::new())
                    .await
                    .map_err(AccessTokenError::IdToken)?,
            ),
            None => None,
        };
        let now = app.inner.clock.now_unix();
        let stored = StoredAccessToken {
            token: tokens.access_token.clone(),
            expires_at: now
                .saturating_add(i64::try_from(tokens.expires_in.unwrap_or(0)).unwrap_or(i64::MAX)),
            scope: tokens.scope.clone(),
        };
        let answer = AccessToken::from(&stored);
        let mut session = {
            let slot = self.lock();
            slot.session.clone().ok_or(AccessTokenError::NotLoggedIn)?
        };
        session.access_token = Some(stored);
        if let Some(rotated) = &tokens.refresh_token {
            session.refresh_token = Some(rotated.clone());
        }
        if let (Some(user), Some(id_token)) = (user, &tokens.id_token) {
            session.user = user;
            session.id_token = id_token.clone();
        }
        self.set(session, Change::Modified);
        Ok(answer)
    }
}
