//! The soak's fault schedule — key rotation every 10 s, two 5 s JWKS outages — and the number
//! of JWKS fetches the key store's rules allow for it.
//!
//! Rotation follows Auth0 (the JWKS always holds the current key, the next ones, and the
//! previous one until it is revoked), with the next keys published [`KEYS_AHEAD`] rotations
//! before their first use. The key store learns new keys only by fetching: its initial fetch,
//! refetches caused by unknown `kid`s (the workload sends a fresh random one all the time, so
//! one happens every 30 s cooldown), and scheduled refreshes (at 80 % of the TTL, 480 s with
//! the tenant's `max-age=600`). A refetch that falls in an outage fails and the next one comes
//! a cooldown later, so successful fetches are at most two cooldowns (60 s) apart: the outages
//! are placed 21 s apart, so no two consecutive refetches can both fail, wherever they fall.
//! Publishing 7 rotations (70 s) ahead then means every key is known to the server before its
//! first use — including first uses that fall inside an outage — and the contract predicts
//! every answer: valid tokens are accepted at all times, and nothing is ever answered 503 (the
//! cached set stays usable through the outages).

use std::time::Duration;

use auth0_core::testing::{JwksFault, TestKey, TestTenant};

/// Seconds between rotations.
pub(crate) const ROTATION: u64 = 10;
/// Rotations between a key's publication and its first use.
pub(crate) const KEYS_AHEAD: usize = 7;
/// The outages: start (s after the soak's start) and length. Each covers a rotation (the first
/// use of a key falls inside an outage), and the first also covers the first unknown-`kid`
/// refetch of the soak: the warm-up (10 s) starts with the initial fetch and an immediate
/// refetch, so the next one is due about 20 s into the soak, and fails.
pub(crate) const OUTAGES: [(u64, u64); 2] = [(17, 5), (38, 5)];
/// Unknown-`kid` refetch cooldown of the key store.
const COOLDOWN: u64 = 30;
/// Scheduled refresh point: 80 % of the TTL given by `max-age=600`.
const REFRESH_AT: u64 = 480;

/// One change the controller makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// Publish `rsa-(epoch + KEYS_AHEAD)`, sign with `rsa-epoch`, retire `rsa-(epoch - 2)`.
    Rotate(usize),
    /// The JWKS endpoint fails (alternately answering 503 and dropping the connection).
    OutageStart(usize),
    /// The JWKS endpoint answers again.
    OutageEnd,
}

/// The faults of one soak of `seconds`, by time from its start.
pub(crate) fn events(seconds: u64) -> Vec<(Duration, Event)> {
    let mut events = Vec::new();
    for epoch in 1..epochs(seconds) {
        events.push((
            Duration::from_secs(epoch as u64 * ROTATION),
            Event::Rotate(epoch),
        ));
    }
    for (i, (start, len)) in OUTAGES.iter().enumerate() {
        events.push((Duration::from_secs(*start), Event::OutageStart(i)));
        events.push((Duration::from_secs(start + len), Event::OutageEnd));
    }
    events.sort_by_key(|(at, _)| *at);
    events
}

/// Signing keys used by a soak of `seconds` (epochs 0..n).
pub(crate) fn epochs(seconds: u64) -> usize {
    seconds.div_ceil(ROTATION).max(1) as usize
}

/// The fault of outage `i`.
pub(crate) fn fault(i: usize) -> JwksFault {
    if i.is_multiple_of(2) {
        JwksFault::Status(503)
    } else {
        JwksFault::Refuse
    }
}

/// The key of epoch `epoch`.
pub(crate) fn key(epoch: usize) -> TestKey {
    TestKey::rsa(epoch)
}

/// Puts the tenant in the soak's starting state: `rsa-0` … `rsa-KEYS_AHEAD` published,
/// `rsa-0` signing, no other key, no fault, the default `Cache-Control`.
pub(crate) fn reset(tenant: &TestTenant) {
    tenant.clear_fault();
    tenant.set_cache_control(Some(
        auth0_core::testing::DEFAULT_JWKS_CACHE_CONTROL.to_owned(),
    ));
    for epoch in 0..=KEYS_AHEAD {
        tenant.publish_key(key(epoch));
    }
    tenant.use_signing_key(key(0).kid());
    let wanted: Vec<String> = (0..=KEYS_AHEAD).map(|e| key(e).kid().to_owned()).collect();
    for published in tenant.published_keys() {
        if !wanted.iter().any(|k| k == published.kid()) {
            tenant.retire_key(published.kid());
        }
    }
}

/// Applies one event to the tenant.
pub(crate) fn apply(tenant: &TestTenant, event: &Event) {
    match event {
        Event::Rotate(epoch) => {
            tenant.publish_key(key(epoch + KEYS_AHEAD));
            tenant.use_signing_key(key(*epoch).kid());
            if let Some(old) = epoch.checked_sub(2) {
                let kid = key(old).kid().to_owned();
                if tenant.published_keys().iter().any(|k| k.kid() == kid) {
                    tenant.retire_key(&kid);
                }
            }
        }
        Event::OutageStart(i) => tenant.set_fault(fault(*i)),
        Event::OutageEnd => tenant.clear_fault(),
    }
}

/// The most JWKS fetches the key store may make in `elapsed` from its first request under this
/// schedule, with the parts: (initial, unknown-`kid` refetches, scheduled refreshes).
///
/// * initial: 1 (the cold fetch; concurrent cold requests share it);
/// * unknown-`kid` refetches: spaced at least 30 s apart, so at most ⌊elapsed / 30 s⌋ + 1
///   (the first may follow the initial fetch at once: the cooldown is not started by it); the
///   budget of 6 per minute is looser than the cooldown here;
/// * scheduled refreshes: one per 480 s of set age at most, ⌊elapsed / 480 s⌋ (none in a soak
///   where refetches succeed at least every 60 s).
pub(crate) fn jwks_bound(elapsed: Duration) -> (u64, u64, u64) {
    let s = elapsed.as_secs();
    let per_minute_cap = 6 * s.div_ceil(60).max(1);
    let refetches = (s / COOLDOWN + 1).min(per_minute_cap);
    (1, refetches, s / REFRESH_AT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_seconds() {
        let e = events(60);
        let rotations: Vec<_> = e
            .iter()
            .filter_map(|(at, ev)| matches!(ev, Event::Rotate(_)).then_some(at.as_secs()))
            .collect();
        assert_eq!(rotations, [10, 20, 30, 40, 50]);
        assert_eq!(epochs(60), 6);
        assert_eq!(epochs(61), 7);
        // Each outage covers a rotation.
        for (start, len) in OUTAGES {
            assert!(rotations.iter().any(|r| (start..start + len).contains(r)));
        }
        assert_eq!(jwks_bound(Duration::from_secs(75)), (1, 3, 0));
        assert_eq!(jwks_bound(Duration::from_secs(600)), (1, 21, 1));
    }

    #[test]
    fn no_two_consecutive_refetches_fit_in_the_outages() {
        // A refetch at x in one outage is followed by the next one at x + 30 s or later.
        let [(a, la), (b, lb)] = OUTAGES;
        for x in a..a + la {
            let next = x + COOLDOWN;
            assert!(!(b..b + lb).contains(&next), "{x}");
        }
        // Coverage of a fetch exceeds two cooldowns.
        assert!(KEYS_AHEAD as u64 * ROTATION > 2 * COOLDOWN);
    }

    #[test]
    fn rotation_keeps_the_previous_key() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let tenant = TestTenant::start().await;
            reset(&tenant);
            assert_eq!(tenant.published_keys().len(), KEYS_AHEAD + 1);
            for epoch in 1..5 {
                apply(&tenant, &Event::Rotate(epoch));
            }
            let kids: Vec<String> = tenant
                .published_keys()
                .iter()
                .map(|k| k.kid().to_owned())
                .collect();
            assert!(kids.contains(&"rsa-3".to_owned()));
            assert!(kids.contains(&"rsa-4".to_owned()));
            assert!(!kids.contains(&"rsa-2".to_owned()));
            assert!(kids.contains(&"rsa-11".to_owned()));
            assert_eq!(tenant.signing_key().kid(), "rsa-4");
            reset(&tenant);
            assert_eq!(tenant.published_keys().len(), KEYS_AHEAD + 1);
            assert_eq!(tenant.signing_key().kid(), "rsa-0");
        });
    }
}
