//! Error answers: the error-shape table of the reference (§3.5) as a table-driven test, the bodies
//! that crash auth0-python (array, number, string, null, HTML, empty), rate-limit data, 3xx, and
//! the opt-in 429 retry policy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client_support;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use auth0_core::client::{AuthenticationClient, Error, ErrorKind, RetryPolicy, UNKNOWN_ERROR_CODE};
use client_support::*;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn fail_with(template: ResponseTemplate) -> (MockServer, Error) {
    let server = MockServer::start().await;
    answer(&server, template).await;
    let err = with_secret(&server, "clsec")
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap_err();
    (server, err)
}

struct Row {
    status: u16,
    body: &'static str,
    content_type: &'static str,
    code: &'static str,
    message: &'static str,
}

const JSON: &str = "application/json";
const TEXT: &str = "text/plain";
const HTML: &str = "text/html";

const fn row(
    status: u16,
    body: &'static str,
    content_type: &'static str,
    code: &'static str,
    message: &'static str,
) -> Row {
    Row {
        status,
        body,
        content_type,
        code,
        message,
    }
}

/// The reference's table (§3.5), then the crash cases and the rows where this client reads more
/// than auth0-python (`description`, null or empty candidates skipped).
const TABLE: &[Row] = &[
    row(
        400,
        r#"{"error":"e0","error_description":"desc"}"#,
        JSON,
        "e0",
        "desc",
    ),
    row(
        400,
        r#"{"code":"e0","error_description":"desc"}"#,
        JSON,
        "e0",
        "desc",
    ),
    row(
        400,
        r#"{"error_description":"desc"}"#,
        JSON,
        UNKNOWN_ERROR_CODE,
        "desc",
    ),
    row(
        400,
        r#"{"error":"invalid_grant"}"#,
        JSON,
        "invalid_grant",
        "invalid_grant",
    ),
    row(
        400,
        r#"{"statusCode":400,"error":"Bad Request","message":"Payload validation error","errorCode":"invalid_body"}"#,
        JSON,
        "invalid_body",
        "Payload validation error",
    ),
    row(
        400,
        r#"{"errorCode":"ec","error":"e","code":"c","message":"msg","error_description":"desc"}"#,
        JSON,
        "ec",
        "desc",
    ),
    row(400, r#"{"message":"","error":"e"}"#, JSON, "e", "e"),
    // auth0-python: message "" (it never reads `description`).
    row(
        400,
        r#"{"code":"invalid_signup","description":"Invalid sign up"}"#,
        JSON,
        "invalid_signup",
        "Invalid sign up",
    ),
    row(
        400,
        "there has been a terrible error",
        TEXT,
        UNKNOWN_ERROR_CODE,
        "there has been a terrible error",
    ),
    row(400, "", TEXT, UNKNOWN_ERROR_CODE, ""),
    row(
        429,
        r#"{"error":"too_many_requests","error_description":"Global limit has been reached"}"#,
        JSON,
        "too_many_requests",
        "Global limit has been reached",
    ),
    // auth0-python: message None / code None.
    row(
        400,
        r#"{"error_description":null,"message":"m","error":"e"}"#,
        JSON,
        "e",
        "m",
    ),
    row(400, r#"{"error":null,"code":"c"}"#, JSON, "c", ""),
    row(
        500,
        r#"{"code":42,"message":"numeric code"}"#,
        JSON,
        "42",
        "numeric code",
    ),
    // Crash cases of auth0-python (AttributeError / TypeError there).
    row(400, "[1,2]", JSON, UNKNOWN_ERROR_CODE, "[1,2]"),
    row(400, "42", JSON, UNKNOWN_ERROR_CODE, "42"),
    row(
        400,
        r#""just a string""#,
        JSON,
        UNKNOWN_ERROR_CODE,
        "just a string",
    ),
    row(400, "null", JSON, UNKNOWN_ERROR_CODE, "null"),
    row(
        502,
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        HTML,
        UNKNOWN_ERROR_CODE,
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    ),
    row(503, "   ", TEXT, UNKNOWN_ERROR_CODE, ""),
];

#[tokio::test]
async fn error_shape_table() {
    for r in TABLE {
        let template = ResponseTemplate::new(r.status)
            .insert_header("x-request-id", "req-1")
            .set_body_raw(r.body, r.content_type);
        let (_server, err) = fail_with(template).await;
        let what = r.body;
        assert_eq!(err.kind(), ErrorKind::Api, "{what}");
        let api = err.api().unwrap();
        assert_eq!(api.status(), r.status, "{what}");
        assert_eq!(api.error_code(), r.code, "{what}");
        assert_eq!(api.message(), r.message, "{what}");
        assert_eq!(api.body(), r.body.as_bytes(), "{what}: raw body kept");
        assert_eq!(
            api.headers().get("x-request-id"),
            Some("req-1"),
            "{what}: headers kept"
        );
        assert_eq!(api.is_rate_limited(), r.status == 429, "{what}");
        assert!(
            err.to_string().contains(&r.status.to_string()),
            "{what}: {err}"
        );
    }
}

#[tokio::test]
async fn post_error_for_several_statuses() {
    for status in [400, 401, 403, 404, 409, 500, 503] {
        let (_s, err) = fail_with(
            ResponseTemplate::new(status)
                .set_body_json(json!({"error": "e0", "error_description": "desc"})),
        )
        .await;
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.error_code(), Some("e0"));
        assert_eq!(err.message(), Some("desc"));
    }
}

#[tokio::test]
async fn mfa_required() {
    let (_s, err) = fail_with(ResponseTemplate::new(403).set_body_json(json!({
        "error": "mfa_required",
        "error_description": "Multifactor authentication required",
        "mfa_token": "Fe26...Ha"
    })))
    .await;
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.error_code(), Some("mfa_required"));
    assert_eq!(err.message(), Some("Multifactor authentication required"));
    assert_eq!(err.mfa_token(), Some("Fe26...Ha"));
    assert_eq!(err.api().unwrap().json().unwrap()["mfa_token"], "Fe26...Ha");
    assert!(
        !format!("{err:?} {err}").contains("Fe26"),
        "the MFA token is not printed"
    );
}

#[tokio::test]
async fn rate_limit_error() {
    let (_s, err) = fail_with(
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-limit", "3")
            .insert_header("x-ratelimit-remaining", "6")
            .insert_header("x-ratelimit-reset", "9")
            .set_body_json(json!({"statusCode": 429, "error": "e0", "error_description": "desc"})),
    )
    .await;
    assert!(err.is_rate_limited());
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.error_code(), Some("e0"));
    assert_eq!(err.message(), Some("desc"));
    assert_eq!(err.reset_at(), Some(9));
    let headers = err.headers().unwrap();
    assert_eq!(headers.get("x-ratelimit-limit"), Some("3"));
    assert_eq!(headers.get("x-ratelimit-remaining"), Some("6"));
    assert_eq!(headers.get("X-RateLimit-Reset"), Some("9"));
}

#[tokio::test]
async fn rate_limit_error_without_headers() {
    let (_s, err) = fail_with(
        ResponseTemplate::new(429)
            .set_body_json(json!({"statusCode": 429, "error": "e0", "error_description": "desc"})),
    )
    .await;
    assert!(err.is_rate_limited());
    assert_eq!(err.reset_at(), None);
    assert_eq!(err.retry_after(), None);
    assert!(!err.headers().unwrap().contains("x-ratelimit-reset"));
}

#[tokio::test]
async fn empty_body_429_keeps_headers() {
    let (_s, err) = fail_with(
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-reset", "1700000000")
            .insert_header("retry-after", "7"),
    )
    .await;
    assert_eq!(err.error_code(), Some(UNKNOWN_ERROR_CODE));
    assert_eq!(err.message(), Some(""));
    assert_eq!(err.reset_at(), Some(1_700_000_000));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn unreadable_rate_limit_headers_are_none() {
    for value in ["abc", "1.5", "-1", "99999999999999999999999"] {
        let (_s, err) = fail_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-reset", value)
                .insert_header("retry-after", value),
        )
        .await;
        assert_eq!(err.reset_at(), None, "{value}");
        assert_eq!(err.retry_after(), None, "{value}");
        assert_eq!(err.headers().unwrap().get("x-ratelimit-reset"), Some(value));
    }
}

#[tokio::test]
async fn retry_after_http_date() {
    let later = SystemTime::now() + Duration::from_secs(120);
    let (_s, err) = fail_with(
        ResponseTemplate::new(429).insert_header("retry-after", httpdate_of(later).as_str()),
    )
    .await;
    let wait = err.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
}

fn httpdate_of(t: SystemTime) -> String {
    // IMF-fixdate, formatted by hand to avoid a test-only dependency.
    let secs = t.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let days = secs / 86400;
    let (h, m, s) = ((secs % 86400) / 3600, (secs % 3600) / 60, secs % 60);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil-from-days (Howard Hinnant).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(mo - 1) as usize];
    format!("{weekday}, {d:02} {month} {y} {h:02}:{m:02}:{s:02} GMT")
}

#[tokio::test]
async fn invalid_utf8_error_body() {
    let (_s, err) =
        fail_with(ResponseTemplate::new(400).set_body_raw(vec![0xff, 0xfe, b'x'], TEXT)).await;
    assert_eq!(err.error_code(), Some(UNKNOWN_ERROR_CODE));
    assert!(err.message().unwrap().ends_with('x'));
}

#[tokio::test]
async fn redirects_are_errors_and_not_followed() {
    let server = MockServer::start().await;
    let location = format!("{}/elsewhere", server.uri());
    answer(
        &server,
        ResponseTemplate::new(302).insert_header("location", location.as_str()),
    )
    .await;
    let err = with_secret(&server, "clsec")
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(302));
    assert_eq!(
        err.headers().unwrap().get("location"),
        Some(location.as_str())
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "the redirect is not followed"
    );
}

#[tokio::test]
async fn success_with_undecodable_body_is_a_decode_error() {
    for body in [
        "",
        "not json",
        r#"{"access_token": 5}"#,
        r#"{"token_type":"Bearer"}"#,
        "[]",
    ] {
        let server = MockServer::start().await;
        answer(&server, ResponseTemplate::new(200).set_body_raw(body, JSON)).await;
        let err = public(&server)
            .get_token()
            .client_credentials("aud")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{body:?}: {err}");
        assert!(err.api().is_none());
        assert_eq!(err.route(), Some("POST /oauth/token"));
    }
}

#[tokio::test]
async fn decode_error_never_quotes_tokens() {
    let server = MockServer::start().await;
    answer_json(
        &server,
        json!({"access_token": "SECRET-AT", "expires_in": "SECRET-EXP"}),
    )
    .await;
    let err = public(&server)
        .get_token()
        .refresh_token("rt")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let text = format!("{err} {err:?}");
    assert!(!text.contains("SECRET"), "{text}");
}

#[tokio::test]
async fn oversized_answer_is_refused() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_raw(vec![b' '; 5 * 1024 * 1024], TEXT),
    )
    .await;
    let err = public(&server)
        .enterprise()
        .wsfed_metadata()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

// ---- retry policy ----

async fn retry_server(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    answer_json(&server, token_json()).await;
    server
}

fn too_many(retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("retry-after", retry_after)
        .set_body_json(json!({"error": "too_many_requests"}))
}

#[tokio::test]
async fn no_retry_by_default() {
    let server = retry_server(too_many("0"), 1).await;
    let err = with_secret(&server, "clsec")
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn retries_429_after_retry_after_zero_with_a_fresh_assertion() {
    let server = retry_server(too_many("0"), 1).await;
    let key = rsa_key();
    let auth = builder(&server)
        .client_assertion(&key.private_pem, None)
        .retry_policy(RetryPolicy::new())
        .build()
        .unwrap();
    let token = auth.get_token().client_credentials("aud").await.unwrap();
    assert_eq!(token.access_token, "at-value");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let a0 = json_body(&requests[0])["client_assertion"].clone();
    let a1 = json_body(&requests[1])["client_assertion"].clone();
    assert_ne!(a0, a1, "every attempt mints a new assertion");
}

#[tokio::test]
async fn retries_429_after_retry_after_one_second() {
    let server = retry_server(too_many("1"), 1).await;
    let auth = builder(&server)
        .client_secret("clsec")
        .retry_policy(RetryPolicy::new())
        .build()
        .unwrap();
    let started = Instant::now();
    auth.get_token().client_credentials("aud").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "the server's wait is honoured"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn retries_using_ratelimit_reset_when_no_retry_after() {
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let first =
        ResponseTemplate::new(429).insert_header("x-ratelimit-reset", reset.to_string().as_str());
    let server = retry_server(first, 1).await;
    builder(&server)
        .retry_policy(RetryPolicy::new())
        .build()
        .unwrap()
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn gives_up_after_max_retries() {
    let server = retry_server(too_many("0"), 100).await;
    let err = builder(&server)
        .retry_policy(RetryPolicy::new().max_retries(2))
        .build()
        .unwrap()
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn does_not_wait_longer_than_the_cap() {
    let server = retry_server(too_many("3600"), 1).await;
    let err = builder(&server)
        .retry_policy(RetryPolicy::new().max_delay(Duration::from_secs(2)))
        .build()
        .unwrap()
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let server = retry_server(ResponseTemplate::new(500), 1).await;
    let err = builder(&server)
        .retry_policy(RetryPolicy::new())
        .build()
        .unwrap()
        .get_token()
        .client_credentials("aud")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[test]
fn error_is_send_sync_and_std_error() {
    fn check<T: Send + Sync + std::error::Error + 'static>() {}
    check::<Error>();
    check_send::<AuthenticationClient>();
}

fn check_send<T: Send + Sync + Clone>() {}
