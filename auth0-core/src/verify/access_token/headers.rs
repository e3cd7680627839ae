//! Header segments the verifier has already accepted.
//!
//! A tenant signs every token with one of a few keys, and each key's tokens carry the same
//! header bytes (`{"alg":"RS256","typ":"JWT","kid":"…"}`, encoded). Decoding and checking that
//! header again for every token the cache does not hold is about a tenth of an uncached
//! verification's work outside the signature. Whether a header is acceptable depends only on
//! its bytes and on the verifier's fixed configuration, so a header segment accepted once is
//! accepted again: the verifier remembers a few of them, byte for byte, with the `alg` and
//! `kid` they carry.
//!
//! Only a header whose token then passed its signature check is remembered, so a caller
//! without a signed token cannot fill the list; a header not in the list takes the full road.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::algorithm::Algorithm;

/// How many header segments are remembered (a few keys per issuer, a few issuers).
const REMEMBERED: usize = 8;
/// Longer header segments are never remembered (an ordinary one is about 100 characters).
const LONGEST: usize = 512;

/// One accepted header segment and what it carries.
#[derive(Debug)]
pub(super) struct AcceptedHeader {
    segment: Box<str>,
    pub(super) alg: Algorithm,
    pub(super) kid: Box<str>,
}

/// The most recently accepted header segments, newest first. Read with one `ArcSwap` load,
/// replaced (copy on write) only when a new header is accepted.
#[derive(Debug)]
pub(super) struct AcceptedHeaders {
    list: ArcSwap<Vec<AcceptedHeader>>,
}

impl AcceptedHeaders {
    pub(super) fn new() -> Self {
        Self {
            list: ArcSwap::from_pointee(Vec::new()),
        }
    }

    /// Runs `then` with the accepted header whose segment is exactly `segment`, if any; the
    /// list is borrowed only for that call.
    pub(super) fn with<R>(
        &self,
        segment: &str,
        then: impl FnOnce(&AcceptedHeader) -> R,
    ) -> Option<R> {
        let list = self.list.load();
        list.iter().find(|h| &*h.segment == segment).map(then)
    }

    /// Remembers `segment`, accepted with `alg` and `kid`, dropping the oldest beyond the
    /// bound.
    pub(super) fn remember(&self, segment: &str, alg: Algorithm, kid: &str) {
        if segment.len() > LONGEST {
            return;
        }
        self.list.rcu(|list| {
            if list.iter().any(|h| &*h.segment == segment) {
                return Arc::clone(list);
            }
            let mut next = Vec::with_capacity(REMEMBERED);
            next.push(AcceptedHeader {
                segment: segment.into(),
                alg,
                kid: kid.into(),
            });
            next.extend(list.iter().take(REMEMBERED - 1).map(|h| AcceptedHeader {
                segment: h.segment.clone(),
                alg: h.alg,
                kid: h.kid.clone(),
            }));
            Arc::new(next)
        });
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.list.load().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_exact_segments_newest_first_within_the_bound() {
        let headers = AcceptedHeaders::new();
        assert!(headers.with("eyJh", |_| ()).is_none());
        headers.remember("eyJh", Algorithm::RS256, "k1");
        headers.remember("eyJh", Algorithm::RS256, "k1");
        assert_eq!(headers.len(), 1);
        assert_eq!(
            headers.with("eyJh", |h| h.kid.to_string()).as_deref(),
            Some("k1")
        );
        assert!(
            headers.with("eyJ", |_| ()).is_none(),
            "a prefix is another segment"
        );
        assert!(headers.with("eyJhX", |_| ()).is_none());
        for i in 0..REMEMBERED {
            headers.remember(&format!("h{i}"), Algorithm::ES256, &format!("k{i}"));
        }
        assert_eq!(headers.len(), REMEMBERED);
        assert!(
            headers.with("eyJh", |_| ()).is_none(),
            "the oldest was dropped"
        );
        assert_eq!(
            headers.with(&format!("h{}", REMEMBERED - 1), |h| h.alg),
            Some(Algorithm::ES256)
        );
        headers.remember(&"a".repeat(LONGEST + 1), Algorithm::RS256, "k");
        assert!(headers.with(&"a".repeat(LONGEST + 1), |_| ()).is_none());
    }
}
