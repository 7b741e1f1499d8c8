//! Each coordinating unit's part in a task: the lead unit's request for it (by a date) and when
//! the unit last gave it. The parts themselves are reports of kind `coordination`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{task_coordinators, tasks, units};
use crate::db::DbConn;
use crate::domain::coordination::{self, State};
use crate::domain::ids::{TaskId, UnitId, UserId};
use crate::domain::status::Status;
use crate::error::AppResult;

/// One coordinating unit of a task and where its part stands.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Part {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub asked_due: Option<NaiveDate>,
    pub asked_at: Option<NaiveDateTime>,
    pub asked_by: Option<UserId>,
    pub done_at: Option<NaiveDateTime>,
}

impl Part {
    pub fn state(&self, today: NaiveDate) -> State {
        coordination::state(self.asked_at, self.asked_due, self.done_at, today)
    }
}

/// Why a request for a part is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The unit does not coordinate this task.
    NotCoordinating,
    /// The date is past, or after the task's own.
    BadDate,
    /// The task is no longer with the units (reported, done or cancelled).
    Closed,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Refusal::NotCoordinating => "coordination_not_coordinating",
            Refusal::BadDate => "coordination_date",
            Refusal::Closed => "coordination_closed",
        }
    }
}

/// A task's coordinating units, by name in Vietnamese order.
pub fn for_task(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<Part>> {
    let mut all: Vec<Part> = crate::db::load!(
        conn,
        task_coordinators::table
            .inner_join(units::table)
            .filter(task_coordinators::task_id.eq(task_id))
            .select((
                task_coordinators::unit_id,
                units::name,
                task_coordinators::asked_due,
                task_coordinators::asked_at,
                task_coordinators::asked_by,
                task_coordinators::done_at,
            )),
    )?;
    all.sort_by_cached_key(|x| crate::domain::text::vi_sort_key(&x.unit_name));
    Ok(all)
}

/// Asks `unit` for its part by `due`. The caller holds the transaction and checked the
/// permission.
pub fn ask(
    conn: &mut DbConn,
    task_id: TaskId,
    unit: UnitId,
    due: NaiveDate,
    by: UserId,
    at: crate::domain::dates::Moment,
) -> AppResult<Result<(), Refusal>> {
    let (status, task_due): (Status, Option<NaiveDate>) = tasks::table
        .find(task_id)
        .select((tasks::status, tasks::due_on))
        .first(conn)?;
    if !status.is_working() {
        return Ok(Err(Refusal::Closed));
    }
    if !coordination::date_fits(due, at.today, task_due) {
        return Ok(Err(Refusal::BadDate));
    }
    let n = diesel::update(
        task_coordinators::table
            .filter(task_coordinators::task_id.eq(task_id))
            .filter(task_coordinators::unit_id.eq(unit)),
    )
    .set((
        task_coordinators::asked_due.eq(due),
        task_coordinators::asked_at.eq(at.now),
        task_coordinators::asked_by.eq(by),
    ))
    .execute(conn)?;
    Ok(if n == 1 {
        Ok(())
    } else {
        Err(Refusal::NotCoordinating)
    })
}

/// Marks `unit`'s part as given now. The caller holds the transaction.
pub fn given(conn: &mut DbConn, task_id: TaskId, unit: UnitId, at: NaiveDateTime) -> AppResult<()> {
    diesel::update(
        task_coordinators::table
            .filter(task_coordinators::task_id.eq(task_id))
            .filter(task_coordinators::unit_id.eq(unit)),
    )
    .set(task_coordinators::done_at.eq(at))
    .execute(conn)?;
    Ok(())
}

/// The parts asked by one of `days` and not given since, of tasks still with the units:
/// (task, coordinating unit, date asked by), in a fixed order.
pub fn waiting_on(
    conn: &mut DbConn,
    days: &[NaiveDate],
) -> AppResult<Vec<(TaskId, UnitId, NaiveDate)>> {
    let mut out = Vec::new();
    for chunk in days.chunks(400) {
        out.extend(
            task_coordinators::table
                .inner_join(tasks::table)
                .filter(task_coordinators::asked_due.eq_any(chunk))
                .filter(still_waiting())
                .filter(crate::db::word_in(tasks::status, &Status::WORKING))
                .order((task_coordinators::task_id, task_coordinators::unit_id))
                .select((
                    task_coordinators::task_id,
                    task_coordinators::unit_id,
                    task_coordinators::asked_due.assume_not_null(),
                ))
                .load::<(TaskId, UnitId, NaiveDate)>(conn)?,
        );
    }
    Ok(out)
}

/// Asked, and not given since it was asked.
#[diesel::dsl::auto_type]
fn still_waiting() -> _ {
    let asked: task_coordinators::asked_at = task_coordinators::asked_at;
    let done: task_coordinators::done_at = task_coordinators::done_at;
    task_coordinators::asked_due
        .is_not_null()
        .and(done.is_null().or(done.lt(asked)))
}

/// The earliest date a part still waiting was asked by, if any: where overdue reminders start.
pub fn earliest_waiting(conn: &mut DbConn) -> AppResult<Option<NaiveDate>> {
    Ok(task_coordinators::table
        .inner_join(tasks::table)
        .filter(still_waiting())
        .filter(crate::db::word_in(tasks::status, &Status::WORKING))
        .select(diesel::dsl::min(task_coordinators::asked_due))
        .first(conn)?)
}

/// The tasks still with the units whose part `unit` was asked for and has not given, soonest
/// date first, at most `limit`.
pub fn asked_of(conn: &mut DbConn, unit: UnitId, limit: i64) -> AppResult<Vec<TaskId>> {
    Ok(task_coordinators::table
        .inner_join(tasks::table)
        .filter(task_coordinators::unit_id.eq(unit))
        .filter(still_waiting())
        .filter(crate::db::word_in(tasks::status, &Status::WORKING))
        .order((task_coordinators::asked_due, tasks::id))
        .select(tasks::id)
        .limit(limit)
        .load(conn)?)
}
