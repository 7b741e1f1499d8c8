//! Đôn đốc: each time the secretariat or a leader chases a task's lead unit, at most once a day
//! per task, with the journal entry that says which time it was.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::journal as journal_col;
use crate::db::schema::{chases, tasks, users};
use crate::db::DbConn;
use crate::domain::dates::Moment;
use crate::domain::ids::{TaskId, UnitId, UserId};
use crate::domain::status::Status;
use crate::error::{AppError, AppResult};
use crate::models::journal;

/// Why a chase is not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The task is not being worked on: done, cancelled, or reported and awaiting confirmation.
    NotWorking,
    /// Already chased today.
    Today,
}

impl Refusal {
    /// A stable name for the refusal, carried through the application's error.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::NotWorking => "chase_not_working",
            Refusal::Today => "chase_today",
        }
    }
}

/// A chase made: its id and which time the task was chased.
#[derive(Debug, Clone, Copy)]
pub struct Chased {
    pub id: i64,
    pub count: i64,
}

/// One chase as the task page and the API show it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Chase {
    pub at: NaiveDateTime,
    pub on_day: NaiveDate,
    pub note: String,
    pub by: Option<String>,
}

/// Chases the task now, with a note; refused when it is not being worked on or was chased today.
pub fn record(
    conn: &mut DbConn,
    task_id: TaskId,
    by: UserId,
    note: &str,
    at: Moment,
) -> AppResult<Result<Chased, Refusal>> {
    let status: Status = tasks::table
        .find(task_id)
        .select(tasks::status)
        .first(conn)?;
    if !Status::WORKING.contains(&status) {
        return Ok(Err(Refusal::NotWorking));
    }
    let today: i64 = chases::table
        .filter(chases::task_id.eq(task_id))
        .filter(chases::on_day.eq(at.today))
        .count()
        .get_result(conn)?;
    if today > 0 {
        return Ok(Err(Refusal::Today));
    }
    let inserted = diesel::insert_into(chases::table)
        .values((
            chases::task_id.eq(task_id),
            chases::user_id.eq(by),
            chases::at.eq(at.now),
            chases::on_day.eq(at.today),
            chases::note.eq(note.trim()),
        ))
        .returning(chases::id)
        .get_result::<i64>(conn);
    let id = match inserted {
        Ok(id) => id,
        // Another press or another instance chased it between the check and the insert.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => return Err(AppError::Conflict("already chased today".into())),
        Err(e) => return Err(e.into()),
    };
    let count: i64 = chases::table
        .filter(chases::task_id.eq(task_id))
        .count()
        .get_result(conn)?;
    let change = journal::Change {
        kind: journal::Kind::Chased,
        from: None,
        to: Some(&count.to_string()),
        note: note.trim(),
    };
    journal::write(conn, task_id, by, at.now, change)?;
    Ok(Ok(Chased { id, count }))
}

/// Chases many tasks being worked on at once (the caller checked their status): those not
/// chased today, each with its journal entry. Returns each chase made with its task, in the
/// given order. The caller holds the transaction.
pub fn record_many(
    conn: &mut DbConn,
    task_ids: &[TaskId],
    by: UserId,
    note: &str,
    at: Moment,
) -> AppResult<Vec<(TaskId, Chased)>> {
    let note = note.trim();
    let mut out = Vec::new();
    for chunk in task_ids.chunks(500) {
        let before: Vec<(TaskId, i64)> = chases::table
            .filter(chases::task_id.eq_any(chunk))
            .group_by(chases::task_id)
            .select((chases::task_id, diesel::dsl::count_star()))
            .load(conn)?;
        let before: std::collections::HashMap<TaskId, i64> = before.into_iter().collect();
        let rows: Vec<_> = chunk
            .iter()
            .map(|t| {
                (
                    chases::task_id.eq(*t),
                    chases::user_id.eq(by),
                    chases::at.eq(at.now),
                    chases::on_day.eq(at.today),
                    chases::note.eq(note),
                )
            })
            .collect();
        // Those chased today already (by anyone, on any instance) are passed over by the
        // unique (task, day) index.
        let made: Vec<(i64, TaskId)> = match conn {
            DbConn::Pg(c) => diesel::insert_into(chases::table)
                .values(&rows)
                .on_conflict_do_nothing()
                .returning((chases::id, chases::task_id))
                .get_results(c)?,
            DbConn::Sqlite(c) => diesel::insert_or_ignore_into(chases::table)
                .values(&rows)
                .returning((chases::id, chases::task_id))
                .get_results(c)?,
        };
        let made: std::collections::HashMap<TaskId, i64> =
            made.into_iter().map(|(id, t)| (t, id)).collect();
        for t in chunk {
            if let Some(id) = made.get(t) {
                let count = before.get(t).copied().unwrap_or(0) + 1;
                out.push((*t, Chased { id: *id, count }));
            }
        }
    }
    let counts: Vec<String> = out.iter().map(|(_, c)| c.count.to_string()).collect();
    let entries: Vec<_> = out
        .iter()
        .zip(&counts)
        .map(|((t, _), count)| {
            (
                journal_col::task_id.eq(*t),
                journal_col::user_id.eq(Some(by)),
                journal_col::at.eq(at.now),
                journal_col::kind.eq(journal::Kind::Chased),
                journal_col::to_value.eq(Some(count.as_str())),
                journal_col::note.eq(note),
            )
        })
        .collect();
    for chunk in entries.chunks(500) {
        crate::insert_rows!(conn, journal_col::table, chunk)?;
    }
    Ok(out)
}

/// A task's chases, oldest first.
pub fn for_task(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<Chase>> {
    Ok(crate::db::load!(
        conn,
        chases::table
            .left_join(users::table)
            .filter(chases::task_id.eq(task_id))
            .order(chases::id)
            .select((
                chases::at,
                chases::on_day,
                chases::note,
                users::name.nullable(),
            )),
    )?)
}

/// The overdue tasks a unit leads that are being worked on, most overdue first.
pub fn overdue_of_unit(
    conn: &mut DbConn,
    unit: UnitId,
    today: NaiveDate,
    limit: i64,
) -> AppResult<Vec<TaskId>> {
    Ok(tasks::table
        .filter(tasks::lead_unit_id.eq(unit))
        .filter(crate::db::word_in(tasks::status, &Status::WORKING))
        .filter(tasks::due_on.lt(today))
        .order((tasks::due_on, tasks::id))
        .select(tasks::id)
        .limit(limit)
        .load(conn)?)
}
