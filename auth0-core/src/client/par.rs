//! `/oauth/par`: Pushed Authorization Requests, RFC 9126 (auth0-python
//! `PushedAuthorizationRequests`). Form-encoded, with client authentication.

use serde_json::Value;

use super::AuthenticationClient;
use super::request::{Call, Encoding, endpoint, params, setters};
use super::responses::ParResponse;

impl AuthenticationClient {
    /// Pushes the parameters of an authorization request and gets a `request_uri` to send the
    /// browser to `/authorize?client_id=…&request_uri=…` with: `POST /oauth/par`,
    /// `application/x-www-form-urlencoded` `{client_id, response_type, redirect_uri, …}`, with
    /// client authentication. Any other authorization parameter goes through
    /// [`param`](PushedAuthorizationRequest::param).
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let par = auth
    ///     .pushed_authorization_request("code", "https://app.example.com/callback")
    ///     .scope("openid profile")
    ///     .state("af0ifjsldkj")
    ///     .code_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256")
    ///     .await?;
    /// println!("{} valid {}s", par.request_uri, par.expires_in);
    /// # Ok(()) }
    /// ```
    pub fn pushed_authorization_request(
        &self,
        response_type: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> PushedAuthorizationRequest {
        let mut call = Call::post(self, "POST /oauth/par", "/oauth/par", true);
        call.encoding = Encoding::Form;
        call.set("response_type", response_type.into());
        call.set("redirect_uri", redirect_uri.into());
        PushedAuthorizationRequest { call }
    }
}

endpoint!(
    /// `POST /oauth/par`; see [`AuthenticationClient::pushed_authorization_request`].
    PushedAuthorizationRequest => ParResponse
);
params!(PushedAuthorizationRequest);

setters!(PushedAuthorizationRequest {
    /// Requested scopes, space separated.
    scope => "scope";
    /// Opaque value echoed to the redirect URI.
    state => "state";
    /// Value bound into the ID token.
    nonce => "nonce";
    /// The API the access token is for.
    audience => "audience";
    /// The organization to log in to.
    organization => "organization";
    /// The connection to use, skipping the login page's choice.
    connection => "connection";
    /// `none`, `login`, `consent`…
    prompt => "prompt";
    /// `query`, `fragment`, `form_post`…
    response_mode => "response_mode";
    /// A signed request object (JAR, RFC 9101).
    request => "request";
});

impl PushedAuthorizationRequest {
    /// The PKCE challenge and its method (`S256`).
    pub fn code_challenge(
        mut self,
        challenge: impl Into<String>,
        method: impl Into<String>,
    ) -> Self {
        self.call.set("code_challenge", challenge.into());
        self.call.set("code_challenge_method", method.into());
        self
    }

    /// Rich Authorization Request details (RFC 9396). An array or object is sent as JSON text; a
    /// string is taken to be JSON text already and sent as is.
    pub fn authorization_details(mut self, details: impl Into<Value>) -> Self {
        self.call.set("authorization_details", details.into());
        self
    }
}
