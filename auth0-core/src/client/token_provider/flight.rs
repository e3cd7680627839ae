//! One token request per cache entry: started by the first call that needs it, run in a task of
//! its own so that no caller's cancellation stops it, its outcome shared by every caller that
//! waits, and recorded in the entry (new token, or a failure and its back-off).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use tokio::sync::watch;

use super::entries::{Cached, Entry, InFlight, Outcome};
use super::error::{TokenError, TokenErrorKind};
use super::policy::asked_wait;
use super::token::AccessToken;
use super::{Inner, lock};
use crate::client::secret::random_bytes;
use crate::client::{Error, TokenResponse};

/// The key a request is for, owned by its task.
struct Key {
    audience: Box<str>,
    organization: Option<Box<str>>,
}

/// The task's side of a request. If the task is dropped before it finishes (its runtime shut
/// down), `Drop` clears the entry's request, so that the next call starts a new one, and then
/// closes the channel, which wakes the waiting callers.
struct Flight {
    inner: Arc<Inner>,
    key: Key,
    id: u64,
    done: Option<watch::Sender<Option<Outcome>>>,
}

impl Inner {
    /// Starts the request for a key whose `entry` (locked by the caller) has none in flight;
    /// returns where its outcome will be published.
    pub(super) fn start(
        self: &Arc<Self>,
        entry: &mut Entry,
        audience: &str,
        organization: Option<&str>,
    ) -> Result<watch::Receiver<Option<Outcome>>, TokenError> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(TokenError::new(
                TokenErrorKind::NoRuntime,
                audience,
                organization,
                None,
            ));
        };
        let (sender, receiver) = watch::channel(None);
        let id = self.next_flight.fetch_add(1, Ordering::Relaxed);
        entry.flight = Some(InFlight {
            id,
            done: receiver.clone(),
        });
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        if entry.token.is_some() {
            self.counters.refreshes.fetch_add(1, Ordering::Relaxed);
        }
        let flight = Flight {
            inner: Arc::clone(self),
            key: Key {
                audience: audience.into(),
                organization: organization.map(Into::into),
            },
            id,
            done: Some(sender),
        };
        runtime.spawn(flight.run());
        Ok(receiver)
    }
}

impl Flight {
    async fn run(mut self) {
        let sent = self.inner.clock.now_instant();
        let grant = self
            .inner
            .client
            .get_token()
            .client_credentials(&*self.key.audience);
        let grant = match &self.key.organization {
            Some(org) => grant.organization(&**org),
            None => grant,
        };
        let answer = grant.await;
        let outcome = self.record(sent, answer);
        if let Some(done) = self.done.take() {
            done.send_replace(Some(outcome));
        }
    }

    /// Turns the answer into the outcome and records it in the entry.
    fn record(&self, sent: Instant, answer: Result<TokenResponse, Error>) -> Outcome {
        let (audience, organization) = (&*self.key.audience, self.key.organization.as_deref());
        let failed = |kind, source| TokenError::new(kind, audience, organization, source);
        let inner = &self.inner;
        let now = inner.clock.now_instant();
        // A token already within its margin when it arrives (`expires_in` 0…) is never handed
        // out.
        let received = match answer {
            Ok(response) => usable(response)
                .map(|(token, expires_in)| (token, inner.policy.schedule(sent, expires_in)))
                .filter(|(_, schedule)| now < schedule.usable_until)
                .ok_or_else(|| failed(TokenErrorKind::InvalidResponse, None)),
            Err(error) => Err(failed(TokenErrorKind::Request, Some(error))),
        };
        let mut entries = lock(&inner.entries);
        let entry = match entries.get_mut(audience, organization) {
            Some(entry) => entry,
            None => entries.insert(audience, organization, now),
        };
        if entry.flight.as_ref().is_some_and(|f| f.id == self.id) {
            entry.flight = None;
        }
        match received {
            Ok((token, schedule)) => {
                entry.token = Some(Cached {
                    token: token.clone(),
                    refresh_at: schedule.refresh_at,
                    usable_until: schedule.usable_until,
                });
                entry.failures = 0;
                entry.retry_at = None;
                entry.last_error = None;
                drop(entries);
                inner.counters.successes.fetch_add(1, Ordering::Relaxed);
                let refresh_in = schedule.refresh_at.saturating_duration_since(now);
                tracing::debug!(audience, organization, ?refresh_in, "access token received");
                Ok(token)
            }
            Err(error) => {
                entry.failures = entry.failures.saturating_add(1);
                let asked = error.client_error().and_then(asked_wait);
                let random = random_bytes::<8>().map_or(0, u64::from_le_bytes);
                let wait = inner.policy.backoff(entry.failures, asked, random);
                entry.retry_at = Some(now.checked_add(wait).unwrap_or(now));
                entry.last_error = Some(error.clone());
                let still_serving = entry.usable(now).is_some();
                drop(entries);
                inner.counters.failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    audience,
                    organization,
                    %error,
                    retry_in = ?wait,
                    still_serving,
                    "token request failed"
                );
                Err(error)
            }
        }
    }
}

/// The token and its `expires_in`, when the answer holds a bearer token a header can carry.
fn usable(response: TokenResponse) -> Option<(AccessToken, Option<u64>)> {
    let bearer =
        response.token_type.is_empty() || response.token_type.eq_ignore_ascii_case("bearer");
    if !bearer {
        return None;
    }
    Some((
        AccessToken::new(response.access_token)?,
        response.expires_in,
    ))
}

impl Drop for Flight {
    fn drop(&mut self) {
        if self.done.is_none() {
            return;
        }
        let (audience, organization) = (&*self.key.audience, self.key.organization.as_deref());
        let mut entries = lock(&self.inner.entries);
        if let Some(entry) = entries.get_mut(audience, organization)
            && entry.flight.as_ref().is_some_and(|f| f.id == self.id)
        {
            entry.flight = None;
        }
        drop(entries);
        self.done = None;
    }
}
