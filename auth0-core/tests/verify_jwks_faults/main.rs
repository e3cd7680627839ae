//! The key store under JWKS faults and abuse (refetch storms, outages, slow or huge or hostile
//! answers, redirects, rotation, Cache-Control abuse), against a real loopback tenant, counting
//! the JWKS requests it receives. Time is driven by a manual clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0_core::jwks::{Clock, JwksOptions, KeyStoreMetrics, ManualClock};
use auth0_core::testing::{JwksFault, TestKey, TestTenant, wait_until};
use auth0_core::{AccessTokenVerifier, ErrorKind};

/// How long a test waits for a background refresh before failing.
const WAIT: Duration = Duration::from_secs(10);

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

struct Fixture {
    tenant: TestTenant,
    clock: Arc<ManualClock>,
    verifier: AccessTokenVerifier,
}

async fn fixture_with(options: JwksOptions) -> Fixture {
    let tenant = TestTenant::start().await;
    let clock = Arc::new(ManualClock::new(now()));
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .clock(clock.clone())
        .jwks_options(options)
        .cache(false)
        .build()
        .unwrap();
    Fixture {
        tenant,
        clock,
        verifier,
    }
}

async fn fixture() -> Fixture {
    fixture_with(JwksOptions::default()).await
}

impl Fixture {
    async fn kind(&self, token: &str) -> ErrorKind {
        self.verifier
            .verify(token)
            .await
            .expect_err("refused")
            .kind()
            .clone()
    }
    /// A valid token minted at the fixture clock's time.
    fn token(&self) -> String {
        let n = self.clock.now_unix();
        self.tenant.token().iat(n).exp(n + 3600).sign()
    }
    async fn ok(&self) {
        let token = self.token();
        self.verifier.verify(&token).await.unwrap();
    }
    fn random_kid_token(&self, i: usize) -> String {
        self.tenant.token().kid(format!("random-{i}")).sign()
    }
    fn hits(&self) -> usize {
        self.tenant.jwks_requests()
    }
    /// Waits for a background refresh to reach the tenant: `n` JWKS requests in all.
    async fn wait_for_hits(&self, n: usize) {
        let what = format!("{n} JWKS requests (a background refresh)");
        wait_until(WAIT, &what, || self.hits() >= n).await;
    }
    fn metrics(&self) -> KeyStoreMetrics {
        self.verifier.metrics()[0].1.clone()
    }
    /// Waits for the key store to reach a state, typically the end of a background refresh.
    async fn wait_for_store(&self, what: &str, state: impl Fn(&KeyStoreMetrics) -> bool) {
        wait_until(WAIT, what, || state(&self.metrics())).await;
    }
}

mod outages;
mod refetch;
mod refresh;
