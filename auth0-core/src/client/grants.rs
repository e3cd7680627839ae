//! Grant-type and token-type identifiers used with `/oauth/token`.

/// `authorization_code`.
pub const AUTHORIZATION_CODE: &str = "authorization_code";
/// `client_credentials`.
pub const CLIENT_CREDENTIALS: &str = "client_credentials";
/// Auth0's password grant with a realm (connection).
pub const PASSWORD_REALM: &str = "http://auth0.com/oauth/grant-type/password-realm";
/// `refresh_token`.
pub const REFRESH_TOKEN: &str = "refresh_token";
/// Auth0's passwordless one-time-code grant.
pub const PASSWORDLESS_OTP: &str = "http://auth0.com/oauth/grant-type/passwordless/otp";
/// OpenID CIBA (client-initiated backchannel authentication).
pub const CIBA: &str = "urn:openid:params:grant-type:ciba";
/// Auth0's token exchange for a federated connection's access token (Token Vault).
pub const FEDERATED_CONNECTION_ACCESS_TOKEN: &str =
    "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token";

/// Token type of a refresh token (RFC 8693).
pub const TOKEN_TYPE_REFRESH_TOKEN: &str = "urn:ietf:params:oauth:token-type:refresh_token";
/// Token type of an access token (RFC 8693).
pub const TOKEN_TYPE_ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
/// Token type of a federated connection's access token.
pub const TOKEN_TYPE_FEDERATED_CONNECTION_ACCESS_TOKEN: &str =
    "http://auth0.com/oauth/token-type/federated-connection-access-token";
