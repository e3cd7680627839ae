//! What the example APIs (`axum-api`, `actix-api`) share, so that both behave identically:
//! configuration from the environment, the embedded dev tenant and its ready-to-paste `curl`
//! commands, the readiness line, logging and the shutdown signal. Framework-free.
//!
//! | env | meaning |
//! |---|---|
//! | `AUTH0_DOMAIN` | tenant domain (`my-tenant.us.auth0.com`) or URL with scheme (`http` only on loopback); unset: an embedded dev tenant is started |
//! | `AUTH0_AUDIENCE` | the API identifier; required with `AUTH0_DOMAIN` (without it, the dev tenant's audience) |
//! | `PORT` | listen port on 127.0.0.1, default 3010 |
//! | `PUBLIC_URL` | the base URL clients use (`http://127.0.0.1:3010`); when set, RFC 9728 metadata is served at `/.well-known/oauth-protected-resource` (plus the URL's path) with `resource` = the audience, 401 challenges name it, and DPoP proofs' `htu` is checked against it |
//! | `AUTH0_DPOP` | `allowed`: Bearer and DPoP-bound tokens (RFC 9449); `required`: DPoP-bound tokens only; unset: Bearer only |
//! | `RUST_LOG` | log filter (default `info`), logs go to stderr |

mod config;
mod dev;

use std::net::SocketAddr;
use std::process::ExitCode;

use auth0_core::resource_metadata::{metadata_url, well_known_path};
use auth0_core::testing::TestTenant;
use auth0_core::{
    AccessTokenVerifier, DpopMode, ProtectedResourceMetadata, RequiredScopes, ScopeRequirement,
};
use serde::Serialize;
use std::sync::LazyLock;

pub use config::{Config, ConfigError, DEFAULT_PORT};

/// The body of `GET /api/public`.
pub const PUBLIC_MESSAGE: &str =
    "Hello from a public endpoint! You don't need to be authenticated to see this.";
/// The message of `GET /api/private`.
pub const PRIVATE_MESSAGE: &str =
    "Hello from a private endpoint! You need to be authenticated to see this.";
/// The message of `GET /api/private-scoped`.
pub const SCOPED_MESSAGE: &str = "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.";
/// The scope (or permission) `GET /api/private-scoped` requires.
pub const READ_MESSAGES: &str = "read:messages";

/// What `GET /api/private-scoped` requires: `read:messages` in `scope` or `permissions`.
#[derive(Debug)]
pub struct ReadMessages;

impl ScopeRequirement for ReadMessages {
    fn required() -> &'static RequiredScopes {
        static REQUIRED: LazyLock<RequiredScopes> =
            LazyLock::new(|| RequiredScopes::all([READ_MESSAGES]));
        &REQUIRED
    }
}

/// The JSON body of the example routes: `{"message": …}`, with the token's `"sub"` on the
/// private ones. Serialized as it is, borrowing the claims (no JSON tree, no copy of `sub`).
#[derive(Debug, Serialize)]
pub struct Message<'a> {
    /// One of the route messages above.
    pub message: &'static str,
    /// The token's subject, on the private routes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<&'a str>,
}

impl<'a> Message<'a> {
    /// The body of `GET /api/public`.
    #[must_use]
    pub fn public() -> Self {
        Self {
            message: PUBLIC_MESSAGE,
            sub: None,
        }
    }

    /// The body of `GET /api/private` for the subject `sub`.
    #[must_use]
    pub fn private(sub: &'a str) -> Self {
        Self {
            message: PRIVATE_MESSAGE,
            sub: Some(sub),
        }
    }

    /// The body of `GET /api/private-scoped` for the subject `sub`.
    #[must_use]
    pub fn scoped(sub: &'a str) -> Self {
        Self {
            message: SCOPED_MESSAGE,
            sub: Some(sub),
        }
    }

    /// The body as JSON bytes, written into one buffer sized for it: the frameworks' JSON
    /// responders start from 128 bytes, which the scoped answer outgrows (one more allocation
    /// and a copy on every request). A `sub` with characters to escape only grows it.
    #[must_use]
    pub fn to_json(&self) -> Vec<u8> {
        // `{"message":""}` and `,"sub":""` around the two strings.
        let len = 14 + self.message.len() + self.sub.map_or(0, |sub| 9 + sub.len());
        let mut body = Vec::with_capacity(len);
        // Writing two strings into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut body, self);
        body
    }
}

/// A started configuration: the verifier to protect the routes with, the port to listen on,
/// and the embedded dev tenant when `AUTH0_DOMAIN` is unset.
#[derive(Debug)]
pub struct Setup {
    /// The verifier: issuer `<scheme>://<domain>/`, the audience, RS256, realm = the audience.
    pub verifier: AccessTokenVerifier,
    /// The port to listen on, on 127.0.0.1.
    pub port: u16,
    audience: String,
    dev_tenant: Option<TestTenant>,
    /// With `PUBLIC_URL`: where the metadata is served (path) and the document.
    resource_metadata: Option<(String, ProtectedResourceMetadata)>,
}

/// Why the API could not start.
#[derive(Debug)]
pub enum StartupError {
    /// The environment is not usable.
    Config(ConfigError),
    /// The verifier refused the configuration (a bad domain, …).
    Verifier(auth0_core::ConfigError),
    /// The embedded dev tenant could not bind a loopback port.
    DevTenant(std::io::Error),
}

impl std::fmt::Display for StartupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Config(e) => write!(f, "{e}"),
            Self::Verifier(e) => write!(f, "AUTH0_DOMAIN / AUTH0_AUDIENCE are not usable: {e}"),
            Self::DevTenant(e) => write!(f, "cannot start the local dev tenant: {e}"),
        }
    }
}

impl std::error::Error for StartupError {}

impl StartupError {
    /// Prints the error to stderr and returns the process exit code (2 for configuration
    /// errors, 1 otherwise).
    #[must_use]
    pub fn report(&self) -> ExitCode {
        eprintln!("error: {self}");
        match self {
            Self::Config(_) | Self::Verifier(_) => {
                eprintln!(
                    "usage: AUTH0_DOMAIN=<tenant>.auth0.com AUTH0_AUDIENCE=<api identifier> [PORT=3010] [PUBLIC_URL=<base url>] [AUTH0_DPOP=allowed|required] <program>\n       \
                     (without AUTH0_DOMAIN, a local dev tenant is started)"
                );
                ExitCode::from(2)
            }
            Self::DevTenant(_) => ExitCode::FAILURE,
        }
    }
}

impl Setup {
    /// Reads the environment, starts the dev tenant if `AUTH0_DOMAIN` is unset, and builds
    /// the verifier.
    ///
    /// # Errors
    /// An unusable environment or domain, or no loopback port for the dev tenant.
    pub async fn from_env() -> Result<Self, StartupError> {
        let config = Config::from_env().map_err(StartupError::Config)?;
        Self::start(config).await
    }

    /// Like [`from_env`](Self::from_env), with a given configuration.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub async fn start(config: Config) -> Result<Self, StartupError> {
        let (domain, audience, dev_tenant) = match config.domain {
            Some(domain) => {
                let audience = config
                    .audience
                    .ok_or(StartupError::Config(ConfigError::AudienceMissing))?;
                (domain, audience, None)
            }
            None => {
                let tenant = dev::start(config.audience.as_deref())
                    .await
                    .map_err(StartupError::DevTenant)?;
                (tenant.domain(), tenant.audience(), Some(tenant))
            }
        };
        let mut builder = AccessTokenVerifier::builder(&domain)
            .audience(audience.clone())
            .realm(audience.clone())
            .dpop(config.dpop);
        if let Some(len) = config.max_token_len {
            builder = builder.max_token_len(len);
        }
        let mut path = None;
        if let Some(public) = &config.public_url {
            let invalid = |reason| ConfigError::PublicUrl(public.clone(), reason);
            let url = metadata_url(public).map_err(|r| StartupError::Config(invalid(r)))?;
            path = Some(well_known_path(public).map_err(|r| StartupError::Config(invalid(r)))?);
            builder = builder
                .resource_metadata_url(url)
                .dpop_base_url(public.clone());
        }
        let verifier = builder.build().map_err(StartupError::Verifier)?;
        let resource_metadata = path.map(|path| {
            let document = ProtectedResourceMetadata::for_verifier(&verifier, audience.clone())
                .scopes_supported([READ_MESSAGES]);
            (path, document)
        });
        Ok(Self {
            verifier,
            port: config.port,
            audience,
            dev_tenant,
            resource_metadata,
        })
    }

    /// The API identifier (also the realm of the challenges).
    #[must_use]
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// With `PUBLIC_URL`: the path to serve the RFC 9728 metadata at, and the document
    /// (`resource` = the audience, the issuer as authorization server, `read:messages`).
    #[must_use]
    pub fn resource_metadata(&self) -> Option<(&str, &ProtectedResourceMetadata)> {
        self.resource_metadata
            .as_ref()
            .map(|(path, document)| (path.as_str(), document))
    }

    /// The embedded dev tenant, when `AUTH0_DOMAIN` was unset.
    #[must_use]
    pub fn dev_tenant(&self) -> Option<&TestTenant> {
        self.dev_tenant.as_ref()
    }

    /// Prints what a user needs on stdout — with the dev tenant, its issuer and `curl`
    /// commands with fresh tokens — and finally the readiness line
    /// `listening on http://127.0.0.1:<port>`.
    pub fn announce(&self, addr: SocketAddr) {
        let base = format!("http://{addr}");
        match &self.dev_tenant {
            Some(tenant) => println!("{}", dev::banner(tenant, &base)),
            None => {
                let issuer = self
                    .verifier
                    .key_stores()
                    .map(|(issuer, _)| issuer.to_owned())
                    .collect::<Vec<_>>()
                    .join(", ");
                tracing::info!(%issuer, audience = %self.audience, "verifying access tokens");
            }
        }
        if self.verifier.dpop_mode() != DpopMode::Disabled {
            tracing::info!(mode = ?self.verifier.dpop_mode(), "accepting DPoP-bound tokens");
        }
        if let Some(url) = self.verifier.resource_metadata_url() {
            tracing::info!(%url, "serving protected-resource metadata");
        }
        println!("listening on {base}");
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Completes on Ctrl-C (or SIGTERM on Unix), for graceful shutdown.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::Message;

    #[test]
    fn to_json_writes_what_serde_json_writes_in_one_buffer_of_its_size() {
        for message in [
            Message::public(),
            Message::private("auth0|64f0c0ffee"),
            Message::scoped("auth0|64f0c0ffee"),
        ] {
            let body = message.to_json();
            assert_eq!(body, serde_json::to_vec(&message).unwrap());
            assert_eq!(body.len(), body.capacity(), "sized exactly: {message:?}");
        }
    }

    #[test]
    fn to_json_escapes_a_subject_that_needs_it() {
        let body = Message::scoped("a\"b\\c\u{1}").to_json();
        let read: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(read["sub"], "a\"b\\c\u{1}");
        assert_eq!(read["message"], super::SCOPED_MESSAGE);
    }
}
