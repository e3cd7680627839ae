//! `/userinfo`: the profile behind an access token (auth0-python `Users`).

use super::AuthenticationClient;
use super::request::{Call, endpoint};
use super::responses::UserInfo;
use super::secret::Secret;

/// User profile endpoint (auth0-python `Users`); from [`AuthenticationClient::users`].
#[derive(Clone, Copy, Debug)]
pub struct Users<'a> {
    client: &'a AuthenticationClient,
}

impl<'a> Users<'a> {
    pub(crate) fn new(client: &'a AuthenticationClient) -> Self {
        Self { client }
    }

    /// Reads the user's profile: `GET /userinfo` with `Authorization: Bearer <access_token>`.
    /// The token needs the `openid` scope; the answer's claims depend on the granted scopes.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let me = auth.users().userinfo("ACCESS_TOKEN").await?;
    /// println!("{} <{:?}>", me.sub, me.email);
    /// # Ok(()) }
    /// ```
    pub fn userinfo(&self, access_token: impl Into<String>) -> UserInfoRequest {
        let mut call = Call::get(self.client, "GET /userinfo", "/userinfo");
        call.bearer(Secret::new(access_token));
        UserInfoRequest { call }
    }
}

endpoint!(
    /// `GET /userinfo`; see [`Users::userinfo`].
    UserInfoRequest => UserInfo
);
