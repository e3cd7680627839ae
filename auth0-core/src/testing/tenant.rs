//! The loopback dev tenant: its public handle, builder and shared state.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::faults::JwksFault;
use super::keys::TestKey;
use super::mint::TokenBuilder;
use super::token::TokenEndpoint;
use super::{fail, login, server};

/// The audience a tenant issues tokens for unless configured otherwise.
pub const DEFAULT_AUDIENCE: &str = "https://api.example.com";
/// The client id the tenant accepts unless configured otherwise.
pub const DEFAULT_CLIENT_ID: &str = "test-client-id";
/// The client secret the tenant accepts unless configured otherwise.
pub const DEFAULT_CLIENT_SECRET: &str = "test-client-secret-0123456789abcdefghijklmnopqrstuvwxyz";
/// The `sub` of tokens from [`TestTenant::token`].
pub const DEFAULT_SUBJECT: &str = "auth0|test-user";
/// The `Cache-Control` the JWKS is served with unless changed.
pub const DEFAULT_JWKS_CACHE_CONTROL: &str = "public, max-age=600";

/// What the server tasks share with the [`TestTenant`] handle.
pub(crate) struct Shared {
    pub(crate) issuer: String,
    pub(crate) audience: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) default_scope: Option<String>,
    pub(crate) state: Mutex<State>,
    pub(crate) jwks_requests: AtomicUsize,
    pub(crate) token_requests: AtomicUsize,
    pub(crate) userinfo_requests: AtomicUsize,
    /// Wakes the token requests held by `hold_token_requests` when the endpoint changes.
    pub(crate) token_gate: tokio::sync::Notify,
    /// Users, allowed URLs and counters of the browser login flow.
    pub(crate) login: login::Config,
}

/// The mutable part; the lock is never held across an `.await`.
pub(crate) struct State {
    pub(crate) published: Vec<TestKey>,
    pub(crate) signing: TestKey,
    pub(crate) jwks_body: Option<String>,
    pub(crate) cache_control: Option<String>,
    pub(crate) fault: Option<JwksFault>,
    pub(crate) client_assertion_key: Option<TestKey>,
    pub(crate) token_endpoint: TokenEndpoint,
    /// Pending logins, codes, refresh tokens and pushed requests.
    pub(crate) login: login::LoginState,
    next_rsa: usize,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A token for this tenant, signed by the current signing key.
    pub(crate) fn token(&self) -> TokenBuilder {
        let signing = self.lock().signing.clone();
        TokenBuilder::new(&signing)
            .iss(self.issuer.clone())
            .sub(DEFAULT_SUBJECT)
            .aud(self.audience.clone())
            .claim("azp", &self.client_id)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer, path.trim_start_matches('/'))
    }
}

impl State {
    /// Adds a key, replacing a published key with the same `kid` in place.
    fn publish(&mut self, key: TestKey) {
        match self.published.iter_mut().find(|k| k.kid() == key.kid()) {
            Some(slot) => *slot = key,
            None => self.published.push(key),
        }
    }
}

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
    pub(super) login: login::Setup,
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
            login: login::LoginState::default(),
            next_rsa: 1,
        };
        state.publish(self.signing_key);
        for key in self.extra_keys {
            state.publish(key);
        }
        let issuer = format!("http://{addr}/");
        let shared = Arc::new(Shared {
            login: login::Config::new(self.login, &issuer),
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

/// A local Auth0 look-alike on `127.0.0.1` (a free port): JWKS, OpenID discovery,
/// `/oauth/token` (client credentials, authorization code, refresh token), `/userinfo`, and the
/// browser login flow (`/authorize` with a login page for its [`TestUser`](super::TestUser)s,
/// `/oauth/par`, logout). Shut down when dropped.
///
/// All methods take `&self`: keys can be rotated and faults injected while requests are in
/// flight. Wrap it in an `Arc` to share it between tasks. See the [module docs](super).
pub struct TestTenant {
    pub(super) shared: Arc<Shared>,
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
            login: login::Setup::default(),
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

impl Drop for TestTenant {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
