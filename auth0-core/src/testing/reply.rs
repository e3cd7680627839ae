//! What a route answers: `Reply` and the helpers that build one (headers, JSON, Auth0's error
//! and token shapes), or `Refused` to drop the connection without an answer.

use std::fmt;

use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use super::faults::TestBody;

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
