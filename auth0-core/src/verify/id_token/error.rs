//! ID-token verification errors: which check failed, and a message naming the claim.

use std::fmt;

/// Which ID-token check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdTokenErrorKind {
    /// No token.
    Missing,
    /// Not a well-formed compact JWS, an unsupported header, or the wrong `typ`.
    Malformed,
    /// The header `alg` is not the configured one.
    Algorithm,
    /// No key with the token's `kid`.
    KeyNotFound,
    /// The keys could not be fetched.
    KeysUnavailable,
    /// The signature does not verify.
    Signature,
    /// `iss` missing or wrong.
    Issuer,
    /// `sub` missing.
    Subject,
    /// `aud` missing or without the client id.
    Audience,
    /// `exp` missing or past.
    Expiration,
    /// `iat` missing or in the future.
    IssuedAt,
    /// `nbf` in the future.
    NotBefore,
    /// `nonce` missing or different.
    Nonce,
    /// `org_id` / `org_name` missing or different.
    Organization,
    /// `azp` missing or different.
    AuthorizedParty,
    /// `auth_time` missing or too old.
    AuthTime,
}

/// A refused ID token: which check failed, and a message naming the claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdTokenError {
    kind: IdTokenErrorKind,
    message: String,
}

impl IdTokenError {
    pub(super) fn new(kind: IdTokenErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Which check failed.
    pub fn kind(&self) -> IdTokenErrorKind {
        self.kind
    }

    /// The message (also the `Display` text).
    pub fn message(&self) -> &str {
        &self.message
    }
}

pub(super) fn err(kind: IdTokenErrorKind, message: impl Into<String>) -> IdTokenError {
    IdTokenError::new(kind, message)
}

impl fmt::Display for IdTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IdTokenError {}
