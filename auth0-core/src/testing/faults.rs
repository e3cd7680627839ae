//! JWKS fault injection, and the response bodies that make the faults real on the socket
//! (streamed, dripped, truncated).

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// How `GET /.well-known/jwks.json` misbehaves (see [`TestTenant::set_fault`]).
///
/// Every faulted request still counts in [`TestTenant::jwks_requests`]. Other routes are not
/// affected. Delays and drips run on tokio's clock, so a test with paused time
/// (`tokio::time::pause`) advances through them like through its own timers.
///
/// [`TestTenant::set_fault`]: super::TestTenant::set_fault
/// [`TestTenant::jwks_requests`]: super::TestTenant::jwks_requests
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwksFault {
    /// Answer normally, after this delay (the delay starts when the request is read).
    Delay(Duration),
    /// This status (e.g. 500, 502, 503, 429, 404, 203, 204) with a small JSON error body, no
    /// `Cache-Control`; a 429 or 503 carries `Retry-After: 30`. A code outside 100..=999 is
    /// answered as 500.
    Status(u16),
    /// `200 OK` with `Content-Type: text/html` and a captive-portal login page.
    Html,
    /// `200 OK` with `Content-Type: application/json` and a body that is not JSON.
    Garbage,
    /// `200 OK` with `Content-Type: application/json`, chunked (no `Content-Length`), streaming
    /// this many bytes: `{"keys":[` followed by whitespace. Nothing is buffered in memory.
    HugeBody(usize),
    /// `200 OK` with the real JWKS and its `Content-Length`, the headers at once, then the body
    /// at this rate (1 byte per `1/rate` s below 10 bytes/s, else chunks every 100 ms).
    /// `0` never sends a byte of the body.
    SlowBody {
        /// Body bytes per second.
        bytes_per_second: u32,
    },
    /// `302 Found` with this `Location`, which a key fetcher must not follow.
    Redirect(String),
    /// Read the request, then close the connection without answering (the client sees the
    /// connection closed before a response / an incomplete message).
    Refuse,
    /// `200 OK` whose `Content-Length` is 1 KiB larger than the JWKS body actually sent; the
    /// connection is closed after the real body.
    ContentLengthLie,
}

/// Every response body the tenant sends.
pub(crate) enum TestBody {
    /// A whole body with its exact length.
    Full(Option<Bytes>),
    /// A whole body whose length is not announced by the body itself (the handler may set a
    /// `Content-Length` of its choosing).
    Unsized(Option<Bytes>),
    /// `remaining` bytes: `prefix` first, then repetitions of `chunk`; chunked encoding.
    Repeat {
        prefix: Option<Bytes>,
        chunk: Bytes,
        remaining: usize,
    },
    /// `data` in pieces of `step` bytes, one piece per `interval`.
    Drip {
        data: Bytes,
        step: usize,
        interval: Duration,
        sleep: Pin<Box<Sleep>>,
    },
}

impl TestBody {
    pub(crate) fn full(data: impl Into<Bytes>) -> Self {
        let data = data.into();
        Self::Full((!data.is_empty()).then_some(data))
    }

    pub(crate) fn empty() -> Self {
        Self::Full(None)
    }

    pub(crate) fn huge(len: usize) -> Self {
        const PREFIX: &[u8] = b"{\"keys\":[";
        let prefix = Bytes::from_static(&PREFIX[..PREFIX.len().min(len)]);
        Self::Repeat {
            prefix: (!prefix.is_empty()).then_some(prefix),
            chunk: Bytes::from(vec![b' '; 64 * 1024]),
            remaining: len,
        }
    }

    pub(crate) fn drip(data: Bytes, bytes_per_second: u32) -> Self {
        let (step, interval) = match bytes_per_second {
            0 => (1, Duration::from_secs(365 * 24 * 3600)),
            bps @ 1..10 => (1, Duration::from_secs(1) / bps),
            bps => ((bps / 10) as usize, Duration::from_millis(100)),
        };
        Self::Drip {
            data,
            step,
            interval,
            sleep: Box::pin(tokio::time::sleep(interval)),
        }
    }
}

impl Body for TestBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            TestBody::Full(data) | TestBody::Unsized(data) => {
                Poll::Ready(data.take().map(|d| Ok(Frame::data(d))))
            }
            TestBody::Repeat {
                prefix,
                chunk,
                remaining,
            } => {
                if *remaining == 0 {
                    return Poll::Ready(None);
                }
                let piece = match prefix.take() {
                    Some(p) => p,
                    None => chunk.slice(..chunk.len().min(*remaining)),
                };
                *remaining -= piece.len();
                Poll::Ready(Some(Ok(Frame::data(piece))))
            }
            TestBody::Drip {
                data,
                step,
                interval,
                sleep,
            } => {
                if data.is_empty() {
                    return Poll::Ready(None);
                }
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                let piece = data.split_to((*step).min(data.len()));
                let next = Instant::now() + *interval;
                sleep.as_mut().reset(next);
                Poll::Ready(Some(Ok(Frame::data(piece))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            TestBody::Full(data) | TestBody::Unsized(data) => data.is_none(),
            TestBody::Repeat { remaining, .. } => *remaining == 0,
            TestBody::Drip { data, .. } => data.is_empty(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            TestBody::Full(data) => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
            TestBody::Drip { data, .. } => SizeHint::with_exact(data.len() as u64),
            TestBody::Unsized(_) | TestBody::Repeat { .. } => SizeHint::default(),
        }
    }
}

/// A captive-portal page, as hotel and airport networks answer any plain-HTTP request.
pub(crate) const CAPTIVE_PORTAL_HTML: &str = "<!DOCTYPE html>\n<html><head><title>Welcome \
to Guest Wi-Fi</title></head><body><h1>Welcome!</h1><p>Please accept the terms of use to \
connect to the Internet.</p><form method=\"post\" action=\"/login\"><input type=\"checkbox\" \
name=\"accept\"> I accept <button type=\"submit\">Connect</button></form></body></html>\n";

/// Not JSON: starts like a JWKS, then breaks off into binary noise.
pub(crate) const GARBAGE: &[u8] = b"{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"\x00\xff\xfe garbage \
\x1b[0m}}]]],,,not json at all";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_json() {
        assert!(serde_json::from_slice::<serde_json::Value>(GARBAGE).is_err());
        assert!(serde_json::from_str::<serde_json::Value>(CAPTIVE_PORTAL_HTML).is_err());
    }
}
