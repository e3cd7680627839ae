//! End to end: the `axum-api` binary started as a user would, checked against the examples'
//! HTTP contract (DESIGN §4) with a test tenant as its Auth0 domain.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../auth0-tower/tests/support/mod.rs"]
mod support;

#[path = "../../support/e2e/contract.rs"]
mod contract;

use auth0_core::testing::{JwksFault, TestTenant};

const BIN: &str = env!("CARGO_BIN_EXE_axum-api");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_with_a_tenant() {
    let tenant = TestTenant::start().await;
    // The JWKS endpoint is down before the first request: a cold outage.
    tenant.set_fault(JwksFault::Status(500));
    let port = contract::free_port();
    let api = contract::start(
        BIN,
        &[
            ("AUTH0_DOMAIN", tenant.domain()),
            ("AUTH0_AUDIENCE", tenant.audience()),
            ("PORT", port.to_string()),
        ],
    );
    assert_eq!(api.base, format!("http://127.0.0.1:{port}"));
    contract::check_cold_outage_then_recovery(&api.base, &tenant).await;
    // Rotation first: the contract's unknown-kid probe starts the refetch cooldown.
    contract::check_rotation(&api.base, &tenant).await;
    contract::check_contract(&api.base, &tenant).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_tenant_without_auth0_domain() {
    let api = contract::start(BIN, &[("PORT", contract::free_port().to_string())]);
    let public =
        support::answer(support::get(&format!("{}/api/public", api.base), &[]).await).await;
    assert_eq!(public.status, 200);
    contract::check_dev_banner(&api).await;
    #[cfg(unix)]
    {
        let status = api.interrupt();
        assert!(status.success(), "graceful shutdown on Ctrl-C: {status:?}");
    }
}

#[test]
fn refuses_an_unusable_environment() {
    let cases = [
        (
            vec![("AUTH0_DOMAIN", "my-tenant.us.auth0.com".to_owned())],
            "AUTH0_AUDIENCE",
        ),
        (
            vec![
                ("AUTH0_DOMAIN", String::new()),
                ("AUTH0_AUDIENCE", "https://api".to_owned()),
            ],
            "AUTH0_DOMAIN",
        ),
        (
            vec![
                ("AUTH0_DOMAIN", "http://example.com".to_owned()),
                ("AUTH0_AUDIENCE", "https://api".to_owned()),
            ],
            "AUTH0_DOMAIN",
        ),
        (vec![("PORT", "http".to_owned())], "PORT"),
    ];
    for (env, mentioned) in cases {
        let (status, stdout, stderr) = contract::run_to_failure(BIN, &env);
        assert!(!status.success(), "{env:?}");
        assert!(stderr.contains(mentioned), "{env:?}: {stderr}");
        assert!(!stdout.contains("listening on"), "{env:?}: {stdout}");
    }
}
