//! Đôn đốc: the secretariat or a leader chases the lead unit of a task being worked on.

use crate::db::{self, DbConn};
use crate::domain::dates::Moment;
use crate::domain::ids::TaskId;
use crate::domain::permissions::{Action, Actor};
use crate::error::{AppError, AppResult};
use crate::mail::{notices, payload};
use crate::models::chase::{self, Chased};

use super::tasks::authorize;

/// Chases one task: the chase, its journal entry and the mail to the lead unit, together or not
/// at all. A refusal (not being worked on, chased today) is `Refused` with its key.
pub fn chase(
    conn: &mut DbConn,
    actor: &Actor,
    task_id: TaskId,
    note: &str,
    at: Moment,
) -> AppResult<Chased> {
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::Chase)?;
        let chased = chase::record(conn, task_id, actor.user_id, note, at)?
            .map_err(|refusal| AppError::Refused(refusal.key().to_string()))?;
        let mail = payload::Chased {
            count: chased.count,
            note: note.trim().to_string(),
        };
        notices::chased(conn, task_id, chased.id, &mail, at)?;
        Ok(chased)
    })
}
