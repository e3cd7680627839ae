//! Token verification: the [`AccessTokenVerifier`] for APIs and the OIDC ID-token
//! [`TokenVerifier`](id_token::TokenVerifier).

mod access_token;
mod cache;
pub mod claims;
mod config;
pub mod dpop;
/// The refusal vocabulary, at [`crate::error`] (re-exported here).
pub use crate::error;
pub mod id_token;
pub mod replay;
pub mod scopes;

pub use access_token::{
    AccessTokenVerifier, AccessTokenVerifierBuilder, MAX_LEEWAY, RefusalAnswers, RequestTarget,
    TokenProfile,
};
pub use cache::CacheMetrics;
pub use config::ConfigError;
