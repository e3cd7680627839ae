//! The tenant's HTTP/1.1 server: the accept loop and the routing. The routes live in
//! `well_known.rs` (JWKS, discovery), `token.rs` (`/oauth/token`), `userinfo.rs` and `login/`
//! (the browser login flow).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::reply::{Refused, Reply, error, json_reply};
use super::state::Shared;
use super::userinfo::userinfo;
use super::well_known::{discovery, jwks_answer};
use super::{login, token};

const JWKS_PATH: &str = "/.well-known/jwks.json";
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
const TOKEN_PATH: &str = "/oauth/token";
const USERINFO_PATH: &str = "/userinfo";
const AUTHORIZE_PATH: &str = "/authorize";
const LOGIN_PATH: &str = "/authorize/login";
const PAR_PATH: &str = "/oauth/par";
const V2_LOGOUT_PATH: &str = "/v2/logout";
const OIDC_LOGOUT_PATH: &str = "/oidc/logout";
const AVATARS_PREFIX: &str = "/avatars/";

/// Accepts connections until the task is aborted; dropping the task drops the `JoinSet`,
/// which aborts every connection task too.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors or similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |req| handle(Arc::clone(&shared), req));
    let _ = http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Reply, Refused> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let allowed = match path.as_str() {
        JWKS_PATH | DISCOVERY_PATH => "GET, HEAD",
        TOKEN_PATH | LOGIN_PATH | PAR_PATH => "POST",
        USERINFO_PATH => "GET, POST",
        AUTHORIZE_PATH | V2_LOGOUT_PATH | OIDC_LOGOUT_PATH => "GET",
        avatar if avatar.starts_with(AVATARS_PREFIX) => "GET, HEAD",
        _ => return Ok(error(StatusCode::NOT_FOUND, "not_found", "Not Found")),
    };
    match (method, path.as_str()) {
        (Method::GET | Method::HEAD, JWKS_PATH) => {
            shared.jwks_requests.fetch_add(1, Ordering::SeqCst);
            jwks_answer(&shared).await
        }
        (Method::GET | Method::HEAD, DISCOVERY_PATH) => {
            Ok(json_reply(StatusCode::OK, &discovery(&shared), &[]))
        }
        (Method::POST, TOKEN_PATH) => {
            shared.token_requests.fetch_add(1, Ordering::SeqCst);
            Ok(token::handle(&shared, req).await)
        }
        (Method::GET | Method::POST, USERINFO_PATH) => {
            shared.userinfo_requests.fetch_add(1, Ordering::SeqCst);
            Ok(userinfo(&shared, &req))
        }
        (Method::GET, AUTHORIZE_PATH) => Ok(login::authorize(&shared, req.uri().query())),
        (Method::POST, LOGIN_PATH) => Ok(login::login(&shared, req).await),
        (Method::POST, PAR_PATH) => Ok(login::par(&shared, req).await),
        (Method::GET, V2_LOGOUT_PATH) => Ok(login::v2_logout(&shared, req.uri().query())),
        (Method::GET, OIDC_LOGOUT_PATH) => Ok(login::oidc_logout(&shared, req.uri().query())),
        (Method::GET | Method::HEAD, avatar) if avatar.starts_with(AVATARS_PREFIX) => {
            Ok(login::avatar(&shared, avatar))
        }
        _ => {
            let mut reply = error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method Not Allowed",
            );
            reply
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allowed));
            Ok(reply)
        }
    }
}
