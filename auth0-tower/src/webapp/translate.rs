//! The translation between `http` and core's [`WebRequest`] / [`WebResponse`]: header bytes in,
//! status, headers and body out. Nothing is parsed here.

use auth0_core::webapp::{SetCookie, WebRequest, WebResponse};
use http::header::{ACCEPT, CONTENT_TYPE, COOKIE, HeaderName, HeaderValue, ORIGIN, SET_COOKIE};
use http::request::Parts;
use http::{HeaderMap, Method, Response, StatusCode, Uri};

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// What core reads of a request: method, path, query, every `Cookie` header, `Accept`,
/// `Origin` and `Sec-Fetch-Site`. A value that is not UTF-8 is skipped.
///
/// For custom handlers that call the [`WebApp`](auth0_core::webapp::WebApp) themselves, for
/// instance [`unauthenticated`](auth0_core::webapp::WebApp::unauthenticated):
///
/// ```
/// use auth0_tower::webapp::{web_request, web_response};
/// # fn answer(app: &auth0_core::webapp::WebApp, request: &http::Request<()>) -> http::Response<String> {
/// let web = web_request(request.method(), request.uri(), request.headers());
/// web_response(app.unauthenticated(&web))
/// # }
/// ```
pub fn web_request<'a>(method: &'a Method, uri: &'a Uri, headers: &'a HeaderMap) -> WebRequest<'a> {
    let mut request = WebRequest::new(method.as_str(), uri.path(), uri.query());
    for value in headers.get_all(COOKIE) {
        if let Some(bytes) = utf8(value) {
            request = request.header("cookie", bytes);
        }
    }
    for name in [ACCEPT, ORIGIN, SEC_FETCH_SITE] {
        if let Some(bytes) = headers.get(&name).and_then(utf8) {
            request = request.header(name.as_str(), bytes);
        }
    }
    request
}

/// [`web_request`] of a request's parts.
pub(crate) fn web_request_of(parts: &Parts) -> WebRequest<'_> {
    web_request(&parts.method, &parts.uri, &parts.headers)
}

fn utf8(value: &HeaderValue) -> Option<&[u8]> {
    let bytes = value.as_bytes();
    std::str::from_utf8(bytes).is_ok().then_some(bytes)
}

/// Core's answer as an `http` response: status, `Location`, `Content-Type`,
/// `Cache-Control: no-store`, one `Set-Cookie` per cookie, and the body. A header value that
/// cannot be represented is left out.
pub fn web_response<B: From<String>>(answer: WebResponse) -> Response<B> {
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = answer.headers();
    let mut response = Response::new(B::from(answer.into_body()));
    *response.status_mut() = status;
    let map = response.headers_mut();
    for (name, value) in headers {
        let name = HeaderName::from_static(name);
        let Ok(value) = HeaderValue::try_from(value) else {
            continue;
        };
        if name == SET_COOKIE {
            map.append(name, value);
        } else {
            map.insert(name, value);
        }
    }
    response
}

/// Appends one `Set-Cookie` per cookie, keeping the ones the response already has.
pub(crate) fn append_cookies<B>(response: &mut Response<B>, cookies: Vec<SetCookie>) {
    let headers = response.headers_mut();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::try_from(cookie.header_value()) {
            headers.append(SET_COOKIE, value);
        }
    }
}

/// The 500 answer of a misconfigured server: `message` (how to fix it) is logged as an error
/// and sent as plain text; it names no request data.
pub(crate) fn misconfigured<B: From<String>>(message: &'static str) -> Response<B> {
    tracing::error!(target: "auth0_tower::misconfiguration", "{message}");
    let mut response = Response::new(B::from(message.to_owned()));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn non_utf8_headers_are_skipped() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_bytes(b"a=\xff").unwrap());
        headers.append(COOKIE, HeaderValue::from_static("b=2"));
        headers.insert(ACCEPT, HeaderValue::from_bytes(b"text/html\xfe").unwrap());
        let method = Method::GET;
        let uri: Uri = "/x?y=1".parse().unwrap();
        let request = web_request(&method, &uri, &headers);
        assert_eq!(request.path(), "/x");
        assert!(!request.wants_html());
        assert!(format!("{request:?}").contains("cookies: 1"));
    }
}
