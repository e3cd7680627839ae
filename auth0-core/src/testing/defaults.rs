//! What a tenant has unless configured otherwise.

/// The audience a tenant issues tokens for unless configured otherwise.
pub const DEFAULT_AUDIENCE: &str = "https://api.example.com";
/// The client id the tenant accepts unless configured otherwise.
pub const DEFAULT_CLIENT_ID: &str = "test-client-id";
/// The client secret the tenant accepts unless configured otherwise.
pub const DEFAULT_CLIENT_SECRET: &str = "test-client-secret-0123456789abcdefghijklmnopqrstuvwxyz";
/// The `sub` of tokens from [`TestTenant::token`](super::TestTenant::token).
pub const DEFAULT_SUBJECT: &str = "auth0|test-user";
/// The `Cache-Control` the JWKS is served with unless changed.
pub const DEFAULT_JWKS_CACHE_CONTROL: &str = "public, max-age=600";
