//! The store's choices at a point where another task's fetch interleaves, driven by hand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::jwks::options::JwksOptions;
use crate::testing::{TestKey, jwks};

/// A store of `keys` that will never reach its URL (nothing listens on port 1).
fn store_of(keys: &[&TestKey]) -> KeyStore {
    let store = KeyStore::new(
        "http://127.0.0.1:1/.well-known/jwks.json",
        &[Algorithm::RS256],
        JwksOptions::default(),
    )
    .unwrap();
    store.seed(&jwks(keys).to_string()).unwrap();
    store
}

/// A task read the set before another task's refetch for a newly published key stored the new
/// set; that refetch's cooldown now forbids a second one. The task must find the key in the set
/// the refetch brought, not refuse the token as signed by an unknown key.
#[tokio::test]
async fn a_key_brought_by_a_refetch_that_ended_after_the_set_was_read_is_found() {
    let (old, new) = (TestKey::rsa(0), TestKey::rsa(1));
    let store = store_of(&[&old]);
    let before = store.inner.current.load_full();
    let observed = store.inner.attempts.load(Ordering::Acquire);
    // The other task's refetch: granted (and recorded, which starts the cooldown), then its
    // result stored.
    let now = store.inner.clock.now_instant();
    assert!(store.may_refetch_for_unknown_kid(new.kid(), now));
    store.seed(&jwks(&[&old, &new]).to_string()).unwrap();

    let found = store
        .keys_for_after_reading(new.kid(), before, observed, now)
        .await
        .expect("the key the refetch brought");
    assert!(found.get(new.kid()).is_some());
    // A kid that neither set has is still refused, without a fetch.
    assert_eq!(
        store
            .keys_for_after_reading(
                "never-published",
                store.inner.current.load_full(),
                observed,
                now
            )
            .await
            .unwrap_err(),
        ErrorKind::UnknownKey
    );
}
