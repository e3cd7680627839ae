//! OIDC ID-token verification (placeholder while being built).
