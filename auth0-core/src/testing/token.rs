//! `POST /oauth/token`: the client-credentials grant, with Auth0's request and response shapes,
//! and the failures the tenant's controls of that endpoint inject. The `authorization_code` and
//! `refresh_token` grants are dispatched to `login/grants.rs`.

use http_body_util::{BodyExt as _, Limited};
use hyper::body::Incoming;
use hyper::header;
use hyper::{Request, StatusCode};
use serde_json::{Value, json};

use super::basics::now;
use super::client_auth::client_authenticated;
use super::form::{Params, parse_form};
use super::login;
use super::reply::{Reply, error, json_reply, token_answer};
use super::state::{Shared, TokenFault};

/// Larger token requests are refused with 413.
const MAX_BODY: usize = 64 * 1024;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_params() {
        let params = parse_json(br#"{"a":"x","n":3,"z":null}"#).unwrap_or_default();
        assert_eq!(params.get("n").map(String::as_str), Some("3"));
        assert!(!params.contains_key("z"));
        assert!(parse_json(br#"{"a":["x"]}"#).is_none());
        assert!(parse_json(b"[1]").is_none());
    }
}
