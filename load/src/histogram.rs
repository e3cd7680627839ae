//! Latency histogram: log-linear buckets over nanoseconds (about 3 % resolution), fixed size,
//! no allocation per recorded value, mergeable across connections.

use std::time::Duration;

/// Sub-buckets per power of two.
const SUB_BITS: u32 = 5;
const SUB: usize = 1 << SUB_BITS;
/// Powers of two covered: up to 2^40 ns (about 18 minutes).
const MAGNITUDES: usize = 41;
const BUCKETS: usize = MAGNITUDES * SUB;

/// Counts of latencies in log-linear buckets.
#[derive(Clone)]
pub(crate) struct Histogram {
    counts: Box<[u64]>,
    total: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            total: 0,
        }
    }
}

/// The bucket of a value in nanoseconds.
fn index(ns: u64) -> usize {
    if ns < SUB as u64 {
        return ns as usize;
    }
    let magnitude = 63 - ns.leading_zeros(); // ≥ SUB_BITS
    let shift = magnitude - SUB_BITS;
    let sub = ((ns >> shift) as usize) & (SUB - 1);
    let i = ((magnitude - SUB_BITS + 1) as usize) * SUB + sub;
    i.min(BUCKETS - 1)
}

/// The middle of bucket `i`, in nanoseconds.
fn value(i: usize) -> u64 {
    if i < SUB {
        return i as u64;
    }
    let magnitude = (i / SUB) as u32 + SUB_BITS - 1;
    let shift = magnitude - SUB_BITS;
    let low = (1u64 << magnitude) | (((i % SUB) as u64) << shift);
    low + (1u64 << shift) / 2
}

impl Histogram {
    /// Records one latency.
    pub(crate) fn record(&mut self, latency: Duration) {
        let ns = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        self.counts[index(ns)] += 1;
        self.total += 1;
    }

    /// Adds another histogram's counts.
    pub(crate) fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.total += other.total;
    }

    /// The latency at quantile `q` (0..=1), or zero when nothing was recorded.
    pub(crate) fn quantile(&self, q: f64) -> Duration {
        if self.total == 0 {
            return Duration::ZERO;
        }
        let rank = ((self.total as f64) * q.clamp(0.0, 1.0)).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Duration::from_nanos(value(i));
            }
        }
        Duration::from_nanos(value(BUCKETS - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_close_to_the_value() {
        for ns in [0u64, 1, 31, 32, 33, 100, 1_000, 123_456, 9_999_999, 1 << 39] {
            let v = value(index(ns));
            let err = (v as f64 - ns as f64).abs() / (ns.max(1) as f64);
            assert!(err <= 0.04, "{ns} → {v}");
        }
    }

    #[test]
    fn quantiles() {
        let mut h = Histogram::default();
        for us in 1..=100u64 {
            h.record(Duration::from_micros(us));
        }
        let p50 = h.quantile(0.5).as_micros();
        let p99 = h.quantile(0.99).as_micros();
        assert!((48..=52).contains(&p50), "{p50}");
        assert!((96..=102).contains(&p99), "{p99}");
        let mut g = Histogram::default();
        g.merge(&h);
        assert_eq!(g.quantile(0.5), h.quantile(0.5));
        assert_eq!(Histogram::default().quantile(0.5), Duration::ZERO);
    }
}
