//! What web-app login costs a request: opening the sealed session cookie of a logged-in user
//! (AES-256-GCM-SIV, JSON, lifetime checks) against a request without one, and resealing it when
//! its rolling deadline moves (at most once a minute per session).
//!
//! `cargo bench -p auth0-core --features testing --bench webapp_session`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use auth0_core::testing::{TestKey, TokenBuilder};
use auth0_core::webapp::{Session, WebApp, WebRequest};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

const SECRET: &str = "5f2b9c0e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a";

/// A session as a login leaves it: an ID token, an access token for an API, a refresh token and
/// the usual profile claims, last touched two minutes ago (so that the next request reseals it).
fn session() -> Session {
    let key = TestKey::rsa(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let user = json!({
        "iss": "https://tenant.example.com/", "sub": "auth0|alice", "aud": "client-id",
        "iat": now, "exp": now + 36_000, "auth_time": now, "sid": "Ufh9aM7b1Rpi_s1r8tw2cQ",
        "nonce": "FAAFwKSMqWZh8SiY41gPDEsG7QWsK1Eq091pmRB9FWM", "name": "Alice Example",
        "nickname": "alice", "email": "alice@example.com", "email_verified": true,
        "picture": "https://tenant.example.com/avatars/alice.svg",
        "updated_at": "2026-11-29T21:58:04.000Z",
    });
    let id_token = TokenBuilder::new(&key)
        .iss("https://tenant.example.com/")
        .sub("auth0|alice")
        .aud("client-id")
        .claim("name", "Alice Example")
        .claim("email", "alice@example.com")
        .claim("picture", "https://tenant.example.com/avatars/alice.svg")
        .sign();
    let access_token = TokenBuilder::new(&key)
        .iss("https://tenant.example.com/")
        .sub("auth0|alice")
        .aud("https://api.example.com")
        .scope("openid profile email offline_access read:messages")
        .sign();
    serde_json::from_value(json!({
        "sid": "G0cJ1nXo2yqJb0d3Vd3gq6Yt9qK3m8xW1s7lD5pR4eA",
        "user": user,
        "id_token": id_token,
        "access_token": { "token": access_token, "expires_at": now + 86_400,
                          "scope": "openid profile email offline_access read:messages" },
        "refresh_token": "v1.MbR8dH3kP0aQ2xZ7yT5uW9iO4eN6cV1bL8mK3jH2gF0dS",
        "created_at": now - 120,
        "touched_at": now - 120,
    }))
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let app = WebApp::builder("tenant.example.com", "client-id", "https://app.example.com")
        .client_secret("client-secret")
        .secret(SECRET)
        .audience("https://api.example.com")
        .build()
        .unwrap();
    let touched = app.resume(Some(session()));
    let cookies = app.finish(&touched);
    let header = cookies
        .iter()
        .map(|c| c.header_value().split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let mut group = c.benchmark_group("webapp_session");
    group.bench_function("request without a session cookie", |b| {
        b.iter(|| {
            let request = WebRequest::new("GET", "/", None).header("accept", b"text/html");
            let handle = app.load(black_box(&request));
            black_box(app.finish(&handle));
        })
    });
    group.bench_function(
        format!(
            "request with a logged-in session cookie ({} bytes)",
            header.len()
        ),
        |b| {
            b.iter(|| {
                let request = WebRequest::new("GET", "/", None)
                    .header("cookie", black_box(header.as_bytes()));
                let handle = app.load(&request);
                assert!(handle.is_authenticated());
                black_box(app.finish(&handle));
            })
        },
    );
    group.bench_function(
        "resealing a touched session (once a minute per session)",
        |b| b.iter(|| black_box(app.finish(black_box(&touched)))),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
