//! Configuration errors of the verifiers, reported by `build()` rather than per request.

use crate::domain::DomainError;
use crate::jwks::JwksError;

/// A verifier configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A tenant domain was refused.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A JWKS URL or seed document was refused.
    #[error(transparent)]
    Jwks(#[from] JwksError),
    /// No audience was configured (an access token must be checked against one).
    #[error("at least one audience is required")]
    NoAudience,
    /// The algorithm allowlist is empty.
    #[error("at least one algorithm must be allowed")]
    NoAlgorithm,
    /// The leeway exceeds the allowed maximum.
    #[error("leeway may be at most {0} seconds")]
    LeewayTooLarge(u64),
    /// A token length limit of 0, or above the hard cap (the cap, in bytes).
    #[error("the token length limit must be between 1 and {0} bytes")]
    TokenLengthLimit(usize),
    /// A shared secret shorter than 32 bytes.
    #[error("an HS256 shared secret must be at least 32 bytes")]
    WeakSecret,
    /// An empty required value (audience, issuer, organization…).
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// An unusable URL for RFC 9728 protected-resource metadata (the reason).
    #[error("resource metadata URL refused: {0}")]
    ResourceMetadataUrl(&'static str),
}
