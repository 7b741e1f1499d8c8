//! In-app notifications: the messages a person was sent (or is about to be), newest first;
//! those since they last opened the list are unread. The outbox is the record, so a
//! notification says what the mail said, in the person's language, with its subject once sent.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{outbox, users};
use crate::db::DbConn;
use crate::domain::ids::{DirectiveId, TaskId, UserId};
use crate::domain::mail::Kind;
use crate::error::AppResult;

/// How many notifications the list shows.
pub const SHOWN: i64 = 100;

/// The most the menu counts: beyond it, "99+".
pub const CAP: i64 = 100;

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Notification {
    pub id: i64,
    pub kind: Kind,
    pub task_id: Option<TaskId>,
    pub directive_id: Option<DirectiveId>,
    pub subject: String,
    pub created_at: NaiveDateTime,
}

/// When the person last opened the list.
fn seen_at(conn: &mut DbConn, user: UserId) -> AppResult<Option<NaiveDateTime>> {
    Ok(users::table
        .find(user)
        .select(users::notifications_seen_at)
        .first(conn)
        .optional()?
        .flatten())
}

/// The newest notifications and when the list was last opened (those after it are unread).
pub fn list(
    conn: &mut DbConn,
    user: UserId,
) -> AppResult<(Vec<Notification>, Option<NaiveDateTime>)> {
    let rows = outbox::table
        .filter(outbox::user_id.eq(user))
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .select((
            outbox::id,
            outbox::kind,
            outbox::task_id,
            outbox::directive_id,
            outbox::subject,
            outbox::created_at,
        ))
        .limit(SHOWN)
        .load(conn)?;
    Ok((rows, seen_at(conn, user)?))
}

/// How many arrived since the list was last opened, up to `CAP`.
pub fn unread(conn: &mut DbConn, user: UserId) -> AppResult<i64> {
    let mut q = outbox::table.filter(outbox::user_id.eq(user)).into_boxed();
    if let Some(seen) = seen_at(conn, user)? {
        q = q.filter(outbox::created_at.gt(seen));
    }
    Ok(q.select(outbox::id).limit(CAP).load::<i64>(conn)?.len() as i64)
}

/// The list was opened: everything up to now is read.
pub fn mark_seen(conn: &mut DbConn, user: UserId, at: NaiveDateTime) -> AppResult<()> {
    diesel::update(users::table.find(user))
        .set(users::notifications_seen_at.eq(at))
        .execute(conn)?;
    Ok(())
}
