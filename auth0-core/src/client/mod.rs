//! The Auth0 **Authentication API** client: a typed, async port of auth0-python's
//! `authentication` package, with the same group and method names.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use auth0_core::client::AuthenticationClient;
//!
//! let auth = AuthenticationClient::builder("my-tenant.us.auth0.com", "CLIENT_ID")
//!     .client_secret("CLIENT_SECRET")
//!     .build()?; // configuration errors surface here, not on a request
//!
//! // Required inputs are arguments, optional ones are setters; await the builder.
//! let token = auth.get_token().client_credentials("https://api.example.com").await?;
//! let scoped = auth
//!     .get_token()
//!     .client_credentials("https://api.example.com")
//!     .organization("org_1")
//!     .await?;
//! println!("expires in {:?}s", token.expires_in);
//! # let _ = scoped; Ok(()) }
//! ```
//!
//! [`AuthenticationClient`] is cheap to clone (an `Arc` around one `reqwest` connection pool);
//! build it once and share it. For calls from service to service, [`TokenProvider`] keeps
//! `client_credentials` tokens per audience and refreshes them ahead of expiry.
//!
//! # Endpoints
//!
//! | call | route | client auth | returns |
//! |---|---|---|---|
//! | `get_token().authorization_code(code, redirect_uri)` | `POST /oauth/token` | yes | [`TokenResponse`] |
//! | `get_token().authorization_code_pkce(verifier, code, redirect_uri)` | `POST /oauth/token` | **no** | [`TokenResponse`] |
//! | `get_token().client_credentials(audience)` | `POST /oauth/token` | yes | [`TokenResponse`] |
//! | `get_token().login(username, password)` | `POST /oauth/token` | yes | [`TokenResponse`] |
//! | `get_token().refresh_token(refresh_token)` | `POST /oauth/token` | yes | [`TokenResponse`] |
//! | `get_token().passwordless_login(username, otp, realm)` | `POST /oauth/token` | yes | [`TokenResponse`] |
//! | `get_token().backchannel_login(auth_req_id)` | `POST /oauth/token` | yes | [`TokenResponse`] |
//! | `get_token().access_token_for_connection(…)` | `POST /oauth/token` | yes | [`TokenResponse`] |
//! | `database().signup(email, password, connection)` | `POST /dbconnections/signup` | no | [`SignupResponse`] |
//! | `database().change_password(email, connection)` | `POST /dbconnections/change_password` | no | `String` |
//! | `passwordless().email(email)` / `.sms(phone)` | `POST /passwordless/start` | yes | [`PasswordlessResponse`] |
//! | `revoke_token().revoke_refresh_token(token)` | `POST /oauth/revoke` | yes | `()` |
//! | `users().userinfo(access_token)` | `GET /userinfo` (Bearer) | — | [`UserInfo`] |
//! | `enterprise().saml_metadata()` | `GET /samlp/metadata/{client_id}` | — | `String` |
//! | `enterprise().wsfed_metadata()` | `GET /wsfed/FederationMetadata/2007-06/FederationMetadata.xml` | — | `String` |
//! | `delegated().get_token(target, api_type, grant_type)` | `POST /delegation` | no | [`DelegationResponse`] |
//! | `social().login(access_token, connection)` | `POST /oauth/access_token` | no | [`TokenResponse`] |
//! | `back_channel_login(binding_message, login_hint, scope)` | `POST /bc-authorize` (form) | yes | [`BackChannelLoginResponse`] |
//! | `pushed_authorization_request(response_type, redirect_uri)` | `POST /oauth/par` (form) | yes | [`ParResponse`] |
//!
//! "Client auth" is the client secret (`client_secret`) or a private-key JWT
//! (`client_assertion` + `client_assertion_type`), whichever is configured, exactly where
//! auth0-python adds it. Every POST body starts with `client_id`. Unset optional fields are
//! omitted. Token grants, PAR, CIBA and the other POSTs take extra fields with `.param(name,
//! value)`; token grants can be sent form-encoded with `.form()` (or client-wide with
//! [`form_encoded_token_requests`](AuthenticationClientBuilder::form_encoded_token_requests)).
//!
//! # Transport
//!
//! * `Auth0-Client`: standard base64 (padded) of `{"name":"auth0-rs","version":…,"env":{"rust":…}}`
//!   and `User-Agent: auth0-rs/<version>`, unless [`telemetry(false)`](AuthenticationClientBuilder::telemetry);
//!   a wrapper SDK can report itself with [`telemetry_identity`](AuthenticationClientBuilder::telemetry_identity).
//! * Timeouts: 5 s to connect and 5 s in total per attempt, both configurable.
//! * Redirects are not followed and a 3xx is an error ([`ErrorKind::Api`] with the status and the
//!   `Location` header): the Authentication API never redirects these calls, and following one
//!   would resend credentials to an address nobody configured.
//! * Proxy: requests go direct and no proxy variable is read, unless the builder says otherwise:
//!   [`proxy(url)`](AuthenticationClientBuilder::proxy) sends every request through that HTTP
//!   proxy (`CONNECT` tunnels for `https` tenants; credentials in the URL are never shown), and
//!   [`proxy_from_env()`](AuthenticationClientBuilder::proxy_from_env) reads `HTTP_PROXY`,
//!   `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` once, in `build()`.
//! * No retries unless a [`RetryPolicy`] is set.
//!
//! # Errors
//!
//! Every call returns [`Error`]. For an error status, [`Error::api`] gives the [`ApiError`]:
//! status, [`error_code`](ApiError::error_code) (from `errorCode`, `error`, `code`), message
//! (from `error_description`, `message`, `description`, `error`), all response headers, the raw
//! body, and [`is_rate_limited`](ApiError::is_rate_limited), [`reset_at`](ApiError::reset_at),
//! [`retry_after`](ApiError::retry_after), [`mfa_token`](ApiError::mfa_token). Timeouts,
//! transport failures, undecodable answers and refused inputs are other [`ErrorKind`]s.
//!
//! # Differences from auth0-python, on purpose
//!
//! 1. **No `null`s in JSON bodies** (its §6.9): optional fields that are not set are omitted
//!    (`organization`, `realm`, `scope`, `audience`, `connection`…); `refresh_token`'s `scope` is
//!    sent only when set (auth0-python always sends `""`).
//! 2. **Form bodies are correct** (§6.8): `/oauth/par` never sends `client_secret=None` (only the
//!    configured authentication fields); structured values (`authorization_details`) are JSON
//!    text, not Python `repr`; absent values are omitted, never the text `None`.
//!    `requested_expiry` is a `u32` and zero is refused before sending (a boolean cannot slip in).
//! 3. **Error parsing** (§6.10): `description` is read for the message (so `/dbconnections/signup`
//!    errors have one); `null` or empty candidates are skipped; non-object JSON, text, HTML and
//!    empty bodies give an [`ApiError`] (never a panic) with every header kept; a non-integer
//!    `x-ratelimit-reset` gives `reset_at() == None` (auth0-python raises `ValueError`, and
//!    reports `-1` when the body is empty); `Retry-After` is parsed; `mfa_token` is readable
//!    whatever the code. A 3xx is an error (auth0-python returns its body as a success).
//! 4. **Retries** (§6.11): an opt-in [`RetryPolicy`] for 429; still none by default.
//! 5. **Client assertion** (§6.12): optional `kid` header; the key is parsed and tried at build,
//!    not at the first request; timestamps from the system clock (no deprecated naive UTC). The
//!    180 s lifetime and the fresh `jti` per request are kept. `aud` is the tenant issuer:
//!    `https://{domain}/` as in auth0-python; for a loopback `http://` tenant (local test servers
//!    only) it is that server's issuer, `http://host:port/`, because a local look-alike checks
//!    `aud` against its own issuer; [`client_assertion_audience`](AuthenticationClientBuilder::client_assertion_audience)
//!    overrides it.
//! 6. **`change_password` takes no password** (§6.13: auth0-python accepts one and drops it), and
//!    `delegated().get_token()` says plainly that it needs exactly one of `id_token` /
//!    `refresh_token` (auth0-python's message is inverted).
//! 7. **Credentials**: a client secret and an assertion key together are a build error
//!    (auth0-python silently prefers the key); an empty secret is a build error (auth0-python
//!    silently acts as a public client).
//! 8. **Domain** is validated at build (`https://` prefix accepted, no `https://https://…`); the
//!    `protocol` argument is replaced by a scheme in the domain, `http` for loopback hosts only.
//! 9. **Headers**: `Content-Type` only on requests with a body (auth0-python sends
//!    `application/json` on GETs too); `User-Agent: auth0-rs/<version>`; telemetry JSON names
//!    Rust instead of Python.
//! 10. **Timeouts** are a connect timeout plus a total deadline per attempt (auth0-python's
//!     float is per socket operation, with no overall deadline).
//! 11. **`passwordless_login`** takes `scope` and `audience` as optional setters (Auth0 does not
//!     require them; auth0-python makes them positional).
//! 12. **Typed answers** keeping unknown fields, instead of bare dicts; tokens are redacted in
//!     `Debug`. `userinfo` is on the same client (auth0-python's `Users` is a separate class
//!     without a client id).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::TenantUrl;

mod assertion;
mod back_channel;
mod builder;
mod database;
mod delegated;
mod enterprise;
mod error;
mod get_token;
pub mod grants;
mod headers;
mod par;
mod passwordless;
mod request;
mod responses;
mod retry;
mod revoke;
mod secret;
mod social;
mod telemetry;
mod token_provider;
mod users;

pub use back_channel::BackChannelLoginRequest;
pub use builder::{AuthenticationClientBuilder, BuildError};
pub use database::{ChangePasswordRequest, Database, SignupRequest};
pub use delegated::{Delegated, DelegationRequest};
pub use enterprise::{Enterprise, SamlMetadataRequest, WsFedMetadataRequest};
pub use error::{ApiError, Error, ErrorKind, UNKNOWN_ERROR_CODE};
pub use get_token::{
    AccessTokenForConnectionGrant, AuthorizationCodeGrant, AuthorizationCodePkceGrant,
    BackchannelLoginGrant, ClientCredentialsGrant, GetToken, LoginGrant, PasswordlessLoginGrant,
    RefreshTokenGrant,
};
pub use headers::ResponseHeaders;
pub use par::PushedAuthorizationRequest;
pub use passwordless::{Passwordless, PasswordlessEmailRequest, PasswordlessSmsRequest};
pub use responses::{
    BackChannelLoginResponse, CibaResponse, DelegationResponse, ParResponse, PasswordlessResponse,
    SignupResponse, TokenResponse, UserInfo,
};
pub use retry::RetryPolicy;
pub use revoke::{RevokeRefreshTokenRequest, RevokeToken};
pub use social::{Social, SocialLoginRequest};
pub use token_provider::{
    AccessToken, RequestBuilderExt, TokenError, TokenErrorKind, TokenProvider,
    TokenProviderBuilder, TokenProviderMetrics,
};
pub use users::{UserInfoRequest, Users};

/// The future of an awaited request builder.
pub type ResponseFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// The Auth0 Authentication API client. Cloning is cheap (an `Arc`): every clone shares one
/// configuration and one HTTP connection pool.
///
/// Create it with [`AuthenticationClient::builder`]; reach the endpoints through the groups named
/// as in auth0-python ([`get_token`](Self::get_token), [`database`](Self::database)…). `Debug`
/// never shows the client secret or the assertion key.
#[derive(Clone)]
pub struct AuthenticationClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) tenant: TenantUrl,
    pub(crate) client_id: String,
    pub(crate) auth: ClientAuth,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) form_tokens: bool,
    pub(crate) telemetry: bool,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
}

/// How the client authenticates where the reference adds client authentication.
pub(crate) enum ClientAuth {
    None,
    Secret(secret::Secret),
    Assertion(Box<assertion::AssertionSigner>),
}

impl AuthenticationClient {
    /// Starts configuring a client for a tenant (`my-tenant.us.auth0.com`, a custom domain,
    /// `https://…`, or `http://127.0.0.1:port` for a local test server) and an application's client
    /// id. Without [`client_secret`](AuthenticationClientBuilder::client_secret) or
    /// [`client_assertion`](AuthenticationClientBuilder::client_assertion), it acts as a public
    /// client.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), auth0_core::client::BuildError> {
    /// use std::time::Duration;
    /// use auth0_core::client::{AuthenticationClient, RetryPolicy};
    /// let auth = AuthenticationClient::builder("my-tenant.us.auth0.com", "CLIENT_ID")
    ///     .client_secret("CLIENT_SECRET")
    ///     .timeout(Duration::from_secs(10))
    ///     .retry_policy(RetryPolicy::new())
    ///     .build()?;
    /// # let _ = auth; Ok(()) }
    /// ```
    pub fn builder(
        domain: impl Into<String>,
        client_id: impl Into<String>,
    ) -> AuthenticationClientBuilder {
        AuthenticationClientBuilder::new(domain, client_id)
    }

    /// The tenant the client talks to.
    pub fn tenant(&self) -> &TenantUrl {
        &self.inner.tenant
    }

    /// The application's client id.
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// `/oauth/token` grants (auth0-python `GetToken`).
    pub fn get_token(&self) -> GetToken<'_> {
        GetToken::new(self)
    }

    /// Database-connection signup and password change (auth0-python `Database`).
    pub fn database(&self) -> Database<'_> {
        Database::new(self)
    }

    /// Passwordless start by email or SMS (auth0-python `Passwordless`).
    pub fn passwordless(&self) -> Passwordless<'_> {
        Passwordless::new(self)
    }

    /// Refresh-token revocation (auth0-python `RevokeToken`).
    pub fn revoke_token(&self) -> RevokeToken<'_> {
        RevokeToken::new(self)
    }

    /// Shortcut for `revoke_token().revoke_refresh_token(token)`.
    ///
    /// ```no_run
    /// # async fn f(auth: auth0_core::client::AuthenticationClient) -> Result<(), auth0_core::client::Error> {
    /// auth.revoke_refresh_token("REFRESH_TOKEN").await?;
    /// # Ok(()) }
    /// ```
    pub fn revoke_refresh_token(&self, token: impl Into<String>) -> RevokeRefreshTokenRequest {
        self.revoke_token().revoke_refresh_token(token)
    }

    /// The user profile behind an access token (auth0-python `Users`).
    pub fn users(&self) -> Users<'_> {
        Users::new(self)
    }

    /// SAML and WS-Federation metadata (auth0-python `Enterprise`).
    pub fn enterprise(&self) -> Enterprise<'_> {
        Enterprise::new(self)
    }

    /// Legacy delegation (auth0-python `Delegated`).
    pub fn delegated(&self) -> Delegated<'_> {
        Delegated::new(self)
    }

    /// Legacy social sign-in with a provider token (auth0-python `Social`).
    pub fn social(&self) -> Social<'_> {
        Social::new(self)
    }
}

impl fmt::Debug for AuthenticationClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let auth: &dyn fmt::Debug = match &inner.auth {
            ClientAuth::None => &"none",
            ClientAuth::Secret(_) => &"client_secret [redacted]",
            ClientAuth::Assertion(signer) => signer,
        };
        f.debug_struct("AuthenticationClient")
            .field("tenant", &inner.tenant)
            .field("client_id", &inner.client_id)
            .field("client_auth", auth)
            .field("telemetry", &inner.telemetry)
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .field("retry_policy", &inner.retry)
            .field("form_encoded_token_requests", &inner.form_tokens)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn client_is_send_sync_clone() {
        assert_send_sync::<AuthenticationClient>();
        fn future_is_send(f: ResponseFuture<TokenResponse>) -> impl Send {
            f
        }
        let _ = future_is_send;
    }
}
