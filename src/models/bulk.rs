//! A bulk step's writes: one version-checked statement per task, the rest set by set (the
//! rows of `task_units`, the reports, the journal), so that a thousand tasks cost about a
//! thousand statements and not ten thousand.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{journal, reports, task_units, tasks};
use crate::db::DbConn;
use crate::domain::ids::TaskId;
use crate::domain::permissions::Act;
use crate::domain::status::{ReportKind, Status};
use crate::error::AppResult;
use crate::models::journal::Kind;
use crate::models::task::no_due_sort;

/// What a step writes on each task.
#[derive(Debug, Clone, Copy)]
pub enum Write {
    /// Another due date, or none.
    Due(Option<NaiveDate>),
    Cancel,
}

/// Writes `w` on every picked task (id, version seen) with `note` as the reason. False, with
/// nothing to keep, when a task was changed meanwhile: the caller rolls the transaction back.
/// The caller holds the transaction and checked the permissions and the statuses.
pub fn write(
    conn: &mut DbConn,
    act: Act,
    picks: &[(TaskId, i32)],
    w: Write,
    note: &str,
) -> AppResult<bool> {
    let (actor, at) = (&act.actor, act.at);
    let mut before: Vec<(TaskId, Option<NaiveDate>, Status)> = Vec::new();
    for chunk in picks.chunks(500) {
        let ids: Vec<TaskId> = chunk.iter().map(|p| p.0).collect();
        before.extend(
            tasks::table
                .filter(tasks::id.eq_any(&ids))
                .select((tasks::id, tasks::due_on, tasks::status))
                .load::<(TaskId, Option<NaiveDate>, Status)>(conn)?,
        );
    }
    for &(id, version) in picks {
        let this = tasks::table
            .filter(tasks::id.eq(id))
            .filter(tasks::version.eq(version));
        let bump = (tasks::version.eq(version + 1), tasks::updated_at.eq(at.now));
        let n = match w {
            Write::Due(due) => diesel::update(this)
                .set((tasks::due_on.eq(due), bump))
                .execute(conn)?,
            Write::Cancel => diesel::update(this)
                .set((
                    tasks::status.eq(Status::Cancelled),
                    tasks::completed_on.eq(None::<NaiveDate>),
                    bump,
                ))
                .execute(conn)?,
        };
        if n != 1 {
            return Ok(false);
        }
    }
    let note = note.trim();
    for chunk in before.chunks(500) {
        let ids: Vec<TaskId> = chunk.iter().map(|b| b.0).collect();
        let rows = task_units::table.filter(task_units::task_id.eq_any(&ids));
        let show = |d: Option<NaiveDate>| d.map(|d| d.to_string());
        let entries: Vec<_> = chunk
            .iter()
            .map(|(id, due, status)| {
                let (kind, from, to) = match w {
                    Write::Due(new) => (Kind::DueDateChanged, show(*due), show(new)),
                    Write::Cancel => (
                        Kind::StatusChanged,
                        Some(status.as_str().to_string()),
                        Some(Status::Cancelled.as_str().to_string()),
                    ),
                };
                (
                    journal::task_id.eq(*id),
                    journal::user_id.eq(Some(actor.user_id)),
                    journal::at.eq(at.now),
                    journal::kind.eq(kind),
                    journal::from_value.eq(from),
                    journal::to_value.eq(to),
                    journal::note.eq(note),
                )
            })
            .collect();
        match w {
            Write::Due(due) => {
                diesel::update(rows)
                    .set(task_units::due_sort.eq(due.unwrap_or_else(no_due_sort)))
                    .execute(conn)?;
            }
            Write::Cancel => {
                diesel::update(rows)
                    .set(task_units::open.eq(false))
                    .execute(conn)?;
                // The reason, filed as each task's cancellation note.
                let notes: Vec<_> = ids
                    .iter()
                    .map(|id| {
                        (
                            reports::task_id.eq(*id),
                            reports::user_id.eq(Some(actor.user_id)),
                            reports::kind.eq(ReportKind::Cancellation),
                            reports::at.eq(at.now),
                            reports::text.eq(note),
                        )
                    })
                    .collect();
                crate::insert_rows!(conn, reports::table, &notes)?;
            }
        }
        crate::insert_rows!(conn, journal::table, &entries)?;
    }
    Ok(true)
}
