//! `/delegation`: the legacy delegation endpoint (auth0-python `Delegated`). No client
//! authentication. Auth0 has deprecated delegation; it is ported so that existing callers find it.

use super::AuthenticationClient;
use super::request::{Call, endpoint, params, setters};
use super::responses::DelegationResponse;

const NEITHER: &str = "delegation needs an id_token or a refresh_token; set one of them";
const BOTH: &str = "delegation takes an id_token or a refresh_token, not both";

/// Delegation (auth0-python `Delegated`); from [`AuthenticationClient::delegated`].
#[derive(Clone, Copy, Debug)]
pub struct Delegated<'a> {
    client: &'a AuthenticationClient,
}

impl<'a> Delegated<'a> {
    pub(crate) fn new(client: &'a AuthenticationClient) -> Self {
        Self { client }
    }

    /// Obtains a delegation token: `POST /delegation`, JSON
    /// `{client_id, grant_type, target, scope, api_type, id_token | refresh_token}`, no client
    /// authentication. Exactly one of [`id_token`](DelegationRequest::id_token) and
    /// [`refresh_token`](DelegationRequest::refresh_token) must be set, else the request fails
    /// with [`ErrorKind::InvalidInput`](super::ErrorKind::InvalidInput) without being sent.
    /// `scope` is `openid` unless set.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// let delegated = auth.delegated()
    ///     .get_token("TARGET_CLIENT_ID", "app", "urn:ietf:params:oauth:grant-type:jwt-bearer")
    ///     .id_token("ID_TOKEN")
    ///     .await?;
    /// # let _ = delegated; Ok(()) }
    /// ```
    pub fn get_token(
        &self,
        target: impl Into<String>,
        api_type: impl Into<String>,
        grant_type: impl Into<String>,
    ) -> DelegationRequest {
        let mut call = Call::post(self.client, "POST /delegation", "/delegation", false);
        call.set("grant_type", grant_type.into());
        call.set("target", target.into());
        call.set("scope", "openid");
        call.set("api_type", api_type.into());
        call.problem(Some(NEITHER));
        DelegationRequest { call }
    }
}

endpoint!(
    /// `POST /delegation`; see [`Delegated::get_token`].
    DelegationRequest => DelegationResponse
);
params!(DelegationRequest);

setters!(DelegationRequest {
    /// Requested scopes (default `openid`).
    scope => "scope";
});

impl DelegationRequest {
    /// Delegates with an ID token.
    pub fn id_token(mut self, id_token: impl Into<String>) -> Self {
        self.call.set("id_token", id_token.into());
        self.recheck()
    }

    /// Delegates with a refresh token.
    pub fn refresh_token(mut self, refresh_token: impl Into<String>) -> Self {
        self.call.set("refresh_token", refresh_token.into());
        self.recheck()
    }

    fn recheck(mut self) -> Self {
        let problem = match (self.call.has("id_token"), self.call.has("refresh_token")) {
            (true, true) => Some(BOTH),
            (false, false) => Some(NEITHER),
            _ => None,
        };
        self.call.problem(problem);
        self
    }
}
