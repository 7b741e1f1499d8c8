//! A task's stored status, the moves between statuses, and its derived timeliness.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::words! {
    /// Where a task stands in its life (DESIGN.md §3).
    pub enum Status {
        Assigned = "assigned",
        InProgress = "in_progress",
        Reported = "reported",
        Done = "done",
        Cancelled = "cancelled",
    }
}

impl Status {
    pub const OPEN: [Status; 3] = [Status::Assigned, Status::InProgress, Status::Reported];
    /// Open and with the unit (a reported task waits on the secretariat): what reminders chase,
    /// and the only tasks that can be overdue.
    pub const WORKING: [Status; 2] = [Status::Assigned, Status::InProgress];
    /// Finished by the unit (confirmed or awaiting confirmation): what counts as done, on time
    /// or late, in the buckets.
    pub const FINISHED: [Status; 2] = [Status::Reported, Status::Done];

    /// What statistics count: everything but the cancelled.
    pub const COUNTED: [Status; 4] = [
        Status::Assigned,
        Status::InProgress,
        Status::Reported,
        Status::Done,
    ];

    /// `column IN ('…', …)` for raw SQL: the words come from the enum, never typed again.
    pub fn sql_in(column: &str, statuses: &[Status]) -> String {
        format!("{column} IN {}", super::sql_list(statuses))
    }

    /// `column = '…'` for raw SQL.
    pub fn sql_eq(self, column: &str) -> String {
        format!("{column} = '{}'", self.as_str())
    }

    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }

    /// With the unit: assigned or in progress.
    pub fn is_working(self) -> bool {
        Status::WORKING.contains(&self)
    }
}

crate::words! {
    /// What a report on a task is: the unit's progress or completion, a comment, an extension's
    /// reason, or the note that goes with the secretariat's confirmation, return or cancellation.
    pub enum ReportKind {
        Progress = "progress",
        Completion = "completion",
        Comment = "comment",
        Extension = "extension",
        Confirmation = "confirmation",
        Return = "return",
        Cancellation = "cancellation",
        /// The unit's answer to a request for an explanation (giải trình).
        Explanation = "explanation",
        /// A coordinating unit's part (ý kiến / kết quả phối hợp).
        Coordination = "coordination",
    }
}

impl ReportKind {
    /// The report a move's note is filed as.
    pub fn of_move(mv: Move) -> ReportKind {
        match mv {
            Move::Start => ReportKind::Progress,
            Move::ReportCompletion => ReportKind::Completion,
            Move::Confirm => ReportKind::Confirmation,
            Move::Return => ReportKind::Return,
            Move::Cancel => ReportKind::Cancellation,
        }
    }
}

/// What a person asks to do with a task's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Start,
    ReportCompletion,
    Confirm,
    Return,
    Cancel,
}

impl Move {
    /// The status a move leads to from `from`, or None where the move makes no sense now.
    pub fn apply(self, from: Status) -> Option<Status> {
        use Status::*;
        match (self, from) {
            (Move::Start, Assigned) => Some(InProgress),
            (Move::ReportCompletion, Assigned | InProgress) => Some(Reported),
            (Move::Confirm, Reported) => Some(Done),
            (Move::Return, Reported) => Some(InProgress),
            (Move::Cancel, s) if s.is_open() => Some(Cancelled),
            _ => None,
        }
    }

    /// Returning and cancelling must say why; the others may.
    pub fn needs_reason(self) -> bool {
        matches!(self, Move::Return | Move::Cancel)
    }
}

/// The four buckets of Vietnamese official progress reports, derived for a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    DoneOnTime,
    DoneLate,
    OpenWithinDeadline,
    OpenOverdue,
}

impl Timeliness {
    pub const ALL: [Timeliness; 4] = [
        Timeliness::DoneOnTime,
        Timeliness::DoneLate,
        Timeliness::OpenWithinDeadline,
        Timeliness::OpenOverdue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Timeliness::DoneOnTime => "done_on_time",
            Timeliness::DoneLate => "done_late",
            Timeliness::OpenWithinDeadline => "open_within_deadline",
            Timeliness::OpenOverdue => "open_overdue",
        }
    }

    pub fn parse(s: &str) -> Option<Timeliness> {
        Timeliness::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The rule of `timeliness` as an SQL condition over a task row (`status`, `due_on`,
    /// `completed_on`): the one text every query that sorts tasks into buckets uses. The open
    /// buckets compare with today, bound at the one `?` they hold.
    pub fn sql(self) -> String {
        // Finished is said as "neither with the unit nor cancelled": a NOT IN is no index range,
        // so a list of done tasks walks the index of its own order instead of reading every
        // finished task by status and sorting them (they are most tasks).
        let not_finished: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| !Status::FINISHED.contains(s))
            .collect();
        let done = format!("NOT ({})", Status::sql_in("status", &not_finished));
        let open = Status::sql_in("status", &Status::WORKING);
        match self {
            Timeliness::DoneOnTime => format!(
                "({done} AND (due_on IS NULL OR completed_on IS NULL OR completed_on <= due_on))"
            ),
            Timeliness::DoneLate => format!("({done} AND completed_on > due_on)"),
            Timeliness::OpenWithinDeadline => {
                format!("({open} AND (due_on IS NULL OR due_on >= ?))")
            }
            Timeliness::OpenOverdue => format!("({open} AND due_on < ?)"),
        }
    }
}

/// Cancelled tasks fall in no bucket. A task counts as finished from the day completion was
/// reported, since that is when the unit finished: a reported task awaiting confirmation is done
/// on time or late by that day, never overdue for the secretariat's delay (and a return puts it
/// back among the open ones).
pub fn timeliness(
    status: Status,
    due: Option<NaiveDate>,
    completed: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Timeliness> {
    match status {
        Status::Cancelled => None,
        s if Status::FINISHED.contains(&s) => Some(match (due, completed) {
            (Some(due), Some(done)) if done > due => Timeliness::DoneLate,
            _ => Timeliness::DoneOnTime,
        }),
        _ => Some(match due {
            Some(due) if today > due => Timeliness::OpenOverdue,
            _ => Timeliness::OpenWithinDeadline,
        }),
    }
}

/// Open and due within `days` days from `today` (overdue ones are not "soon", they are late).
pub fn due_soon(status: Status, due: Option<NaiveDate>, today: NaiveDate, days: i64) -> bool {
    match due {
        Some(due) if status.is_open() => {
            let left = (due - today).num_days();
            (0..=days).contains(&left)
        }
        _ => false,
    }
}

/// How many tasks are in each bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub done_on_time: i64,
    pub done_late: i64,
    pub open_within: i64,
    pub open_overdue: i64,
}

impl Counts {
    /// The four in their order: done on time, done late, open within, open overdue.
    pub fn of([done_on_time, done_late, open_within, open_overdue]: [i64; 4]) -> Counts {
        Counts {
            done_on_time,
            done_late,
            open_within,
            open_overdue,
        }
    }

    pub fn add(&mut self, b: Timeliness) {
        match b {
            Timeliness::DoneOnTime => self.done_on_time += 1,
            Timeliness::DoneLate => self.done_late += 1,
            Timeliness::OpenWithinDeadline => self.open_within += 1,
            Timeliness::OpenOverdue => self.open_overdue += 1,
        }
    }

    pub fn merge(&mut self, other: &Counts) {
        self.done_on_time += other.done_on_time;
        self.done_late += other.done_late;
        self.open_within += other.open_within;
        self.open_overdue += other.open_overdue;
    }

    pub fn get(&self, b: Timeliness) -> i64 {
        match b {
            Timeliness::DoneOnTime => self.done_on_time,
            Timeliness::DoneLate => self.done_late,
            Timeliness::OpenWithinDeadline => self.open_within,
            Timeliness::OpenOverdue => self.open_overdue,
        }
    }

    pub fn total(&self) -> i64 {
        self.done_on_time + self.done_late + self.open_within + self.open_overdue
    }

    /// Of the tasks that are done or past their deadline, the share done on time; None while
    /// nothing is finished (a unit with only overdue work has no rate yet, not 0 %).
    pub fn on_time_rate(&self) -> Option<f64> {
        let done = self.done_on_time + self.done_late;
        let judged = done + self.open_overdue;
        (done > 0).then(|| self.done_on_time as f64 / judged as f64)
    }

    /// A bucket's share of all counted tasks, in percent.
    pub fn share(&self, b: Timeliness) -> f64 {
        if self.total() == 0 {
            0.0
        } else {
            100.0 * self.get(b) as f64 / self.total() as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::dates::test_ymd as d;

    /// The SQL text of each bucket puts exactly the rows in it that `timeliness` puts there, for
    /// every status and every order of due date, completion and today (NULLs included).
    #[test]
    fn the_bucket_rule_in_sql_is_the_rule_in_rust() {
        use diesel::prelude::*;
        use diesel::sql_types::{BigInt, Date, Nullable, Text};
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        diesel::sql_query(
            "CREATE TABLE tasks (id INTEGER, status TEXT, due_on DATE, completed_on DATE)",
        )
        .execute(&mut conn)
        .unwrap();
        let today = d(2026, 6, 15);
        let days = [
            None,
            Some(d(2026, 6, 14)),
            Some(today),
            Some(d(2026, 6, 16)),
        ];
        let mut rows = Vec::new();
        for status in Status::ALL {
            for due in days {
                for done in days {
                    let id = rows.len() as i64;
                    diesel::sql_query("INSERT INTO tasks VALUES (?, ?, ?, ?)")
                        .bind::<BigInt, _>(id)
                        .bind::<Text, _>(status.as_str())
                        .bind::<Nullable<Date>, _>(due)
                        .bind::<Nullable<Date>, _>(done)
                        .execute(&mut conn)
                        .unwrap();
                    rows.push(timeliness(status, due, done, today));
                }
            }
        }
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = BigInt)]
            id: i64,
        }
        for b in Timeliness::ALL {
            let q = format!("SELECT id FROM tasks WHERE {} ORDER BY id", b.sql());
            let q = diesel::sql_query(q);
            let found: Vec<i64> = if b.sql().contains('?') {
                q.bind::<Date, _>(today).load::<Id>(&mut conn)
            } else {
                q.load::<Id>(&mut conn)
            }
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
            let expected: Vec<i64> = (0..rows.len() as i64)
                .filter(|i| rows[*i as usize] == Some(b))
                .collect();
            assert_eq!(found, expected, "{}", b.as_str());
        }
    }

    #[test]
    fn moves() {
        use Status::*;
        assert_eq!(Move::Start.apply(Assigned), Some(InProgress));
        assert_eq!(Move::Start.apply(InProgress), None);
        assert_eq!(Move::ReportCompletion.apply(Assigned), Some(Reported));
        assert_eq!(Move::ReportCompletion.apply(InProgress), Some(Reported));
        assert_eq!(Move::ReportCompletion.apply(Done), None);
        assert_eq!(Move::Confirm.apply(Reported), Some(Done));
        assert_eq!(Move::Confirm.apply(InProgress), None);
        assert_eq!(Move::Return.apply(Reported), Some(InProgress));
        assert_eq!(Move::Return.apply(Done), None);
        for s in Status::OPEN {
            assert_eq!(Move::Cancel.apply(s), Some(Cancelled));
        }
        assert_eq!(Move::Cancel.apply(Done), None);
        assert_eq!(Move::Cancel.apply(Cancelled), None);
    }

    /// The list's walk says "still with its unit" among open tasks as "not reported".
    #[test]
    fn the_open_tasks_not_with_their_unit_are_the_reported_ones() {
        let waiting: Vec<Status> = Status::OPEN
            .into_iter()
            .filter(|s| !Status::WORKING.contains(s))
            .collect();
        assert_eq!(waiting, [Status::Reported]);
    }

    #[test]
    fn buckets_at_the_boundaries() {
        use Status::*;
        use Timeliness::*;
        let due = Some(d(2025, 6, 30));
        // Status, completion date, today and the bucket. A reported task not yet confirmed is
        // judged on the day it was reported, whatever today.
        #[rustfmt::skip]
        let cases = [
            (Done, Some(d(2025, 6, 30)), d(2025, 8, 1), Some(DoneOnTime)),
            (Done, Some(d(2025, 7, 1)), d(2025, 8, 1), Some(DoneLate)),
            (InProgress, None, d(2025, 6, 30), Some(OpenWithinDeadline)),
            (InProgress, None, d(2025, 7, 1), Some(OpenOverdue)),
            (Reported, Some(d(2025, 6, 30)), d(2025, 8, 1), Some(DoneOnTime)),
            (Reported, Some(d(2025, 7, 1)), d(2025, 8, 1), Some(DoneLate)),
            (Cancelled, None, d(2025, 7, 1), None),
        ];
        for (status, completed, today, bucket) in cases {
            let got = timeliness(status, due, completed, today);
            assert_eq!(got, bucket, "{status:?} done {completed:?} on {today}");
        }
        assert_eq!(
            timeliness(Assigned, None, None, d(2030, 1, 1)),
            Some(OpenWithinDeadline)
        );
    }

    #[test]
    fn soon() {
        let today = d(2025, 6, 1);
        assert!(due_soon(Status::Assigned, Some(d(2025, 6, 8)), today, 7));
        assert!(due_soon(Status::Assigned, Some(today), today, 7));
        assert!(!due_soon(Status::Assigned, Some(d(2025, 6, 9)), today, 7));
        assert!(!due_soon(Status::Assigned, Some(d(2025, 5, 31)), today, 7));
        assert!(!due_soon(Status::Done, Some(d(2025, 6, 2)), today, 7));
        assert!(!due_soon(Status::Assigned, None, today, 7));
    }
}
