//! `WebAppLayer` and `RequireLoginLayer` outside axum — a plain hyper server with
//! `Full<Bytes>` bodies driven through the dev tenant's real login page — and the answers of a
//! misconfigured stack: no `WebAppLayer` in front of the guard, server-side sessions without
//! tower-sessions' layer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};

use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, TestTenant};
use auth0_core::webapp::{SessionHandle, SessionStorage, WebApp};
use auth0_tower::webapp::{RequireLoginLayer, WebAppLayer};
use axum::Router;
use axum::body::Body;
use axum::routing::get;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use test_support::webapp::{Answer, http, query, tenant_login};
use tower::{ServiceBuilder, ServiceExt, service_fn};

const SECRET: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";

fn web_app(tenant: &TestTenant, base: &str, storage: SessionStorage) -> WebApp {
    WebApp::builder(&tenant.domain(), &tenant.client_id(), base)
        .client_secret(tenant.client_secret())
        .secret(SECRET)
        .session_storage(storage)
        .build()
        .unwrap()
}

/// The hyper service: the guard and the web app's layer around a `service_fn` that greets the
/// user and sets a cookie of its own.
async fn serve_hyper(tenant: &TestTenant) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let service = ServiceBuilder::new()
        .layer(WebAppLayer::new(web_app(
            tenant,
            &base,
            SessionStorage::Cookie,
        )))
        .layer(RequireLoginLayer::new())
        .service(service_fn(
            |request: Request<hyper::body::Incoming>| async move {
                let handle = request.extensions().get::<SessionHandle>().unwrap();
                let user = handle.user().unwrap();
                let mut response = Response::new(Full::new(Bytes::from(format!(
                    "hello {}",
                    user["name"].as_str().unwrap()
                ))));
                response
                    .headers_mut()
                    .append("set-cookie", "seen=1; Path=/".parse().unwrap());
                Ok::<_, Infallible>(response)
            },
        ));
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
    base
}

/// `GET url` with `headers`, read whole.
async fn fetch(http: &reqwest::Client, url: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = http.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    Answer::read(request.send().await.unwrap()).await
}

/// `name=value` of the first `Set-Cookie` named `name`.
fn pair(cookies: &[String], name: &str) -> String {
    cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"))
}

#[tokio::test]
async fn a_plain_hyper_stack_logs_in_through_the_tenant() {
    let tenant = TestTenant::start().await;
    let base = serve_hyper(&tenant).await;
    let hello = format!("{base}/hello");
    let http = http();

    // Logged out: the guard sends the page to login.
    let page = fetch(&http, &hello, &[("accept", "text/html")]).await;
    assert_eq!(page.status, 302);
    assert_eq!(page.location(), "/login?returnTo=%2Fhello");
    let api = fetch(&http, &hello, &[]).await;
    assert_eq!(api.status, 401);

    // /login → the tenant's page → its form → /callback.
    let login = fetch(&http, &format!("{base}/login?returnTo=%2Fhello"), &[]).await;
    assert_eq!(login.status, 302);
    let state = query(login.location())["state"].clone();
    let transaction = pair(
        &login.set_cookies,
        &format!("auth_verification_{}", &state[..16]),
    );
    let callback = tenant_login(
        &http,
        login.location(),
        ALICE_EMAIL,
        ALICE_PASSWORD,
        "login",
    )
    .await;
    let done = fetch(&http, &callback, &[("cookie", &transaction)]).await;
    assert_eq!(done.status, 302);
    assert_eq!(done.location(), "/hello");
    let session = pair(&done.set_cookies, "appSession");

    // Logged in: the handler runs, and its own cookie stays next to the session's.
    let greeted = fetch(&http, &hello, &[("cookie", &session)]).await;
    assert_eq!(greeted.status, 200);
    assert_eq!(
        greeted.set_cookies,
        ["seen=1; Path=/"],
        "nothing of the session to write"
    );
    assert_eq!(greeted.body, "hello Alice Example");

    // A forged session next to it: the handler is not called, the cookie is removed.
    let forged = fetch(
        &http,
        &hello,
        &[(
            "cookie",
            "appSession=Zm9yZ2VkLXNlc3Npb24tMDEyMzQ1Njc4OWFiY2RlZg",
        )],
    )
    .await;
    assert_eq!(forged.status, 401);
    assert!(forged.set_cookies[0].starts_with("appSession=; Path=/; Max-Age=0"));
}

async fn body_text(response: Response<Body>) -> String {
    String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap()
}

/// Every formatted event, appended.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_guard_without_the_web_app_layer_answers_500_and_logs_the_fix() {
    let app = Router::new()
        .route("/private", get(|| async { "private" }))
        .route_layer(RequireLoginLayer::new());
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer({
            let capture = capture.clone();
            move || capture.clone()
        })
        .finish();
    // A current-thread runtime: the router runs on this thread, under this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);
    let response = app
        .oneshot(Request::get("/private").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = body_text(response).await;
    assert!(body.contains("WebAppLayer"), "{body}");
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("ERROR") && logs.contains("WebAppLayer"),
        "{logs}"
    );
}

#[tokio::test]
async fn server_storage_without_the_session_layer_answers_500() {
    let tenant = TestTenant::start().await;
    let app = Router::new()
        .route("/", get(|| async { "home" }))
        .layer(WebAppLayer::new(web_app(
            &tenant,
            "http://127.0.0.1:3000",
            SessionStorage::Server,
        )));
    for path in ["/", "/login"] {
        let response = app
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{path}"
        );
        let body = body_text(response).await;
        assert!(body.contains("SessionManagerLayer"), "{path}: {body}");
    }
}

#[tokio::test]
async fn a_request_without_cookies_gets_a_logged_out_handle_and_no_cookie() {
    let tenant = TestTenant::start().await;
    let app = Router::new()
        .route(
            "/",
            get(
                |axum::Extension(handle): axum::Extension<SessionHandle>| async move {
                    format!("logged in: {}", handle.is_authenticated())
                },
            ),
        )
        .layer(WebAppLayer::new(web_app(
            &tenant,
            "http://127.0.0.1:3000",
            SessionStorage::Cookie,
        )));
    let response = app
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("set-cookie").is_none());
    assert_eq!(body_text(response).await, "logged in: false");
}
