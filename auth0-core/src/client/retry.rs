//! The opt-in retry policy for rate-limited (429) answers.
//!
//! The client never retries by default, like auth0-python's Authentication API classes. With a
//! [`RetryPolicy`], a 429 is retried after the wait the server asked for (`Retry-After`, else
//! `x-ratelimit-reset`), or an exponential backoff when it gave none; each wait is jittered and
//! capped. A 429 is safe to repeat: the server refused the request without acting on it. Every
//! attempt is a new request (with a fresh client assertion) and has its own timeout.

use std::time::{Duration, SystemTime};

use super::error::ApiError;
use super::secret::random_bytes;

/// Most retries a policy allows.
const MAX_RETRIES: u32 = 10;

/// When and how often to retry a 429 answer.
///
/// ```
/// use std::time::Duration;
/// use auth0_core::client::RetryPolicy;
/// let policy = RetryPolicy::new().max_retries(2).max_delay(Duration::from_secs(5));
/// # let _ = policy;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryPolicy {
    /// 3 retries, backoff from 250 ms, waits capped at 10 s.
    pub fn new() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
        }
    }

    /// Retries after the first attempt (at most 10; 0 disables retrying).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries.min(MAX_RETRIES);
        self
    }

    /// The first backoff when the server names no wait; it doubles on each retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest single wait, jitter included. When the server asks for a longer wait, the 429
    /// is returned at once instead: retrying earlier than asked would only meet the limit again.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The wait before retry number `retries_done + 1`, or `None` to give up.
    pub(crate) fn delay(&self, err: &ApiError, retries_done: u32) -> Option<Duration> {
        if !err.is_rate_limited() || retries_done >= self.max_retries {
            return None;
        }
        let now = SystemTime::now();
        let asked = err
            .headers()
            .retry_after_at(now)
            .or_else(|| err.headers().ratelimit_reset_wait(now));
        let wait = match asked {
            Some(wait) if wait > self.max_delay => return None,
            Some(wait) => wait,
            None => self
                .base_delay
                .saturating_mul(1u32 << retries_done.min(16))
                .min(self.max_delay),
        };
        // Saturating: with `max_delay(Duration::MAX)` the server's `Retry-After` may be near the
        // largest `Duration`.
        Some(wait.saturating_add(jitter(wait)).min(self.max_delay))
    }
}

/// Up to a fifth of `wait`, and at least up to 100 ms, so that clients told the same instant do
/// not all come back at once.
fn jitter(wait: Duration) -> Duration {
    let span = (wait / 5).max(Duration::from_millis(100));
    let Some(bytes) = random_bytes::<8>() else {
        return Duration::ZERO;
    };
    let span_nanos = u64::try_from(span.as_nanos()).unwrap_or(u64::MAX).max(1);
    Duration::from_nanos(u64::from_le_bytes(bytes) % span_nanos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ResponseHeaders;

    fn err(status: u16, headers: &[(&str, &str)]) -> ApiError {
        ApiError::new(
            status,
            ResponseHeaders::from_pairs(headers.iter().copied()),
            Vec::new(),
        )
    }

    #[test]
    fn only_429_is_retried() {
        let p = RetryPolicy::new();
        assert_eq!(p.delay(&err(500, &[]), 0), None);
        assert!(p.delay(&err(429, &[]), 0).is_some());
    }

    #[test]
    fn honours_retry_after_with_jitter() {
        let p = RetryPolicy::new();
        for _ in 0..20 {
            let d = p.delay(&err(429, &[("retry-after", "1")]), 0);
            let Some(d) = d else { panic!("no delay") };
            assert!(
                d >= Duration::from_secs(1) && d <= Duration::from_millis(1200),
                "{d:?}"
            );
        }
    }

    #[test]
    fn gives_up_when_asked_to_wait_too_long() {
        let p = RetryPolicy::new().max_delay(Duration::from_secs(2));
        assert_eq!(p.delay(&err(429, &[("retry-after", "30")]), 0), None);
    }

    #[test]
    fn unbounded_max_delay_with_a_huge_retry_after_does_not_overflow() {
        // Reached through the `error_body` fuzz target: `wait + jitter` overflowed `Duration`.
        let p = RetryPolicy::new().max_delay(Duration::MAX);
        let huge = err(429, &[("retry-after", "18446744073709551615")]);
        let Some(d) = p.delay(&huge, 0) else {
            panic!("no delay")
        };
        assert!(d >= Duration::from_secs(u64::MAX), "{d:?}");
    }

    #[test]
    fn stops_after_max_retries() {
        let p = RetryPolicy::new().max_retries(2);
        assert!(p.delay(&err(429, &[]), 1).is_some());
        assert_eq!(p.delay(&err(429, &[]), 2), None);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::new()
            .max_retries(10)
            .base_delay(Duration::from_secs(1))
            .max_delay(Duration::from_secs(3));
        let Some(d0) = p.delay(&err(429, &[]), 0) else {
            panic!()
        };
        assert!(d0 >= Duration::from_secs(1) && d0 < Duration::from_millis(1300));
        let Some(d5) = p.delay(&err(429, &[]), 5) else {
            panic!()
        };
        assert_eq!(d5, Duration::from_secs(3));
    }
}
