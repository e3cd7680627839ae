//! What the example APIs (`axum-api`, `actix-api`) share, so that both behave identically:
//! configuration from the environment, the embedded dev tenant and its ready-to-paste `curl`
//! commands, the readiness line, logging and the shutdown signal. Framework-free.
//!
//! | env | meaning |
//! |---|---|
//! | `AUTH0_DOMAIN` | tenant domain (`my-tenant.us.auth0.com`) or URL with scheme (`http` only on loopback); unset: an embedded dev tenant is started |
//! | `AUTH0_AUDIENCE` | the API identifier; required with `AUTH0_DOMAIN` (without it, the dev tenant's audience) |
//! | `PORT` | listen port on 127.0.0.1, default 3010 |
//! | `RUST_LOG` | log filter (default `info`), logs go to stderr |

mod config;
mod dev;

use std::net::SocketAddr;
use std::process::ExitCode;

use auth0_core::AccessTokenVerifier;
use auth0_core::testing::TestTenant;

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
                    "usage: AUTH0_DOMAIN=<tenant>.auth0.com AUTH0_AUDIENCE=<api identifier> [PORT=3010] <program>\n       \
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
        let verifier = AccessTokenVerifier::builder(&domain)
            .audience(audience.clone())
            .realm(audience.clone())
            .build()
            .map_err(StartupError::Verifier)?;
        Ok(Self {
            verifier,
            port: config.port,
            audience,
            dev_tenant,
        })
    }

    /// The API identifier (also the realm of the challenges).
    #[must_use]
    pub fn audience(&self) -> &str {
        &self.audience
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
