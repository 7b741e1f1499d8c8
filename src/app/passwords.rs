//! Passwords forgotten: a one-time link by mail.

use crate::db::{self, DbConn};
use crate::domain::dates::Moment;
use crate::error::AppResult;
use crate::mail::notices;
use crate::models::password_reset;

/// Mails a link to the active account with this address, if there is one. Says nothing about
/// whether there was: the page answers the same either way.
pub fn send_reset_link(conn: &mut DbConn, email: &str, at: Moment) -> AppResult<()> {
    db::write(conn, |conn| {
        if let Some(link) = password_reset::request(conn, email, at.now)? {
            notices::password_reset(conn, link.user_id, &link.token, &link.key, at)?;
        }
        Ok(())
    })
}
