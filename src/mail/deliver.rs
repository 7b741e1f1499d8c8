//! The delivery worker: claim due rows, render, send, mark. Runs inside every `serve` instance
//! and in `chidao remind`; the lease keeps instances from sending the same row at once.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::db::DbConn;
use crate::domain::mail::Kind;
use crate::error::AppResult;
use crate::mail::compose::{compose, Cache, Composed};
use crate::mail::outbox::{self, Status};
use crate::mail::transport::{Mailer, SendError, BATCH};
use crate::mail::Context;

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
    let mut ready = Vec::new();
    let mut cache = Cache::default();
    cache.load_recipients(conn, &claimed)?;
    for mail in &claimed {
        match compose(conn, ctx, mail, today, &mut cache)? {
            Composed::Send { message, subject } => ready.push((mail, message, subject)),
            Composed::Skip(why) => {
                outbox::mark_final(conn, mail.id, Status::Skipped, why)?;
                tally.skipped += 1;
            }
            Composed::BadAddress(e) => {
                outbox::mark_final(conn, mail.id, Status::Failed, &e)?;
                tally.failed += 1;
            }
        }
    }
    // The batch goes out at once over pooled connections: one after another, each message
    // would wait a round trip per SMTP step and, since the final dot is written on its own, the
    // server's delayed ACK (about 40 ms on Linux), which caps one connection near 20 a second.
    let results: Vec<Result<(), SendError>> = std::thread::scope(|s| {
        let senders: Vec<_> = ready
            .iter()
            .map(|(mail, message, _)| s.spawn(move || mailer.send(message, &mail.message_id)))
            .collect();
        senders
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(SendError::Temporary("sender panicked".into())))
            })
            .collect()
    });
    // The marks of a batch commit together: one write instead of twenty. A worker that dies
    // before the commit leaves its rows leased; they are sent again once, when the lease ends.
    crate::db::write(conn, |conn| {
        let mut sent: Vec<(&str, Vec<i64>)> = Vec::new();
        for ((mail, _, subject), result) in ready.iter().zip(results) {
            match result {
                Ok(()) => {
                    match sent.iter_mut().find(|(s, _)| s == subject) {
                        Some((_, ids)) => ids.push(mail.id),
                        None => sent.push((subject, vec![mail.id])),
                    }
                    if mail.kind == Kind::PasswordReset {
                        // The link is in the person's mailbox now; the database keeps its hash.
                        outbox::forget_payload(conn, mail.id)?;
                    }
                    tally.sent += 1;
                }
                Err(SendError::Permanent(e)) => {
                    tracing::warn!(id = mail.id, to = %mail.recipient, error = %e, "mail refused");
                    outbox::mark_final(conn, mail.id, Status::Failed, &e)?;
                    tally.failed += 1;
                }
                Err(SendError::Temporary(e)) => {
                    tracing::info!(id = mail.id, error = %e, "mail not sent yet; will retry");
                    outbox::mark_retry(conn, mail, &e, now)?;
                    tally.retried += 1;
                }
            }
        }
        for (subject, ids) in sent {
            outbox::mark_sent(conn, &ids, subject, now)?;
        }
        Ok::<_, crate::error::AppError>(())
    })?;
    Ok((claimed.len(), tally))
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
        // Read again each batch: a long drain must not lease with an old time.
        let now = at.unwrap_or_else(|| chrono::Utc::now().naive_utc());
        let (claimed, t) = batch(conn, mailer, ctx, lease, now, today)?;
        total.add(t);
        if claimed == 0 || t.retried > 0 {
            return Ok(total);
        }
    }
}
