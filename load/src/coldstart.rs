//! `coldstart`: from process start to the first 200. Each round starts the binary afresh against
//! the loopback tenant (its key store cold: no keys until the first fetch), then sends a valid
//! token to `/api/private` until it is answered 200, on a fresh connection each try. Reports the
//! time to the readiness line and to the first 200, and the JWKS fetches each start cost.

use std::time::{Duration, Instant};

use auth0_core::testing::TestTenant;
use http::{HeaderValue, Request};
use http_body_util::Empty;

use crate::Fallible;
use crate::child::Server;
use crate::cli::Options;
use crate::client::connect;
use crate::flood::minter;
use crate::report::{median, table};
use crate::tokens::bearer;

/// How long a start may take before the round fails.
const DEADLINE: Duration = Duration::from_secs(30);
/// Pause between tries while the server is not answering 200 yet.
const RETRY: Duration = Duration::from_millis(2);

/// Runs the rounds; `Ok(true)` when every start reached a 200.
pub(crate) async fn run(options: &Options) -> Fallible<bool> {
    let tenant = TestTenant::start().await;
    let token = bearer(&minter(&tenant).valid(&tenant.signing_key(), "auth0|cold", true))?;
    let mut lines = Vec::new();
    for binary in &options.binaries {
        let mut ready_ms = Vec::new();
        let mut first_ms = Vec::new();
        let mut fetches = Vec::new();
        let mut name = binary.display().to_string();
        for round in 0..options.rounds {
            let jwks_before = tenant.jwks_requests();
            let started = Instant::now();
            let server = Server::start(binary, &tenant.domain(), &tenant.audience(), None).await?;
            let ready = started.elapsed();
            let first = first_ok(&server, &token, started).await;
            let jwks = tenant.jwks_requests() - jwks_before;
            name.clone_from(&server.name);
            server.stop().await;
            let first = first?;
            eprintln!(
                "round {}/{} {:<10} ready {:>7.1} ms, first 200 {:>7.1} ms, {jwks} JWKS fetch(es)",
                round + 1,
                options.rounds,
                name,
                ready.as_secs_f64() * 1e3,
                first.as_secs_f64() * 1e3
            );
            ready_ms.push(ready.as_secs_f64() * 1e3);
            first_ms.push(first.as_secs_f64() * 1e3);
            fetches.push(jwks as f64);
        }
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        lines.push(vec![
            name,
            format!("{:.1}", median(&ready_ms)),
            format!("{:.1}", median(&first_ms)),
            format!("{:.1}", max(&first_ms)),
            format!("{:.0}", max(&fetches)),
        ]);
    }
    println!(
        "\ncold start — {} starts per binary, medians (process start → readiness line → first 200)",
        options.rounds
    );
    print!(
        "{}",
        table(
            &[
                "binary",
                "ready ms",
                "first 200 ms",
                "slowest first 200 ms",
                "JWKS fetches per start (max)",
            ],
            &lines
        )
    );
    Ok(true)
}

/// Time from `started` to the first 200 on `/api/private`.
async fn first_ok(server: &Server, token: &HeaderValue, started: Instant) -> Fallible<Duration> {
    loop {
        if started.elapsed() > DEADLINE {
            return Err(format!("{}: no 200 within {DEADLINE:?}", server.name));
        }
        if let Ok(mut sender) = connect(server.addr).await {
            let request = Request::get("/api/private")
                .header("host", server.addr.to_string())
                .header("authorization", token.clone())
                .body(Empty::new())
                .map_err(|e| format!("request: {e}"))?;
            if let Ok(response) = sender.send_request(request).await
                && response.status() == 200
            {
                return Ok(started.elapsed());
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}
