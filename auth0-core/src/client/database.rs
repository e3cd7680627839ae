//! `/dbconnections/*`: database-connection signup and password-change email (auth0-python
//! `Database`). Neither carries client authentication.

use serde_json::Value;

use super::AuthenticationClient;
use super::request::{Call, endpoint, params, setters};
use super::responses::SignupResponse;

/// Database-connection endpoints (auth0-python `Database`); from [`AuthenticationClient::database`].
#[derive(Clone, Copy, Debug)]
pub struct Database<'a> {
    client: &'a AuthenticationClient,
}

impl<'a> Database<'a> {
    pub(crate) fn new(client: &'a AuthenticationClient) -> Self {
        Self { client }
    }

    /// Creates a user in a database connection: `POST /dbconnections/signup`, JSON, no client
    /// authentication.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// use serde_json::json;
    /// let user = auth.database()
    ///     .signup("alice@example.com", "correct horse battery", "Username-Password-Authentication")
    ///     .given_name("Alice")
    ///     .user_metadata(json!({"plan": "free"}))
    ///     .await?;
    /// println!("created {:?}", user.id);
    /// # Ok(()) }
    /// ```
    pub fn signup(
        &self,
        email: impl Into<String>,
        password: impl Into<String>,
        connection: impl Into<String>,
    ) -> SignupRequest {
        let mut call = Call::post(
            self.client,
            "POST /dbconnections/signup",
            "/dbconnections/signup",
            false,
        );
        call.set("email", email.into());
        call.set("password", password.into());
        call.set("connection", connection.into());
        SignupRequest { call }
    }

    /// Sends the user a password-change email: `POST /dbconnections/change_password`, JSON, no
    /// client authentication. Auth0 answers a plain-text sentence, returned as is.
    ///
    /// There is no `password` argument: the endpoint does not accept one, and auth0-python
    /// silently drops the one it takes.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let text = auth.database()
    ///     .change_password("alice@example.com", "Username-Password-Authentication")
    ///     .await?;
    /// assert!(text.contains("email"));
    /// # Ok(()) }
    /// ```
    pub fn change_password(
        &self,
        email: impl Into<String>,
        connection: impl Into<String>,
    ) -> ChangePasswordRequest {
        let mut call = Call::post(
            self.client,
            "POST /dbconnections/change_password",
            "/dbconnections/change_password",
            false,
        );
        call.set("email", email.into());
        call.set("connection", connection.into());
        ChangePasswordRequest { call }
    }
}

endpoint!(
    /// `POST /dbconnections/signup`; see [`Database::signup`].
    SignupRequest => SignupResponse
);
endpoint!(
    /// `POST /dbconnections/change_password`; see [`Database::change_password`].
    ChangePasswordRequest => String
);
params!(SignupRequest, ChangePasswordRequest);

setters!(SignupRequest {
    /// Username, for connections that require one.
    username => "username";
    /// Given name.
    given_name => "given_name";
    /// Family name.
    family_name => "family_name";
    /// Full name.
    name => "name";
    /// Nickname.
    nickname => "nickname";
    /// Picture URL.
    picture => "picture";
});

impl SignupRequest {
    /// User metadata (a JSON object of strings, at most 10 keys per Auth0's rules).
    pub fn user_metadata(mut self, metadata: Value) -> Self {
        self.call.set("user_metadata", metadata);
        self
    }
}

setters!(ChangePasswordRequest {
    /// The organization (`org_…` id) whose branding the email uses.
    organization => "organization";
});
