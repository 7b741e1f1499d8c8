//! Which lists were found to hold more than their count's cap, remembered for a minute.
//!
//! Counting such a list reads the cap's worth of index entries (10,001 for a list, 101 for a
//! text search): the most a count costs, and at a million tasks most of a long list's page (the
//! overdue list, every open task). A list that long does not fall under the cap within a
//! minute, and the page says only "more than" of it, so the answer is kept; a count under the
//! cap is made every time, as it is shown exactly. Bounded: past `MAX_LISTS` lists the memory
//! starts again.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long "more than the cap" is believed.
pub const KEPT: Duration = Duration::from_secs(60);
/// Lists remembered at once (each a key of a few hundred bytes).
const MAX_LISTS: usize = 1_000;

/// Lists (by a key that says everything the count depends on) and when each was counted.
#[derive(Default)]
pub struct OverCap(HashMap<String, Instant>);

impl OverCap {
    /// Whether the list was over the cap less than `KEPT` before `now`.
    pub fn knows(&self, key: &str, now: Instant) -> bool {
        self.0
            .get(key)
            .is_some_and(|at| now.saturating_duration_since(*at) < KEPT)
    }

    /// The list was counted over the cap at `now`.
    pub fn remember(&mut self, key: String, now: Instant) {
        if self.0.len() >= MAX_LISTS && !self.0.contains_key(&key) {
            self.0
                .retain(|_, at| now.saturating_duration_since(*at) < KEPT);
            if self.0.len() >= MAX_LISTS {
                self.0.clear();
            }
        }
        self.0.insert(key, now);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// One server's memory of long lists (it lives in the server's state: one database each).
#[derive(Default)]
pub struct LongLists(Mutex<OverCap>);

impl LongLists {
    /// Whether `key` is a list known to be over the cap now.
    pub fn known(&self, key: &str) -> bool {
        let lists = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        lists.knows(key, Instant::now())
    }

    /// Remembers `key` as over the cap now.
    pub fn found(&self, key: String) {
        let mut lists = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        lists.remember(key, Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_is_believed_for_a_minute_and_the_memory_is_bounded() {
        let start = Instant::now();
        let mut lists = OverCap::default();
        assert!(!lists.knows("overdue", start));
        lists.remember("overdue".into(), start);
        assert!(lists.knows("overdue", start + Duration::from_secs(59)));
        assert!(!lists.knows("overdue", start + KEPT));
        assert!(!lists.knows("open", start));

        // Full of lists: the stale ones go first, and if none is stale, all of them.
        let full = || {
            let mut lists = OverCap::default();
            for i in 0..MAX_LISTS {
                lists.remember(format!("list {i}"), start);
            }
            assert_eq!(lists.len(), MAX_LISTS);
            lists
        };
        let mut stale = full();
        stale.remember("fresh".into(), start + KEPT * 2);
        assert_eq!(stale.len(), 1);
        let mut believed = full();
        believed.remember("fresh".into(), start + Duration::from_secs(1));
        assert_eq!(believed.len(), 1);
        assert!(believed.knows("fresh", start + Duration::from_secs(1)));
        // Counting a known list again keeps it, however full.
        let mut again = full();
        again.remember("list 3".into(), start + Duration::from_secs(1));
        assert_eq!(again.len(), MAX_LISTS);
    }
}
