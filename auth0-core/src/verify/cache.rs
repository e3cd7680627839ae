//! The verified-token cache: a token that verified once is served from memory until its expiry
//! or until its issuer's key set changes. Keyed by the full token (never a truncated hash);
//! sharded so that concurrent requests rarely meet on one lock; bounded.

use std::collections::HashMap;
use std::sync::Mutex;

/// What a verifier's verified-token cache holds, and how often it missed
/// ([`AccessTokenVerifier::cache_metrics`](crate::AccessTokenVerifier::cache_metrics)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheMetrics {
    /// Verified tokens held.
    pub entries: usize,
    /// Tokens the cache did not hold when they were presented, each of which then cost a full
    /// verification (a signature check, unless refused before it). Replayed refusals answered
    /// from the refusal cache are not counted.
    pub misses: u64,
}

struct Entry<V> {
    value: V,
    /// Unix second from which the entry is no longer served.
    expires_at: i64,
    issuer: usize,
    generation: u64,
}

type Shard<V> = Mutex<HashMap<Box<str>, Entry<V>, foldhash::fast::RandomState>>;

pub(crate) struct TokenCache<V> {
    shards: Box<[Shard<V>]>,
    per_shard: usize,
}

const SHARDS: usize = 16;

impl<V: Clone> TokenCache<V> {
    /// A cache of about `capacity` entries.
    pub(crate) fn new(capacity: usize) -> Self {
        let shards = (0..SHARDS)
            .map(|_| Mutex::new(HashMap::default()))
            .collect();
        Self {
            shards,
            per_shard: capacity.div_ceil(SHARDS).max(1),
        }
    }

    fn shard(&self, token: &str) -> &Shard<V> {
        // The last bytes are signature bytes: uniformly spread, and free to read.
        let b = token.as_bytes();
        let mix = b.iter().rev().take(4).fold(0usize, |acc, &x| {
            acc.wrapping_mul(31).wrapping_add(x as usize)
        });
        &self.shards[mix % SHARDS]
    }

    /// The cached value, if present, unexpired at `now` and minted under the issuer's current
    /// key-set generation.
    pub(crate) fn get(
        &self,
        token: &str,
        now: i64,
        generation_of: impl FnOnce(usize) -> u64,
    ) -> Option<V> {
        let shard = self.shard(token).lock().unwrap_or_else(|e| e.into_inner());
        let entry = shard.get(token)?;
        if now >= entry.expires_at || generation_of(entry.issuer) != entry.generation {
            return None;
        }
        Some(entry.value.clone())
    }

    pub(crate) fn insert(
        &self,
        token: &str,
        value: V,
        expires_at: i64,
        issuer: usize,
        generation: u64,
        now: i64,
    ) {
        if expires_at <= now {
            return;
        }
        let mut shard = self.shard(token).lock().unwrap_or_else(|e| e.into_inner());
        if shard.len() >= self.per_shard && !shard.contains_key(token) {
            shard.retain(|_, e| e.expires_at > now);
            if shard.len() >= self.per_shard {
                // Still full of live entries: drop about half (the map's order is arbitrary),
                // in place, without copying keys that can be 16 KiB each.
                let mut n = 0usize;
                shard.retain(|_, _| {
                    n += 1;
                    n.is_multiple_of(2)
                });
            }
        }
        shard.insert(
            token.into(),
            Entry {
                value,
                expires_at,
                issuer,
                generation,
            },
        );
    }

    pub(crate) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_generation_and_bound() {
        let c = TokenCache::new(32);
        c.insert("a.b.c1", 1, 100, 0, 7, 50);
        assert_eq!(c.get("a.b.c1", 99, |_| 7), Some(1));
        assert_eq!(c.get("a.b.c1", 100, |_| 7), None);
        assert_eq!(c.get("a.b.c1", 60, |_| 8), None);
        assert_eq!(c.get("a.b.c2", 60, |_| 7), None);
        c.insert("expired", 2, 10, 0, 7, 50);
        assert_eq!(c.get("expired", 5, |_| 7), None);
        for i in 0..10_000 {
            c.insert(&format!("t{i}"), i, 1000, 0, 1, 0);
        }
        assert!(c.len() <= 32 + SHARDS, "{}", c.len());
    }
}
