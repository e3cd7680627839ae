//! One imported JWKS document: the usable keys by `kid`, and when the set was fetched.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::algorithm::Algorithm;
use crate::jwks::error::JwksError;
use crate::jwks::key::{VerifyingKey, import};

/// An immutable key set, shared through the store's `ArcSwap`.
#[derive(Debug)]
pub(crate) struct KeySet {
    keys: HashMap<Box<str>, VerifyingKey, foldhash::fast::RandomState>,
    /// Changes only when the key material changes, so the verified-token cache survives
    /// refreshes that bring the same keys.
    pub(crate) generation: u64,
    pub(crate) fetched_at: Instant,
    pub(crate) ttl: Duration,
}

/// A key the import filter refused, for logs and metrics.
#[derive(Debug, Clone)]
pub(crate) struct Rejected {
    pub(crate) kid: Option<String>,
    pub(crate) reason: &'static str,
}

impl KeySet {
    /// Parses and filters a JWKS document. A document that is not a JSON object with a `keys`
    /// array, has more than `max_keys` entries, or yields no usable key is an error.
    pub(crate) fn import(
        body: &[u8],
        allowed: &[Algorithm],
        max_keys: usize,
        fetched_at: Instant,
        ttl: Duration,
    ) -> Result<(Self, Vec<Rejected>), JwksError> {
        crate::jose::check_unique_members(body).map_err(|_| JwksError::InvalidDocument)?;
        let doc: serde_json::Map<String, Value> =
            serde_json::from_slice(body).map_err(|_| JwksError::InvalidDocument)?;
        let entries = match doc.get("keys") {
            Some(Value::Array(keys)) => keys,
            _ => return Err(JwksError::InvalidDocument),
        };
        if entries.len() > max_keys {
            return Err(JwksError::TooManyKeys(entries.len()));
        }
        // A kid that appears twice (whatever the keys) cannot be chosen safely: drop all of them.
        let mut kid_counts: HashMap<&str, usize, foldhash::fast::RandomState> = HashMap::default();
        for entry in entries {
            if let Some(kid) = entry.get("kid").and_then(Value::as_str) {
                *kid_counts.entry(kid).or_default() += 1;
            }
        }
        let mut keys: HashMap<Box<str>, VerifyingKey, _> = HashMap::default();
        let mut rejected = Vec::new();
        for entry in entries {
            let Value::Object(jwk) = entry else {
                rejected.push(Rejected {
                    kid: None,
                    reason: "not a JSON object",
                });
                continue;
            };
            let kid = jwk.get("kid").and_then(Value::as_str);
            if kid.is_some_and(|k| kid_counts.get(k).copied().unwrap_or(0) > 1) {
                rejected.push(Rejected {
                    kid: kid.map(str::to_owned),
                    reason: "duplicate kid",
                });
                continue;
            }
            match import(jwk, allowed) {
                Ok(key) => {
                    keys.insert(key.kid.clone(), key);
                }
                Err(reason) => rejected.push(Rejected {
                    kid: kid.map(str::to_owned),
                    reason,
                }),
            }
        }
        if keys.is_empty() {
            return Err(JwksError::NoUsableKeys);
        }
        Ok((
            Self {
                keys,
                generation: 0,
                fetched_at,
                ttl,
            },
            rejected,
        ))
    }

    pub(crate) fn get(&self, kid: &str) -> Option<&VerifyingKey> {
        self.keys.get(kid)
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether both sets hold exactly the same keys.
    pub(crate) fn same_keys(&self, other: &KeySet) -> bool {
        self.keys.len() == other.keys.len()
            && self
                .keys
                .iter()
                .all(|(kid, k)| other.keys.get(kid).is_some_and(|o| o.same_as(k)))
    }

    pub(crate) fn expires_at(&self) -> Instant {
        self.fetched_at + self.ttl
    }

    /// When a background refresh should start (80 % of the TTL), so that requests never wait.
    pub(crate) fn refresh_at(&self) -> Instant {
        self.fetched_at + self.ttl.mul_f64(0.8)
    }
}
