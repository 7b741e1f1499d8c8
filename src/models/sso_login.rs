//! Single sign-ons under way: kept a few minutes, taken once when the provider sends the
//! person back.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::sso_logins;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::models::token::token_hash;

pub const MINUTES: i64 = 10;

/// What the way back must match.
pub struct Pending {
    pub verifier: String,
    pub nonce: String,
    pub next: String,
}

pub fn start(conn: &mut DbConn, state: &str, p: &Pending, at: NaiveDateTime) -> AppResult<()> {
    diesel::delete(sso_logins::table.filter(sso_logins::expires_at.lt(at))).execute(conn)?;
    diesel::insert_into(sso_logins::table)
        .values((
            sso_logins::state_hash.eq(token_hash(state)),
            sso_logins::verifier.eq(&p.verifier),
            sso_logins::nonce.eq(&p.nonce),
            sso_logins::next.eq(&p.next),
            sso_logins::expires_at.eq(at + Duration::minutes(MINUTES)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The sign-on `state` names, while still good; it is used up by this.
pub fn take(conn: &mut DbConn, state: &str, at: NaiveDateTime) -> AppResult<Option<Pending>> {
    crate::db::write(conn, |conn| {
        let found: Option<(i64, String, String, String)> = sso_logins::table
            .filter(sso_logins::state_hash.eq(token_hash(state)))
            .filter(sso_logins::expires_at.gt(at))
            .select((
                sso_logins::id,
                sso_logins::verifier,
                sso_logins::nonce,
                sso_logins::next,
            ))
            .first(conn)
            .optional()?;
        let Some((id, verifier, nonce, next)) = found else {
            return Ok(None);
        };
        // Used once: a second arrival with the same state finds nothing.
        let n = diesel::delete(sso_logins::table.find(id)).execute(conn)?;
        Ok((n == 1).then_some(Pending {
            verifier,
            nonce,
            next,
        }))
    })
}
