//! The access-token verifier against a real loopback tenant with real signed tokens: token
//! structure, algorithm and key selection, time claims, issuer / audience / type, profiles,
//! scopes, organizations, multiple issuers, the verified-token cache.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0_core::jwks::ManualClock;
use auth0_core::testing::{JwksFault, TestKey, TestTenant, TokenBuilder, sign_raw};
use auth0_core::{
    AccessTokenVerifier, AccessTokenVerifierBuilder, Algorithm, ErrorKind, RequiredScopes,
    TokenProfile,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn builder(t: &TestTenant) -> AccessTokenVerifierBuilder {
    AccessTokenVerifier::builder(&t.domain()).audience(t.audience())
}

async fn kind_of(v: &AccessTokenVerifier, token: &str) -> ErrorKind {
    v.verify(token)
        .await
        .expect_err("token should be refused")
        .kind()
        .clone()
}

async fn setup() -> (TestTenant, AccessTokenVerifier) {
    let t = TestTenant::start().await;
    let v = builder(&t).build().unwrap();
    (t, v)
}

mod claims_checks;
mod claims_types;
mod runtime;
mod token_format;
