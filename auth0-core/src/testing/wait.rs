//! Waiting for something to happen, with a deadline and a loud failure.
//!
//! A key store refreshes in the background, a server starts in another process, a fault
//! clears: a test that must wait for such an event should wait for the event itself, not for
//! a fixed time that is too long on a fast machine and too short on a loaded one. These
//! helpers check a condition until it holds, and panic with what was awaited once the
//! deadline passes.
//!
//! ```
//! use std::time::Duration;
//! use auth0_core::testing::{TestTenant, wait_until};
//!
//! # async fn demo() {
//! let tenant = TestTenant::start().await;
//! let url = tenant.jwks_url();
//! tokio::spawn(async move { reqwest::get(url).await });
//! wait_until(Duration::from_secs(10), "the JWKS request", || tenant.jwks_requests() == 1).await;
//! # }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
//! #     .block_on(demo());
//! ```
//!
//! The deadline is measured in real time. Between checks the helpers pause for a few
//! milliseconds (up to 20); under a runtime whose time is paused, those pauses advance the
//! virtual clock like any other `tokio::time::sleep`.

use std::fmt::Display;
use std::future::Future;
use std::time::{Duration, Instant};

/// The longest pause between two checks of a condition.
const MAX_PAUSE: Duration = Duration::from_millis(20);

/// The pause after `previous`: 1 ms, doubling up to [`MAX_PAUSE`].
fn next_pause(previous: Duration) -> Duration {
    if previous.is_zero() {
        Duration::from_millis(1)
    } else {
        (previous * 2).min(MAX_PAUSE)
    }
}

#[track_caller]
fn timed_out(timeout: Duration, what: &dyn Display) -> ! {
    super::basics::fail(format_args!(
        "timed out after {timeout:?} waiting for {what}"
    ))
}

/// Waits until `condition` returns `true`, checking it at once and then every few
/// milliseconds.
///
/// `what` names the awaited event in the failure message; it is formatted only on failure, so
/// a type whose `Display` reads a log shows the log as it was at the deadline.
///
/// # Panics
/// When `condition` is still `false` after `timeout`, with a message naming `what`.
pub async fn wait_until(
    timeout: Duration,
    what: impl Display,
    mut condition: impl FnMut() -> bool,
) {
    wait_until_async(timeout, what, || std::future::ready(condition())).await;
}

/// Like [`wait_until`], with an asynchronous condition (an HTTP probe, a query of a server).
///
/// # Panics
/// When the condition is still `false` after `timeout`, with a message naming `what`.
pub async fn wait_until_async<F, Fut>(timeout: Duration, what: impl Display, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::ZERO;
    loop {
        if condition().await {
            return;
        }
        if Instant::now() >= deadline {
            timed_out(timeout, &what);
        }
        pause = next_pause(pause);
        tokio::time::sleep(pause).await;
    }
}

/// The blocking twin of [`wait_until`], for code without an async runtime (a child process, a
/// thread).
///
/// # Panics
/// When `condition` is still `false` after `timeout`, with a message naming `what`.
#[track_caller]
pub fn wait_until_blocking(
    timeout: Duration,
    what: impl Display,
    mut condition: impl FnMut() -> bool,
) {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::ZERO;
    loop {
        if condition() {
            return;
        }
        if Instant::now() >= deadline {
            timed_out(timeout, &what);
        }
        pause = next_pause(pause);
        std::thread::sleep(pause);
    }
}

/// Polls `future` once and returns its output if it is ready, `None` if it would have waited.
///
/// A verifier whose keys are seeded ([`seed_jwks`](crate::AccessTokenVerifierBuilder::seed_jwks))
/// verifies without waiting, so tests and benchmarks can call it from plain threads, with no
/// runtime and no scheduling between them and the code they measure.
///
/// ```
/// use auth0_core::AccessTokenVerifier;
/// use auth0_core::testing::{TestKey, TokenBuilder, jwks, now_or_never};
///
/// let key = TestKey::rsa(0);
/// let verifier = AccessTokenVerifier::builder("https://tenant.example.com")
///     .audience("https://api.example.com")
///     .seed_jwks(jwks(&[&key]).to_string())
///     .build()
///     .unwrap();
/// let token = TokenBuilder::new(&key)
///     .iss("https://tenant.example.com/")
///     .sub("auth0|alice")
///     .aud("https://api.example.com")
///     .sign();
/// let claims = now_or_never(verifier.verify(&token)).expect("keys are seeded").unwrap();
/// assert_eq!(claims.sub, "auth0|alice");
/// ```
pub fn now_or_never<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(output) => Some(output),
        std::task::Poll::Pending => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn returns_once_the_condition_holds() {
        let checks = AtomicUsize::new(0);
        wait_until(Duration::from_secs(10), "the third check", || {
            checks.fetch_add(1, Ordering::SeqCst) == 2
        })
        .await;
        assert_eq!(checks.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn sees_what_another_task_does() {
        let flag = Arc::new(AtomicUsize::new(0));
        let writer = Arc::clone(&flag);
        let task = tokio::spawn(async move { writer.store(1, Ordering::SeqCst) });
        wait_until(Duration::from_secs(10), "the task's write", || {
            flag.load(Ordering::SeqCst) == 1
        })
        .await;
        task.await.unwrap();
    }

    #[tokio::test]
    async fn an_async_condition_is_awaited() {
        let mut n = 0;
        wait_until_async(Duration::from_secs(10), "the second probe", || {
            n += 1;
            let done = n == 2;
            async move { done }
        })
        .await;
        assert_eq!(n, 2);
    }

    #[tokio::test]
    #[should_panic(expected = "timed out after 30ms waiting for what never comes")]
    async fn a_condition_that_never_holds_fails_loudly() {
        wait_until(Duration::from_millis(30), "what never comes", || false).await;
    }

    #[test]
    #[should_panic(expected = "timed out after 30ms waiting for what never comes")]
    fn the_blocking_twin_fails_loudly_too() {
        wait_until_blocking(Duration::from_millis(30), "what never comes", || false);
    }

    #[test]
    fn the_blocking_twin_returns_once_the_condition_holds() {
        let worker = std::thread::spawn(|| 7);
        wait_until_blocking(Duration::from_secs(10), "the thread's end", || {
            worker.is_finished()
        });
        assert_eq!(worker.join().unwrap(), 7);
    }

    #[test]
    fn the_description_is_formatted_at_the_deadline() {
        struct Log<'a>(&'a std::sync::Mutex<String>);
        impl Display for Log<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "the end; log: {}", self.0.lock().unwrap())
            }
        }
        let log = std::sync::Mutex::new(String::new());
        let failure = std::panic::catch_unwind(|| {
            wait_until_blocking(Duration::from_millis(30), Log(&log), || {
                log.lock().unwrap().push('.');
                false
            });
        })
        .unwrap_err();
        let message = failure.downcast_ref::<String>().unwrap();
        let dots = log.lock().unwrap().len();
        assert!(dots >= 2, "{message}");
        assert!(
            message.ends_with(&format!("log: {}", ".".repeat(dots))),
            "{message}"
        );
    }

    #[test]
    fn now_or_never_answers_what_is_ready_and_nothing_else() {
        assert_eq!(now_or_never(async { 7 }), Some(7));
        assert_eq!(now_or_never(std::future::pending::<u8>()), None);
    }

    #[test]
    fn pauses_grow_to_a_cap() {
        let mut pause = Duration::ZERO;
        let mut seen = Vec::new();
        for _ in 0..8 {
            pause = next_pause(pause);
            seen.push(pause.as_millis());
        }
        assert_eq!(seen, [1, 2, 4, 8, 16, 20, 20, 20]);
    }
}
