//! What a burst records: requests, statuses, unexpected answers (per request class), socket
//! errors, latencies; kept per connection and merged at the end.

use std::time::Duration;

use crate::histogram::Histogram;

/// Unexpected answers and errors described in full, per connection and overall.
const SAMPLES: usize = 8;

/// Counters of one request class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ClassCount {
    /// Requests answered.
    pub(crate) requests: u64,
    /// Answers that differ from the contract's prediction.
    pub(crate) unexpected: u64,
}

/// Counters of one connection, or of a whole burst once merged.
#[derive(Clone)]
pub(crate) struct Stats {
    /// Requests answered (whatever the answer).
    pub(crate) requests: u64,
    /// Answers that differ from the contract's prediction.
    pub(crate) unexpected: u64,
    /// Connect, send, receive and timeout errors.
    pub(crate) socket_errors: u64,
    /// New connections after the server closed one with `Connection: close` (not errors).
    pub(crate) reconnects: u64,
    /// Answers by status code (index = status, 0..600).
    statuses: Box<[u64]>,
    /// Per request class, in the order of the row's class names.
    pub(crate) classes: Vec<ClassCount>,
    /// The first unexpected answers and errors, described.
    pub(crate) samples: Vec<String>,
    /// Latency of answered requests.
    pub(crate) latency: Histogram,
}

impl Stats {
    /// Empty counters for `classes` request classes.
    pub(crate) fn new(classes: usize) -> Self {
        Self {
            requests: 0,
            unexpected: 0,
            socket_errors: 0,
            reconnects: 0,
            statuses: vec![0; 600].into_boxed_slice(),
            classes: vec![ClassCount::default(); classes],
            samples: Vec::new(),
            latency: Histogram::default(),
        }
    }

    /// Records an answer: its status, its latency, and whether it was the expected one.
    pub(crate) fn answered(
        &mut self,
        class: usize,
        status: u16,
        latency: Duration,
        mismatch: Option<String>,
    ) {
        self.requests += 1;
        if let Some(slot) = self.statuses.get_mut(usize::from(status)) {
            *slot += 1;
        }
        self.latency.record(latency);
        if let Some(c) = self.classes.get_mut(class) {
            c.requests += 1;
        }
        if let Some(m) = mismatch {
            self.unexpected += 1;
            if let Some(c) = self.classes.get_mut(class) {
                c.unexpected += 1;
            }
            self.sample(m);
        }
    }

    /// Records a socket error.
    pub(crate) fn socket_error(&mut self, what: String) {
        self.socket_errors += 1;
        self.sample(what);
    }

    fn sample(&mut self, what: String) {
        if self.samples.len() < SAMPLES {
            self.samples.push(what);
        }
    }

    /// Adds another connection's counters.
    pub(crate) fn merge(&mut self, other: &Stats) {
        self.requests += other.requests;
        self.unexpected += other.unexpected;
        self.socket_errors += other.socket_errors;
        self.reconnects += other.reconnects;
        for (a, b) in self.statuses.iter_mut().zip(other.statuses.iter()) {
            *a += b;
        }
        if self.classes.len() < other.classes.len() {
            self.classes
                .resize(other.classes.len(), ClassCount::default());
        }
        for (a, b) in self.classes.iter_mut().zip(&other.classes) {
            a.requests += b.requests;
            a.unexpected += b.unexpected;
        }
        for s in &other.samples {
            self.sample(s.clone());
        }
        self.latency.merge(&other.latency);
    }

    /// Answers with a 5xx status.
    pub(crate) fn server_errors(&self) -> u64 {
        self.statuses[500..].iter().sum()
    }

    /// Statuses seen, as `200×n 401×m …`.
    pub(crate) fn status_summary(&self) -> String {
        let parts: Vec<String> = self
            .statuses
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{s}×{n}"))
            .collect();
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_and_summaries() {
        let mut a = Stats::new(2);
        a.answered(0, 200, Duration::from_micros(100), None);
        a.answered(
            1,
            503,
            Duration::from_micros(100),
            Some("status 503".into()),
        );
        let mut b = Stats::new(2);
        b.answered(1, 401, Duration::from_micros(100), None);
        b.socket_error("reset".into());
        a.merge(&b);
        assert_eq!(a.requests, 3);
        assert_eq!(a.unexpected, 1);
        assert_eq!(a.socket_errors, 1);
        assert_eq!(a.server_errors(), 1);
        assert_eq!(
            a.classes[1],
            ClassCount {
                requests: 2,
                unexpected: 1
            }
        );
        assert_eq!(a.status_summary(), "200×1 401×1 503×1");
        assert_eq!(a.samples, vec!["status 503".to_owned(), "reset".to_owned()]);
    }
}
