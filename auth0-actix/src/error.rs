//! [`Auth0Error`]: why a request was refused, answered with core's outcome mapping through
//! actix-web's [`ResponseError`].

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use auth0_core::{Outcome, Refusal, VerifyError};

/// The error of the extractors and the middleware of this crate.
///
/// * a refused token or request: core's outcome — status 400 / 401 / 403 / 503,
///   `WWW-Authenticate`, `Retry-After`, and the JSON body `{"error","error_description"}` when
///   an RFC 6750 code applies; the [`VerifyError`] is put into the response extensions;
/// * a server misconfiguration (no verifier in `app_data`): 500 with an empty body; the fix
///   was logged with `tracing::error!` when the error was made.
///
/// Opaque so that new cases can be added without a breaking change; inspect it with its methods.
/// It wraps core's [`Refusal`], the model the adapters share.
pub struct Auth0Error {
    inner: Refusal,
}

impl Auth0Error {
    /// A refusal of `error`, answered with `outcome` (which carries the realm; see
    /// [`AccessTokenVerifier::outcome`](auth0_core::AccessTokenVerifier::outcome)).
    #[must_use]
    pub fn new(error: VerifyError, outcome: Outcome) -> Self {
        Self {
            inner: Refusal::new(error, outcome),
        }
    }

    /// A server misconfiguration: logs `reason` (how to fix it) as an error, answers 500.
    pub(crate) fn misconfigured(reason: String) -> Self {
        tracing::error!(target: "auth0_actix::misconfiguration", "{reason}");
        Self {
            inner: Refusal::misconfigured(reason),
        }
    }

    /// Why the token or request was refused; `None` for a misconfiguration.
    #[must_use]
    pub fn error(&self) -> Option<&VerifyError> {
        self.inner.error()
    }

    /// The HTTP answer core chose; `None` for a misconfiguration.
    #[must_use]
    pub fn outcome(&self) -> Option<&Outcome> {
        self.inner.outcome()
    }

    /// Whether the request carried no bearer credentials (the bare 401 challenge).
    #[must_use]
    pub fn is_missing_credentials(&self) -> bool {
        self.inner.is_missing_credentials()
    }

    /// Whether the server, not the request, is at fault (500).
    #[must_use]
    pub fn is_misconfiguration(&self) -> bool {
        self.inner.is_misconfiguration()
    }
}

impl ResponseError for Auth0Error {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.inner.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let Some((error, outcome)) = self.inner.refused() else {
            return HttpResponse::InternalServerError().finish();
        };
        tracing::debug!(
            target: "auth0_actix::rejection",
            status = outcome.status,
            error = %error,
            "request refused"
        );
        let mut builder = HttpResponse::build(self.status_code());
        if let Some(value) = outcome
            .www_authenticate
            .as_deref()
            .and_then(|challenge| HeaderValue::from_str(challenge).ok())
        {
            builder.insert_header((header::WWW_AUTHENTICATE, value));
        }
        if let Some(seconds) = outcome.retry_after {
            builder.insert_header((header::RETRY_AFTER, seconds));
        }
        let mut response = match outcome.json_body() {
            Some(json) => builder.content_type("application/json").body(json),
            None => builder.finish(),
        };
        response.extensions_mut().insert(error.clone());
        response
    }
}

impl fmt::Debug for Auth0Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt_debug_as("Auth0Error", f)
    }
}

impl fmt::Display for Auth0Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Auth0Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.inner)
    }
}
