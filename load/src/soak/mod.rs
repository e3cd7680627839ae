//! The load-and-fault soak: for each example binary, a warm-up, then a mixed workload on 256
//! connections while the tenant rotates its signing key every 10 s and its JWKS endpoint fails
//! twice for 5 s. Passes when every answer is the one the contract predicts, no socket error
//! and no 5xx occurred, the JWKS fetches stay within the key store's bound, and the server's
//! memory is stable.

mod mix;
mod schedule;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use auth0_core::testing::TestTenant;
use tokio::sync::Notify;

use crate::Fallible;
use crate::child::Server;
use crate::cli::Options;
use crate::client::{Burst, BurstSpec, burst};
use crate::report::{kib, latency, print_classes};
use crate::tokens::Minter;
use mix::{CLASSES, Pools, SoakSource};

/// Length of the warm-up before the soak proper.
const WARM_UP: Duration = Duration::from_secs(10);
/// Unique tokens for the warm-up: more than the verified-token cache holds (10 000), so that
/// the cache is full before memory is measured.
const WARM_UP_UNIQUE: usize = 12_000;
/// Requests per second the count bound allows (far above what 2 cores serve).
const MAX_RATE: u64 = 1_000_000;

/// One binary's soak, measured.
struct Outcome {
    name: String,
    warm_up: Burst,
    soak: Burst,
    jwks: u64,
    bound: (u64, u64, u64),
    elapsed: Duration,
    rss_warm: u64,
    rss_end: u64,
    alive: bool,
    /// When the server's JWKS requests came, in seconds from the soak's start.
    fetches: Vec<f64>,
}

impl Outcome {
    fn bound_total(&self) -> u64 {
        self.bound.0 + self.bound.1 + self.bound.2
    }

    /// The failed criteria.
    fn failures(&self) -> Vec<String> {
        let mut f = Vec::new();
        for (phase, b) in [("warm-up", &self.warm_up), ("soak", &self.soak)] {
            let s = &b.stats;
            if s.unexpected > 0 {
                f.push(format!("{phase}: {} unexpected answers", s.unexpected));
            }
            if s.socket_errors > 0 {
                f.push(format!("{phase}: {} socket errors", s.socket_errors));
            }
            if s.server_errors() > 0 {
                f.push(format!("{phase}: {} answers 5xx", s.server_errors()));
            }
        }
        if self.jwks > self.bound_total() {
            f.push(format!(
                "{} JWKS fetches, bound {}",
                self.jwks,
                self.bound_total()
            ));
        }
        if self.rss_end > 2 * self.rss_warm {
            f.push(format!(
                "RSS {} at the end, more than twice {} after warm-up",
                kib(self.rss_end),
                kib(self.rss_warm)
            ));
        }
        if !self.alive {
            f.push("the server exited".into());
        }
        f
    }
}

/// Runs the soak for every binary; `Ok(true)` when all pass.
pub(crate) async fn run(options: &Options) -> Fallible<bool> {
    let tenant = Arc::new(TestTenant::start().await);
    let seconds = options.seconds.as_secs();
    let epochs = schedule::epochs(seconds);
    let minter = Minter {
        issuer: tenant.issuer(),
        audience: tenant.audience(),
        client_id: tenant.client_id(),
        lifetime: Duration::from_secs(7200 + 2 * seconds),
    };
    println!(
        "soak: {seconds} s per binary after a {} s warm-up, {} connections, seed {}",
        WARM_UP.as_secs(),
        options.connections,
        options.seed
    );
    println!(
        "schedule: signing key rotates every {} s (keys published {} rotations ahead, the previous \
         key kept); JWKS down at {}",
        schedule::ROTATION,
        schedule::KEYS_AHEAD,
        schedule::OUTAGES
            .iter()
            .enumerate()
            .map(|(i, (s, l))| format!("{s}–{} s ({:?})", s + l, schedule::fault(i)))
            .collect::<Vec<_>>()
            .join(" and ")
    );
    let started = Instant::now();
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let pools = tokio::task::block_in_place(|| {
        Pools::mint(&minter, epochs, options.unique, WARM_UP_UNIQUE, threads)
    })?;
    let pools = Arc::new(pools);
    println!(
        "minted {} keys × {} unique tokens (+{} for the warm-up) and the other pools in {:.1} s; \
         {} hostile tokens per key",
        epochs,
        options.unique,
        WARM_UP_UNIQUE,
        started.elapsed().as_secs_f64(),
        pools.hostile_names().len()
    );
    let mut outcomes = Vec::new();
    for binary in &options.binaries {
        let pools_for_binary = Arc::new(Pools::clone_fresh(&pools));
        schedule::reset(&tenant);
        let outcome = soak_one(binary, &tenant, pools_for_binary, options).await?;
        report(&outcome);
        outcomes.push(outcome);
    }
    let mut pass = true;
    println!("\nsummary");
    for o in &outcomes {
        let failures = o.failures();
        if failures.is_empty() {
            println!("  {}: PASS", o.name);
        } else {
            pass = false;
            println!("  {}: FAIL — {}", o.name, failures.join("; "));
        }
    }
    Ok(pass)
}

async fn soak_one(
    binary: &std::path::Path,
    tenant: &Arc<TestTenant>,
    pools: Arc<Pools>,
    options: &Options,
) -> Fallible<Outcome> {
    let jwks_before = tenant.jwks_requests();
    let started = Instant::now();
    let mut server = Server::start(binary, &tenant.domain(), &tenant.audience(), None).await?;
    println!("\n{}: listening on {}", server.name, server.addr);
    let epoch = Arc::new(AtomicUsize::new(0));
    let fetch_times = Arc::new(Mutex::new(Vec::new()));
    let sampler = tokio::spawn(watch_jwks(
        Arc::clone(tenant),
        jwks_before,
        Arc::clone(&fetch_times),
    ));
    let sources = |warm_up| {
        (0..options.connections)
            .map(|i| {
                SoakSource::new(
                    Arc::clone(&pools),
                    Arc::clone(&epoch),
                    warm_up,
                    options.seed,
                    i as u64,
                )
            })
            .collect::<Fallible<Vec<_>>>()
    };
    let spec = |duration: Duration, start: Option<Arc<Notify>>| BurstSpec {
        connections: options.connections,
        duration,
        max_requests: MAX_RATE * duration.as_secs().max(1),
        full_check: true,
        realm: tenant.audience().into(),
        classes: CLASSES.len(),
        started: start,
    };
    let warm_up = burst(&server, &spec(WARM_UP, None), sources(true)?).await?;
    let rss_warm = server.rss_kib()?;
    println!(
        "{}: warm-up {} requests, {} unexpected, {} socket errors, RSS {}",
        server.name,
        warm_up.stats.requests,
        warm_up.stats.unexpected,
        warm_up.stats.socket_errors,
        kib(rss_warm)
    );
    let start = Arc::new(Notify::new());
    let soak_start = Arc::new(OnceLock::new());
    let controller = tokio::spawn(drive(
        Arc::clone(tenant),
        Arc::clone(&epoch),
        Arc::clone(&start),
        Arc::clone(&soak_start),
        options.seconds.as_secs(),
    ));
    let soak = burst(
        &server,
        &spec(options.seconds, Some(start)),
        sources(false)?,
    )
    .await;
    controller.abort();
    let _ = controller.await;
    sampler.abort();
    let _ = sampler.await;
    tenant.clear_fault();
    let soak = soak?;
    let elapsed = started.elapsed();
    let rss_end = server.rss_kib()?;
    let alive = server.alive();
    if !alive {
        println!(
            "{} exited; its last output:\n{}",
            server.name,
            server.recent_output()
        );
    }
    let jwks = (tenant.jwks_requests() - jwks_before) as u64;
    let (used, minted) = pools.unique_used();
    let (warm_used, warm_minted) = pools.warm_up_used();
    println!(
        "{}: unique tokens sent: warm-up {warm_used} of {warm_minted}, soak {used} of {minted}",
        server.name
    );
    let origin = soak_start.get().copied().unwrap_or(started);
    let fetches = fetch_times
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .map(|t: &Instant| signed_secs(*t, origin))
        .collect();
    let outcome = Outcome {
        name: server.name.clone(),
        warm_up,
        soak,
        jwks,
        bound: schedule::jwks_bound(elapsed),
        elapsed,
        rss_warm,
        rss_end,
        alive,
        fetches,
    };
    server.stop().await;
    Ok(outcome)
}

/// Applies the schedule from the soak's start (signalled by the burst) until its end.
async fn drive(
    tenant: Arc<TestTenant>,
    epoch: Arc<AtomicUsize>,
    start: Arc<Notify>,
    started_at: Arc<OnceLock<Instant>>,
    seconds: u64,
) {
    start.notified().await;
    let t0 = tokio::time::Instant::now();
    let _ = started_at.set(t0.into_std());
    for (at, event) in schedule::events(seconds) {
        tokio::time::sleep_until(t0 + at).await;
        schedule::apply(&tenant, &event);
        if let schedule::Event::Rotate(e) = event {
            epoch.store(e, Ordering::Relaxed);
        }
    }
}

/// Notes when the tenant's JWKS request count grows (polled every 10 ms until aborted).
async fn watch_jwks(tenant: Arc<TestTenant>, mut seen: usize, times: Arc<Mutex<Vec<Instant>>>) {
    loop {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let now = tenant.jwks_requests();
        if now > seen {
            let mut times = times.lock().unwrap_or_else(|e| e.into_inner());
            times.extend(std::iter::repeat_n(Instant::now(), now - seen));
            seen = now;
        }
    }
}

/// `t − origin` in seconds, negative before `origin`.
fn signed_secs(t: Instant, origin: Instant) -> f64 {
    match t.checked_duration_since(origin) {
        Some(d) => d.as_secs_f64(),
        None => -(origin - t).as_secs_f64(),
    }
}

/// A fetch time, marked when it fell inside an outage (that fetch failed).
fn fetch_label(at: f64) -> String {
    let outage = schedule::OUTAGES
        .iter()
        .any(|(s, l)| at >= *s as f64 && at < (s + l) as f64);
    format!(
        "{at:+.1} s{}",
        if outage { " (outage: failed)" } else { "" }
    )
}

fn report(o: &Outcome) {
    let s = &o.soak.stats;
    println!(
        "{}: soak {} requests in {:.1} s ({:.0} req/s), p50 {}, p99 {}, server CPU {:.1} µs/request",
        o.name,
        s.requests,
        o.soak.elapsed.as_secs_f64(),
        o.soak.rate(),
        latency(s.latency.quantile(0.5)),
        latency(s.latency.quantile(0.99)),
        o.soak.cpu_per_request()
    );
    println!(
        "  client CPU {:.1} µs/request (the load client and the in-process tenant)",
        o.soak.client_cpu_per_request()
    );
    println!("  statuses: {}", s.status_summary());
    println!(
        "  unexpected answers: {}; socket errors: {}; 5xx: {}; reconnects asked by the server: {}",
        s.unexpected,
        s.socket_errors,
        s.server_errors(),
        s.reconnects
    );
    print_classes(&CLASSES, s);
    for sample in o.warm_up.stats.samples.iter().chain(&s.samples) {
        println!("  ! {sample}");
    }
    println!(
        "  JWKS fetches: {} over {:.0} s from the server's start; bound {} = 1 initial + {} \
         unknown-kid refetches (≥ 30 s apart, ≤ 6/min) + {} scheduled refreshes",
        o.jwks,
        o.elapsed.as_secs_f64(),
        o.bound_total(),
        o.bound.1,
        o.bound.2
    );
    println!(
        "  JWKS requests at (s from the soak's start): {}",
        o.fetches
            .iter()
            .map(|t| fetch_label(*t))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  RSS: {} after warm-up, {} at the end ({:.2}×)",
        kib(o.rss_warm),
        kib(o.rss_end),
        o.rss_end as f64 / o.rss_warm.max(1) as f64
    );
}
