//! `GET /.well-known/jwks.json`, the published keys (or the injected `JwksFault`), and
//! `GET /.well-known/openid-configuration`, the discovery document.

use std::collections::BTreeSet;

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::{self, HeaderName};
use serde_json::{Value, json};

use super::faults::{CAPTIVE_PORTAL_HTML, GARBAGE, JwksFault, TestBody};
use super::keys::jwks;
use super::reply::{Refused, Reply, reply};
use super::state::Shared;

/// The served JWKS body, its `Cache-Control`, and the fault, read under one lock.
fn jwks_snapshot(shared: &Shared) -> (Bytes, Option<String>, Option<JwksFault>) {
    let state = shared.lock();
    let body = match &state.jwks_body {
        Some(body) => body.clone(),
        None => jwks(&state.published.iter().collect::<Vec<_>>()).to_string(),
    };
    (
        Bytes::from(body),
        state.cache_control.clone(),
        state.fault.clone(),
    )
}

pub(crate) async fn jwks_answer(shared: &Shared) -> Result<Reply, Refused> {
    const JSON: &str = "application/json; charset=utf-8";
    let (_, _, fault) = jwks_snapshot(shared);
    if let Some(JwksFault::Delay(delay)) = &fault {
        tokio::time::sleep(*delay).await;
    }
    // Read after any delay, so that a rotation during the delay is what gets served.
    let (body, cache_control, _) = jwks_snapshot(shared);
    let cache_headers = |mut headers: Vec<(HeaderName, String)>| {
        if let Some(value) = &cache_control {
            headers.push((header::CACHE_CONTROL, value.clone()));
        }
        headers
    };
    let (status, headers, body) = match fault {
        None | Some(JwksFault::Delay(_)) => (
            StatusCode::OK,
            cache_headers(vec![(header::CONTENT_TYPE, JSON.into())]),
            TestBody::full(body),
        ),
        Some(JwksFault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut headers = vec![(header::CONTENT_TYPE, JSON.to_owned())];
            if matches!(code, 429 | 503) {
                headers.push((header::RETRY_AFTER, "30".to_owned()));
            }
            let reason = status.canonical_reason().unwrap_or("Injected failure");
            let body = json!({ "error": "injected_fault", "error_description": reason,
                               "statusCode": status.as_u16() });
            (status, headers, TestBody::full(body.to_string()))
        }
        Some(JwksFault::Html) => (
            StatusCode::OK,
            vec![(header::CONTENT_TYPE, "text/html; charset=utf-8".into())],
            TestBody::full(CAPTIVE_PORTAL_HTML),
        ),
        Some(JwksFault::Garbage) => (
            StatusCode::OK,
            vec![(header::CONTENT_TYPE, JSON.into())],
            TestBody::full(Bytes::from_static(GARBAGE)),
        ),
        Some(JwksFault::HugeBody(len)) => (
            StatusCode::OK,
            vec![(header::CONTENT_TYPE, JSON.into())],
            TestBody::huge(len),
        ),
        Some(JwksFault::SlowBody { bytes_per_second }) => (
            StatusCode::OK,
            cache_headers(vec![(header::CONTENT_TYPE, JSON.into())]),
            TestBody::drip(body, bytes_per_second),
        ),
        Some(JwksFault::Redirect(location)) => (
            StatusCode::FOUND,
            vec![
                (header::LOCATION, location),
                (header::CONTENT_TYPE, "text/plain".into()),
            ],
            TestBody::full("Found"),
        ),
        Some(JwksFault::Refuse) => return Err(Refused),
        Some(JwksFault::ContentLengthLie) => {
            let claimed = (body.len() + 1024).to_string();
            (
                StatusCode::OK,
                cache_headers(vec![
                    (header::CONTENT_TYPE, JSON.into()),
                    (header::CONTENT_LENGTH, claimed),
                ]),
                TestBody::Unsized(Some(body)),
            )
        }
    };
    let headers: Vec<(HeaderName, &str)> = headers
        .iter()
        .map(|(n, v)| (n.clone(), v.as_str()))
        .collect();
    Ok(reply(status, &headers, body))
}

pub(crate) fn discovery(shared: &Shared) -> Value {
    let algs: BTreeSet<&'static str> = shared
        .lock()
        .published
        .iter()
        .map(|k| k.algorithm().as_str())
        .collect();
    json!({
        "issuer": shared.issuer,
        "authorization_endpoint": shared.url("authorize"),
        "token_endpoint": shared.url("oauth/token"),
        "userinfo_endpoint": shared.url("userinfo"),
        "jwks_uri": shared.url(".well-known/jwks.json"),
        "end_session_endpoint": shared.url("oidc/logout"),
        "pushed_authorization_request_endpoint": shared.url("oauth/par"),
        "code_challenge_methods_supported": ["S256"],
        "response_modes_supported": ["query"],
        "response_types_supported": ["code", "token", "id_token", "code token", "code id_token",
            "token id_token", "code token id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algs.into_iter().collect::<Vec<_>>(),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post",
            "private_key_jwt"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["aud", "auth_time", "created_at", "email", "email_verified", "exp",
            "family_name", "given_name", "iat", "identities", "iss", "name", "nickname",
            "phone_number", "picture", "sub"],
    })
}
