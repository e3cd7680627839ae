//! The access token a [`TokenProvider`](super::TokenProvider) hands out: cheap to clone, shown
//! as `[redacted]` by `Debug`, readable only through an explicit accessor.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;

/// A bearer access token for one API, from a [`TokenProvider`](super::TokenProvider).
///
/// Cloning is cheap (an `Arc`). `Debug` prints `AccessToken([redacted])`, so the token can sit in
/// structs that are logged. There is deliberately no `Display` and no `Deref<Target = str>`:
/// `format!("Bearer {token}")` does not compile, and the token reaches a header or a string only
/// through [`header_value`](Self::header_value) or [`secret`](Self::secret).
///
/// ```
/// use auth0_core::client::AccessToken;
/// use reqwest::header::{AUTHORIZATION, HeaderMap};
///
/// fn authorize(headers: &mut HeaderMap, token: &AccessToken) {
///     headers.insert(AUTHORIZATION, token.header_value());
///     tracing::debug!(?token, "calling the API"); // logs AccessToken([redacted])
/// }
/// # let _ = authorize;
/// ```
#[derive(Clone)]
pub struct AccessToken {
    inner: Arc<Inner>,
}

struct Inner {
    secret: Box<str>,
    header: HeaderValue,
}

impl AccessToken {
    /// A token from Auth0's answer, when a header can carry it: not empty, visible ASCII only
    /// (no space, no control character).
    pub(super) fn new(secret: String) -> Option<Self> {
        if secret.is_empty() || !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let mut header = HeaderValue::try_from(format!("Bearer {secret}")).ok()?;
        header.set_sensitive(true);
        Some(Self {
            inner: Arc::new(Inner {
                secret: secret.into_boxed_str(),
                header,
            }),
        })
    }

    /// The token itself, for an API that takes it elsewhere than in an `Authorization` header.
    /// It is a credential: never log it.
    pub fn secret(&self) -> &str {
        &self.inner.secret
    }

    /// `Bearer <token>`, ready for an `Authorization` header, marked sensitive (HTTP/2 header
    /// compression never indexes it, and its `Debug` shows `Sensitive`).
    pub fn header_value(&self) -> HeaderValue {
        self.inner.header.clone()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_header_safe_tokens_are_accepted() {
        assert!(AccessToken::new(String::new()).is_none());
        assert!(AccessToken::new("a b".into()).is_none());
        assert!(AccessToken::new("a\r\nx-injected: 1".into()).is_none());
        assert!(AccessToken::new("é".into()).is_none());
        let Some(token) = AccessToken::new("eyJ.abc-_~+/=.sig".into()) else {
            panic!("a JWT-shaped token is accepted");
        };
        assert_eq!(token.secret(), "eyJ.abc-_~+/=.sig");
        assert_eq!(token.header_value(), "Bearer eyJ.abc-_~+/=.sig");
        assert!(token.header_value().is_sensitive());
    }

    #[test]
    fn debug_is_redacted() {
        let Some(token) = AccessToken::new("SECRET-TOKEN".into()) else {
            panic!("valid token");
        };
        let shown = format!("{token:?} {:?}", token.header_value());
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
