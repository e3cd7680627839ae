//! `/oauth/access_token`: the legacy social sign-in with a provider's access token (auth0-python
//! `Social`). No client authentication.

use super::AuthenticationClient;
use super::request::{Call, endpoint, params, setters};
use super::responses::TokenResponse;

/// Social sign-in (auth0-python `Social`); from [`AuthenticationClient::social`].
#[derive(Clone, Copy, Debug)]
pub struct Social<'a> {
    client: &'a AuthenticationClient,
}

impl<'a> Social<'a> {
    pub(crate) fn new(client: &'a AuthenticationClient) -> Self {
        Self { client }
    }

    /// Signs in with an identity provider's access token: `POST /oauth/access_token`, JSON
    /// `{client_id, access_token, connection, scope}`, no client authentication. `scope` is
    /// `openid` unless set. Auth0 offers this legacy endpoint only to older tenants.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let tokens = auth.social().login("FACEBOOK_ACCESS_TOKEN", "facebook").await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub fn login(
        &self,
        access_token: impl Into<String>,
        connection: impl Into<String>,
    ) -> SocialLoginRequest {
        let mut call = Call::post(
            self.client,
            "POST /oauth/access_token",
            "/oauth/access_token",
            false,
        );
        call.set("access_token", access_token.into());
        call.set("connection", connection.into());
        call.set("scope", "openid");
        SocialLoginRequest { call }
    }
}

endpoint!(
    /// `POST /oauth/access_token`; see [`Social::login`].
    SocialLoginRequest => TokenResponse
);
params!(SocialLoginRequest);

setters!(SocialLoginRequest {
    /// Requested scopes (default `openid`).
    scope => "scope";
});
