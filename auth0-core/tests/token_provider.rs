//! `TokenProvider` against the loopback dev tenant: single-flight, refresh ahead of expiry on a
//! manual clock, failures and back-off, per-key caching, and the reqwest helper on a real
//! request to a real API server that verifies the token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use auth0_core::client::{
    AccessToken, AuthenticationClient, RequestBuilderExt as _, TokenErrorKind, TokenProvider,
    TokenProviderBuilder,
};
use auth0_core::jwks::ManualClock;
use auth0_core::testing::{TestTenant, wait_until};
use auth0_core::{AccessTokenVerifier, Claims};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::AUTHORIZATION;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

const DEADLINE: Duration = Duration::from_secs(20);
const S: fn(u64) -> Duration = Duration::from_secs;

struct Kit {
    tenant: TestTenant,
    clock: Arc<ManualClock>,
    tokens: TokenProvider,
    audience: String,
}

async fn kit(configure: impl FnOnce(TokenProviderBuilder) -> TokenProviderBuilder) -> Kit {
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

fn client(tenant: &TestTenant) -> AuthenticationClient {
    AuthenticationClient::builder(tenant.domain(), tenant.client_id())
        .client_secret(tenant.client_secret())
        .build()
        .unwrap()
}

fn verifier(tenant: &TestTenant, audience: &str) -> AccessTokenVerifier {
    AccessTokenVerifier::builder(&tenant.domain())
        .audience(audience)
        .build()
        .unwrap()
}

async fn verify(tenant: &TestTenant, audience: &str, token: &AccessToken) -> Arc<Claims> {
    verifier(tenant, audience)
        .verify(token.secret())
        .await
        .unwrap()
}

/// Polls a future once: `Some` when it completes without waiting for anything.
fn poll_once<F: Future>(future: F) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// The token a call hands out at once, from the cache.
fn cached(tokens: &TokenProvider, audience: &str) -> AccessToken {
    match poll_once(tokens.token(audience)) {
        Some(Ok(token)) => token,
        Some(Err(e)) => panic!("no cached token: {e}"),
        None => panic!("the call waited instead of answering from the cache"),
    }
}

impl Kit {
    async fn settled(&self, requests: u64) {
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

/// An API on loopback that records every `Authorization` header and answers 200 with the `sub`
/// of a token the verifier accepts, else 401.
async fn api(verifier: AccessTokenVerifier) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/orders", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (verifier, record) = (verifier.clone(), record.clone());
            let service = service_fn(move |req: Request<Incoming>| {
                let (verifier, record) = (verifier.clone(), record.clone());
                async move {
                    let values = req.headers().get_all(AUTHORIZATION);
                    record.lock().unwrap().extend(
                        values
                            .iter()
                            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                    );
                    let verified = verifier
                        .verify_authorization(values.iter().map(|v| v.as_bytes()))
                        .await;
                    let (status, sub) = match verified {
                        Ok(claims) => (StatusCode::OK, claims.sub.clone()),
                        Err(_) => (StatusCode::UNAUTHORIZED, String::new()),
                    };
                    let mut response = Response::new(Full::new(Bytes::from(sub)));
                    *response.status_mut() = status;
                    Ok::<_, Infallible>(response)
                }
            });
            tokio::spawn(async move {
                let io = TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn the_reqwest_helper_sends_a_bearer_token_the_api_accepts() {
    let k = kit(|b| b).await;
    let (url, seen) = api(verifier(&k.tenant, &k.audience)).await;
    let http = reqwest::Client::new();

    let response = http
        .get(&url)
        .header(AUTHORIZATION, "Bearer replaced")
        .auth0_bearer(&k.tokens, &k.audience)
        .await
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let sub = response.text().await.unwrap();
    assert_eq!(sub, format!("{}@clients", k.tenant.client_id()));
    let token = k.tokens.token(&k.audience).await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [format!("Bearer {}", token.secret())],
        "one header, the provider's"
    );

    let response = http
        .get(&url)
        .auth0_bearer_for(&k.tokens, &k.audience, "org_1")
        .await
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(k.tenant.token_requests(), 2);

    // No token, no request: the error comes before anything is sent.
    let error = http
        .get(&url)
        .auth0_bearer(&k.tokens, "https://unknown.example.com")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::Request);
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert!(!format!("{error} {error:?}").contains(&k.tenant.client_secret()));
}
