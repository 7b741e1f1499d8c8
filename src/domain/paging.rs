//! The task list's order and where one of its pages begins: a page link carries the place of
//! the task the last page ended with (keyset paging), so no page is found by counting rows.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};

use crate::domain::ids::TaskId;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Most urgent first: earliest due date, tasks without one last.
    #[default]
    Due,
    DueDesc,
    Updated,
    Created,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Due, Sort::DueDesc, Sort::Updated, Sort::Created];
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Due => "due",
            Sort::DueDesc => "-due",
            Sort::Updated => "updated",
            Sort::Created => "created",
        }
    }
    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A task's place in the list's order: its sort value (the due date as days from the common
/// era, or the last change in nanoseconds since 1970, or nothing for newest first) and its
/// id, which breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub value: i64,
    pub id: TaskId,
}

impl Key {
    /// The key of a task with this id, due date (9999-12-31 for none) and last change.
    pub fn of(sort: Sort, id: TaskId, due: NaiveDate, updated: NaiveDateTime) -> Key {
        let value = match sort {
            Sort::Due | Sort::DueDesc => i64::from(due.num_days_from_ce()),
            Sort::Updated => updated.and_utc().timestamp_nanos_opt().unwrap_or(i64::MAX),
            Sort::Created => 0,
        };
        Key { value, id }
    }

    /// As a link writes it: `value_id`.
    pub fn as_param(&self) -> String {
        format!("{}_{}", self.value, self.id)
    }

    /// Reads `as_param`'s form for the sort it was written for; anything else is no key.
    pub fn parse(s: &str, sort: Sort) -> Option<Key> {
        let (value, id) = s.trim().split_once('_')?;
        let key = Key {
            value: value.parse().ok()?,
            id: TaskId(id.parse().ok()?),
        };
        match sort {
            Sort::Due | Sort::DueDesc => key.due().map(|_| key),
            Sort::Updated | Sort::Created => Some(key),
        }
    }

    /// The due date a due-ordered key holds.
    pub fn due(&self) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(i32::try_from(self.value).ok()?)
    }

    /// The last change an update-ordered key holds.
    pub fn updated(&self) -> NaiveDateTime {
        DateTime::from_timestamp_nanos(self.value).naive_utc()
    }
}

/// Which page of a list: the first, the one after a task, or the one before a task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Page {
    #[default]
    First,
    After(Key),
    Before(Key),
}

/// How many tasks a list holds: exactly `n`, or at least `n` (the cap) when `more`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub n: i64,
    pub more: bool,
}

impl Total {
    /// `n` tasks counted up to `cap` (a count that stopped past the cap finds `cap + 1`).
    pub fn capped(n: i64, cap: i64) -> Total {
        Total {
            n: n.min(cap),
            more: n > cap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::dates::test_ymd as day;

    #[test]
    fn keys_survive_a_link() {
        let at = day(2026, 12, 4)
            .and_hms_nano_opt(4, 16, 12, 123_456_789)
            .unwrap();
        for sort in Sort::ALL {
            let k = Key::of(sort, TaskId(42), day(2026, 5, 1), at);
            assert_eq!(Key::parse(&k.as_param(), sort), Some(k));
        }
        let k = Key::of(Sort::Due, TaskId(1), day(9999, 12, 31), at);
        assert_eq!(k.due(), Some(day(9999, 12, 31)));
        assert_eq!(
            Key::of(Sort::Updated, TaskId(1), day(2026, 1, 1), at).updated(),
            at
        );
    }

    #[test]
    fn odd_keys_are_no_keys() {
        for s in ["", "_", "1", "a_1", "1_b", "99999999999_1", "1_2_3", "-5_"] {
            assert_eq!(Key::parse(s, Sort::Due), None, "{s}");
        }
        assert!(Key::parse("-5_7", Sort::Created).is_some());
    }
}
