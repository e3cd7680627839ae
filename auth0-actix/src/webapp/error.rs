//! [`WebAppError`]: the rejection of the web-app extractors and middleware.

use std::fmt;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use auth0_core::webapp::WebResponse;

use super::request::{append_cookies, http_response};

/// Why a web-app extractor ([`User`](super::User), [`WebSession`](super::WebSession)) or
/// [`RequireLogin`](super::RequireLogin) did not let a request through.
///
/// * nobody is logged in: the core's answer, a redirect to the login route (coming back to the
///   page) for a page request (`GET` or `HEAD` with `Accept: text/html`), else 401 with the JSON
///   body `{"error":"unauthorized",…}`;
/// * a server misconfiguration (no [`WebAppMiddleware`](super::WebAppMiddleware) around the
///   route, or server-side sessions without actix-session's `SessionMiddleware`): 500 with a
///   plain-text message saying how to fix it, also logged with `tracing::error!`.
///
/// ```
/// use actix_web::ResponseError;
/// use auth0_actix::webapp::User;
///
/// async fn profile(user: Result<User, auth0_actix::webapp::WebAppError>) -> String {
///     match user {
///         Ok(user) => format!("hello {}", user.sub()),
///         Err(error) if error.is_misconfiguration() => "broken".into(),
///         Err(error) => format!("{}", error.status_code()), // 302 or 401
///     }
/// }
/// ```
#[derive(Clone)]
pub struct WebAppError {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Unauthenticated(WebResponse),
    Misconfigured(Arc<str>),
}

impl WebAppError {
    /// Nobody is logged in: answered with `response` (`WebApp::unauthenticated`).
    pub(crate) fn unauthenticated(response: WebResponse) -> Self {
        Self {
            kind: Kind::Unauthenticated(response),
        }
    }

    /// A server misconfiguration: logs `reason` (how to fix it) as an error, answers 500.
    pub(crate) fn misconfigured(reason: String) -> Self {
        tracing::error!(target: "auth0_actix::misconfiguration", "{reason}");
        Self {
            kind: Kind::Misconfigured(Arc::from(reason)),
        }
    }

    /// Whether the server, not the request, is at fault (500).
    #[must_use]
    pub fn is_misconfiguration(&self) -> bool {
        matches!(self.kind, Kind::Misconfigured(_))
    }

    /// Whether the request is refused because nobody is logged in.
    #[must_use]
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self.kind, Kind::Unauthenticated(_))
    }
}

impl fmt::Debug for WebAppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Unauthenticated(response) => f
                .debug_struct("WebAppError::Unauthenticated")
                .field("status", &response.status())
                .finish(),
            Kind::Misconfigured(reason) => f
                .debug_struct("WebAppError::Misconfigured")
                .field("reason", reason)
                .finish(),
        }
    }
}

impl fmt::Display for WebAppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Unauthenticated(_) => f.write_str("not logged in"),
            Kind::Misconfigured(reason) => write!(f, "server misconfiguration: {reason}"),
        }
    }
}

impl std::error::Error for WebAppError {}

impl ResponseError for WebAppError {
    fn status_code(&self) -> StatusCode {
        match &self.kind {
            Kind::Unauthenticated(response) => {
                StatusCode::from_u16(response.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            Kind::Misconfigured(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match &self.kind {
            Kind::Unauthenticated(response) => http_response(response.clone()),
            Kind::Misconfigured(reason) => HttpResponse::InternalServerError()
                .insert_header((CACHE_CONTROL, "no-store"))
                .content_type("text/plain; charset=utf-8")
                .body(format!("Server misconfiguration: {reason}\n")),
        }
    }
}

/// An error of the inner service, answered with the web app's `Set-Cookie` headers added: a
/// session written back (a refreshed, rotated token) must reach the browser even when the
/// handler's answer is an error.
pub(crate) struct WithCookies {
    pub(crate) error: actix_web::Error,
    pub(crate) cookies: Vec<HeaderValue>,
}

impl fmt::Debug for WithCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

impl fmt::Display for WithCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl ResponseError for WithCookies {
    fn status_code(&self) -> StatusCode {
        self.error.as_response_error().status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = self.error.error_response();
        append_cookies(response.headers_mut(), &self.cookies);
        response
    }
}
