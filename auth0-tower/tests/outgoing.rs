//! `Auth0TokenLayer` on a real hyper client: requests to a loopback API protected by
//! `Auth0Layer` carry a token from the test tenant, fetched once; token failures come back as a
//! `TokenError` inside the `BoxError`, before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth0_core::client::{AuthenticationClient, TokenError, TokenErrorKind, TokenProvider};
use auth0_core::testing::{TestTenant, wait_until};
use auth0_core::{AccessTokenVerifier, Claims};
use auth0_tower::{Auth0Layer, Auth0TokenLayer, BoxError};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Extension, Router};
use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::task::JoinSet;
use tower::{Service, ServiceBuilder, ServiceExt as _};

const DEADLINE: Duration = Duration::from_secs(20);

type Seen = Arc<Mutex<Vec<String>>>;

/// An API on loopback behind `Auth0Layer`: answers `sub org_id` of the verified token and
/// records every `Authorization` header that reached it.
async fn api(tenant: &TestTenant) -> (String, Seen) {
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap();
    let seen = Seen::default();
    let record = seen.clone();
    let whoami = move |Extension(claims): Extension<Arc<Claims>>, headers: HeaderMap| {
        let record = record.clone();
        async move {
            let values = headers.get_all(AUTHORIZATION).iter();
            let values = values.map(|v| v.to_str().unwrap().to_owned());
            record.lock().unwrap().extend(values);
            format!("{} {}", claims.sub, claims.org_id.as_deref().unwrap_or("-"))
        }
    };
    let app = Router::new()
        .route("/whoami", get(whoami))
        .layer(Auth0Layer::new(verifier));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/whoami", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn provider(tenant: &TestTenant) -> TokenProvider {
    let auth = AuthenticationClient::builder(tenant.domain(), tenant.client_id())
        .client_secret(tenant.client_secret())
        .build()
        .unwrap();
    TokenProvider::new(auth)
}

fn hyper_client() -> Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

fn request(url: &str) -> Request<Full<Bytes>> {
    Request::get(url).body(Full::default()).unwrap()
}

async fn text(response: Response<Incoming>) -> (StatusCode, String) {
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn requests_carry_a_token_the_api_accepts() {
    let tenant = TestTenant::start().await;
    let (url, seen) = api(&tenant).await;
    let tokens = provider(&tenant);
    let client = ServiceBuilder::new()
        .layer(Auth0TokenLayer::new(tokens.clone(), tenant.audience()))
        .service(hyper_client());

    let subject = format!("{}@clients", tenant.client_id());
    for _ in 0..3 {
        let response = client.clone().oneshot(request(&url)).await.unwrap();
        assert_eq!(
            text(response).await,
            (StatusCode::OK, format!("{subject} -"))
        );
    }
    assert_eq!(tenant.token_requests(), 1, "one token for every request");

    // A header set by the caller is replaced, not doubled.
    let mut stale = request(&url);
    stale
        .headers_mut()
        .insert(AUTHORIZATION, "Bearer stale".parse().unwrap());
    let response = client.clone().oneshot(stale).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let token = tokens.token(&tenant.audience()).await.unwrap();
    let expected = format!("Bearer {}", token.secret());
    assert_eq!(*seen.lock().unwrap(), vec![expected; 4]);
}

#[tokio::test]
async fn an_organization_gets_its_own_token() {
    let tenant = TestTenant::start().await;
    let (url, _) = api(&tenant).await;
    let layer = Auth0TokenLayer::new(provider(&tenant), tenant.audience()).organization("org_1");
    assert_eq!(layer.audience(), tenant.audience());
    assert!(format!("{layer:?}").contains("org_1"));
    let client = ServiceBuilder::new().layer(layer).service(hyper_client());
    let response = client.oneshot(request(&url)).await.unwrap();
    let (status, body) = text(response).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.ends_with(" org_1"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_wait_for_one_token_request() {
    let tenant = TestTenant::start().await;
    let (url, seen) = api(&tenant).await;
    let client = ServiceBuilder::new()
        .layer(Auth0TokenLayer::new(provider(&tenant), tenant.audience()))
        .service(hyper_client());
    tenant.hold_token_requests();
    let mut calls = JoinSet::new();
    for _ in 0..20 {
        let (client, url) = (client.clone(), url.clone());
        calls.spawn(async move { client.oneshot(request(&url)).await });
    }
    wait_until(DEADLINE, "the held token request", || {
        tenant.token_requests() == 1
    })
    .await;
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing sent without a token"
    );
    tenant.restore_token_requests();
    for response in calls.join_all().await {
        assert_eq!(response.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(tenant.token_requests(), 1);
    assert_eq!(seen.lock().unwrap().len(), 20);
}

#[tokio::test]
async fn without_a_token_nothing_is_sent_and_the_error_is_a_token_error() {
    let tenant = TestTenant::start().await;
    let (url, seen) = api(&tenant).await;
    let layer = Auth0TokenLayer::new(provider(&tenant), "https://unknown.example.com");
    let mut client = ServiceBuilder::new().layer(layer).service(hyper_client());

    let error: BoxError = client
        .ready()
        .await
        .unwrap()
        .call(request(&url))
        .await
        .unwrap_err();
    let token_error = error.downcast_ref::<TokenError>().expect("a TokenError");
    assert_eq!(token_error.kind(), TokenErrorKind::Request);
    assert_eq!(
        token_error.client_error().and_then(|e| e.status()),
        Some(403)
    );
    assert!(!error.to_string().contains(&tenant.client_secret()));
    assert!(seen.lock().unwrap().is_empty());

    // The inner service's own errors pass through as they are.
    let unreachable = "http://127.0.0.1:1/whoami";
    let client = ServiceBuilder::new()
        .layer(Auth0TokenLayer::new(provider(&tenant), tenant.audience()))
        .service(hyper_client());
    let error = client.oneshot(request(unreachable)).await.unwrap_err();
    assert!(error.downcast_ref::<TokenError>().is_none());
    assert!(
        error
            .downcast_ref::<hyper_util::client::legacy::Error>()
            .is_some_and(|e| e.is_connect()),
        "{error:?}"
    );
}

#[test]
fn layer_service_and_future_are_send() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    type Inner = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;
    send_sync::<Auth0TokenLayer>();
    send_sync::<auth0_tower::Auth0TokenService<Inner>>();
    send::<auth0_tower::OutgoingFuture<Response<Incoming>>>();
}
