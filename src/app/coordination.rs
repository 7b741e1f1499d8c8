//! Phối hợp: a coordinating unit records its part; the lead unit asks a coordinating unit for it
//! by a date.

use chrono::NaiveDate;

use crate::db::{self, DbConn};
use crate::domain::dates::format_date;
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::permissions::{Act, Action};
use crate::domain::status::ReportKind;
use crate::error::{AppError, AppResult};
use crate::mail::notices;
use crate::models::attachment::{Storage, Upload};
use crate::models::task::{self, NewReport};
use crate::models::{coordination, journal, unit};

use super::keeping_files;
use super::tasks::authorize;

/// The person's coordinating unit records its part (text and files); the lead unit is told.
pub fn record_part(
    conn: &mut DbConn,
    storage: &Storage,
    act: Act,
    task_id: TaskId,
    text: &str,
    files: &[Upload],
) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    let result = db::write(conn, |conn| {
        let scoped = authorize(conn, actor, task_id, Action::RecordCoordination)?;
        // The permission holds only for a person of a coordinating unit.
        let unit_id = actor.unit_id.ok_or(AppError::Forbidden)?;
        let report = NewReport {
            kind: ReportKind::Coordination,
            text,
            percent: None,
            files,
        };
        task::insert_report(conn, storage, actor, task_id, &report, at.now)?;
        coordination::given(conn, task_id, unit_id, at.now)?;
        let name = unit::get(conn, unit_id)?.name;
        let change = journal::Change {
            kind: journal::Kind::CoordinationRecorded,
            from: None,
            to: Some(&name),
            note: text.trim(),
        };
        journal::write(conn, task_id, actor.user_id, at.now, change)?;
        let note = format!("{name}: {}", text.trim());
        notices::to_unit(
            conn,
            crate::domain::mail::Kind::CoordinationRecorded,
            scoped.task.lead_unit_id,
            task_id,
            &format!("p{unit_id}-{}", at.now.and_utc().timestamp()),
            &note,
            at,
        )?;
        Ok(())
    });
    keeping_files(storage, files, result)
}

/// The lead unit asks `unit` for its part by `due`; that unit is told. A refusal (not a
/// coordinating unit, a date past or after the task's, a task no longer with the units) is
/// `Refused` with its key.
pub fn ask_part(
    conn: &mut DbConn,
    act: Act,
    task_id: TaskId,
    unit_id: UnitId,
    due: NaiveDate,
    note: &str,
) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::AskCoordination)?;
        coordination::ask(conn, task_id, unit_id, due, actor.user_id, at)?
            .map_err(|r| AppError::Refused(r.key().to_string()))?;
        let name = unit::get(conn, unit_id)?.name;
        let change = journal::Change {
            kind: journal::Kind::CoordinationAsked,
            from: Some(&name),
            to: Some(&due.to_string()),
            note: note.trim(),
        };
        journal::write(conn, task_id, actor.user_id, at.now, change)?;
        let mut told = format_date(due);
        if !note.trim().is_empty() {
            told = format!("{told}. {}", note.trim());
        }
        notices::to_unit(
            conn,
            crate::domain::mail::Kind::CoordinationAsked,
            unit_id,
            task_id,
            &format!("k{unit_id}-{}", at.now.and_utc().timestamp()),
            &told,
            at,
        )?;
        Ok(())
    })
}
