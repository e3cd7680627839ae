//! The soak's mixed workload: request classes drawn per connection with a fixed-seed weighted
//! random choice, each with the answer the contract predicts. Tokens follow the tenant's
//! signing key (the epoch), from pools minted before the run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::HeaderValue;

use crate::Fallible;
use crate::client::{Planned, Source};
use crate::expect::Expect;
use crate::hostile::{Hostile, hostile};
use crate::rng::Rng;
use crate::soak::schedule;
use crate::tokens::{
    FreshBadSignature, Minter, UnknownKid, bearer, malformed, without_credentials,
};

/// The request classes, in report order.
pub(crate) const CLASSES: [&str; 10] = [
    "valid, repeated token",
    "valid, unique token",
    "expired",
    "bad signature, repeated",
    "bad signature, fresh",
    "malformed Authorization",
    "no credentials",
    "unknown kid (random)",
    "hostile (kit)",
    "public route",
];
const REPEATED: usize = 0;
const UNIQUE: usize = 1;
const EXPIRED: usize = 2;
const BAD_FIXED: usize = 3;
const BAD_FRESH: usize = 4;
const MALFORMED: usize = 5;
const NO_CREDENTIALS: usize = 6;
const UNKNOWN_KID: usize = 7;
const HOSTILE: usize = 8;
const PUBLIC: usize = 9;

/// Weights of the soak proper.
pub(crate) const SOAK_WEIGHTS: [u32; 10] = [35, 5, 7, 5, 6, 8, 6, 6, 14, 8];
/// Weights of the warm-up: mostly unique tokens, to fill the verified-token cache.
pub(crate) const WARM_UP_WEIGHTS: [u32; 10] = [10, 60, 3, 3, 3, 3, 3, 3, 9, 3];

/// Tokens signed by one key.
pub(crate) struct EpochPool {
    repeated: Vec<(HeaderValue, bool)>,
    unique: Vec<HeaderValue>,
    unique_next: AtomicUsize,
    expired: Vec<HeaderValue>,
    bad: HeaderValue,
    bad_token: String,
    hostile: Vec<Hostile>,
}

/// Everything the soak sends, shared by every connection.
pub(crate) struct Pools {
    epochs: Vec<EpochPool>,
    /// Single-use tokens of the first key for the warm-up (the soak's own are in `epochs`).
    warm_up: Vec<HeaderValue>,
    warm_up_next: AtomicUsize,
    malformed: Vec<HeaderValue>,
    without: Vec<Option<HeaderValue>>,
    unknown_template: String,
}

/// `Bearer` values of tokens.
fn bearers(tokens: &[String]) -> Fallible<Vec<HeaderValue>> {
    tokens.iter().map(|t| bearer(t)).collect()
}

/// Repeated tokens per key (half of them scoped).
const REPEATED_PER_KEY: usize = 32;
const EXPIRED_PER_KEY: usize = 4;

impl Pools {
    /// Mints the pools of `epochs` keys with `unique` single-use tokens per key, and `warm_up`
    /// single-use tokens of the first key for the warm-up.
    pub(crate) fn mint(
        minter: &Minter,
        epochs: usize,
        unique: usize,
        warm_up: usize,
        threads: usize,
    ) -> Fallible<Pools> {
        let mut pools = Vec::with_capacity(epochs);
        for epoch in 0..epochs {
            let key = schedule::key(epoch);
            let unique = bearers(&minter.many(&key, &format!("unique-{epoch}"), unique, threads))?;
            let repeated = minter
                .many(
                    &key,
                    &format!("repeated-{epoch}"),
                    REPEATED_PER_KEY,
                    threads,
                )
                .iter()
                .enumerate()
                .map(|(i, t)| Ok((bearer(t)?, i.is_multiple_of(2))))
                .collect::<Fallible<Vec<_>>>()?;
            let expired = (0..EXPIRED_PER_KEY)
                .map(|i| bearer(&minter.expired(&key, &format!("auth0|expired-{i}"))))
                .collect::<Fallible<Vec<_>>>()?;
            let bad_token = minter.bad_signature(&key, "auth0|forged");
            pools.push(EpochPool {
                repeated,
                unique,
                unique_next: AtomicUsize::new(0),
                expired,
                bad: bearer(&bad_token)?,
                bad_token,
                hostile: hostile(&minter.issuer, &minter.audience, &key)?,
            });
        }
        let valid = minter.valid(&schedule::key(0), "auth0|template", true);
        let warm_up = bearers(&minter.many(&schedule::key(0), "warm-up", warm_up, threads))?;
        Ok(Pools {
            epochs: pools,
            warm_up,
            warm_up_next: AtomicUsize::new(0),
            malformed: malformed(&valid)?,
            without: without_credentials(),
            unknown_template: valid,
        })
    }

    /// The same tokens with every single-use pool unused again: for the next server, which
    /// has never seen any of them.
    pub(crate) fn clone_fresh(&self) -> Pools {
        Pools {
            epochs: self
                .epochs
                .iter()
                .map(|p| EpochPool {
                    repeated: p.repeated.clone(),
                    unique: p.unique.clone(),
                    unique_next: AtomicUsize::new(0),
                    expired: p.expired.clone(),
                    bad: p.bad.clone(),
                    bad_token: p.bad_token.clone(),
                    hostile: p.hostile.clone(),
                })
                .collect(),
            warm_up: self.warm_up.clone(),
            warm_up_next: AtomicUsize::new(0),
            malformed: self.malformed.clone(),
            without: self.without.clone(),
            unknown_template: self.unknown_template.clone(),
        }
    }

    /// Unique tokens sent so far and minted, over all keys (the warm-up's excluded).
    pub(crate) fn unique_used(&self) -> (usize, usize) {
        self.epochs.iter().fold((0, 0), |(used, all), p| {
            let n = p.unique_next.load(Ordering::Relaxed).min(p.unique.len());
            (used + n, all + p.unique.len())
        })
    }

    /// Warm-up tokens sent so far, and minted.
    pub(crate) fn warm_up_used(&self) -> (usize, usize) {
        let n = self.warm_up_next.load(Ordering::Relaxed);
        (n.min(self.warm_up.len()), self.warm_up.len())
    }

    /// Hostile tokens per key, and their names.
    pub(crate) fn hostile_names(&self) -> Vec<&'static str> {
        self.epochs
            .first()
            .map(|p| p.hostile.iter().map(|h| h.name).collect())
            .unwrap_or_default()
    }
}

/// The requests of one soak connection.
pub(crate) struct SoakSource {
    pools: Arc<Pools>,
    epoch: Arc<AtomicUsize>,
    warm_up: bool,
    weights: [u32; 10],
    rng: Rng,
    fresh: Vec<FreshBadSignature>,
    unknown: UnknownKid,
}

impl SoakSource {
    /// Connection `stream` of a run seeded with `seed`; `warm_up`: the warm-up's weights and
    /// single-use tokens, else the soak's.
    pub(crate) fn new(
        pools: Arc<Pools>,
        epoch: Arc<AtomicUsize>,
        warm_up: bool,
        seed: u64,
        stream: u64,
    ) -> Fallible<Self> {
        let fresh = pools
            .epochs
            .iter()
            .map(|p| FreshBadSignature::new(&p.bad_token, stream))
            .collect::<Fallible<Vec<_>>>()?;
        let unknown = UnknownKid::new(&pools.unknown_template, Rng::new(seed ^ 0x5eed, stream))?;
        Ok(Self {
            pools,
            epoch,
            warm_up,
            weights: if warm_up {
                WARM_UP_WEIGHTS
            } else {
                SOAK_WEIGHTS
            },
            rng: Rng::new(seed, stream),
            fresh,
            unknown,
        })
    }

    fn pick<'a, T>(&mut self, list: &'a [T]) -> Option<&'a T> {
        if list.is_empty() {
            None
        } else {
            list.get(self.rng.below(list.len()))
        }
    }

    /// A protected route, and the answer for an otherwise valid token with or without scope.
    fn route(&mut self, scoped: bool) -> (&'static str, Expect) {
        if self.rng.below(2) == 0 {
            ("/api/private", Expect::Ok)
        } else if scoped {
            ("/api/private-scoped", Expect::Ok)
        } else {
            ("/api/private-scoped", Expect::InsufficientScope)
        }
    }

    fn refusal(&mut self, value: Option<HeaderValue>, expect: Expect, class: usize) -> Planned {
        let (path, _) = self.route(true);
        Planned {
            path,
            authorization: value,
            expect,
            class,
        }
    }

    fn repeated(&mut self, epoch: usize) -> Planned {
        let pools = Arc::clone(&self.pools);
        let (value, scoped) = self
            .pick(&pools.epochs[epoch].repeated)
            .cloned()
            .map_or((None, false), |(v, s)| (Some(v), s));
        let (path, expect) = self.route(scoped);
        Planned {
            path,
            authorization: value,
            expect,
            class: REPEATED,
        }
    }
}

impl Source for SoakSource {
    fn next(&mut self) -> Option<Planned> {
        let epoch = self
            .epoch
            .load(Ordering::Relaxed)
            .min(self.pools.epochs.len() - 1);
        let pools = Arc::clone(&self.pools);
        let pool = &pools.epochs[epoch];
        let class = self.rng.weighted(&self.weights);
        Some(match class {
            UNIQUE => {
                let (list, next) = if self.warm_up {
                    (&pools.warm_up, &pools.warm_up_next)
                } else {
                    (&pool.unique, &pool.unique_next)
                };
                let n = next.fetch_add(1, Ordering::Relaxed);
                match list.get(n) {
                    Some(value) => {
                        let (path, expect) = self.route(n.is_multiple_of(2));
                        Planned {
                            path,
                            authorization: Some(value.clone()),
                            expect,
                            class: UNIQUE,
                        }
                    }
                    // The pool of this key is used up: a repeated token instead.
                    None => self.repeated(epoch),
                }
            }
            EXPIRED => {
                let v = self.pick(&pool.expired).cloned();
                self.refusal(v, Expect::InvalidToken, EXPIRED)
            }
            BAD_FIXED => self.refusal(Some(pool.bad.clone()), Expect::InvalidToken, BAD_FIXED),
            BAD_FRESH => {
                let v = self.fresh[epoch].next_value().ok();
                self.refusal(v, Expect::InvalidToken, BAD_FRESH)
            }
            MALFORMED => {
                let v = self.pick(&pools.malformed).cloned();
                self.refusal(v, Expect::InvalidRequest, MALFORMED)
            }
            NO_CREDENTIALS => {
                let v = self.pick(&pools.without).cloned().flatten();
                self.refusal(v, Expect::Bare, NO_CREDENTIALS)
            }
            UNKNOWN_KID => {
                let v = self.unknown.next_value().ok();
                self.refusal(v, Expect::InvalidToken, UNKNOWN_KID)
            }
            HOSTILE => {
                let v = self.pick(&pool.hostile).map(|h| h.value.clone());
                self.refusal(v, Expect::InvalidToken, HOSTILE)
            }
            PUBLIC => {
                let v = (self.rng.below(2) == 0)
                    .then(|| self.pick(&pool.repeated).map(|(v, _)| v.clone()))
                    .flatten();
                Planned {
                    path: "/api/public",
                    authorization: v,
                    expect: Expect::Ok,
                    class: PUBLIC,
                }
            }
            _ => self.repeated(epoch),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn every_class_is_drawn_and_single_use_tokens_run_out() {
        let minter = Minter {
            issuer: "http://127.0.0.1:1/".into(),
            audience: "https://api.example.com".into(),
            client_id: "c".into(),
            lifetime: Duration::from_secs(3600),
        };
        let pools = Arc::new(Pools::mint(&minter, 2, 4, 3, 2).unwrap());
        let epoch = Arc::new(AtomicUsize::new(0));
        let mut source =
            SoakSource::new(Arc::clone(&pools), Arc::clone(&epoch), false, 1, 0).unwrap();
        let mut counts = [0usize; CLASSES.len()];
        for i in 0..4000 {
            if i == 2000 {
                epoch.store(1, Ordering::Relaxed);
            }
            let p = source.next().unwrap();
            counts[p.class] += 1;
            let expected_status = match p.class {
                REPEATED | UNIQUE | PUBLIC => [200, 403],
                MALFORMED => [400, 400],
                _ => [401, 401],
            };
            assert!(
                expected_status.contains(&p.expect.status()),
                "class {}",
                p.class
            );
            if p.class == PUBLIC {
                assert_eq!((p.path, p.expect), ("/api/public", Expect::Ok));
            }
            if p.expect == Expect::InsufficientScope {
                assert_eq!(p.path, "/api/private-scoped");
            }
            if p.class == NO_CREDENTIALS {
                let basic = p
                    .authorization
                    .as_ref()
                    .is_some_and(|v| !v.as_bytes().starts_with(b"Bearer"));
                assert!(p.authorization.is_none() || basic);
            }
        }
        assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
        // Four single-use tokens per key, two keys; the warm-up's are not drawn.
        assert_eq!(counts[UNIQUE], 8);
        assert_eq!(pools.unique_used(), (8, 8));
        assert_eq!(pools.warm_up_used(), (0, 3));
        assert_eq!(Pools::clone_fresh(&pools).unique_used(), (0, 8));
    }
}
