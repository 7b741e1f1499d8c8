//! What is done to one task: status moves, progress, comments, a new due date.

use chrono::NaiveDate;

use crate::db::{self, DbConn};
use crate::domain::permissions::{Act, Action, Actor, Target};
use crate::domain::status::Move;
use crate::domain::status::ReportKind;
use crate::error::AppResult;
use crate::mail::notices;
use crate::models::attachment::{Storage, Upload};
use crate::models::task::{self, Edit, NewReport, Outcome, Scoped};

use super::keeping_files;
use crate::domain::ids::TaskId;

/// The task as its permission sees it, if `actor` may do `action` to it.
pub fn authorize(
    conn: &mut DbConn,
    actor: &Actor,
    id: TaskId,
    action: Action,
) -> AppResult<Scoped> {
    let scoped = task::scoped(conn, id)?;
    super::allow(actor, action, Target::Task(scoped.scope()))?;
    Ok(scoped)
}

/// The permission a status move needs.
pub fn move_action(mv: Move) -> Action {
    match mv {
        Move::Start => Action::StartTask,
        Move::ReportCompletion => Action::ReportCompletion,
        Move::Confirm => Action::ConfirmCompletion,
        Move::Return => Action::ReturnCompletion,
        Move::Cancel => Action::CancelTask,
    }
}

/// Moves the task (start, report completion, confirm, return, cancel) with a note and, for a
/// completion, its evidence; the secretariat or the lead unit is told.
pub fn move_task(
    conn: &mut DbConn,
    storage: &Storage,
    edit: Edit,
    mv: Move,
    text: &str,
    files: &[Upload],
) -> AppResult<Outcome> {
    let result = db::write(conn, |conn| {
        authorize(conn, edit.actor, edit.task_id, move_action(mv))?;
        let report = NewReport {
            kind: ReportKind::of_move(mv),
            text,
            percent: None,
            files,
        };
        let outcome = task::apply_move(conn, storage, edit, mv, report)?;
        if let Outcome::Done(m) = &outcome {
            notices::moved(conn, edit.task_id, m, text, edit.at)?;
            // A draft of the report is spent once the head sends one.
            if mv == Move::ReportCompletion {
                crate::models::step::drop_draft(conn, edit.task_id)?;
            }
        }
        Ok(outcome.map(|_| ()))
    });
    keeping_files(storage, files, result)
}

/// The lead unit reports progress: a text, a percent, files.
pub fn report_progress(
    conn: &mut DbConn,
    storage: &Storage,
    edit: Edit,
    text: &str,
    percent: i32,
    files: &[Upload],
) -> AppResult<Outcome> {
    let result = db::write(conn, |conn| {
        authorize(conn, edit.actor, edit.task_id, Action::AddProgress)?;
        let report = NewReport {
            kind: ReportKind::Progress,
            text,
            percent: Some(percent),
            files,
        };
        task::add_progress(conn, storage, edit, report)
    });
    keeping_files(storage, files, result)
}

/// A comment on the task.
pub fn comment(
    conn: &mut DbConn,
    storage: &Storage,
    act: Act,
    id: TaskId,
    text: &str,
) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        authorize(conn, actor, id, Action::Comment)?;
        task::add_comment(conn, storage, actor, id, text, at.now)
    })
}

/// The secretariat sets another due date (or none), saying why.
pub fn change_due_date(
    conn: &mut DbConn,
    edit: Edit,
    due: Option<NaiveDate>,
    reason: &str,
) -> AppResult<Outcome> {
    db::write(conn, |conn| {
        authorize(conn, edit.actor, edit.task_id, Action::EditTask)?;
        task::change_due_date(conn, edit, due, reason)
    })
}

/// Hands the task to people of the lead unit (replacing whoever had it) with the unit's own
/// date; those newly given it are told. A refusal (someone not of the unit, a date after the
/// official one or past, a closed task) is `Refused` with its key.
pub fn assign_people(
    conn: &mut DbConn,
    act: Act,
    task_id: TaskId,
    people: &[crate::domain::ids::UserId],
    due: Option<NaiveDate>,
) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::AssignPeople)?;
        let added = crate::models::assignee::set(conn, act, task_id, people, due)?
            .map_err(|r| crate::error::AppError::Refused(r.key().to_string()))?;
        let note = due
            .map(crate::domain::dates::format_date)
            .unwrap_or_default();
        notices::assigned_in_unit(conn, task_id, &added, &note, at)?;
        Ok(())
    })
}
