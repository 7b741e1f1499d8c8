//! Extensions (gia hạn): the lead unit asks for more time, the secretariat or a leader decides.

use crate::db::{self, DbConn};
use crate::domain::mail::Kind as MailKind;
use crate::domain::permissions::{Act, Action};
use crate::error::{AppError, AppResult};
use crate::mail::notices;
use crate::models::attachment::Storage;
use crate::models::extension::{self, Decided, NewDecision, NewRequest};

use super::tasks::authorize;
use crate::domain::ids::TaskId;

/// Files the request and tells the secretariat; returns its id. A refusal (the task is closed,
/// a request is already pending) is `Refused` with the refusal's key, and keeps no file.
pub fn request(
    conn: &mut DbConn,
    storage: &Storage,
    act: Act,
    task_id: TaskId,
    asked: &NewRequest,
) -> AppResult<i64> {
    let (actor, at) = (&act.actor, act.at);
    let result = db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::RequestExtension)?;
        let id = extension::request(conn, storage, act, task_id, asked)?
            .map_err(|refusal| AppError::Refused(refusal.key().to_string()))?;
        notices::extension(conn, MailKind::ExtensionRequested, id, task_id, at)?;
        Ok(id)
    });
    super::keeping_files(storage, asked.files, result)
}

/// Approves or rejects a pending request; the lead unit is told.
pub fn decide(conn: &mut DbConn, act: Act, id: i64, decision: &NewDecision) -> AppResult<Decided> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        let task_id = extension::get(conn, id)?.task_id;
        authorize(conn, actor, task_id, Action::DecideExtension)?;
        let decided = extension::decide(conn, act, id, decision)?;
        if let Decided::Done { task_id } = decided {
            notices::extension(conn, MailKind::ExtensionDecided, id, task_id, at)?;
        }
        Ok(decided)
    })
}
