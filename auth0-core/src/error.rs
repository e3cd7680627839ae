//! Why a request or a token was refused, and how that maps to an HTTP outcome.

use std::fmt;

use crate::outcome::DpopMode;
use crate::outcome::{BearerErrorCode, Outcome, write_challenge};

/// The attributes of a challenge that depend on the refusal: error code, description, scope.
type Attributes<'a> = (
    Option<BearerErrorCode>,
    Option<&'static str>,
    Option<&'a str>,
);

/// The kind of a verification failure. Each kind has a fixed description that never contains
/// token content, claim values or key ids.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No `Authorization` header, or one with a scheme other than `Bearer`: 401 without an error code.
    MissingCredentials,
    /// The `Authorization` header is malformed or repeated: 400 `invalid_request`.
    MalformedRequest,
    /// The token is not a well-formed compact JWS (size, segments, encoding, JSON, duplicates).
    Malformed,
    /// The header carries a parameter the verifier refuses (`crit`, `jku`, `x5u`, `jwk`, `x5c`, `b64`, `zip`, `enc`).
    UnsupportedHeader,
    /// The `alg` is not allowed, or does not match the key's algorithm.
    Algorithm,
    /// The token has no `kid` (required when keys come from a JWKS).
    MissingKeyId,
    /// No key with the token's `kid` is known for its issuer.
    UnknownKey,
    /// The signature does not verify.
    Signature,
    /// `exp` is in the past (beyond the leeway).
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    IssuedInFuture,
    /// `iat` is older than the configured maximum token age.
    TooOld,
    /// `iss` is not a configured issuer.
    Issuer,
    /// `aud` does not contain a configured audience.
    Audience,
    /// The `typ` header does not fit the token profile.
    TokenType,
    /// A required claim is absent.
    MissingClaim(&'static str),
    /// A claim has the wrong JSON type or an impossible value.
    InvalidClaim(&'static str),
    /// `org_id` / `org_name` does not match the required organization.
    Organization,
    /// The token is valid but lacks a required scope or permission: 403.
    InsufficientScope {
        /// The space-separated scopes that the route needs, for the challenge's `scope`.
        required: String,
    },
    /// The `DPoP` scheme was used without exactly one `DPoP` proof header: 400 `invalid_request`.
    MissingDpopProof,
    /// The DPoP proof is invalid (RFC 9449 §4.3): 400 `invalid_dpop_proof`.
    InvalidDpopProof,
    /// The token's `cnf.jkt` does not match the proof key, a DPoP-bound token came with the
    /// `Bearer` scheme, or an unbound token with the `DPoP` scheme: 401 `invalid_token`.
    DpopBinding,
    /// No signing key can be obtained right now (JWKS unreachable, no usable cached set): 503.
    KeysUnavailable {
        /// Seconds after which a retry may succeed.
        retry_after: u64,
    },
    /// Whether the DPoP proof was already used cannot be checked right now (the
    /// [replay store](crate::verify::replay) is unreachable or timed out): 503.
    ReplayCheckUnavailable {
        /// Seconds after which a retry may succeed.
        retry_after: u64,
    },
}

/// A refused request or token. Cheap to clone; safe to log (no token content).
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyError {
    kind: ErrorKind,
    /// The request used the `DPoP` scheme (the challenge then carries the error).
    dpop: bool,
}

impl VerifyError {
    /// Creates an error of `kind`.
    pub fn new(kind: ErrorKind) -> Self {
        Self { kind, dpop: false }
    }

    /// Marks the error as answering a request that used the `DPoP` scheme.
    pub(crate) fn with_dpop_scheme(mut self) -> Self {
        self.dpop = true;
        self
    }

    /// Whether the refused request used the `DPoP` scheme.
    pub fn used_dpop_scheme(&self) -> bool {
        self.dpop
    }

    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Whether the request carried no bearer credentials at all.
    pub fn is_missing_credentials(&self) -> bool {
        self.kind == ErrorKind::MissingCredentials
    }

    /// The fixed description used in `error_description` and `Display`.
    pub fn description(&self) -> &'static str {
        match &self.kind {
            ErrorKind::MissingCredentials => "Authentication required",
            ErrorKind::MalformedRequest => "Malformed Authorization header",
            ErrorKind::Malformed => "The access token is malformed",
            ErrorKind::UnsupportedHeader => "The token header is not supported",
            ErrorKind::Algorithm => "The token signing algorithm is not allowed",
            ErrorKind::MissingKeyId => "The token has no key id",
            ErrorKind::UnknownKey => "The token signing key is not known",
            ErrorKind::Signature => "The token signature is invalid",
            ErrorKind::Expired => "The access token expired",
            ErrorKind::NotYetValid => "The access token is not yet valid",
            ErrorKind::IssuedInFuture => "The access token was issued in the future",
            ErrorKind::TooOld => "The access token is too old",
            ErrorKind::Issuer => "The token issuer is not accepted",
            ErrorKind::Audience => "The token audience is not accepted",
            ErrorKind::TokenType => "The token type is not accepted",
            ErrorKind::MissingClaim(_) => "A required claim is missing",
            ErrorKind::InvalidClaim(_) => "A claim is invalid",
            ErrorKind::Organization => "The token organization is not accepted",
            ErrorKind::InsufficientScope { .. } => "Insufficient scope",
            ErrorKind::MissingDpopProof => "A single DPoP proof is required",
            ErrorKind::InvalidDpopProof => "The DPoP proof is invalid",
            ErrorKind::DpopBinding => "The token is not bound to the DPoP proof key",
            ErrorKind::KeysUnavailable { .. } => "The signing keys cannot be obtained",
            ErrorKind::ReplayCheckUnavailable { .. } => "The DPoP proof cannot be checked now",
        }
    }

    /// Maps the failure to the HTTP answer of RFC 6750 §3 and the crate's decisions:
    /// 401 bare without credentials, 400 `invalid_request` for a malformed header,
    /// 401 `invalid_token` for any failed check, 403 `insufficient_scope` with `scope`,
    /// 503 with `Retry-After` and no challenge when no key can be obtained or the DPoP replay
    /// store cannot answer.
    pub fn outcome(&self, realm: Option<&str>) -> Outcome {
        self.outcome_with(realm, DpopMode::Disabled, "", None)
    }

    /// The outcome with the challenges of a verifier whose DPoP mode is `mode` and whose proof
    /// algorithms are `algs` (space-separated): RFC 9449 §7.1–7.2 — both challenges when both
    /// schemes are accepted, the error on the attempted scheme's challenge (on both when the
    /// request was ambiguous), only `DPoP` when DPoP is required. Each challenge of a 401 names
    /// `resource_metadata` when given (RFC 9728 §5.1).
    pub(crate) fn outcome_with(
        &self,
        realm: Option<&str>,
        mode: DpopMode,
        algs: &str,
        resource_metadata: Option<&str>,
    ) -> Outcome {
        let (status, error) = match &self.kind {
            ErrorKind::MissingCredentials => (401, None),
            ErrorKind::MalformedRequest | ErrorKind::MissingDpopProof => {
                (400, Some(BearerErrorCode::InvalidRequest))
            }
            ErrorKind::InvalidDpopProof => (400, Some(BearerErrorCode::InvalidDpopProof)),
            ErrorKind::InsufficientScope { .. } => (403, Some(BearerErrorCode::InsufficientScope)),
            ErrorKind::KeysUnavailable { retry_after }
            | ErrorKind::ReplayCheckUnavailable { retry_after } => {
                return Outcome {
                    status: 503,
                    error: None,
                    description: Some(self.description()),
                    www_authenticate: None,
                    retry_after: Some(*retry_after),
                };
            }
            _ => (401, Some(BearerErrorCode::InvalidToken)),
        };
        let description = error.map(|_| self.description());
        let scope = match &self.kind {
            ErrorKind::InsufficientScope { required } => Some(required.as_str()),
            _ => None,
        };
        let metadata = resource_metadata.filter(|_| status == 401);
        // The challenges are written into one string (a flood of refusals builds one each).
        let dpop_algs = Some(algs).filter(|a| !a.is_empty());
        let write = |out: &mut String,
                     scheme: &str,
                     algs: Option<&str>,
                     (error, description, scope): Attributes<'_>| {
            write_challenge(
                out,
                scheme,
                &[
                    ("realm", realm),
                    ("algs", algs),
                    ("error", error.map(BearerErrorCode::as_str)),
                    ("error_description", description),
                    ("scope", scope),
                    ("resource_metadata", metadata),
                ],
            );
        };
        let attributes = (error, description, scope);
        let mut www_authenticate = String::new();
        match mode {
            DpopMode::Disabled => write(&mut www_authenticate, "Bearer", None, attributes),
            DpopMode::Required => write(&mut www_authenticate, "DPoP", dpop_algs, attributes),
            DpopMode::Allowed => {
                let ambiguous = self.kind == ErrorKind::MalformedRequest;
                let (on_bearer, on_dpop) = (ambiguous || !self.dpop, ambiguous || self.dpop);
                let pick = |on: bool| if on { attributes } else { (None, None, None) };
                write(&mut www_authenticate, "Bearer", None, pick(on_bearer));
                www_authenticate.push_str(", ");
                write(&mut www_authenticate, "DPoP", dpop_algs, pick(on_dpop));
            }
        }
        Outcome {
            status,
            error,
            description,
            www_authenticate: Some(www_authenticate),
            retry_after: None,
        }
    }
}

impl From<ErrorKind> for VerifyError {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind)
    }
}

impl fmt::Debug for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyError")
            .field("kind", &self.kind)
            .field("dpop", &self.dpop)
            .finish()
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::MissingClaim(c) => write!(f, "{} ({c})", self.description()),
            ErrorKind::InvalidClaim(c) => write!(f, "{} ({c})", self.description()),
            _ => f.write_str(self.description()),
        }
    }
}

impl std::error::Error for VerifyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_table() {
        let realm = Some("api");
        let o = VerifyError::new(ErrorKind::MissingCredentials).outcome(realm);
        assert_eq!(
            (o.status, o.error, o.www_authenticate.as_deref()),
            (401, None, Some(r#"Bearer realm="api""#))
        );
        assert_eq!(o.json_body(), None);

        let o = VerifyError::new(ErrorKind::MalformedRequest).outcome(realm);
        assert_eq!(
            (o.status, o.error),
            (400, Some(BearerErrorCode::InvalidRequest))
        );
        assert!(
            o.www_authenticate
                .unwrap()
                .contains(r#"error="invalid_request""#)
        );

        for kind in [
            ErrorKind::Signature,
            ErrorKind::Expired,
            ErrorKind::UnknownKey,
            ErrorKind::MissingClaim("sub"),
        ] {
            let o = VerifyError::new(kind).outcome(realm);
            assert_eq!(
                (o.status, o.error),
                (401, Some(BearerErrorCode::InvalidToken))
            );
        }

        let o = VerifyError::new(ErrorKind::InsufficientScope {
            required: "read:messages".into(),
        })
        .outcome(realm);
        assert_eq!(o.status, 403);
        assert!(
            o.www_authenticate
                .unwrap()
                .ends_with(r#"scope="read:messages""#)
        );

        let o = VerifyError::new(ErrorKind::KeysUnavailable { retry_after: 7 }).outcome(realm);
        assert_eq!(
            (o.status, o.retry_after, o.www_authenticate),
            (503, Some(7), None)
        );
    }
}
