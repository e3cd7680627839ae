//! OIDC ID-token verification: the rules of auth0-python's `TokenVerifier` (OIDC Core §3.1.3.7
//! plus Auth0's organization checks), over a JWKS key store or an HS256 shared secret, with the
//! reference's defects fixed:
//!
//! * the leeway default is really 60 s (documented and applied), capped at 300 s;
//! * `max_age = 0`, an empty nonce or organization are enforced, not skipped (presence is what
//!   counts, not truthiness);
//! * `exp`, `iat`, `auth_time`, `nbf` accept fractional NumericDates (floored) and refuse
//!   booleans, strings and negatives;
//! * `nbf` and a future `iat` are enforced; a `typ` other than `JWT` (e.g. an access token's
//!   `at+jwt`) is refused;
//! * `azp`, when present, must be the client id even with a single audience;
//! * every failure is an [`IdTokenError`] (no library error escapes), keys come from a
//!   rate-limited, single-flight key store that a failed fetch never wipes;
//! * header parameters that cannot be honoured (`crit`, `jku`, `jwk`, …) and duplicate JSON
//!   members are refused.
//!
//! Messages keep the reference's wording so that existing log searches still match; values
//! taken from the token are escaped and shortened.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::jwks::{Clock, SystemClock};
use crate::verify::access_token::MAX_LEEWAY;
use crate::verify::config::ConfigError;

mod error;
mod signature;

use error::err;
pub use error::{IdTokenError, IdTokenErrorKind};
pub use signature::SignatureVerifier;

/// The verified payload of an ID token, every claim as JSON.
pub type IdTokenClaims = Map<String, Value>;

/// Per-call expectations: the `nonce` sent in the authorization request, the `max_age` asked
/// for, the organization the user logged in to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// The `nonce` claim must equal this.
    pub nonce: Option<String>,
    /// `auth_time` must be present and no older than this (0 is enforced: "authenticated now").
    pub max_age: Option<Duration>,
    /// An `org_…` id compared with `org_id`, or an organization name compared (lower-cased)
    /// with `org_name`.
    pub organization: Option<String>,
}

impl VerifyOptions {
    /// No per-call expectations.
    pub fn new() -> Self {
        Self::default()
    }

    /// Expects this nonce.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Expects a recent authentication.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Expects this organization.
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }
}

/// Verifies ID tokens for one application.
///
/// ```no_run
/// # async fn run(id_token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// use auth0_core::Algorithm;
/// use auth0_core::verify::id_token::{SignatureVerifier, TokenVerifier, VerifyOptions};
/// let sv = SignatureVerifier::asymmetric("https://my-tenant.us.auth0.com/.well-known/jwks.json", Algorithm::RS256)?;
/// let verifier = TokenVerifier::new(sv, "https://my-tenant.us.auth0.com/", "MY_CLIENT_ID")?;
/// let claims = verifier.verify(id_token, &VerifyOptions::new().nonce("n-0S6_WzA2Mj")).await?;
/// println!("{:?}", claims.get("sub"));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TokenVerifier {
    signature: SignatureVerifier,
    issuer: String,
    audience: String,
    leeway: i64,
    clock: Arc<dyn Clock>,
}

/// Configuration of a [`TokenVerifier`]; errors are reported by [`build`](Self::build).
#[must_use]
pub struct TokenVerifierBuilder {
    signature: SignatureVerifier,
    issuer: String,
    audience: String,
    leeway: Duration,
    clock: Arc<dyn Clock>,
}

impl TokenVerifierBuilder {
    /// Sets the clock-skew allowance (default 60 s, at most 300 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Injects a clock (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The verifier.
    ///
    /// # Errors
    /// An empty issuer or audience, or a leeway over 300 s.
    pub fn build(self) -> Result<TokenVerifier, ConfigError> {
        if self.issuer.is_empty() {
            return Err(ConfigError::Empty("issuer"));
        }
        if self.audience.is_empty() {
            return Err(ConfigError::Empty("audience"));
        }
        if self.leeway > MAX_LEEWAY {
            return Err(ConfigError::LeewayTooLarge(MAX_LEEWAY.as_secs()));
        }
        Ok(TokenVerifier {
            signature: self.signature,
            issuer: self.issuer,
            audience: self.audience,
            leeway: i64::try_from(self.leeway.as_secs()).unwrap_or(300),
            clock: self.clock,
        })
    }
}

impl fmt::Debug for TokenVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifierBuilder")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway", &self.leeway)
            .finish_non_exhaustive()
    }
}

/// The default leeway: 60 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

impl TokenVerifier {
    /// A verifier for tokens from `issuer` (compared exactly, e.g. `https://tenant.auth0.com/`)
    /// issued to `audience` (the client id), with a 60 s leeway: `builder(…).build()`.
    ///
    /// # Errors
    /// An empty issuer or audience.
    pub fn new(
        signature: SignatureVerifier,
        issuer: impl Into<String>,
        audience: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Self::builder(signature, issuer, audience).build()
    }

    /// Starts a configuration for tokens from `issuer` issued to `audience`; every check of the
    /// configuration happens in [`build`](TokenVerifierBuilder::build).
    pub fn builder(
        signature: SignatureVerifier,
        issuer: impl Into<String>,
        audience: impl Into<String>,
    ) -> TokenVerifierBuilder {
        TokenVerifierBuilder {
            signature,
            issuer: issuer.into(),
            audience: audience.into(),
            leeway: DEFAULT_LEEWAY,
            clock: Arc::new(SystemClock),
        }
    }

    /// Verifies `token` and returns its claims.
    ///
    /// # Errors
    /// The first failed check, in the reference's order.
    pub async fn verify(
        &self,
        token: &str,
        options: &VerifyOptions,
    ) -> Result<IdTokenClaims, IdTokenError> {
        if token.is_empty() {
            return Err(IdTokenError::new(
                IdTokenErrorKind::Missing,
                "ID token is required but missing.",
            ));
        }
        let payload = self.signature.verify_signature(token).await?;
        let claims: IdTokenClaims = serde_json::from_slice(&payload).map_err(|_| {
            IdTokenError::new(IdTokenErrorKind::Malformed, "token could not be decoded.")
        })?;
        self.check_claims(&claims, options)?;
        Ok(claims)
    }

    fn check_claims(&self, c: &IdTokenClaims, options: &VerifyOptions) -> Result<(), IdTokenError> {
        use IdTokenErrorKind as K;
        let now = self.clock.now_unix();
        let leeway = self.leeway;

        let iss = string_claim(c, "iss").ok_or_else(|| {
            err(
                K::Issuer,
                "Issuer (iss) claim must be a string present in the ID token",
            )
        })?;
        if iss != self.issuer {
            return Err(err(
                K::Issuer,
                format!(
                    "Issuer (iss) claim mismatch in the ID token; expected \"{}\", found {}",
                    self.issuer,
                    shown(iss)
                ),
            ));
        }
        if string_claim(c, "sub").is_none() {
            return Err(err(
                K::Subject,
                "Subject (sub) claim must be a string present in the ID token",
            ));
        }
        let aud_error = || {
            err(
                K::Audience,
                "Audience (aud) claim must be a string or array of strings present in the ID token",
            )
        };
        let audiences: Vec<&str> = match c.get("aud") {
            Some(Value::String(a)) => vec![a.as_str()],
            Some(Value::Array(list)) => list
                .iter()
                .map(Value::as_str)
                .collect::<Option<Vec<_>>>()
                .ok_or_else(aud_error)?,
            _ => return Err(aud_error()),
        };
        if !audiences.contains(&self.audience.as_str()) {
            let message = match c.get("aud") {
                Some(Value::String(a)) => format!(
                    "Audience (aud) claim mismatch in the ID token; expected \"{}\" but found {}",
                    self.audience,
                    shown(a)
                ),
                _ => format!(
                    "Audience (aud) claim mismatch in the ID token; expected \"{}\" but was not one of {}",
                    self.audience,
                    shown(&audiences.join(", "))
                ),
            };
            return Err(err(K::Audience, message));
        }
        let exp = date_claim(c, "exp").ok_or_else(|| {
            err(
                K::Expiration,
                "Expiration Time (exp) claim must be a number present in the ID token",
            )
        })?;
        if now >= exp.saturating_add(leeway) {
            return Err(err(
                K::Expiration,
                format!(
                    "Expiration Time (exp) claim error in the ID token; current time ({now}) is after expiration time ({})",
                    exp.saturating_add(leeway)
                ),
            ));
        }
        let iat = date_claim(c, "iat").ok_or_else(|| {
            err(
                K::IssuedAt,
                "Issued At (iat) claim must be a number present in the ID token",
            )
        })?;
        if iat > now.saturating_add(leeway) {
            return Err(err(
                K::IssuedAt,
                format!(
                    "Issued At (iat) claim error in the ID token; current time ({now}) is before issued at time ({iat})"
                ),
            ));
        }
        if c.contains_key("nbf") {
            let nbf = date_claim(c, "nbf").ok_or_else(|| {
                err(
                    K::NotBefore,
                    "Not Before (nbf) claim must be a number in the ID token",
                )
            })?;
            if nbf > now.saturating_add(leeway) {
                return Err(err(
                    K::NotBefore,
                    format!(
                        "Not Before (nbf) claim error in the ID token; current time ({now}) is before not before time ({nbf})"
                    ),
                ));
            }
        }
        if let Some(nonce) = &options.nonce {
            let claim = string_claim(c, "nonce").ok_or_else(|| {
                err(
                    K::Nonce,
                    "Nonce (nonce) claim must be a string present in the ID token",
                )
            })?;
            if claim != nonce {
                return Err(err(
                    K::Nonce,
                    format!(
                        "Nonce (nonce) claim mismatch in the ID token; expected {}, found {}",
                        shown(nonce),
                        shown(claim)
                    ),
                ));
            }
        }
        if let Some(org) = &options.organization {
            self.check_organization(c, org)?;
        }
        let azp = c.get("azp");
        if audiences.len() > 1 || azp.is_some() {
            let azp = string_claim(c, "azp").ok_or_else(|| {
                err(
                    K::AuthorizedParty,
                    "Authorized Party (azp) claim must be a string present in the ID token when Audience (aud) claim has multiple values",
                )
            })?;
            if azp != self.audience {
                return Err(err(
                    K::AuthorizedParty,
                    format!(
                        "Authorized Party (azp) claim mismatch in the ID token; expected \"{}\", found {}",
                        self.audience,
                        shown(azp)
                    ),
                ));
            }
        }
        if let Some(max_age) = options.max_age {
            let auth_time = date_claim(c, "auth_time").ok_or_else(|| {
                err(
                    K::AuthTime,
                    "Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified",
                )
            })?;
            let limit = auth_time
                .saturating_add(i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX))
                .saturating_add(leeway);
            if now > limit {
                return Err(err(
                    K::AuthTime,
                    format!(
                        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time ({now}) is after last auth at ({limit})"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_organization(&self, c: &IdTokenClaims, org: &str) -> Result<(), IdTokenError> {
        use IdTokenErrorKind as K;
        if org.starts_with("org_") {
            let claim = string_claim(c, "org_id").ok_or_else(|| {
                err(
                    K::Organization,
                    "Organization (org_id) claim must be a string present in the ID token",
                )
            })?;
            if claim != org {
                return Err(err(
                    K::Organization,
                    format!(
                        "Organization (org_id) claim mismatch in the ID token; expected {}, found {}",
                        shown(org),
                        shown(claim)
                    ),
                ));
            }
        } else {
            let claim = string_claim(c, "org_name").ok_or_else(|| {
                err(
                    K::Organization,
                    "Organization (org_name) claim must be a string present in the ID token",
                )
            })?;
            if claim.to_lowercase() != org.to_lowercase() {
                return Err(err(
                    K::Organization,
                    format!(
                        "Organization (org_name) claim mismatch in the ID token; expected {}, found {}",
                        shown(org),
                        shown(claim)
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn string_claim<'a>(c: &'a IdTokenClaims, name: &str) -> Option<&'a str> {
    c.get(name).and_then(Value::as_str)
}

/// A NumericDate claim: a non-negative JSON number (fractions floored); booleans, strings and
/// out-of-range numbers are not dates.
fn date_claim(c: &IdTokenClaims, name: &str) -> Option<i64> {
    crate::verify::claims::numeric_date(c.get(name)?).ok()
}

/// A token-supplied value as shown in a message: quoted, escaped, at most 64 characters.
fn shown(value: &str) -> String {
    let mut s: String = value.chars().take(64).collect();
    if value.chars().count() > 64 {
        s.push('…');
    }
    format!("{s:?}")
}
