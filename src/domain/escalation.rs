//! When late work climbs: the rules an admin sets and the days they point at. Pure; the daily
//! pass (`jobs::escalation`) finds the tasks and queues the mail.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::calendar::Calendar;

/// The thresholds, as an admin sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Overdue by this many working days: to the unit head, the leader in charge in copy.
    pub overdue_head_days: i32,
    /// Overdue by this many working days: to the leader in charge.
    pub overdue_leader_days: i32,
    /// No news on an open task for this many days: a reminder to the unit.
    pub silent_days: i32,
    /// An extension or an explanation waiting this many working days for a decision: a
    /// reminder to those who decide.
    pub waiting_days: i32,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            overdue_head_days: 5,
            overdue_leader_days: 15,
            silent_days: 30,
            waiting_days: 3,
        }
    }
}

impl Rules {
    /// Field errors as (field, message key): each a whole number from 1 to 365, the leader's
    /// threshold after the head's.
    pub fn check(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        for (field, v) in [
            ("overdue_head_days", self.overdue_head_days),
            ("overdue_leader_days", self.overdue_leader_days),
            ("silent_days", self.silent_days),
            ("waiting_days", self.waiting_days),
        ] {
            if !(1..=365).contains(&v) {
                out.push((field, "error.days_range"));
            }
        }
        if self.overdue_leader_days <= self.overdue_head_days {
            out.push(("overdue_leader_days", "error.leader_after_head"));
        }
        out
    }
}

/// What climbed, and to whom it goes. Stored in the mail's payload as its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Overdue by N working days: the unit head, the leader in charge in copy.
    OverdueHead,
    /// Overdue by M working days: the leader in charge.
    OverdueLeader,
    /// No news for P days: the unit.
    Silent,
    /// An extension request waiting Q working days: the secretariat and the leader in charge.
    WaitingExtension,
    /// An answered explanation waiting Q working days: whoever asked.
    WaitingExplanation,
    /// An explanation not answered by its date: the unit head, the leader in charge in copy.
    Unanswered,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::OverdueHead => "overdue_head",
            Rule::OverdueLeader => "overdue_leader",
            Rule::Silent => "silent",
            Rule::WaitingExtension => "waiting_extension",
            Rule::WaitingExplanation => "waiting_explanation",
            Rule::Unanswered => "unanswered",
        }
    }
}

/// How far back a pass looks past a threshold: a pass missed for a few days (the servers were
/// down) still sends what crossed meanwhile, and each pass reads a bounded window, not every
/// late task. The outbox keys keep anything from going twice.
pub const CATCH_UP_DAYS: u64 = 14;

/// The latest day that lies `n` working days or more before `day`: a deadline on or before it
/// is overdue by at least `n` working days on `day` (the working days after the deadline, up to
/// and including `day`).
pub fn working_days_before(cal: &Calendar, day: NaiveDate, n: i32) -> NaiveDate {
    let mut d = day;
    let mut counted = 0;
    while counted < n {
        if cal.is_working(d) {
            counted += 1;
        }
        d = d.pred_opt().expect("a date after year 0");
    }
    d
}

/// The days a threshold at `cutoff` covers in one pass: from `CATCH_UP_DAYS` before it.
pub fn window(cutoff: NaiveDate) -> (NaiveDate, NaiveDate) {
    (cutoff - Days::new(CATCH_UP_DAYS), cutoff)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::dates::test_day as d;

    #[test]
    fn a_deadline_is_overdue_by_n_working_days_from_the_cutoff_on() {
        let cal = Calendar::shipped();
        // Friday 04/12/2026: five working days back are Mon 30/11 to Fri 04/12.
        let cutoff = working_days_before(&cal, d("04/12/2026"), 5);
        assert_eq!(cutoff, d("29/11/2026"));
        assert_eq!(cal.working_days_between(cutoff, d("04/12/2026")), 5);
        assert_eq!(
            cal.working_days_between(cutoff + Days::new(1), d("04/12/2026")),
            4
        );
        // Over a weekend the count does not move.
        assert_eq!(working_days_before(&cal, d("06/12/2026"), 5), cutoff);
    }

    #[test]
    fn rules_are_whole_days_and_the_leader_comes_after_the_head() {
        assert!(Rules::default().check().is_empty());
        let bad = Rules {
            overdue_head_days: 0,
            overdue_leader_days: 0,
            silent_days: 400,
            waiting_days: 3,
        };
        let fields: Vec<&str> = bad.check().into_iter().map(|e| e.0).collect();
        assert_eq!(
            fields,
            vec![
                "overdue_head_days",
                "overdue_leader_days",
                "silent_days",
                "overdue_leader_days"
            ]
        );
    }
}
