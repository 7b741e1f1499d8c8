//! Personal API tokens: named, with an expiry, read-only or read-write. Only a token's hash is
//! kept; the token itself is shown once, when it is made.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{api_tokens, users};
use crate::db::DbConn;
use crate::domain::ids::UserId;
use crate::error::AppResult;
use crate::models::token::{random_token, token_hash};
use crate::models::user::User;

/// How long a personal API token works unless asked otherwise.
pub const TOKEN_DAYS: i64 = 90;
/// The longest a token may be made to work: a forgotten token does not work for ever.
pub const MAX_TOKEN_DAYS: i64 = 366;
/// The longest name a token may have, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// What a new token is: its owner's name for it, how long it works, whether it may write.
pub struct NewToken<'a> {
    pub name: &'a str,
    pub days: i64,
    pub can_write: bool,
}

/// Creates a personal API token; returns the token itself, which is not kept.
pub fn create(
    conn: &mut DbConn,
    user_id: UserId,
    new: &NewToken,
    at: NaiveDateTime,
) -> AppResult<String> {
    let token = format!("cd_{}", random_token());
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::token_hash.eq(token_hash(&token)),
            api_tokens::created_at.eq(at),
            api_tokens::expires_at.eq(at + Duration::days(new.days.clamp(1, MAX_TOKEN_DAYS))),
            api_tokens::name.eq(new.name.trim()),
            api_tokens::can_write.eq(new.can_write),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The person a token stands for, while it is unexpired and they are active, and whether the
/// token may write.
pub fn user_of(
    conn: &mut DbConn,
    token: &str,
    at: NaiveDateTime,
) -> AppResult<Option<(User, bool)>> {
    let found: Option<(i64, Option<NaiveDateTime>, bool, User)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash(token)))
        .filter(api_tokens::expires_at.gt(at))
        .filter(users::active.eq(true))
        .select((
            api_tokens::id,
            api_tokens::last_used_at,
            api_tokens::can_write,
            User::as_select(),
        ))
        .first(conn)
        .optional()?;
    let Some((id, last_used, can_write, user)) = found else {
        return Ok(None);
    };
    // Written at most once a minute: a busy program does not turn every read into a write.
    if last_used.is_none_or(|l| at - l > Duration::seconds(60)) {
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(at))
            .execute(conn)?;
    }
    Ok(Some((user, can_write)))
}

/// A token as its owner sees it listed.
#[derive(Debug, Clone, Queryable)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub can_write: bool,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

/// A person's tokens that still work, newest first.
pub fn of_user(conn: &mut DbConn, user_id: UserId, at: NaiveDateTime) -> AppResult<Vec<TokenRow>> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::expires_at.gt(at))
        .order(api_tokens::id.desc())
        .select((
            api_tokens::id,
            api_tokens::name,
            api_tokens::can_write,
            api_tokens::created_at,
            api_tokens::last_used_at,
            api_tokens::expires_at,
        ))
        .load(conn)?)
}

/// Ends one of `user_id`'s tokens; false if they have no such token.
pub fn revoke(conn: &mut DbConn, user_id: UserId, id: i64) -> AppResult<bool> {
    let n = diesel::delete(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(n > 0)
}
