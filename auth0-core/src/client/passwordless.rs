//! `/passwordless/start`: send a one-time code or magic link by email or SMS (auth0-python
//! `Passwordless`), with client authentication.

use serde_json::Value;

use super::AuthenticationClient;
use super::request::{Call, endpoint, params};
use super::responses::PasswordlessResponse;

const ROUTE: &str = "POST /passwordless/start";
const PATH: &str = "/passwordless/start";

/// Passwordless endpoints (auth0-python `Passwordless`); from [`AuthenticationClient::passwordless`].
#[derive(Clone, Copy, Debug)]
pub struct Passwordless<'a> {
    client: &'a AuthenticationClient,
}

impl<'a> Passwordless<'a> {
    pub(crate) fn new(client: &'a AuthenticationClient) -> Self {
        Self { client }
    }

    /// Starts an email passwordless flow: `POST /passwordless/start`, JSON
    /// `{client_id, connection: "email", email, send}`, with client authentication. `send` is
    /// `link` unless [`send_as`](PasswordlessEmailRequest::send_as) says `code`.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// auth.passwordless().email("alice@example.com").send_as("code").await?;
    /// # Ok(()) }
    /// ```
    pub fn email(&self, email: impl Into<String>) -> PasswordlessEmailRequest {
        let mut call = Call::post(self.client, ROUTE, PATH, true);
        call.set("connection", "email");
        call.set("email", email.into());
        call.set("send", "link");
        PasswordlessEmailRequest { call }
    }

    /// Starts an SMS passwordless flow: `POST /passwordless/start`, JSON
    /// `{client_id, connection: "sms", phone_number}`, with client authentication.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// auth.passwordless().sms("+14155550100").await?;
    /// # Ok(()) }
    /// ```
    pub fn sms(&self, phone_number: impl Into<String>) -> PasswordlessSmsRequest {
        let mut call = Call::post(self.client, ROUTE, PATH, true);
        call.set("connection", "sms");
        call.set("phone_number", phone_number.into());
        PasswordlessSmsRequest { call }
    }
}

endpoint!(
    /// `POST /passwordless/start` by email; see [`Passwordless::email`].
    PasswordlessEmailRequest => PasswordlessResponse
);
endpoint!(
    /// `POST /passwordless/start` by SMS; see [`Passwordless::sms`].
    PasswordlessSmsRequest => PasswordlessResponse
);
params!(PasswordlessEmailRequest, PasswordlessSmsRequest);

impl PasswordlessEmailRequest {
    /// What the email carries: `link` (default) or `code` (auth0-python's `send=`).
    pub fn send_as(mut self, send: impl Into<String>) -> Self {
        self.call.set("send", send.into());
        self
    }

    /// Parameters for the magic link's `/authorize` call (`scope`, `state`…), sent as `authParams`.
    pub fn auth_params(mut self, params: Value) -> Self {
        self.call.set("authParams", params);
        self
    }
}
