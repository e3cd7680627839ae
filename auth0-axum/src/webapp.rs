//! Web-app login in axum: the layers of [`auth0_tower::webapp`] and the extractors
//! [`User`] and [`WebSession`].
//!
//! * [`WebAppLayer`] (on the router, with `Router::layer`) answers `/login`, `/callback` and
//!   `/logout`, and keeps the session;
//! * [`RequireLoginLayer`] (with `Router::route_layer` on the private routes) sends a logged-out
//!   browser to the login page and back, and answers API requests 401;
//! * [`User`]: the logged-in user's claims; without a user the handler is not called and the
//!   request gets the same answer as from `RequireLoginLayer`. `Option<User>` is `None` when
//!   logged out;
//! * [`WebSession`]: the session itself, for its [access token](WebSession::access_token)
//!   (refreshed when expired) or to [clear](WebSession::clear) it; `Option<WebSession>` too.
//!
//! Both extractors need the [`WebAppLayer`]: without it they answer 500 and log the fix.
//!
//! ```
//! use auth0_axum::webapp::{RequireLoginLayer, User, WebApp, WebAppLayer, WebSession};
//! use axum::{Router, routing::get};
//!
//! async fn home(user: Option<User>) -> String {
//!     match user {
//!         Some(user) => format!("Welcome back, {}", user.name().unwrap_or(user.sub())),
//!         None => "Hello, stranger: <a href=\"/login\">log in</a>".to_owned(),
//!     }
//! }
//!
//! async fn call_api(session: WebSession) -> String {
//!     match session.access_token().await {
//!         Ok(token) => format!("a token for the API, valid until {}", token.expires_at()),
//!         Err(error) => format!("no token: {error}"),
//!     }
//! }
//!
//! # fn app() -> Result<Router, Box<dyn std::error::Error>> {
//! let web_app = WebApp::builder("my-tenant.us.auth0.com", "CLIENT_ID", "https://app.example.com")
//!     .client_secret("CLIENT_SECRET")
//!     .secret("a random secret of at least 32 bytes: openssl rand -hex 32")
//!     .audience("https://api.example.com")
//!     .build()?;
//! let private = Router::new()
//!     .route("/api-call", get(call_api))
//!     .route_layer(RequireLoginLayer::new());
//! let app = Router::new()
//!     .route("/", get(home))
//!     .merge(private)
//!     .layer(WebAppLayer::new(web_app));
//! # Ok(app) }
//! ```
//!
//! Server-side sessions (cargo feature `tower-sessions`): build the app with
//! `.session_storage(SessionStorage::Server)` and put tower-sessions' `SessionManagerLayer`
//! (with `SameSite=Lax`) outside the `WebAppLayer`, i.e. in a `.layer` call after it.

use std::fmt;
use std::ops::Deref;

use auth0_core::verify::id_token::IdTokenClaims;
use auth0_tower::webapp::{web_request, web_response};
use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;
use http::{StatusCode, header};

#[cfg(feature = "tower-sessions")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-sessions")))]
pub use auth0_tower::webapp::SESSION_KEY;
pub use auth0_tower::webapp::{
    AccessToken, AccessTokenError, CallbackError, LoginOptions, LogoutMode, RequireLoginFuture,
    RequireLoginLayer, RequireLoginService, Session, SessionHandle, SessionStorage, StorageChange,
    WebApp, WebAppBuilder, WebAppConfigError, WebAppFuture, WebAppLayer, WebAppService,
};

const NO_WEBAPP_LAYER: &str = "an extractor of the web-app login (User, WebSession) found no \
     session on the request: add `.layer(WebAppLayer::new(web_app))` to the router";

/// The logged-in user: the claims of the verified ID token. Without a logged-in user the
/// request is answered as by [`RequireLoginLayer`] (a redirect to login for a page, 401
/// otherwise); `Option<User>` is `None` instead.
#[derive(Clone, Debug)]
pub struct User(pub IdTokenClaims);

impl User {
    /// The `sub` claim (the user's id, `auth0|…`).
    #[must_use]
    pub fn sub(&self) -> &str {
        self.claim_str("sub").unwrap_or_default()
    }

    /// The `name` claim.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.claim_str("name")
    }

    /// The `email` claim.
    #[must_use]
    pub fn email(&self) -> Option<&str> {
        self.claim_str("email")
    }

    /// The `picture` claim (a URL).
    #[must_use]
    pub fn picture(&self) -> Option<&str> {
        self.claim_str("picture")
    }

    /// A string claim.
    #[must_use]
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(serde_json::Value::as_str)
    }

    /// All the claims.
    #[must_use]
    pub fn claims(&self) -> &IdTokenClaims {
        &self.0
    }
}

impl Deref for User {
    type Target = IdTokenClaims;

    fn deref(&self) -> &IdTokenClaims {
        &self.0
    }
}

/// The logged-in user's session: its [access token](Self::access_token), its data, and
/// [`clear`](Self::clear). Without a logged-in user the request is answered as by
/// [`RequireLoginLayer`]; `Option<WebSession>` is `None` instead. Changes (a refreshed token,
/// a cleared session) are written back by the [`WebAppLayer`] with the response.
#[derive(Clone, Debug)]
pub struct WebSession(SessionHandle);

impl WebSession {
    /// The session's access token for the configured audience, refreshed first when it has
    /// expired (see [`SessionHandle::access_token`]).
    ///
    /// # Errors
    /// [`AccessTokenError`]: no audience configured, no refresh token, the refresh refused
    /// (the session is then ended) or failed.
    pub async fn access_token(&self) -> Result<AccessToken, AccessTokenError> {
        self.0.access_token().await
    }

    /// The session (claims, tokens' expiry, id). `None` once cleared.
    #[must_use]
    pub fn session(&self) -> Option<Session> {
        self.0.session()
    }

    /// The user's claims. `None` once cleared.
    #[must_use]
    pub fn user(&self) -> Option<User> {
        self.0.user().map(User)
    }

    /// Ends the session in this application (its cookie is removed with the response); the
    /// user stays logged in at the tenant. Send them to the logout route to end both.
    pub fn clear(&self) {
        self.0.clear();
    }

    /// The handle the [`WebAppLayer`] put on the request.
    #[must_use]
    pub fn handle(&self) -> &SessionHandle {
        &self.0
    }
}

/// Why [`User`] or [`WebSession`] refused a request: no logged-in user (a redirect to login,
/// or 401), or no [`WebAppLayer`] in front (500; the fix was logged with `tracing::error!`).
pub struct WebAppRejection {
    kind: Kind,
}

enum Kind {
    Unauthenticated(Box<Response>),
    Misconfigured,
}

impl WebAppRejection {
    fn misconfigured() -> Self {
        tracing::error!(target: "auth0_axum::misconfiguration", "{NO_WEBAPP_LAYER}");
        Self {
            kind: Kind::Misconfigured,
        }
    }

    /// The HTTP status of the answer: 302, 401 or 500.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match &self.kind {
            Kind::Unauthenticated(response) => response.status(),
            Kind::Misconfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether the server, not the request, is at fault (no `WebAppLayer`).
    #[must_use]
    pub fn is_misconfiguration(&self) -> bool {
        matches!(self.kind, Kind::Misconfigured)
    }
}

impl IntoResponse for WebAppRejection {
    fn into_response(self) -> Response {
        match self.kind {
            Kind::Unauthenticated(response) => *response,
            Kind::Misconfigured => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CACHE_CONTROL, "no-store")],
                NO_WEBAPP_LAYER,
            )
                .into_response(),
        }
    }
}

impl fmt::Debug for WebAppRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAppRejection")
            .field("status", &self.status())
            .finish()
    }
}

impl fmt::Display for WebAppRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Unauthenticated(_) => f.write_str("no logged-in user"),
            Kind::Misconfigured => f.write_str(NO_WEBAPP_LAYER),
        }
    }
}

impl std::error::Error for WebAppRejection {}

/// The request's session handle, or the 500 of a missing layer.
fn handle(parts: &Parts) -> Result<SessionHandle, WebAppRejection> {
    parts
        .extensions
        .get::<SessionHandle>()
        .cloned()
        .ok_or_else(WebAppRejection::misconfigured)
}

/// The answer to a request without a logged-in user.
fn unauthenticated(parts: &Parts, handle: &SessionHandle) -> WebAppRejection {
    let web = web_request(&parts.method, &parts.uri, &parts.headers);
    WebAppRejection {
        kind: Kind::Unauthenticated(Box::new(web_response(handle.app().unauthenticated(&web)))),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = WebAppRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let handle = handle(parts)?;
        match handle.user() {
            Some(claims) => Ok(Self(claims)),
            None => Err(unauthenticated(parts, &handle)),
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for User {
    type Rejection = WebAppRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(handle(parts)?.user().map(Self))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for WebSession {
    type Rejection = WebAppRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let handle = handle(parts)?;
        if handle.is_authenticated() {
            Ok(Self(handle))
        } else {
            Err(unauthenticated(parts, &handle))
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for WebSession {
    type Rejection = WebAppRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let handle = handle(parts)?;
        Ok(handle.is_authenticated().then_some(Self(handle)))
    }
}
