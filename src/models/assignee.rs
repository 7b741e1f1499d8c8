//! Người thực hiện: the people of the lead unit its head hands a task to, with the unit's own
//! due date. Handing it again replaces the list; the journal keeps each change.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{task_assignees, tasks, users};
use crate::db::DbConn;
use crate::domain::ids::{TaskId, UserId};
use crate::domain::permissions::Act;
use crate::domain::status::Status;
use crate::error::AppResult;
use crate::models::journal;

/// One person a task is handed to.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Assignee {
    pub user_id: UserId,
    pub name: String,
    /// The unit's own date for it.
    pub due_on: Option<NaiveDate>,
}

/// Why a hand-over is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Someone chosen is not an active person of the lead unit.
    NotOfUnit,
    /// The unit's date is after the official one, or in the past.
    BadDate,
    /// The task is done or cancelled.
    Closed,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Refusal::NotOfUnit => "assignee_not_of_unit",
            Refusal::BadDate => "assignee_date",
            Refusal::Closed => "assignee_closed",
        }
    }
}

/// A task's people, by name.
pub fn for_task(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<Assignee>> {
    let mut all: Vec<Assignee> = crate::db::load!(
        conn,
        task_assignees::table
            .inner_join(users::table.on(users::id.eq(task_assignees::user_id)))
            .filter(task_assignees::task_id.eq(task_id))
            .select((task_assignees::user_id, users::name, task_assignees::due_on)),
    )?;
    all.sort_by_cached_key(|x| crate::domain::text::vi_sort_key(&x.name));
    Ok(all)
}

/// Whether the person is among the task's people.
pub fn is_assignee(conn: &mut DbConn, task_id: TaskId, user: UserId) -> AppResult<bool> {
    let n: i64 = task_assignees::table
        .filter(task_assignees::task_id.eq(task_id))
        .filter(task_assignees::user_id.eq(user))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Hands the task to `people` (replacing whoever had it) with the unit's date; returns those
/// newly given it, to be told. The caller holds the transaction and checked the permission.
pub fn set(
    conn: &mut DbConn,
    act: Act,
    task_id: TaskId,
    people: &[UserId],
    due: Option<NaiveDate>,
) -> AppResult<Result<Vec<UserId>, Refusal>> {
    let (actor, at) = (&act.actor, act.at);
    let (lead, status, official): (crate::domain::ids::UnitId, Status, Option<NaiveDate>) =
        tasks::table
            .find(task_id)
            .select((tasks::lead_unit_id, tasks::status, tasks::due_on))
            .first(conn)?;
    if !status.is_open() {
        return Ok(Err(Refusal::Closed));
    }
    if due.is_some_and(|d| d < at.today || official.is_some_and(|o| d > o)) {
        return Ok(Err(Refusal::BadDate));
    }
    let mut people = people.to_vec();
    people.sort_unstable();
    people.dedup();
    let of_unit: Vec<UserId> = users::table
        .filter(crate::db::id_in(users::id, &people))
        .filter(users::unit_id.eq(lead))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)?;
    if of_unit.len() != people.len() {
        return Ok(Err(Refusal::NotOfUnit));
    }
    let before: Vec<UserId> = task_assignees::table
        .filter(task_assignees::task_id.eq(task_id))
        .select(task_assignees::user_id)
        .load(conn)?;
    diesel::delete(task_assignees::table.filter(task_assignees::task_id.eq(task_id)))
        .execute(conn)?;
    for p in &people {
        diesel::insert_into(task_assignees::table)
            .values((
                task_assignees::task_id.eq(task_id),
                task_assignees::user_id.eq(p),
                task_assignees::due_on.eq(due),
                task_assignees::assigned_by.eq(actor.user_id),
                task_assignees::assigned_at.eq(at.now),
            ))
            .execute(conn)?;
    }
    let names: Vec<String> = for_task(conn, task_id)?
        .into_iter()
        .map(|a| a.name)
        .collect();
    let due = due.map(|d| d.to_string());
    let change = journal::Change {
        kind: journal::Kind::AssigneesChanged,
        from: None,
        to: due.as_deref(),
        note: &names.join(", "),
    };
    journal::write(conn, task_id, actor.user_id, at.now, change)?;
    Ok(Ok(people
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect()))
}

/// The tasks being worked on that are handed to the person, most urgent first, at most `limit`.
pub fn mine(conn: &mut DbConn, user: UserId, limit: i64) -> AppResult<Vec<TaskId>> {
    Ok(task_assignees::table
        .inner_join(tasks::table)
        .filter(task_assignees::user_id.eq(user))
        .filter(crate::db::word_in(tasks::status, &Status::WORKING))
        .order((tasks::due_on, tasks::id))
        .select(tasks::id)
        .limit(limit)
        .load(conn)?)
}
