//! Building an [`AuthenticationClient`]: tenant, client credentials, telemetry, timeouts,
//! retries and proxy. Every configuration error surfaces in [`build`](AuthenticationClientBuilder::build),
//! never on a request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use serde_json::Value;

use super::assertion::AssertionSigner;
use super::retry::RetryPolicy;
use super::secret::Secret;
use super::telemetry::{self, ClientInfo};
use super::{AuthenticationClient, ClientAuth, Inner};
use crate::proxy::ProxyChoice;
use crate::{Algorithm, DomainError, TenantUrl};

/// Why [`AuthenticationClientBuilder::build`] failed. The texts never contain a secret or key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The tenant domain is not acceptable.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The client id is empty.
    #[error("the client id is empty")]
    EmptyClientId,
    /// The client secret is empty (leave it unset for a public client).
    #[error("the client secret is empty; leave it unset for a public client")]
    EmptyClientSecret,
    /// Both a client secret and a client assertion key were configured.
    #[error("configure either a client secret or a client assertion key, not both")]
    ConflictingCredentials,
    /// A client assertion `kid` or audience was set without a client assertion key.
    #[error("client_assertion_kid / client_assertion_audience need client_assertion")]
    AssertionOptionWithoutKey,
    /// The client assertion key cannot be used.
    #[error("client assertion key for {alg}: {reason}")]
    ClientAssertionKey {
        /// The configured algorithm.
        alg: Algorithm,
        /// What is wrong, in fixed words.
        reason: &'static str,
    },
    /// The custom telemetry `client_info` is not a JSON object.
    #[error("the telemetry client_info must be a JSON object")]
    ClientInfoNotAnObject,
    /// A timeout is zero.
    #[error("timeouts must be greater than zero")]
    ZeroTimeout,
    /// The HTTP client could not be created (TLS setup).
    #[error("could not create the HTTP client")]
    Http(#[source] reqwest::Error),
    /// The proxy cannot be used: an unusable [`proxy`](AuthenticationClientBuilder::proxy) URL, or
    /// with [`proxy_from_env`](AuthenticationClientBuilder::proxy_from_env) an unusable proxy
    /// variable. The text names the setting and never repeats its value.
    #[error("invalid proxy configuration: {0}")]
    Proxy(String),
}

enum Credentials {
    None,
    Secret(Secret),
    Assertion { pem: Secret, alg: Algorithm },
}

/// Configures an [`AuthenticationClient`]; see [`AuthenticationClient::builder`].
#[must_use = "call .build() to get a client"]
pub struct AuthenticationClientBuilder {
    domain: String,
    client_id: String,
    secret: Option<Secret>,
    assertion: Option<(Secret, Algorithm)>,
    assertion_kid: Option<String>,
    assertion_audience: Option<String>,
    telemetry: bool,
    client_info: ClientInfo,
    custom_info_invalid: bool,
    timeout: Duration,
    connect_timeout: Duration,
    retry: Option<RetryPolicy>,
    form_tokens: bool,
    proxy: ProxyChoice,
}

impl AuthenticationClientBuilder {
    pub(crate) fn new(domain: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            domain: domain.into(),
            client_id: client_id.into(),
            secret: None,
            assertion: None,
            assertion_kid: None,
            assertion_audience: None,
            telemetry: true,
            client_info: ClientInfo::Default,
            custom_info_invalid: false,
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            retry: None,
            form_tokens: false,
            proxy: ProxyChoice::Direct,
        }
    }

    /// Authenticates the client with its secret (`client_secret_post`) where the reference does.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(Secret::new(secret));
        self
    }

    /// Authenticates the client with a private-key JWT assertion (`private_key_jwt`), signed with
    /// `private_key_pem` (PKCS#8 or PKCS#1 RSA, PKCS#8/SEC1 EC, PKCS#8 Ed25519). `alg` defaults to
    /// RS256 when `None`; RS384, RS512, PS256, PS384, PS512, ES256, ES384 and EdDSA also work. The
    /// key is parsed and tried in [`build`](Self::build).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use auth0_core::{Algorithm, client::AuthenticationClient};
    /// let pem = std::fs::read("private_key.pem")?;
    /// let auth = AuthenticationClient::builder("my-tenant.us.auth0.com", "CLIENT_ID")
    ///     .client_assertion(pem, Algorithm::PS256)
    ///     .client_assertion_kid("key-2024")
    ///     .build()?;
    /// # let _ = auth; Ok(()) }
    /// ```
    pub fn client_assertion(
        mut self,
        private_key_pem: impl AsRef<[u8]>,
        alg: impl Into<Option<Algorithm>>,
    ) -> Self {
        let pem = String::from_utf8_lossy(private_key_pem.as_ref()).into_owned();
        self.assertion = Some((Secret::new(pem), alg.into().unwrap_or(Algorithm::RS256)));
        self
    }

    /// The `kid` header of client assertions (the key's id in the application's credentials).
    pub fn client_assertion_kid(mut self, kid: impl Into<String>) -> Self {
        self.assertion_kid = Some(kid.into());
        self
    }

    /// Overrides the assertion's `aud`, which is the tenant issuer by default (`https://{domain}/`;
    /// for a loopback `http` tenant, `http://host:port/`).
    pub fn client_assertion_audience(mut self, audience: impl Into<String>) -> Self {
        self.assertion_audience = Some(audience.into());
        self
    }

    /// Sends the `Auth0-Client` and `User-Agent` headers (default: on). When off, neither is sent
    /// and any custom identity is ignored.
    pub fn telemetry(mut self, enabled: bool) -> Self {
        self.telemetry = enabled;
        self
    }

    /// Reports a wrapper SDK in `Auth0-Client`: `{"name":…,"version":…,"env":{"rust":…,"auth0-rs":…}}`.
    /// `User-Agent` stays `auth0-rs/<version>`.
    pub fn telemetry_identity(
        mut self,
        name: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        self.client_info = ClientInfo::Identity {
            name: name.into(),
            version: version.into(),
        };
        self.custom_info_invalid = false;
        self
    }

    /// Sends this JSON object, as given, in `Auth0-Client` (auth0-python's `client_info`).
    pub fn telemetry_client_info(mut self, client_info: Value) -> Self {
        match client_info {
            Value::Object(map) => {
                self.client_info = ClientInfo::Custom(map);
                self.custom_info_invalid = false;
            }
            _ => self.custom_info_invalid = true,
        }
        self
    }

    /// The total time allowed for one attempt, connection to last body byte (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time allowed to establish the connection, TLS included (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries 429 answers with `policy` (default: no retries).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends every `/oauth/token` request form-encoded instead of JSON, for OAuth 2.0 servers other
    /// than Auth0 (default: JSON, like auth0-python). Each grant can still choose with `.form()` /
    /// `.json()`.
    pub fn form_encoded_token_requests(mut self, enabled: bool) -> Self {
        self.form_tokens = enabled;
        self
    }

    /// Sends every request through the HTTP proxy at `url` (default: direct, and no proxy
    /// variable is read). `https://` tenants are reached through an HTTP `CONNECT` tunnel, with
    /// TLS to the tenant inside it; `http://` (loopback) tenants as absolute-form requests. The
    /// URL is `http://host[:port]` (port 80 by default), optionally with percent-encoded
    /// `user:password@`, sent as `Proxy-Authorization: Basic`; a path, query or fragment is
    /// refused. Replaces [`proxy_from_env`](Self::proxy_from_env).
    ///
    /// An unusable URL is a [`BuildError::Proxy`] from [`build`](Self::build), which does not
    /// repeat the URL; credentials never appear in `Debug` or in errors.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use auth0_core::client::AuthenticationClient;
    /// let auth = AuthenticationClient::builder("my-tenant.us.auth0.com", "CLIENT_ID")
    ///     .client_secret("CLIENT_SECRET")
    ///     .proxy("http://proxy.internal:3128")
    ///     .build()?;
    /// # let _ = auth; Ok(()) }
    /// ```
    pub fn proxy(mut self, url: &str) -> Self {
        self.proxy = ProxyChoice::from_url(url);
        self
    }

    /// Takes the proxy from the environment, read once by [`build`](Self::build): `http://`
    /// targets use `HTTP_PROXY`, `https://` targets `HTTPS_PROXY`, either falls back to
    /// `ALL_PROXY`; hosts listed in `NO_PROXY` (names with their subdomains, IP addresses, CIDR
    /// ranges; `*` for all) go direct. The upper-case name wins over the lower-case one; empty values
    /// count as unset; a value without a scheme means `http://`. Values must be `http://` proxy
    /// URLs (an `https://` or SOCKS proxy is a [`BuildError::Proxy`] naming the variable). When
    /// `REQUEST_METHOD` is set (a CGI process, where a request's `Proxy:` header arrives as
    /// `HTTP_PROXY`), `HTTP_PROXY` is ignored. Replaces [`proxy`](Self::proxy).
    pub fn proxy_from_env(mut self) -> Self {
        self.proxy = ProxyChoice::FromEnv;
        self
    }

    /// Validates the configuration and creates the client.
    ///
    /// # Errors
    /// See [`BuildError`]: a refused domain, an empty client id or secret, both a secret and an
    /// assertion key, a key that does not fit its algorithm, a zero timeout, a custom
    /// `client_info` that is not an object, an unusable proxy setting, or a failure to set up
    /// TLS.
    pub fn build(self) -> Result<AuthenticationClient, BuildError> {
        let tenant = TenantUrl::parse(&self.domain)?;
        if self.client_id.is_empty() {
            return Err(BuildError::EmptyClientId);
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(BuildError::ZeroTimeout);
        }
        if self.custom_info_invalid {
            return Err(BuildError::ClientInfoNotAnObject);
        }
        let credentials = match (self.secret, self.assertion) {
            (Some(_), Some(_)) => return Err(BuildError::ConflictingCredentials),
            (Some(secret), None) if secret.expose().is_empty() => {
                return Err(BuildError::EmptyClientSecret);
            }
            (Some(secret), None) => Credentials::Secret(secret),
            (None, Some((pem, alg))) => Credentials::Assertion { pem, alg },
            (None, None) => Credentials::None,
        };
        let auth = match credentials {
            Credentials::None
                if self.assertion_kid.is_some() || self.assertion_audience.is_some() =>
            {
                return Err(BuildError::AssertionOptionWithoutKey);
            }
            Credentials::Secret(_)
                if self.assertion_kid.is_some() || self.assertion_audience.is_some() =>
            {
                return Err(BuildError::AssertionOptionWithoutKey);
            }
            Credentials::None => ClientAuth::None,
            Credentials::Secret(secret) => ClientAuth::Secret(secret),
            Credentials::Assertion { pem, alg } => {
                let audience = self.assertion_audience.unwrap_or_else(|| tenant.issuer());
                let signer = AssertionSigner::new(
                    pem.expose().as_bytes(),
                    alg,
                    self.assertion_kid,
                    &self.client_id,
                    audience,
                )
                .map_err(|problem| BuildError::ClientAssertionKey {
                    alg,
                    reason: problem.describe(),
                })?;
                ClientAuth::Assertion(Box::new(signer))
            }
        };
        let mut headers = HeaderMap::new();
        if self.telemetry {
            headers.insert(USER_AGENT, header_value(&telemetry::user_agent())?);
            headers.insert(
                HeaderName::from_static("auth0-client"),
                header_value(&self.client_info.header_value())?,
            );
        }
        let http = self
            .proxy
            .apply(reqwest::Client::builder())
            .map_err(|e| BuildError::Proxy(e.to_string()))?
            .default_headers(headers)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()
            .map_err(BuildError::Http)?;
        Ok(AuthenticationClient {
            inner: Arc::new(Inner {
                http,
                tenant,
                client_id: self.client_id,
                auth,
                retry: self.retry,
                form_tokens: self.form_tokens,
                telemetry: self.telemetry,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
            }),
        })
    }
}

/// Header values built here are ASCII (base64, crate name); this cannot fail in practice.
fn header_value(text: &str) -> Result<HeaderValue, BuildError> {
    HeaderValue::from_str(text).map_err(|_| BuildError::ClientInfoNotAnObject)
}

impl fmt::Debug for AuthenticationClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationClientBuilder")
            .field("domain", &self.domain)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field(
                "client_assertion",
                &self
                    .assertion
                    .as_ref()
                    .map(|(_, alg)| format!("{alg}, key [redacted]")),
            )
            .field("client_assertion_kid", &self.assertion_kid)
            .field("telemetry", &self.telemetry)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry_policy", &self.retry)
            .field("form_encoded_token_requests", &self.form_tokens)
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}
