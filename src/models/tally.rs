//! Reading the stored tallies (kept by triggers on `tasks`, see `db::tally_triggers`:
//! by due month, by assignment month, and by both with the completion month) and the few
//! direct counts that months cannot answer: open tasks due this month before today, and the
//! partial months at the edges of a custom period.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Text, Timestamp};

use crate::db::{DbConn, MultiBackend};
use crate::domain::dates::vn_day_start;
use crate::domain::ids::{DirectiveId, UnitId, UserId};
use crate::domain::status::Counts;
use crate::domain::status::{Status, Timeliness};
use crate::error::AppResult;
use crate::reports::tallies::{
    buckets, by_due_month, last_months, month_of, overdue_by_month, split, Outcome, Tally,
};

pub use crate::reports::stats::Axis;

/// The stand-in for "no due date" / "not completed" in the tally key.
fn never() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 1).expect("valid date")
}

type Sql =
    diesel::query_builder::BoxedSqlQuery<'static, MultiBackend, diesel::query_builder::SqlQuery>;

/// A direct count over tasks: `select` with `where_` (both holding `?` placeholders that the
/// caller binds after these), narrowed to one lead unit when given, then grouped.
fn count_sql(conn: &DbConn, select: &str, where_: &str, unit: Scope, group: &str) -> Sql {
    let unit_test = unit_sql(unit);
    let sql = format!("SELECT {select} FROM tasks WHERE {where_}{unit_test} {group}");
    diesel::sql_query(crate::db::placeholders(conn, &sql)).into_boxed()
}

/// Whose tasks a count is about: every unit's, one lead unit's, or those of the units a
/// leader is in charge of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Unit(UnitId),
    LeaderOf(UserId),
}

/// The condition narrowing a count to the scope, bound by `bind_unit`; nothing for all
/// units, so the planner picks the (status, due) index. A leader's units are a few rows of
/// the small `units` table.
fn unit_sql(unit: Scope) -> &'static str {
    match unit {
        Scope::All => "",
        Scope::Unit(_) => " AND lead_unit_id = ?",
        Scope::LeaderOf(_) => " AND lead_unit_id IN (SELECT id FROM units WHERE leader_id = ?)",
    }
}

fn bind_unit(q: Sql, unit: Scope) -> Sql {
    match unit {
        Scope::All => q,
        Scope::Unit(u) => q.bind::<BigInt, _>(u),
        Scope::LeaderOf(l) => q.bind::<BigInt, _>(l),
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Date)]
    due_month: NaiveDate,
    #[diesel(sql_type = Date)]
    assigned_month: NaiveDate,
    #[diesel(sql_type = Date)]
    done_month: NaiveDate,
    #[diesel(sql_type = BigInt)]
    lead_unit_id: UnitId,
    #[diesel(sql_type = Text)]
    outcome: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn to_tally(r: Row) -> Option<Tally> {
    Some(Tally {
        unit: r.lead_unit_id,
        due: (r.due_month != never()).then_some(r.due_month),
        assigned: r.assigned_month,
        done: (r.done_month != never()).then_some(r.done_month),
        outcome: Outcome::parse(&r.outcome)?,
        n: r.n,
    })
}

const COLUMNS: [&str; 5] = [
    "lead_unit_id",
    "due_month",
    "assigned_month",
    "done_month",
    "outcome",
];

/// Tally rows under `where_` (its `?` bound to `dates`, in order), summed over every column
/// not in `keep`: a reader that ignores a dimension gets a few hundred rows, not tens of
/// thousands. A summed-over column holds one of its values (MIN), which that reader ignores.
fn grouped(
    conn: &mut DbConn,
    keep: &[&str],
    where_: &str,
    dates: &[NaiveDate],
    unit: Scope,
) -> AppResult<Vec<Tally>> {
    let select: Vec<String> = COLUMNS
        .iter()
        .map(|c| {
            if keep.contains(c) {
                c.to_string()
            } else {
                format!("MIN({c}) AS {c}")
            }
        })
        .collect();
    let unit_test = unit_sql(unit);
    let sql = format!(
        "SELECT {}, CAST(SUM(n) AS BIGINT) AS n FROM task_tallies WHERE {where_}{unit_test} \
         GROUP BY {} HAVING SUM(n) > 0",
        select.join(", "),
        keep.join(", ")
    );
    load_tallies(conn, &sql, dates.iter().copied(), unit)
}

/// The tally rows `sql` reads, its `?` bound to `dates` in order and then to the unit.
fn load_tallies(
    conn: &mut DbConn,
    sql: &str,
    dates: impl Iterator<Item = NaiveDate>,
    unit: Scope,
) -> AppResult<Vec<Tally>> {
    let mut q = diesel::sql_query(crate::db::placeholders(conn, sql)).into_boxed();
    for d in dates {
        q = q.bind::<Date, _>(d);
    }
    let rows: Vec<Row> = bind_unit(q, unit).load(conn)?;
    Ok(rows.into_iter().filter_map(to_tally).collect())
}

/// Rows of `task_due_tallies` (by due month, lead unit and outcome) under `where_`; they say
/// nothing of assignment or completion, which their readers (buckets, months) ignore. With
/// `per_unit` false the units are summed in the database (unit 0): a dozen rows a month.
fn by_due(
    conn: &mut DbConn,
    where_: &str,
    dates: &[NaiveDate],
    unit: Scope,
    per_unit: bool,
) -> AppResult<Vec<Tally>> {
    let unit_test = unit_sql(unit);
    // The row of a due month stands for its assignment too; it was never done (`never`, bound
    // first).
    const AS_ROW: &str = "due_month, due_month AS assigned_month, ? AS done_month";
    let sql = if per_unit {
        format!(
            "SELECT {AS_ROW}, lead_unit_id, outcome, n FROM task_due_tallies \
             WHERE n > 0 AND {where_}{unit_test}"
        )
    } else {
        format!(
            "SELECT {AS_ROW}, CAST(0 AS BIGINT) AS lead_unit_id, outcome, \
             CAST(SUM(n) AS BIGINT) AS n FROM task_due_tallies \
             WHERE n > 0 AND {where_}{unit_test} GROUP BY due_month, outcome"
        )
    };
    let dates = std::iter::once(never()).chain(dates.iter().copied());
    load_tallies(conn, &sql, dates, unit)
}

#[derive(QueryableByName)]
struct FoldedRow {
    #[diesel(sql_type = BigInt)]
    lead_unit_id: UnitId,
    #[diesel(sql_type = Text)]
    outcome: String,
    #[diesel(sql_type = Integer)]
    due_class: i32,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The tallies of the tasks whose due (or assignment) month lies in `[first, last]` (first
/// days), summed in the database per lead unit and outcome with the due month folded to where
/// it stands against this month: before it (the month before stands for all), this month, or
/// later (no month). That is all the buckets read, and a few hundred rows however long the
/// period.
fn in_months(
    conn: &mut DbConn,
    axis: Axis,
    (first, last): (NaiveDate, NaiveDate),
    unit: Scope,
    this_month: NaiveDate,
) -> AppResult<Vec<Tally>> {
    let (table, month) = match axis {
        Axis::Due => ("task_due_tallies", "due_month"),
        Axis::Assigned => ("task_assigned_tallies", "assigned_month"),
    };
    let unit_test = unit_sql(unit);
    let sql = format!(
        "SELECT lead_unit_id, outcome, \
         CASE WHEN due_month < ? THEN 0 WHEN due_month = ? THEN 1 ELSE 2 END AS due_class, \
         CAST(SUM(n) AS BIGINT) AS n FROM {table} \
         WHERE {month} BETWEEN ? AND ? AND n > 0{unit_test} GROUP BY 1, 2, 3"
    );
    let q = diesel::sql_query(crate::db::placeholders(conn, &sql))
        .into_boxed()
        .bind::<Date, _>(this_month)
        .bind::<Date, _>(this_month)
        .bind::<Date, _>(first)
        .bind::<Date, _>(last);
    let rows: Vec<FoldedRow> = bind_unit(q, unit).load(conn)?;
    let before = this_month - Months::new(1);
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Tally {
                unit: r.lead_unit_id,
                due: match r.due_class {
                    0 => Some(before),
                    1 => Some(this_month),
                    _ => None,
                },
                assigned: first,
                done: None,
                outcome: Outcome::parse(&r.outcome)?,
                n: r.n,
            })
        })
        .collect())
}

/// Every tally row of a unit (or of all).
pub fn all(conn: &mut DbConn, unit: Scope) -> AppResult<Vec<Tally>> {
    by_due(conn, "1 = 1", &[], unit, true)
}

/// The rows that can have been overdue at the close of a month since `since`: due before this
/// month and completed after `since` or not at all; by due, assignment and completion month.
pub fn history(
    conn: &mut DbConn,
    since: NaiveDate,
    this_month: NaiveDate,
    unit: Scope,
) -> AppResult<Vec<Tally>> {
    grouped(
        conn,
        &["due_month", "assigned_month", "done_month"],
        "due_month < ? AND done_month > ?",
        &[this_month, since],
        unit,
    )
}

#[derive(QueryableByName)]
struct UnitCount {
    #[diesel(sql_type = BigInt)]
    lead_unit_id: UnitId,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct UnitCounts {
    #[diesel(sql_type = BigInt)]
    lead_unit_id: UnitId,
    #[diesel(sql_type = BigInt)]
    done_on_time: i64,
    #[diesel(sql_type = BigInt)]
    done_late: i64,
    #[diesel(sql_type = BigInt)]
    open_within: i64,
    #[diesel(sql_type = BigInt)]
    open_overdue: i64,
}

/// Restricts a direct count to a period on an axis; appended after a WHERE.
fn period_sql(axis: Axis) -> &'static str {
    match axis {
        Axis::Due => "due_on >= ? AND due_on <= ?",
        Axis::Assigned => "created_at >= ? AND created_at < ?",
    }
}

fn bind_period(q: Sql, axis: Axis, (from, to): (NaiveDate, NaiveDate)) -> Sql {
    match axis {
        Axis::Due => q.bind::<Date, _>(from).bind::<Date, _>(to),
        Axis::Assigned => q
            .bind::<Timestamp, _>(vn_day_start(from))
            .bind::<Timestamp, _>(vn_day_start(to) + chrono::Duration::days(1)),
    }
}

// Statuses spelled out (rather than `<> 'cancelled'`) so that the planner walks the
// (status, due_on, lead_unit_id, completed_on) index.
fn working_sql() -> String {
    Status::sql_in("status", &Status::WORKING)
}

fn counted_sql() -> String {
    Status::sql_in("status", &Status::COUNTED)
}

/// Per lead unit, the tasks still with their unit assigned in the period that fell due this
/// month before today: `LateNow` for a period by assignment date.
fn late_assigned(
    conn: &mut DbConn,
    period: (NaiveDate, NaiveDate),
    unit: Scope,
    today: NaiveDate,
) -> AppResult<BTreeMap<UnitId, i64>> {
    let where_ = format!(
        "{} AND due_on >= ? AND due_on < ? AND {}",
        working_sql(),
        period_sql(Axis::Assigned)
    );
    let q = count_sql(
        conn,
        "lead_unit_id, COUNT(*) AS n",
        &where_,
        unit,
        "GROUP BY lead_unit_id",
    )
    .bind::<Date, _>(month_of(today))
    .bind::<Date, _>(today);
    let q = bind_period(q, Axis::Assigned, period);
    let rows: Vec<UnitCount> = bind_unit(q, unit).load(conn)?;
    Ok(rows.into_iter().map(|r| (r.lead_unit_id, r.n)).collect())
}

/// This month's tasks still with their unit whose deadline passed before today: the split of
/// this month that the monthly tallies cannot make. Counted once per page and shared by its
/// readers.
#[derive(Debug, Default, Clone)]
pub struct LateNow {
    /// Per lead unit: they move from "within the deadline" to "overdue" in the buckets.
    pub by_unit: BTreeMap<UnitId, i64>,
}

impl LateNow {
    pub fn total(&self) -> i64 {
        self.by_unit.values().sum()
    }
}

/// Counts `LateNow` for all units or one.
pub fn late_now(conn: &mut DbConn, unit: Scope, today: NaiveDate) -> AppResult<LateNow> {
    let q = count_sql(
        conn,
        "lead_unit_id, COUNT(*) AS n",
        &format!("{} AND due_on >= ? AND due_on < ?", working_sql()),
        unit,
        "GROUP BY lead_unit_id",
    )
    .bind::<Date, _>(month_of(today))
    .bind::<Date, _>(today);
    let rows: Vec<UnitCount> = bind_unit(q, unit).load(conn)?;
    Ok(LateNow {
        by_unit: rows.into_iter().map(|r| (r.lead_unit_id, r.n)).collect(),
    })
}

/// The buckets per lead unit counted task by task over a short period (the partial months at
/// the edges of a custom period); the same rules as `domain::status::timeliness`.
pub fn direct(
    conn: &mut DbConn,
    axis: Axis,
    period: (NaiveDate, NaiveDate),
    unit: Scope,
    today: NaiveDate,
) -> AppResult<BTreeMap<UnitId, Counts>> {
    direct_by(conn, "lead_unit_id", axis, period, unit, today)
}

/// The buckets per notice of the tasks in the period, counted task by task (the periodic
/// report's results by source; the tallies do not keep the notice).
pub fn by_directive(
    conn: &mut DbConn,
    axis: Axis,
    period: (NaiveDate, NaiveDate),
    unit: Scope,
    today: NaiveDate,
) -> AppResult<BTreeMap<DirectiveId, Counts>> {
    let by = direct_by(conn, "directive_id", axis, period, unit, today)?;
    Ok(by.into_iter().map(|(k, c)| (DirectiveId(k.0), c)).collect())
}

/// `direct`, grouped by the column `key` (read back under the lead unit's name).
fn direct_by(
    conn: &mut DbConn,
    key: &'static str,
    axis: Axis,
    period: (NaiveDate, NaiveDate),
    unit: Scope,
    today: NaiveDate,
) -> AppResult<BTreeMap<UnitId, Counts>> {
    let counted = counted_sql();
    // One sum per bucket, each the bucket rule's one SQL text; the open two bind today.
    let sum = |b: Timeliness, name: &str| {
        format!("SUM(CASE WHEN {} THEN 1 ELSE 0 END) AS {name}", b.sql())
    };
    let select = format!(
        "{key} AS lead_unit_id, {}, {}, {}, {}",
        sum(Timeliness::DoneOnTime, "done_on_time"),
        sum(Timeliness::DoneLate, "done_late"),
        sum(Timeliness::OpenWithinDeadline, "open_within"),
        sum(Timeliness::OpenOverdue, "open_overdue"),
    );
    // By assignment, the creation-time index narrows best; by due date, the status one.
    let statuses = match axis {
        Axis::Due => counted,
        Axis::Assigned => format!("NOT {}", Status::Cancelled.sql_eq("status")),
    };
    let where_ = format!("{statuses} AND {}", period_sql(axis));
    let q = count_sql(conn, &select, &where_, unit, &format!("GROUP BY {key}"))
        .bind::<Date, _>(today)
        .bind::<Date, _>(today);
    let rows: Vec<UnitCounts> = bind_unit(bind_period(q, axis, period), unit).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.lead_unit_id,
                Counts {
                    done_on_time: r.done_on_time,
                    done_late: r.done_late,
                    open_within: r.open_within,
                    open_overdue: r.open_overdue,
                },
            )
        })
        .collect())
}

/// The buckets, overall and per lead unit, of the tasks whose due (or assignment) date falls in
/// `[from, to]`: whole months from the tallies, partial months counted directly.
pub fn period_buckets(
    conn: &mut DbConn,
    axis: Axis,
    (from, to): (NaiveDate, NaiveDate),
    unit: Scope,
    today: NaiveDate,
    late_now: &LateNow,
) -> AppResult<(Counts, BTreeMap<UnitId, Counts>)> {
    let cut = split(from, to);
    let (mut all, mut by_unit) = match cut.months {
        Some((first, last)) => {
            let rows = in_months(conn, axis, (first, last), unit, month_of(today))?;
            let whole = (
                first,
                (last + Months::new(1)).pred_opt().expect("valid date"),
            );
            // By due date the period's whole months hold all of this month or none of it.
            let late = match axis {
                Axis::Due if (whole.0..=whole.1).contains(&today) => late_now.by_unit.clone(),
                Axis::Due => BTreeMap::new(),
                Axis::Assigned => late_assigned(conn, whole, unit, today)?,
            };
            buckets(&rows, month_of(today), &late)
        }
        None => Default::default(),
    };
    for edge in cut.edges {
        for (u, c) in direct(conn, axis, edge, unit, today)? {
            all.merge(&c);
            by_unit.entry(u).or_default().merge(&c);
        }
    }
    Ok((all, by_unit))
}

/// How many tasks are past their deadline right now and were never reported done: those due
/// before this month from the tallies, and this month's from `late_now`.
fn overdue_now(
    conn: &mut DbConn,
    unit: Scope,
    today: NaiveDate,
    late_now: &LateNow,
) -> AppResult<i64> {
    let unit_test = unit_sql(unit);
    let sql = format!(
        "SELECT CAST(0 AS BIGINT) AS lead_unit_id, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n \
         FROM task_due_tallies WHERE outcome = '{open}' AND due_month < ?{unit_test}",
        open = Outcome::Open
    );
    let q = diesel::sql_query(crate::db::placeholders(conn, &sql))
        .into_boxed()
        .bind::<Date, _>(month_of(today));
    let rows: Vec<UnitCount> = bind_unit(q, unit).load(conn)?;
    let earlier = rows.first().map(|r| r.n).unwrap_or(0);
    Ok(earlier + late_now.total())
}

/// Past months' overdue counts per scope, remembered for the day they
/// were counted: they read tens of thousands of tally rows, and change only when a past
/// deadline is moved or a task cancelled, which tomorrow's count picks up. This month's count
/// is always made afresh.
#[derive(Default)]
pub struct HistoryCache(Mutex<HashMap<Scope, (NaiveDate, MonthCounts)>>);

/// (first day of a month, a count) for each month.
pub type MonthCounts = Vec<(NaiveDate, i64)>;

/// The monthly chart's buckets and the overdue chart's counts.
pub type Charts = (Vec<(NaiveDate, Counts)>, MonthCounts);

/// The dashboard's two charts over the last twelve months: the buckets of the tasks due in
/// each month, and how many tasks were overdue at each month's close (now, for this one).
pub fn charts(
    conn: &mut DbConn,
    unit: Scope,
    today: NaiveDate,
    cache: &HistoryCache,
    late_now: &LateNow,
) -> AppResult<Charts> {
    let months = last_months(today, 12);
    let this_month = month_of(today);
    let recent = by_due(
        conn,
        "due_month BETWEEN ? AND ?",
        &[months[0], this_month],
        unit,
        false,
    )?;
    // Held while counting, so that the first requests of a day count once, not each.
    let mut remembered = cache.0.lock().unwrap_or_else(|e| e.into_inner());
    let past = match remembered.get(&unit).filter(|(day, _)| *day == today) {
        Some((_, past)) => past.clone(),
        None => {
            let rows = history(conn, months[0], this_month, unit)?;
            let past = overdue_by_month(&rows, &months[..months.len() - 1]);
            remembered.insert(unit, (today, past.clone()));
            past
        }
    };
    drop(remembered);
    let now = overdue_now(conn, unit, today, late_now)?;
    let mut overdue = past;
    overdue.push((this_month, now));
    let months = by_due_month(&recent, &months, this_month, late_now.total());
    Ok((months, overdue))
}
