//! [`Auth0Rejection`]: why an extractor of this crate refused a request, answered with core's
//! outcome mapping.

use std::fmt;

use auth0_core::{Outcome, Refusal, VerifyError};
use auth0_tower::{ErrorResponder, JsonErrorResponse};
use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};
use http::StatusCode;

/// The rejection of [`Auth0Claims`](crate::Auth0Claims), [`Auth0Verified`](crate::Auth0Verified)
/// and [`Scoped`](crate::Scoped).
///
/// * a refused token or request: core's outcome — status 400 / 401 / 403 / 503,
///   `WWW-Authenticate`, `Retry-After`, and the JSON body `{"error","error_description"}` when
///   an RFC 6750 code applies; the [`VerifyError`] goes into the response extensions;
/// * a server misconfiguration (claims expected from an `Auth0Layer` that is not there, or of
///   another claims type): 500 with an empty body; the fix was logged with `tracing::error!`
///   when the rejection was made.
///
/// An opaque struct so that new cases can be added without a breaking change; inspect it with
/// its methods. It wraps core's [`Refusal`], the model the adapters share.
pub struct Auth0Rejection {
    inner: Refusal,
}

impl Auth0Rejection {
    /// A refusal of `error`, answered with `outcome` (from
    /// [`AccessTokenVerifier::outcome`](auth0_core::AccessTokenVerifier::outcome) or
    /// [`Verified::outcome`](auth0_tower::Verified::outcome), which carry the realm).
    #[must_use]
    pub fn new(error: VerifyError, outcome: Outcome) -> Self {
        Self {
            inner: Refusal::new(error, outcome),
        }
    }

    /// A server misconfiguration: logs `reason` (how to fix it) as an error, answers 500.
    pub(crate) fn misconfigured(reason: String) -> Self {
        tracing::error!(target: "auth0_axum::misconfiguration", "{reason}");
        Self {
            inner: Refusal::misconfigured(reason),
        }
    }

    /// The HTTP status of the answer.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.inner.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
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

impl IntoResponse for Auth0Rejection {
    fn into_response(self) -> Response {
        match self.inner.into_refused() {
            Some((error, outcome)) => {
                tracing::debug!(
                    target: "auth0_axum::rejection",
                    status = outcome.status,
                    error = %error,
                    "request refused"
                );
                let mut response: Response<Body> =
                    JsonErrorResponse.error_response(&error, &outcome);
                response.extensions_mut().insert(error);
                response
            }
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

impl fmt::Debug for Auth0Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt_debug_as("Auth0Rejection", f)
    }
}

impl fmt::Display for Auth0Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Auth0Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.inner)
    }
}
