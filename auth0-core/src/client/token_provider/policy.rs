//! The provider's timing rules: when a cached token is refreshed, when it stops being handed out,
//! and how long to wait before asking Auth0 again after a failure.

use std::time::{Duration, Instant, SystemTime};

use crate::client::Error;

/// The lifetime assumed when an answer has no `expires_in`.
pub(super) const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// The longest lifetime believed (Auth0's maximum is 30 days); longer `expires_in` are cut.
const MAX_LIFETIME: Duration = Duration::from_secs(30 * 86_400);
/// The longest wait asked by the server (`Retry-After`, `x-ratelimit-reset`) that is honoured.
const MAX_SERVER_WAIT: Duration = Duration::from_secs(600);

/// The tunables, with their defaults in [`Policy::default`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Policy {
    /// A token is no longer handed out this long before it expires (at most a quarter of its
    /// lifetime).
    pub(super) margin: Duration,
    /// A refresh starts at least this long before expiry (or a tenth of the lifetime if that is
    /// longer; at most half of it).
    pub(super) min_ahead: Duration,
    /// The first wait after a failure; it doubles with each failure in a row.
    pub(super) backoff_initial: Duration,
    /// The longest wait after failures (unless the server asks for longer).
    pub(super) backoff_max: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            margin: Duration::from_secs(30),
            min_ahead: Duration::from_secs(60),
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
        }
    }
}

/// When a token received for a request sent at some instant is refreshed and given up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Schedule {
    /// From then on, a call that is served the token also starts a refresh.
    pub(super) refresh_at: Instant,
    /// From then on, the token is never handed out.
    pub(super) usable_until: Instant,
}

impl Policy {
    /// The schedule of a token whose request was sent at `sent` (the lifetime counts from then,
    /// which is never later than when Auth0 issued it) and lived `expires_in` seconds.
    pub(super) fn schedule(&self, sent: Instant, expires_in: Option<u64>) -> Schedule {
        let lifetime = expires_in
            .map_or(DEFAULT_LIFETIME, Duration::from_secs)
            .min(MAX_LIFETIME);
        let margin = self.margin.min(lifetime / 4);
        let ahead = (lifetime / 10)
            .max(self.min_ahead)
            .min(lifetime / 2)
            .max(margin);
        let at = |offset: Duration| sent.checked_add(offset).unwrap_or(sent);
        Schedule {
            refresh_at: at(lifetime.saturating_sub(ahead)),
            usable_until: at(lifetime.saturating_sub(margin)),
        }
    }

    /// The wait after the `failures`-th failure in a row: an exponential step from
    /// `backoff_initial`, capped at `backoff_max`, drawn between half of it and all of it
    /// (`random` picks where); and never less than what the server asked (`asked`, capped at
    /// 10 minutes), plus up to a tenth more.
    pub(super) fn backoff(&self, failures: u32, asked: Option<Duration>, random: u64) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        let step = self
            .backoff_initial
            .saturating_mul(1u32 << doublings)
            .min(self.backoff_max);
        let fraction = random as f64 / u64::MAX as f64;
        let ours = step / 2 + (step / 2).mul_f64(fraction);
        match asked {
            Some(asked) => {
                let asked = asked.min(MAX_SERVER_WAIT);
                ours.max(asked + (asked / 10).mul_f64(fraction))
            }
            None => ours,
        }
    }
}

/// How long the server asked to wait: `Retry-After` on any error answer, or the reset of the
/// rate limit (`x-ratelimit-reset`) on a 429.
pub(super) fn asked_wait(err: &Error) -> Option<Duration> {
    let api = err.api()?;
    api.retry_after().or_else(|| {
        api.is_rate_limited()
            .then(|| api.headers().ratelimit_reset_wait(SystemTime::now()))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    fn offsets(policy: &Policy, expires_in: Option<u64>) -> (Duration, Duration) {
        let sent = Instant::now();
        let s = policy.schedule(sent, expires_in);
        (s.refresh_at - sent, s.usable_until - sent)
    }

    #[test]
    fn refresh_ahead_is_a_tenth_of_the_lifetime_or_a_minute() {
        let p = Policy::default();
        // Auth0's default lifetime: 2 h 24 min ahead, handed out until 30 s before expiry.
        assert_eq!(
            offsets(&p, Some(86_400)),
            (S(86_400 - 8_640), S(86_400 - 30))
        );
        assert_eq!(offsets(&p, Some(3_600)), (S(3_600 - 360), S(3_600 - 30)));
        // Short lifetimes: the minute floor, then half the lifetime and a quarter as margin.
        assert_eq!(offsets(&p, Some(300)), (S(240), S(270)));
        assert_eq!(offsets(&p, Some(60)), (S(30), S(45)));
        assert_eq!(offsets(&p, Some(0)), (S(0), S(0)));
        assert_eq!(offsets(&p, None), (S(240), S(270)));
    }

    #[test]
    fn the_refresh_never_starts_after_the_token_is_given_up() {
        let p = Policy {
            margin: S(600),
            ..Policy::default()
        };
        for lifetime in [0, 1, 59, 60, 61, 119, 120, 601, 3_600, 86_400] {
            let (refresh, usable) = offsets(&p, Some(lifetime));
            assert!(refresh <= usable, "{lifetime}: {refresh:?} > {usable:?}");
            assert!(usable <= S(lifetime));
        }
    }

    #[test]
    fn absurd_lifetimes_are_cut() {
        let (_, usable) = offsets(&Policy::default(), Some(u64::MAX));
        assert_eq!(usable, MAX_LIFETIME - S(30));
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let p = Policy::default();
        assert_eq!(p.backoff(1, None, 0), Duration::from_millis(500));
        assert_eq!(p.backoff(1, None, u64::MAX), S(1));
        assert_eq!(p.backoff(4, None, u64::MAX), S(8));
        assert_eq!(p.backoff(4, None, 0), S(4));
        assert_eq!(p.backoff(50, None, u64::MAX), S(60));
        assert_eq!(p.backoff(50, None, 0), S(30));
        assert_eq!(p.backoff(u32::MAX, None, 0), S(30));
    }

    #[test]
    fn the_server_can_ask_for_longer_but_not_forever() {
        let p = Policy::default();
        assert_eq!(p.backoff(1, Some(S(120)), 0), S(120));
        assert_eq!(p.backoff(1, Some(S(120)), u64::MAX), S(132));
        assert_eq!(p.backoff(7, Some(S(1)), 0), S(30));
        assert_eq!(p.backoff(1, Some(S(86_400)), 0), MAX_SERVER_WAIT);
    }
}
