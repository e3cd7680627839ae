//! `application/x-www-form-urlencoded` request bodies: the `Params` they carry, their
//! decoding, and the reading of a form body off a request.

use std::collections::BTreeMap;

use http_body_util::{BodyExt as _, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap};
use hyper::{Request, StatusCode};

/// Larger form bodies are refused.
const MAX_FORM: usize = 64 * 1024;

/// Request parameters by name.
pub(crate) type Params = BTreeMap<String, String>;

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `application/x-www-form-urlencoded` decoding of one name or value.
pub(crate) fn form_decode(raw: &str) -> Option<String> {
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

/// Reads an `application/x-www-form-urlencoded` body; the failure's status and description.
pub(crate) async fn read_form(
    req: Request<Incoming>,
) -> Result<(HeaderMap, Params), (StatusCode, String)> {
    let (parts, body) = req.into_parts();
    let form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form {
        return Err((
            StatusCode::BAD_REQUEST,
            "Content-Type must be application/x-www-form-urlencoded".into(),
        ));
    }
    let body = match Limited::new(body, MAX_FORM).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large".into(),
            ));
        }
    };
    match parse_form(&body) {
        Some(params) => Ok((parts.headers, params)),
        None => Err((StatusCode::BAD_REQUEST, "Malformed request body".into())),
    }
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
}
