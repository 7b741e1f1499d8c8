//! Steps inside a task (a checklist the lead unit keeps: text, who does it, done), which set
//! the task's progress when the unit chooses; and the completion report drafted for the head.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{completion_drafts, task_steps, tasks, users};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::dates::Moment;
use crate::domain::ids::{TaskId, UserId};
use crate::domain::status::Status;
use crate::error::AppResult;
use crate::models::journal;

/// One step as the task page and the API show it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Step {
    pub id: i64,
    pub text: String,
    pub assignee_id: Option<UserId>,
    pub assignee: Option<String>,
    pub done_at: Option<NaiveDateTime>,
}

/// A task's steps, in the order they were added.
pub fn for_task(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<Step>> {
    Ok(crate::db::load!(
        conn,
        task_steps::table
            .left_join(users::table.on(users::id.nullable().eq(task_steps::assignee_id)))
            .filter(task_steps::task_id.eq(task_id))
            .order(task_steps::id)
            .select((
                task_steps::id,
                task_steps::text,
                task_steps::assignee_id,
                users::name.nullable(),
                task_steps::done_at,
            )),
    )?)
}

/// The percent the steps give: those done of all, rounded down.
pub fn percent(steps: &[Step]) -> i32 {
    if steps.is_empty() {
        return 0;
    }
    let done = steps.iter().filter(|s| s.done_at.is_some()).count();
    (done * 100 / steps.len()) as i32
}

/// When the unit lets its steps drive progress: the task's progress follows them (and the next
/// version is taken, so a form opened before says it is stale). The caller holds the
/// transaction.
fn follow(conn: &mut DbConn, task_id: TaskId, at: Moment) -> AppResult<()> {
    let (driven, status): (bool, Status) = tasks::table
        .find(task_id)
        .select((tasks::progress_from_steps, tasks::status))
        .first(conn)?;
    if !driven || !status.is_working() {
        return Ok(());
    }
    let p = percent(&for_task(conn, task_id)?);
    diesel::update(tasks::table.find(task_id))
        .set((
            tasks::progress.eq(p),
            tasks::version.eq(tasks::version + 1),
            tasks::updated_at.eq(at.now),
        ))
        .execute(conn)?;
    Ok(())
}

fn note(conn: &mut DbConn, task_id: TaskId, by: UserId, text: &str, at: Moment) -> AppResult<()> {
    let change = journal::Change::noted(journal::Kind::Steps, text);
    journal::write(conn, task_id, by, at.now, change)
}

/// Adds a step, for someone of the lead unit or no one yet.
pub fn add(
    conn: &mut DbConn,
    task_id: TaskId,
    text: &str,
    assignee: Option<UserId>,
    by: UserId,
    at: Moment,
) -> AppResult<()> {
    diesel::insert_into(task_steps::table)
        .values((
            task_steps::task_id.eq(task_id),
            task_steps::text.eq(text.trim()),
            task_steps::assignee_id.eq(assignee),
            task_steps::created_at.eq(at.now),
        ))
        .execute(conn)?;
    note(conn, task_id, by, &format!("+ {}", text.trim()), at)?;
    follow(conn, task_id, at)
}

/// Marks a step of the task done, or not done again.
pub fn set_done(
    conn: &mut DbConn,
    task_id: TaskId,
    step: i64,
    done: bool,
    by: UserId,
    at: Moment,
) -> AppResult<()> {
    let text: String = task_steps::table
        .filter(task_steps::id.eq(step))
        .filter(task_steps::task_id.eq(task_id))
        .select(task_steps::text)
        .first(conn)
        .found()?;
    let (when, who) = if done {
        (Some(at.now), Some(by))
    } else {
        (None, None)
    };
    diesel::update(task_steps::table.find(step))
        .set((task_steps::done_at.eq(when), task_steps::done_by.eq(who)))
        .execute(conn)?;
    note(
        conn,
        task_id,
        by,
        &format!("{} {text}", if done { "✓" } else { "○" }),
        at,
    )?;
    follow(conn, task_id, at)
}

/// Whether the steps set the task's progress.
pub fn drive(conn: &mut DbConn, task_id: TaskId, on: bool, at: Moment) -> AppResult<()> {
    diesel::update(tasks::table.find(task_id))
        .set(tasks::progress_from_steps.eq(on))
        .execute(conn)?;
    follow(conn, task_id, at)
}

/// Whether the task's progress follows its steps.
pub fn driven(conn: &mut DbConn, task_id: TaskId) -> AppResult<bool> {
    Ok(tasks::table
        .find(task_id)
        .select(tasks::progress_from_steps)
        .first(conn)?)
}

/// The completion report drafted for the head: text, by whom, when.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Draft {
    pub text: String,
    pub by: Option<String>,
    pub at: NaiveDateTime,
}

/// Keeps the draft (one per task, the latest).
pub fn save_draft(
    conn: &mut DbConn,
    task_id: TaskId,
    text: &str,
    by: UserId,
    at: Moment,
) -> AppResult<()> {
    diesel::delete(completion_drafts::table.find(task_id)).execute(conn)?;
    diesel::insert_into(completion_drafts::table)
        .values((
            completion_drafts::task_id.eq(task_id),
            completion_drafts::text.eq(text.trim()),
            completion_drafts::drafted_by.eq(by),
            completion_drafts::drafted_at.eq(at.now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn draft(conn: &mut DbConn, task_id: TaskId) -> AppResult<Option<Draft>> {
    Ok(crate::db::load!(
        conn,
        completion_drafts::table
            .left_join(users::table.on(users::id.nullable().eq(completion_drafts::drafted_by)))
            .filter(completion_drafts::task_id.eq(task_id))
            .select((
                completion_drafts::text,
                users::name.nullable(),
                completion_drafts::drafted_at,
            )),
        first
    )
    .optional()?)
}

/// The draft is spent once the head reports completion.
pub fn drop_draft(conn: &mut DbConn, task_id: TaskId) -> AppResult<()> {
    diesel::delete(completion_drafts::table.find(task_id)).execute(conn)?;
    Ok(())
}
