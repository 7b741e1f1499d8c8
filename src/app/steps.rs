//! The unit's own work on a task: steps inside it, and the completion report one of its people
//! drafts for the head to send.

use crate::db::{self, DbConn};
use crate::domain::ids::{TaskId, UserId};
use crate::domain::permissions::{Act, Action};
use crate::error::{AppError, AppResult};
use crate::models::step;

use super::tasks::authorize;

/// Adds a step, for a person of the lead unit or no one yet.
pub fn add(
    conn: &mut DbConn,
    act: Act,
    task_id: TaskId,
    text: &str,
    assignee: Option<UserId>,
) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        let scoped = authorize(conn, actor, task_id, Action::ManageSteps)?;
        if let Some(person) = assignee {
            let of_unit = crate::models::user::of_unit(conn, scoped.task.lead_unit_id)?;
            if !of_unit.iter().any(|u| u.id == person) {
                return Err(AppError::Refused("step_not_of_unit".into()));
            }
        }
        step::add(conn, task_id, text, assignee, actor.user_id, at)
    })
}

/// Ticks a step done, or not done again.
pub fn set_done(
    conn: &mut DbConn,
    act: Act,
    task_id: TaskId,
    step_id: i64,
    done: bool,
) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::ManageSteps)?;
        step::set_done(conn, task_id, step_id, done, actor.user_id, at)
    })
}

/// Lets the steps set the task's progress, or not.
pub fn drive(conn: &mut DbConn, act: Act, task_id: TaskId, on: bool) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::ManageSteps)?;
        step::drive(conn, task_id, on, at)
    })
}

/// Keeps a draft of the completion report for the head.
pub fn draft(conn: &mut DbConn, act: Act, task_id: TaskId, text: &str) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::DraftCompletion)?;
        step::save_draft(conn, task_id, text, actor.user_id, at)
    })
}
