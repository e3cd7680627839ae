//! The reqwest helper on a real request to a loopback API that verifies the token.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use auth0_core::AccessTokenVerifier;
use auth0_core::client::{RequestBuilderExt as _, TokenErrorKind};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::AUTHORIZATION;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::{kit, verifier};

/// An API on loopback that records every `Authorization` header and answers 200 with the `sub`
/// of a token the verifier accepts, else 401.
async fn api(verifier: AccessTokenVerifier) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/orders", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (verifier, record) = (verifier.clone(), record.clone());
            let service = service_fn(move |req: Request<Incoming>| {
                let (verifier, record) = (verifier.clone(), record.clone());
                async move {
                    let values = req.headers().get_all(AUTHORIZATION);
                    record.lock().unwrap().extend(
                        values
                            .iter()
                            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                    );
                    let verified = verifier
                        .verify_authorization(values.iter().map(|v| v.as_bytes()))
                        .await;
                    let (status, sub) = match verified {
                        Ok(claims) => (StatusCode::OK, claims.sub.clone()),
                        Err(_) => (StatusCode::UNAUTHORIZED, String::new()),
                    };
                    let mut response = Response::new(Full::new(Bytes::from(sub)));
                    *response.status_mut() = status;
                    Ok::<_, Infallible>(response)
                }
            });
            tokio::spawn(async move {
                let io = TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn the_reqwest_helper_sends_a_bearer_token_the_api_accepts() {
    let k = kit(|b| b).await;
    let (url, seen) = api(verifier(&k.tenant, &k.audience)).await;
    let http = reqwest::Client::new();

    let response = http
        .get(&url)
        .header(AUTHORIZATION, "Bearer replaced")
        .auth0_bearer(&k.tokens, &k.audience)
        .await
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let sub = response.text().await.unwrap();
    assert_eq!(sub, format!("{}@clients", k.tenant.client_id()));
    let token = k.tokens.token(&k.audience).await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [format!("Bearer {}", token.secret())],
        "one header, the provider's"
    );

    let response = http
        .get(&url)
        .auth0_bearer_for(&k.tokens, &k.audience, "org_1")
        .await
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(k.tenant.token_requests(), 2);

    // No token, no request: the error comes before anything is sent.
    let error = http
        .get(&url)
        .auth0_bearer(&k.tokens, "https://unknown.example.com")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::Request);
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert!(!format!("{error} {error:?}").contains(&k.tenant.client_secret()));
}
