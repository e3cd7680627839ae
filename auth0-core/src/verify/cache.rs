//! The token caches: a token that verified once is served from memory until its expiry or
//! until its issuer's key set changes; a token refused for good is refused again from memory.
//!
//! * Keyed by the full token: an entry matches only a request whose token equals its own, byte
//!   for byte. Each cache hashes what its entries make safe to hash ([`Span`]): the verified-token
//!   cache the token's last bytes only (its signature: only tokens the issuer signed get in,
//!   so their hashes are as distinct as their signatures), the refusal cache the whole token
//!   (anybody can get a token refused, and so choose every byte of it). A cache hit costs a
//!   hash of [`TAIL`] bytes instead of the whole token; the refusal cache's hash is computed once
//!   per request, on a miss.
//! * Eviction keeps hot tokens: quick_cache's S3-FIFO-style policy puts a new token on
//!   probation and evicts it first unless it is used again, so a stream of one-time tokens
//!   (a scan, a flood of forgeries) does not push out the tokens that clients reuse.
//! * Bounded in bytes and in entries: every entry weighs its token and claims, and at least
//!   `bytes / entries`.

use std::hash::{BuildHasher, Hash, Hasher};
use std::marker::PhantomData;

use quick_cache::sync::Cache;
use quick_cache::{Equivalent, Weighter};

/// What a verifier's verified-token cache holds, and how often it missed
/// ([`AccessTokenVerifier::cache_metrics`](crate::AccessTokenVerifier::cache_metrics)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheMetrics {
    /// Verified tokens held.
    pub entries: usize,
    /// Estimated memory held by those entries (tokens and claims), in bytes.
    pub bytes: u64,
    /// The memory bound, in bytes.
    pub capacity_bytes: u64,
    /// Tokens the cache did not hold when they were presented, each of which then cost a full
    /// verification (a signature check, unless refused before it). Replayed refusals answered
    /// from the refusal cache are not counted.
    pub misses: u64,
}

/// The bytes at the end of a token that the verified-token cache hashes: the last characters of
/// its signature (an RS256 signature is 342, an ES256 one 86), 48 bytes of signature and more.
pub(crate) const TAIL: usize = 64;

/// Which bytes of a token a cache hashes.
pub(crate) trait Span {
    /// The token's hash under `state`.
    fn hash(state: &foldhash::quality::RandomState, token: &[u8]) -> u64;
}

/// The verified-token cache's span: the token's length and its last [`TAIL`] bytes. Safe only
/// for a cache that holds nothing but tokens the issuer signed: a lookup whose hash meets an
/// entry's costs one comparison with that entry, and no caller can add entries that share a
/// hash.
pub(crate) enum Tail {}

/// The refusal cache's span: the whole token, so that tokens chosen to share a hash cannot be
/// made to pile up in it.
pub(crate) enum Whole {}

impl Span for Tail {
    fn hash(state: &foldhash::quality::RandomState, token: &[u8]) -> u64 {
        let mut hasher = state.build_hasher();
        hasher.write_usize(token.len());
        hasher.write(&token[token.len().saturating_sub(TAIL)..]);
        hasher.finish()
    }
}

impl Span for Whole {
    fn hash(state: &foldhash::quality::RandomState, token: &[u8]) -> u64 {
        state.hash_one(token)
    }
}

/// A token with its hash for the caches of span `S`, computed once per request.
pub(crate) struct TokenKey<'a, S> {
    hash: u64,
    token: &'a str,
    span: PhantomData<S>,
}

// Derives would require `S: Copy`.
impl<S> Clone for TokenKey<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for TokenKey<'_, S> {}

/// A token's keys for both caches: the verified-token cache's, and the refusal cache's.
#[derive(Clone, Copy)]
pub(crate) struct TokenKeys<'a> {
    pub(crate) verified: TokenKey<'a, Tail>,
    pub(crate) refused: TokenKey<'a, Whole>,
}

impl<'a> TokenKeys<'a> {
    pub(crate) fn token(&self) -> &'a str {
        self.verified.token
    }
}

/// Hashes tokens with a per-process random seed, so that nobody can pick tokens that collide.
pub(crate) struct TokenHasher(foldhash::quality::RandomState);

impl TokenHasher {
    pub(crate) fn new() -> Self {
        Self(foldhash::quality::RandomState::default())
    }

    pub(crate) fn key<'a, S: Span>(&self, token: &'a str) -> TokenKey<'a, S> {
        TokenKey {
            hash: S::hash(&self.0, token.as_bytes()),
            token,
            span: PhantomData,
        }
    }

    /// The key of a token as the request carried it, for lookups only: no UTF-8 check, since
    /// only a token that was checked when it was stored can be equal to a stored one.
    pub(crate) fn raw_key<'a, S: Span>(&self, token: &'a [u8]) -> RawKey<'a, S> {
        RawKey {
            hash: S::hash(&self.0, token),
            token,
            span: PhantomData,
        }
    }
}

/// A token's bytes with their hash (the same hash as [`TokenKey`]'s), for lookups.
pub(crate) struct RawKey<'a, S> {
    hash: u64,
    token: &'a [u8],
    span: PhantomData<S>,
}

impl<S> Hash for RawKey<'_, S> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl<S> Equivalent<Stored> for RawKey<'_, S> {
    fn equivalent(&self, stored: &Stored) -> bool {
        self.hash == stored.hash && self.token == stored.token.as_bytes()
    }
}

/// What a cache of span `S` can be asked with: a checked token or raw bytes, hashed for `S`.
pub(crate) trait Lookup<S>: Hash + Equivalent<Stored> {}

impl<S> Lookup<S> for TokenKey<'_, S> {}
impl<S> Lookup<S> for RawKey<'_, S> {}

impl<'a, S> TokenKey<'a, S> {
    /// A key that is never looked up (the caches are off): the token without a hash.
    pub(crate) fn unhashed(token: &'a str) -> Self {
        Self {
            hash: 0,
            token,
            span: PhantomData,
        }
    }

    pub(crate) fn token(&self) -> &'a str {
        self.token
    }
}

/// A stored key: the token and its hash.
#[derive(PartialEq, Eq)]
pub(crate) struct Stored {
    hash: u64,
    token: Box<str>,
}

// Both key types hash as their precomputed hash, so the cache never reads the token to hash it.
impl Hash for Stored {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl<S> Hash for TokenKey<'_, S> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl<S> Equivalent<Stored> for TokenKey<'_, S> {
    fn equivalent(&self, stored: &Stored) -> bool {
        self.hash == stored.hash && self.token == &*stored.token
    }
}

/// Passes a precomputed hash through.
#[derive(Clone, Default)]
struct PassThrough;

#[derive(Default)]
struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by the key types; fold anything else in all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl BuildHasher for PassThrough {
    type Hasher = PassThroughHasher;

    fn build_hasher(&self) -> PassThroughHasher {
        PassThroughHasher::default()
    }
}

#[derive(Clone)]
struct Entry<V> {
    value: V,
    /// Unix second from which the entry is no longer served.
    expires_at: i64,
    issuer: usize,
    generation: u64,
    weight: u64,
}

#[derive(Clone)]
struct ByWeight;

impl<V> Weighter<Stored, Entry<V>> for ByWeight {
    fn weight(&self, _: &Stored, entry: &Entry<V>) -> u64 {
        entry.weight
    }
}

/// Bytes an entry holds besides its token and value: the key and entry structs, the table
/// slot and the allocator's rounding.
const ENTRY_OVERHEAD: u64 = 128;

/// A cache of tokens hashed over span `S` ([`Tail`] or [`Whole`]).
pub(crate) struct TokenCache<V, S> {
    cache: Cache<Stored, Entry<V>, ByWeight, PassThrough>,
    span: PhantomData<S>,
    /// The least weight of an entry: `bytes / entries`, so that at most `entries` fit.
    floor: u64,
    capacity_bytes: u64,
}

impl<V: Clone, S> TokenCache<V, S> {
    /// A cache of at most `entries` entries and `bytes` bytes.
    pub(crate) fn new(entries: usize, bytes: u64) -> Self {
        let entries = entries.max(1);
        let bytes = bytes.max(ENTRY_OVERHEAD);
        // Shards of about 1 MiB at least, so that a token at the 16 KiB cap always fits one.
        let shards = usize::try_from(bytes >> 20).unwrap_or(64).clamp(1, 64);
        let options = quick_cache::OptionsBuilder::new()
            .shards(shards)
            .estimated_items_capacity(entries)
            .weight_capacity(bytes)
            .build();
        let cache = match options {
            Ok(options) => Cache::with_options(options, ByWeight, PassThrough, Default::default()),
            // Unreachable with both values set; a plain cache of the same weight otherwise.
            Err(_) => Cache::with(entries, bytes, ByWeight, PassThrough, Default::default()),
        };
        Self {
            cache,
            span: PhantomData,
            floor: (bytes / entries as u64).max(1),
            capacity_bytes: bytes,
        }
    }

    /// The cached value, if present, unexpired at `now` and minted under the issuer's current
    /// key-set generation.
    pub(crate) fn get(
        &self,
        key: impl Lookup<S>,
        now: i64,
        generation_of: impl FnOnce(usize) -> u64,
    ) -> Option<V> {
        let entry = self.cache.get(&key)?;
        if now >= entry.expires_at || generation_of(entry.issuer) != entry.generation {
            return None;
        }
        Some(entry.value)
    }

    /// Stores `value` for the token until `expires_at`; `value_bytes` estimates the memory the
    /// value holds.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert(
        &self,
        key: TokenKey<'_, S>,
        value: V,
        value_bytes: usize,
        expires_at: i64,
        issuer: usize,
        generation: u64,
        now: i64,
    ) {
        if expires_at <= now {
            return;
        }
        let bytes = (key.token.len() as u64)
            .saturating_add(value_bytes as u64)
            .saturating_add(ENTRY_OVERHEAD);
        let entry = Entry {
            value,
            expires_at,
            issuer,
            generation,
            weight: bytes.max(self.floor),
        };
        let stored = Stored {
            hash: key.hash,
            token: key.token.into(),
        };
        self.cache.insert(stored, entry);
    }

    pub(crate) fn metrics(&self, misses: u64) -> CacheMetrics {
        CacheMetrics {
            entries: self.cache.len(),
            bytes: self.cache.weight(),
            capacity_bytes: self.capacity_bytes,
            misses,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_and_generation() {
        let keys = TokenHasher::new();
        let c = TokenCache::<_, Tail>::new(32, 1 << 20);
        c.insert(keys.key("a.b.c1"), 1, 0, 100, 0, 7, 50);
        assert_eq!(c.get(keys.key("a.b.c1"), 99, |_| 7), Some(1));
        assert_eq!(c.get(keys.key("a.b.c1"), 100, |_| 7), None);
        assert_eq!(c.get(keys.key("a.b.c1"), 60, |_| 8), None);
        assert_eq!(c.get(keys.key("a.b.c2"), 60, |_| 7), None);
        // The same token as raw bytes finds the same entry.
        assert_eq!(c.get(keys.raw_key(b"a.b.c1"), 99, |_| 7), Some(1));
        assert_eq!(c.get(keys.raw_key(b"a.b.c1\xff"), 99, |_| 7), None);
        c.insert(keys.key("expired"), 2, 0, 10, 0, 7, 50);
        assert_eq!(c.get(keys.key("expired"), 5, |_| 7), None);
    }

    #[test]
    fn same_hash_other_token_is_a_miss() {
        let c = TokenCache::<_, Whole>::new(32, 1 << 20);
        let a = TokenKey {
            hash: 42,
            token: "a.b.c",
            span: PhantomData,
        };
        let b = TokenKey {
            hash: 42,
            token: "a.b.d",
            span: PhantomData,
        };
        c.insert(a, 1, 0, 100, 0, 1, 0);
        assert_eq!(c.get(a, 1, |_| 1), Some(1));
        assert_eq!(c.get(b, 1, |_| 1), None);
    }

    #[test]
    fn bounded_in_entries_and_in_bytes() {
        let keys = TokenHasher::new();
        let c = TokenCache::<_, Whole>::new(100, 1 << 20);
        for i in 0..10_000 {
            c.insert(keys.key(&format!("t{i}")), i, 0, 1000, 0, 1, 0);
        }
        let m = c.metrics(0);
        assert!(m.entries <= 100, "{m:?}");
        assert!(m.entries >= 50, "the bound is used: {m:?}");

        // 16 KiB tokens: the byte bound (256 KiB) holds far fewer than 100 of them.
        let c = TokenCache::<_, Tail>::new(100, 256 * 1024);
        let long = "x".repeat(16 * 1024);
        for i in 0..1_000 {
            c.insert(keys.key(&format!("{long}{i}")), i, 0, 1000, 0, 1, 0);
        }
        let m = c.metrics(0);
        assert!(m.bytes <= 256 * 1024, "{m:?}");
        assert!(m.entries <= 16, "{m:?}");
    }

    #[test]
    fn reused_tokens_survive_a_stream_of_one_time_tokens() {
        let keys = TokenHasher::new();
        let c = TokenCache::<_, Tail>::new(1_000, 1 << 30);
        let hot: Vec<String> = (0..100).map(|i| format!("hot{i}")).collect();
        for t in &hot {
            c.insert(keys.key(t), 1, 0, 1000, 0, 1, 0);
        }
        for round in 0..20 {
            for t in &hot {
                // Each hot token is used again between the one-time ones.
                if c.get(keys.key(t), 1, |_| 1).is_none() {
                    c.insert(keys.key(t), 1, 0, 1000, 0, 1, 0);
                }
            }
            for i in 0..1_000 {
                c.insert(keys.key(&format!("once{round}-{i}")), 0, 0, 1000, 0, 1, 0);
            }
        }
        let kept = hot
            .iter()
            .filter(|t| c.get(keys.key(t), 1, |_| 1).is_some())
            .count();
        assert!(kept >= 95, "only {kept} of 100 hot tokens kept");
    }

    #[test]
    fn the_tail_hash_reads_the_length_and_the_last_bytes_only() {
        let keys = TokenHasher::new();
        let tail = "s".repeat(TAIL);
        let hash = |t: &str| keys.key::<Tail>(t).hash;
        // Only the length and the last `TAIL` bytes count...
        assert_eq!(hash(&format!("aaaa.{tail}")), hash(&format!("bbbb.{tail}")));
        assert_ne!(hash(&format!("aaaa.{tail}")), hash(&format!("aaa.{tail}")));
        assert_ne!(
            hash(&format!("aaaa.{tail}")),
            hash(&format!("aaaa.{tail}x")[1..])
        );
        // ...raw bytes hash alike, and short tokens are hashed whole.
        assert_eq!(hash("a.b.c"), keys.raw_key::<Tail>(b"a.b.c").hash);
        assert_ne!(hash("a.b.c"), hash("a.b.d"));
        // The refusal cache's hash reads every byte.
        let whole = |t: &str| keys.key::<Whole>(t).hash;
        assert_ne!(
            whole(&format!("aaaa.{tail}")),
            whole(&format!("bbbb.{tail}"))
        );
        assert_eq!(whole("a.b.c"), keys.raw_key::<Whole>(b"a.b.c").hash);
    }

    #[test]
    fn tokens_that_share_their_tail_are_told_apart() {
        let keys = TokenHasher::new();
        let c = TokenCache::<_, Tail>::new(1_000, 1 << 20);
        let tail = "s".repeat(2 * TAIL);
        let token = |i: usize| format!("{i:04}.{tail}");
        for i in 0..100 {
            c.insert(keys.key(&token(i)), i, 0, 1000, 0, 1, 0);
        }
        for i in 0..100 {
            assert_eq!(c.get(keys.key(&token(i)), 1, |_| 1), Some(i));
            assert_eq!(c.get(keys.raw_key(token(i).as_bytes()), 1, |_| 1), Some(i));
        }
        // Same length, same tail, another beginning: a miss.
        assert_eq!(c.get(keys.key(&token(100)), 1, |_| 1), None);
        assert_eq!(c.get(keys.raw_key(token(100).as_bytes()), 1, |_| 1), None);
    }
}
