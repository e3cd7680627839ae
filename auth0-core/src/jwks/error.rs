//! Why a JWKS document could not be fetched or used.

/// A failed JWKS fetch or import. A failure never replaces or clears a good key set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwksError {
    /// The endpoint answered something other than `200 OK` (redirects are not followed).
    #[error("the JWKS endpoint answered HTTP {0}")]
    Status(u16),
    /// The fetch did not finish within the total timeout.
    #[error("the JWKS fetch timed out")]
    Timeout,
    /// Connection or protocol failure.
    #[error("the JWKS fetch failed: {0}")]
    Transport(String),
    /// The body exceeded the size cap.
    #[error("the JWKS document exceeds {0} bytes")]
    TooLarge(usize),
    /// Not a JSON object with a `keys` array (HTML, garbage, duplicate members…).
    #[error("the JWKS document is not a valid JSON Web Key Set")]
    InvalidDocument,
    /// More keys than the cap.
    #[error("the JWKS document holds {0} keys, more than allowed")]
    TooManyKeys(usize),
    /// No key passed the import filter.
    #[error("the JWKS document holds no usable key")]
    NoUsableKeys,
    /// The URL is not acceptable (not https, or http on a non-loopback host).
    #[error("invalid JWKS or issuer URL: {0}")]
    InvalidUrl(String),
    /// The discovery document does not fit the configured issuer.
    #[error("the discovery document does not match the issuer: {0}")]
    Discovery(&'static str),
    /// The configured proxy cannot be used (an unusable URL, or an unusable proxy variable with
    /// `proxy_from_env`). The text names the setting and never repeats its value.
    #[error("invalid proxy configuration: {0}")]
    Proxy(String),
}
