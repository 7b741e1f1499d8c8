//! Giải trình: a leader or the secretariat asks the lead unit to explain a task, the unit head
//! answers with files, the asker accepts or asks again; each step journalled and mailed.

use crate::db::{self, DbConn};
use crate::domain::dates::Moment;
use crate::domain::ids::TaskId;
use crate::domain::mail::Kind as MailKind;
use crate::domain::permissions::{Action, Actor};
use crate::error::{AppError, AppResult};
use crate::mail::notices;
use crate::models::attachment::Storage;
use crate::models::explanation::{self, Decided, NewAnswer, NewAsk, NewDecision};

use super::tasks::authorize;

fn refused(r: explanation::Refusal) -> AppError {
    AppError::Refused(r.key().to_string())
}

/// Asks the lead unit to explain the task; the unit is told. Returns the round's id.
pub fn ask(
    conn: &mut DbConn,
    actor: &Actor,
    task_id: TaskId,
    asked: &NewAsk,
    at: Moment,
) -> AppResult<i64> {
    db::write(conn, |conn| {
        authorize(conn, actor, task_id, Action::AskExplanation)?;
        let id = explanation::ask(conn, actor, task_id, asked, at)?.map_err(refused)?;
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
    actor: &Actor,
    id: i64,
    answer: &NewAnswer,
    at: Moment,
) -> AppResult<TaskId> {
    let result = db::write(conn, |conn| {
        let task_id = explanation::get(conn, id)?.task_id;
        authorize(conn, actor, task_id, Action::AnswerExplanation)?;
        let task_id =
            explanation::answer(conn, storage, actor, id, answer, at)?.map_err(refused)?;
        let e = explanation::get(conn, id)?;
        notices::explanation(conn, MailKind::ExplanationAnswered, &e, at)?;
        Ok(task_id)
    });
    super::keeping_files(storage, answer.files, result)
}

/// Accepts the answer (perhaps moving the due date) or asks again; the unit is told.
pub fn decide(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    decision: &NewDecision,
    at: Moment,
) -> AppResult<Decided> {
    db::write(conn, |conn| {
        let task_id = explanation::get(conn, id)?.task_id;
        authorize(conn, actor, task_id, Action::DecideExplanation)?;
        let decided = explanation::decide(conn, actor, id, decision, at)?;
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
