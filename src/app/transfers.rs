//! Trả lại and chuyển đơn vị chủ trì: the lead unit sends a task back as outside its remit; the
//! secretariat moves it to another lead unit or keeps it with the unit, saying why.

use crate::db::{self, DbConn};
use crate::domain::ids::TaskId;
use crate::domain::mail::Kind;
use crate::domain::permissions::{Act, Action};
use crate::error::{AppError, AppResult};
use crate::mail::notices;
use crate::models::task::{Edit, Outcome};
use crate::models::transfer::{self, Move};

use super::tasks::authorize;

fn refused(r: transfer::Refusal) -> AppError {
    AppError::Refused(r.key().to_string())
}

/// The lead unit's head sends the task back with a reason; the secretariat is told.
pub fn send_back(conn: &mut DbConn, act: Act, task_id: TaskId, reason: &str) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::SendBack)?;
        transfer::send_back(conn, act, task_id, reason)?.map_err(refused)?;
        let subject = format!("b{}", at.now.and_utc().timestamp());
        notices::to_secretariat(conn, Kind::SentBack, task_id, &subject, reason.trim(), at)?;
        Ok(())
    })
}

/// The secretariat keeps a sent-back task with its unit; the unit is told why.
pub fn keep(conn: &mut DbConn, act: Act, task_id: TaskId, note: &str) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::TransferTask)?;
        let unit = transfer::keep(conn, act, task_id, note)?.map_err(refused)?;
        let subject = format!("kept{}", at.now.and_utc().timestamp());
        notices::to_unit(
            conn,
            Kind::KeptWithUnit,
            unit,
            task_id,
            &subject,
            note.trim(),
            at,
        )?;
        Ok(())
    })
}

/// The secretariat moves the task to another lead unit; the new unit gets the assignment.
pub fn transfer(conn: &mut DbConn, edit: Edit, m: &Move) -> AppResult<Outcome> {
    db::write(conn, |conn| {
        authorize(conn, edit.actor, edit.task_id, Action::TransferTask)?;
        let outcome = transfer::transfer(conn, edit, m)?.map_err(refused)?;
        if let Outcome::Done(_) = outcome {
            let subject = format!("t{}v{}", edit.task_id, edit.version + 1);
            let note = m.reason.trim();
            notices::to_unit(
                conn,
                Kind::Transferred,
                m.to,
                edit.task_id,
                &subject,
                note,
                edit.at,
            )?;
        }
        Ok(outcome.map(|_| ()))
    })
}
