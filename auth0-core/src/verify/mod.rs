//! Token verification: the access-token verifier (for APIs) and the OIDC ID-token verifier.

pub mod claims;
pub mod error;
pub mod scopes;
