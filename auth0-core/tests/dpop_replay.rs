//! The DPoP replay store of the verifier, without Redis: the in-memory default, one store shared
//! by two verifiers, and what happens when the store cannot answer (fail closed with a 503, or
//! fail open when asked to).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use auth0_core::testing::{TestKey, TestTenant};
use auth0_core::verify::replay::{
    FailOpen, MemoryReplayStore, ReplayFuture, ReplayKey, ReplayStore, ReplayStoreError,
};
use auth0_core::{
    AccessTokenVerifier, AccessTokenVerifierBuilder, DpopMode, ErrorKind, RequestTarget,
    VerifyError,
};

const URL: &str = "https://api.example.com/api/private";

/// A store that is always down, counting the questions it gets.
#[derive(Debug, Default)]
struct DownStore(AtomicUsize);

impl ReplayStore for DownStore {
    fn check_and_remember<'a>(&'a self, _key: &'a ReplayKey, _ttl: Duration) -> ReplayFuture<'a> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Err(ReplayStoreError::Unavailable("down for the test".into())) })
    }
}

struct Fx {
    tenant: TestTenant,
    client_key: TestKey,
}

impl Fx {
    async fn new() -> Self {
        Self {
            tenant: TestTenant::start().await,
            client_key: TestKey::es256(7),
        }
    }

    fn builder(&self) -> AccessTokenVerifierBuilder {
        AccessTokenVerifier::builder(&self.tenant.domain())
            .audience(self.tenant.audience())
            .dpop(DpopMode::Allowed)
            .dpop_base_url("https://api.example.com")
    }

    fn token(&self) -> String {
        self.tenant
            .token()
            .claim(
                "cnf",
                serde_json::json!({ "jkt": self.client_key.jwk_thumbprint() }),
            )
            .sign()
    }

    fn proof(&self, token: &str) -> String {
        self.client_key.dpop_proof("GET", URL, Some(token)).sign()
    }
}

async fn call(verifier: &AccessTokenVerifier, token: &str, proof: &str) -> Result<(), VerifyError> {
    let auth = format!("DPoP {token}");
    verifier
        .verify_request(
            RequestTarget::new("GET", "/api/private"),
            [auth.as_bytes()],
            [proof.as_bytes()],
        )
        .await
        .map(|_| ())
}

#[tokio::test]
async fn in_memory_default_refuses_a_replay() {
    let f = Fx::new().await;
    let verifier = f.builder().build().unwrap();
    let token = f.token();
    let proof = f.proof(&token);
    call(&verifier, &token, &proof).await.unwrap();
    let err = call(&verifier, &token, &proof).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidDpopProof);
    assert_eq!(verifier.outcome(&err).status, 400);
    call(&verifier, &token, &f.proof(&token)).await.unwrap();
}

#[tokio::test]
async fn separate_in_memory_stores_do_not_see_each_other_but_a_shared_one_does() {
    let f = Fx::new().await;
    let token = f.token();

    // Two instances with their own default stores: the gap a shared store closes.
    let (a, b) = (f.builder().build().unwrap(), f.builder().build().unwrap());
    let proof = f.proof(&token);
    call(&a, &token, &proof).await.unwrap();
    call(&b, &token, &proof).await.unwrap();

    let shared = Arc::new(MemoryReplayStore::new());
    let build = || {
        f.builder()
            .dpop_replay_store(Arc::clone(&shared))
            .build()
            .unwrap()
    };
    let (a, b) = (build(), build());
    let proof = f.proof(&token);
    call(&a, &token, &proof).await.unwrap();
    assert_eq!(
        call(&b, &token, &proof).await.unwrap_err().kind(),
        &ErrorKind::InvalidDpopProof
    );
}

#[tokio::test]
async fn a_store_that_cannot_answer_fails_closed_with_503() {
    let f = Fx::new().await;
    let store = Arc::new(DownStore::default());
    let verifier = f
        .builder()
        .dpop_replay_store(Arc::clone(&store))
        .build()
        .unwrap();
    let token = f.token();
    let err = call(&verifier, &token, &f.proof(&token)).await.unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::ReplayCheckUnavailable { retry_after } if *retry_after > 0
    ));
    let outcome = verifier.outcome(&err);
    assert_eq!(outcome.status, 503);
    assert!(outcome.retry_after.is_some_and(|s| s > 0));
    assert_eq!(outcome.www_authenticate, None);
    assert!(!err.to_string().contains(&token));
    assert_eq!(store.0.load(Ordering::SeqCst), 1);

    // A bad proof is refused before the store is asked.
    let bad = f.client_key.dpop_proof("POST", URL, Some(&token)).sign();
    let err = call(&verifier, &token, &bad).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidDpopProof);
    assert_eq!(store.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn fail_open_accepts_when_the_store_cannot_answer() {
    let f = Fx::new().await;
    let store = Arc::new(DownStore::default());
    let verifier = f
        .builder()
        .dpop_replay_store(FailOpen::new(Arc::clone(&store)))
        .build()
        .unwrap();
    let token = f.token();
    let proof = f.proof(&token);
    call(&verifier, &token, &proof).await.unwrap();
    // The price of failing open: the same proof passes again while the store is down.
    call(&verifier, &token, &proof).await.unwrap();
    assert_eq!(store.0.load(Ordering::SeqCst), 2);
}
