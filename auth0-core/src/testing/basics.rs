//! The small basics every part of the kit uses: base64url as JOSE writes it, the clock, and
//! the panic for a test's misuse of the kit.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// base64url without padding, as JOSE uses it.
pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Strict base64url-without-padding decoding.
pub(crate) fn b64_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Seconds since the Unix epoch, from the system clock.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Misuse of the test kit by a test (never input from the network): a clear panic.
#[track_caller]
pub(crate) fn fail(message: impl std::fmt::Display) -> ! {
    panic!("auth0_core::testing: {message}")
}
