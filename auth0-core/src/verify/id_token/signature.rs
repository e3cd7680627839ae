//! The signature half of ID-token verification: header checks, then HS256 with a shared secret
//! or an asymmetric key from a JWKS key store.

use std::fmt;
use std::sync::Arc;

use super::error::{IdTokenError, IdTokenErrorKind};
use super::shown;
use crate::algorithm::Algorithm;
use crate::error::ErrorKind;
use crate::jose;
use crate::jwks::{Clock, JwksOptions, KeyStore, SystemClock};
use crate::verify::config::ConfigError;

/// How the signature is checked.
#[derive(Clone)]
pub struct SignatureVerifier {
    mode: Mode,
}

#[derive(Clone)]
enum Mode {
    Asymmetric {
        store: KeyStore,
        algorithm: Algorithm,
    },
    Symmetric {
        key: Arc<aws_lc_rs::hmac::Key>,
    },
}

impl SignatureVerifier {
    /// Keys from the JWKS at `jwks_url` (https, or http on loopback), tokens signed with
    /// `algorithm` (Auth0 applications use RS256).
    ///
    /// # Errors
    /// An unacceptable URL.
    pub fn asymmetric(jwks_url: &str, algorithm: Algorithm) -> Result<Self, ConfigError> {
        Self::asymmetric_with(
            jwks_url,
            algorithm,
            JwksOptions::default(),
            Arc::new(SystemClock),
        )
    }

    /// Like [`asymmetric`](Self::asymmetric) with key-store options and a clock. The key store
    /// fetches through the proxy of `options` ([`JwksOptions::proxy`],
    /// [`JwksOptions::proxy_from_env`]); [`asymmetric`](Self::asymmetric) goes direct.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// use auth0_core::Algorithm;
    /// use auth0_core::jwks::{JwksOptions, SystemClock};
    /// use auth0_core::verify::id_token::SignatureVerifier;
    /// let sv = SignatureVerifier::asymmetric_with(
    ///     "https://my-tenant.us.auth0.com/.well-known/jwks.json",
    ///     Algorithm::RS256,
    ///     JwksOptions::default().proxy("http://proxy.internal:3128"),
    ///     Arc::new(SystemClock),
    /// )?;
    /// # let _ = sv; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// An unacceptable URL, an unusable proxy setting.
    pub fn asymmetric_with(
        jwks_url: &str,
        algorithm: Algorithm,
        options: JwksOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ConfigError> {
        let store = KeyStore::with_clock(jwks_url, &[algorithm], options, clock)?;
        Ok(Self {
            mode: Mode::Asymmetric { store, algorithm },
        })
    }

    /// An existing key store (for example one seeded from a saved JWKS).
    pub fn from_key_store(store: KeyStore, algorithm: Algorithm) -> Self {
        Self {
            mode: Mode::Asymmetric { store, algorithm },
        }
    }

    /// HS256 with the application's client secret (at least 32 bytes, RFC 7518 §3.2).
    ///
    /// # Errors
    /// [`ConfigError::WeakSecret`] for a shorter secret.
    pub fn symmetric(shared_secret: impl AsRef<[u8]>) -> Result<Self, ConfigError> {
        let secret = shared_secret.as_ref();
        if secret.len() < 32 {
            return Err(ConfigError::WeakSecret);
        }
        Ok(Self {
            mode: Mode::Symmetric {
                key: Arc::new(aws_lc_rs::hmac::Key::new(
                    aws_lc_rs::hmac::HMAC_SHA256,
                    secret,
                )),
            },
        })
    }

    /// The algorithm tokens must name in their header.
    pub fn algorithm(&self) -> &'static str {
        match &self.mode {
            Mode::Asymmetric { algorithm, .. } => algorithm.as_str(),
            Mode::Symmetric { .. } => "HS256",
        }
    }

    /// The key store, in asymmetric mode.
    pub fn key_store(&self) -> Option<&KeyStore> {
        match &self.mode {
            Mode::Asymmetric { store, .. } => Some(store),
            Mode::Symmetric { .. } => None,
        }
    }

    /// Checks header and signature; returns the decoded payload bytes.
    pub(super) async fn verify_signature(&self, token: &str) -> Result<Vec<u8>, IdTokenError> {
        let parts = jose::split(token).map_err(|_| {
            IdTokenError::new(IdTokenErrorKind::Malformed, "token could not be decoded.")
        })?;
        let header = jose::parse_header(parts.header).map_err(|k| match k {
            ErrorKind::UnsupportedHeader => IdTokenError::new(
                IdTokenErrorKind::Malformed,
                "token header carries an unsupported parameter.",
            ),
            ErrorKind::Algorithm => self.alg_error("None"),
            _ => IdTokenError::new(IdTokenErrorKind::Malformed, "token could not be decoded."),
        })?;
        if header.alg != self.algorithm() {
            return Err(self.alg_error(&header.alg));
        }
        if let Some(typ) = &header.typ {
            let t = typ.to_ascii_lowercase();
            if t != "jwt" && t != "application/jwt" {
                return Err(IdTokenError::new(
                    IdTokenErrorKind::Malformed,
                    format!("token type {} is not an ID token.", shown(typ)),
                ));
            }
        }
        let signature = jose::decode_segment(parts.signature).map_err(|_| invalid_signature())?;
        let message = parts.signing_input.as_bytes();
        match &self.mode {
            Mode::Symmetric { key } => {
                aws_lc_rs::hmac::verify(key, message, &signature)
                    .map_err(|_| invalid_signature())?;
            }
            Mode::Asymmetric { store, algorithm } => {
                let kid = header.kid.as_deref().ok_or_else(|| {
                    IdTokenError::new(
                        IdTokenErrorKind::KeyNotFound,
                        "the token has no key ID (kid).",
                    )
                })?;
                let not_found = || {
                    IdTokenError::new(
                        IdTokenErrorKind::KeyNotFound,
                        format!("Public Key with ID {} was not found.", shown(kid)),
                    )
                };
                let set = store.keys_for(kid).await.map_err(|k| match k {
                    ErrorKind::KeysUnavailable { .. } => IdTokenError::new(
                        IdTokenErrorKind::KeysUnavailable,
                        "the signing keys could not be fetched.",
                    ),
                    _ => not_found(),
                })?;
                let key = set
                    .get(kid)
                    .filter(|k| k.alg == *algorithm)
                    .ok_or_else(not_found)?;
                if !key.verify(message, &signature) {
                    return Err(invalid_signature());
                }
            }
        }
        jose::decode_payload(parts.payload).map_err(|_| {
            IdTokenError::new(IdTokenErrorKind::Malformed, "token could not be decoded.")
        })
    }

    fn alg_error(&self, alg: &str) -> IdTokenError {
        IdTokenError::new(
            IdTokenErrorKind::Algorithm,
            format!(
                "Signature algorithm of {} is not supported. Expected the token to be signed with \"{}\"",
                shown(alg),
                self.algorithm()
            ),
        )
    }
}

impl fmt::Debug for SignatureVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.mode {
            Mode::Asymmetric { store, algorithm } => f
                .debug_struct("SignatureVerifier")
                .field("jwks_url", &store.url())
                .field("algorithm", algorithm)
                .finish(),
            Mode::Symmetric { .. } => f
                .debug_struct("SignatureVerifier")
                .field("algorithm", &"HS256")
                .finish_non_exhaustive(),
        }
    }
}

fn invalid_signature() -> IdTokenError {
    IdTokenError::new(IdTokenErrorKind::Signature, "Invalid token signature.")
}
