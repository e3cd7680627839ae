//! The verified-token cache under real traffic: a population of active users larger than the
//! cache, each with one token, requested with Zipf-distributed popularity (a few users make
//! most requests; most make few). Prints the hit ratio, the requests per second (one thread,
//! through `verify`), the cache's entries and the best hit ratio any cache of that size could
//! reach (keeping exactly the most popular tokens).
//!
//! `cargo bench -p auth0-core --features testing --bench cache_zipf`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::future::Future;
use std::time::Instant;

use auth0_core::testing::{TestKey, TokenBuilder, jwks, now_or_never};
use auth0_core::{AccessTokenVerifier, Algorithm};

const ISSUER_DOMAIN: &str = "https://tenant.example.com";
const AUDIENCE: &str = "https://api.example.com";
/// Cache entries, users, warm-up requests and measured requests: the bench's sizes, and the
/// small ones `cargo test` runs it with (no `--bench` argument) to check that it works.
const BENCH_SIZES: [usize; 4] = [2_000, 20_000, 200_000, 300_000];
const TEST_SIZES: [usize; 4] = [50, 500, 2_000, 2_000];

/// Runs a future that completes without waiting (keys are seeded).
fn ready<F: Future>(f: F) -> F::Output {
    now_or_never(f).expect("verification unexpectedly waited")
}

/// xorshift64*: reproducible, and enough for picking users.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Samples user indexes with probability ∝ 1 / (rank + 1)^s.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|i| {
                total += 1.0 / ((i + 1) as f64).powf(s);
                total
            })
            .collect();
        Self { cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        self.cumulative.partition_point(|&c| c < x)
    }

    /// The share of requests that go to the `k` most popular users.
    fn top_share(&self, k: usize) -> f64 {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        self.cumulative[k.min(self.cumulative.len()) - 1] / total
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and test discovery: nothing to list
    }
    let bench = std::env::args().any(|a| a == "--bench");
    let [capacity, population, warm_up, measured] = if bench { BENCH_SIZES } else { TEST_SIZES };
    let key = TestKey::es256(1);
    let started = Instant::now();
    let tokens: Vec<String> = (0..population)
        .map(|i| {
            TokenBuilder::new(&key)
                .iss(format!("{ISSUER_DOMAIN}/"))
                .sub(format!("auth0|user-{i}"))
                .aud(AUDIENCE)
                .scope("read:messages")
                .sign()
        })
        .collect();
    println!(
        "minted {population} ES256 tokens in {:.1} s; cache capacity {capacity} entries",
        started.elapsed().as_secs_f64()
    );
    println!("| Zipf s | hit ratio | best possible | requests/s (1 thread) | entries at the end |");
    println!("|---:|---:|---:|---:|---:|");
    for s in [0.8, 1.0, 1.2] {
        let verifier = AccessTokenVerifier::builder(ISSUER_DOMAIN)
            .audience(AUDIENCE)
            .algorithms([Algorithm::ES256])
            .seed_jwks(jwks(&[&key]).to_string())
            .cache_capacity(capacity)
            .build()
            .unwrap();
        let zipf = Zipf::new(population, s);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..warm_up {
            let token = &tokens[zipf.sample(&mut rng)];
            ready(verifier.verify(token)).unwrap();
        }
        let picks: Vec<usize> = (0..measured).map(|_| zipf.sample(&mut rng)).collect();
        let misses_before = verifier.cache_metrics().misses;
        let start = Instant::now();
        for &i in &picks {
            ready(verifier.verify(&tokens[i])).unwrap();
        }
        let elapsed = start.elapsed().as_secs_f64();
        let metrics = verifier.cache_metrics();
        let misses = metrics.misses - misses_before;
        println!(
            "| {s} | {:.1} % | {:.1} % | {:.0} | {} |",
            100.0 * (1.0 - misses as f64 / measured as f64),
            100.0 * zipf.top_share(capacity),
            measured as f64 / elapsed,
            metrics.entries
        );
    }
}
