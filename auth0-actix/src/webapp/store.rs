//! Where a request's session is read from and written back to: the sealed session cookie, or
//! (feature `actix-session`) actix-session's `Session` under [`SESSION_KEY`](super::SESSION_KEY).

use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderValue;
use auth0_core::webapp::{SessionHandle, SessionStorage, WebApp, WebRequest};

use super::error::WebAppError;
use super::request::cookie_headers;

/// The session storage of one request.
pub(crate) enum Store {
    /// The sealed session cookie.
    Cookie,
    /// actix-session's session of this request.
    #[cfg(feature = "actix-session")]
    Server(actix_session::Session),
}

impl Store {
    /// The storage `app` asks for, as this request offers it; a server-side app without
    /// actix-session (the feature or its middleware) is a misconfiguration.
    pub(crate) fn open(app: &WebApp, request: &ServiceRequest) -> Result<Self, WebAppError> {
        match app.storage() {
            SessionStorage::Server => server(request),
            _ => Ok(Self::Cookie),
        }
    }

    /// The request's session.
    pub(crate) fn load(&self, app: &WebApp, request: &WebRequest<'_>) -> SessionHandle {
        match self {
            Self::Cookie => app.load(request),
            #[cfg(feature = "actix-session")]
            Self::Server(session) => app.resume(server::read(session)),
        }
    }

    /// Writes the session's changes back: the `Set-Cookie` values to add to the response (with
    /// server storage, only removals of a stale session cookie), and with server storage the
    /// change to actix-session's session.
    pub(crate) fn write_back(&self, app: &WebApp, handle: &SessionHandle) -> Vec<HeaderValue> {
        #[cfg(feature = "actix-session")]
        if let Self::Server(session) = self {
            server::write(session, handle);
        }
        cookie_headers(&app.finish(handle))
    }
}

#[cfg(feature = "actix-session")]
fn server(request: &ServiceRequest) -> Result<Store, WebAppError> {
    match server::layer_session(request) {
        Some(session) => Ok(Store::Server(session)),
        None => Err(WebAppError::misconfigured(
            "the WebApp keeps sessions server-side (SessionStorage::Server), but no actix-session \
             `SessionMiddleware` wraps `WebAppMiddleware`: add \
             `.wrap(SessionMiddleware::new(store, key))` after `.wrap(WebAppMiddleware::new(web_app))` \
             (actix-web runs the last `wrap` first), or use SessionStorage::Cookie"
                .to_owned(),
        )),
    }
}

#[cfg(not(feature = "actix-session"))]
fn server(_request: &ServiceRequest) -> Result<Store, WebAppError> {
    Err(WebAppError::misconfigured(
        "the WebApp keeps sessions server-side (SessionStorage::Server), but auth0-actix was built \
         without its `actix-session` feature: enable it (`auth0-actix = { features = \
         [\"actix-session\"] }`) and wrap the app in actix-session's `SessionMiddleware`, or use \
         SessionStorage::Cookie"
            .to_owned(),
    ))
}

#[cfg(feature = "actix-session")]
mod server {
    use actix_session::{Session as LayerSession, SessionExt};
    use actix_web::HttpMessage;
    use actix_web::dev::ServiceRequest;
    use auth0_core::webapp::{Session, SessionHandle, StorageChange};

    use super::super::SESSION_KEY;

    /// A key only ever set on the probe session of [`layer_session`].
    const PROBE: &str = "auth0.probe";

    /// The session actix-session's `SessionMiddleware` gave this request, or `None` when no such
    /// middleware wraps it.
    ///
    /// `SessionExt::get_session` hands out a session either way (without the middleware, one
    /// that is never saved), and the type the middleware puts into the request extensions is
    /// private. So: set the extensions aside, let `get_session` put a fresh, marked session into
    /// the empty map, and lay the extensions back over it. The middleware's session, when there
    /// is one, replaces the marked one.
    pub(super) fn layer_session(request: &ServiceRequest) -> Option<LayerSession> {
        let saved = std::mem::take(&mut *request.extensions_mut());
        let probe = request.get_session();
        let marked = probe.insert(PROBE, true).is_ok();
        drop(probe);
        request.extensions_mut().extend(saved);
        let session = request.get_session();
        if marked && session.contains_key(PROBE) {
            session.remove(PROBE);
            return None;
        }
        Some(session)
    }

    /// The stored session; an unreadable one (another version's shape) is removed and the
    /// request is logged out.
    pub(super) fn read(session: &LayerSession) -> Option<Session> {
        match session.get::<Session>(SESSION_KEY) {
            Ok(stored) => stored,
            Err(_) => {
                tracing::debug!(target: "auth0::webapp", "stored session unreadable: removed");
                session.remove(SESSION_KEY);
                None
            }
        }
    }

    /// Applies the request's session change: a login renews the session id before storing (no
    /// session fixation), a logout or expiry purges the session.
    pub(super) fn write(session: &LayerSession, handle: &SessionHandle) {
        match handle.storage_change() {
            StorageChange::Save {
                session: stored,
                new_identity,
            } => {
                if new_identity {
                    session.renew();
                }
                if session.insert(SESSION_KEY, &*stored).is_err() {
                    tracing::error!(target: "auth0::webapp", "the session could not be stored");
                }
            }
            StorageChange::Delete => session.purge(),
            _ => {}
        }
    }
}
