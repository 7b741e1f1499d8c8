//! Delivering webhooks: each due delivery is POSTed to its endpoint as JSON, signed, with a
//! short timeout; a 2xx answer delivers it, anything else (or no answer) tries again later.
//! Runs in the same loop as the mail outbox.

use chrono::NaiveDateTime;
use std::time::Duration;

use crate::db::DbConn;
use crate::domain::webhook::signature;
use crate::error::AppResult;
use crate::models::webhook::{self, Claimed};

/// How long one endpoint may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries claimed at a time.
const BATCH: i64 = 50;

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub delivered: usize,
    pub retried: usize,
}

/// Delivers what is due at `now`, batch by batch, until nothing is.
pub fn deliver(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<Delivered> {
    let agent = ureq::AgentBuilder::new()
        .timeout(TIMEOUT)
        .redirects(0)
        .build();
    let lease = chrono::Duration::seconds(TIMEOUT.as_secs() as i64 * (BATCH + 1));
    let mut done = Delivered::default();
    loop {
        let batch = webhook::claim(conn, now, lease, BATCH)?;
        if batch.is_empty() {
            return Ok(done);
        }
        for d in batch {
            match post(&agent, &d, now) {
                Ok(status) => {
                    webhook::mark_delivered(conn, d.id, status, now)?;
                    done.delivered += 1;
                }
                Err((status, why)) => {
                    webhook::mark_retry(conn, &d, status, &why, now)?;
                    done.retried += 1;
                }
            }
        }
    }
}

/// POSTs one delivery; its status on success, or the status (if any) and why not.
fn post(
    agent: &ureq::Agent,
    d: &Claimed,
    now: NaiveDateTime,
) -> Result<u16, (Option<u16>, String)> {
    let sent = agent
        .post(&d.url)
        .set("Content-Type", "application/json")
        .set("User-Agent", "chidao-webhooks/1")
        .set("X-Chidao-Event", &d.event)
        .set("X-Chidao-Delivery", &d.key)
        .set(
            "X-Chidao-Signature",
            &signature(&d.secret, now.and_utc().timestamp(), &d.body),
        )
        .send_string(&d.body);
    match sent {
        Ok(r) if (200..300).contains(&r.status()) => Ok(r.status()),
        Ok(r) => Err((Some(r.status()), format!("answered {}", r.status()))),
        Err(ureq::Error::Status(code, _)) => Err((Some(code), format!("answered {code}"))),
        Err(e) => Err((None, e.to_string())),
    }
}
