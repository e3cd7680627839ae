//! No token, code, state or cookie value ever reaches a log: the whole road (login, a replayed
//! callback, a forged cookie, a refresh, logout) runs with every `tracing` event captured at
//! `TRACE`, and none of the secrets it handled appears in the output.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, TestTenant};
use tracing_subscriber::fmt::MakeWriter;

use crate::harness::{Browser, Options, SECRET, query, serve};

/// Every log line of the test binary from the first call on.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

fn capture() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .with_writer(captured.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
            captured
        })
        .clone()
}

/// The value of a `Set-Cookie` header.
fn cookie_value(set_cookie: &str) -> String {
    let first = set_cookie.split(';').next().unwrap();
    first.split_once('=').unwrap().1.to_owned()
}

#[actix_web::test]
async fn no_secret_reaches_the_logs() {
    let logs = capture();
    let tenant = TestTenant::start().await;
    tenant.set_token_lifetime(Duration::from_secs(300));
    let server = serve(&tenant, Options::default());
    let mut secrets: Vec<String> = vec![SECRET.to_owned(), tenant.client_secret()];
    let mut browser = Browser::new(&server.base);

    let (login, authorize) = browser.start_login(Some("/page")).await;
    secrets.extend(login.set_cookies.iter().map(|c| cookie_value(c)));
    let params = query(authorize.as_str());
    secrets.push(params["code_challenge"].clone());
    secrets.push(params["nonce"].clone());
    let callback = browser
        .at_tenant(&authorize, ALICE_EMAIL, ALICE_PASSWORD, "login")
        .await;
    let callback_params = query(&callback);
    secrets.push(callback_params["code"].clone());
    secrets.push(callback_params["state"].clone());
    let transaction = browser.jar.clone();
    let done = browser.get(&callback).await;
    assert_eq!(done.status, 302);
    secrets.extend(done.set_cookies.iter().map(|c| cookie_value(c)));

    // A replayed callback and a forged cookie: both logged, neither with its values.
    let mut attacker = Browser::new(&server.base);
    attacker.jar = transaction;
    assert_eq!(attacker.get(&callback).await.status, 400);
    let mut forger = Browser::new(&server.base);
    forger.jar.insert(
        "appSession".into(),
        format!("{}x", browser.jar["appSession"]),
    );
    assert_eq!(forger.get_json("/whoami").await.status, 401);

    let session = browser.get_json("/session").await.json();
    secrets.push(session["id_token"].as_str().unwrap().to_owned());
    secrets.push(session["id"].as_str().unwrap().to_owned());
    let token = browser.get_json("/token").await.json();
    secrets.push(token["token"].as_str().unwrap().to_owned());
    server.clock.advance(Duration::from_secs(290));
    let refreshed = browser.get_json("/token").await;
    assert_eq!(refreshed.status, 200);
    secrets.push(refreshed.json()["token"].as_str().unwrap().to_owned());
    secrets.extend(refreshed.set_cookies.iter().map(|c| cookie_value(c)));
    let out = browser
        .send("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(out.status, 302);

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("login failed at the callback"), "{text}");
    assert!(text.contains("session cookie refused"), "{text}");
    for secret in secrets.iter().filter(|s| s.len() >= 16) {
        assert!(
            !text.contains(secret.as_str()),
            "a secret ({} bytes) is in the logs",
            secret.len()
        );
        // Nor a recognisable part of one (a token's signature, a cookie's tail).
        let tail = &secret[secret.len() - 16..];
        assert!(!text.contains(tail), "the end of a secret is in the logs");
    }
}
