//! The logged-in session: the user's claims and tokens, its lifetimes, and the per-request
//! handle that the adapters put on the request and write back after the response.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::verify::id_token::IdTokenClaims;

use super::WebApp;

/// A logged-in user's session. `Debug` never shows its tokens.
#[derive(Clone, Serialize, Deserialize)]
pub struct Session {
    pub(crate) sid: String,
    pub(crate) user: IdTokenClaims,
    pub(crate) id_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) access_token: Option<StoredAccessToken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) refresh_token: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) touched_at: i64,
}

/// The access token kept in a session.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StoredAccessToken {
    pub(crate) token: String,
    pub(crate) expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) scope: Option<String>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("sub", &self.sub())
            .field("id_token", &"[redacted]")
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The session's own id: new at every login, so a session id planted before login is
    /// never the one after it.
    pub fn id(&self) -> &str {
        &self.sid
    }

    /// The claims of the verified ID token (`sub`, `name`, `email`, `picture`, …).
    pub fn user(&self) -> &IdTokenClaims {
        &self.user
    }

    /// The user's `sub`.
    pub fn sub(&self) -> &str {
        self.claim_str("sub").unwrap_or_default()
    }

    /// A string claim of the user.
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.user.get(name).and_then(Value::as_str)
    }

    /// The raw ID token (for `id_token_hint`).
    pub fn id_token(&self) -> &str {
        &self.id_token
    }

    /// When the session's access token expires (seconds since the epoch), if there is one.
    pub fn access_token_expires_at(&self) -> Option<i64> {
        self.access_token.as_ref().map(|t| t.expires_at)
    }

    /// Whether the session can refresh its access token.
    pub fn has_refresh_token(&self) -> bool {
        self.refresh_token.is_some()
    }

    /// When the user logged in (seconds since the epoch).
    pub fn created_at(&self) -> i64 {
        self.created_at
    }

    /// When the session ends if unused: the rolling deadline, capped by the absolute one.
    pub(crate) fn expires_at(&self, rolling: i64, absolute: i64) -> i64 {
        (self.touched_at.saturating_add(rolling)).min(self.created_at.saturating_add(absolute))
    }
}

/// What happened to the session during a request; decides the cookies written back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    Unchanged,
    /// The rolling deadline moved (written back at most once a minute).
    Touched,
    /// Tokens changed (a refresh).
    Modified,
    /// A login: a new session with a new identity.
    Created,
    /// Logout, expiry, or an unreadable cookie: remove it.
    Cleared,
}

pub(crate) struct Slot {
    pub(crate) session: Option<Session>,
    /// The session cookie names the browser sent (so stale chunks get removed).
    pub(crate) present: Vec<String>,
    pub(crate) change: Change,
}

/// The session of one request, shared by the adapter, the extractors and the handler; the
/// adapter writes its changes back after the response. Cheap to clone.
#[derive(Clone)]
pub struct SessionHandle {
    pub(crate) app: WebApp,
    pub(crate) slot: Arc<Mutex<Slot>>,
}

impl fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionHandle")
            .field("logged_in", &self.is_authenticated())
            .finish_non_exhaustive()
    }
}

/// For [`SessionStorage::Server`](super::SessionStorage::Server): what the adapter must do with
/// its session layer after the response.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum StorageChange {
    /// Nothing to write.
    Unchanged,
    /// Store this session; `new_identity` asks the layer for a new session id first (login:
    /// no session fixation).
    Save {
        /// The session to store.
        session: Box<Session>,
        /// Whether to cycle the layer's session id before storing.
        new_identity: bool,
    },
    /// Remove the session (logout, expiry).
    Delete,
}

impl SessionHandle {
    pub(crate) fn new(
        app: WebApp,
        session: Option<Session>,
        present: Vec<String>,
        change: Change,
    ) -> Self {
        Self {
            app,
            slot: Arc::new(Mutex::new(Slot {
                session,
                present,
                change,
            })),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The session, if the user is logged in.
    pub fn session(&self) -> Option<Session> {
        self.lock().session.clone()
    }

    /// The user's claims, if logged in.
    pub fn user(&self) -> Option<IdTokenClaims> {
        self.lock().session.as_ref().map(|s| s.user.clone())
    }

    /// Whether the user is logged in.
    pub fn is_authenticated(&self) -> bool {
        self.lock().session.is_some()
    }

    /// Ends the session locally (the cookie is removed with the response); the user stays
    /// logged in at the tenant. The logout route also ends it there.
    pub fn clear(&self) {
        let mut slot = self.lock();
        // Nothing to end: keep whatever a server-side session layer holds for the app.
        if slot.session.take().is_some() {
            slot.change = Change::Cleared;
        }
    }

    /// The web app this handle belongs to.
    pub fn app(&self) -> &WebApp {
        &self.app
    }

    /// For server-side storage: what to write to the session layer.
    pub fn storage_change(&self) -> StorageChange {
        let slot = self.lock();
        match (slot.change, &slot.session) {
            (Change::Unchanged, _) => StorageChange::Unchanged,
            (Change::Cleared, _) | (_, None) => StorageChange::Delete,
            (change, Some(session)) => StorageChange::Save {
                session: Box::new(session.clone()),
                new_identity: change == Change::Created,
            },
        }
    }

    pub(crate) fn set(&self, session: Session, change: Change) {
        let mut slot = self.lock();
        slot.session = Some(session);
        // A login stays a login even if a refresh follows within the same request.
        if slot.change != Change::Created {
            slot.change = change;
        }
    }
}
