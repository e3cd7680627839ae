//! `/oauth/token`: every grant of auth0-python's `GetToken`, each a builder awaited directly.
//!
//! All grants answer a [`TokenResponse`]. All but [`authorization_code_pkce`](GetToken::authorization_code_pkce)
//! carry client authentication. The body is JSON unless `.form()` or the client-wide
//! [`form_encoded_token_requests`](super::AuthenticationClientBuilder::form_encoded_token_requests)
//! is chosen.

use super::AuthenticationClient;
use super::grants;
use super::request::{Call, Encoding, encodings, endpoint, params, setters};
use super::responses::TokenResponse;

const ROUTE: &str = "POST /oauth/token";
const PATH: &str = "/oauth/token";

/// The `/oauth/token` grants (auth0-python `GetToken`); from [`AuthenticationClient::get_token`].
#[derive(Clone, Copy, Debug)]
pub struct GetToken<'a> {
    client: &'a AuthenticationClient,
}

impl<'a> GetToken<'a> {
    pub(crate) fn new(client: &'a AuthenticationClient) -> Self {
        Self { client }
    }

    fn call(&self, client_auth: bool, grant_type: &'static str) -> Call {
        let mut call = Call::post(self.client, ROUTE, PATH, client_auth);
        call.set("grant_type", grant_type);
        if self.client.inner.form_tokens {
            call.encoding = Encoding::Form;
        }
        call
    }

    /// Exchanges an authorization code (confidential client): `POST /oauth/token`,
    /// `grant_type=authorization_code`, with client authentication.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let tokens = auth.get_token()
    ///     .authorization_code("CODE", "https://app.example.com/callback")
    ///     .await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub fn authorization_code(
        &self,
        code: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> AuthorizationCodeGrant {
        let mut call = self.call(true, grants::AUTHORIZATION_CODE);
        call.set("code", code.into());
        call.set("redirect_uri", redirect_uri.into());
        AuthorizationCodeGrant { call }
    }

    /// Exchanges an authorization code with its PKCE verifier (public client): `POST
    /// /oauth/token`, `grant_type=authorization_code`, **without** client authentication.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let tokens = auth.get_token()
    ///     .authorization_code_pkce("VERIFIER", "CODE", "https://app.example.com/callback")
    ///     .await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub fn authorization_code_pkce(
        &self,
        code_verifier: impl Into<String>,
        code: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> AuthorizationCodePkceGrant {
        let mut call = self.call(false, grants::AUTHORIZATION_CODE);
        call.set("code_verifier", code_verifier.into());
        call.set("code", code.into());
        call.set("redirect_uri", redirect_uri.into());
        AuthorizationCodePkceGrant { call }
    }

    /// Gets a token for the application itself (machine to machine): `POST /oauth/token`,
    /// `grant_type=client_credentials`, with client authentication.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let token = auth.get_token().client_credentials("https://api.example.com").await?;
    /// let for_org = auth.get_token()
    ///     .client_credentials("https://api.example.com")
    ///     .organization("org_1")
    ///     .await?;
    /// # let _ = (token, for_org); Ok(()) }
    /// ```
    ///
    /// With a standard OAuth 2.0 server that names APIs with resource indicators (RFC 8707)
    /// instead of Auth0's `audience`: replace the field and send a form body.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let token = auth.get_token()
    ///     .client_credentials("")
    ///     .param("audience", serde_json::Value::Null) // removes the field
    ///     .param("resource", "https://api.example.com/")
    ///     .param("scope", "read:messages")
    ///     .form()
    ///     .await?;
    /// # let _ = token; Ok(()) }
    /// ```
    pub fn client_credentials(&self, audience: impl Into<String>) -> ClientCredentialsGrant {
        let mut call = self.call(true, grants::CLIENT_CREDENTIALS);
        call.set("audience", audience.into());
        ClientCredentialsGrant { call }
    }

    /// Signs a user in with username and password (Resource Owner Password, `password-realm`
    /// extension grant): `POST /oauth/token`, with client authentication.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let tokens = auth.get_token()
    ///     .login("alice@example.com", "correct horse")
    ///     .realm("Username-Password-Authentication")
    ///     .scope("openid profile")
    ///     .forwarded_for("203.0.113.7")
    ///     .await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub fn login(&self, username: impl Into<String>, password: impl Into<String>) -> LoginGrant {
        let mut call = self.call(true, grants::PASSWORD_REALM);
        call.set("username", username.into());
        call.set("password", password.into());
        LoginGrant { call }
    }

    /// Uses a refresh token: `POST /oauth/token`, `grant_type=refresh_token`, with client
    /// authentication.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let tokens = auth.get_token().refresh_token("REFRESH_TOKEN").await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub fn refresh_token(&self, refresh_token: impl Into<String>) -> RefreshTokenGrant {
        let mut call = self.call(true, grants::REFRESH_TOKEN);
        call.set("refresh_token", refresh_token.into());
        RefreshTokenGrant { call }
    }

    /// Completes a passwordless login with the one-time code: `POST /oauth/token`,
    /// `grant_type=http://auth0.com/oauth/grant-type/passwordless/otp`, with client
    /// authentication. `realm` is `email` or `sms`.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let tokens = auth.get_token()
    ///     .passwordless_login("alice@example.com", "123456", "email")
    ///     .scope("openid")
    ///     .audience("https://api.example.com")
    ///     .await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub fn passwordless_login(
        &self,
        username: impl Into<String>,
        otp: impl Into<String>,
        realm: impl Into<String>,
    ) -> PasswordlessLoginGrant {
        let mut call = self.call(true, grants::PASSWORDLESS_OTP);
        call.set("username", username.into());
        call.set("otp", otp.into());
        call.set("realm", realm.into());
        PasswordlessLoginGrant { call }
    }

    /// Polls for the outcome of a CIBA request started with
    /// [`back_channel_login`](AuthenticationClient::back_channel_login): `POST /oauth/token`,
    /// `grant_type=urn:openid:params:grant-type:ciba`, with client authentication. While the user
    /// has not answered, the error code is `authorization_pending` (or `slow_down`, a 429 whose
    /// [`retry_after`](super::Error::retry_after) says how long to wait).
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let tokens = auth.get_token().backchannel_login("AUTH_REQ_ID").await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub fn backchannel_login(&self, auth_req_id: impl Into<String>) -> BackchannelLoginGrant {
        let mut call = self.call(true, grants::CIBA);
        call.set("auth_req_id", auth_req_id.into());
        BackchannelLoginGrant { call }
    }

    /// Exchanges a token for an access token of a federated connection (Token Vault): `POST
    /// /oauth/token`, `grant_type=urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token`,
    /// with client authentication. See [`grants`](super::grants) for the token-type URNs.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// use auth0_core::client::grants;
    /// let google = auth.get_token()
    ///     .access_token_for_connection(
    ///         grants::TOKEN_TYPE_REFRESH_TOKEN,
    ///         "USER_REFRESH_TOKEN",
    ///         grants::TOKEN_TYPE_FEDERATED_CONNECTION_ACCESS_TOKEN,
    ///     )
    ///     .connection("google-oauth2")
    ///     .await?;
    /// # let _ = google; Ok(()) }
    /// ```
    pub fn access_token_for_connection(
        &self,
        subject_token_type: impl Into<String>,
        subject_token: impl Into<String>,
        requested_token_type: impl Into<String>,
    ) -> AccessTokenForConnectionGrant {
        let mut call = self.call(true, grants::FEDERATED_CONNECTION_ACCESS_TOKEN);
        call.set("subject_token_type", subject_token_type.into());
        call.set("subject_token", subject_token.into());
        call.set("requested_token_type", requested_token_type.into());
        AccessTokenForConnectionGrant { call }
    }
}

endpoint!(
    /// `POST /oauth/token` with an authorization code; see [`GetToken::authorization_code`].
    AuthorizationCodeGrant => TokenResponse
);
endpoint!(
    /// `POST /oauth/token` with an authorization code and PKCE verifier; see
    /// [`GetToken::authorization_code_pkce`].
    AuthorizationCodePkceGrant => TokenResponse
);
endpoint!(
    /// `POST /oauth/token` with client credentials; see [`GetToken::client_credentials`].
    ClientCredentialsGrant => TokenResponse
);
endpoint!(
    /// `POST /oauth/token` with username and password; see [`GetToken::login`].
    LoginGrant => TokenResponse
);
endpoint!(
    /// `POST /oauth/token` with a refresh token; see [`GetToken::refresh_token`].
    RefreshTokenGrant => TokenResponse
);
endpoint!(
    /// `POST /oauth/token` with a passwordless one-time code; see [`GetToken::passwordless_login`].
    PasswordlessLoginGrant => TokenResponse
);
endpoint!(
    /// `POST /oauth/token` polling a CIBA request; see [`GetToken::backchannel_login`].
    BackchannelLoginGrant => TokenResponse
);
endpoint!(
    /// `POST /oauth/token` token exchange for a federated connection; see
    /// [`GetToken::access_token_for_connection`].
    AccessTokenForConnectionGrant => TokenResponse
);

params!(
    AuthorizationCodeGrant,
    AuthorizationCodePkceGrant,
    ClientCredentialsGrant,
    LoginGrant,
    RefreshTokenGrant,
    PasswordlessLoginGrant,
    BackchannelLoginGrant,
    AccessTokenForConnectionGrant,
);
encodings!(
    AuthorizationCodeGrant,
    AuthorizationCodePkceGrant,
    ClientCredentialsGrant,
    LoginGrant,
    RefreshTokenGrant,
    PasswordlessLoginGrant,
    BackchannelLoginGrant,
    AccessTokenForConnectionGrant,
);

macro_rules! grant_type_setter {
    ($($name:ident),*) => {
        $(setters!($name {
            /// Overrides `grant_type` (auth0-python's `grant_type=` argument).
            grant_type => "grant_type";
        });)*
    };
}
grant_type_setter!(
    AuthorizationCodeGrant,
    AuthorizationCodePkceGrant,
    ClientCredentialsGrant,
    LoginGrant,
    RefreshTokenGrant,
    BackchannelLoginGrant,
    AccessTokenForConnectionGrant
);

setters!(ClientCredentialsGrant {
    /// The organization (`org_…` id or name) the token is for.
    organization => "organization";
});

setters!(LoginGrant {
    /// Requested scopes, space separated.
    scope => "scope";
    /// The connection (realm) to authenticate against, e.g. `Username-Password-Authentication`.
    realm => "realm";
    /// The API the access token is for.
    audience => "audience";
});

impl LoginGrant {
    /// The end user's IP address, sent as the `auth0-forwarded-for` header so that brute-force
    /// protection applies to the user rather than to the server (needs "Trust Token Endpoint IP
    /// Header" on the application).
    pub fn forwarded_for(mut self, ip: impl Into<String>) -> Self {
        self.call.header("auth0-forwarded-for", ip.into());
        self
    }
}

setters!(RefreshTokenGrant {
    /// Requested scopes (a subset of the original ones); omitted unless set.
    scope => "scope";
});

setters!(PasswordlessLoginGrant {
    /// Requested scopes, space separated.
    scope => "scope";
    /// The API the access token is for.
    audience => "audience";
});

setters!(AccessTokenForConnectionGrant {
    /// The federated connection, e.g. `google-oauth2`.
    connection => "connection";
    /// The account to use when the user linked several accounts of the connection.
    login_hint => "login_hint";
});
