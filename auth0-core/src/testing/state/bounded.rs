//! A map with a capacity and an optional time to live: the oldest entry leaves when a new one
//! would exceed the capacity, and an entry older than the time to live is gone.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

struct Entry<V> {
    seq: u64,
    at: Instant,
    value: V,
}

/// String-keyed, insertion-ordered, bounded; every operation is synchronous (used under the
/// tenant's lock, never across an `.await`).
pub(crate) struct Bounded<V> {
    entries: HashMap<String, Entry<V>>,
    /// Insertion sequence → key: the oldest first.
    order: BTreeMap<u64, String>,
    next: u64,
    capacity: usize,
    ttl: Option<Duration>,
}

impl<V> Bounded<V> {
    /// At most `capacity` entries (at least 1), each living `ttl` when given.
    pub(crate) fn new(capacity: usize, ttl: Option<Duration>) -> Self {
        Self {
            entries: HashMap::new(),
            order: BTreeMap::new(),
            next: 0,
            capacity: capacity.max(1),
            ttl,
        }
    }

    fn live(ttl: Option<Duration>, entry: &Entry<V>) -> bool {
        ttl.is_none_or(|ttl| entry.at.elapsed() < ttl)
    }

    /// Drops the expired entries at the old end (all entries share one time to live, so the
    /// expired ones are the oldest).
    fn purge(&mut self) {
        while let Some((_, key)) = self.order.first_key_value() {
            match self.entries.get(key) {
                Some(entry) if Self::live(self.ttl, entry) => break,
                _ => {
                    if let Some((_, key)) = self.order.pop_first() {
                        self.entries.remove(&key);
                    }
                }
            }
        }
    }

    /// Inserts (or replaces) `key`, evicting the oldest entries beyond the capacity.
    pub(crate) fn insert(&mut self, key: String, value: V) {
        self.purge();
        self.take(&key);
        while self.entries.len() >= self.capacity {
            match self.order.pop_first() {
                Some((_, oldest)) => {
                    self.entries.remove(&oldest);
                }
                None => break,
            }
        }
        let seq = self.next;
        self.next += 1;
        self.order.insert(seq, key.clone());
        self.entries.insert(
            key,
            Entry {
                seq,
                at: Instant::now(),
                value,
            },
        );
    }

    /// The live entry of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.entries
            .get(key)
            .filter(|e| Self::live(self.ttl, e))
            .map(|e| &e.value)
    }

    /// The live entry of `key`, to change in place.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let ttl = self.ttl;
        self.entries
            .get_mut(key)
            .filter(|e| Self::live(ttl, e))
            .map(|e| &mut e.value)
    }

    /// Removes `key` and returns its entry if it was still live.
    pub(crate) fn take(&mut self, key: &str) -> Option<V> {
        let entry = self.entries.remove(key)?;
        self.order.remove(&entry.seq);
        Self::live(self.ttl, &entry).then_some(entry.value)
    }

    /// The number of entries held (expired ones not yet dropped included).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_evicts_the_oldest() {
        let mut map = Bounded::new(3, None);
        for i in 0..5 {
            map.insert(format!("k{i}"), i);
        }
        assert_eq!(map.len(), 3);
        assert!(map.get("k0").is_none() && map.get("k1").is_none());
        assert_eq!(map.get("k4"), Some(&4));
        // Replacing a key moves it to the young end.
        map.insert("k2".into(), 20);
        map.insert("k5".into(), 5);
        assert!(map.get("k3").is_none());
        assert_eq!(map.get("k2"), Some(&20));
        assert_eq!(map.take("k2"), Some(20));
        assert!(map.take("k2").is_none());
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn expired_entries_are_gone() {
        let mut map = Bounded::new(10, Some(Duration::ZERO));
        map.insert("a".into(), 1);
        assert!(map.get("a").is_none());
        assert!(map.get_mut("a").is_none());
        assert!(map.take("a").is_none());
        map.insert("b".into(), 2);
        map.insert("c".into(), 3);
        assert_eq!(map.len(), 1, "the insert purged the expired entry");
    }
}
