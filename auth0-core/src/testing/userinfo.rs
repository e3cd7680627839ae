//! `GET` or `POST /userinfo`: the profile of a token this tenant signed, else 401 with
//! `WWW-Authenticate`.

use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use serde_json::Value;

use super::faults::TestBody;
use super::jws::{published_key, verify_token};
use super::reply::{Reply, error, json_reply};
use super::state::Shared;

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

pub(crate) fn userinfo(shared: &Shared, req: &Request<Incoming>) -> Reply {
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
