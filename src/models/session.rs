//! Server-side sessions, failed-login counting and personal API tokens. All in the database, so
//! that several instances behind a load balancer share them.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{login_failures, sessions, users};
use crate::db::DbConn;
use crate::domain::ids::UserId;
use crate::error::{AppError, AppResult};
use crate::models::token::{random_token, token_hash};
use crate::models::user::User;

pub struct Session {
    pub user: User,
    pub csrf_token: String,
}

/// Starts a session; returns the token for the cookie. Always a new id (no fixation).
pub fn create(conn: &mut DbConn, user_id: UserId, at: NaiveDateTime) -> AppResult<String> {
    let token = random_token();
    let t = at;
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash(&token)),
            sessions::user_id.eq(user_id),
            sessions::csrf_token.eq(random_token()),
            sessions::created_at.eq(t),
            sessions::last_seen_at.eq(t),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The live session for a cookie token: its user must be active and neither the idle nor the
/// absolute timeout passed. `last_seen_at` is written at most once a minute, so that reading
/// pages does not turn every request into a write.
pub fn lookup(
    conn: &mut DbConn,
    token: &str,
    idle: Duration,
    absolute: Duration,
    at: NaiveDateTime,
) -> AppResult<Option<Session>> {
    let hash = token_hash(token);
    let found: Option<(User, String, NaiveDateTime, NaiveDateTime)> = crate::db::load!(
        conn,
        sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(&hash))
            .select((
                User::as_select(),
                sessions::csrf_token,
                sessions::created_at,
                sessions::last_seen_at,
            )),
        first
    )
    .optional()?;
    let Some((user, csrf_token, created, seen)) = found else {
        return Ok(None);
    };
    let t = at;
    if !user.active || t - seen > idle || t - created > absolute {
        diesel::delete(sessions::table.filter(sessions::token_hash.eq(&hash))).execute(conn)?;
        return Ok(None);
    }
    if t - seen > Duration::seconds(60) {
        diesel::update(sessions::table.filter(sessions::token_hash.eq(&hash)))
            .set(sessions::last_seen_at.eq(t))
            .execute(conn)?;
    }
    Ok(Some(Session { user, csrf_token }))
}

pub fn delete(conn: &mut DbConn, token: &str) -> AppResult<()> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash(token))))
        .execute(conn)?;
    Ok(())
}

/// Counts an attempt against each of `keys` before it is made, and refuses it (429, with the
/// seconds to wait) when that would make more than the key's `max` within the window. Counting
/// and recording are one step under a lock per key, so attempts sent at once cannot all slip
/// under the limit; a refused attempt leaves no trace, so waiting out the window always works.
/// Returns the time the attempt was recorded at (see `forget_attempt`).
pub fn claim_attempt(
    conn: &mut DbConn,
    keys: &[(String, i64)],
    window: Duration,
    at: NaiveDateTime,
) -> AppResult<NaiveDateTime> {
    crate::db::write(conn, |conn| {
        let t = at;
        for (key, max) in keys {
            crate::db::lock_key(conn, key)?;
            diesel::insert_into(login_failures::table)
                .values((login_failures::key.eq(key), login_failures::at.eq(t)))
                .execute(conn)?;
            // This attempt first, then the `max` before it.
            let times: Vec<NaiveDateTime> = login_failures::table
                .filter(login_failures::key.eq(key))
                .filter(login_failures::at.gt(t - window))
                .order(login_failures::at.desc())
                .limit(max + 1)
                .select(login_failures::at)
                .load(conn)?;
            if times.len() as i64 > *max {
                let oldest = times[times.len() - 1];
                let wait = (oldest + window - t).num_seconds().max(1);
                return Err(AppError::TooManyAttempts {
                    retry_after_secs: wait as u64,
                });
            }
        }
        // Old rows say nothing any more; keep the table small.
        diesel::delete(login_failures::table.filter(login_failures::at.lt(t - Duration::days(1))))
            .execute(conn)?;
        Ok(t)
    })
}

/// Takes back the attempt claimed at `at` against `key` (it succeeded).
pub fn forget_attempt(conn: &mut DbConn, key: &str, at: NaiveDateTime) -> AppResult<()> {
    let one = login_failures::table
        .filter(login_failures::key.eq(key))
        .filter(login_failures::at.eq(at))
        .select(login_failures::id)
        .limit(1);
    let ids: Vec<i64> = one.load(conn)?;
    diesel::delete(login_failures::table.filter(login_failures::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

/// Failed attempts against `key` within the window.
pub fn recent_failures(
    conn: &mut DbConn,
    key: &str,
    window: Duration,
    at: NaiveDateTime,
) -> AppResult<i64> {
    Ok(login_failures::table
        .filter(login_failures::key.eq(key))
        .filter(login_failures::at.gt(at - window))
        .count()
        .get_result(conn)?)
}

pub fn record_login_failure(conn: &mut DbConn, keys: &[&str], at: NaiveDateTime) -> AppResult<()> {
    let t = at;
    for k in keys {
        diesel::insert_into(login_failures::table)
            .values((login_failures::key.eq(*k), login_failures::at.eq(t)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn clear_login_failures(conn: &mut DbConn, key: &str) -> AppResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::key.eq(key))).execute(conn)?;
    Ok(())
}
