//! The cost of refusing crafted tokens at the 16 KiB cap (`auth0_core::testing::hostile`)
//! against the cost of refusing a normal-size RS256 token with a bad signature, with the
//! default verifier (caches on) over a loopback tenant. Every iteration sends a token the
//! verifier has not seen (the signature varies, rewritten in place in one buffer per row), so
//! that the refusal cache cannot answer: this measures the first refusal, the one an attacker
//! pays nothing for.
//!
//! Before criterion's own rows, the bench prints each row's cost as a ratio to the first row,
//! measured in interleaved rounds (median of the rounds' ratios), so that a busy machine's
//! drift cancels out.
//!
//! `cargo bench -p auth0-core --features testing --bench hostile`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use auth0_core::AccessTokenVerifier;
use auth0_core::testing::TestTenant;
use auth0_core::testing::hostile::hostile_tokens;
use criterion::{Criterion, criterion_group, criterion_main};

/// Distinct signatures per row (three characters of the signature rotate through the
/// alphabet): far more than the refusal cache holds, so no variant is served from it.
const VARIANTS: usize = 64 * 64 * 64;

/// One row's token, rewritten in place before every refusal: three characters of its signature
/// change, so that each refusal sees a token the verifier has not seen, which keeps its length
/// and stays a well-formed (wrong) signature. The token stays in one buffer, hot in the CPU's
/// caches as a token just read from a socket is; a pool of thousands of 16 KiB copies would
/// measure memory bandwidth instead of the verifier.
struct Variants {
    token: String,
    /// Where the signature starts.
    sig: usize,
    next: usize,
}

impl Variants {
    fn new(token: String) -> Self {
        let sig = token.rfind('.').map_or(token.len(), |dot| dot + 1);
        Variants {
            token,
            sig,
            next: 0,
        }
    }

    /// The next variant.
    fn next(&mut self) -> &str {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let i = self.next;
        self.next = (i + 1) % VARIANTS;
        // Characters away from the end (the last one carries padding bits).
        if self.token.len() > self.sig + 8 {
            let chars = [
                ALPHABET[i % 64],
                ALPHABET[(i / 64) % 64],
                ALPHABET[(i / 4096) % 64],
            ];
            let at = self.sig + 1;
            self.token
                .replace_range(at..at + 3, std::str::from_utf8(&chars).unwrap());
        }
        &self.token
    }
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tenant = rt.block_on(TestTenant::start());
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap();
    rt.block_on(verifier.warm_up()).unwrap();
    // The same, with the token length limit set to 8 KiB: tokens at the 16 KiB cap are then
    // refused before anything of them is hashed.
    let limited = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .max_token_len(8 * 1024)
        .build()
        .unwrap();
    rt.block_on(limited.warm_up()).unwrap();
    let verifiers = [&verifier, &limited];

    let mut rows = vec![(
        "bad-signature (normal size)".to_owned(),
        0,
        tenant
            .token()
            .scope("read:messages")
            .claim("azp", "client-id")
            .sign_with_bad_signature(),
    )];
    let hostile = hostile_tokens(&tenant.issuer(), &tenant.audience(), &tenant.signing_key());
    for t in &hostile {
        rows.push((t.name.to_owned(), 0, t.token.clone()));
    }
    for t in hostile.iter().filter(|t| !t.name.contains('/')).take(2) {
        rows.push((format!("{}, limit 8 KiB", t.name), 1, t.token.clone()));
    }
    let mut pools: Vec<(String, &AccessTokenVerifier, Variants)> = rows
        .into_iter()
        .map(|(name, v, token)| (name, verifiers[v], Variants::new(token)))
        .collect();
    interleaved_ratios(&rt, &mut pools);

    let mut group = c.benchmark_group("refusal");
    for (name, verifier, mut pool) in pools {
        // Every variant is refused, with 401 invalid_token.
        for _ in 0..3 {
            let err = rt.block_on(verifier.verify(pool.next())).unwrap_err();
            assert_eq!(verifier.outcome(&err).status, 401, "{name}");
        }
        group.bench_function(name.as_str(), |b| {
            b.iter(|| {
                rt.block_on(verifier.verify(std::hint::black_box(pool.next())))
                    .unwrap_err()
            })
        });
    }
    group.finish();
}

/// Rounds of the interleaved comparison, and refusals timed per row and round.
const ROUNDS: usize = 15;
const PER_ROUND: usize = 400;

/// Times every row in turn, round after round, and prints the median per-round ratio of each
/// row to the first.
fn interleaved_ratios(
    rt: &tokio::runtime::Runtime,
    pools: &mut [(String, &AccessTokenVerifier, Variants)],
) {
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); pools.len()];
    let mut per_call: Vec<Vec<f64>> = vec![Vec::new(); pools.len()];
    for _ in 0..ROUNDS {
        let mut times = Vec::with_capacity(pools.len());
        for (_, verifier, pool) in pools.iter_mut() {
            let start = std::time::Instant::now();
            for _ in 0..PER_ROUND {
                let _ = rt.block_on(verifier.verify(std::hint::black_box(pool.next())));
            }
            times.push(start.elapsed().as_secs_f64() / PER_ROUND as f64);
        }
        for (i, t) in times.iter().enumerate() {
            ratios[i].push(t / times[0]);
            per_call[i].push(t * 1e6);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "\n| row | µs per refusal (median) | ratio to `{}` (median of {ROUNDS} interleaved rounds) |",
        pools[0].0
    );
    println!("|---|---:|---:|");
    for (i, (name, _, _)) in pools.iter().enumerate() {
        println!(
            "| {name} | {:.1} | {:.2}× |",
            median(&mut per_call[i]),
            median(&mut ratios[i])
        );
    }
    println!();
}

criterion_group!(hostile, benches);
criterion_main!(hostile);
