//! `PUBLIC_URL`: the `axum-api` binary serves RFC 9728 metadata and names it in 401 challenges.

use test_support::e2e::metadata;

const BIN: &str = env!("CARGO_BIN_EXE_axum-api");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_resource_metadata() {
    metadata::serves_resource_metadata(BIN).await;
}

#[test]
fn refuses_an_unusable_public_url() {
    metadata::refuses_an_unusable_public_url(BIN);
}
