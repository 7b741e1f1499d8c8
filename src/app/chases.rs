//! Đôn đốc: the secretariat or a leader chases the lead unit of a task being worked on.

use std::collections::HashSet;

use crate::db::{self, DbConn};
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::permissions::{Act, Action, Target};
use crate::error::{AppError, AppResult};
use crate::mail::notices;
use crate::models::chase::{self, Chased, Refusal};

use super::tasks::authorize;

/// Chases one task: the chase, its journal entry and the mail to the lead unit, together or not
/// at all. A refusal (not being worked on, chased today) is `Refused` with its key.
pub fn chase(conn: &mut DbConn, act: Act, task_id: TaskId, note: &str) -> AppResult<Chased> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        let lead = authorize(conn, actor, task_id, Action::Chase)?
            .task
            .lead_unit_id;
        let chased = chase::record(conn, task_id, actor.user_id, note, at)?
            .map_err(|refusal| AppError::Refused(refusal.key().to_string()))?;
        notices::chased(conn, &[(task_id, lead, chased)], note, at)?;
        Ok(chased)
    })
}

/// What one press over many tasks did: how many were chased, and how many not and why.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    pub chased: usize,
    /// Chased already today.
    pub today: usize,
    /// Done, cancelled, or reported and awaiting confirmation.
    pub not_working: usize,
    /// Not a task the person may chase (or no such task).
    pub unseen: usize,
}

/// The most tasks one press chases; a unit's whole overdue list fits.
pub const MAX_BATCH: usize = 500;

/// Chases each of the tasks (each with its own mail and journal entry, each on its own: one
/// refused does not hold back the others), once each, at most `MAX_BATCH`.
pub fn chase_many(conn: &mut DbConn, act: Act, ids: &[TaskId], note: &str) -> AppResult<Batch> {
    let actor = &act.actor;
    super::allow(actor, Action::ChaseMany, Target::System)?;
    let mut out = Batch::default();
    let mut seen = HashSet::new();
    for id in ids.iter().filter(|id| seen.insert(**id)).take(MAX_BATCH) {
        match chase(conn, act, *id, note) {
            Ok(_) => out.chased += 1,
            Err(AppError::Refused(key)) if key == Refusal::NotWorking.key() => out.not_working += 1,
            Err(AppError::Refused(_) | AppError::Conflict(_)) => out.today += 1,
            Err(AppError::NotFound | AppError::Forbidden) => out.unseen += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Chases every overdue task the unit leads that is being worked on, most overdue first.
pub fn chase_overdue_of_unit(
    conn: &mut DbConn,
    act: Act,
    unit: UnitId,
    note: &str,
) -> AppResult<Batch> {
    let (actor, at) = (&act.actor, act.at);
    super::allow(actor, Action::ChaseMany, Target::System)?;
    let ids = chase::overdue_of_unit(conn, unit, at.today, MAX_BATCH as i64)?;
    chase_many(conn, act, &ids, note)
}
