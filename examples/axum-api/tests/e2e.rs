//! End to end: the `axum-api` binary started as a user would, checked against the examples'
//! HTTP contract (DESIGN §4) with a test tenant as its Auth0 domain.

use test_support::e2e::contract;

const BIN: &str = env!("CARGO_BIN_EXE_axum-api");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_with_a_tenant() {
    contract::contract_with_a_tenant(BIN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_tenant_without_auth0_domain() {
    contract::dev_tenant_without_auth0_domain(BIN).await;
}

#[test]
fn refuses_an_unusable_environment() {
    contract::refuses_an_unusable_environment(BIN);
}
