//! The refusal flood comparison: per binary, a bad-signature flood (one fixed token, and a fresh
//! bad signature per request so that no refusal cache helps) against a flood of each crafted
//! hostile token of the test kit — the token itself, and variants whose signature changes on
//! every request (where the token has a signature segment to change) — in interleaved bursts;
//! the target is hostile ≥ 0.8× the fresh-bad-signature rate. Two rows on the public route, with
//! a normal-size and a 16 KiB `Authorization` header, measure what a long header costs before
//! any verifier sees it.

use std::sync::Arc;
use std::time::Duration;

use auth0_core::testing::TestTenant;

use crate::Fallible;
use crate::child::Server;
use crate::cli::Options;
use crate::client::{BurstSpec, burst};
use crate::expect::Expect;
use crate::hostile::hostile;
use crate::pinning::Pinning;
use crate::report::{rate, table};
use crate::rounds::{Row, fixed, fresh, interleave, medians};
use crate::tokens::{FreshBadSignature, Minter, bearer};

/// The hostile / fresh-bad-signature rate the hardening aims at.
const TARGET: f64 = 0.8;

/// Runs the flood; `Ok(true)` when every answer was the expected one.
pub(crate) async fn run(options: &Options) -> Fallible<bool> {
    let tenant = TestTenant::start().await;
    let minter = minter(&tenant);
    let key = tenant.signing_key();
    let bad = minter.bad_signature(&key, "auth0|forged");
    let mut rows = vec![
        Row {
            name: "bad signature, one token".into(),
            sources: fixed("/api/private", Some(bearer(&bad)?), Expect::InvalidToken),
        },
        Row {
            name: "bad signature, fresh per request".into(),
            sources: fresh(bad.clone()),
        },
    ];
    let hostile = hostile(&minter.issuer, &minter.audience, &key)?;
    for h in &hostile {
        rows.push(Row {
            name: format!("hostile: {} ({} B)", h.name, h.token.len()),
            sources: fixed("/api/private", Some(h.value.clone()), Expect::InvalidToken),
        });
    }
    let fixed_rows = rows.len();
    for h in &hostile {
        if FreshBadSignature::new(&h.token, 0).is_ok() {
            rows.push(Row {
                name: format!("hostile, fresh signature: {}", h.name),
                sources: fresh(h.token.clone()),
            });
        }
    }
    let fresh_rows = rows.len();
    // The floor under the 16 KiB rows: what moving such a header through the socket and the
    // HTTP parser costs on a route that never reads it.
    let long = hostile
        .iter()
        .find(|h| h.name == "many-members")
        .ok_or("the kit has no many-members token")?;
    rows.push(Row {
        name: "public route, the bad signature's header".into(),
        sources: fixed("/api/public", Some(bearer(&bad)?), Expect::Ok),
    });
    rows.push(Row {
        name: format!("public route, a {} B header", long.token.len()),
        sources: fixed("/api/public", Some(long.value.clone()), Expect::Ok),
    });
    let servers = start_all(options, &tenant, None).await?;
    let spec = spec(options, &tenant);
    println!(
        "flood: {} rows × {} binaries × {} rounds of {} s bursts, {} connections",
        rows.len(),
        servers.len(),
        options.rounds,
        options.seconds.as_secs(),
        options.connections
    );
    let samples = interleave(&servers, &rows, options.rounds, &spec).await?;
    let mut all_right = true;
    for (server, per_row) in servers.iter().zip(&samples) {
        let m: Vec<_> = per_row.iter().map(|s| medians(s)).collect();
        let fresh_rate = m[1].rate;
        let fresh_cpu = m[1].cpu;
        let mut lines = Vec::new();
        for (row, r) in rows.iter().zip(&m) {
            all_right &= r.wrong == 0;
            lines.push(vec![
                row.name.clone(),
                rate(r.rate),
                format!("{:.1}", r.cpu),
                format!("{:.2}", r.p50_us / 1000.0),
                format!("{:.2}", r.p99_us / 1000.0),
                format!("{:.2}×", r.rate / fresh_rate),
                format!("{:.2}×", r.cpu / fresh_cpu),
                format!("{:.1}", r.client_cpu),
                format!("{:.1}", r.rss as f64 / 1024.0),
                r.wrong.to_string(),
            ]);
        }
        println!(
            "\n{} — medians of {} rounds; ratios against the fresh bad signature",
            server.name, options.rounds
        );
        print!(
            "{}",
            table(
                &[
                    "flood",
                    "req/s",
                    "server CPU µs/req",
                    "p50 ms",
                    "p99 ms",
                    "req/s ÷ fresh",
                    "CPU/req ÷ fresh",
                    "client CPU µs/req",
                    "RSS MiB",
                    "wrong"
                ],
                &lines
            )
        );
        for (what, range) in [
            ("hostile tokens", 2..fixed_rows),
            ("hostile tokens, fresh signatures", fixed_rows..fresh_rows),
        ] {
            let worst = m[range.clone()]
                .iter()
                .zip(&rows[range])
                .map(|(r, row)| (r.rate / fresh_rate, r.cpu / fresh_cpu, row.name.as_str()))
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((ratio, cpu, name)) = worst {
                println!(
                    "{what}: lowest req/s ratio to the fresh bad signature {ratio:.2}× ({name}, \
                     CPU/req {cpu:.2}×); target ≥ {TARGET}×: {}",
                    if ratio >= TARGET { "met" } else { "NOT met" }
                );
            }
        }
        let (short, long) = (&m[fresh_rows], &m[fresh_rows + 1]);
        let header_cost = long.cpu - short.cpu;
        println!(
            "a 16 KiB header on a route that never reads it: +{header_cost:.1} µs of server CPU \
             per request ({:.1} against {:.1}); the fresh bad signature plus that alone: \
             CPU/req {:.2}×",
            long.cpu,
            short.cpu,
            (fresh_cpu + header_cost) / fresh_cpu
        );
    }
    for server in servers {
        server.stop().await;
    }
    if !all_right {
        println!("\nsome answers were not the expected ones (column \"wrong\")");
    }
    Ok(all_right)
}

/// The claims of the runs' tokens.
pub(crate) fn minter(tenant: &TestTenant) -> Minter {
    Minter {
        issuer: tenant.issuer(),
        audience: tenant.audience(),
        client_id: tenant.client_id(),
        lifetime: Duration::from_secs(7200),
    }
}

/// The burst settings of the flood and the bench.
pub(crate) fn spec(options: &Options, tenant: &TestTenant) -> BurstSpec {
    BurstSpec {
        connections: options.connections,
        duration: options.seconds,
        max_requests: 1_000_000 * options.seconds.as_secs().max(1),
        full_check: false,
        realm: Arc::from(tenant.audience()),
        classes: 1,
        started: None,
    }
}

/// Starts every binary against `tenant` (with `pinning`, on the server's CPU) and warms it up
/// (keys fetched, code paths hot).
pub(crate) async fn start_all(
    options: &Options,
    tenant: &TestTenant,
    pinning: Option<&Pinning>,
) -> Fallible<Vec<Server>> {
    let valid = bearer(&minter(tenant).valid(&tenant.signing_key(), "auth0|warm", true))?;
    let mut warm_spec = spec(options, tenant);
    warm_spec.duration = Duration::from_secs(1);
    let mut servers = Vec::new();
    for binary in &options.binaries {
        let server = Server::start(binary, &tenant.domain(), &tenant.audience(), pinning).await?;
        let sources =
            (fixed("/api/private", Some(valid.clone()), Expect::Ok))(0, options.connections)?;
        let warm = burst(&server, &warm_spec, sources).await?;
        if warm.stats.unexpected + warm.stats.socket_errors > 0 {
            return Err(format!(
                "{}: the warm-up failed: {:?}",
                server.name, warm.stats.samples
            ));
        }
        eprintln!("{}: listening on {}, warmed up", server.name, server.addr);
        servers.push(server);
    }
    Ok(servers)
}
