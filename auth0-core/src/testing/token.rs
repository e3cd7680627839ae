//! `POST /oauth/token`: the client-credentials grant, with Auth0's request and response shapes,
//! and the tenant's controls of that endpoint (token lifetime, extra audiences, failures). The
//! `authorization_code` and `refresh_token` grants are dispatched to `login/grants.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http_body_util::{BodyExt as _, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap};
use hyper::{Request, StatusCode};
use serde_json::{Value, json};

use super::server::{Reply, error, json_reply, verify_token};
use super::tenant::{Shared, TestTenant};
use super::{login, now};

/// Larger token requests are refused with 413.
const MAX_BODY: usize = 64 * 1024;
/// `expires_in` of issued tokens unless changed, as Auth0's default API token lifetime.
const TOKEN_LIFETIME: i64 = 86_400;
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

type Params = BTreeMap<String, String>;

/// How `/oauth/token` answers: the tenant's settings for the endpoint.
pub(crate) struct TokenEndpoint {
    lifetime: i64,
    extra_audiences: Vec<String>,
    fault: Option<TokenFault>,
}

impl TokenEndpoint {
    /// `expires_in` of issued access tokens, in seconds.
    pub(crate) fn lifetime(&self) -> i64 {
        self.lifetime
    }
}

impl Default for TokenEndpoint {
    fn default() -> Self {
        Self {
            lifetime: TOKEN_LIFETIME,
            extra_audiences: Vec::new(),
            fault: None,
        }
    }
}

#[derive(Clone)]
enum TokenFault {
    /// This status with Auth0's error body, and `Retry-After` (seconds) when set.
    Status(u16, Option<u64>),
    /// The request waits until the fault changes.
    Hold,
}

/// Waits while the endpoint is held; then the fault to answer with, if any.
async fn fault(shared: &Shared) -> Option<(u16, Option<u64>)> {
    loop {
        let released = shared.token_gate.notified();
        let mut released = std::pin::pin!(released);
        released.as_mut().enable();
        match shared.lock().token_endpoint.fault.clone() {
            None => return None,
            Some(TokenFault::Status(status, retry_after)) => return Some((status, retry_after)),
            Some(TokenFault::Hold) => {}
        }
        released.await;
    }
}

fn fault_reply(status: u16, retry_after: Option<u64>) -> Reply {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (code, description) = match status.as_u16() {
        429 => ("too_many_requests", "Global limit has been reached"),
        _ => (
            "server_error",
            status.canonical_reason().unwrap_or("Injected failure"),
        ),
    };
    let body = json!({ "error": code, "error_description": description });
    let retry_after = retry_after.map(|s| s.to_string());
    let headers: Vec<_> = retry_after
        .iter()
        .map(|v| (header::RETRY_AFTER, v.as_str()))
        .collect();
    json_reply(status, &body, &headers)
}

/// Controls of `POST /oauth/token`.
impl TestTenant {
    /// The `expires_in` of tokens issued from now on (default 86 400 s, Auth0's default), and
    /// their `exp` = `iat` + that lifetime; whole seconds.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        let secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        self.shared.lock().token_endpoint.lifetime = secs;
    }

    /// Issues client-credentials tokens for this API identifier too (`aud` = the requested
    /// audience), next to [`audience`](Self::audience).
    pub fn accept_audience(&self, audience: impl Into<String>) {
        self.shared
            .lock()
            .token_endpoint
            .extra_audiences
            .push(audience.into());
    }

    /// Answers every `POST /oauth/token` with this status (a code outside 100..=999 is answered
    /// as 500) and Auth0's error body (`too_many_requests` for 429, else `server_error`), with a
    /// `Retry-After` in whole seconds when given, until
    /// [`restore_token_requests`](Self::restore_token_requests). Requests still count in
    /// [`token_requests`](Self::token_requests).
    pub fn fail_token_requests(&self, status: u16, retry_after: Option<Duration>) {
        let retry_after = retry_after.map(|d| d.as_secs());
        self.set_token_fault(Some(TokenFault::Status(status, retry_after)));
    }

    /// Holds every `POST /oauth/token` without an answer (each is counted in
    /// [`token_requests`](Self::token_requests) when it arrives) until
    /// [`restore_token_requests`](Self::restore_token_requests) or
    /// [`fail_token_requests`](Self::fail_token_requests), which releases them.
    pub fn hold_token_requests(&self) {
        self.set_token_fault(Some(TokenFault::Hold));
    }

    /// Back to normal `/oauth/token` answers; held requests are answered.
    pub fn restore_token_requests(&self) {
        self.set_token_fault(None);
    }

    fn set_token_fault(&self, fault: Option<TokenFault>) {
        self.shared.lock().token_endpoint.fault = fault;
        self.shared.token_gate.notify_waiters();
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `application/x-www-form-urlencoded` decoding of one name or value.
fn form_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = hex_value(*bytes.get(i + 1)?)?;
                let lo = hex_value(*bytes.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 2;
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

pub(crate) fn parse_form(body: &[u8]) -> Option<Params> {
    let text = std::str::from_utf8(body).ok()?;
    let mut params = Params::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(form_decode(name)?, form_decode(value)?);
    }
    Some(params)
}

fn parse_json(body: &[u8]) -> Option<Params> {
    let Value::Object(map) = serde_json::from_slice(body).ok()? else {
        return None;
    };
    let mut params = Params::new();
    for (name, value) in map {
        let value = match value {
            Value::String(s) => s,
            Value::Null => continue,
            Value::Bool(_) | Value::Number(_) => value.to_string(),
            Value::Array(_) | Value::Object(_) => return None,
        };
        params.insert(name, value);
    }
    Some(params)
}

/// `client_secret_basic`: `Authorization: Basic base64(urlencode(id):urlencode(secret))`.
fn basic_credentials(headers: &HeaderMap) -> Option<Option<(String, String)>> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Some(None);
    };
    let (scheme, encoded) = value.to_str().ok()?.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some(Some((form_decode(id)?, form_decode(secret)?)))
}

fn audience_matches(aud: Option<&Value>, accepted: &[String]) -> bool {
    match aud {
        Some(Value::String(a)) => accepted.contains(a),
        Some(Value::Array(list)) => list
            .iter()
            .any(|a| a.as_str().is_some_and(|a| accepted.iter().any(|x| x == a))),
        _ => false,
    }
}

/// Checks a private-key-JWT `client_assertion` (RFC 7523) for the tenant's client.
fn assertion_ok(shared: &Shared, params: &Params) -> bool {
    let Some(key) = shared.lock().client_assertion_key.clone() else {
        return false;
    };
    if params.get("client_assertion_type").map(String::as_str) != Some(JWT_BEARER) {
        return false;
    }
    let Some(assertion) = params.get("client_assertion") else {
        return false;
    };
    // Whatever the header kid, the registered key verifies, with the header's algorithm if it
    // fits the key (RS256 or PS256 with an RSA key…).
    let pick = |header: &Value| {
        let alg = crate::Algorithm::from_name(header.get("alg")?.as_str()?)?;
        key.try_with_alg(alg)
    };
    let Some(claims) = verify_token(assertion, pick) else {
        return false;
    };
    let id = Value::String(shared.client_id.clone());
    let accepted = [shared.issuer.clone(), shared.url("oauth/token")];
    claims.get("iss") == Some(&id)
        && claims.get("sub") == Some(&id)
        && claims.get("exp").is_some()
        && audience_matches(claims.get("aud"), &accepted)
        && params
            .get("client_id")
            .is_none_or(|c| *c == shared.client_id)
}

pub(crate) fn client_authenticated(shared: &Shared, headers: &HeaderMap, params: &Params) -> bool {
    if params.contains_key("client_assertion") {
        return assertion_ok(shared, params);
    }
    let (id, secret) = match basic_credentials(headers) {
        Some(Some(pair)) => pair,
        Some(None) => match (params.get("client_id"), params.get("client_secret")) {
            (Some(id), Some(secret)) => (id.clone(), secret.clone()),
            _ => return false,
        },
        None => return false,
    };
    id == shared.client_id && secret == shared.client_secret
}

pub(crate) async fn handle(shared: &Shared, req: Request<Incoming>) -> Reply {
    if let Some((status, retry_after)) = fault(shared).await {
        return fault_reply(status, retry_after);
    }
    let (parts, body) = req.into_parts();
    let media_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                "Request body too large",
            );
        }
    };
    let params = match media_type.as_str() {
        "application/json" => parse_json(&body),
        "application/x-www-form-urlencoded" => parse_form(&body),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Content-Type must be application/json or application/x-www-form-urlencoded",
            );
        }
    };
    let Some(params) = params else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Malformed request body",
        );
    };
    let Some(grant_type) = params.get("grant_type") else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: grant_type",
        );
    };
    match grant_type.as_str() {
        "authorization_code" => return login::authorization_code(shared, &parts.headers, &params),
        "refresh_token" => return login::refresh_token(shared, &parts.headers, &params),
        _ => {}
    }
    if !client_authenticated(shared, &parts.headers, &params) {
        return error(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized");
    }
    if grant_type != "client_credentials" {
        return error(
            StatusCode::FORBIDDEN,
            "unsupported_grant_type",
            &format!("Grant type '{grant_type}' not allowed for the client."),
        );
    }
    let Some(audience) = params.get("audience").filter(|a| !a.is_empty()) else {
        return error(
            StatusCode::FORBIDDEN,
            "access_denied",
            "No audience parameter was provided, and no default audience has been configured",
        );
    };
    let (lifetime, accepted) = {
        let state = shared.lock();
        let endpoint = &state.token_endpoint;
        (
            endpoint.lifetime,
            endpoint.extra_audiences.contains(audience),
        )
    };
    if *audience != shared.audience && !accepted {
        return error(
            StatusCode::FORBIDDEN,
            "access_denied",
            &format!("Service not enabled within domain: {audience}"),
        );
    }
    let scope = params
        .get("scope")
        .filter(|s| !s.trim().is_empty())
        .or(shared.default_scope.as_ref())
        .cloned();

    let now = now();
    let mut token = shared
        .token()
        .sub(format!("{}@clients", shared.client_id))
        .aud(audience.clone())
        .iat(now)
        .exp(now.saturating_add(lifetime))
        .claim("gty", "client-credentials");
    if let Some(scope) = &scope {
        token = token.scope(scope.clone());
    }
    if let Some(organization) = params.get("organization").filter(|o| !o.is_empty()) {
        token = token.claim("org_id", organization);
    }
    let mut answer = json!({
        "access_token": token.sign(),
        "token_type": "Bearer",
        "expires_in": lifetime,
    });
    if let (Some(scope), Some(map)) = (scope, answer.as_object_mut()) {
        map.insert("scope".into(), scope.into());
    }
    token_answer(&answer)
}

/// `200` with a token answer, never cached.
pub(crate) fn token_answer(answer: &Value) -> Reply {
    json_reply(
        StatusCode::OK,
        answer,
        &[
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        let params = parse_form(b"a=1&b=x+y%20z&c=%E2%9C%93&d&=e").unwrap_or_default();
        assert_eq!(params.get("a").map(String::as_str), Some("1"));
        assert_eq!(params.get("b").map(String::as_str), Some("x y z"));
        assert_eq!(params.get("c").map(String::as_str), Some("\u{2713}"));
        assert_eq!(params.get("d").map(String::as_str), Some(""));
        assert!(parse_form(b"a=%zz").is_none());
        assert!(parse_form(b"a=%4").is_none());
        assert!(parse_form(b"a=%ff").is_none());
    }

    #[test]
    fn json_params() {
        let params = parse_json(br#"{"a":"x","n":3,"z":null}"#).unwrap_or_default();
        assert_eq!(params.get("n").map(String::as_str), Some("3"));
        assert!(!params.contains_key("z"));
        assert!(parse_json(br#"{"a":["x"]}"#).is_none());
        assert!(parse_json(b"[1]").is_none());
    }
}
