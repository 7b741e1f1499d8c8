//! Extension requests (đề nghị gia hạn): a unit asks for a later due date, the secretariat or a
//! leader approves (possibly with another date) or rejects. Approval moves the task's due date
//! in the same transaction; the original and every change stay in the journal.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::expression_methods::AggregateExpressionMethods;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{directive_items, extension_requests, tasks, units, users};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::ids::{TaskId, UnitId, UserId};
use crate::domain::permissions::Act;
use crate::domain::status::ReportKind;
use crate::error::{AppError, AppResult};
use crate::models::attachment::{Storage, Upload};
use crate::models::journal;
use crate::models::task::{self, Edit, NewReport, Outcome};

pub use crate::domain::extension::Decision;

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Request {
    pub id: i64,
    pub task_id: TaskId,
    pub report_id: Option<i64>,
    pub previous_due: Option<NaiveDate>,
    pub requested_due: NaiveDate,
    pub reason: String,
    pub status: Decision,
    pub decided_due: Option<NaiveDate>,
    pub decision_note: String,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub requested_by_name: Option<String>,
}

impl Request {
    /// Approved on a day (Vietnam's) after the deadline it moved had passed: the record says
    /// so, since the task was overdue before it was extended.
    pub fn granted_late(&self) -> bool {
        let decided = self
            .decided_at
            .map(|t| crate::domain::dates::today_in_vietnam(t.and_utc()));
        self.status == Decision::Approved
            && matches!((decided, self.previous_due), (Some(d), Some(due)) if d > due)
    }
}

macro_rules! request_columns {
    () => {
        (
            extension_requests::id,
            extension_requests::task_id,
            extension_requests::report_id,
            extension_requests::previous_due,
            extension_requests::requested_due,
            extension_requests::reason,
            extension_requests::status,
            extension_requests::decided_due,
            extension_requests::decision_note,
            extension_requests::created_at,
            extension_requests::decided_at,
            users::name.nullable(),
        )
    };
}

/// Why a request cannot be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The task is done or cancelled.
    Closed,
    /// One is already waiting for a decision.
    AlreadyPending,
}

impl Refusal {
    /// A stable name for the refusal, carried through the application's error.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::AlreadyPending => "already_pending",
            Refusal::Closed => "closed",
        }
    }
}

pub fn for_task(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<Request>> {
    Ok(crate::db::load!(
        conn,
        extension_requests::table
            .left_join(users::table.on(users::id.nullable().eq(extension_requests::requested_by)))
            .filter(extension_requests::task_id.eq(task_id))
            .order(extension_requests::id)
            .select(request_columns!()),
    )?)
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<Request> {
    extension_requests::table
        .left_join(users::table.on(users::id.nullable().eq(extension_requests::requested_by)))
        .filter(extension_requests::id.eq(id))
        .select(request_columns!())
        .first(conn)
        .found()
}

/// A pending request with what the deciders' list shows beside it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct PendingRow {
    pub id: i64,
    pub task_id: TaskId,
    pub previous_due: Option<NaiveDate>,
    pub requested_due: NaiveDate,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub unit_name: String,
    pub item_text: String,
}

pub fn pending(conn: &mut DbConn) -> AppResult<Vec<PendingRow>> {
    Ok(extension_requests::table
        .inner_join(
            tasks::table
                .inner_join(units::table)
                .inner_join(directive_items::table),
        )
        .filter(extension_requests::status.eq(Decision::Pending))
        .order(extension_requests::created_at)
        .select((
            extension_requests::id,
            extension_requests::task_id,
            extension_requests::previous_due,
            extension_requests::requested_due,
            extension_requests::reason,
            extension_requests::created_at,
            units::name,
            directive_items::text,
        ))
        .limit(500)
        .load(conn)?)
}

/// How many tasks have had their due date moved by an approved request.
pub fn extended_task_count(conn: &mut DbConn) -> AppResult<i64> {
    Ok(extension_requests::table
        .filter(extension_requests::status.eq(Decision::Approved))
        .select(diesel::dsl::count(extension_requests::task_id).aggregate_distinct())
        .first(conn)?)
}

/// What a unit asks for: the date, why, and the files that show it.
pub struct NewRequest<'a> {
    pub due: NaiveDate,
    pub reason: &'a str,
    pub files: &'a [Upload],
}

/// Files the request, with its reason and files as a report of the task; returns the request's
/// id. The caller holds the transaction.
pub fn request(
    conn: &mut DbConn,
    storage: &Storage,
    act: Act,
    task_id: TaskId,
    asked: &NewRequest,
) -> AppResult<Result<i64, Refusal>> {
    let (actor, at) = (&act.actor, act.at);
    let NewRequest { due, reason, files } = *asked;
    let t = task::get(conn, task_id)?;
    if !t.status().is_open() {
        return Ok(Err(Refusal::Closed));
    }
    let pending: i64 = extension_requests::table
        .filter(extension_requests::task_id.eq(task_id))
        .filter(extension_requests::status.eq(Decision::Pending))
        .count()
        .get_result(conn)?;
    if pending > 0 {
        return Ok(Err(Refusal::AlreadyPending));
    }
    let report = NewReport {
        kind: ReportKind::Extension,
        text: reason,
        percent: None,
        files,
    };
    let report_id = task::insert_report(conn, storage, actor, task_id, &report, at.now)?;
    let row = Asked {
        task_id,
        unit_id: actor.unit_id,
        requested_by: Some(actor.user_id),
        report_id: Some(report_id),
        previous_due: t.due_on,
        due,
        reason: reason.trim(),
        asked_at: at.now,
    };
    let inserted = diesel::insert_into(extension_requests::table)
        .values((&row, extension_requests::status.eq(Decision::Pending)))
        .returning(extension_requests::id)
        .get_result::<i64>(conn);
    let id = match inserted {
        Ok(id) => id,
        // Another instance filed one between the check and the insert: the unique index
        // on pending requests is the last word.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => return Err(AppError::Conflict("already pending".into())),
        Err(e) => return Err(e.into()),
    };
    let was = t.due_on.map(|d| d.to_string());
    let change = journal::Change {
        kind: journal::Kind::ExtensionRequested,
        from: was.as_deref(),
        to: Some(&due.to_string()),
        note: reason.trim(),
    };
    journal::write(conn, task_id, actor.user_id, at.now, change)?;
    Ok(Ok(id))
}

/// What a unit asks for, as its request's row keeps it: a request filed now, or a proposal the
/// unit made some other way (as in an explanation) and that was granted.
#[derive(Insertable)]
#[diesel(table_name = extension_requests)]
#[diesel(treat_none_as_default_value = false)]
pub struct Asked<'a> {
    pub task_id: TaskId,
    pub unit_id: Option<UnitId>,
    pub requested_by: Option<UserId>,
    pub report_id: Option<i64>,
    pub previous_due: Option<NaiveDate>,
    #[diesel(column_name = requested_due)]
    pub due: NaiveDate,
    pub reason: &'a str,
    #[diesel(column_name = created_at)]
    pub asked_at: NaiveDateTime,
}

/// Records an extension already granted (the due date moved by the caller) on what was
/// asked, so that it is counted and listed with the others. The caller holds the transaction.
pub fn record_granted(conn: &mut DbConn, act: Act, asked: &Asked, note: &str) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    diesel::insert_into(extension_requests::table)
        .values((
            asked,
            extension_requests::status.eq(Decision::Approved),
            extension_requests::decided_by.eq(actor.user_id),
            extension_requests::decided_at.eq(at.now),
            extension_requests::decided_due.eq(asked.due),
            extension_requests::decision_note.eq(note.trim()),
        ))
        .execute(conn)?;
    Ok(())
}

/// How a decision ended.
#[derive(Debug)]
pub enum Decided {
    /// Decided now; the task it was about.
    Done { task_id: TaskId },
    /// Already decided by someone else.
    NotPending,
    /// The task changed since the decider loaded it (approval only); nothing was written.
    Task(Outcome),
}

/// A decision on a pending request: approve or reject, the new due date (by default the date
/// asked for), the version of the task the decider saw, a note.
pub struct NewDecision<'a> {
    pub approve: bool,
    pub due: Option<NaiveDate>,
    pub task_version: i32,
    pub note: &'a str,
}

/// Approves (moving the due date) or rejects. The caller holds the transaction.
pub fn decide(conn: &mut DbConn, act: Act, id: i64, d: &NewDecision) -> AppResult<Decided> {
    let (actor, at) = (&act.actor, act.at);
    let NewDecision {
        approve,
        due,
        task_version,
        note,
    } = *d;
    let r = get(conn, id)?;
    if r.status != Decision::Pending {
        return Ok(Decided::NotPending);
    }
    let new_due = due.unwrap_or(r.requested_due);
    if approve {
        let edit = Edit::of(&act, r.task_id, task_version);
        match task::change_due_date(conn, edit, Some(new_due), note)? {
            Outcome::Done(()) => {}
            other => return Ok(Decided::Task(other)),
        }
    }
    let n = diesel::update(
        extension_requests::table
            .filter(extension_requests::id.eq(id))
            .filter(extension_requests::status.eq(Decision::Pending)),
    )
    .set((
        extension_requests::status.eq(if approve {
            Decision::Approved
        } else {
            Decision::Rejected
        }),
        extension_requests::decided_by.eq(actor.user_id),
        extension_requests::decided_at.eq(at.now),
        extension_requests::decided_due.eq(approve.then_some(new_due)),
        extension_requests::decision_note.eq(note.trim()),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(Decided::NotPending);
    }
    let kind = if approve {
        journal::Kind::ExtensionApproved
    } else {
        journal::Kind::ExtensionRejected
    };
    let moved = approve.then(|| new_due.to_string());
    let change = journal::Change {
        kind,
        from: None,
        to: moved.as_deref(),
        note: note.trim(),
    };
    journal::write(conn, r.task_id, actor.user_id, at.now, change)?;
    Ok(Decided::Done { task_id: r.task_id })
}
