//! The layer outside axum: a plain hyper server, tonic-style services with other body types,
//! custom responders, and the auto traits of what it builds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::sync::Arc;

use auth0_core::testing::TestTenant;
use auth0_core::{Claims, ErrorKind, Outcome, VerifyError};
use auth0_tower::{Auth0Layer, Auth0Service, EmptyErrorResponse, RequireScopes, outcome_response};
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use test_support::adapter::{answer, bearer, get, verifier};
use tower::{Layer, ServiceBuilder, ServiceExt, service_fn};

#[tokio::test]
async fn plain_hyper_server() {
    let tenant = TestTenant::start().await;
    let service = Auth0Layer::new(verifier(&tenant)).layer(service_fn(
        |request: Request<hyper::body::Incoming>| async move {
            let claims = request.extensions().get::<Arc<Claims>>().unwrap();
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(format!(
                "hello {}",
                claims.sub
            )))))
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let url = format!("http://{addr}/");
    let a = answer(get(&url, &[&bearer(&tenant.token().sub("auth0|hyper").sign())]).await).await;
    assert_eq!((a.status, a.body.as_str()), (200, "hello auth0|hyper"));
    answer(get(&url, &[&bearer(&tenant.token().expired().sign())]).await)
        .await
        .assert_refused(401, Some("invalid_token"), &tenant.audience());
    answer(get(&url, &[]).await)
        .await
        .assert_refused(401, None, &tenant.audience());
}

/// A gRPC-like service: its own request and response body types, and refusals that must be
/// expressed as `grpc-status` rather than a JSON body.
type GrpcBody = UnsyncBoxBody<Bytes, Infallible>;

fn grpc_service()
-> impl tower::Service<Request<GrpcBody>, Response = Response<GrpcBody>, Error = Infallible> + Clone
{
    service_fn(|_request: Request<GrpcBody>| async {
        let mut response =
            Response::new(Full::new(Bytes::from_static(b"\0\0\0\0\0")).boxed_unsync());
        response
            .headers_mut()
            .insert("grpc-status", HeaderValue::from_static("0"));
        Ok::<_, Infallible>(response)
    })
}

fn grpc_request(authorization: Option<&str>) -> Request<GrpcBody> {
    let mut builder = Request::post("/echo.Echo/Say").header("content-type", "application/grpc");
    if let Some(value) = authorization {
        builder = builder.header("authorization", value);
    }
    builder.body(Empty::new().boxed_unsync()).unwrap()
}

#[tokio::test]
async fn tonic_style_bodies_with_empty_responder() {
    let tenant = TestTenant::start().await;
    let service = ServiceBuilder::new()
        .layer(Auth0Layer::new(verifier(&tenant)).error_response(EmptyErrorResponse))
        .layer(RequireScopes::all(["echo"]).error_response(EmptyErrorResponse))
        .service(grpc_service());

    let ok = service
        .clone()
        .oneshot(grpc_request(Some(&bearer(
            &tenant.token().scope("echo").sign(),
        ))))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["grpc-status"], "0");

    let refused = service.clone().oneshot(grpc_request(None)).await.unwrap();
    assert_eq!(refused.status(), 401);
    assert!(
        refused
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .is_empty()
    );

    let forbidden = service
        .oneshot(grpc_request(Some(&bearer(&tenant.token().sign()))))
        .await
        .unwrap();
    assert_eq!(forbidden.status(), 403);
    let kind = forbidden
        .extensions()
        .get::<VerifyError>()
        .unwrap()
        .kind()
        .clone();
    assert_eq!(
        kind,
        ErrorKind::InsufficientScope {
            required: "echo".into()
        }
    );
}

#[tokio::test]
async fn custom_responder_as_grpc_status() {
    let tenant = TestTenant::start().await;
    let grpc_refusal = |error: &VerifyError, outcome: &Outcome| -> Response<GrpcBody> {
        let mut response = outcome_response(outcome, Empty::new().boxed_unsync());
        *response.status_mut() = StatusCode::OK;
        let code = if outcome.status == 503 { "14" } else { "16" }; // UNAVAILABLE / UNAUTHENTICATED
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/grpc"));
        headers.insert("grpc-status", HeaderValue::from_static(code));
        headers.insert(
            "grpc-message",
            HeaderValue::from_str(&error.to_string().replace(' ', "%20")).unwrap(),
        );
        response
    };
    let service = Auth0Layer::new(verifier(&tenant))
        .error_response(grpc_refusal)
        .layer(grpc_service());
    let response = service
        .oneshot(grpc_request(Some("Bearer not.a.jwt")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["grpc-status"], "16");
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    assert!(response.extensions().get::<VerifyError>().is_some());
}

#[tokio::test]
async fn refusal_carries_the_typed_error() {
    let tenant = TestTenant::start().await;
    let service =
        Auth0Layer::new(verifier(&tenant)).layer(service_fn(|_: Request<String>| async {
            Ok::<_, Infallible>(Response::new(String::from("ok")))
        }));
    let request = Request::get("/")
        .header("authorization", bearer(&tenant.token().expired().sign()))
        .body(String::new())
        .unwrap();
    let response = service.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.extensions().get::<VerifyError>().unwrap().kind(),
        &ErrorKind::Expired
    );
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(body["error"], "invalid_token");

    let request = Request::get("/")
        .header("authorization", bearer(&tenant.token().sign()))
        .body(String::new())
        .unwrap();
    let response = service.oneshot(request).await.unwrap();
    assert_eq!(response.body(), "ok");
    assert!(response.extensions().get::<VerifyError>().is_none());
}

#[test]
fn futures_are_send_in_axum() {
    fn send<T: Send>(_: &T) {}
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Auth0Service<axum::Router>>();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tenant = TestTenant::start().await;
        let router: axum::Router =
            axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
        let mut route = Auth0Layer::new(verifier(&tenant)).layer(router);
        let future = tower::Service::call(&mut route, Request::new(axum::body::Body::empty()));
        send(&future);
        assert_eq!(future.await.unwrap().status(), 401);
    });
}
