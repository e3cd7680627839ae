//! The JWKS HTTP fetch: GET only, no redirects, no cookies or credentials, a total deadline,
//! exactly `200`, a streamed body under a hard cap.
//!
//! Requests go direct unless the options name a proxy: [`JwksOptions::proxy`] sends every fetch
//! through that HTTP proxy (`CONNECT` for `https` targets), [`JwksOptions::proxy_from_env`] reads
//! `HTTP_PROXY` / `HTTPS_PROXY` / `ALL_PROXY` / `NO_PROXY` once when the client is built. Without
//! either, no proxy variable is read.

use std::time::Duration;

use reqwest::header::{ACCEPT, CACHE_CONTROL, HeaderMap, HeaderValue};

use crate::jwks::error::JwksError;
use crate::jwks::options::JwksOptions;

/// Builds the HTTP client used for JWKS and discovery fetches, with the proxy of `opts`.
pub(crate) fn http_client(opts: &JwksOptions) -> Result<reqwest::Client, JwksError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("application/json, application/jwk-set+json"),
    );
    let builder = reqwest::Client::builder()
        .user_agent(concat!("auth0-rs/", env!("CARGO_PKG_VERSION")))
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none());
    opts.proxy
        .apply(builder)
        .map_err(|e| JwksError::Proxy(e.to_string()))?
        .timeout(opts.timeout)
        .connect_timeout(opts.connect_timeout)
        .build()
        .map_err(|e| JwksError::Transport(e.to_string()))
}

/// A fetched body and the `max-age` the server asked for (if any).
pub(crate) struct Fetched {
    pub(crate) body: Vec<u8>,
    pub(crate) max_age: Option<Duration>,
}

pub(crate) async fn fetch(
    client: &reqwest::Client,
    url: &str,
    max_body: usize,
) -> Result<Fetched, JwksError> {
    let mut response = client.get(url).send().await.map_err(map_err)?;
    if response.status().as_u16() != 200 {
        return Err(JwksError::Status(response.status().as_u16()));
    }
    if response
        .content_length()
        .is_some_and(|len| len > max_body as u64)
    {
        return Err(JwksError::TooLarge(max_body));
    }
    let max_age = response
        .headers()
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_max_age);
    let mut body = Vec::with_capacity(4096);
    while let Some(chunk) = response.chunk().await.map_err(map_err)? {
        if body.len() + chunk.len() > max_body {
            return Err(JwksError::TooLarge(max_body));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched { body, max_age })
}

fn map_err(e: reqwest::Error) -> JwksError {
    if e.is_timeout() {
        JwksError::Timeout
    } else {
        JwksError::Transport(e.without_url().to_string())
    }
}

/// The lifetime a `Cache-Control` value asks for: `max-age=N`, zero for `no-store` / `no-cache`,
/// `None` when it says nothing about lifetime (the caller clamps it into its bounds).
pub(crate) fn parse_max_age(value: &str) -> Option<Duration> {
    let mut max_age = None;
    for directive in value.split(',') {
        let directive = directive.trim();
        if directive.eq_ignore_ascii_case("no-store") || directive.eq_ignore_ascii_case("no-cache")
        {
            return Some(Duration::ZERO);
        }
        if let Some((name, v)) = directive.split_once('=')
            && name.trim().eq_ignore_ascii_case("max-age")
        {
            max_age = Some(
                v.trim()
                    .trim_matches('"')
                    .parse::<u64>()
                    .map_or(Duration::ZERO, Duration::from_secs),
            );
        }
    }
    max_age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control() {
        let s = |n| Some(Duration::from_secs(n));
        assert_eq!(parse_max_age("public, max-age=600"), s(600));
        assert_eq!(parse_max_age("max-age=\"60\""), s(60));
        assert_eq!(parse_max_age("no-store"), s(0));
        assert_eq!(parse_max_age("max-age=0"), s(0));
        assert_eq!(parse_max_age("max-age=abc"), s(0));
        assert_eq!(parse_max_age("public"), None);
        assert_eq!(parse_max_age("max-age=31536000"), s(31_536_000));
    }
}
