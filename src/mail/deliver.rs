//! The delivery worker: claim due rows, render, send, mark. Runs inside every `serve` instance
//! and in `chidao remind`; the lease keeps instances from sending the same row at once.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::db::DbConn;
use crate::domain::mail::Kind;
use crate::error::AppResult;
use crate::mail::compose::{compose, Composed, Context};
use crate::mail::outbox::{self, Mail, FAILED, SKIPPED};
use crate::mail::transport::{Mailer, SendError};

/// Rows claimed at a time: small, so a worker that dies holds few rows.
pub const BATCH: i64 = 20;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.sent += o.sent;
        self.retried += o.retried;
        self.failed += o.failed;
        self.skipped += o.skipped;
    }
}

/// Long enough for every row of a batch to hit the SMTP timeout at each step.
pub fn lease_for(timeout: std::time::Duration) -> Duration {
    Duration::seconds(60)
        + Duration::from_std(timeout * 3).unwrap_or(Duration::minutes(5)) * BATCH as i32
}

/// Claims and sends one batch; `now` decides which rows are due and `today` is the day messages
/// describe.
pub fn batch(
    conn: &mut DbConn,
    mailer: &Mailer,
    ctx: &Context,
    lease: Duration,
    now: NaiveDateTime,
    today: NaiveDate,
) -> AppResult<(usize, Tally)> {
    let claimed = outbox::claim(conn, now, lease, BATCH)?;
    let mut tally = Tally::default();
    let mut rows = claimed.iter();
    while let Some(mail) = rows.next() {
        match send_one(conn, mailer, ctx, mail, now, today)? {
            Outcome::Sent => tally.sent += 1,
            Outcome::Skipped => tally.skipped += 1,
            Outcome::Failed => tally.failed += 1,
            Outcome::Retry(e) => {
                outbox::mark_retry(conn, mail, &e, now)?;
                tally.retried += 1;
                // The server is unreachable or busy: give the rest of the batch back untried
                // rather than hammer it, and without counting an attempt against them.
                for rest in rows.by_ref() {
                    let untried = Mail {
                        attempts: rest.attempts - 1,
                        ..rest.clone()
                    };
                    outbox::release(conn, &untried, &e, now + outbox::backoff(mail.attempts))?;
                    tally.retried += 1;
                }
            }
        }
    }
    Ok((claimed.len(), tally))
}

enum Outcome {
    Sent,
    Skipped,
    Failed,
    /// Not sent, for a reason that may pass; the caller decides when to try again.
    Retry(String),
}

/// Sends a row and marks it (except for a retry, which the caller marks).
fn send_one(
    conn: &mut DbConn,
    mailer: &Mailer,
    ctx: &Context,
    mail: &Mail,
    now: NaiveDateTime,
    today: NaiveDate,
) -> AppResult<Outcome> {
    let (message, subject) = match compose(conn, ctx, mail, today)? {
        Composed::Send { message, subject } => (message, subject),
        Composed::Skip(why) => {
            outbox::mark_final(conn, mail.id, SKIPPED, why)?;
            return Ok(Outcome::Skipped);
        }
        Composed::BadAddress(e) => {
            outbox::mark_final(conn, mail.id, FAILED, &e)?;
            return Ok(Outcome::Failed);
        }
    };
    match mailer.send(&message, &mail.message_id) {
        Ok(()) => {
            outbox::mark_sent(conn, mail.id, &subject, now)?;
            if mail.kind == Kind::PasswordReset.as_str() {
                // The link is in the person's mailbox now; the database keeps only its hash.
                outbox::forget_payload(conn, mail.id)?;
            }
            Ok(Outcome::Sent)
        }
        Err(SendError::Permanent(e)) => {
            tracing::warn!(id = mail.id, to = %mail.recipient, error = %e, "mail refused");
            outbox::mark_final(conn, mail.id, FAILED, &e)?;
            Ok(Outcome::Failed)
        }
        Err(SendError::Temporary(e)) => {
            tracing::info!(id = mail.id, error = %e, "mail not sent yet; will retry");
            Ok(Outcome::Retry(e))
        }
    }
}

/// Sends until nothing is due or the server stops taking mail; for `remind --once` and the
/// scheduler. `at` stands in for the clock (tests move it past a backoff or a lease); `max`
/// stops after about that many messages.
pub fn drain(
    conn: &mut DbConn,
    mailer: &Mailer,
    ctx: &Context,
    lease: Duration,
    at: Option<NaiveDateTime>,
    today: NaiveDate,
    max: Option<usize>,
) -> AppResult<Tally> {
    let mut total = Tally::default();
    loop {
        let done = total.sent + total.failed + total.skipped;
        if max.is_some_and(|m| done >= m) {
            return Ok(total);
        }
        let now = at.unwrap_or_else(crate::models::now);
        let (claimed, t) = batch(conn, mailer, ctx, lease, now, today)?;
        total.add(t);
        if claimed == 0 || t.retried > 0 {
            return Ok(total);
        }
    }
}
