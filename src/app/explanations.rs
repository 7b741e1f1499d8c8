//! Giải trình: a leader or the secretariat asks the lead unit to explain a task, the unit head
//! answers with files, the asker accepts or asks again; each step journalled and mailed.

use crate::db::{self, DbConn};
use crate::domain::ids::TaskId;
use crate::domain::mail::Kind as MailKind;
use crate::domain::permissions::{Act, Action};
use crate::error::{AppError, AppResult};
use crate::mail::notices;
use crate::models::attachment::Storage;
use crate::models::explanation::{self, Decided, NewAnswer, NewAsk, NewDecision};

use super::tasks::authorize;

fn refused(r: explanation::Refusal) -> AppError {
    AppError::Refused(r.key().to_string())
}

/// Asks the lead unit to explain the task; the unit is told. Returns the round's id.
pub fn ask(conn: &mut DbConn, act: Act, task_id: TaskId, asked: &NewAsk) -> AppResult<i64> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::AskExplanation)?;
        let id = explanation::ask(conn, act, task_id, asked)?.map_err(refused)?;
        let e = explanation::get(conn, id)?;
        notices::explanation(conn, MailKind::ExplanationAsked, &e, at)?;
        Ok(id)
    })
}

/// The unit's answer, with its files; the asker is told. A round answered meanwhile is refused
/// as `explanation_moved` and keeps no file.
pub fn answer(
    conn: &mut DbConn,
    storage: &Storage,
    act: Act,
    id: i64,
    answer: &NewAnswer,
) -> AppResult<TaskId> {
    let (actor, at) = (&act.actor, act.at);
    let result = db::write(conn, |conn| {
        let task_id = explanation::get(conn, id)?.task_id;
        authorize(conn, actor, task_id, Action::AnswerExplanation)?;
        let task_id = explanation::answer(conn, storage, act, id, answer)?.map_err(refused)?;
        let e = explanation::get(conn, id)?;
        notices::explanation(conn, MailKind::ExplanationAnswered, &e, at)?;
        Ok(task_id)
    });
    super::keeping_files(storage, answer.files, result)
}

/// Accepts the answer (perhaps moving the due date) or asks again; the unit is told.
pub fn decide(conn: &mut DbConn, act: Act, id: i64, decision: &NewDecision) -> AppResult<Decided> {
    let (actor, at) = (&act.actor, act.at);
    db::write(conn, |conn| {
        let task_id = explanation::get(conn, id)?.task_id;
        authorize(conn, actor, task_id, Action::DecideExplanation)?;
        let decided = explanation::decide(conn, act, id, decision)?;
        if let Decided::Done { next, .. } = &decided {
            let (kind, round) = match next {
                Some(next) => (MailKind::ExplanationAsked, *next),
                None => (MailKind::ExplanationAccepted, id),
            };
            let e = explanation::get(conn, round)?;
            notices::explanation(conn, kind, &e, at)?;
        }
        Ok(decided)
    })
}
