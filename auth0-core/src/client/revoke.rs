//! `/oauth/revoke`: revoke a refresh token (auth0-python `RevokeToken`), with client
//! authentication.

use super::AuthenticationClient;
use super::request::{Call, endpoint, params};

/// Token revocation (auth0-python `RevokeToken`); from [`AuthenticationClient::revoke_token`].
#[derive(Clone, Copy, Debug)]
pub struct RevokeToken<'a> {
    client: &'a AuthenticationClient,
}

impl<'a> RevokeToken<'a> {
    pub(crate) fn new(client: &'a AuthenticationClient) -> Self {
        Self { client }
    }

    /// Revokes a refresh token: `POST /oauth/revoke`, JSON `{client_id, token}`, with client
    /// authentication. Auth0 answers 200 with an empty body; the call returns `()`.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// auth.revoke_token().revoke_refresh_token("REFRESH_TOKEN").await?;
    /// # Ok(()) }
    /// ```
    pub fn revoke_refresh_token(&self, token: impl Into<String>) -> RevokeRefreshTokenRequest {
        let mut call = Call::post(self.client, "POST /oauth/revoke", "/oauth/revoke", true);
        call.set("token", token.into());
        RevokeRefreshTokenRequest { call }
    }
}

endpoint!(
    /// `POST /oauth/revoke`; see [`RevokeToken::revoke_refresh_token`].
    RevokeRefreshTokenRequest => ()
);
params!(RevokeRefreshTokenRequest);
