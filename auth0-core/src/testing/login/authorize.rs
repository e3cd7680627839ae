//! `GET /authorize` (the login page), `POST /authorize/login` (its form) and `POST /oauth/par`.

use std::collections::btree_map::Entry;
use std::sync::atomic::Ordering;

use hyper::body::Incoming;
use hyper::header;
use hyper::{Request, StatusCode};
use serde_json::json;

use super::super::basics::now;
use super::super::client_auth::client_authenticated;
use super::super::form::{Params, read_form};
use super::super::reply::{Reply, error, json_reply};
use super::super::state::Shared;
use super::super::state::login::{AuthRequest, Code, PAR_TTL, Session};
use super::page::{self, LoginPage, bad_request};
use super::{allowed_url, error_redirect, random_id, redirect, with_query};

/// The prefix of a `request_uri` from `/oauth/par`.
const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// The parameters of a query string and the names that came more than once.
pub(super) fn parse_query(query: Option<&str>) -> (Params, Vec<String>) {
    let mut params = Params::new();
    let mut duplicates = Vec::new();
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match params.entry(name.into_owned()) {
            Entry::Vacant(slot) => {
                slot.insert(value.into_owned());
            }
            Entry::Occupied(slot) => {
                if !duplicates.contains(slot.key()) {
                    duplicates.push(slot.key().clone());
                }
            }
        }
    }
    (params, duplicates)
}

/// `GET /authorize`: checks the client and the `redirect_uri` (a 400 page when either is
/// wrong), then the rest of the request (errors go back to the `redirect_uri`), and answers the
/// login page.
pub(crate) fn authorize(shared: &Shared, query: Option<&str>) -> Reply {
    shared
        .login
        .authorize_requests
        .fetch_add(1, Ordering::SeqCst);
    let (params, duplicates) = parse_query(query);
    let client_id = params.get("client_id").map(String::as_str);
    if client_id.is_none_or(str::is_empty) {
        return bad_request("Missing required parameter: client_id");
    }
    if client_id != Some(shared.client_id.as_str()) || duplicates.iter().any(|d| d == "client_id") {
        return bad_request(&format!(
            "Unknown client: {}",
            client_id.unwrap_or_default()
        ));
    }
    // A pushed request stands for the whole request (RFC 9126 §4), once.
    let (params, duplicates) = match params.get("request_uri") {
        Some(request_uri) => {
            let pushed = shared.lock().login.pushed.take(request_uri);
            match pushed {
                Some(pushed) => (pushed, Vec::new()),
                None => return bad_request("Invalid or expired request_uri"),
            }
        }
        None => (params, duplicates),
    };
    let Some(raw) = params.get("redirect_uri").filter(|r| !r.is_empty()) else {
        return bad_request("Missing required parameter: redirect_uri");
    };
    if duplicates.iter().any(|d| d == "redirect_uri") {
        return bad_request("Duplicate parameter: redirect_uri");
    }
    let Some(redirect) = allowed_url(raw, &shared.login.callback_urls) else {
        return bad_request(&format!(
            "Callback URL mismatch: {raw} is not in the Allowed Callback URLs of the client"
        ));
    };
    let request = AuthRequest { params, redirect };
    let invalid = |description: &str| error_redirect(&request, "invalid_request", description);
    if let Some(name) = duplicates.first() {
        return invalid(&format!("Duplicate parameter: {name}"));
    }
    match request.param("response_type") {
        Some("code") => {}
        Some(other) => return invalid(&format!("Unsupported response_type: {other}")),
        None => return invalid("Missing required parameter: response_type"),
    }
    if request.param("code_challenge").is_none() {
        return invalid("Missing required parameter: code_challenge (PKCE is required)");
    }
    match request.param("code_challenge_method") {
        Some("S256") => {}
        Some(other) => {
            return invalid(&format!(
                "Unsupported code_challenge_method: {other}; only S256 is supported"
            ));
        }
        None => return invalid("Missing code_challenge_method: plain is not supported, use S256"),
    }
    let tx = random_id(24);
    shared
        .lock()
        .login
        .pending
        .insert(tx.clone(), request.clone());
    page::login_page(&LoginPage {
        issuer: &shared.issuer,
        tx: &tx,
        request: &request,
        users: &shared.login.users,
        username: request.param("login_hint").unwrap_or_default(),
        error: None,
    })
}

/// `POST /authorize/login`: the login form; a code to the `redirect_uri`, the access-denied
/// error on Cancel, or the page again after wrong credentials.
pub(crate) async fn login(shared: &Shared, req: Request<Incoming>) -> Reply {
    shared
        .login
        .login_submissions
        .fetch_add(1, Ordering::SeqCst);
    let form = match read_form(req).await {
        Ok((_, form)) => form,
        Err((status, message)) => return page::message_page(status, "Bad request", &message),
    };
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let tx = field("tx");
    let pending = shared.lock().login.pending.get(tx).cloned();
    let Some(request) = pending else {
        return bad_request(
            "This login request is unknown or has expired: start again from the application.",
        );
    };
    if field("action") == "deny" {
        shared.lock().login.pending.take(tx);
        return error_redirect(
            &request,
            "access_denied",
            "User did not authorize the request",
        );
    }
    let username = field("username").trim();
    let user = shared
        .login
        .users
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(username) && u.password == field("password"));
    let Some(user) = user else {
        return page::login_page(&LoginPage {
            issuer: &shared.issuer,
            tx,
            request: &request,
            users: &shared.login.users,
            username,
            error: Some("Wrong email or password."),
        });
    };
    // One code per request: a second submission of the same page finds nothing.
    if shared.lock().login.pending.take(tx).is_none() {
        return bad_request(
            "This login request was already used: start again from the application.",
        );
    }
    let session = Session {
        user: user.clone(),
        auth_time: now(),
        sid: random_id(16),
        scope: request.param("scope").unwrap_or("openid").to_owned(),
        audience: request.param("audience").map(str::to_owned),
        organization: request.param("organization").map(str::to_owned),
    };
    let code = random_id(32);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = request.param("state") {
        pairs.push(("state", state));
    }
    let location = with_query(&request.redirect, &pairs);
    shared.lock().login.codes.insert(
        code.clone(),
        Code {
            request,
            session,
            family: random_id(16),
        },
    );
    redirect(location.as_str())
}

/// `POST /oauth/par` (RFC 9126): an authenticated client stores the parameters of an
/// authorization request and gets a `request_uri` for `/authorize`, valid once for 60 s.
pub(crate) async fn par(shared: &Shared, req: Request<Incoming>) -> Reply {
    shared.login.par_requests.fetch_add(1, Ordering::SeqCst);
    let (headers, mut params) = match read_form(req).await {
        Ok(form) => form,
        Err((status, message)) => return error(status, "invalid_request", &message),
    };
    if !client_authenticated(shared, &headers, &params)
        || params
            .get("client_id")
            .is_some_and(|c| *c != shared.client_id)
    {
        return error(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized");
    }
    for name in ["client_secret", "client_assertion", "client_assertion_type"] {
        params.remove(name);
    }
    params.insert("client_id".into(), shared.client_id.clone());
    if params.contains_key("request_uri") {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "request_uri is not allowed in a pushed authorization request",
        );
    }
    let redirect_ok = params
        .get("redirect_uri")
        .and_then(|raw| allowed_url(raw, &shared.login.callback_urls))
        .is_some();
    if !redirect_ok {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing or not allowed redirect_uri",
        );
    }
    let request_uri = format!("{REQUEST_URI_PREFIX}{}", random_id(24));
    shared
        .lock()
        .login
        .pushed
        .insert(request_uri.clone(), params);
    json_reply(
        StatusCode::CREATED,
        &json!({ "request_uri": request_uri, "expires_in": PAR_TTL.as_secs() }),
        &[(header::CACHE_CONTROL, "no-store")],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parsing() {
        let (params, duplicates) = parse_query(Some("a=1&b=x+y%20z&a=2&c=%3Cs%3E&d"));
        assert_eq!(params.get("a").map(String::as_str), Some("1"));
        assert_eq!(params.get("b").map(String::as_str), Some("x y z"));
        assert_eq!(params.get("c").map(String::as_str), Some("<s>"));
        assert_eq!(params.get("d").map(String::as_str), Some(""));
        assert_eq!(duplicates, ["a"]);
        assert!(parse_query(None).0.is_empty());
    }
}
