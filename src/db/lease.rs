//! Queued rows claimed by one worker among several instances: the outbox's mail and the
//! webhooks' deliveries. A claimed row is leased for a while (another worker takes it again
//! only when the lease has run out, as after a crash) and its attempt counted.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use super::DbConn;
use crate::error::AppResult;

/// A queue: `table` holds `id`, `next_attempt_at`, `lease_until` and `attempts`; `from` names
/// it `r` (with any joins) and `ready` says which of its rows wait for work, both fixed text
/// without binds.
pub struct Queue {
    pub table: &'static str,
    pub from: &'static str,
    pub ready: String,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` of the queue's rows due at `now` (oldest due first), leasing them
/// until `until`; their ids.
pub fn claim(
    conn: &mut DbConn,
    q: &Queue,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<i64>> {
    let due = format!(
        "SELECT r.id AS id FROM {} WHERE {} AND r.next_attempt_at <= ? \
           AND (r.lease_until IS NULL OR r.lease_until < ?) \
         ORDER BY r.next_attempt_at, r.id LIMIT ?",
        q.from, q.ready
    );
    let lease = |ids: &str| {
        format!(
            "UPDATE {} SET lease_until = ?, attempts = attempts + 1 WHERE id IN ({ids})",
            q.table
        )
    };
    // Rows another worker has locked are skipped, not waited for.
    let pg = lease(&format!("{due} FOR UPDATE OF r SKIP LOCKED")) + " RETURNING id";
    let pg = super::placeholders(conn, &pg);
    let claimed: Vec<Id> = match conn {
        DbConn::Pg(c) => diesel::sql_query(pg)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(c)?,
        // SQLite has one writer: an immediate transaction takes the write lock before reading,
        // so no other worker can pick the same rows in between.
        DbConn::Sqlite(c) => c.immediate_transaction(|c| {
            let due: Vec<Id> = diesel::sql_query(&due)
                .bind::<Timestamp, _>(now)
                .bind::<Timestamp, _>(now)
                .bind::<BigInt, _>(limit)
                .load(c)?;
            if !due.is_empty() {
                let list: Vec<String> = due.iter().map(|r| r.id.to_string()).collect();
                diesel::sql_query(lease(&list.join(", ")))
                    .bind::<Timestamp, _>(until)
                    .execute(c)?;
            }
            Ok::<_, diesel::result::Error>(due)
        })?,
    };
    Ok(claimed.into_iter().map(|r| r.id).collect())
}
