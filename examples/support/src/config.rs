//! The environment of the example APIs: `AUTH0_DOMAIN`, `AUTH0_AUDIENCE`, `PORT`, `PUBLIC_URL`,
//! `AUTH0_DPOP`, `AUTH0_MAX_TOKEN_LEN`.

use std::ffi::OsString;
use std::fmt;

use auth0_core::DpopMode;

/// The port when `PORT` is unset.
pub const DEFAULT_PORT: u16 = 3010;

/// The example's settings, read from the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `AUTH0_DOMAIN`; `None`: start the embedded dev tenant.
    pub domain: Option<String>,
    /// `AUTH0_AUDIENCE`.
    pub audience: Option<String>,
    /// `PORT` (default 3010).
    pub port: u16,
    /// `PUBLIC_URL`: the base URL clients use, without a terminating slash; when set, RFC 9728
    /// metadata is served and 401 challenges name it.
    pub public_url: Option<String>,
    /// `AUTH0_DPOP`: `allowed` or `required`; unset: [`DpopMode::Disabled`].
    pub dpop: DpopMode,
    /// `AUTH0_MAX_TOKEN_LEN`: the longest token accepted, in bytes (1 to 16384); unset: 16 KiB.
    pub max_token_len: Option<usize>,
}

/// An unusable environment.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A variable is set but empty (an empty `AUTH0_DOMAIN` never falls back to the dev tenant).
    Empty(&'static str),
    /// A variable is not valid UTF-8.
    NotUnicode(&'static str),
    /// `AUTH0_DOMAIN` is set but `AUTH0_AUDIENCE` is not.
    AudienceMissing,
    /// `PORT` is not a port number.
    Port(String),
    /// `PUBLIC_URL` is not a usable base URL: the value and the reason.
    PublicUrl(String, &'static str),
    /// `AUTH0_DPOP` is neither `allowed` nor `required`: the value.
    Dpop(String),
    /// `AUTH0_MAX_TOKEN_LEN` is not a number of bytes: the value.
    MaxTokenLen(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty(name) => write!(f, "{name} is set but empty"),
            Self::NotUnicode(name) => write!(f, "{name} is not valid UTF-8"),
            Self::AudienceMissing => f.write_str(
                "AUTH0_AUDIENCE is required when AUTH0_DOMAIN is set: set it to your API's identifier \
                 (Auth0 Dashboard > Applications > APIs), e.g. AUTH0_AUDIENCE=https://api.example.com",
            ),
            Self::Port(value) => write!(f, "PORT must be a port number (0-65535), got {value:?}"),
            Self::PublicUrl(value, reason) => write!(
                f,
                "PUBLIC_URL must be the base URL clients use, e.g. http://127.0.0.1:3010 or \
                 https://api.example.com; got {value:?}: {reason}"
            ),
            Self::Dpop(value) => write!(
                f,
                "AUTH0_DPOP must be `allowed` (Bearer and DPoP-bound tokens) or `required` \
                 (DPoP-bound tokens only), or unset (Bearer only); got {value:?}"
            ),
            Self::MaxTokenLen(value) => write!(
                f,
                "AUTH0_MAX_TOKEN_LEN must be the longest token to accept, in bytes (1 to 16384), \
                 e.g. 8192; got {value:?}"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `AUTH0_DOMAIN`, `AUTH0_AUDIENCE`, `PORT`, `PUBLIC_URL`, `AUTH0_DPOP` and
    /// `AUTH0_MAX_TOKEN_LEN`.
    ///
    /// # Errors
    /// A set but empty or non-UTF-8 variable, `AUTH0_DOMAIN` without `AUTH0_AUDIENCE`, a bad
    /// `PORT`, `PUBLIC_URL`, `AUTH0_DPOP` or `AUTH0_MAX_TOKEN_LEN` (its range is the
    /// verifier's to check).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var_os(name))
    }

    /// Like [`from_env`](Self::from_env), reading variables through `var`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_vars(var: impl Fn(&str) -> Option<OsString>) -> Result<Self, ConfigError> {
        let text = |name: &'static str| -> Result<Option<String>, ConfigError> {
            match var(name) {
                None => Ok(None),
                Some(value) => {
                    let value = value
                        .into_string()
                        .map_err(|_| ConfigError::NotUnicode(name))?;
                    let value = value.trim();
                    if value.is_empty() {
                        Err(ConfigError::Empty(name))
                    } else {
                        Ok(Some(value.to_owned()))
                    }
                }
            }
        };
        let domain = text("AUTH0_DOMAIN")?;
        let audience = text("AUTH0_AUDIENCE")?;
        if domain.is_some() && audience.is_none() {
            return Err(ConfigError::AudienceMissing);
        }
        let port = match text("PORT")? {
            None => DEFAULT_PORT,
            Some(port) => port.parse().map_err(|_| ConfigError::Port(port))?,
        };
        let public_url = match text("PUBLIC_URL")? {
            None => None,
            Some(url) => match auth0_core::resource_metadata::metadata_url(&url) {
                Ok(_) if url.contains('?') => {
                    return Err(ConfigError::PublicUrl(url, "a query is not allowed"));
                }
                Ok(_) => Some(url.trim_end_matches('/').to_owned()),
                Err(reason) => return Err(ConfigError::PublicUrl(url, reason)),
            },
        };
        let dpop = match text("AUTH0_DPOP")? {
            None => DpopMode::Disabled,
            Some(mode) if mode == "allowed" => DpopMode::Allowed,
            Some(mode) if mode == "required" => DpopMode::Required,
            Some(mode) => return Err(ConfigError::Dpop(mode)),
        };
        let max_token_len = match text("AUTH0_MAX_TOKEN_LEN")? {
            None => None,
            Some(len) => Some(len.parse().map_err(|_| ConfigError::MaxTokenLen(len))?),
        };
        Ok(Self {
            domain,
            audience,
            port,
            public_url,
            dpop,
            max_token_len,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_vars(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn defaults_and_values() {
        assert_eq!(
            read(&[]).unwrap(),
            Config {
                domain: None,
                audience: None,
                port: 3010,
                public_url: None,
                dpop: DpopMode::Disabled,
                max_token_len: None,
            }
        );
        let c = read(&[
            ("AUTH0_DOMAIN", "t.auth0.com"),
            ("AUTH0_AUDIENCE", "https://api"),
            ("PORT", "8080"),
            ("PUBLIC_URL", "https://api.example.com/"),
            ("AUTH0_DPOP", "required"),
            ("AUTH0_MAX_TOKEN_LEN", "8192"),
        ])
        .unwrap();
        assert_eq!(
            c,
            Config {
                domain: Some("t.auth0.com".into()),
                audience: Some("https://api".into()),
                port: 8080,
                public_url: Some("https://api.example.com".into()),
                dpop: DpopMode::Required,
                max_token_len: Some(8192),
            }
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            read(&[("AUTH0_DOMAIN", "t.auth0.com")]),
            Err(ConfigError::AudienceMissing)
        );
        assert_eq!(
            read(&[("AUTH0_DOMAIN", " ")]),
            Err(ConfigError::Empty("AUTH0_DOMAIN"))
        );
        assert_eq!(
            read(&[("AUTH0_DOMAIN", "t"), ("AUTH0_AUDIENCE", "")]),
            Err(ConfigError::Empty("AUTH0_AUDIENCE"))
        );
        assert_eq!(
            read(&[("PORT", "http")]),
            Err(ConfigError::Port("http".into()))
        );
        assert_eq!(
            read(&[("PORT", "70000")]),
            Err(ConfigError::Port("70000".into()))
        );
        assert_eq!(
            read(&[("AUTH0_DPOP", "allowed")]).unwrap().dpop,
            DpopMode::Allowed
        );
        for bad in ["bogus", "Required", "disabled", "true"] {
            assert_eq!(
                read(&[("AUTH0_DPOP", bad)]),
                Err(ConfigError::Dpop(bad.into()))
            );
        }
        assert_eq!(
            read(&[("AUTH0_DPOP", "")]),
            Err(ConfigError::Empty("AUTH0_DPOP"))
        );
        for bad in ["8k", "-1", "8192 bytes"] {
            let err = read(&[("AUTH0_MAX_TOKEN_LEN", bad)]).unwrap_err();
            assert_eq!(err, ConfigError::MaxTokenLen(bad.into()));
            assert!(err.to_string().contains("1 to 16384"), "{err}");
        }
        for bad in [
            "api.example.com",
            "http://api.example.com",
            "https://a/#x",
            "https://a/?q",
        ] {
            assert!(
                matches!(
                    read(&[("PUBLIC_URL", bad)]),
                    Err(ConfigError::PublicUrl(..))
                ),
                "{bad}"
            );
        }
    }
}
