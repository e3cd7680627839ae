//! Failures: a failing refresh keeps the current token until it is given up, back-off bounds
//! the requests of an outage, `Retry-After` is honoured, a request dropped with its runtime is
//! replaced.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use auth0_core::client::TokenErrorKind;
use auth0_core::testing::wait_until;

use crate::{DEADLINE, S, cached, kit, poll_once, verify};

#[tokio::test]
async fn a_failing_refresh_keeps_the_current_token_until_it_expires() {
    let k = kit(|b| b).await;
    k.tenant.set_token_lifetime(S(600)); // refresh from 540 s, handed out until 570 s
    let first = k.tokens.token(&k.audience).await.unwrap();
    k.tenant.fail_token_requests(500, None);

    k.clock.advance(S(550));
    assert_eq!(cached(&k.tokens, &k.audience).secret(), first.secret());
    k.settled(2).await;
    assert_eq!(k.tokens.metrics().failures, 1);
    // Backing off (at most 1 s after one failure): served from the cache, no request.
    assert_eq!(cached(&k.tokens, &k.audience).secret(), first.secret());
    assert_eq!(k.tokens.metrics().requests, 2);

    k.clock.advance(S(2));
    assert_eq!(cached(&k.tokens, &k.audience).secret(), first.secret());
    k.settled(3).await;

    // Past the margin with the endpoint still failing: the caller gets the error.
    k.clock.advance(S(20));
    let error = k.tokens.token(&k.audience).await.unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::Request);
    assert_eq!(error.client_error().and_then(|e| e.status()), Some(500));
    assert_eq!(
        error.retry_in(),
        None,
        "the error of this call's own request"
    );
    assert_eq!(k.tenant.token_requests(), 4);
    // During the back-off the same error comes at once, without a request.
    let again = poll_once(k.tokens.token(&k.audience)).unwrap().unwrap_err();
    assert!(again.retry_in().is_some_and(|d| d <= S(4)), "{again:?}");
    assert_eq!(again.audience(), k.audience);
    assert!(again.to_string().contains("500"), "{again}");
    assert_eq!(k.tenant.token_requests(), 4);

    // The expired token is never handed out: the call waits for the new one.
    k.clock.advance(S(5));
    k.tenant.hold_token_requests();
    k.tenant.set_token_lifetime(S(900)); // tells the new token from the old one
    assert!(poll_once(k.tokens.token(&k.audience)).is_none());
    k.tenant.restore_token_requests();
    k.settled(5).await;
    let fresh = cached(&k.tokens, &k.audience);
    assert_ne!(fresh.secret(), first.secret());
    verify(&k.tenant, &k.audience, &fresh).await;
}

#[tokio::test]
async fn back_off_limits_requests_during_an_outage() {
    let k = kit(|b| b).await; // back-off from 1 s to 60 s
    k.tenant.fail_token_requests(503, None);
    for _ in 0..600 {
        let error = k.tokens.token(&k.audience).await.unwrap_err();
        assert_eq!(error.kind(), TokenErrorKind::Request);
        k.clock.advance(S(1));
    }
    // Ten minutes of calls, once a second: waits of 1, 2, 4 … 60 s (each between half and all
    // of its step) allow 15 to 25 requests; without a back-off there would be 600.
    let requests = k.tenant.token_requests();
    assert!((12..=28).contains(&requests), "{requests} requests");
    assert_eq!(k.tokens.metrics().failures, requests as u64);

    k.tenant.restore_token_requests();
    k.clock.advance(S(61));
    let token = k.tokens.token(&k.audience).await.unwrap();
    verify(&k.tenant, &k.audience, &token).await;
}

#[tokio::test]
async fn retry_after_from_a_rate_limit_is_honoured() {
    let k = kit(|b| b).await;
    k.tenant.fail_token_requests(429, Some(S(120)));
    let error = k.tokens.token(&k.audience).await.unwrap_err();
    assert!(error.is_rate_limited());
    for _ in 0..11 {
        k.clock.advance(S(10));
        let error = k.tokens.token(&k.audience).await.unwrap_err();
        assert!(error.retry_in().is_some(), "{error:?}");
    }
    assert_eq!(
        k.tenant.token_requests(),
        1,
        "nothing sent within the 120 s asked"
    );

    k.clock.advance(S(25)); // 135 s: past 120 s and its jitter (at most a tenth)
    k.tenant.restore_token_requests();
    k.tokens.token(&k.audience).await.unwrap();
    assert_eq!(k.tenant.token_requests(), 2);
}

#[test]
fn a_request_dropped_with_its_runtime_is_replaced() {
    let main = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let k = main.block_on(kit(|b| b)); // the tenant runs on `main`
    k.tenant.hold_token_requests();

    // A call on another runtime starts the request there; a caller on `main` waits for it.
    let other = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    other.block_on(async { assert!(poll_once(k.tokens.token(&k.audience)).is_none()) });
    let waiting = Arc::new(AtomicBool::new(false));
    let (tokens, audience, flag) = (k.tokens.clone(), k.audience.clone(), waiting.clone());
    let waiter = main.spawn(async move {
        let mut call = pin!(tokens.token(&audience));
        let first = std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await;
        flag.store(true, Ordering::SeqCst);
        assert!(first.is_pending(), "nothing to hand out yet");
        call.await
    });
    main.block_on(wait_until(DEADLINE, "the waiting caller", || {
        waiting.load(Ordering::SeqCst)
    }));

    // That runtime goes away with the request: the waiter starts another one on `main`.
    drop(other);
    k.tenant.restore_token_requests();
    let token = main.block_on(waiter).unwrap().unwrap();
    main.block_on(verify(&k.tenant, &k.audience, &token));
    let m = k.tokens.metrics();
    assert_eq!((m.requests, m.successes, m.failures), (2, 1, 0), "{m:?}");
    drop(k);
}

#[tokio::test]
async fn a_token_expired_on_arrival_is_not_handed_out() {
    let k = kit(|b| b).await;
    k.tenant.set_token_lifetime(S(0));
    let error = k.tokens.token(&k.audience).await.unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::InvalidResponse);
    assert_eq!(k.tokens.metrics().failures, 1);
}
