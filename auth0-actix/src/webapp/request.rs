//! The translation between actix-web and the framework-free web-app core: the request's
//! method, path, query and the few headers the core reads in, a [`WebResponse`] and `Set-Cookie`
//! values out.

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    ACCEPT, COOKIE, HeaderMap, HeaderName, HeaderValue, ORIGIN, SET_COOKIE,
};
use auth0_core::webapp::{SetCookie, WebRequest, WebResponse};

/// `Sec-Fetch-Site`, which tells same-origin requests from cross-site ones.
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// What the core reads of `request`: method, full path, raw query, every `Cookie` header, and
/// `Accept`, `Origin`, `Sec-Fetch-Site`. A header value that is not valid UTF-8 is skipped.
pub(crate) fn web_request(request: &HttpRequest) -> WebRequest<'_> {
    let query = Some(request.query_string()).filter(|q| !q.is_empty());
    let mut web = WebRequest::new(request.method().as_str(), request.path(), query);
    let headers = request.headers();
    for name in [COOKIE, ACCEPT, ORIGIN, SEC_FETCH_SITE] {
        for value in headers.get_all(&name) {
            let bytes = value.as_bytes();
            if std::str::from_utf8(bytes).is_ok() {
                web = web.header(name.as_str(), bytes);
            }
        }
    }
    web
}

/// The core's answer as an actix-web response: status, `Location`, `Content-Type`,
/// `Cache-Control: no-store`, one `Set-Cookie` per cookie, body.
pub(crate) fn http_response(web: WebResponse) -> HttpResponse {
    let status = StatusCode::from_u16(web.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    for (name, value) in web.headers() {
        match HeaderValue::from_str(&value) {
            Ok(value) => {
                builder.append_header((name, value));
            }
            // Never the value: it may be a cookie.
            Err(_) => {
                tracing::warn!(target: "auth0_actix::webapp", header = name, "header value dropped: not a valid header value")
            }
        }
    }
    builder.body(web.into_body())
}

/// The `Set-Cookie` header values of `cookies`, in order.
pub(crate) fn cookie_headers(cookies: &[SetCookie]) -> Vec<HeaderValue> {
    cookies
        .iter()
        .filter_map(|cookie| match HeaderValue::from_str(&cookie.header_value()) {
            Ok(value) => Some(value),
            Err(_) => {
                tracing::warn!(target: "auth0_actix::webapp", cookie = cookie.name(), "cookie dropped: not a valid header value");
                None
            }
        })
        .collect()
}

/// Appends `values` as `Set-Cookie` headers, keeping the ones already there.
pub(crate) fn append_cookies(headers: &mut HeaderMap, values: &[HeaderValue]) {
    for value in values {
        headers.append(SET_COOKIE, value.clone());
    }
}
