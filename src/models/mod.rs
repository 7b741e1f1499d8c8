//! One file per entity: its row struct, its forms and its queries.

pub mod api_token;
pub mod assignee;
pub mod attachment;
pub mod bulk;
pub mod calendar;
pub mod calendar_feed;
pub mod chase;
pub mod coordination;
pub mod correction;
pub mod desk;
pub mod directive;
pub mod escalation;
pub mod explanation;
pub mod extension;
pub mod extraction;
pub mod grading;
pub mod idempotency;
pub mod journal;
pub mod listing;
pub mod notification;
pub mod over_cap;
pub mod password_reset;
pub mod periodic;
pub mod pickers;
pub mod recurring;
pub mod session;
pub mod sso_login;
pub mod step;
pub mod tally;
pub mod task;
pub mod token;
pub mod transfer;
pub mod two_factor;
pub mod unit;
pub mod user;
pub mod webhook;

use chrono::NaiveDateTime;

/// How the fields of the models' forms are read from what a person typed (with serde, from a
/// posted form or JSON): text trimmed, a checkbox ticked when sent at all.
pub mod fields {
    use serde::{Deserialize, Deserializer};

    pub fn trimmed<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(String::deserialize(d)?.trim().to_string())
    }

    pub fn lowercase<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(String::deserialize(d)?.trim().to_lowercase())
    }

    /// A browser sends a ticked box's value ("1", "on") and nothing for an unticked one.
    pub fn checkbox<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        let v = String::deserialize(d)?;
        Ok(!matches!(v.trim(), "" | "0" | "false"))
    }

    /// A number, or none when the field is empty or not a number (a select's "none" option).
    pub fn optional_id<'de, D: Deserializer<'de>, T: std::str::FromStr>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        Ok(String::deserialize(d)?.trim().parse().ok())
    }
}

/// Everything a database needs before the service uses it: pending migrations, then the data
/// that ships with the service (the unit directory, the holiday schedules) if not yet loaded.
pub fn prepare(conn: &mut crate::db::DbConn, now: NaiveDateTime) -> anyhow::Result<()> {
    let ran = crate::db::migrate(conn)?;
    if ran > 0 {
        tracing::info!(ran, "migrations applied");
    }
    if unit::seed_directory_if_empty(conn, now)? {
        tracing::info!("unit directory loaded");
    }
    if calendar::seed_if_empty(conn)? {
        tracing::info!("holiday schedules 2020-2026 loaded");
    }
    Ok(())
}
