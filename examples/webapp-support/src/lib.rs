//! What the example web apps (`axum-webapp`, `actix-webapp`) share, so that both behave
//! identically: configuration from the environment, the embedded dev tenant, the pages and the
//! call to the API with the session's access token. Framework-free.
//!
//! | env | meaning |
//! |---|---|
//! | `AUTH0_DOMAIN` | tenant domain (`my-tenant.us.auth0.com`); unset: an embedded dev tenant is started |
//! | `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET` | the Regular Web Application's credentials (required with `AUTH0_DOMAIN`) |
//! | `AUTH0_SESSION_SECRET` | seals the session cookie: 32+ random bytes (required with `AUTH0_DOMAIN`); several, comma separated and newest first, to rotate |
//! | `AUTH0_AUDIENCE` | the API the session's access token is for (the dev tenant's API by default) |
//! | `PORT` | listen port on 127.0.0.1, default 3000 (0: any free port) |
//! | `BASE_URL` | the URL browsers use, default `http://127.0.0.1:<port>`; its `/callback` must be an Allowed Callback URL and its `/` an Allowed Logout URL |
//! | `API_URL` | what the API page calls with the access token, default the app's own `/api/private` |
//! | `RUST_LOG` | log filter (default `info`), logs go to stderr |

mod api;
mod config;
pub mod pages;

use std::net::{Ipv4Addr, TcpListener};
use std::process::ExitCode;

use auth0_core::AccessTokenVerifier;
use auth0_core::testing::TestTenant;
use auth0_core::webapp::{WebApp, WebAppConfigError};

pub use api::{ApiCall, api_private_body, call_api};
pub use config::{Config, ConfigError, DEFAULT_PORT};
pub use example_support::{PRIVATE_MESSAGE, init_tracing, shutdown_signal};

/// What an example app needs from a started [`WebAppSetup`]: the web-app login, the verifier of
/// its own API and the API the API page calls. Cheap to clone (once per worker).
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// The web-app login.
    pub webapp: WebApp,
    /// Protects `/api/private`.
    pub verifier: AccessTokenVerifier,
    /// What `/api-call` calls with the session's access token.
    pub api_url: String,
}

impl AppConfig {
    /// The configuration of a started [`WebAppSetup`].
    #[must_use]
    pub fn from_setup(setup: &WebAppSetup) -> Self {
        Self {
            webapp: setup.webapp.clone(),
            verifier: setup.verifier.clone(),
            api_url: setup.api_url.clone(),
        }
    }
}

/// A started configuration: the web app, the verifier of the embedded API, the bound listener
/// and, without `AUTH0_DOMAIN`, the dev tenant (kept alive as long as this value).
#[derive(Debug)]
pub struct WebAppSetup {
    /// The web-app login.
    pub webapp: WebApp,
    /// Protects the app's own `/api/private`.
    pub verifier: AccessTokenVerifier,
    /// What the API page calls.
    pub api_url: String,
    /// The URL browsers use, without a trailing slash.
    pub base_url: String,
    listener: Option<TcpListener>,
    dev_tenant: Option<TestTenant>,
}

/// Why the web app could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartupError {
    /// The environment is not usable.
    Config(ConfigError),
    /// The web-app login refused the configuration (its message says how to fix it).
    WebApp(WebAppConfigError),
    /// The API verifier refused the configuration.
    Verifier(auth0_core::ConfigError),
    /// A port could not be bound, or the dev tenant could not start.
    Io(std::io::Error),
}

impl std::fmt::Display for StartupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Config(e) => write!(f, "{e}"),
            Self::WebApp(e) => write!(f, "{e}"),
            Self::Verifier(e) => write!(f, "AUTH0_DOMAIN / AUTH0_AUDIENCE are not usable: {e}"),
            Self::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StartupError {}

impl StartupError {
    /// Prints the error to stderr and returns the exit code (2 for configuration errors).
    #[must_use]
    pub fn report(&self) -> ExitCode {
        eprintln!("error: {self}");
        match self {
            Self::Config(_) | Self::WebApp(_) | Self::Verifier(_) => ExitCode::from(2),
            Self::Io(_) => ExitCode::FAILURE,
        }
    }
}

/// A fresh random session secret (dev mode only: sessions end when the process does).
fn random_secret() -> Result<String, StartupError> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| StartupError::Io(std::io::Error::other("no secure randomness")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl WebAppSetup {
    /// Reads the environment, binds the port and builds the web app (starting the dev tenant
    /// without `AUTH0_DOMAIN`).
    ///
    /// # Errors
    /// See [`StartupError`].
    pub async fn from_env() -> Result<Self, StartupError> {
        let config = Config::from_env().map_err(StartupError::Config)?;
        Self::from_config(config).await
    }

    /// As [`from_env`](Self::from_env), from a given configuration.
    ///
    /// # Errors
    /// See [`StartupError`].
    pub async fn from_config(config: Config) -> Result<Self, StartupError> {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).map_err(StartupError::Io)?;
        listener.set_nonblocking(true).map_err(StartupError::Io)?;
        let port = listener.local_addr().map_err(StartupError::Io)?.port();
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://127.0.0.1:{port}"))
            .trim_end_matches('/')
            .to_owned();
        let (domain, client_id, client_secret, secrets, audience, dev_tenant) = match &config.domain
        {
            Some(domain) => (
                domain.clone(),
                config.client_id.clone().unwrap_or_default(),
                config.client_secret.clone(),
                config.session_secrets.clone(),
                config.audience.clone(),
                None,
            ),
            None => {
                let tenant = TestTenant::try_start().await.map_err(StartupError::Io)?;
                let secrets = match config.session_secrets.is_empty() {
                    true => vec![random_secret()?],
                    false => config.session_secrets.clone(),
                };
                (
                    tenant.domain(),
                    tenant.client_id(),
                    Some(tenant.client_secret()),
                    secrets,
                    Some(config.audience.clone().unwrap_or_else(|| tenant.audience())),
                    Some(tenant),
                )
            }
        };
        let mut builder = WebApp::builder(&domain, &client_id, &base_url);
        if let Some(secret) = client_secret {
            builder = builder.client_secret(secret);
        }
        for secret in &secrets {
            builder = builder.secret(secret);
        }
        if let Some(audience) = &audience {
            builder = builder.audience(audience.clone());
        }
        let webapp = builder.build().map_err(StartupError::WebApp)?;
        // Without an API audience the app's own API accepts nothing (no token is for it).
        let api_audience = audience.unwrap_or_else(|| format!("{base_url}/api"));
        let verifier = AccessTokenVerifier::builder(&domain)
            .audience(api_audience)
            .build()
            .map_err(StartupError::Verifier)?;
        let api_url = config
            .api_url
            .clone()
            .unwrap_or_else(|| format!("{base_url}/api/private"));
        Ok(Self {
            webapp,
            verifier,
            api_url,
            base_url,
            listener: Some(listener),
            dev_tenant,
        })
    }

    /// The bound listener (non-blocking), once.
    pub fn take_listener(&mut self) -> Option<TcpListener> {
        self.listener.take()
    }

    /// The embedded dev tenant, if started.
    pub fn dev_tenant(&self) -> Option<&TestTenant> {
        self.dev_tenant.as_ref()
    }

    /// Prints how to use the app, then `listening on <base URL>` (stdout, flushed).
    pub fn announce(&self) {
        use std::io::Write as _;
        if let Some(tenant) = &self.dev_tenant {
            println!(
                "No AUTH0_DOMAIN set: started a local Auth0 dev tenant (for trying things only).\n  \
                 issuer:  {}\n  log in as alice@example.com / alice-password, or bob@example.com / bob-password\n\n\
                 Open {}/ in a browser.",
                tenant.issuer(),
                self.base_url
            );
        } else {
            tracing::info!(callback = %self.webapp.callback_url(), "web-app login ready");
        }
        println!("listening on {}", self.base_url);
        let _ = std::io::stdout().flush();
    }
}
