//! The per-request bench over real sockets: each route of both binaries in interleaved bursts
//! — public with the same `Authorization` header as the private rows, private and
//! private-scoped with a repeated token, private with unique tokens (each used once), and
//! refusals of a bad signature — with req/s, p99, server CPU µs per request, and ratios to
//! the public row.

use std::sync::Arc;
use std::time::Instant;

use auth0_core::testing::TestTenant;
use http::HeaderValue;

use crate::Fallible;
use crate::child::Server;
use crate::cli::Options;
use crate::expect::Expect;
use crate::flood::{minter, spec, start_all};
use crate::pinning::Pinning;
use crate::report::{rate, table};
use crate::rounds::{Row, Sample, fixed, fresh, interleave, medians, unique};
use crate::tokens::bearer;
use crate::wrk::{WrkRow, fresh_signature_script};

/// Runs the bench; `Ok(true)` when every answer was the expected one.
pub(crate) async fn run(options: &Options) -> Fallible<bool> {
    let tenant = TestTenant::start().await;
    let minter = minter(&tenant);
    let key = tenant.signing_key();
    let valid = bearer(&minter.valid(&key, "auth0|bench", true))?;
    let bad = minter.bad_signature(&key, "auth0|forged");
    if options.wrk {
        return run_with_wrk(options, &tenant, &valid, &bad).await;
    }
    let started = Instant::now();
    let count = options.unique * options.rounds;
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let pool = tokio::task::block_in_place(|| minter.many(&key, "bench-unique", count, threads));
    let pool: Arc<[HeaderValue]> = pool
        .iter()
        .map(|t| bearer(t))
        .collect::<Fallible<Vec<_>>>()?
        .into();
    println!(
        "minted {count} unique tokens ({} per burst) in {:.1} s",
        options.unique,
        started.elapsed().as_secs_f64()
    );
    let rows = vec![
        Row {
            name: "public, same Authorization header".into(),
            sources: fixed("/api/public", Some(valid.clone()), Expect::Ok),
        },
        Row {
            name: "private, repeated token".into(),
            sources: fixed("/api/private", Some(valid.clone()), Expect::Ok),
        },
        Row {
            name: "private-scoped, repeated token".into(),
            sources: fixed("/api/private-scoped", Some(valid.clone()), Expect::Ok),
        },
        Row {
            name: format!("private, unique tokens (≤ {} per burst)", options.unique),
            sources: unique(pool, options.unique),
        },
        Row {
            name: "refusal: bad signature, one token".into(),
            sources: fixed("/api/private", Some(bearer(&bad)?), Expect::InvalidToken),
        },
        Row {
            name: "refusal: bad signature, fresh per request".into(),
            sources: fresh(bad),
        },
    ];
    let servers = start_all(options, &tenant, None).await?;
    let spec = spec(options, &tenant);
    println!(
        "bench: {} rows × {} binaries × {} rounds of {} s bursts, {} connections",
        rows.len(),
        servers.len(),
        options.rounds,
        options.seconds.as_secs(),
        options.connections
    );
    let samples = interleave(&servers, &rows, options.rounds, &spec).await?;
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let all_right = report(&servers, &names, &samples, options.rounds, "");
    finish(servers, all_right).await
}

/// The bench with wrk driving the bursts: the rows wrk can send.
async fn run_with_wrk(
    options: &Options,
    tenant: &TestTenant,
    valid: &HeaderValue,
    bad: &str,
) -> Fallible<bool> {
    let text = |v: &HeaderValue| {
        v.to_str()
            .map(str::to_owned)
            .map_err(|e| format!("not text: {e}"))
    };
    let dir = std::env::temp_dir().join(format!("auth0-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let fixed = |name: &str, path, authorization: String, expect_ok| WrkRow {
        name: name.into(),
        path,
        authorization: Some(authorization),
        script: None,
        expect_ok,
    };
    let rows = vec![
        fixed(
            "public, same Authorization header",
            "/api/public",
            text(valid)?,
            true,
        ),
        fixed(
            "private, repeated token",
            "/api/private",
            text(valid)?,
            true,
        ),
        fixed(
            "private-scoped, repeated token",
            "/api/private-scoped",
            text(valid)?,
            true,
        ),
        fixed(
            "refusal: bad signature, one token",
            "/api/private",
            format!("Bearer {bad}"),
            false,
        ),
        WrkRow {
            name: "refusal: bad signature, fresh per request".into(),
            path: "/api/private",
            authorization: None,
            script: Some(fresh_signature_script(&dir, bad)?),
            expect_ok: false,
        },
    ];
    let pinning = if options.pin {
        Some(Pinning::plan()?)
    } else {
        None
    };
    let servers = start_all(options, tenant, pinning.as_ref()).await?;
    let driver = match &pinning {
        Some(pinning) => format!("wrk -t{}; {}", pinning.client_threads(), pinning.describe()),
        None => "wrk -t2".to_owned(),
    };
    println!(
        "bench ({driver}): {} rows × {} binaries × {} rounds of {} s bursts, {} connections",
        rows.len(),
        servers.len(),
        options.rounds,
        options.seconds.as_secs(),
        options.connections
    );
    let samples = tokio::task::block_in_place(|| {
        crate::wrk::interleave(
            &servers,
            &rows,
            options.rounds,
            options.seconds,
            options.connections,
            pinning.as_ref(),
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
    let samples = samples?;
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let all_right = report(
        &servers,
        &names,
        &samples,
        options.rounds,
        &format!(" ({driver})"),
    );
    finish(servers, all_right).await
}

/// Prints each binary's table of medians, ratios to its first (public) row; `true` when every
/// answer was the expected one.
fn report(
    servers: &[Server],
    names: &[&str],
    samples: &[Vec<Vec<Sample>>],
    rounds: usize,
    driver: &str,
) -> bool {
    let number = |x: f64, digits: usize| {
        if x.is_finite() {
            format!("{x:.digits$}")
        } else {
            "—".to_owned()
        }
    };
    let mut all_right = true;
    for (server, per_row) in servers.iter().zip(samples) {
        let m: Vec<_> = per_row.iter().map(|s| medians(s)).collect();
        let Some(base) = m.first() else { continue };
        let mut lines = Vec::new();
        for (name, r) in names.iter().zip(&m) {
            all_right &= r.wrong == 0;
            lines.push(vec![
                (*name).to_owned(),
                rate(r.rate),
                number(r.p50_us / 1000.0, 2),
                number(r.p99_us / 1000.0, 2),
                number(r.cpu, 1),
                format!("{}×", number(r.rate / base.rate, 2)),
                format!("{}×", number(r.cpu / base.cpu, 2)),
                number(r.client_cpu, 1),
                number(r.rss as f64 / 1024.0, 1),
                r.wrong.to_string(),
            ]);
        }
        println!(
            "\n{}{driver} — medians of {rounds} rounds; ratios to public with the header",
            server.name
        );
        print!(
            "{}",
            table(
                &[
                    "row",
                    "req/s",
                    "p50 ms",
                    "p99 ms",
                    "server CPU µs/req",
                    "req/s ÷ public",
                    "CPU/req ÷ public",
                    "client CPU µs/req",
                    "RSS MiB",
                    "wrong"
                ],
                &lines
            )
        );
    }
    all_right
}

/// Stops the binaries; says so when some answers were wrong.
async fn finish(servers: Vec<Server>, all_right: bool) -> Fallible<bool> {
    for server in servers {
        server.stop().await;
    }
    if !all_right {
        println!("\nsome answers were not the expected ones (column \"wrong\")");
    }
    Ok(all_right)
}
