//! The `axum-api` binary's request logs never show a credential.

use test_support::e2e::logs;

const BIN: &str = env!("CARGO_BIN_EXE_axum-api");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_never_logged() {
    logs::credentials_never_logged(BIN, true).await;
}
