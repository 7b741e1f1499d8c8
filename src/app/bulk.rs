//! One step over many tasks picked on a list: chase them, give them another due date, or cancel
//! them with one reason. All or nothing: if any task changed since the list was shown (or no
//! longer allows the step), nothing is done and the caller is told which.

use chrono::NaiveDate;

use crate::db::{self, DbConn};
use crate::domain::ids::TaskId;
use crate::domain::permissions::{Act, Action, Target, TaskScope};
use crate::domain::status::{Move, Status};
use crate::error::{AppError, AppResult};
use crate::mail::notices;
use crate::models::bulk::{self, Write};
use crate::models::chase;
use crate::models::task;

/// The most tasks one step takes.
pub const MAX_TASKS: usize = 2_000;

/// What is done to every picked task.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    Chase {
        note: &'a str,
    },
    /// Another due date (None takes it away), with the reason.
    Due {
        due: Option<NaiveDate>,
        reason: &'a str,
    },
    Cancel {
        reason: &'a str,
    },
}

impl Change<'_> {
    /// The permission for the whole step, then for each task.
    fn actions(&self) -> (Action, Action) {
        match self {
            Change::Chase { .. } => (Action::ChaseMany, Action::Chase),
            Change::Due { .. } => (Action::BulkChange, Action::EditTask),
            Change::Cancel { .. } => (Action::BulkChange, Action::CancelTask),
        }
    }

    /// Whether the step applies to a task in this status.
    fn applies(&self, s: Status) -> bool {
        match self {
            Change::Chase { .. } => s.is_working(),
            Change::Due { .. } => s.is_open(),
            Change::Cancel { .. } => Move::Cancel.apply(s).is_some(),
        }
    }
}

/// A picked task that stopped the step: gone, changed since it was shown, or in a status the
/// step does not apply to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub id: TaskId,
    /// Its status now, if it still exists.
    pub now: Option<Status>,
}

/// How a step ended: how many tasks it changed (a chase skips those chased today already),
/// or the tasks that stopped it.
pub type Done = Result<usize, Vec<Stale>>;

fn ids(picks: &[(TaskId, i32)]) -> Vec<TaskId> {
    picks.iter().map(|p| p.0).collect()
}

/// The picked tasks (id and the version shown) that no longer fit the step.
pub fn stale(conn: &mut DbConn, picks: &[(TaskId, i32)], change: &Change) -> AppResult<Vec<Stale>> {
    let now = task::versions(conn, &ids(picks))?;
    Ok(picks
        .iter()
        .filter_map(|(id, version)| match now.get(id) {
            Some((v, s)) if v == version && change.applies(*s) => None,
            found => Some(Stale {
                id: *id,
                now: found.map(|f| f.1),
            }),
        })
        .collect())
}

/// Applies `change` to every picked task in one transaction, each task's journal recording it.
/// Nothing is written when any task is stale; a change made by someone else while the step
/// runs rolls the whole step back (`Conflict`), and the caller may ask `stale` again.
pub fn apply(
    conn: &mut DbConn,
    act: Act,
    picks: &[(TaskId, i32)],
    change: Change,
) -> AppResult<Done> {
    let (actor, at) = (&act.actor, act.at);
    let (whole, each) = change.actions();
    super::allow(actor, whole, Target::System)?;
    let mut picks = picks.to_vec();
    picks.sort_unstable();
    picks.dedup_by_key(|p| p.0);
    picks.truncate(MAX_TASKS);
    db::write(conn, |conn| {
        let stopped = stale(conn, &picks, &change)?;
        if !stopped.is_empty() {
            return Ok(Err(stopped));
        }
        // Every task's permission from two queries, not two per task.
        let scopes = task::scopes(conn, &ids(&picks))?;
        for (lead, coordinators) in scopes.values() {
            let scope = TaskScope {
                lead_unit_id: *lead,
                coordinating_unit_ids: coordinators,
            };
            super::allow(actor, each, Target::Task(scope))?;
        }
        let written = match change {
            // Those chased today already are left as they are: once a day is the rule.
            Change::Chase { note } => {
                let made = chase::record_many(conn, &ids(&picks), actor.user_id, note, at)?;
                let with_units: Vec<_> = made
                    .into_iter()
                    .map(|(t, c)| (t, scopes[&t].0, c))
                    .collect();
                notices::chased(conn, &with_units, note, at)?;
                return Ok(Ok(with_units.len()));
            }
            Change::Due { due, reason } => bulk::write(conn, act, &picks, Write::Due(due), reason)?,
            Change::Cancel { reason } => bulk::write(conn, act, &picks, Write::Cancel, reason)?,
        };
        if !written {
            return Err(AppError::Conflict("bulk".into()));
        }
        Ok(Ok(picks.len()))
    })
}
