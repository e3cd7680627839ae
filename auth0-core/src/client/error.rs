//! The one error type of the Authentication API client.
//!
//! [`Error`] is an opaque struct with a [`kind`](Error::kind) (a `#[non_exhaustive]` enum), so new
//! failure classes can be added without breaking callers. When Auth0 answered with an error status,
//! [`Error::api`] gives the [`ApiError`]: status, error code, message, every response header and
//! the raw body. Neither `Debug` nor `Display` ever shows a secret: request bodies are never kept,
//! and the response body is shown by length only.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::headers::ResponseHeaders;

/// The error code reported when the body names none (auth0-python's `a0.sdk.internal.unknown`).
pub const UNKNOWN_ERROR_CODE: &str = "a0.sdk.internal.unknown";

/// Longest message taken from a non-JSON error body; the full body stays in [`ApiError::body`].
const MAX_TEXT_MESSAGE: usize = 1024;

/// The class of a client failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server answered with a status outside 2xx; see [`Error::api`].
    Api,
    /// The request did not complete within the configured connect or total timeout.
    Timeout,
    /// The request could not be sent or its answer not received (DNS, connection, TLS, reset…).
    Transport,
    /// A successful answer whose body does not have the expected shape (or is too large).
    Decode,
    /// The request was refused before sending because an input is invalid.
    InvalidInput,
    /// A client assertion could not be signed (no secure randomness, signing failure).
    ClientAssertion,
}

/// An error status answered by the server.
#[derive(Clone)]
pub struct ApiError {
    status: u16,
    error_code: String,
    message: String,
    headers: ResponseHeaders,
    body: Vec<u8>,
    json: Option<Value>,
}

impl ApiError {
    /// Builds the error for a status, its headers and its raw body, choosing code and message:
    ///
    /// * code: the first of `errorCode`, `error`, `code` holding a string (or a number), else
    ///   [`UNKNOWN_ERROR_CODE`];
    /// * message: the first non-empty string of `error_description`, `message`, `description`,
    ///   then `error`; for a body that is not a JSON object, its text (cut at 1 KiB); else `""`.
    pub fn new(status: u16, headers: ResponseHeaders, body: Vec<u8>) -> Self {
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        let (error_code, message) = match &json {
            Some(Value::Object(obj)) => {
                let code = ["errorCode", "error", "code"]
                    .iter()
                    .find_map(|k| match obj.get(*k) {
                        Some(Value::String(s)) => Some(s.clone()),
                        Some(Value::Number(n)) => Some(n.to_string()),
                        _ => None,
                    })
                    .unwrap_or_else(|| UNKNOWN_ERROR_CODE.to_owned());
                let message = ["error_description", "message", "description", "error"]
                    .iter()
                    .find_map(|k| match obj.get(*k) {
                        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                (code, message)
            }
            Some(Value::String(s)) => (UNKNOWN_ERROR_CODE.to_owned(), truncate(s.trim())),
            _ => {
                let text = String::from_utf8_lossy(&body);
                (UNKNOWN_ERROR_CODE.to_owned(), truncate(text.trim()))
            }
        };
        Self {
            status,
            error_code,
            message,
            headers,
            body,
            json,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The error code (`invalid_grant`, `mfa_required`, `too_many_requests`…), or
    /// [`UNKNOWN_ERROR_CODE`].
    pub fn error_code(&self) -> &str {
        &self.error_code
    }

    /// The human-readable message; empty when the body has none.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Every response header.
    pub fn headers(&self) -> &ResponseHeaders {
        &self.headers
    }

    /// The raw response body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body parsed as JSON, when it is JSON (of any type).
    pub fn json(&self) -> Option<&Value> {
        self.json.as_ref()
    }

    /// Whether the status is 429 (rate limited; for CIBA polling, also `slow_down`).
    pub fn is_rate_limited(&self) -> bool {
        self.status == 429
    }

    /// When the rate limit resets, in UNIX seconds, from `x-ratelimit-reset`. `None` when the header
    /// is absent or not an integer.
    pub fn reset_at(&self) -> Option<u64> {
        self.headers.ratelimit_reset()
    }

    /// How long to wait before retrying, from `Retry-After` (delta-seconds or an HTTP-date; a past
    /// date gives zero). `None` when absent or unreadable.
    pub fn retry_after(&self) -> Option<Duration> {
        self.headers.retry_after_at(SystemTime::now())
    }

    /// The `mfa_token` of an `mfa_required` answer, to continue with the MFA API.
    pub fn mfa_token(&self) -> Option<&str> {
        self.json.as_ref()?.get("mfa_token")?.as_str()
    }
}

fn truncate(text: &str) -> String {
    if text.len() <= MAX_TEXT_MESSAGE {
        return text.to_owned();
    }
    let mut end = MAX_TEXT_MESSAGE;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("error_code", &self.error_code)
            .field("message", &self.message)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.error_code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

enum Detail {
    Api(ApiError),
    Source(Box<dyn StdError + Send + Sync + 'static>),
    Message(Cow<'static, str>),
}

struct Inner {
    kind: ErrorKind,
    route: Option<&'static str>,
    detail: Detail,
}

/// A failed Authentication API call. See [`ErrorKind`] for the classes and [`Error::api`] for the
/// server's answer.
pub struct Error {
    inner: Box<Inner>,
}

impl Error {
    fn new(kind: ErrorKind, route: Option<&'static str>, detail: Detail) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                route,
                detail,
            }),
        }
    }

    pub(crate) fn from_api(route: &'static str, api: ApiError) -> Self {
        Self::new(ErrorKind::Api, Some(route), Detail::Api(api))
    }

    pub(crate) fn from_reqwest(route: &'static str, err: reqwest::Error) -> Self {
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Transport
        };
        Self::new(kind, Some(route), Detail::Source(Box::new(err)))
    }

    pub(crate) fn decode(route: &'static str, what: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Decode, Some(route), Detail::Message(what.into()))
    }

    pub(crate) fn invalid_input(route: &'static str, what: impl Into<Cow<'static, str>>) -> Self {
        Self::new(
            ErrorKind::InvalidInput,
            Some(route),
            Detail::Message(what.into()),
        )
    }

    pub(crate) fn client_assertion(route: &'static str) -> Self {
        Self::new(
            ErrorKind::ClientAssertion,
            Some(route),
            Detail::Message("could not sign the client assertion".into()),
        )
    }

    /// The class of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The endpoint, as `METHOD /route` (for example `POST /oauth/token`).
    pub fn route(&self) -> Option<&'static str> {
        self.inner.route
    }

    /// The server's error answer, when the kind is [`ErrorKind::Api`].
    pub fn api(&self) -> Option<&ApiError> {
        match &self.inner.detail {
            Detail::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        self.api().map(ApiError::status)
    }

    /// The error code of an API error.
    pub fn error_code(&self) -> Option<&str> {
        self.api().map(ApiError::error_code)
    }

    /// The message of an API error.
    pub fn message(&self) -> Option<&str> {
        self.api().map(ApiError::message)
    }

    /// The response headers of an API error.
    pub fn headers(&self) -> Option<&ResponseHeaders> {
        self.api().map(ApiError::headers)
    }

    /// Whether this is a 429 answer.
    pub fn is_rate_limited(&self) -> bool {
        self.api().is_some_and(ApiError::is_rate_limited)
    }

    /// See [`ApiError::reset_at`].
    pub fn reset_at(&self) -> Option<u64> {
        self.api().and_then(ApiError::reset_at)
    }

    /// See [`ApiError::retry_after`].
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(ApiError::retry_after)
    }

    /// See [`ApiError::mfa_token`].
    pub fn mfa_token(&self) -> Option<&str> {
        self.api().and_then(ApiError::mfa_token)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("route", &self.inner.route);
        match &self.inner.detail {
            Detail::Api(api) => d.field("api", api),
            Detail::Source(source) => d.field("source", source),
            Detail::Message(msg) => d.field("detail", msg),
        };
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(route) = self.inner.route {
            write!(f, "{route}: ")?;
        }
        match (&self.inner.kind, &self.inner.detail) {
            (_, Detail::Api(api)) => write!(f, "Auth0 answered {api}"),
            (ErrorKind::Timeout, _) => f.write_str("the request timed out"),
            (_, Detail::Source(_)) => f.write_str("the request failed"),
            (_, Detail::Message(msg)) => f.write_str(msg),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.inner.detail {
            Detail::Source(source) => Some(source.as_ref()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(body: &str) -> ApiError {
        ApiError::new(400, ResponseHeaders::default(), body.as_bytes().to_vec())
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        let text = "é".repeat(1000);
        let e = api(&text);
        assert!(e.message().len() <= MAX_TEXT_MESSAGE + '…'.len_utf8());
        assert_eq!(e.body().len(), text.len());
    }

    #[test]
    fn display_has_status_code_message() {
        let e = Error::from_api(
            "POST /oauth/token",
            api(r#"{"error":"invalid_grant","error_description":"Wrong"}"#),
        );
        assert_eq!(
            e.to_string(),
            "POST /oauth/token: Auth0 answered 400 invalid_grant: Wrong"
        );
    }
}
