//! The tenant's HTTP/1.1 server: accept loop, routing, JWKS (with faults), discovery and
//! `/userinfo`. `/oauth/token` lives in `token.rs`, the browser login flow in `login/`.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::faults::{CAPTIVE_PORTAL_HTML, GARBAGE, JwksFault, TestBody};
use super::keys::jwks;
use super::tenant::Shared;
use super::{b64_decode, login, now, token};

const JWKS_PATH: &str = "/.well-known/jwks.json";
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
const TOKEN_PATH: &str = "/oauth/token";
const USERINFO_PATH: &str = "/userinfo";
const AUTHORIZE_PATH: &str = "/authorize";
const LOGIN_PATH: &str = "/authorize/login";
const PAR_PATH: &str = "/oauth/par";
const V2_LOGOUT_PATH: &str = "/v2/logout";
const OIDC_LOGOUT_PATH: &str = "/oidc/logout";
const AVATARS_PREFIX: &str = "/avatars/";

pub(crate) type Reply = Response<TestBody>;

/// Returned by the service to make hyper drop the connection without an answer.
#[derive(Debug)]
pub(crate) struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection refused by JwksFault::Refuse")
    }
}

impl std::error::Error for Refused {}

/// Accepts connections until the task is aborted; dropping the task drops the `JoinSet`,
/// which aborts every connection task too.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors or similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |req| handle(Arc::clone(&shared), req));
    let _ = http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Reply, Refused> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let allowed = match path.as_str() {
        JWKS_PATH | DISCOVERY_PATH => "GET, HEAD",
        TOKEN_PATH | LOGIN_PATH | PAR_PATH => "POST",
        USERINFO_PATH => "GET, POST",
        AUTHORIZE_PATH | V2_LOGOUT_PATH | OIDC_LOGOUT_PATH => "GET",
        avatar if avatar.starts_with(AVATARS_PREFIX) => "GET, HEAD",
        _ => return Ok(error(StatusCode::NOT_FOUND, "not_found", "Not Found")),
    };
    match (method, path.as_str()) {
        (Method::GET | Method::HEAD, JWKS_PATH) => {
            shared.jwks_requests.fetch_add(1, Ordering::SeqCst);
            jwks_answer(&shared).await
        }
        (Method::GET | Method::HEAD, DISCOVERY_PATH) => {
            Ok(json_reply(StatusCode::OK, &discovery(&shared), &[]))
        }
        (Method::POST, TOKEN_PATH) => {
            shared.token_requests.fetch_add(1, Ordering::SeqCst);
            Ok(token::handle(&shared, req).await)
        }
        (Method::GET | Method::POST, USERINFO_PATH) => {
            shared.userinfo_requests.fetch_add(1, Ordering::SeqCst);
            Ok(userinfo(&shared, &req))
        }
        (Method::GET, AUTHORIZE_PATH) => Ok(login::authorize(&shared, req.uri().query())),
        (Method::POST, LOGIN_PATH) => Ok(login::login(&shared, req).await),
        (Method::POST, PAR_PATH) => Ok(login::par(&shared, req).await),
        (Method::GET, V2_LOGOUT_PATH) => Ok(login::v2_logout(&shared, req.uri().query())),
        (Method::GET, OIDC_LOGOUT_PATH) => Ok(login::oidc_logout(&shared, req.uri().query())),
        (Method::GET | Method::HEAD, avatar) if avatar.starts_with(AVATARS_PREFIX) => {
            Ok(login::avatar(&shared, avatar))
        }
        _ => {
            let mut reply = error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method Not Allowed",
            );
            reply
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allowed));
            Ok(reply)
        }
    }
}

/// A response with these headers; a header value that cannot be sent (from a test's own input)
/// turns into a 500 naming the header, never a panic.
pub(crate) fn reply(status: StatusCode, headers: &[(HeaderName, &str)], body: TestBody) -> Reply {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    for (name, value) in headers {
        match HeaderValue::from_str(value) {
            Ok(v) => {
                response.headers_mut().insert(name.clone(), v);
            }
            Err(_) => {
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    &format!("invalid {name} value configured in the test tenant"),
                );
            }
        }
    }
    response
}

pub(crate) fn json_reply(
    status: StatusCode,
    body: &Value,
    headers: &[(HeaderName, &str)],
) -> Reply {
    let mut all = vec![(header::CONTENT_TYPE, "application/json; charset=utf-8")];
    all.extend_from_slice(headers);
    reply(status, &all, TestBody::full(body.to_string()))
}

/// Auth0's error shape: `{"error": code, "error_description": description}`.
pub(crate) fn error(status: StatusCode, code: &str, description: &str) -> Reply {
    json_reply(
        status,
        &json!({ "error": code, "error_description": description }),
        &[],
    )
}

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

async fn jwks_answer(shared: &Shared) -> Result<Reply, Refused> {
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

fn discovery(shared: &Shared) -> Value {
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

/// Verifies a compact JWS with the key `pick` chooses from its header, and returns its claims
/// if the signature is valid and `exp`, when present, is a number in the future.
pub(crate) fn verify_token(
    token: &str,
    pick: impl FnOnce(&Value) -> Option<super::TestKey>,
) -> Option<serde_json::Map<String, Value>> {
    let claims = verify_signature(token, pick)?;
    match claims.get("exp") {
        Some(exp) if exp.as_f64()? <= now() as f64 => None,
        _ => Some(claims),
    }
}

/// Verifies a compact JWS with the key `pick` chooses from its header, and returns its claims
/// (a JSON object) if the signature is valid, whatever their times.
pub(crate) fn verify_signature(
    token: &str,
    pick: impl FnOnce(&Value) -> Option<super::TestKey>,
) -> Option<serde_json::Map<String, Value>> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let header: Value = serde_json::from_slice(&b64_decode(h)?).ok()?;
    let key = pick(&header)?;
    let signing_input = &token[..h.len() + 1 + p.len()];
    if !key.verify(signing_input.as_bytes(), &b64_decode(s)?) {
        return None;
    }
    let Value::Object(claims) = serde_json::from_slice(&b64_decode(p)?).ok()? else {
        return None;
    };
    Some(claims)
}

/// Picks the published key whose `kid` and algorithm match the header.
pub(crate) fn published_key(keys: &[super::TestKey], header: &Value) -> Option<super::TestKey> {
    let (kid, alg) = (header.get("kid")?.as_str()?, header.get("alg")?.as_str()?);
    keys.iter()
        .find(|k| k.kid() == kid && k.algorithm().as_str() == alg)
        .cloned()
}

fn unauthorized(challenge: &str, body: Option<(&str, &str)>) -> Reply {
    let mut reply = match body {
        Some((code, description)) => error(StatusCode::UNAUTHORIZED, code, description),
        None => {
            let mut r = Response::new(TestBody::empty());
            *r.status_mut() = StatusCode::UNAUTHORIZED;
            r
        }
    };
    if let Ok(value) = HeaderValue::from_str(challenge) {
        reply.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    reply
}

fn userinfo(shared: &Shared, req: &Request<Incoming>) -> Reply {
    const STANDARD_CLAIMS: [&str; 20] = [
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "email",
        "email_verified",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "phone_number",
        "phone_number_verified",
        "address",
        "updated_at",
        "org_id",
    ];
    let mut values = req.headers().get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        if req.headers().contains_key(header::AUTHORIZATION) {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "More than one Authorization header",
            );
        }
        return unauthorized("Bearer", None);
    };
    let invalid = || {
        unauthorized(
            "Bearer error=\"invalid_token\", error_description=\"Invalid token\"",
            Some(("invalid_token", "Invalid token")),
        )
    };
    let Some((scheme, token)) = value.to_str().ok().and_then(|v| v.split_once(' ')) else {
        return invalid();
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return unauthorized("Bearer", None);
    }
    let published = shared.lock().published.clone();
    let Some(claims) = verify_token(token.trim(), |h| published_key(&published, h)) else {
        return invalid();
    };
    let Some(sub) = claims.get("sub").filter(|s| s.is_string()) else {
        return invalid();
    };
    let mut out = serde_json::Map::new();
    out.insert("sub".into(), sub.clone());
    for name in STANDARD_CLAIMS {
        if let Some(v) = claims.get(name) {
            out.insert(name.into(), v.clone());
        }
    }
    json_reply(StatusCode::OK, &Value::Object(out), &[])
}
