//! The provider's cache table: one entry per (audience, organization), looked up without
//! allocating, with the state of that key (token, request in flight, back-off).

use std::collections::HashMap;
use std::time::Instant;

use tokio::sync::watch;

use super::error::TokenError;
use super::token::AccessToken;

/// What the callers waiting on a request receive.
pub(super) type Outcome = Result<AccessToken, TokenError>;

/// Below this many entries the table is never swept.
const SWEEP_FLOOR: usize = 1024;

/// The state of one (audience, organization).
#[derive(Default)]
pub(super) struct Entry {
    /// The latest token received, usable or not.
    pub(super) token: Option<Cached>,
    /// The request in flight, if any.
    pub(super) flight: Option<InFlight>,
    /// Failed requests since the last success.
    pub(super) failures: u32,
    /// No request is started before this instant (back-off).
    pub(super) retry_at: Option<Instant>,
    /// The error of the last failed request, answered during the back-off.
    pub(super) last_error: Option<TokenError>,
}

/// A token and when it is refreshed and given up.
pub(super) struct Cached {
    pub(super) token: AccessToken,
    pub(super) refresh_at: Instant,
    pub(super) usable_until: Instant,
}

/// A request in flight: its id and where its outcome is published.
pub(super) struct InFlight {
    pub(super) id: u64,
    pub(super) done: watch::Receiver<Option<Outcome>>,
}

impl Entry {
    /// The token, if it may still be handed out at `now`.
    pub(super) fn usable(&self, now: Instant) -> Option<&Cached> {
        self.token.as_ref().filter(|c| now < c.usable_until)
    }

    /// Whether the back-off lets a request start at `now`.
    pub(super) fn may_request(&self, now: Instant) -> bool {
        self.retry_at.is_none_or(|at| now >= at)
    }

    /// Whether dropping the entry loses nothing: no request in flight, no usable token, no
    /// back-off still running.
    fn idle(&self, now: Instant) -> bool {
        self.flight.is_none() && self.usable(now).is_none() && self.may_request(now)
    }
}

/// The entries of one audience: without an organization, and per organization.
#[derive(Default)]
struct Slots {
    plain: Option<Entry>,
    organizations: HashMap<Box<str>, Entry>,
}

impl Slots {
    fn len(&self) -> usize {
        usize::from(self.plain.is_some()) + self.organizations.len()
    }
}

/// Every entry of a provider.
pub(super) struct Entries {
    audiences: HashMap<Box<str>, Slots>,
    len: usize,
    sweep_at: usize,
}

impl Default for Entries {
    fn default() -> Self {
        Self {
            audiences: HashMap::new(),
            len: 0,
            sweep_at: SWEEP_FLOOR,
        }
    }
}

impl Entries {
    /// The number of entries.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The entry of a key, if it exists.
    pub(super) fn get_mut(
        &mut self,
        audience: &str,
        organization: Option<&str>,
    ) -> Option<&mut Entry> {
        let slots = self.audiences.get_mut(audience)?;
        match organization {
            None => slots.plain.as_mut(),
            Some(org) => slots.organizations.get_mut(org),
        }
    }

    /// Creates the entry of a key that has none (see [`get_mut`](Self::get_mut)). Creating one
    /// in a large table first drops the idle entries, so that keys nobody asks for any more do
    /// not pile up.
    pub(super) fn insert(
        &mut self,
        audience: &str,
        organization: Option<&str>,
        now: Instant,
    ) -> &mut Entry {
        if self.len >= self.sweep_at {
            self.sweep(now);
        }
        self.len += 1;
        let slots = self.audiences.entry(audience.into()).or_default();
        match organization {
            None => slots.plain.insert(Entry::default()),
            Some(org) => slots.organizations.entry(org.into()).or_default(),
        }
    }

    fn sweep(&mut self, now: Instant) {
        for slots in self.audiences.values_mut() {
            if slots.plain.as_ref().is_some_and(|e| e.idle(now)) {
                slots.plain = None;
            }
            slots.organizations.retain(|_, e| !e.idle(now));
        }
        self.audiences.retain(|_, slots| slots.len() > 0);
        self.len = self.audiences.values().map(Slots::len).sum();
        self.sweep_at = (self.len * 2).max(SWEEP_FLOOR);
    }
}
