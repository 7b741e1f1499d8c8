//! Calendar feeds: a secret address per person or unit whose iCalendar lists the deadlines they
//! answer for. Only the address's hash is kept; a reset makes a new one and the old one stops.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{calendar_feeds, task_assignees, task_coordinators, tasks, users};
use crate::db::DbConn;
use crate::domain::ids::{TaskId, UnitId, UserId};
use crate::domain::permissions::Role;
use crate::domain::status::Status;
use crate::error::AppResult;
use crate::models::token::{random_token, token_hash};
use crate::models::user::User;

/// Whose deadlines a feed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Person(UserId),
    Unit(UnitId),
}

/// The most events a feed carries: the nearest deadlines first.
pub const MAX_EVENTS: i64 = 2_000;

/// Makes the owner's feed anew (the old address, if any, stops); returns the new secret.
pub fn reset(conn: &mut DbConn, owner: Owner, by: UserId, at: NaiveDateTime) -> AppResult<String> {
    let token = random_token();
    crate::db::write(conn, |conn| {
        stop(conn, owner)?;
        let (user_id, unit_id) = match owner {
            Owner::Person(u) => (Some(u), None),
            Owner::Unit(u) => (None, Some(u)),
        };
        diesel::insert_into(calendar_feeds::table)
            .values((
                calendar_feeds::user_id.eq(user_id),
                calendar_feeds::unit_id.eq(unit_id),
                calendar_feeds::token_hash.eq(token_hash(&token)),
                calendar_feeds::created_at.eq(at),
                calendar_feeds::created_by.eq(Some(by)),
            ))
            .execute(conn)?;
        Ok(token)
    })
}

/// Turns the owner's feed off.
pub fn stop(conn: &mut DbConn, owner: Owner) -> AppResult<()> {
    match owner {
        Owner::Person(u) => {
            diesel::delete(calendar_feeds::table.filter(calendar_feeds::user_id.eq(u)))
                .execute(conn)?
        }
        Owner::Unit(u) => {
            diesel::delete(calendar_feeds::table.filter(calendar_feeds::unit_id.eq(u)))
                .execute(conn)?
        }
    };
    Ok(())
}

/// When the owner's feed was made, if it is on.
pub fn made_at(conn: &mut DbConn, owner: Owner) -> AppResult<Option<NaiveDateTime>> {
    let q = calendar_feeds::table
        .select(calendar_feeds::created_at)
        .into_boxed();
    let q = match owner {
        Owner::Person(u) => q.filter(calendar_feeds::user_id.eq(u)),
        Owner::Unit(u) => q.filter(calendar_feeds::unit_id.eq(u)),
    };
    Ok(q.first(conn).optional()?)
}

/// Whose feed the secret opens: a person's only while they are active.
pub fn owner_of(conn: &mut DbConn, token: &str) -> AppResult<Option<Owner>> {
    let found: Option<(Option<UserId>, Option<UnitId>)> = calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash(token)))
        .select((calendar_feeds::user_id, calendar_feeds::unit_id))
        .first(conn)
        .optional()?;
    Ok(match found {
        Some((Some(u), _)) => users::table
            .find(u)
            .filter(users::active.eq(true))
            .count()
            .get_result::<i64>(conn)
            .map(|n| (n > 0).then_some(Owner::Person(u)))?,
        Some((None, Some(u))) => Some(Owner::Unit(u)),
        _ => None,
    })
}

/// Why a deadline is in the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The unit leads the task (for a person: their unit, which they head).
    Lead,
    /// The task was handed to the person, by the unit's own date if it set one.
    Assigned,
    /// The unit coordinates and was asked for its part by this date.
    Part,
}

/// One deadline the owner answers for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub task_id: TaskId,
    pub why: Why,
    pub due: NaiveDate,
    pub updated_at: NaiveDateTime,
}

/// The deadlines of the owner's open tasks, nearest first, at most `MAX_EVENTS`: for a person,
/// the tasks handed to them and, for a unit head, the tasks their unit leads; for a unit, the
/// tasks it leads and the parts it was asked for and has not given.
pub fn deadlines(conn: &mut DbConn, owner: Owner) -> AppResult<Vec<Deadline>> {
    let mut out: Vec<Deadline> = Vec::new();
    let lead_unit = match owner {
        Owner::Person(u) => {
            let user: User = crate::models::user::get(conn, u)?;
            let rows: Vec<(TaskId, Option<NaiveDate>, Option<NaiveDate>, NaiveDateTime)> =
                task_assignees::table
                    .inner_join(tasks::table)
                    .filter(task_assignees::user_id.eq(u))
                    .filter(tasks::is_open.eq(true))
                    .select((
                        tasks::id,
                        task_assignees::due_on,
                        tasks::due_on,
                        tasks::updated_at,
                    ))
                    .limit(MAX_EVENTS)
                    .load(conn)?;
            out.extend(
                rows.into_iter()
                    .filter_map(|(task_id, own, due, updated_at)| {
                        Some(Deadline {
                            task_id,
                            why: Why::Assigned,
                            due: own.or(due)?,
                            updated_at,
                        })
                    }),
            );
            match user.role() {
                Role::UnitHead => user.unit_id,
                _ => None,
            }
        }
        Owner::Unit(u) => {
            let rows: Vec<(TaskId, Option<NaiveDate>, NaiveDateTime)> = task_coordinators::table
                .inner_join(tasks::table)
                .filter(task_coordinators::unit_id.eq(u))
                .filter(task_coordinators::done_at.is_null())
                .filter(task_coordinators::asked_due.is_not_null())
                .filter(tasks::is_open.eq(true))
                .select((tasks::id, task_coordinators::asked_due, tasks::updated_at))
                .limit(MAX_EVENTS)
                .load(conn)?;
            out.extend(rows.into_iter().filter_map(|(task_id, due, updated_at)| {
                Some(Deadline {
                    task_id,
                    why: Why::Part,
                    due: due?,
                    updated_at,
                })
            }));
            Some(u)
        }
    };
    if let Some(unit) = lead_unit {
        // Read by the lead unit's (lead_unit_id, status, due_on) index.
        let rows: Vec<(TaskId, Option<NaiveDate>, NaiveDateTime)> = tasks::table
            .filter(tasks::lead_unit_id.eq(unit))
            .filter(crate::db::word_in(tasks::status, &Status::OPEN))
            .filter(tasks::due_on.is_not_null())
            .order((tasks::due_on, tasks::id))
            .select((tasks::id, tasks::due_on, tasks::updated_at))
            .limit(MAX_EVENTS)
            .load(conn)?;
        // A task handed to the head is there once, by the date it was handed with.
        let mine: std::collections::HashSet<TaskId> = out.iter().map(|d| d.task_id).collect();
        out.extend(
            rows.into_iter()
                .filter(|(id, _, _)| !mine.contains(id))
                .filter_map(|(task_id, due, updated_at)| {
                    Some(Deadline {
                        task_id,
                        why: Why::Lead,
                        due: due?,
                        updated_at,
                    })
                }),
        );
    }
    out.sort_by_key(|d| (d.due, d.task_id));
    out.truncate(MAX_EVENTS as usize);
    Ok(out)
}
