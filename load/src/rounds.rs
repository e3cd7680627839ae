//! Interleaved bursts for comparisons: every round runs every row against every binary, in an
//! order that shifts from round to round, so that drift on a shared machine spreads over all
//! rows; the figures are medians over rounds. Also the simple request sources the rows use.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::HeaderValue;

use crate::Fallible;
use crate::child::Server;
use crate::client::{BurstSpec, Planned, Source, burst};
use crate::expect::Expect;
use crate::report::median;
use crate::tokens::FreshBadSignature;

/// Makes the sources of one burst: `(round, connections)` → one source per connection.
pub(crate) type Sources = Box<dyn Fn(usize, usize) -> Fallible<Vec<Box<dyn Source>>> + Send + Sync>;

/// One compared row.
pub(crate) struct Row {
    /// What the row sends.
    pub(crate) name: String,
    /// Its sources.
    pub(crate) sources: Sources,
}

/// One burst's figures.
#[derive(Clone, Debug)]
pub(crate) struct Sample {
    /// Answered requests per second.
    pub(crate) rate: f64,
    /// Server CPU µs per request.
    pub(crate) cpu: f64,
    /// Client CPU µs per request.
    pub(crate) client_cpu: f64,
    /// Median latency.
    pub(crate) p50: Duration,
    /// 99th percentile latency.
    pub(crate) p99: Duration,
    /// Server RSS after the burst, KiB.
    pub(crate) rss: u64,
    /// Unexpected answers, socket errors and 5xx.
    pub(crate) wrong: u64,
}

/// Medians of a row over rounds.
#[derive(Clone, Debug)]
pub(crate) struct Medians {
    /// req/s.
    pub(crate) rate: f64,
    /// Server CPU µs per request.
    pub(crate) cpu: f64,
    /// Client CPU µs per request.
    pub(crate) client_cpu: f64,
    /// p50 latency, µs.
    pub(crate) p50_us: f64,
    /// p99 latency, µs.
    pub(crate) p99_us: f64,
    /// Largest server RSS seen after a burst, KiB.
    pub(crate) rss: u64,
    /// All wrong answers and errors over the rounds.
    pub(crate) wrong: u64,
}

/// Medians of samples.
pub(crate) fn medians(samples: &[Sample]) -> Medians {
    let of = |f: fn(&Sample) -> f64| median(&samples.iter().map(f).collect::<Vec<_>>());
    Medians {
        rate: of(|s| s.rate),
        cpu: of(|s| s.cpu),
        client_cpu: of(|s| s.client_cpu),
        p50_us: of(|s| s.p50.as_secs_f64() * 1e6),
        p99_us: of(|s| s.p99.as_secs_f64() * 1e6),
        rss: samples.iter().map(|s| s.rss).max().unwrap_or(0),
        wrong: samples.iter().map(|s| s.wrong).sum(),
    }
}

/// The order of an interleaved run, as `(round, row, server)`: every round runs every row
/// against every binary, the rows shifted by one from round to round and the binaries taken in
/// alternating order.
pub(crate) fn schedule(
    rounds: usize,
    rows: usize,
    servers: usize,
) -> impl Iterator<Item = (usize, usize, usize)> {
    (0..rounds).flat_map(move |round| {
        (0..rows).flat_map(move |k| {
            (0..servers).map(move |j| {
                let server = if round.is_multiple_of(2) {
                    j
                } else {
                    servers - 1 - j
                };
                (round, (k + round) % rows, server)
            })
        })
    })
}

/// Prints one burst's line of progress.
pub(crate) fn progress(round: usize, rounds: usize, server: &str, row: &str, sample: &Sample) {
    eprintln!(
        "round {}/{rounds} {server:<10} {row:<44} {:>8.0} req/s {:>7.1} µs/req{}",
        round + 1,
        sample.rate,
        sample.cpu,
        if sample.wrong > 0 {
            format!("  {} WRONG", sample.wrong)
        } else {
            String::new()
        }
    );
}

/// Runs `rounds` rounds; the samples by `[server][row][round]`.
pub(crate) async fn interleave(
    servers: &[Server],
    rows: &[Row],
    rounds: usize,
    spec: &BurstSpec,
) -> Fallible<Vec<Vec<Vec<Sample>>>> {
    let mut samples = vec![vec![Vec::with_capacity(rounds); rows.len()]; servers.len()];
    for (round, r, s) in schedule(rounds, rows.len(), servers.len()) {
        let server = &servers[s];
        let sources = (rows[r].sources)(round, spec.connections)?;
        let b = burst(server, spec, sources).await?;
        let st = &b.stats;
        let sample = Sample {
            rate: b.rate(),
            cpu: b.cpu_per_request(),
            client_cpu: b.client_cpu_per_request(),
            p50: st.latency.quantile(0.5),
            p99: st.latency.quantile(0.99),
            rss: b.server_rss_kib,
            wrong: st.unexpected + st.socket_errors + st.server_errors(),
        };
        progress(round, rounds, &server.name, &rows[r].name, &sample);
        if sample.wrong > 0 {
            eprintln!("  first wrong answer: {:?}", st.samples.first());
        }
        samples[s][r].push(sample);
    }
    Ok(samples)
}

/// The same request every time.
pub(crate) struct Fixed {
    /// Path.
    pub(crate) path: &'static str,
    /// `Authorization` value.
    pub(crate) value: Option<HeaderValue>,
    /// Predicted answer.
    pub(crate) expect: Expect,
}

impl Source for Fixed {
    fn next(&mut self) -> Option<Planned> {
        Some(Planned {
            path: self.path,
            authorization: self.value.clone(),
            expect: self.expect,
            class: 0,
        })
    }
}

/// A bad signature never sent before, on every request.
pub(crate) struct Fresh(pub(crate) FreshBadSignature);

impl Source for Fresh {
    fn next(&mut self) -> Option<Planned> {
        Some(Planned {
            path: "/api/private",
            authorization: self.0.next_value().ok(),
            expect: Expect::InvalidToken,
            class: 0,
        })
    }
}

/// Single-use valid tokens from a shared pool; the connection stops when it runs out.
pub(crate) struct Unique {
    /// The pool.
    pub(crate) pool: Arc<[HeaderValue]>,
    /// Next index, shared by the burst's connections.
    pub(crate) next: Arc<AtomicUsize>,
    /// End of this burst's slice of the pool.
    pub(crate) end: usize,
}

impl Source for Unique {
    fn next(&mut self) -> Option<Planned> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        let value = self.pool.get(i).filter(|_| i < self.end)?.clone();
        Some(Planned {
            path: "/api/private",
            authorization: Some(value),
            expect: Expect::Ok,
            class: 0,
        })
    }
}

impl Source for Box<dyn Source> {
    fn next(&mut self) -> Option<Planned> {
        (**self).next()
    }
}

/// Sources that all send the same request.
pub(crate) fn fixed(path: &'static str, value: Option<HeaderValue>, expect: Expect) -> Sources {
    Box::new(move |_, n| {
        Ok((0..n)
            .map(|_| {
                Box::new(Fixed {
                    path,
                    value: value.clone(),
                    expect,
                }) as Box<dyn Source>
            })
            .collect())
    })
}

/// Sources sending a fresh bad signature of `token` per request (distinct across rounds).
pub(crate) fn fresh(token: String) -> Sources {
    Box::new(move |round, n| {
        (0..n)
            .map(|i| {
                let stream = (round * n + i) as u64;
                Ok(Box::new(Fresh(FreshBadSignature::new(&token, stream)?)) as Box<dyn Source>)
            })
            .collect()
    })
}

/// Sources sending round `r`'s slice `[r × per_round, (r + 1) × per_round)` of `pool`.
pub(crate) fn unique(pool: Arc<[HeaderValue]>, per_round: usize) -> Sources {
    Box::new(move |round, n| {
        let next = Arc::new(AtomicUsize::new(round * per_round));
        let end = (round + 1) * per_round;
        Ok((0..n)
            .map(|_| {
                Box::new(Unique {
                    pool: Arc::clone(&pool),
                    next: Arc::clone(&next),
                    end,
                }) as Box<dyn Source>
            })
            .collect())
    })
}
