//! Client authentication at `/oauth/token` and `/oauth/par`: `client_secret_post`,
//! `client_secret_basic` and private-key JWT (`client_assertion`, RFC 7523).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hyper::header::{self, HeaderMap};
use serde_json::Value;

use super::form::{Params, form_decode};
use super::jws::verify_token;
use super::state::Shared;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

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
