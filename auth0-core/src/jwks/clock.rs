//! Time, injectable: wall-clock seconds for token claims, a monotonic instant for cache ages
//! (so an NTP step cannot expire or resurrect a key set), and a manual clock for tests.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A source of time for the verifiers and key stores.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// Seconds since the Unix epoch (wall clock), for `exp`, `nbf`, `iat`.
    fn now_unix(&self) -> i64;
    /// A monotonic instant, for TTLs, cooldowns and back-off.
    fn now_instant(&self) -> Instant;
}

/// The real clocks.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }

    fn now_instant(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told, for tests of TTLs, cooldowns and token times.
///
/// ```
/// use auth0_core::jwks::{Clock, ManualClock};
/// use std::time::Duration;
/// let clock = ManualClock::new(1_700_000_000);
/// clock.advance(Duration::from_secs(30));
/// assert_eq!(clock.now_unix(), 1_700_000_030);
/// ```
#[derive(Debug)]
pub struct ManualClock {
    state: Mutex<(i64, Instant)>,
}

impl ManualClock {
    /// A clock reading `unix` seconds now.
    pub fn new(unix: i64) -> Self {
        Self {
            state: Mutex::new((unix, Instant::now())),
        }
    }

    /// Moves both the wall clock and the monotonic clock forward.
    pub fn advance(&self, by: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.0 =
            s.0.saturating_add(i64::try_from(by.as_secs()).unwrap_or(i64::MAX));
        s.1 += by;
    }

    /// Sets the wall clock only (an NTP step); the monotonic clock is untouched.
    pub fn set_unix(&self, unix: i64) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0 = unix;
    }
}

impl Clock for ManualClock {
    fn now_unix(&self) -> i64 {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0
    }

    fn now_instant(&self) -> Instant {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1
    }
}
