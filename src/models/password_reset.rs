//! Password resets by mail: a one-time link valid for an hour. Only the token's hash is kept
//! here; the mail that carries the token forgets it once sent (and when the link is used).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{outbox, password_resets, users};
use crate::db::DbConn;
use crate::domain::ids::UserId;
use crate::domain::mail::Kind;
use crate::error::AppResult;
use crate::models::token::{random_token, token_hash};
use crate::models::user;

pub const VALID_FOR_MINUTES: i64 = 60;

/// A link made for an account: the token it carries and the account.
pub struct Link {
    pub user_id: UserId,
    pub token: String,
    /// A short, stable key of the link (part of its hash) that names its message.
    pub key: String,
}

/// Makes a link for the active account with this address, if there is one. The caller holds the
/// transaction and sends the link.
pub fn request(conn: &mut DbConn, email: &str, now: NaiveDateTime) -> AppResult<Option<Link>> {
    let Some(user_id) = users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .filter(users::active.eq(true))
        .select(users::id)
        .first::<UserId>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let token = random_token();
    let hash = token_hash(&token);
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::token_hash.eq(&hash),
            password_resets::user_id.eq(user_id),
            password_resets::created_at.eq(now),
            password_resets::expires_at.eq(now + Duration::minutes(VALID_FOR_MINUTES)),
        ))
        .execute(conn)?;
    Ok(Some(Link {
        user_id,
        token,
        key: hash[..16].to_string(),
    }))
}

/// The account a link opens, if the link is unused and not expired.
pub fn valid(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> AppResult<Option<UserId>> {
    Ok(password_resets::table
        .find(token_hash(token))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::user_id)
        .first(conn)
        .optional()?)
}

/// Sets the new password, spends the link (and any other open link of the account), ends every
/// session. False when the link is no longer valid.
pub fn complete(
    conn: &mut DbConn,
    token: &str,
    password: &str,
    now: NaiveDateTime,
) -> AppResult<bool> {
    crate::db::write(conn, |conn| {
        let Some(id) = valid(conn, token, now)? else {
            return Ok(false);
        };
        user::set_password(conn, id, password, now)?;
        diesel::update(
            password_resets::table
                .filter(password_resets::user_id.eq(id))
                .filter(password_resets::used_at.is_null()),
        )
        .set(password_resets::used_at.eq(now))
        .execute(conn)?;
        diesel::update(
            outbox::table
                .filter(outbox::user_id.eq(id))
                .filter(outbox::kind.eq(Kind::PasswordReset)),
        )
        .set(outbox::payload.eq("{}"))
        .execute(conn)?;
        Ok(true)
    })
}
