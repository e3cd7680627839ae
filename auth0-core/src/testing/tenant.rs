//! The loopback dev tenant: its public handle and its builder.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::basics::fail;
use super::defaults::{
    DEFAULT_AUDIENCE, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_JWKS_CACHE_CONTROL,
};
use super::faults::JwksFault;
use super::keys::TestKey;
use super::mint::TokenBuilder;
use super::server;
use super::state::login::{Config, LoginState, Setup};
use super::state::users::TestUser;
use super::state::{Shared, State, TokenEndpoint, TokenFault};

/// Configures a [`TestTenant`] before it starts. From [`TestTenant::builder`].
#[derive(Debug)]
pub struct TestTenantBuilder {
    audience: String,
    client_id: String,
    client_secret: String,
    default_scope: Option<String>,
    signing_key: TestKey,
    extra_keys: Vec<TestKey>,
    client_assertion_key: Option<TestKey>,
    port: u16,
    login: Setup,
}

impl TestTenantBuilder {
    /// The API identifier the tenant issues tokens for (default `https://api.example.com`).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// The signing key (default [`TestKey::rsa(0)`](TestKey::rsa)); it is published.
    pub fn signing_key(mut self, key: TestKey) -> Self {
        self.signing_key = key;
        self
    }

    /// Publishes an extra key from the start (not used for signing).
    pub fn publish_key(mut self, key: TestKey) -> Self {
        self.extra_keys.push(key);
        self
    }

    /// The client `/oauth/token` accepts (default `test-client-id` and
    /// [`DEFAULT_CLIENT_SECRET`]).
    pub fn client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = id.into();
        self.client_secret = secret.into();
        self
    }

    /// Accepts private-key-JWT client authentication (`client_assertion`) for the client,
    /// verified with this key's public half (see [`TestTenant::set_client_assertion_key`]).
    pub fn client_assertion_key(mut self, key: TestKey) -> Self {
        self.client_assertion_key = Some(key);
        self
    }

    /// The `scope` of client-credentials tokens when the request has none (default: no scope).
    pub fn default_scope(mut self, scope: impl Into<String>) -> Self {
        self.default_scope = Some(scope.into());
        self
    }

    /// Listens on this port of 127.0.0.1 instead of a free one (0 = any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Binds 127.0.0.1 and starts serving.
    ///
    /// # Panics
    /// If the loopback port cannot be bound; see [`try_start`](Self::try_start).
    pub async fn start(self) -> TestTenant {
        match self.try_start().await {
            Ok(tenant) => tenant,
            Err(e) => fail(format_args!(
                "cannot bind a loopback port for the test tenant: {e}"
            )),
        }
    }

    /// Binds 127.0.0.1 and starts serving; an error if the port cannot be bound.
    pub async fn try_start(self) -> std::io::Result<TestTenant> {
        let bind = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.port));
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let mut state = State {
            published: Vec::new(),
            signing: self.signing_key.clone(),
            jwks_body: None,
            cache_control: Some(DEFAULT_JWKS_CACHE_CONTROL.to_owned()),
            fault: None,
            client_assertion_key: self.client_assertion_key,
            token_endpoint: TokenEndpoint::default(),
            login: LoginState::default(),
            next_rsa: 1,
        };
        state.publish(self.signing_key);
        for key in self.extra_keys {
            state.publish(key);
        }
        let issuer = format!("http://{addr}/");
        let shared = Arc::new(Shared {
            login: Config::new(self.login, &issuer),
            issuer,
            audience: self.audience,
            client_id: self.client_id,
            client_secret: self.client_secret,
            default_scope: self.default_scope,
            state: Mutex::new(state),
            jwks_requests: AtomicUsize::new(0),
            token_requests: AtomicUsize::new(0),
            userinfo_requests: AtomicUsize::new(0),
            token_gate: tokio::sync::Notify::new(),
        });
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(TestTenant {
            shared,
            addr,
            task: Some(task),
        })
    }
}

/// The browser login flow.
impl TestTenantBuilder {
    /// Adds a user who can log in (the tenant has [`TestUser::alice`] and [`TestUser::bob`]
    /// already); a user with the same email (case-insensitive) replaces the earlier one.
    pub fn user(mut self, user: TestUser) -> Self {
        self.login.add_user(user);
        self
    }

    /// Allows this `redirect_uri` at `/authorize` (loopback URLs, on `127.0.0.1`, `localhost`
    /// or `[::1]`, are always allowed). Compared as a parsed URL.
    ///
    /// # Panics
    /// If `url` is not an absolute http(s) URL without a fragment.
    pub fn callback_url(mut self, url: impl AsRef<str>) -> Self {
        self.login.add_callback_url(url.as_ref());
        self
    }

    /// Allows this `returnTo` / `post_logout_redirect_uri` at logout (loopback URLs are always
    /// allowed). Compared as a parsed URL.
    ///
    /// # Panics
    /// If `url` is not an absolute http(s) URL without a fragment.
    pub fn logout_url(mut self, url: impl AsRef<str>) -> Self {
        self.login.add_logout_url(url.as_ref());
        self
    }
}

/// A local Auth0 look-alike on `127.0.0.1` (a free port): JWKS, OpenID discovery,
/// `/oauth/token` (client credentials, authorization code, refresh token), `/userinfo`, and the
/// browser login flow (`/authorize` with a login page for its [`TestUser`](super::TestUser)s,
/// `/oauth/par`, logout). Shut down when dropped.
///
/// All methods take `&self`: keys can be rotated and faults injected while requests are in
/// flight. Wrap it in an `Arc` to share it between tasks. See the [module docs](super).
pub struct TestTenant {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for TestTenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestTenant")
            .field("issuer", &self.shared.issuer)
            .field("audience", &self.shared.audience)
            .finish_non_exhaustive()
    }
}

impl TestTenant {
    /// Starts a tenant with the defaults: signing key [`TestKey::rsa(0)`](TestKey::rsa),
    /// audience `https://api.example.com`, client `test-client-id`.
    ///
    /// # Panics
    /// Only if no loopback port can be bound; [`try_start`](Self::try_start) returns the error.
    pub async fn start() -> TestTenant {
        Self::builder().start().await
    }

    /// Like [`start`](Self::start), returning the bind error instead of panicking.
    pub async fn try_start() -> std::io::Result<TestTenant> {
        Self::builder().try_start().await
    }

    /// A builder for a tenant with another audience, client, signing key, scope or port.
    pub fn builder() -> TestTenantBuilder {
        TestTenantBuilder {
            audience: DEFAULT_AUDIENCE.to_owned(),
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_CLIENT_SECRET.to_owned(),
            default_scope: None,
            signing_key: TestKey::rsa(0),
            extra_keys: Vec::new(),
            client_assertion_key: None,
            port: 0,
            login: Setup::default(),
        }
    }

    /// The issuer, `http://127.0.0.1:PORT/` (with the trailing slash, as Auth0's).
    pub fn issuer(&self) -> String {
        self.shared.issuer.clone()
    }

    /// The domain to configure verifiers and clients with: `http://127.0.0.1:PORT`.
    pub fn domain(&self) -> String {
        self.shared.issuer.trim_end_matches('/').to_owned()
    }

    /// The socket address the tenant listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/.well-known/jwks.json`
    pub fn jwks_url(&self) -> String {
        self.shared.url(".well-known/jwks.json")
    }

    /// `http://127.0.0.1:PORT/.well-known/openid-configuration`
    pub fn discovery_url(&self) -> String {
        self.shared.url(".well-known/openid-configuration")
    }

    /// `http://127.0.0.1:PORT/oauth/token`
    pub fn token_url(&self) -> String {
        self.shared.url("oauth/token")
    }

    /// `http://127.0.0.1:PORT/userinfo`
    pub fn userinfo_url(&self) -> String {
        self.shared.url("userinfo")
    }

    /// The API identifier tokens are issued for (default `https://api.example.com`).
    pub fn audience(&self) -> String {
        self.shared.audience.clone()
    }

    /// The client id `/oauth/token` accepts (default `test-client-id`).
    pub fn client_id(&self) -> String {
        self.shared.client_id.clone()
    }

    /// The client secret `/oauth/token` accepts (default [`DEFAULT_CLIENT_SECRET`]).
    pub fn client_secret(&self) -> String {
        self.shared.client_secret.clone()
    }

    /// A token builder prefilled for this tenant: `iss` = [`issuer`](Self::issuer),
    /// `sub` `auth0|test-user`, `aud` = [`audience`](Self::audience), `azp` = client id,
    /// `iat` now, `exp` in one hour, header `typ` `JWT` and the `kid` of the current signing key,
    /// which signs it.
    pub fn token(&self) -> TokenBuilder {
        self.shared.token()
    }

    /// The key tokens are currently signed with.
    pub fn signing_key(&self) -> TestKey {
        self.shared.lock().signing.clone()
    }

    /// The keys currently published in the JWKS, in order.
    pub fn published_keys(&self) -> Vec<TestKey> {
        self.shared.lock().published.clone()
    }

    /// Adds a key to the JWKS (it does not sign). A key whose `kid` is already published
    /// replaces that entry in place (same `kid`, new material); the signing key is unchanged.
    pub fn publish_key(&self, key: TestKey) {
        self.shared.lock().publish(key);
    }

    /// Signs with the published key `kid` from now on.
    ///
    /// # Panics
    /// If no published key has that `kid`.
    pub fn use_signing_key(&self, kid: &str) {
        let mut state = self.shared.lock();
        match state.published.iter().find(|k| k.kid() == kid).cloned() {
            Some(key) => state.signing = key,
            None => {
                drop(state);
                fail(format_args!(
                    "use_signing_key: no published key has kid {kid:?}"
                ))
            }
        }
    }

    /// Removes the key `kid` from the JWKS. If it is the signing key, tokens are still signed
    /// with it (useful to test revocation) until another key is chosen.
    ///
    /// # Panics
    /// If no published key has that `kid`.
    pub fn retire_key(&self, kid: &str) {
        let mut state = self.shared.lock();
        let before = state.published.len();
        state.published.retain(|k| k.kid() != kid);
        if state.published.len() == before {
            drop(state);
            fail(format_args!("retire_key: no published key has kid {kid:?}"));
        }
    }

    /// Auth0-style rotation: publishes the next key of the RSA pool (`rsa-1`, `rsa-2`, …, a
    /// `kid` not yet published) and signs with it; the previous key stays published until
    /// [`retire_key`](Self::retire_key). Returns the new key.
    pub fn rotate(&self) -> TestKey {
        let mut state = self.shared.lock();
        let key = loop {
            let candidate = TestKey::rsa(state.next_rsa);
            state.next_rsa += 1;
            if !state.published.iter().any(|k| k.kid() == candidate.kid()) {
                break candidate;
            }
        };
        state.publish(key.clone());
        state.signing = key.clone();
        key
    }

    /// Serves exactly this body at the JWKS URL (`None`: back to the published keys).
    pub fn set_jwks_body(&self, body: Option<String>) {
        self.shared.lock().jwks_body = body;
    }

    /// The `Cache-Control` header of JWKS responses (default `public, max-age=600`);
    /// `None` sends no `Cache-Control` at all.
    pub fn set_cache_control(&self, value: Option<String>) {
        self.shared.lock().cache_control = value;
    }

    /// Makes `GET /.well-known/jwks.json` misbehave until [`clear_fault`](Self::clear_fault).
    pub fn set_fault(&self, fault: JwksFault) {
        self.shared.lock().fault = Some(fault);
    }

    /// Back to normal JWKS answers.
    pub fn clear_fault(&self) {
        self.shared.lock().fault = None;
    }

    /// Accepts (`Some`) or stops accepting (`None`) private-key-JWT client authentication,
    /// verified with this key: `client_assertion_type`
    /// `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`, a `client_assertion` signed by
    /// the key with `iss` = `sub` = client id, `aud` = the issuer or the token URL, `exp` ahead.
    pub fn set_client_assertion_key(&self, key: Option<TestKey>) {
        self.shared.lock().client_assertion_key = key;
    }

    /// The number of JWKS requests (`GET`, or `HEAD`) received so far, faulted ones included.
    pub fn jwks_requests(&self) -> usize {
        self.shared.jwks_requests.load(Ordering::SeqCst)
    }

    /// The number of `POST /oauth/token` requests received so far, failed ones included.
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::SeqCst)
    }

    /// The number of `/userinfo` requests received so far.
    pub fn userinfo_requests(&self) -> usize {
        self.shared.userinfo_requests.load(Ordering::SeqCst)
    }

    /// Stops the server and closes every open connection.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

/// Controls of `POST /oauth/token`.
impl TestTenant {
    /// The `expires_in` of tokens issued from now on (default 86 400 s, Auth0's default), and
    /// their `exp` = `iat` + that lifetime; whole seconds.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        let secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        self.shared.lock().token_endpoint.lifetime = secs;
    }

    /// Issues client-credentials tokens for this API identifier too (`aud` = the requested
    /// audience), next to [`audience`](Self::audience).
    pub fn accept_audience(&self, audience: impl Into<String>) {
        self.shared
            .lock()
            .token_endpoint
            .extra_audiences
            .push(audience.into());
    }

    /// Answers every `POST /oauth/token` with this status (a code outside 100..=999 is answered
    /// as 500) and Auth0's error body (`too_many_requests` for 429, else `server_error`), with a
    /// `Retry-After` in whole seconds when given, until
    /// [`restore_token_requests`](Self::restore_token_requests). Requests still count in
    /// [`token_requests`](Self::token_requests).
    pub fn fail_token_requests(&self, status: u16, retry_after: Option<Duration>) {
        let retry_after = retry_after.map(|d| d.as_secs());
        self.set_token_fault(Some(TokenFault::Status(status, retry_after)));
    }

    /// Holds every `POST /oauth/token` without an answer (each is counted in
    /// [`token_requests`](Self::token_requests) when it arrives) until
    /// [`restore_token_requests`](Self::restore_token_requests) or
    /// [`fail_token_requests`](Self::fail_token_requests), which releases them.
    pub fn hold_token_requests(&self) {
        self.set_token_fault(Some(TokenFault::Hold));
    }

    /// Back to normal `/oauth/token` answers; held requests are answered.
    pub fn restore_token_requests(&self) {
        self.set_token_fault(None);
    }

    fn set_token_fault(&self, fault: Option<TokenFault>) {
        self.shared.lock().token_endpoint.fault = fault;
        self.shared.token_gate.notify_waiters();
    }
}

/// The browser login flow.
impl TestTenant {
    /// The users who can log in on the login page (by default alice and bob, see
    /// [`TestUser::alice`] and [`TestUser::bob`]), each with its `picture`.
    pub fn users(&self) -> Vec<TestUser> {
        self.shared.login.users.clone()
    }

    /// `http://127.0.0.1:PORT/authorize`, where the browser login starts.
    pub fn authorize_url(&self) -> String {
        self.shared.url("authorize")
    }

    /// `http://127.0.0.1:PORT/v2/logout`, Auth0's logout endpoint.
    pub fn logout_url(&self) -> String {
        self.shared.url("v2/logout")
    }

    /// `http://127.0.0.1:PORT/oidc/logout`, the OIDC RP-initiated logout endpoint
    /// (`end_session_endpoint`).
    pub fn oidc_logout_url(&self) -> String {
        self.shared.url("oidc/logout")
    }

    /// `http://127.0.0.1:PORT/oauth/par`, the pushed-authorization-request endpoint.
    pub fn par_url(&self) -> String {
        self.shared.url("oauth/par")
    }

    /// Refresh-token rotation (on by default): every use of a refresh token answers a new one
    /// and retires the used one, whose reuse revokes the whole family. Off: the answer has no
    /// `refresh_token` and the same token keeps working.
    pub fn rotate_refresh_tokens(&self, rotate: bool) {
        self.shared.lock().login.rotate = rotate;
    }

    /// The number of `GET /authorize` requests received so far, refused ones included.
    pub fn authorize_requests(&self) -> usize {
        self.shared.login.authorize_requests.load(Ordering::SeqCst)
    }

    /// The number of `POST /authorize/login` requests (login form submissions) so far.
    pub fn login_submissions(&self) -> usize {
        self.shared.login.login_submissions.load(Ordering::SeqCst)
    }

    /// The number of `GET /v2/logout` and `GET /oidc/logout` requests received so far.
    pub fn logout_requests(&self) -> usize {
        self.shared.login.logout_requests.load(Ordering::SeqCst)
    }

    /// The number of `POST /oauth/par` requests received so far, refused ones included.
    pub fn par_requests(&self) -> usize {
        self.shared.login.par_requests.load(Ordering::SeqCst)
    }
}

impl Drop for TestTenant {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
