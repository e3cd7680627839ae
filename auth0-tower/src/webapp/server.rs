//! [`SessionStorage::Server`](auth0_core::webapp::SessionStorage::Server): the session kept in
//! tower-sessions' [`Session`], which its `SessionManagerLayer` (outside the web app's layer)
//! loads before and saves after the request.

use auth0_core::webapp::{Session as WebSession, StorageChange, WebApp};
use http::{Request, Response, StatusCode};
use tower_service::Service;
use tower_sessions::Session;
use tower_sessions::session::Error;
use tower_sessions::session_store::Error as StoreError;

use super::translate::{append_cookies, misconfigured, web_request_of, web_response};

/// The key of the web app's session in the tower-sessions session.
pub const SESSION_KEY: &str = "auth0.session";

const NO_SESSION_LAYER: &str = "the WebApp keeps sessions server-side (SessionStorage::Server), \
     but the request has no tower_sessions::Session: put tower-sessions' SessionManagerLayer \
     outside (after, in axum's `.layer` order) WebAppLayer";

/// Answers a request whose session lives in tower-sessions.
pub(crate) async fn serve<S, ReqBody, ResBody>(
    app: WebApp,
    mut inner: S,
    mut request: Request<ReqBody>,
) -> Result<Response<ResBody>, S::Error>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: From<String>,
{
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return Ok(misconfigured(NO_SESSION_LAYER));
    };
    let Ok(stored) = load(&session).await else {
        return Ok(unavailable());
    };
    let handle = app.resume(stored);
    let mut response = match app.route(request.uri().path()) {
        Some(route) => {
            let (parts, _body) = request.into_parts();
            let web = web_request_of(&parts);
            web_response(app.respond(route, &web, &handle).await)
        }
        None => {
            request.extensions_mut().insert(handle.clone());
            inner.call(request).await?
        }
    };
    append_cookies(&mut response, app.finish(&handle));
    if store(&session, handle.storage_change()).await.is_err() {
        return Ok(unavailable());
    }
    Ok(response)
}

/// The stored session; one that no longer deserializes is removed and counts as none. `Err`
/// when the store failed (logged).
async fn load(session: &Session) -> Result<Option<WebSession>, ()> {
    match session.get::<WebSession>(SESSION_KEY).await {
        Ok(stored) => Ok(stored),
        Err(Error::SerdeJson(_)) => {
            tracing::debug!(target: "auth0::webapp", "stored session unreadable: removed");
            session.remove_value(SESSION_KEY).await.map_err(log)?;
            Ok(None)
        }
        Err(error) => {
            log(error);
            Err(())
        }
    }
}

/// Applies the request's change: a new identity (login) cycles the session id before the
/// session is stored, so that an id planted before login is not the one after it.
async fn store(session: &Session, change: StorageChange) -> Result<(), ()> {
    match change {
        StorageChange::Save {
            session: stored,
            new_identity,
        } => {
            if new_identity {
                session.cycle_id().await.map_err(log)?;
            }
            session.insert(SESSION_KEY, &*stored).await.map_err(log)
        }
        StorageChange::Delete => session.flush().await.map_err(log),
        _ => Ok(()),
    }
}

/// Logs a session-store failure without its details for the encoding errors, whose messages
/// may quote stored data.
fn log(error: Error) {
    match error {
        Error::Store(StoreError::Backend(message)) => {
            tracing::error!(target: "auth0::webapp", error = %message, "session store failed");
        }
        Error::Store(StoreError::Encode(_)) => {
            tracing::error!(target: "auth0::webapp", "session store failed to encode a session");
        }
        Error::Store(StoreError::Decode(_)) => {
            tracing::error!(target: "auth0::webapp", "session store failed to decode a session");
        }
        Error::SerdeJson(_) => {
            tracing::error!(target: "auth0::webapp", "session could not be (de)serialized");
        }
    }
}

/// 503: the session store cannot be reached.
fn unavailable<B: From<String>>() -> Response<B> {
    let mut response = Response::new(B::from(
        "The session store is unavailable; try again shortly.".to_owned(),
    ));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
}
