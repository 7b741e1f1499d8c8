//! Giải trình: a leader or the secretariat asks a task's lead unit to explain it by a date; the
//! unit head answers; the asker accepts (perhaps moving the due date, recorded as an
//! extension) or asks again. Each round is one row; asking again closes the round and opens the
//! next, so the whole exchange stays on the record. One round is open per task at a time (a
//! partial unique index).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{explanations, units, users};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::dates::Moment;
use crate::domain::ids::{TaskId, UnitId, UserId};
use crate::domain::permissions::Act;
use crate::domain::status::{ReportKind, Status};
use crate::error::{AppError, AppResult};
use crate::models::attachment::{Storage, Upload};
use crate::models::journal;
use crate::models::task::{self, Edit, NewReport, Outcome};

pub use crate::domain::explanation::State;

impl State {
    /// The rounds still open: one per task at most.
    pub const OPEN: [State; 2] = [State::Asked, State::Answered];
}

/// One round as the task page, the mail and the API show it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = explanations)]
pub struct Explanation {
    pub id: i64,
    pub task_id: TaskId,
    pub unit_id: UnitId,
    pub asked_by: Option<UserId>,
    pub asked_at: NaiveDateTime,
    pub reply_by: NaiveDate,
    pub question: String,
    pub state: State,
    pub answered_by: Option<UserId>,
    pub answered_at: Option<NaiveDateTime>,
    pub report_id: Option<i64>,
    pub reason: String,
    pub actions: String,
    pub proposed_due: Option<NaiveDate>,
    pub difficulties: String,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: String,
    pub new_due: Option<NaiveDate>,
}

impl Explanation {
    /// Unanswered past its reply-by date: itself overdue.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.state == State::Asked && self.reply_by < today
    }
}

/// Why a step is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Asked about a task that is not being worked on (reported, done, cancelled).
    NotWorking,
    /// A round is already open on the task.
    AlreadyOpen,
    /// The round is no longer at the step asked for: someone answered or decided first.
    Moved,
}

impl Refusal {
    /// A stable name for the refusal, carried through the application's error.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::NotWorking => "explanation_not_working",
            Refusal::AlreadyOpen => "explanation_open",
            Refusal::Moved => "explanation_moved",
        }
    }
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<Explanation> {
    explanations::table
        .find(id)
        .select(Explanation::as_select())
        .first(conn)
        .found()
}

/// A task's rounds, oldest first.
pub fn for_task(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<Explanation>> {
    Ok(crate::db::load!(
        conn,
        explanations::table
            .filter(explanations::task_id.eq(task_id))
            .order(explanations::id)
            .select(Explanation::as_select()),
    )?)
}

/// Whether the task has a round open now.
fn open_on(conn: &mut DbConn, task_id: TaskId) -> AppResult<bool> {
    let n: i64 = explanations::table
        .filter(explanations::task_id.eq(task_id))
        .filter(crate::db::word_in(explanations::state, &State::OPEN))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A unique index caught a second open round written at the same moment.
fn duplicate<T>(r: Result<T, diesel::result::Error>) -> AppResult<Result<T, Refusal>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(Err(Refusal::AlreadyOpen)),
        Err(e) => Err(e.into()),
    }
}

/// What the asker sends: the question and the date to answer by.
pub struct NewAsk<'a> {
    pub question: &'a str,
    pub reply_by: NaiveDate,
}

/// Opens a round on the task. The caller holds the transaction and has checked the permission.
pub fn ask(
    conn: &mut DbConn,
    act: Act,
    task_id: TaskId,
    asked: &NewAsk,
) -> AppResult<Result<i64, Refusal>> {
    let (actor, at) = (&act.actor, act.at);
    let t = task::get(conn, task_id)?;
    if !Status::WORKING.contains(&t.status()) {
        return Ok(Err(Refusal::NotWorking));
    }
    if open_on(conn, task_id)? {
        return Ok(Err(Refusal::AlreadyOpen));
    }
    let id = match open_round(conn, actor.user_id, &t, asked, at)? {
        Ok(id) => id,
        Err(r) => return Ok(Err(r)),
    };
    journal_entry(
        conn,
        task_id,
        actor.user_id,
        at,
        journal::Kind::ExplanationAsked,
        Some(asked.reply_by),
        asked.question,
    )?;
    Ok(Ok(id))
}

fn open_round(
    conn: &mut DbConn,
    by: UserId,
    t: &task::Task,
    asked: &NewAsk,
    at: Moment,
) -> AppResult<Result<i64, Refusal>> {
    duplicate(
        diesel::insert_into(explanations::table)
            .values((
                explanations::task_id.eq(t.id),
                explanations::unit_id.eq(t.lead_unit_id),
                explanations::asked_by.eq(by),
                explanations::asked_at.eq(at.now),
                explanations::reply_by.eq(asked.reply_by),
                explanations::question.eq(asked.question.trim()),
                explanations::state.eq(State::Asked),
            ))
            .returning(explanations::id)
            .get_result::<i64>(conn),
    )
}

fn journal_entry(
    conn: &mut DbConn,
    task_id: TaskId,
    by: UserId,
    at: Moment,
    kind: journal::Kind,
    day: Option<NaiveDate>,
    note: &str,
) -> AppResult<()> {
    let day = day.map(|d| d.to_string());
    let change = journal::Change {
        kind,
        from: None,
        to: day.as_deref(),
        note: note.trim(),
    };
    journal::write(conn, task_id, by, at.now, change)
}

/// The unit's answer: why it is late, what is being done, when it will be done, what holds it
/// back and what it recommends, with files.
pub struct NewAnswer<'a> {
    pub reason: &'a str,
    pub actions: &'a str,
    pub proposed_due: Option<NaiveDate>,
    pub difficulties: &'a str,
    pub files: &'a [Upload],
}

impl NewAnswer<'_> {
    /// The answer as one text, for the task's reports and the journal.
    fn as_report(&self, lang: crate::i18n::Lang) -> String {
        let t = |k| crate::i18n::t(lang, k);
        let mut parts = vec![format!(
            "{}: {}",
            t("explanation.reason"),
            self.reason.trim()
        )];
        if !self.actions.trim().is_empty() {
            parts.push(format!(
                "{}: {}",
                t("explanation.actions"),
                self.actions.trim()
            ));
        }
        if let Some(d) = self.proposed_due {
            parts.push(format!(
                "{}: {}",
                t("explanation.proposed_due"),
                crate::domain::dates::format_date(d)
            ));
        }
        if !self.difficulties.trim().is_empty() {
            parts.push(format!(
                "{}: {}",
                t("explanation.difficulties"),
                self.difficulties.trim()
            ));
        }
        parts.join("\n")
    }
}

/// Answers an open round; `Moved` when it was answered or decided first. The caller holds the
/// transaction and has checked the permission.
pub fn answer(
    conn: &mut DbConn,
    storage: &Storage,
    act: Act,
    id: i64,
    a: &NewAnswer,
) -> AppResult<Result<TaskId, Refusal>> {
    let (actor, at) = (&act.actor, act.at);
    let e = get(conn, id)?;
    if e.state != State::Asked {
        return Ok(Err(Refusal::Moved));
    }
    let text = a.as_report(crate::i18n::Lang::Vi);
    let report = NewReport {
        kind: ReportKind::Explanation,
        text: &text,
        percent: None,
        files: a.files,
    };
    let report_id = task::insert_report(conn, storage, actor, e.task_id, &report, at.now)?;
    let n = diesel::update(
        explanations::table
            .filter(explanations::id.eq(id))
            .filter(explanations::state.eq(State::Asked)),
    )
    .set((
        explanations::state.eq(State::Answered),
        explanations::answered_by.eq(actor.user_id),
        explanations::answered_at.eq(at.now),
        explanations::report_id.eq(report_id),
        explanations::reason.eq(a.reason.trim()),
        explanations::actions.eq(a.actions.trim()),
        explanations::proposed_due.eq(a.proposed_due),
        explanations::difficulties.eq(a.difficulties.trim()),
    ))
    .execute(conn)?;
    if n == 0 {
        // Answered by someone else between the read and the write: this transaction, report
        // and files included, is rolled back by the caller.
        return Err(AppError::Conflict("explanation answered meanwhile".into()));
    }
    journal_entry(
        conn,
        e.task_id,
        actor.user_id,
        at,
        journal::Kind::ExplanationAnswered,
        a.proposed_due,
        a.reason,
    )?;
    Ok(Ok(e.task_id))
}

/// The asker's decision on an answered round.
pub struct NewDecision<'a> {
    /// True: accept; false: ask again with `note` as the new question.
    pub accept: bool,
    /// On acceptance, whether the proposed date becomes the task's due date.
    pub move_due: bool,
    /// The task's version as the decider saw it (for moving the due date).
    pub task_version: i32,
    pub note: &'a str,
    /// When asking again: the date to answer by.
    pub reply_by: NaiveDate,
}

/// How a decision ended.
#[derive(Debug)]
pub enum Decided {
    /// Decided; the task it was about and, when asked again, the new round's id.
    Done { task_id: TaskId, next: Option<i64> },
    /// Not waiting for a decision any more (decided by someone else, or not answered yet).
    Moved,
    /// The task changed since the decider loaded it (only when moving the due date).
    Task(Outcome),
}

/// Accepts (perhaps moving the due date, recorded as an approved extension) or asks again.
/// The caller holds the transaction and has checked the permission.
pub fn decide(conn: &mut DbConn, act: Act, id: i64, d: &NewDecision) -> AppResult<Decided> {
    let (actor, at) = (&act.actor, act.at);
    let e = get(conn, id)?;
    if e.state != State::Answered {
        return Ok(Decided::Moved);
    }
    let new_due = e.proposed_due.filter(|_| d.accept && d.move_due);
    if let Some(due) = new_due {
        let previous = task::get(conn, e.task_id)?.due_on;
        let edit = Edit::of(&act, e.task_id, d.task_version);
        match task::change_due_date(conn, edit, Some(due), d.note)? {
            Outcome::Done(()) => {}
            other => return Ok(Decided::Task(other)),
        }
        // The move is an extension granted on the unit's proposal: counted and listed as one.
        let asked = crate::models::extension::Asked {
            task_id: e.task_id,
            unit_id: Some(e.unit_id),
            requested_by: e.answered_by,
            report_id: e.report_id,
            previous_due: previous,
            due,
            reason: &e.reason,
            asked_at: e.answered_at.unwrap_or(at.now),
        };
        crate::models::extension::record_granted(conn, act, &asked, d.note)?;
    }
    let state = if d.accept {
        State::Accepted
    } else {
        State::AskedAgain
    };
    let n = diesel::update(
        explanations::table
            .filter(explanations::id.eq(id))
            .filter(explanations::state.eq(State::Answered)),
    )
    .set((
        explanations::state.eq(state),
        explanations::decided_by.eq(actor.user_id),
        explanations::decided_at.eq(at.now),
        explanations::decision_note.eq(d.note.trim()),
        explanations::new_due.eq(new_due),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(AppError::Conflict("explanation decided meanwhile".into()));
    }
    let next = if d.accept {
        journal_entry(
            conn,
            e.task_id,
            actor.user_id,
            at,
            journal::Kind::ExplanationAccepted,
            new_due,
            d.note,
        )?;
        None
    } else {
        journal_entry(
            conn,
            e.task_id,
            actor.user_id,
            at,
            journal::Kind::ExplanationAskedAgain,
            Some(d.reply_by),
            d.note,
        )?;
        let t = task::get(conn, e.task_id)?;
        let again = NewAsk {
            question: d.note,
            reply_by: d.reply_by,
        };
        match open_round(conn, actor.user_id, &t, &again, at)? {
            Ok(id) => Some(id),
            Err(_) => return Err(AppError::Conflict("explanation reopened meanwhile".into())),
        }
    };
    Ok(Decided::Done {
        task_id: e.task_id,
        next,
    })
}

/// A round waiting past its date, with what a unit's page lists beside it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct OverdueRow {
    pub id: i64,
    pub task_id: TaskId,
    pub reply_by: NaiveDate,
    pub question: String,
    pub unit_name: String,
}

/// The rounds a unit has not answered by their date, oldest date first (one unit, or all).
pub fn overdue(
    conn: &mut DbConn,
    unit: Option<UnitId>,
    today: NaiveDate,
    limit: i64,
) -> AppResult<Vec<OverdueRow>> {
    let mut q = explanations::table
        .inner_join(units::table)
        .filter(explanations::state.eq(State::Asked))
        .filter(explanations::reply_by.lt(today))
        .into_boxed();
    if let Some(u) = unit {
        q = q.filter(explanations::unit_id.eq(u));
    }
    Ok(q.order((explanations::reply_by, explanations::id))
        .select((
            explanations::id,
            explanations::task_id,
            explanations::reply_by,
            explanations::question,
            units::name,
        ))
        .limit(limit)
        .load(conn)?)
}

/// The names of the people in the rounds (askers, answerers, deciders), by id.
pub fn people(
    conn: &mut DbConn,
    rounds: &[Explanation],
) -> AppResult<std::collections::HashMap<UserId, String>> {
    let ids: Vec<UserId> = rounds
        .iter()
        .flat_map(|e| [e.asked_by, e.answered_by, e.decided_by])
        .flatten()
        .collect();
    // Most tasks have no rounds: no query for nobody.
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(crate::db::load!(
        conn,
        users::table
            .filter(crate::db::id_in(users::id, &ids))
            .select((users::id, users::name)),
    )?
    .into_iter()
    .collect())
}

/// For the units a leader is in charge of: the rounds answered and waiting for a decision, and
/// those not answered by their date.
pub fn open_in_charge_of(
    conn: &mut DbConn,
    leader: UserId,
    today: NaiveDate,
) -> AppResult<(i64, i64)> {
    let units = || {
        units::table
            .filter(units::leader_id.eq(leader))
            .select(units::id)
    };
    let waiting: i64 = explanations::table
        .filter(explanations::unit_id.eq_any(units()))
        .filter(explanations::state.eq(State::Answered))
        .count()
        .get_result(conn)?;
    let unanswered: i64 = explanations::table
        .filter(explanations::unit_id.eq_any(units()))
        .filter(explanations::state.eq(State::Asked))
        .filter(explanations::reply_by.lt(today))
        .count()
        .get_result(conn)?;
    Ok((waiting, unanswered))
}
