//! How a refused request is answered: the [`ErrorResponder`] hook and its two built-in
//! implementations.
//!
//! The status code and the headers always come from core's [`Outcome`] (RFC 6750 §3: status,
//! `WWW-Authenticate`, `Retry-After`); a responder only chooses the body, or takes full control
//! when it must (a gRPC service answering with `grpc-status`, for instance).

use auth0_core::{Outcome, VerifyError};
use http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{Response, StatusCode};

/// Builds the response for a refused request.
///
/// [`Auth0Layer`](crate::Auth0Layer) and [`RequireScopes`](crate::RequireScopes) call it with the
/// typed error and core's [`Outcome`] (status, RFC 6750 code, fixed description, ready
/// `WWW-Authenticate` value with the right realm, `Retry-After` for 503). After it returns, the
/// middleware puts the [`VerifyError`] into the response's extensions, so outer layers can
/// inspect why a request was refused.
///
/// The default, [`JsonErrorResponse`], answers `{"error", "error_description"}` as JSON;
/// [`EmptyErrorResponse`] sends no body at all. Any
/// `Fn(&VerifyError, &Outcome) -> Response<B>` is a responder too; start it from
/// [`outcome_response`] to keep the status and headers right:
///
/// ```
/// use auth0_tower::{outcome_response, Auth0Layer};
/// # fn layer(verifier: auth0_core::AccessTokenVerifier) {
/// let layer = Auth0Layer::new(verifier).error_response(|error: &auth0_core::VerifyError, outcome: &auth0_core::Outcome| {
///     let body = format!("access denied: {error}");
///     outcome_response(outcome, body)
/// });
/// # let _ = layer; }
/// ```
pub trait ErrorResponder<B> {
    /// The response for `error`, whose HTTP answer is `outcome`.
    fn error_response(&self, error: &VerifyError, outcome: &Outcome) -> Response<B>;
}

impl<F, B> ErrorResponder<B> for F
where
    F: Fn(&VerifyError, &Outcome) -> Response<B>,
{
    fn error_response(&self, error: &VerifyError, outcome: &Outcome) -> Response<B> {
        self(error, outcome)
    }
}

/// The default responder: core's status and headers, and the JSON body
/// `{"error": <code>, "error_description": <fixed text>}` with `content-type: application/json`
/// when an RFC 6750 code applies (400, 401 `invalid_token`, 403). A bare 401 (no credentials)
/// and a 503 have an empty body.
///
/// Needs a response body that can be made from a `String` (axum's `Body`,
/// `http_body_util::Full<Bytes>`, `String`…); for other bodies use [`EmptyErrorResponse`] or
/// your own [`ErrorResponder`].
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonErrorResponse;

impl<B> ErrorResponder<B> for JsonErrorResponse
where
    B: From<String>,
{
    fn error_response(&self, _error: &VerifyError, outcome: &Outcome) -> Response<B> {
        match outcome.json_body() {
            Some(json) => {
                let mut response = outcome_response(outcome, B::from(json));
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
            }
            None => outcome_response(outcome, B::from(String::new())),
        }
    }
}

/// A responder that sends core's status and headers with an empty body: for response bodies
/// that cannot be built from a string but have a `Default` (tonic's body, boxed bodies).
#[derive(Clone, Copy, Debug, Default)]
pub struct EmptyErrorResponse;

impl<B> ErrorResponder<B> for EmptyErrorResponse
where
    B: Default,
{
    fn error_response(&self, _error: &VerifyError, outcome: &Outcome) -> Response<B> {
        outcome_response(outcome, B::default())
    }
}

/// A response with `outcome`'s status, `WWW-Authenticate` and `Retry-After`, and `body`.
///
/// The building block of every responder. Header values that cannot be represented (never the
/// case for core's sanitised challenges) are left out rather than panicking.
pub fn outcome_response<B>(outcome: &Outcome, body: B) -> Response<B> {
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Some(value) = outcome
        .www_authenticate
        .as_deref()
        .and_then(|challenge| HeaderValue::from_str(challenge).ok())
    {
        headers.insert(WWW_AUTHENTICATE, value);
    }
    if let Some(seconds) = outcome.retry_after {
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The 500 answer when a route needs claims but nothing verified the request: the server is
/// misconfigured, which is not the client's fault.
pub(crate) fn internal_error<B: Default>() -> Response<B> {
    let mut response = Response::new(B::default());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

/// Runs the responder and attaches the typed error to the response.
pub(crate) fn refuse<B, R>(responder: &R, error: VerifyError, outcome: &Outcome) -> Response<B>
where
    R: ErrorResponder<B> + ?Sized,
{
    tracing::debug!(
        target: "auth0_tower::rejection",
        status = outcome.status,
        error = %error,
        "request refused"
    );
    let mut response = responder.error_response(&error, outcome);
    response.extensions_mut().insert(error);
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use auth0_core::ErrorKind;

    fn outcome(kind: ErrorKind) -> (VerifyError, Outcome) {
        let e = VerifyError::new(kind);
        let o = e.outcome(Some("api"));
        (e, o)
    }

    #[test]
    fn json_body_when_a_code_applies() {
        let (e, o) = outcome(ErrorKind::Expired);
        let r: Response<String> = JsonErrorResponse.error_response(&e, &o);
        assert_eq!(r.status(), 401);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
        assert!(
            r.headers()[WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains(r#"error="invalid_token""#)
        );
        let body: serde_json::Value = serde_json::from_str(r.body()).unwrap();
        assert_eq!(body["error"], "invalid_token");
    }

    #[test]
    fn bare_challenge_and_503_have_no_body() {
        let (e, o) = outcome(ErrorKind::MissingCredentials);
        let r: Response<String> = JsonErrorResponse.error_response(&e, &o);
        assert_eq!((r.status().as_u16(), r.body().as_str()), (401, ""));
        assert!(r.headers().get(CONTENT_TYPE).is_none());
        assert_eq!(r.headers()[WWW_AUTHENTICATE], r#"Bearer realm="api""#);

        let (e, o) = outcome(ErrorKind::KeysUnavailable { retry_after: 5 });
        let r: Response<String> = JsonErrorResponse.error_response(&e, &o);
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()[RETRY_AFTER], "5");
        assert!(r.headers().get(WWW_AUTHENTICATE).is_none());
    }

    #[test]
    fn refuse_attaches_the_error() {
        let (e, o) = outcome(ErrorKind::Signature);
        let r: Response<Vec<u8>> = refuse(&EmptyErrorResponse, e.clone(), &o);
        assert_eq!(r.extensions().get::<VerifyError>(), Some(&e));
        assert!(r.body().is_empty());
    }
}
