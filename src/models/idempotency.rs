//! Answers kept for writes sent with an `Idempotency-Key`: the same key again gets the same
//! answer, and the write is not done twice. Kept a day per person.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::idempotency_keys;
use crate::db::DbConn;
use crate::domain::ids::UserId;
use crate::error::AppResult;

/// How long an answer is kept: a program retrying later than this has lost track anyway.
pub const KEEP_HOURS: i64 = 24;

/// An answer kept: the request it answered (method and path), its status and body.
#[derive(Debug, Clone, Queryable)]
pub struct Kept {
    pub request: String,
    pub status: i32,
    pub body: String,
}

/// The answer kept for `user_id`'s `key`, if any (and younger than a day).
pub fn find(
    conn: &mut DbConn,
    user_id: UserId,
    key: &str,
    at: NaiveDateTime,
) -> AppResult<Option<Kept>> {
    Ok(idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(user_id))
        .filter(idempotency_keys::key.eq(key))
        .filter(idempotency_keys::created_at.gt(at - Duration::hours(KEEP_HOURS)))
        .select((
            idempotency_keys::request,
            idempotency_keys::status,
            idempotency_keys::body,
        ))
        .first(conn)
        .optional()?)
}

/// Keeps the answer to `user_id`'s `key`, and lets go of their answers older than a day (the
/// caller holds the transaction, and the lock on the key).
pub fn keep(
    conn: &mut DbConn,
    user_id: UserId,
    key: &str,
    answer: &Kept,
    at: NaiveDateTime,
) -> AppResult<()> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::user_id.eq(user_id))
            .filter(
                idempotency_keys::key
                    .eq(key)
                    .or(idempotency_keys::created_at.le(at - Duration::hours(KEEP_HOURS))),
            ),
    )
    .execute(conn)?;
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user_id),
            idempotency_keys::key.eq(key),
            idempotency_keys::request.eq(&answer.request),
            idempotency_keys::status.eq(answer.status),
            idempotency_keys::body.eq(&answer.body),
            idempotency_keys::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
