//! The outbox: every message the service sends is a row here, written in the same transaction as
//! the change that causes it. The unique dedupe key makes queuing idempotent across re-runs and
//! instances; delivery claims rows with a lease so two workers never send a row at the same time,
//! and a worker that dies mid-way gives its rows back when the lease runs out.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::lease::{self, Queue};
use crate::db::schema::outbox;
use crate::db::DbConn;
use crate::domain::ids::{DirectiveId, TaskId, UserId};
use crate::domain::mail::Kind;
use crate::error::AppResult;

pub use crate::domain::delivery::Status;
use crate::domain::delivery::{backoff, MAX_ATTEMPTS};

/// A message to queue.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewMail {
    pub dedupe_key: String,
    pub kind: Kind,
    pub task_id: Option<TaskId>,
    pub directive_id: Option<DirectiveId>,
    pub user_id: Option<UserId>,
    pub recipient: String,
    pub lang: String,
    pub payload: String,
    pub message_id: String,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl NewMail {
    /// A message of `kind` to `to`; `subject` says what it is about ("t12", "d3", "e7") and
    /// `day` which day's message it is, so the key is (kind, subject, recipient, day).
    pub fn new(kind: Kind, subject: &str, to: &Recipient, day: &str, now: NaiveDateTime) -> Self {
        let dedupe_key = format!("{}:{subject}:{}:{day}", kind.as_str(), to.address);
        // The Message-ID's left part, fixed now so every (re)send of the row carries the same one.
        let digest = Sha256::digest(dedupe_key.as_bytes());
        let message_id = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        NewMail {
            dedupe_key,
            kind,
            task_id: None,
            directive_id: None,
            user_id: to.user_id,
            recipient: to.address.clone(),
            lang: to.lang.clone(),
            payload: "{}".into(),
            message_id,
            next_attempt_at: now,
            created_at: now,
        }
    }

    pub fn task(mut self, id: TaskId) -> Self {
        self.task_id = Some(id);
        self
    }

    pub fn directive(mut self, id: DirectiveId) -> Self {
        self.directive_id = Some(id);
        self
    }

    /// What the message carries, one of `mail::payload`'s types as its kind says.
    pub fn payload(mut self, value: &impl Serialize) -> Self {
        self.payload = serde_json::to_string(value).expect("payloads are plain data");
        self
    }
}

/// Someone a message goes to: a person (with their language) or a unit's contact address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub address: String,
    pub user_id: Option<UserId>,
    pub lang: String,
}

/// Queues messages; those whose key is already queued are left as they are. Returns how many
/// were new.
pub fn enqueue(conn: &mut DbConn, mails: &[NewMail]) -> AppResult<usize> {
    let mut added = 0;
    // 11 values a row: well under both backends' limits on bound parameters.
    for chunk in mails.chunks(500) {
        added += match conn {
            DbConn::Sqlite(c) => diesel::insert_or_ignore_into(outbox::table)
                .values(chunk)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(outbox::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(added)
}

/// A claimed row, as the worker needs it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct Mail {
    pub id: i64,
    pub kind: Kind,
    pub task_id: Option<TaskId>,
    pub directive_id: Option<DirectiveId>,
    pub user_id: Option<UserId>,
    pub recipient: String,
    pub lang: String,
    pub payload: String,
    pub message_id: String,
    pub attempts: i32,
}

/// Claims up to `limit` rows due for sending, leasing them until `now + lease`.
pub fn claim(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease: Duration,
    limit: i64,
) -> AppResult<Vec<Mail>> {
    let queue = Queue {
        table: "outbox",
        from: "outbox r",
        ready: format!("r.status = '{}'", Status::Pending),
    };
    let ids = lease::claim(conn, &queue, now, now + lease, limit)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order(outbox::id)
        .select(Mail::as_select())
        .load(conn)?)
}

/// Marks rows sent; rows of one letter share a subject, so a batch is a few updates.
pub fn mark_sent(
    conn: &mut DbConn,
    ids: &[i64],
    subject: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set((
            outbox::status.eq(Status::Sent),
            outbox::sent_at.eq(now),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::subject.eq(subject),
            outbox::last_error.eq(""),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn forget_payload(conn: &mut DbConn, id: i64) -> AppResult<()> {
    diesel::update(outbox::table.find(id))
        .set(outbox::payload.eq("{}"))
        .execute(conn)?;
    Ok(())
}

/// Another try later, waiting twice as long after each failure (30 s, 1 min, 2 min, ... 1 h);
/// after MAX_ATTEMPTS the row fails and waits for an administrator.
pub fn mark_retry(
    conn: &mut DbConn,
    mail: &Mail,
    error: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    if mail.attempts >= MAX_ATTEMPTS {
        return mark_final(conn, mail.id, Status::Failed, error);
    }
    diesel::update(outbox::table.find(mail.id))
        .set((
            outbox::next_attempt_at.eq(now + backoff(mail.attempts)),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failed (a permanent answer) or skipped (moot by the time it was due): never sent again
/// unless an administrator asks.
pub fn mark_final(conn: &mut DbConn, id: i64, status: Status, why: &str) -> AppResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(status),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(why),
        ))
        .execute(conn)?;
    Ok(())
}

/// An administrator's "send again": failed rows, or pending ones waiting for their next try.
pub fn retry(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> AppResult<bool> {
    let n = diesel::update(outbox::table.find(id).filter(crate::db::word_in(
        outbox::status,
        &[Status::Failed, Status::Pending],
    )))
    .set((
        outbox::status.eq(Status::Pending),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now),
        outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A line of the administrator's outbox list.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = outbox)]
pub struct Row {
    pub id: i64,
    pub kind: Kind,
    pub task_id: Option<TaskId>,
    pub recipient: String,
    pub subject: String,
    pub status: Status,
    pub attempts: i32,
    pub last_error: String,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

impl Row {
    /// Pending after a failed try: it waits for its next one.
    pub fn waiting(&self) -> bool {
        self.status == Status::Pending && self.attempts > 0
    }

    /// What an administrator may send again now.
    pub fn retryable(&self) -> bool {
        self.status == Status::Failed || self.waiting()
    }
}

pub const PAGE: i64 = 50;

/// Newest first, optionally one status; page from 0.
pub fn list(conn: &mut DbConn, status: Option<Status>, page: i64) -> AppResult<Vec<Row>> {
    let mut q = outbox::table.select(Row::as_select()).into_boxed();
    if let Some(s) = status {
        q = q.filter(outbox::status.eq(s));
    }
    Ok(q.order(outbox::id.desc())
        .limit(PAGE + 1)
        .offset(page.max(0) * PAGE)
        .load(conn)?)
}

/// How many rows are in each status.
pub fn counts(conn: &mut DbConn) -> AppResult<Vec<(Status, i64)>> {
    Ok(outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?)
}
