//! The environment of the example web apps.

use std::fmt;

/// The port when `PORT` is unset.
pub const DEFAULT_PORT: u16 = 3000;

/// The settings read from the environment.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// `AUTH0_DOMAIN`; `None`: start the embedded dev tenant.
    pub domain: Option<String>,
    /// `AUTH0_CLIENT_ID` (required with `AUTH0_DOMAIN`).
    pub client_id: Option<String>,
    /// `AUTH0_CLIENT_SECRET` (required with `AUTH0_DOMAIN`).
    pub client_secret: Option<String>,
    /// `AUTH0_SESSION_SECRET`: seals the session cookie (required with `AUTH0_DOMAIN`; the dev
    /// tenant mode makes a random one per run). Several secrets, newest first, separated by
    /// commas, rotate without logging users out.
    pub session_secrets: Vec<String>,
    /// `AUTH0_AUDIENCE`: the API the session's access token is for (optional).
    pub audience: Option<String>,
    /// `PORT` (default 3000; 0 = any free port).
    pub port: u16,
    /// `BASE_URL`: the URL browsers use (default `http://127.0.0.1:<port>`).
    pub base_url: Option<String>,
    /// `API_URL`: what the API page calls (default `<base URL>/api/private`, served by the app).
    pub api_url: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("domain", &self.domain)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("session_secrets", &self.session_secrets.len())
            .field("audience", &self.audience)
            .field("port", &self.port)
            .field("base_url", &self.base_url)
            .field("api_url", &self.api_url)
            .finish()
    }
}

/// An unusable environment; the message says what to set.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A variable is set but empty.
    Empty(&'static str),
    /// A variable is not valid UTF-8.
    NotUnicode(&'static str),
    /// `AUTH0_DOMAIN` is set but this one is not.
    Required(&'static str),
    /// `PORT` is not a port number.
    Port(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty(name) => write!(f, "{name} is set but empty"),
            Self::NotUnicode(name) => write!(f, "{name} is not valid UTF-8"),
            Self::Required("AUTH0_SESSION_SECRET") => f.write_str(
                "AUTH0_SESSION_SECRET is required when AUTH0_DOMAIN is set: it seals the session \
                 cookie; set it to 32 or more random bytes, e.g. AUTH0_SESSION_SECRET=$(openssl rand -hex 32)",
            ),
            Self::Required(name) => write!(
                f,
                "{name} is required when AUTH0_DOMAIN is set: copy it from your application's \
                 settings (Auth0 Dashboard > Applications > Applications > your Regular Web Application)"
            ),
            Self::Port(value) => write!(f, "PORT must be a port number (0-65535), got {value:?}"),
        }
    }
}

impl std::error::Error for ConfigError {}

fn var(name: &'static str) -> Result<Option<String>, ConfigError> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Err(ConfigError::Empty(name)),
        Ok(value) => Ok(Some(value.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode(name)),
    }
}

impl Config {
    /// Reads the environment.
    ///
    /// # Errors
    /// An empty or non-UTF-8 variable, a bad `PORT`, or, with `AUTH0_DOMAIN`, a missing client
    /// id, client secret or session secret.
    pub fn from_env() -> Result<Self, ConfigError> {
        let domain = var("AUTH0_DOMAIN")?;
        let client_id = var("AUTH0_CLIENT_ID")?;
        let client_secret = var("AUTH0_CLIENT_SECRET")?;
        let session_secrets: Vec<String> = var("AUTH0_SESSION_SECRET")?
            .map(|s| s.split(',').map(|p| p.trim().to_owned()).collect())
            .unwrap_or_default();
        if domain.is_some() {
            if client_id.is_none() {
                return Err(ConfigError::Required("AUTH0_CLIENT_ID"));
            }
            if client_secret.is_none() {
                return Err(ConfigError::Required("AUTH0_CLIENT_SECRET"));
            }
            if session_secrets.is_empty() {
                return Err(ConfigError::Required("AUTH0_SESSION_SECRET"));
            }
        }
        let port = match var("PORT")? {
            Some(value) => value.parse().map_err(|_| ConfigError::Port(value))?,
            None => DEFAULT_PORT,
        };
        Ok(Self {
            domain,
            client_id,
            client_secret,
            session_secrets,
            audience: var("AUTH0_AUDIENCE")?,
            port,
            base_url: var("BASE_URL")?,
            api_url: var("API_URL")?,
        })
    }
}
