//! `/bc-authorize`: OpenID Client-Initiated Backchannel Authentication (auth0-python
//! `BackChannelLogin`). Form-encoded, with client authentication.

use serde_json::Value;

use super::AuthenticationClient;
use super::request::{Call, Encoding, endpoint, params};
use super::responses::BackChannelLoginResponse;

impl AuthenticationClient {
    /// Starts a CIBA request, asking the user identified by `login_hint` to approve on their
    /// device: `POST /bc-authorize`, `application/x-www-form-urlencoded`
    /// `{client_id, binding_message, login_hint, scope, …}`, with client authentication. Poll for
    /// the tokens with [`GetToken::backchannel_login`](super::GetToken::backchannel_login).
    ///
    /// `login_hint` is a JSON text such as `{"format":"iss_sub","iss":"https://tenant/","sub":"auth0|…"}`;
    /// [`iss_sub_login_hint`](Self::iss_sub_login_hint) builds it.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// use serde_json::json;
    /// let hint = auth.iss_sub_login_hint("auth0|alice");
    /// let started = auth
    ///     .back_channel_login("Approve the transfer of 25 EUR", hint, "openid")
    ///     .authorization_details(json!([{"type": "payment_initiation", "amount": "25.00"}]))
    ///     .requested_expiry(300)
    ///     .await?;
    /// let tokens = auth.get_token().backchannel_login(started.auth_req_id).await; // poll
    /// # let _ = tokens; Ok(()) }
    /// ```
    ///
    /// `binding_message`, `login_hint` and `scope` are required, and `requested_expiry` is an
    /// unsigned integer, so these do not compile:
    ///
    /// ```compile_fail
    /// # fn f(auth: auth0_core::client::AuthenticationClient) {
    /// let _ = auth.back_channel_login("hint", "openid"); // one argument missing
    /// # }
    /// ```
    /// ```compile_fail
    /// # fn f(auth: auth0_core::client::AuthenticationClient) {
    /// let _ = auth.back_channel_login("msg", "hint", "openid").requested_expiry(-10);
    /// # }
    /// ```
    /// ```compile_fail
    /// # fn f(auth: auth0_core::client::AuthenticationClient) {
    /// let _ = auth.back_channel_login("msg", "hint", "openid").requested_expiry("string_instead_of_int");
    /// # }
    /// ```
    pub fn back_channel_login(
        &self,
        binding_message: impl Into<String>,
        login_hint: impl Into<String>,
        scope: impl Into<String>,
    ) -> BackChannelLoginRequest {
        let mut call = Call::post(self, "POST /bc-authorize", "/bc-authorize", true);
        call.encoding = Encoding::Form;
        call.set("binding_message", binding_message.into());
        call.set("login_hint", login_hint.into());
        call.set("scope", scope.into());
        BackChannelLoginRequest { call }
    }

    /// The `iss_sub` CIBA login hint for a user of this tenant:
    /// `{"format":"iss_sub","iss":"<tenant issuer>","sub":"<sub>"}`.
    pub fn iss_sub_login_hint(&self, sub: &str) -> String {
        serde_json::json!({"format": "iss_sub", "iss": self.inner.tenant.issuer(), "sub": sub})
            .to_string()
    }
}

endpoint!(
    /// `POST /bc-authorize`; see [`AuthenticationClient::back_channel_login`].
    BackChannelLoginRequest => BackChannelLoginResponse
);
params!(BackChannelLoginRequest);

impl BackChannelLoginRequest {
    /// Rich Authorization Request details (RFC 9396). An array or object is sent as JSON text; a
    /// string is taken to be JSON text already and sent as is.
    pub fn authorization_details(mut self, details: impl Into<Value>) -> Self {
        self.call.set("authorization_details", details.into());
        self
    }

    /// How long, in seconds, the request may wait for the user. Must be positive: zero makes the
    /// request fail with [`ErrorKind::InvalidInput`](super::ErrorKind::InvalidInput) unsent.
    pub fn requested_expiry(mut self, seconds: u32) -> Self {
        self.call.set("requested_expiry", seconds);
        self.call
            .problem((seconds == 0).then_some("requested_expiry must be a positive integer"));
        self
    }
}
