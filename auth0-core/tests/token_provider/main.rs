//! `TokenProvider` against the loopback dev tenant: single-flight, refresh ahead of expiry on a
//! manual clock, per-key caching (here); failures and back-off (`failures`); the reqwest helper
//! on a real request to a real API server that verifies the token (`reqwest_helper`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod failures;
mod reqwest_helper;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use auth0_core::client::{AccessToken, AuthenticationClient, TokenProvider, TokenProviderBuilder};
use auth0_core::jwks::ManualClock;
use auth0_core::testing::{TestTenant, wait_until};
use auth0_core::{AccessTokenVerifier, Claims};
use tokio::task::JoinSet;

const DEADLINE: Duration = Duration::from_secs(20);
pub(crate) const S: fn(u64) -> Duration = Duration::from_secs;

pub(crate) struct Kit {
    tenant: TestTenant,
    clock: Arc<ManualClock>,
    tokens: TokenProvider,
    audience: String,
}

pub(crate) async fn kit(
    configure: impl FnOnce(TokenProviderBuilder) -> TokenProviderBuilder,
) -> Kit {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let tokens = configure(TokenProvider::builder(client(&tenant)).clock(clock.clone())).build();
    let audience = tenant.audience();
    Kit {
        tenant,
        clock,
        tokens,
        audience,
    }
}

pub(crate) fn client(tenant: &TestTenant) -> AuthenticationClient {
    AuthenticationClient::builder(tenant.domain(), tenant.client_id())
        .client_secret(tenant.client_secret())
        .build()
        .unwrap()
}

pub(crate) fn verifier(tenant: &TestTenant, audience: &str) -> AccessTokenVerifier {
    AccessTokenVerifier::builder(&tenant.domain())
        .audience(audience)
        .build()
        .unwrap()
}

pub(crate) async fn verify(
    tenant: &TestTenant,
    audience: &str,
    token: &AccessToken,
) -> Arc<Claims> {
    verifier(tenant, audience)
        .verify(token.secret())
        .await
        .unwrap()
}

/// Polls a future once: `Some` when it completes without waiting for anything.
pub(crate) fn poll_once<F: Future>(future: F) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// The token a call hands out at once, from the cache.
pub(crate) fn cached(tokens: &TokenProvider, audience: &str) -> AccessToken {
    match poll_once(tokens.token(audience)) {
        Some(Ok(token)) => token,
        Some(Err(e)) => panic!("no cached token: {e}"),
        None => panic!("the call waited instead of answering from the cache"),
    }
}

impl Kit {
    pub(crate) async fn settled(&self, requests: u64) {
        wait_until(
            DEADLINE,
            format_args!("{requests} finished requests"),
            || {
                let m = self.tokens.metrics();
                m.requests == requests && m.successes + m.failures == requests
            },
        )
        .await;
    }
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_callers_cause_one_request() {
    let k = kit(|b| b).await;
    k.tenant.hold_token_requests();
    let waiting = Arc::new(AtomicUsize::new(0));
    let mut callers = JoinSet::new();
    for _ in 0..100 {
        let (tokens, audience, waiting) = (k.tokens.clone(), k.audience.clone(), waiting.clone());
        callers.spawn(async move {
            let mut call = pin!(tokens.token(&audience));
            let first = std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await;
            waiting.fetch_add(1, Ordering::SeqCst);
            match first {
                Poll::Ready(outcome) => outcome,
                Poll::Pending => call.await,
            }
        });
    }
    // Every caller has made its call while the one request is held at the tenant.
    wait_until(DEADLINE, "100 callers and 1 held request", || {
        waiting.load(Ordering::SeqCst) == 100 && k.tenant.token_requests() == 1
    })
    .await;
    assert_eq!(k.tokens.metrics().requests, 1);
    k.tenant.restore_token_requests();

    let tokens: Vec<AccessToken> = callers
        .join_all()
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(tokens.len(), 100);
    assert!(tokens.iter().all(|t| t.secret() == tokens[0].secret()));
    assert_eq!(k.tenant.token_requests(), 1);
    let claims = verify(&k.tenant, &k.audience, &tokens[0]).await;
    assert_eq!(claims.sub, format!("{}@clients", k.tenant.client_id()));
    assert_eq!(claims.gty.as_deref(), Some("client-credentials"));
    assert_eq!(
        format!("{:?} {:?}", tokens[0], k.tokens),
        format!("AccessToken([redacted]) {:?}", k.tokens)
    );
    let shown = format!("{:?}", k.tokens);
    assert!(!shown.contains(tokens[0].secret()) && !shown.contains(&k.tenant.client_secret()));
}

#[tokio::test]
async fn refresh_starts_ahead_of_expiry_and_callers_never_wait() {
    let k = kit(|b| b).await;
    k.tenant.set_token_lifetime(S(3_600)); // refresh from 3 240 s, handed out until 3 570 s
    let first = k.tokens.token(&k.audience).await.unwrap();

    k.clock.advance(S(3_000));
    assert_eq!(cached(&k.tokens, &k.audience).secret(), first.secret());
    assert_eq!(k.tokens.metrics().requests, 1);

    // In the refresh window, with the token endpoint held: the call is answered at once with
    // the current token and the refresh goes on in the background.
    k.clock.advance(S(300));
    k.tenant.hold_token_requests();
    k.tenant.set_token_lifetime(S(7_200)); // tells the new token from the old one
    assert_eq!(cached(&k.tokens, &k.audience).secret(), first.secret());
    wait_until(DEADLINE, "the background refresh", || {
        k.tenant.token_requests() == 2
    })
    .await;
    assert_eq!(cached(&k.tokens, &k.audience).secret(), first.secret());
    assert_eq!(k.tokens.metrics().requests, 2, "one refresh at a time");

    k.tenant.restore_token_requests();
    k.settled(2).await;
    let second = cached(&k.tokens, &k.audience);
    assert_ne!(second.secret(), first.secret());
    let claims = verify(&k.tenant, &k.audience, &second).await;
    assert_eq!(claims.exp - claims.iat, 7_200);
    let m = k.tokens.metrics();
    assert_eq!(
        (m.requests, m.refreshes, m.successes, m.failures),
        (2, 1, 2, 0)
    );
    assert_eq!(k.tenant.token_requests(), 2);
}
#[tokio::test]
async fn each_audience_and_organization_has_its_own_token() {
    let k = kit(|b| b).await;
    let billing = "https://billing.example.com";
    k.tenant.accept_audience(billing);
    for _ in 0..3 {
        k.tokens.token(&k.audience).await.unwrap();
        k.tokens.token(billing).await.unwrap();
    }
    assert_eq!(k.tenant.token_requests(), 2);
    let api = k.tokens.token(&k.audience).await.unwrap();
    let other = k.tokens.token(billing).await.unwrap();
    assert_ne!(api.secret(), other.secret());
    verify(&k.tenant, &k.audience, &api).await;
    verify(&k.tenant, billing, &other).await;

    let for_org = k.tokens.token_for(&k.audience, "org_1").await.unwrap();
    let again = k
        .tokens
        .token_for(&k.audience, Some("org_1"))
        .await
        .unwrap();
    assert_eq!(for_org.secret(), again.secret());
    let claims = verify(&k.tenant, &k.audience, &for_org).await;
    assert_eq!(claims.org_id.as_deref(), Some("org_1"));
    let plain = k.tokens.token_for(&k.audience, None).await.unwrap();
    assert_eq!(plain.secret(), api.secret());
    assert_eq!(k.tenant.token_requests(), 3);
    assert_eq!(k.tokens.metrics().keys, 3);

    let refused = k
        .tokens
        .token("https://unknown.example.com")
        .await
        .unwrap_err();
    assert_eq!(refused.client_error().and_then(|e| e.status()), Some(403));
    assert_eq!(refused.audience(), "https://unknown.example.com");
}
