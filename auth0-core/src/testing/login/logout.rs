//! `GET /v2/logout` (Auth0's) and `GET /oidc/logout` (OIDC RP-initiated logout).

use std::sync::atomic::Ordering;

use hyper::StatusCode;
use serde_json::Value;
use url::Url;

use super::super::form::Params;
use super::super::jws::{published_key, verify_signature};
use super::super::reply::Reply;
use super::super::state::Shared;
use super::authorize::parse_query;
use super::page::{bad_request, message_page};
use super::{allowed_url, redirect, with_query};

fn logged_out() -> Reply {
    message_page(StatusCode::OK, "Logged out", "You are logged out")
}

/// A parameter, if present and not empty.
fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// The counted request's parameters, or the 400 page of a foreign `client_id`.
fn start(shared: &Shared, query: Option<&str>) -> Result<Params, Box<Reply>> {
    shared.login.logout_requests.fetch_add(1, Ordering::SeqCst);
    let (params, _) = parse_query(query);
    match param(&params, "client_id") {
        Some(client_id) if client_id != shared.client_id => Err(Box::new(bad_request(&format!(
            "Unknown client: {client_id}"
        )))),
        _ => Ok(params),
    }
}

/// The URL to redirect to: as sent when it can be sent as is, else as parsed.
fn location<'a>(raw: &'a str, url: &'a Url) -> &'a str {
    if raw.bytes().all(|b| b.is_ascii_graphic()) {
        raw
    } else {
        url.as_str()
    }
}

/// `GET /v2/logout?client_id=&returnTo=`: a redirect to an allowed `returnTo`, else the
/// logged-out page.
pub(crate) fn v2_logout(shared: &Shared, query: Option<&str>) -> Reply {
    let params = match start(shared, query) {
        Ok(params) => params,
        Err(refused) => return *refused,
    };
    let Some(raw) = param(&params, "returnTo") else {
        return logged_out();
    };
    match allowed_url(raw, &shared.login.logout_urls) {
        Some(url) => redirect(location(raw, &url)),
        None => bad_request("returnTo is not in the Allowed Logout URLs"),
    }
}

/// Whether `hint` is an ID token this tenant signed (expired or not) for its client.
fn hint_ok(shared: &Shared, hint: &str) -> bool {
    let published = shared.lock().published.clone();
    let Some(claims) = verify_signature(hint, |h| published_key(&published, h)) else {
        return false;
    };
    let client_id = shared.client_id.as_str();
    match claims.get("aud") {
        Some(Value::String(aud)) => aud == client_id,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(client_id)),
        _ => false,
    }
}

/// `GET /oidc/logout?id_token_hint=&post_logout_redirect_uri=&client_id=&state=`: a redirect
/// to an allowed `post_logout_redirect_uri` (with `state`), else the logged-out page.
pub(crate) fn oidc_logout(shared: &Shared, query: Option<&str>) -> Reply {
    let params = match start(shared, query) {
        Ok(params) => params,
        Err(refused) => return *refused,
    };
    if let Some(hint) = param(&params, "id_token_hint")
        && !hint_ok(shared, hint)
    {
        return bad_request("Invalid id_token_hint");
    }
    let Some(raw) = param(&params, "post_logout_redirect_uri") else {
        return logged_out();
    };
    let Some(url) = allowed_url(raw, &shared.login.logout_urls) else {
        return bad_request("post_logout_redirect_uri is not in the Allowed Logout URLs");
    };
    match param(&params, "state") {
        Some(state) => redirect(with_query(&url, &[("state", state)]).as_str()),
        None => redirect(location(raw, &url)),
    }
}
