//! The response headers kept on an API error, as plain data (no `http` crate types in the public
//! API, so that the client's semver does not follow reqwest's).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Response headers: lower-case names and their values in the order received. Values that are not
/// valid UTF-8 are kept lossily converted.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ResponseHeaders {
    entries: Vec<(String, String)>,
}

impl ResponseHeaders {
    pub(crate) fn from_map(map: &reqwest::header::HeaderMap) -> Self {
        let entries = map
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        Self { entries }
    }

    /// Builds headers from name/value pairs (names are compared case-insensitively).
    pub fn from_pairs<N: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        let entries = pairs
            .into_iter()
            .map(|(n, v)| (n.into().to_ascii_lowercase(), v.into()))
            .collect();
        Self { entries }
    }

    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name` (case-insensitive), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether `name` is present (case-insensitive).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// All `(name, value)` pairs, names in lower case.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The number of header lines.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `x-ratelimit-reset` as UNIX seconds; `None` when absent or not a non-negative integer.
    pub(crate) fn ratelimit_reset(&self) -> Option<u64> {
        self.get("x-ratelimit-reset")?.trim().parse().ok()
    }

    /// `Retry-After` as a wait from `now`: delta-seconds or an HTTP-date (a past date is zero).
    pub(crate) fn retry_after_at(&self, now: SystemTime) -> Option<Duration> {
        let raw = self.get("retry-after")?.trim();
        if let Ok(secs) = raw.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let date = httpdate::parse_http_date(raw).ok()?;
        Some(date.duration_since(now).unwrap_or(Duration::ZERO))
    }

    /// The wait until `x-ratelimit-reset`, from `now` (zero when already past).
    pub(crate) fn ratelimit_reset_wait(&self, now: SystemTime) -> Option<Duration> {
        let reset = UNIX_EPOCH.checked_add(Duration::from_secs(self.ratelimit_reset()?))?;
        Some(reset.duration_since(now).unwrap_or(Duration::ZERO))
    }
}

/// Values of these headers are not printed by `Debug`.
const SENSITIVE: [&str; 4] = [
    "set-cookie",
    "authorization",
    "proxy-authorization",
    "cookie",
];

impl fmt::Debug for ResponseHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.entries {
            if SENSITIVE.contains(&name.as_str()) {
                map.entry(name, &"[redacted]");
            } else {
                map.entry(name, value);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_are_case_insensitive() {
        let h = ResponseHeaders::from_pairs([("X-RateLimit-Reset", "9"), ("Retry-After", "2")]);
        assert_eq!(h.get("x-ratelimit-reset"), Some("9"));
        assert_eq!(h.get("RETRY-AFTER"), Some("2"));
        assert_eq!(h.ratelimit_reset(), Some(9));
        assert_eq!(
            h.retry_after_at(SystemTime::now()),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn bad_values_are_none() {
        for v in ["abc", "1.5", "-1", ""] {
            let h = ResponseHeaders::from_pairs([("x-ratelimit-reset", v), ("retry-after", v)]);
            assert_eq!(h.ratelimit_reset(), None, "{v}");
            assert_eq!(h.retry_after_at(SystemTime::now()), None, "{v}");
        }
    }

    #[test]
    fn retry_after_http_date() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_767);
        let h = ResponseHeaders::from_pairs([("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]);
        assert_eq!(h.retry_after_at(now), Some(Duration::from_secs(10)));
        let later = now + Duration::from_secs(100);
        assert_eq!(h.retry_after_at(later), Some(Duration::ZERO));
    }

    #[test]
    fn debug_hides_cookies() {
        let h = ResponseHeaders::from_pairs([("set-cookie", "did=secret"), ("x-a", "b")]);
        let text = format!("{h:?}");
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("x-a"));
    }
}
