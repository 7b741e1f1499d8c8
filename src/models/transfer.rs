//! Who leads a task, over time: a unit sending it back as outside its remit (trả lại), the
//! secretariat moving it to another lead unit (chuyển đơn vị chủ trì) or keeping it where it was.
//! The journal says the same in words; this table is the chain the API and reports read.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{task_assignees, task_coordinators, task_transfers, tasks, users};
use crate::db::DbConn;
use crate::domain::ids::{TaskId, UnitId, UserId};
use crate::domain::permissions::Act;
use crate::domain::status::Status;
use crate::error::AppResult;
use crate::models::task::{self, Edit, Outcome};
use crate::models::{journal, unit};

pub use crate::domain::transfer::Kind;

/// One link of the chain, with the units' and the person's names.
#[derive(Debug, Clone, Serialize)]
pub struct Transfer {
    pub id: i64,
    pub kind: Kind,
    pub from_unit_id: UnitId,
    pub from_unit: String,
    pub to_unit_id: Option<UnitId>,
    pub to_unit: Option<String>,
    pub reason: String,
    pub by: Option<String>,
    pub at: NaiveDateTime,
    /// For a return: when the secretariat decided it.
    pub decided_at: Option<NaiveDateTime>,
}

impl Transfer {
    /// A return still waiting for the secretariat.
    pub fn waiting(&self) -> bool {
        self.kind == Kind::Returned && self.decided_at.is_none()
    }
}

/// Why a return or a transfer is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The task is no longer with the units.
    Closed,
    /// A return is already waiting (sending back), or none is (keeping).
    Waiting,
    /// The new lead unit is the current one, or not an active unit.
    BadUnit,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Refusal::Closed => "transfer_closed",
            Refusal::Waiting => "transfer_waiting",
            Refusal::BadUnit => "transfer_unit",
        }
    }
}

/// The task's chain, oldest first.
pub fn for_task(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<Transfer>> {
    type Row = (
        i64,
        Kind,
        UnitId,
        Option<UnitId>,
        String,
        Option<String>,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = crate::db::load!(
        conn,
        task_transfers::table
            .left_join(users::table.on(users::id.nullable().eq(task_transfers::user_id)))
            .filter(task_transfers::task_id.eq(task_id))
            .order(task_transfers::id)
            .select((
                task_transfers::id,
                task_transfers::kind,
                task_transfers::from_unit_id,
                task_transfers::to_unit_id,
                task_transfers::reason,
                users::name.nullable(),
                task_transfers::at,
                task_transfers::decided_at,
            )),
    )?;
    let ids: Vec<UnitId> = rows
        .iter()
        .flat_map(|r| std::iter::once(r.2).chain(r.3))
        .collect();
    let names = unit::names_by_id(conn, &ids)?;
    let name = |u: UnitId| names.get(&u).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(
            |(id, kind, from, to, reason, by, at, decided_at)| Transfer {
                id,
                kind,
                from_unit_id: from,
                from_unit: name(from),
                to_unit_id: to,
                to_unit: to.map(name),
                reason,
                by,
                at,
                decided_at,
            },
        )
        .collect())
}

/// The return waiting for the secretariat, if any.
pub fn waiting(conn: &mut DbConn, task_id: TaskId) -> AppResult<Option<Transfer>> {
    Ok(for_task(conn, task_id)?.into_iter().find(Transfer::waiting))
}

/// The tasks sent back and waiting for the secretariat, oldest first, at most `limit`.
pub fn all_waiting(conn: &mut DbConn, limit: i64) -> AppResult<Vec<TaskId>> {
    Ok(task_transfers::table
        .filter(task_transfers::kind.eq(Kind::Returned))
        .filter(task_transfers::decided_at.is_null())
        .order(task_transfers::id)
        .select(task_transfers::task_id)
        .limit(limit)
        .load(conn)?)
}

fn insert(
    conn: &mut DbConn,
    task_id: TaskId,
    kind: Kind,
    (from, to): (UnitId, Option<UnitId>),
    reason: &str,
    by: UserId,
    at: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(task_transfers::table)
        .values((
            task_transfers::task_id.eq(task_id),
            task_transfers::kind.eq(kind),
            task_transfers::from_unit_id.eq(from),
            task_transfers::to_unit_id.eq(to),
            task_transfers::reason.eq(reason.trim()),
            task_transfers::user_id.eq(by),
            task_transfers::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closes the waiting return, if any.
fn decide_waiting(conn: &mut DbConn, task_id: TaskId, at: NaiveDateTime) -> AppResult<usize> {
    Ok(diesel::update(
        task_transfers::table
            .filter(task_transfers::task_id.eq(task_id))
            .filter(task_transfers::kind.eq(Kind::Returned))
            .filter(task_transfers::decided_at.is_null()),
    )
    .set(task_transfers::decided_at.eq(at))
    .execute(conn)?)
}

/// The lead unit sends the task back with a reason. The caller holds the transaction and
/// checked the permission.
pub fn send_back(
    conn: &mut DbConn,
    act: Act,
    task_id: TaskId,
    reason: &str,
) -> AppResult<Result<(), Refusal>> {
    let (actor, at) = (&act.actor, act.at);
    let (lead, status): (UnitId, Status) = tasks::table
        .find(task_id)
        .select((tasks::lead_unit_id, tasks::status))
        .first(conn)?;
    if !status.is_working() {
        return Ok(Err(Refusal::Closed));
    }
    if waiting(conn, task_id)?.is_some() {
        return Ok(Err(Refusal::Waiting));
    }
    insert(
        conn,
        task_id,
        Kind::Returned,
        (lead, None),
        reason,
        actor.user_id,
        at.now,
    )?;
    let change = journal::Change::noted(journal::Kind::SentBack, reason.trim());
    journal::write(conn, task_id, actor.user_id, at.now, change)?;
    Ok(Ok(()))
}

/// The secretariat keeps a sent-back task with its unit, with a note.
pub fn keep(
    conn: &mut DbConn,
    act: Act,
    task_id: TaskId,
    note: &str,
) -> AppResult<Result<UnitId, Refusal>> {
    let (actor, at) = (&act.actor, act.at);
    let Some(w) = waiting(conn, task_id)? else {
        return Ok(Err(Refusal::Waiting));
    };
    decide_waiting(conn, task_id, at.now)?;
    insert(
        conn,
        task_id,
        Kind::Kept,
        (w.from_unit_id, None),
        note,
        actor.user_id,
        at.now,
    )?;
    let change = journal::Change::noted(journal::Kind::KeptWithUnit, note.trim());
    journal::write(conn, task_id, actor.user_id, at.now, change)?;
    Ok(Ok(w.from_unit_id))
}

/// What a transfer asks: the new lead unit, the reason, and whether the old unit stays on as a
/// coordinating unit (and so keeps seeing the task).
pub struct Move<'a> {
    pub to: UnitId,
    pub reason: &'a str,
    pub old_coordinates: bool,
}

/// Moves the task to another lead unit, at the version the secretariat saw: the new unit stops
/// coordinating it, the old one's people stop being assigned, a waiting return is decided.
/// Returns the old lead unit. The caller holds the transaction and checked the permission.
pub fn transfer(
    conn: &mut DbConn,
    edit: Edit,
    m: &Move,
) -> AppResult<Result<Outcome<UnitId>, Refusal>> {
    let current = task::get(conn, edit.task_id)?;
    let to = unit::get(conn, m.to)?;
    if to.id == current.lead_unit_id || !to.active || to.merged_into_id.is_some() {
        return Ok(Err(Refusal::BadUnit));
    }
    if !current.status().is_working() {
        return Ok(Err(Refusal::Closed));
    }
    // A recurring item's period has one task per lead unit: the new unit may have its own.
    if let Some(start) = current.period_start {
        let theirs: i64 = tasks::table
            .filter(tasks::item_id.eq(current.item_id))
            .filter(tasks::lead_unit_id.eq(to.id))
            .filter(tasks::period_start.eq(start))
            .count()
            .get_result(conn)?;
        if theirs > 0 {
            return Ok(Err(Refusal::BadUnit));
        }
    }
    let outcome = task::change_lead(conn, edit, to.id)?;
    let Outcome::Done(from) = outcome else {
        return Ok(Ok(outcome));
    };
    let task_id = edit.task_id;
    let of_task = task_coordinators::task_id.eq(task_id);
    diesel::delete(
        task_coordinators::table
            .filter(of_task)
            .filter(task_coordinators::unit_id.eq(to.id)),
    )
    .execute(conn)?;
    if m.old_coordinates {
        diesel::insert_into(task_coordinators::table)
            .values((of_task, task_coordinators::unit_id.eq(from)))
            .execute(conn)?;
    }
    diesel::delete(task_assignees::table.filter(task_assignees::task_id.eq(task_id)))
        .execute(conn)?;
    task::sync_units(conn, task_id)?;
    decide_waiting(conn, task_id, edit.at.now)?;
    insert(
        conn,
        task_id,
        Kind::Transferred,
        (from, Some(to.id)),
        m.reason,
        edit.actor.user_id,
        edit.at.now,
    )?;
    let from_name = unit::get(conn, from)?.name;
    let change = journal::Change {
        kind: journal::Kind::Transferred,
        from: Some(&from_name),
        to: Some(&to.name),
        note: m.reason.trim(),
    };
    journal::write(conn, task_id, edit.actor.user_id, edit.at.now, change)?;
    task::refresh_search_text(conn, task_id)?;
    Ok(Ok(Outcome::Done(from)))
}
