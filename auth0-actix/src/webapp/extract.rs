//! [`User`] and [`WebSession`]: the logged-in user and the request's session as handler
//! arguments.

use std::future::{Ready, ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use auth0_core::verify::id_token::IdTokenClaims;
use auth0_core::webapp::{AccessToken, AccessTokenError, Session, SessionHandle};
use serde_json::Value;

use super::error::WebAppError;
use super::request::web_request;
use super::require::no_session;

/// The session handle [`WebAppMiddleware`](super::WebAppMiddleware) put on the request.
fn handle(request: &HttpRequest, what: &str) -> Result<SessionHandle, WebAppError> {
    request
        .extensions()
        .get::<SessionHandle>()
        .cloned()
        .ok_or_else(|| WebAppError::misconfigured(no_session(what)))
}

/// The logged-in user: the claims of the ID token verified at login (`sub`, `name`, `email`,
/// `picture`, and whatever else the tenant adds).
///
/// Without a logged-in user the request is refused with the web app's answer: a redirect to the
/// login route for a page request, 401 otherwise ([`WebAppError`]). Take `Option<User>` for
/// pages that anyone may see: `None` when nobody is logged in.
///
/// ```
/// use auth0_actix::webapp::User;
///
/// async fn profile(user: User) -> String {
///     format!("{} <{}>", user.name().unwrap_or("?"), user.email().unwrap_or("?"))
/// }
///
/// async fn home(user: Option<User>) -> String {
///     match user {
///         Some(user) => format!("hello {}", user.sub()),
///         None => "hello stranger".to_owned(),
///     }
/// }
/// ```
#[derive(Clone, Debug)]
pub struct User {
    claims: IdTokenClaims,
}

impl User {
    /// The claims of the user's ID token.
    #[must_use]
    pub fn claims(&self) -> &IdTokenClaims {
        &self.claims
    }

    /// Takes the claims.
    #[must_use]
    pub fn into_claims(self) -> IdTokenClaims {
        self.claims
    }

    /// A claim, if present.
    #[must_use]
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }

    /// A string claim, if present and a string.
    #[must_use]
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claim(name).and_then(Value::as_str)
    }

    /// The user's `sub` (empty if the ID token had none, which the verifier does not let
    /// through).
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
}

impl Deref for User {
    type Target = IdTokenClaims;

    fn deref(&self) -> &IdTokenClaims {
        &self.claims
    }
}

impl FromRequest for User {
    type Error = WebAppError;
    type Future = Ready<Result<Self, WebAppError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(
            handle(request, "User").and_then(|handle| match handle.user() {
                Some(claims) => Ok(Self { claims }),
                None => Err(WebAppError::unauthenticated(
                    handle.app().unauthenticated(&web_request(request)),
                )),
            }),
        )
    }
}

/// The request's web-app session, logged in or not: its access token (refreshed when
/// expired), the session itself, and local logout. Changes are written back with the response
/// by [`WebAppMiddleware`](super::WebAppMiddleware). It derefs to the core's
/// [`SessionHandle`].
///
/// ```
/// use actix_web::HttpResponse;
/// use auth0_actix::webapp::WebSession;
///
/// async fn call_api(session: WebSession) -> HttpResponse {
///     match session.access_token().await {
///         // Send `token.secret()` as `Authorization: Bearer …` to the API.
///         Ok(token) => HttpResponse::Ok().body(format!("token until {}", token.expires_at())),
///         Err(error) => HttpResponse::Unauthorized().body(error.to_string()),
///     }
/// }
/// ```
///
/// The only refusal is the misconfiguration of a route outside
/// [`WebAppMiddleware`](super::WebAppMiddleware) (500, logged).
#[derive(Clone, Debug)]
pub struct WebSession(SessionHandle);

impl WebSession {
    /// The session's access token, refreshed first when it has expired (or expires within a
    /// minute) and the session holds a refresh token; a rotated refresh token is written back
    /// with the response.
    ///
    /// # Errors
    /// [`AccessTokenError`]: not logged in, no token (no audience configured), expired without
    /// a refresh token, the refresh refused (the session is then ended) or failed.
    pub async fn access_token(&self) -> Result<AccessToken, AccessTokenError> {
        self.0.access_token().await
    }

    /// The session, if the user is logged in.
    #[must_use]
    pub fn session(&self) -> Option<Session> {
        self.0.session()
    }

    /// The user, if logged in.
    #[must_use]
    pub fn user(&self) -> Option<User> {
        self.0.user().map(|claims| User { claims })
    }

    /// Whether the user is logged in.
    #[must_use]
    pub fn is_authenticated(&self) -> bool {
        self.0.is_authenticated()
    }

    /// Ends the session locally (its cookie is removed with the response); the user stays
    /// logged in at the tenant. The logout route also ends it there.
    pub fn clear(&self) {
        self.0.clear();
    }

    /// The core's session handle.
    #[must_use]
    pub fn handle(&self) -> &SessionHandle {
        &self.0
    }
}

impl Deref for WebSession {
    type Target = SessionHandle;

    fn deref(&self) -> &SessionHandle {
        &self.0
    }
}

impl FromRequest for WebSession {
    type Error = WebAppError;
    type Future = Ready<Result<Self, WebAppError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(handle(request, "WebSession").map(Self))
    }
}
