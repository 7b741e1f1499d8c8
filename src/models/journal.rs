//! The task journal: every change, who made it, when, from what, to what, and why.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{journal, users};
use crate::db::DbConn;
use crate::domain::ids::{TaskId, UserId};
use crate::error::AppResult;

pub use crate::domain::journal::Kind;

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub kind: Kind,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub note: String,
    pub user_name: Option<String>,
}

/// What one journal entry says changed: its kind, the value before and after (as shown), a note.
pub struct Change<'a> {
    pub kind: Kind,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub note: &'a str,
}

impl<'a> Change<'a> {
    /// A change that moves nothing from one value to another: the note says it all.
    pub fn noted(kind: Kind, note: &'a str) -> Change<'a> {
        Change {
            kind,
            from: None,
            to: None,
            note,
        }
    }
}

/// Writes `change` to task `task_id`'s journal, as made by `user_id` at `at`.
pub fn write(
    conn: &mut DbConn,
    task_id: TaskId,
    user_id: UserId,
    at: NaiveDateTime,
    change: Change,
) -> AppResult<()> {
    diesel::insert_into(journal::table)
        .values((
            journal::task_id.eq(task_id),
            journal::user_id.eq(user_id),
            journal::at.eq(at),
            journal::kind.eq(change.kind),
            journal::from_value.eq(change.from),
            journal::to_value.eq(change.to),
            journal::note.eq(change.note),
        ))
        .execute(conn)?;
    Ok(())
}

/// The due date each given task had before its first change (an extension or an edit): only
/// the tasks whose date changed are in the map.
pub fn original_dues(
    conn: &mut DbConn,
    ids: &[TaskId],
) -> AppResult<std::collections::HashMap<TaskId, chrono::NaiveDate>> {
    let found: Vec<(TaskId, Option<String>)> = journal::table
        .filter(crate::db::id_in(journal::task_id, ids))
        .filter(journal::kind.eq(Kind::DueDateChanged))
        .order((journal::task_id, journal::id))
        .select((journal::task_id, journal::from_value))
        .load(conn)?;
    let mut out = std::collections::HashMap::new();
    for (id, from) in found {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
            if let Some(d) =
                from.and_then(|f| chrono::NaiveDate::parse_from_str(&f, "%Y-%m-%d").ok())
            {
                e.insert(d);
            }
        }
    }
    Ok(out)
}

pub fn for_task(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<Entry>> {
    Ok(crate::db::load!(
        conn,
        journal::table
            .left_join(users::table)
            .filter(journal::task_id.eq(task_id))
            .order((journal::at, journal::id))
            .select((
                journal::id,
                journal::at,
                journal::kind,
                journal::from_value,
                journal::to_value,
                journal::note,
                users::name.nullable(),
            )),
    )?)
}
