//! The example binaries' request logs: a line for every request, and never a credential —
//! neither the `Authorization` token nor `DPoP` or `Cookie` values.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth0_core::testing::{TestTenant, wait_until};

/// Killed (and reaped) when dropped, on every path out of the check.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const COOKIE_VALUE: &str = "sid=cookie-value-that-must-stay-private";
const DPOP_VALUE: &str = "dpop-proof-value-that-must-stay-private";

/// Starts `bin` against a test tenant with `RUST_LOG=info`, sends a request with a token and
/// one with a `Cookie` and a `DPoP` header, and checks what it logged. `headers_logged`: the
/// binary logs request headers (masked as `Sensitive`).
pub async fn credentials_never_logged(bin: &str, headers_logged: bool) {
    let tenant = TestTenant::start().await;
    let mut child = Command::new(bin)
        .env("AUTH0_DOMAIN", tenant.domain())
        .env("AUTH0_AUDIENCE", tenant.audience())
        .env("PORT", "0")
        .env("RUST_LOG", "info")
        .env_remove("AUTH0_DPOP")
        .env_remove("PUBLIC_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let _running = Running(child);

    let log = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&log);
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n @ 1..) = stderr.read(&mut buffer) {
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    // The readiness line; the read ends at the latest when the program exits.
    let base = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split_once("listening on ")
                    .map(|(_, base)| base.trim().to_owned())
            })
    })
    .await
    .unwrap()
    .expect("the readiness line");

    let token = tenant.token().sub("auth0|alice").sign();
    let client = reqwest::Client::new();
    let private = client
        .get(format!("{base}/api/private"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(private.status(), 200);
    let public = client
        .get(format!("{base}/api/public"))
        .header("cookie", COOKIE_VALUE)
        .header("dpop", DPOP_VALUE)
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 200);

    let logged = || log.lock().unwrap().clone();
    wait_until(
        Duration::from_secs(20),
        format_args!("two request lines in the log: {}", logged()),
        || logged().matches("finished processing request").count() >= 2,
    )
    .await;
    let text = logged();
    println!("{text}");
    assert!(text.contains("/api/private"), "{text}");
    assert!(text.contains("/api/public"), "{text}");
    for secret in [token.as_str(), COOKIE_VALUE, DPOP_VALUE] {
        assert!(!text.contains(secret), "a credential was logged: {text}");
    }
    // No part of the token either (its signature is the secret part).
    let signature = token.rsplit('.').next().unwrap();
    assert!(!text.contains(signature), "{text}");
    if headers_logged {
        assert!(text.contains("Sensitive"), "{text}");
    }
}
