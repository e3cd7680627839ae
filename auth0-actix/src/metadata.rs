//! [`resource_metadata`]: serves an RFC 9728 protected-resource metadata document.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Resource, guard, web};
use auth0_core::resource_metadata::{CACHE_CONTROL, ProtectedResourceMetadata};

/// An actix-web resource at `path` answering `GET` and `HEAD` with `metadata` (`200`,
/// `Content-Type: application/json`, `Cache-Control: public, max-age=3600`), other methods
/// with `405` and `Allow`.
///
/// Use [`well_known_path`](auth0_core::resource_metadata::well_known_path) of the API's base
/// URL as `path`, register it without the verifying middleware (clients read it before they
/// have a token), and configure the verifier with the matching
/// [`resource_metadata_url`](auth0_core::AccessTokenVerifierBuilder::resource_metadata_url)
/// so that 401 challenges point to it.
///
/// ```
/// use actix_web::App;
/// use auth0_actix::resource_metadata;
/// use auth0_core::resource_metadata::{ProtectedResourceMetadata, WELL_KNOWN_PATH};
///
/// let metadata = ProtectedResourceMetadata::new("https://api.example.com");
/// let app = App::new().service(resource_metadata(WELL_KNOWN_PATH, &metadata));
/// # let _ = app;
/// ```
pub fn resource_metadata(path: &str, metadata: &ProtectedResourceMetadata) -> Resource {
    let json = web::Bytes::from(metadata.to_json());
    web::resource(path)
        .route(
            web::route()
                .guard(guard::Any(guard::Get()).or(guard::Head()))
                .to(move |request: HttpRequest| {
                    let json = json.clone();
                    async move {
                        let mut response = HttpResponse::Ok();
                        response
                            .insert_header((
                                header::CONTENT_TYPE,
                                HeaderValue::from_static("application/json"),
                            ))
                            .insert_header((
                                header::CACHE_CONTROL,
                                HeaderValue::from_static(CACHE_CONTROL),
                            ));
                        if request.method() == actix_web::http::Method::HEAD {
                            response.finish()
                        } else {
                            response.body(json)
                        }
                    }
                }),
        )
        .default_service(web::to(|| async {
            HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, "GET, HEAD"))
                .finish()
        }))
}
