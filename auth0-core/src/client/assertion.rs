//! Private-key-JWT client authentication (RFC 7523 §2.2): the client assertion minted for every
//! authenticated request.
//!
//! Claims, as in auth0-python: `iss` = `sub` = client id, `aud` = the tenant issuer, `iat` = now,
//! `exp` = `iat` + 180 s, `jti` = a fresh random UUID (v4) per assertion. Header: `alg`, `typ: JWT`,
//! and `kid` when one is configured. The key is parsed and a trial assertion signed when the client
//! is built, so a key that does not fit the algorithm is reported then, not on the first request.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{EncodingKey, Header};
use serde::Serialize;

use super::secret::random_bytes;
use crate::Algorithm;

/// `client_assertion_type` for a JWT bearer client assertion.
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Lifetime of an assertion, in seconds.
pub(crate) const LIFETIME_SECS: u64 = 180;

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
    jti: &'a str,
}

/// Why a signing key was refused at build time. The texts are fixed: they never quote the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyProblem {
    /// The bytes are not a PEM private key of the algorithm's family.
    NotAPrivateKey,
    /// The key parsed but cannot sign with the algorithm (wrong curve, too small…).
    Unusable,
}

impl KeyProblem {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::NotAPrivateKey => {
                "the PEM is not a private key of the algorithm's family (RSA for RS*/PS*, EC for ES*, Ed25519 for EdDSA)"
            }
            Self::Unusable => "the key cannot sign with this algorithm (wrong curve or key size?)",
        }
    }
}

/// Signs client assertions. Holds the parsed key (zeroed on drop by jsonwebtoken).
#[derive(Clone)]
pub(crate) struct AssertionSigner {
    key: EncodingKey,
    header: Header,
    alg: Algorithm,
    client_id: String,
    audience: String,
}

impl AssertionSigner {
    /// Parses `pem` for `alg` and proves it by signing once.
    pub(crate) fn new(
        pem: &[u8],
        alg: Algorithm,
        kid: Option<String>,
        client_id: &str,
        audience: String,
    ) -> Result<Self, KeyProblem> {
        crate::crypto_provider::ensure_installed();
        let (jwt_alg, key) = match alg {
            Algorithm::RS256 => (
                jsonwebtoken::Algorithm::RS256,
                EncodingKey::from_rsa_pem(pem),
            ),
            Algorithm::RS384 => (
                jsonwebtoken::Algorithm::RS384,
                EncodingKey::from_rsa_pem(pem),
            ),
            Algorithm::RS512 => (
                jsonwebtoken::Algorithm::RS512,
                EncodingKey::from_rsa_pem(pem),
            ),
            Algorithm::PS256 => (
                jsonwebtoken::Algorithm::PS256,
                EncodingKey::from_rsa_pem(pem),
            ),
            Algorithm::PS384 => (
                jsonwebtoken::Algorithm::PS384,
                EncodingKey::from_rsa_pem(pem),
            ),
            Algorithm::PS512 => (
                jsonwebtoken::Algorithm::PS512,
                EncodingKey::from_rsa_pem(pem),
            ),
            Algorithm::ES256 => (
                jsonwebtoken::Algorithm::ES256,
                EncodingKey::from_ec_pem(pem),
            ),
            Algorithm::ES384 => (
                jsonwebtoken::Algorithm::ES384,
                EncodingKey::from_ec_pem(pem),
            ),
            Algorithm::EdDSA => (
                jsonwebtoken::Algorithm::EdDSA,
                EncodingKey::from_ed_pem(pem),
            ),
        };
        let key = key.map_err(|_| KeyProblem::NotAPrivateKey)?;
        let mut header = Header::new(jwt_alg);
        header.typ = Some("JWT".to_owned());
        header.kid = kid;
        let signer = Self {
            key,
            header,
            alg,
            client_id: client_id.to_owned(),
            audience,
        };
        signer
            .sign_at(0, "build-check")
            .map_err(|_| KeyProblem::Unusable)?;
        Ok(signer)
    }

    /// A fresh assertion for a request happening now.
    pub(crate) fn sign(&self) -> Option<String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let jti = new_jti()?;
        self.sign_at(now, &jti).ok()
    }

    fn sign_at(&self, now: u64, jti: &str) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            iss: &self.client_id,
            sub: &self.client_id,
            aud: &self.audience,
            iat: now,
            exp: now.saturating_add(LIFETIME_SECS),
            jti,
        };
        jsonwebtoken::encode(&self.header, &claims, &self.key)
    }
}

impl fmt::Debug for AssertionSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientAssertion")
            .field("alg", &self.alg)
            .field("kid", &self.header.kid)
            .field("audience", &self.audience)
            .field("key", &"[redacted]")
            .finish()
    }
}

/// A random UUID v4 in its hyphenated text form.
fn new_jti() -> Option<String> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jti_is_uuid_v4() {
        let Some(jti) = new_jti() else {
            panic!("no randomness")
        };
        assert_eq!(jti.len(), 36);
        assert_eq!(jti.as_bytes()[14], b'4');
        assert!(matches!(jti.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(Some(jti), new_jti());
    }

    #[test]
    fn refuses_garbage_key() {
        let err = AssertionSigner::new(
            b"not a key",
            Algorithm::RS256,
            None,
            "cid",
            "https://t/".into(),
        );
        assert_eq!(err.err(), Some(KeyProblem::NotAPrivateKey));
    }
}
