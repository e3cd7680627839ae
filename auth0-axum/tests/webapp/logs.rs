//! No token, code or cookie value ever reaches the logs: every event of this test binary, at
//! `TRACE`, is captured from the moment the test starts, through logins, refreshes, failed
//! callbacks and logouts in both storages.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use auth0_core::testing::TestTenant;
use tower_sessions::MemoryStore;
use tracing_subscriber::fmt::MakeWriter;

use test_support::webapp::{http, tenant_login};

use crate::support::{Answer, Browser, query, start, start_server};

/// Every formatted event, appended.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The values of the cookies an answer sets.
fn cookie_values(answer: &Answer) -> Vec<String> {
    answer
        .set_cookies
        .iter()
        .filter_map(|c| {
            c.split(';')
                .next()?
                .split_once('=')
                .map(|(_, v)| v.to_owned())
        })
        .filter(|v| !v.is_empty())
        .collect()
}

#[tokio::test]
async fn no_token_code_or_cookie_value_is_logged() {
    let capture = Capture::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(capture.clone())
        .init();
    let mut secrets: Vec<String> = Vec::new();

    let tenant = TestTenant::start().await;
    tenant.set_token_lifetime(Duration::from_secs(600));

    // Cookie storage: a login, a refresh, a replayed callback, a logout.
    let app = start(&tenant, |b| b).await;
    let mut browser = Browser::new(&app);
    let start_login = browser.page("/login").await;
    secrets.extend(cookie_values(&start_login));
    let callback = tenant_login(
        &http(),
        start_login.location(),
        "alice@example.com",
        "alice-password",
        "login",
    )
    .await;
    let params = query(&callback);
    secrets.push(params["code"].clone());
    secrets.push(params["state"].clone());
    let before = browser.clone();
    let done = browser.page(&callback).await;
    assert_eq!(done.status, 302);
    secrets.extend(cookie_values(&done));
    let mut replay = before;
    assert_eq!(replay.page(&callback).await.status, 400);
    let token = browser.api("/token").await.json();
    secrets.push(token["token"].as_str().unwrap().to_owned());
    app.clock.advance(Duration::from_secs(601));
    let refreshed = browser.api("/token").await;
    secrets.push(refreshed.json()["token"].as_str().unwrap().to_owned());
    secrets.extend(cookie_values(&refreshed));
    // A forged cookie is refused (and logged as refused), without its value.
    let mut forger = Browser::new(&app);
    forger.jar.insert(
        "appSession".into(),
        "Zm9yZ2VkLXNlc3Npb24tdmFsdWUtMDEyMzQ1Njc4OQ".into(),
    );
    secrets.push(forger.jar["appSession"].clone());
    assert_eq!(forger.api("/profile").await.status, 401);
    assert_eq!(browser.log_out().await.status, 302);

    // Server storage: the stored tokens, the session id, a refresh.
    let server = start_server(&tenant, MemoryStore::default()).await;
    let mut browser = Browser::new(&server);
    let done = browser.log_in().await;
    secrets.extend(cookie_values(&done));
    let stored = browser.api("/stored").await.json();
    for token in [
        &stored["refresh_token"],
        &stored["id_token"],
        &stored["access_token"]["token"],
    ] {
        secrets.push(token.as_str().unwrap().to_owned());
    }
    server.clock.advance(Duration::from_secs(601));
    let refreshed = browser.api("/token").await;
    secrets.push(refreshed.json()["token"].as_str().unwrap().to_owned());
    let stored = browser.api("/stored").await.json();
    secrets.push(stored["refresh_token"].as_str().unwrap().to_owned());
    assert_eq!(browser.log_out().await.status, 302);

    let logs = capture.text();
    assert!(
        logs.contains("login failed at the callback"),
        "the capture works: {logs}"
    );
    for secret in secrets.iter().filter(|s| s.len() >= 16) {
        assert!(
            !logs.contains(secret.as_str()),
            "a secret ({} bytes, starting {:?}) is in the logs",
            secret.len(),
            &secret[..6]
        );
    }
}
