//! `AUTH0_DPOP`: the `axum-api` binary accepts DPoP-bound tokens with their proofs.

use test_support::e2e::dpop;

const BIN: &str = env!("CARGO_BIN_EXE_axum-api");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dpop_required() {
    dpop::dpop_required(BIN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dpop_allowed() {
    dpop::dpop_allowed(BIN).await;
}

#[test]
fn refuses_an_unknown_dpop_mode() {
    dpop::refuses_an_unknown_dpop_mode(BIN);
}
