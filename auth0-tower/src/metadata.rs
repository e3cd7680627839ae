//! [`ResourceMetadataService`]: serves an RFC 9728 protected-resource metadata document.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::sync::Arc;
use std::task::{Context, Poll};

use auth0_core::resource_metadata::{CACHE_CONTROL, ProtectedResourceMetadata};
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use tower_service::Service;

/// A tower [`Service`] that answers `GET` and `HEAD` with a
/// [`ProtectedResourceMetadata`] document (`200`, `Content-Type: application/json`,
/// `Cache-Control: public, max-age=3600`) and other methods with `405` and `Allow`. Its
/// response body is a `String` (an `http_body::Body`, so axum and hyper serve it as is);
/// [`respond`](Self::respond) builds the same answer with another body type.
///
/// Route it at [`well_known_path`](auth0_core::resource_metadata::well_known_path) of the
/// API's base URL, outside the verifying layer (clients read it before they have a token), and
/// configure the verifier with the matching
/// [`resource_metadata_url`](auth0_core::AccessTokenVerifierBuilder::resource_metadata_url) so
/// that 401 challenges point to it. Cheap to clone (the JSON is built once).
///
/// ```
/// use auth0_core::resource_metadata::{ProtectedResourceMetadata, WELL_KNOWN_PATH};
/// use auth0_tower::ResourceMetadataService;
/// use axum::Router;
/// use axum::routing::get_service;
///
/// let metadata = ProtectedResourceMetadata::new("https://api.example.com")
///     .scopes_supported(["read:messages"]);
/// let app: Router = Router::new()
///     .route(WELL_KNOWN_PATH, get_service(ResourceMetadataService::new(&metadata)));
/// ```
#[derive(Clone, Debug)]
pub struct ResourceMetadataService {
    json: Arc<str>,
}

impl ResourceMetadataService {
    /// Serves `metadata`, serialised now.
    #[must_use]
    pub fn new(metadata: &ProtectedResourceMetadata) -> Self {
        Self {
            json: Arc::from(metadata.to_json()),
        }
    }

    /// The JSON document served.
    #[must_use]
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The response to a request with `method`.
    pub fn respond<B: From<String>>(&self, method: &Method) -> Response<B> {
        let get = method == Method::GET;
        if !get && method != Method::HEAD {
            let mut response = Response::new(B::from(String::new()));
            *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        let body = if get {
            self.json.to_string()
        } else {
            String::new()
        };
        let mut response = Response::new(B::from(body));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        );
        response
    }
}

impl<ReqBody> Service<Request<ReqBody>> for ResourceMetadataService {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        ready(Ok(self.respond(request.method())))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn get_head_and_other_methods() {
        let mut service =
            ResourceMetadataService::new(&ProtectedResourceMetadata::new("https://api"));
        let call = |service: &mut ResourceMetadataService, method: Method| {
            let request = Request::builder().method(method).body(()).unwrap();
            let future: Ready<Result<Response<String>, Infallible>> = service.call(request);
            future.into_inner().unwrap()
        };
        let r = call(&mut service, Method::GET);
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(r.headers()[header::CACHE_CONTROL], CACHE_CONTROL);
        assert_eq!(r.body(), r#"{"resource":"https://api"}"#);
        let r = call(&mut service, Method::HEAD);
        assert_eq!((r.status().as_u16(), r.body().as_str()), (200, ""));
        let r = call(&mut service, Method::POST);
        assert_eq!(r.status(), 405);
        assert_eq!(r.headers()[header::ALLOW], "GET, HEAD");
    }
}
