//! Two-factor login: a person's TOTP secret (being set up, or in use), their one-time recovery
//! codes (hashed), and the logins waiting for their second factor.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;

use crate::db::schema::{login_challenges, recovery_codes, users};
use crate::db::DbConn;
use crate::domain::ids::UserId;
use crate::domain::totp;
use crate::error::AppResult;
use crate::models::token::{random_token, token_hash};

/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;
/// How long a login may wait for its second factor.
pub const CHALLENGE_MINUTES: i64 = 5;

/// Where a person stands: the secret in use, one being set up, recovery codes left.
pub struct State {
    pub secret: Option<Vec<u8>>,
    pub pending: Option<Vec<u8>>,
    pub recovery_left: i64,
}

impl State {
    pub fn on(&self) -> bool {
        self.secret.is_some()
    }
}

pub fn state(conn: &mut DbConn, user: UserId) -> AppResult<State> {
    let (secret, pending): (Option<String>, Option<String>) = users::table
        .find(user)
        .select((users::totp_secret, users::totp_pending))
        .first(conn)?;
    let recovery_left = recovery_codes::table
        .filter(recovery_codes::user_id.eq(user))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(State {
        secret: secret.as_deref().and_then(totp::from_base32),
        pending: pending.as_deref().and_then(totp::from_base32),
        recovery_left,
    })
}

/// Whether the person has two-factor login on (one small read, for the pages that insist).
pub fn is_on(conn: &mut DbConn, user: UserId) -> AppResult<bool> {
    let secret: Option<String> = users::table
        .find(user)
        .select(users::totp_secret)
        .first(conn)?;
    Ok(secret.is_some())
}

/// A new secret to set up (replacing one being set up); returns it.
pub fn start(conn: &mut DbConn, user: UserId) -> AppResult<Vec<u8>> {
    let mut secret = vec![0u8; totp::SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    diesel::update(users::table.find(user))
        .set(users::totp_pending.eq(Some(totp::base32(&secret))))
        .execute(conn)?;
    Ok(secret)
}

/// The first code from the app proves the secret set up: two-factor login goes on, with new
/// recovery codes (returned, to be shown once). None: the code is not the secret's now.
pub fn confirm(
    conn: &mut DbConn,
    user: UserId,
    typed: &str,
    unix: i64,
) -> AppResult<Option<Vec<String>>> {
    crate::db::write(conn, |conn| {
        let Some(pending) = state(conn, user)?.pending else {
            return Ok(None);
        };
        let Some(step) = totp::check(&pending, typed, unix, None) else {
            return Ok(None);
        };
        diesel::update(users::table.find(user))
            .set((
                users::totp_secret.eq(Some(totp::base32(&pending))),
                users::totp_pending.eq(None::<String>),
                users::totp_last_step.eq(Some(step)),
            ))
            .execute(conn)?;
        Ok(Some(new_recovery_codes(conn, user)?))
    })
}

/// The person's recovery codes made anew (the old ones stop); returned to be shown once.
pub fn new_recovery_codes(conn: &mut DbConn, user: UserId) -> AppResult<Vec<String>> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user))).execute(conn)?;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let t = random_token();
            format!("{}-{}", &t[..5], &t[5..10])
        })
        .collect();
    for c in &codes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::user_id.eq(user),
                recovery_codes::code_hash.eq(token_hash(&normal(c))),
            ))
            .execute(conn)?;
    }
    Ok(codes)
}

/// A recovery code as typed, without case, spaces or dashes.
fn normal(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The second factor: a code from the app (good once: its step must be later than the last
/// one accepted) or an unused recovery code (spent by this). Each check-and-spend is one
/// statement, so two logins racing with the same code cannot both pass.
pub fn verify(
    conn: &mut DbConn,
    user: UserId,
    typed: &str,
    unix: i64,
    at: NaiveDateTime,
) -> AppResult<bool> {
    let (secret, last): (Option<String>, Option<i64>) = users::table
        .find(user)
        .select((users::totp_secret, users::totp_last_step))
        .first(conn)?;
    let Some(secret) = secret.as_deref().and_then(totp::from_base32) else {
        return Ok(false);
    };
    if let Some(step) = totp::check(&secret, typed, unix, last) {
        let n = diesel::update(
            users::table.find(user).filter(
                users::totp_last_step
                    .is_null()
                    .or(users::totp_last_step.lt(step)),
            ),
        )
        .set(users::totp_last_step.eq(Some(step)))
        .execute(conn)?;
        return Ok(n == 1);
    }
    let code = normal(typed);
    if code.len() != 10 {
        return Ok(false);
    }
    let n = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user))
            .filter(recovery_codes::code_hash.eq(token_hash(&code)))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(at)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Two-factor login off: the secret and the recovery codes go.
pub fn turn_off(conn: &mut DbConn, user: UserId) -> AppResult<()> {
    crate::db::write(conn, |conn| {
        diesel::update(users::table.find(user))
            .set((
                users::totp_secret.eq(None::<String>),
                users::totp_pending.eq(None::<String>),
                users::totp_last_step.eq(None::<i64>),
            ))
            .execute(conn)?;
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user)))
            .execute(conn)?;
        Ok(())
    })
}

/// A login whose password was right now waits for its second factor; returns the token its
/// browser keeps meanwhile. Older waits of the same person end.
pub fn challenge(
    conn: &mut DbConn,
    user: UserId,
    next: &str,
    at: NaiveDateTime,
) -> AppResult<String> {
    let token = random_token();
    diesel::delete(
        login_challenges::table.filter(
            login_challenges::user_id
                .eq(user)
                .or(login_challenges::expires_at.lt(at)),
        ),
    )
    .execute(conn)?;
    diesel::insert_into(login_challenges::table)
        .values((
            login_challenges::token_hash.eq(token_hash(&token)),
            login_challenges::user_id.eq(user),
            login_challenges::next.eq(next),
            login_challenges::expires_at.eq(at + Duration::minutes(CHALLENGE_MINUTES)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The person a waiting login is for, and where it goes after, while it is still good.
pub fn challenge_of(
    conn: &mut DbConn,
    token: &str,
    at: NaiveDateTime,
) -> AppResult<Option<(UserId, String)>> {
    Ok(login_challenges::table
        .filter(login_challenges::token_hash.eq(token_hash(token)))
        .filter(login_challenges::expires_at.gt(at))
        .select((login_challenges::user_id, login_challenges::next))
        .first(conn)
        .optional()?)
}

pub fn end_challenge(conn: &mut DbConn, token: &str) -> AppResult<()> {
    diesel::delete(
        login_challenges::table.filter(login_challenges::token_hash.eq(token_hash(token))),
    )
    .execute(conn)?;
    Ok(())
}
