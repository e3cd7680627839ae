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

/// A store of one key in which a refetch for the unknown kid `kid` was just granted (so its
/// cooldown runs), as another task's request would have been granted it.
fn store_after_a_granted_refetch(kid: &str) -> KeyStore {
    let store = store_of(&[&TestKey::rsa(0)]);
    let now = store.inner.clock.now_instant();
    assert!(store.may_refetch_for_unknown_kid(kid, now));
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

/// A kid the store must refuse (its set is loaded, no fetch runs, the cooldown forbids another
/// refetch) is refused from the header by every caller at once. Callers that asked at the same
/// moment must not take each other for a fetch under way: each one sent to the slow road would
/// decode its payload and queue on the fetch lock, and a flood of such tokens would feed itself.
#[test]
fn concurrent_callers_all_refuse_an_unknown_kid_without_waiting() {
    let store = store_after_a_granted_refetch("unpublished");
    store.end_of_granted_refetch_for_tests();
    assert!(store.refuses_unknown_kid("unpublished"));

    let not_refused = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..50_000 {
                    if !store.refuses_unknown_kid("unpublished") {
                        not_refused.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    assert_eq!(not_refused.into_inner(), 0, "callers sent to the slow road");
}

/// While a granted refetch has not ended, a token with an unknown kid is not refused from the
/// header: the refetch may bring its key, so it must wait for it.
#[test]
fn an_unknown_kid_is_not_refused_while_a_granted_refetch_runs() {
    let store = store_after_a_granted_refetch("unpublished");
    assert!(!store.refuses_unknown_kid("unpublished"));
    assert!(!store.refuses_unknown_kid("another"));
    store.end_of_granted_refetch_for_tests();
    assert!(store.refuses_unknown_kid("unpublished"));
}

/// A refetch that failed (nothing listens at the store's URL) no longer counts as under way:
/// the next token with that kid is refused from its header, within the cooldown.
#[tokio::test]
async fn a_failed_refetch_leaves_the_check_refusing_from_the_header() {
    let store = store_of(&[&TestKey::rsa(0)]);
    assert_eq!(
        store.keys_for("unpublished").await.unwrap_err(),
        ErrorKind::UnknownKey
    );
    assert_eq!(store.metrics().failures, 1, "the refetch ran and failed");
    assert!(store.refuses_unknown_kid("unpublished"));
}

/// A refetch whose request is dropped mid-fetch (its caller gave up) no longer counts as under
/// way either.
#[tokio::test]
async fn a_refetch_dropped_mid_fetch_leaves_the_check_refusing_from_the_header() {
    // A listener that accepts and never answers, so the fetch is still waiting when dropped.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/.well-known/jwks.json",
        silent.local_addr().unwrap()
    );
    let store = KeyStore::new(&url, &[Algorithm::RS256], JwksOptions::default()).unwrap();
    store.seed(&jwks(&[&TestKey::rsa(0)]).to_string()).unwrap();

    let waited = tokio::time::timeout(
        std::time::Duration::from_millis(200),
        store.keys_for("unpublished"),
    )
    .await;
    assert!(waited.is_err(), "the fetch should still have been waiting");
    assert_eq!(store.metrics().fetches, 1, "the refetch was under way");
    assert!(store.refuses_unknown_kid("unpublished"));
}
