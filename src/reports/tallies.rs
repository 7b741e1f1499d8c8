//! The dashboard's numbers from the stored tallies (tasks counted by lead unit, due month,
//! assignment month, completion month and outcome), so that a year over a million tasks is a
//! sum over a few thousand rows. Months cannot say whether an open task due this month is late
//! yet, so the callers count those few tasks directly and pass the count in.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use crate::domain::ids::UnitId;
use crate::domain::status::Counts;
use crate::domain::status::Status;

crate::words! {
    pub enum Outcome {
        OnTime = "on_time",
        Late = "late",
        /// Open and not reported done.
        Open = "open",
    }
}

impl Outcome {
    /// The outcome a task is counted under; None for a cancelled task, which counts nowhere.
    pub fn of(
        status: Status,
        due: Option<NaiveDate>,
        completed: Option<NaiveDate>,
    ) -> Option<Outcome> {
        Some(match status {
            Status::Cancelled => return None,
            // Finished on the day completion was reported, confirmed or not yet.
            Status::Reported | Status::Done => match (completed, due) {
                (Some(c), Some(d)) if c > d => Outcome::Late,
                _ => Outcome::OnTime,
            },
            _ => Outcome::Open,
        })
    }

    /// The rule of `of` as an SQL expression over a task row whose columns `col` names (a
    /// trigger's `NEW.status`, or plain `status`): the stored tallies' triggers and their
    /// recount use it, so the rule is written here only.
    pub fn sql(col: impl Fn(&str) -> String) -> String {
        let status = col("status");
        format!(
            "CASE WHEN {working} THEN '{open}' \
             WHEN {completed} > {due} THEN '{late}' ELSE '{on_time}' END",
            working = Status::sql_in(&status, &Status::WORKING),
            completed = col("completed_on"),
            due = col("due_on"),
            open = Outcome::Open,
            late = Outcome::Late,
            on_time = Outcome::OnTime,
        )
    }
}

/// One stored tally row; months are their first day, None where the task has no due date or
/// is not completed.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub unit: UnitId,
    pub due: Option<NaiveDate>,
    pub assigned: NaiveDate,
    pub done: Option<NaiveDate>,
    pub outcome: Outcome,
    pub n: i64,
}

pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("every month has a first day")
}

fn month_end(m: NaiveDate) -> NaiveDate {
    (month_of(m) + Months::new(1))
        .pred_opt()
        .expect("valid date")
}

/// A period cut at month boundaries: the whole months inside it (first and last month) and
/// the partial months at its edges as day ranges, which are counted from the tasks themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub months: Option<(NaiveDate, NaiveDate)>,
    pub edges: Vec<(NaiveDate, NaiveDate)>,
}

pub fn split(from: NaiveDate, to: NaiveDate) -> Split {
    let first = if from.day() == 1 {
        from
    } else {
        month_of(from) + Months::new(1)
    };
    let last = if to == month_end(to) {
        month_of(to)
    } else {
        month_of(to) - Months::new(1)
    };
    if first > last {
        // No whole month inside: the period is its own edge.
        return Split {
            months: None,
            edges: if from <= to { vec![(from, to)] } else { vec![] },
        };
    }
    let mut edges = Vec::new();
    if from < first {
        edges.push((from, first.pred_opt().expect("valid date")));
    }
    if to > month_end(last) {
        edges.push((month_of(to), to));
    }
    Split {
        months: Some((first, last)),
        edges,
    }
}

/// Adds one tally row to counts as of `this_month`: open tasks due before it are overdue, due
/// after it (or never) are within their deadline, due in it are counted within here and moved
/// by `late_this_month`.
fn add(c: &mut Counts, t: &Tally, this_month: NaiveDate) {
    match t.outcome {
        Outcome::OnTime => c.done_on_time += t.n,
        Outcome::Late => c.done_late += t.n,
        Outcome::Open => match t.due {
            Some(due) if due < this_month => c.open_overdue += t.n,
            _ => c.open_within += t.n,
        },
    }
}

/// Moves the open tasks due earlier this month from "within" to "overdue".
fn shift_late(c: &mut Counts, late: i64) {
    c.open_within -= late;
    c.open_overdue += late;
}

/// The buckets, overall and per lead unit, of the given tally rows; `late_this_month` holds per
/// unit the open tasks among them that fell due this month before today.
pub fn buckets(
    rows: &[Tally],
    this_month: NaiveDate,
    late_this_month: &BTreeMap<UnitId, i64>,
) -> (Counts, BTreeMap<UnitId, Counts>) {
    let mut by_unit: BTreeMap<UnitId, Counts> = BTreeMap::new();
    for t in rows {
        add(by_unit.entry(t.unit).or_default(), t, this_month);
    }
    for (unit, late) in late_this_month {
        shift_late(by_unit.entry(*unit).or_default(), *late);
    }
    by_unit.retain(|_, c| c.total() > 0);
    let mut all = Counts::default();
    for c in by_unit.values() {
        all.merge(c);
    }
    (all, by_unit)
}

/// The first days of the last `months` months up to `today`'s, oldest first.
pub fn last_months(today: NaiveDate, months: u32) -> Vec<NaiveDate> {
    (0..months)
        .rev()
        .map(|i| month_of(today) - Months::new(i))
        .collect()
}

/// For each of the given months, the tasks that fell due in it, in their buckets as of today.
pub fn by_due_month(
    rows: &[Tally],
    months: &[NaiveDate],
    this_month: NaiveDate,
    late_this_month: i64,
) -> Vec<(NaiveDate, Counts)> {
    months
        .iter()
        .map(|m| {
            let mut c = Counts::default();
            for t in rows.iter().filter(|t| t.due == Some(*m)) {
                add(&mut c, t, this_month);
            }
            if *m == this_month {
                shift_late(&mut c, late_this_month);
            }
            (*m, c)
        })
        .collect()
}

/// The buckets of the tasks due in the months of `[from, to]` (whole months), as of today:
/// a unit's page grades its month, quarter and year from the rows it has already read.
pub fn over_months(
    rows: &[Tally],
    (from, to): (NaiveDate, NaiveDate),
    this_month: NaiveDate,
    late_this_month: i64,
) -> Counts {
    let mut months = Vec::new();
    let mut m = month_of(from);
    while m <= to {
        months.push(m);
        m = m + Months::new(1);
    }
    let mut all = Counts::default();
    for (_, c) in by_due_month(rows, &months, this_month, late_this_month) {
        all.merge(&c);
    }
    all
}

/// How many tasks were open past their deadline at the close of each given month: due in it
/// or before, assigned by then, not yet reported done. Cancelled tasks are left out, since the
/// day they were cancelled is not kept with the task. (This month's "close" is now: see
/// models::tally::overdue_now.)
pub fn overdue_by_month(rows: &[Tally], months: &[NaiveDate]) -> Vec<(NaiveDate, i64)> {
    months
        .iter()
        .map(|m| {
            let n = rows
                .iter()
                .filter(|t| {
                    t.due.is_some_and(|d| d <= *m)
                        && t.assigned <= *m
                        && t.done.is_none_or(|d| d > *m)
                })
                .map(|t| t.n)
                .sum();
            (*m, n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::UnitId;

    use crate::domain::dates::test_day as d;

    /// A tally row of one task; an empty due or done date is none.
    fn row(unit: u8, due: &str, assigned: &str, done: &str, o: Outcome) -> Tally {
        let day = |s: &str| (!s.is_empty()).then(|| d(s));
        Tally {
            unit: UnitId(unit.into()),
            due: day(due),
            assigned: d(assigned),
            done: day(done),
            outcome: o,
            n: 1,
        }
    }

    #[test]
    fn periods_split_at_month_boundaries() {
        assert_eq!(
            split(d("01/01/2026"), d("31/12/2026")),
            Split {
                months: Some((d("01/01/2026"), d("01/12/2026"))),
                edges: vec![]
            }
        );
        assert_eq!(
            split(d("15/01/2026"), d("10/04/2026")),
            Split {
                months: Some((d("01/02/2026"), d("01/03/2026"))),
                edges: vec![
                    (d("15/01/2026"), d("31/01/2026")),
                    (d("01/04/2026"), d("10/04/2026"))
                ]
            }
        );
        assert_eq!(
            split(d("03/02/2026"), d("20/02/2026")),
            Split {
                months: None,
                edges: vec![(d("03/02/2026"), d("20/02/2026"))]
            }
        );
        // Two partial months side by side, no whole one.
        assert_eq!(
            split(d("15/01/2026"), d("10/02/2026")),
            Split {
                months: None,
                edges: vec![(d("15/01/2026"), d("10/02/2026"))]
            }
        );
        assert_eq!(
            split(d("01/02/2028"), d("29/02/2028")).months,
            Some((d("01/02/2028"), d("01/02/2028")))
        );
    }

    /// Two units' tasks from March to July 2026, seen in June; every view below reads them.
    fn spring() -> Vec<Tally> {
        use Outcome::*;
        vec![
            // Due in April, done in May: overdue at the close of April only.
            row(1, "01/04/2026", "01/03/2026", "01/05/2026", Late),
            // Done on time, in April and in May: never overdue.
            row(1, "01/04/2026", "01/03/2026", "01/04/2026", OnTime),
            row(1, "01/05/2026", "01/03/2026", "01/05/2026", OnTime),
            // Due in May, still open: overdue at the close of May and of June.
            row(1, "01/05/2026", "01/03/2026", "", Open),
            // Reported done in June: overdue at the close of May, not of June.
            row(1, "01/05/2026", "01/03/2026", "01/06/2026", Open),
            // Assigned in June, due before: not counted before it existed.
            row(1, "01/01/2026", "01/06/2026", "", Open),
            // Due this month (June) and open; one is already late today.
            row(2, "01/06/2026", "01/03/2026", "", Open),
            row(2, "01/06/2026", "01/03/2026", "", Open),
            // Due later, or with no due date: within, and in no month shown.
            row(2, "01/07/2026", "01/03/2026", "", Open),
            row(2, "", "01/03/2026", "", Open),
        ]
    }

    #[test]
    fn buckets_split_this_month_at_today() {
        let late = BTreeMap::from([(UnitId(2), 1)]);
        let (all, by_unit) = buckets(&spring(), d("01/06/2026"), &late);
        assert_eq!(by_unit[&UnitId(1)], Counts::of([2, 1, 0, 3]));
        assert_eq!(by_unit[&UnitId(2)], Counts::of([0, 0, 3, 1]));
        assert_eq!(all.total(), 10);
        assert_eq!(all.open_overdue, 4);
    }

    #[test]
    fn months_oldest_first() {
        let months = last_months(d("15/06/2026"), 3);
        assert_eq!(
            months,
            vec![d("01/04/2026"), d("01/05/2026"), d("01/06/2026")]
        );
        let m = by_due_month(&spring(), &months, d("01/06/2026"), 1);
        assert_eq!(m[0].1, Counts::of([1, 1, 0, 0]));
        assert_eq!(m[1].1, Counts::of([1, 0, 0, 2]));
        assert_eq!(m[2].1, Counts::of([0, 0, 1, 1]));
        assert_eq!(
            last_months(d("31/01/2026"), 2),
            vec![d("01/12/2025"), d("01/01/2026")]
        );
    }

    #[test]
    fn overdue_at_each_month_close() {
        let months = last_months(d("15/06/2026"), 3);
        assert_eq!(
            overdue_by_month(&spring(), &months),
            vec![
                (d("01/04/2026"), 1),
                (d("01/05/2026"), 2),
                (d("01/06/2026"), 4),
            ]
        );
    }
}
