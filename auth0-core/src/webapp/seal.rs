//! Sealed cookie values: AES-256-GCM-SIV under keys derived (HKDF-SHA256) from the configured
//! secrets, one key per purpose, so that a transaction cookie can never be opened as a session.
//!
//! The first secret seals; every secret opens, so a new secret can be put first while the old
//! one still reads the cookies already out there. GCM-SIV keeps its confidentiality and
//! integrity if a random nonce ever repeats, which matters for a key that seals every session
//! cookie of a fleet for months.

use std::fmt;

use aws_lc_rs::aead::{AES_256_GCM_SIV, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::WebAppConfigError;

const SALT: &[u8] = b"auth0-rs webapp cookie sealing v1";

/// What a sealed value is for; each purpose has its own keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    Session,
    Transaction,
}

impl Purpose {
    fn info(self) -> &'static [u8] {
        match self {
            Self::Session => b"session",
            Self::Transaction => b"transaction",
        }
    }
}

struct KeyLen;

impl KeyType for KeyLen {
    fn len(&self) -> usize {
        32
    }
}

struct KeyPair {
    session: RandomizedNonceKey,
    transaction: RandomizedNonceKey,
}

/// The sealing keys, derived once at start-up.
pub(crate) struct Sealer {
    keys: Vec<KeyPair>,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("secrets", &self.keys.len())
            .finish_non_exhaustive()
    }
}

fn derive(secret: &[u8], purpose: Purpose) -> Result<RandomizedNonceKey, WebAppConfigError> {
    let prk = Salt::new(HKDF_SHA256, SALT).extract(secret);
    let info = [purpose.info()];
    let mut key = [0u8; 32];
    prk.expand(&info, KeyLen)
        .and_then(|okm| okm.fill(&mut key))
        .map_err(|_| WebAppConfigError::Crypto)?;
    RandomizedNonceKey::new(&AES_256_GCM_SIV, &key).map_err(|_| WebAppConfigError::Crypto)
}

/// Why a sealed value was refused. Never carries the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpenError {
    /// Not base64url, or shorter than a nonce and a tag.
    Malformed,
    /// No key opens it: forged, truncated, or sealed under a secret no longer configured.
    Forged,
}

impl Sealer {
    /// Keys for these secrets, the first sealing. Checked by the config builder before.
    pub(crate) fn new(secrets: &[Vec<u8>]) -> Result<Self, WebAppConfigError> {
        let keys = secrets
            .iter()
            .map(|secret| {
                Ok(KeyPair {
                    session: derive(secret, Purpose::Session)?,
                    transaction: derive(secret, Purpose::Transaction)?,
                })
            })
            .collect::<Result<Vec<_>, WebAppConfigError>>()?;
        if keys.is_empty() {
            return Err(WebAppConfigError::MissingSecret);
        }
        Ok(Self { keys })
    }

    fn key(pair: &KeyPair, purpose: Purpose) -> &RandomizedNonceKey {
        match purpose {
            Purpose::Session => &pair.session,
            Purpose::Transaction => &pair.transaction,
        }
    }

    /// `base64url(nonce ‖ ciphertext ‖ tag)`; `aad` binds the value to its cookie's name.
    pub(crate) fn seal(&self, purpose: Purpose, aad: &str, plaintext: &[u8]) -> Option<String> {
        let first = self.keys.first()?;
        let mut in_out = plaintext.to_vec();
        let nonce = Self::key(first, purpose)
            .seal_in_place_append_tag(Aad::from(aad.as_bytes()), &mut in_out)
            .ok()?;
        let mut out = Vec::with_capacity(NONCE_LEN + in_out.len());
        out.extend_from_slice(nonce.as_ref());
        out.extend_from_slice(&in_out);
        Some(URL_SAFE_NO_PAD.encode(out))
    }

    /// The plaintext of a value sealed by [`seal`](Self::seal) under any configured secret.
    pub(crate) fn open(
        &self,
        purpose: Purpose,
        aad: &str,
        sealed: &str,
    ) -> Result<Vec<u8>, OpenError> {
        let raw = URL_SAFE_NO_PAD
            .decode(sealed.as_bytes())
            .map_err(|_| OpenError::Malformed)?;
        if raw.len() < NONCE_LEN + 16 {
            return Err(OpenError::Malformed);
        }
        let (nonce, body) = raw.split_at(NONCE_LEN);
        for pair in &self.keys {
            let Ok(nonce) = Nonce::try_assume_unique_for_key(nonce) else {
                return Err(OpenError::Malformed);
            };
            let mut in_out = body.to_vec();
            if let Ok(plain) = Self::key(pair, purpose).open_in_place(
                nonce,
                Aad::from(aad.as_bytes()),
                &mut in_out,
            ) {
                let len = plain.len();
                in_out.truncate(len);
                return Ok(in_out);
            }
        }
        Err(OpenError::Forged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(secrets: &[&str]) -> Sealer {
        let secrets: Vec<Vec<u8>> = secrets.iter().map(|s| s.as_bytes().to_vec()).collect();
        Sealer::new(&secrets).unwrap()
    }

    const A: &str = "a-secret-of-at-least-thirty-two-bytes-0001";
    const B: &str = "b-secret-of-at-least-thirty-two-bytes-0002";

    #[test]
    fn round_trip_and_binding() {
        let s = sealer(&[A]);
        let sealed = s.seal(Purpose::Session, "appSession", b"hello").unwrap();
        assert_eq!(
            s.open(Purpose::Session, "appSession", &sealed).unwrap(),
            b"hello"
        );
        // Another cookie name, another purpose: refused.
        assert_eq!(
            s.open(Purpose::Session, "other", &sealed),
            Err(OpenError::Forged)
        );
        assert_eq!(
            s.open(Purpose::Transaction, "appSession", &sealed),
            Err(OpenError::Forged)
        );
        // Two seals of the same text differ (random nonce).
        assert_ne!(
            sealed,
            s.seal(Purpose::Session, "appSession", b"hello").unwrap()
        );
    }

    #[test]
    fn rotation_opens_with_old_secrets() {
        let old = sealer(&[A]);
        let sealed = old.seal(Purpose::Session, "s", b"x").unwrap();
        let rotated = sealer(&[B, A]);
        assert_eq!(rotated.open(Purpose::Session, "s", &sealed).unwrap(), b"x");
        let dropped = sealer(&[B]);
        assert_eq!(
            dropped.open(Purpose::Session, "s", &sealed),
            Err(OpenError::Forged)
        );
    }

    #[test]
    fn tampering_and_truncation_refused() {
        let s = sealer(&[A]);
        let sealed = s
            .seal(Purpose::Session, "s", b"some session bytes")
            .unwrap();
        for cut in [0, 1, 10, sealed.len() - 1] {
            assert!(s.open(Purpose::Session, "s", &sealed[..cut]).is_err());
        }
        let mut bytes = sealed.into_bytes();
        for i in 0..bytes.len() {
            let original = bytes[i];
            bytes[i] = if original == b'A' { b'B' } else { b'A' };
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(s.open(Purpose::Session, "s", &text).is_err(), "byte {i}");
            bytes[i] = original;
        }
        assert_eq!(
            s.open(Purpose::Session, "s", "not base64!"),
            Err(OpenError::Malformed)
        );
    }
}
