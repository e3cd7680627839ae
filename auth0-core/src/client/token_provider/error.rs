//! Why a [`TokenProvider`](super::TokenProvider) has no token to hand out.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::client::Error;

/// The class of a [`TokenError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenErrorKind {
    /// The token request failed (error answer, timeout, transport, undecodable answer); see
    /// [`TokenError::client_error`].
    Request,
    /// Auth0 answered, but with no usable bearer token: an empty token, one with characters a
    /// header cannot carry, a `token_type` other than `Bearer`, or a lifetime (`expires_in`)
    /// already over, margin included, when the answer arrived.
    InvalidResponse,
    /// The call was made outside a tokio runtime, which the token request runs on.
    NoRuntime,
    /// The token request was dropped before it finished (its runtime shut down).
    Cancelled,
}

/// No valid token could be handed out for an audience (and organization).
///
/// Cheap to clone: every caller that waited on the same failed request gets the same error.
/// `Display` and `Debug` name the audience, the organization and the client error, never a
/// credential.
#[derive(Clone)]
pub struct TokenError {
    shared: Arc<Shared>,
    retry_in: Option<Duration>,
}

struct Shared {
    kind: TokenErrorKind,
    audience: Box<str>,
    organization: Option<Box<str>>,
    source: Option<Error>,
}

impl TokenError {
    pub(super) fn new(
        kind: TokenErrorKind,
        audience: &str,
        organization: Option<&str>,
        source: Option<Error>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                kind,
                audience: audience.into(),
                organization: organization.map(Into::into),
                source,
            }),
            retry_in: None,
        }
    }

    /// The same failure, answered during the back-off that follows it.
    pub(super) fn with_retry_in(&self, wait: Duration) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            retry_in: Some(wait),
        }
    }

    /// The class of failure.
    pub fn kind(&self) -> TokenErrorKind {
        self.shared.kind
    }

    /// The Authentication API client's error, for [`TokenErrorKind::Request`]: status, error
    /// code, rate-limit information…
    pub fn client_error(&self) -> Option<&Error> {
        self.shared.source.as_ref()
    }

    /// The audience the token was asked for.
    pub fn audience(&self) -> &str {
        &self.shared.audience
    }

    /// The organization the token was asked for, if any.
    pub fn organization(&self) -> Option<&str> {
        self.shared.organization.as_deref()
    }

    /// Set when this is the error of an earlier request, answered at once because the provider
    /// is backing off: Auth0 is not asked again before this wait has passed.
    pub fn retry_in(&self) -> Option<Duration> {
        self.retry_in
    }

    /// Whether Auth0 answered 429 (rate limited).
    pub fn is_rate_limited(&self) -> bool {
        self.client_error().is_some_and(Error::is_rate_limited)
    }
}

impl fmt::Debug for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenError")
            .field("kind", &self.shared.kind)
            .field("audience", &self.shared.audience)
            .field("organization", &self.shared.organization)
            .field("source", &self.shared.source)
            .field("retry_in", &self.retry_in)
            .finish()
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no access token for {}", self.shared.audience)?;
        if let Some(organization) = &self.shared.organization {
            write!(f, " (organization {organization})")?;
        }
        match (&self.shared.kind, &self.shared.source) {
            (_, Some(source)) => write!(f, ": {source}")?,
            (TokenErrorKind::InvalidResponse, None) => {
                f.write_str(": the answer holds no usable bearer token")?;
            }
            (TokenErrorKind::NoRuntime, None) => {
                f.write_str(": no tokio runtime to run the token request")?;
            }
            (_, None) => f.write_str(": the token request was dropped before it finished")?,
        }
        if let Some(wait) = self.retry_in {
            write!(f, "; next attempt in {:.1} s", wait.as_secs_f64())?;
        }
        Ok(())
    }
}

impl StdError for TokenError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.shared
            .source
            .as_ref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
