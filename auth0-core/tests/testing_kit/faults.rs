//! JWKS overrides and every `JwksFault`, over real sockets.

use std::time::{Duration, Instant};

use auth0_core::testing::{JwksFault, TestKey, TestTenant, jwks};
use jsonwebtoken::jwk::JwkSet;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use super::client;

#[tokio::test]
async fn jwks_body_and_cache_control_overrides() {
    let tenant = TestTenant::start().await;
    tenant.set_jwks_body(Some(r#"{"keys":[]}"#.to_owned()));
    tenant.set_cache_control(Some("max-age=0, no-store".to_owned()));
    let response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "max-age=0, no-store");
    assert_eq!(response.text().await.unwrap(), r#"{"keys":[]}"#);

    tenant.set_cache_control(None);
    tenant.set_jwks_body(None);
    let response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert!(response.headers().get("cache-control").is_none());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["keys"][0]["kid"], "rsa-0");
    assert_eq!(tenant.jwks_requests(), 2);
}

#[tokio::test]
async fn status_html_garbage_and_redirect_faults() {
    let tenant = TestTenant::start().await;
    let get = || client().get(tenant.jwks_url()).send();

    tenant.set_fault(JwksFault::Status(503));
    let response = get().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "30");
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());

    tenant.set_fault(JwksFault::Status(500));
    assert_eq!(
        get().await.unwrap().status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    tenant.set_fault(JwksFault::Status(204));
    assert_eq!(get().await.unwrap().status(), StatusCode::NO_CONTENT);

    tenant.set_fault(JwksFault::Html);
    let response = get().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.json::<Value>().await.is_err());

    tenant.set_fault(JwksFault::Garbage);
    let response = get().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<Value>().await.is_err());

    let target = TestTenant::start().await;
    tenant.set_fault(JwksFault::Redirect(target.jwks_url()));
    let response = get().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], target.jwks_url().as_str());
    assert_eq!(
        target.jwks_requests(),
        0,
        "the redirect must not be followed"
    );

    // Other routes are unaffected by JWKS faults.
    let discovery = client().get(tenant.discovery_url()).send().await.unwrap();
    assert_eq!(discovery.status(), StatusCode::OK);

    tenant.clear_fault();
    assert_eq!(get().await.unwrap().status(), StatusCode::OK);
    assert_eq!(tenant.jwks_requests(), 7);
}

#[tokio::test]
async fn huge_body_is_streamed() {
    let tenant = TestTenant::start().await;
    let size = 5 * 1024 * 1024 + 3;
    tenant.set_fault(JwksFault::HugeBody(size));
    let mut response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get("content-length").is_none(),
        "chunked"
    );
    let mut total = 0;
    let mut first = None;
    while let Some(chunk) = response.chunk().await.unwrap() {
        first.get_or_insert_with(|| chunk.clone());
        total += chunk.len();
    }
    assert_eq!(total, size);
    assert!(first.unwrap().starts_with(b"{\"keys\":["));
}

#[tokio::test]
async fn refuse_drops_the_connection() {
    let tenant = TestTenant::start().await;
    tenant.set_fault(JwksFault::Refuse);
    let error = client().get(tenant.jwks_url()).send().await.unwrap_err();
    assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
    assert_eq!(tenant.jwks_requests(), 1);
    // The rest of the tenant still answers.
    let discovery = client().get(tenant.discovery_url()).send().await.unwrap();
    assert_eq!(discovery.status(), StatusCode::OK);
}

#[tokio::test]
async fn delay_and_slow_body() {
    let tenant = TestTenant::start().await;
    tenant.set_fault(JwksFault::Delay(Duration::from_millis(300)));
    let start = Instant::now();
    let response = client().get(tenant.jwks_url()).send().await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<JwkSet>().await.is_ok());

    // 10 bytes/s: headers at once, then one byte per 100 ms.
    tenant.set_fault(JwksFault::SlowBody {
        bytes_per_second: 10,
    });
    let start = Instant::now();
    // Headers at once; the whole body would take minutes at this rate.
    let mut response = tokio::time::timeout(
        Duration::from_secs(60),
        client().get(tenant.jwks_url()).send(),
    )
    .await
    .expect("the headers did not come before the slow body")
    .unwrap();
    let full_len = jwks(&[&TestKey::rsa(0)]).to_string().len() as u64;
    assert_eq!(response.content_length(), Some(full_len));
    let mut received = 0;
    while received < 3 {
        received += response.chunk().await.unwrap().unwrap().len();
    }
    // Three bytes take at least three 100 ms ticks.
    assert!(start.elapsed() >= Duration::from_millis(290));
    assert!(received < 100, "{received} bytes arrived at once");

    // A total deadline sees a timeout, not a body.
    tenant.set_fault(JwksFault::SlowBody {
        bytes_per_second: 1,
    });
    let quick = Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let response = quick.get(tenant.jwks_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let error = response.bytes().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(tenant.jwks_requests(), 3);
}

#[tokio::test]
async fn content_length_lie() {
    let tenant = TestTenant::start().await;
    tenant.set_fault(JwksFault::ContentLengthLie);
    let response = client().get(tenant.jwks_url()).send().await.unwrap();
    let real_len = jwks(&[&TestKey::rsa(0)]).to_string().len() as u64;
    assert_eq!(response.content_length(), Some(real_len + 1024));
    assert!(response.bytes().await.is_err());
}
