//! One file per entity: its row struct, its forms and its queries.

pub mod attachment;
pub mod calendar;
pub mod directive;
pub mod extension;
pub mod extraction;
pub mod journal;
pub mod password_reset;
pub mod session;
pub mod tally;
pub mod task;
pub mod unit;
pub mod user;

use chrono::NaiveDateTime;

pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Everything a database needs before the service uses it: pending migrations, then the data
/// that ships with the service (the unit directory, the holiday schedules) if not yet loaded.
pub fn prepare(conn: &mut crate::db::DbConn) -> anyhow::Result<()> {
    let ran = crate::db::migrate(conn)?;
    if ran > 0 {
        tracing::info!(ran, "migrations applied");
    }
    if unit::seed_directory_if_empty(conn)? {
        tracing::info!("unit directory loaded");
    }
    if calendar::seed_if_empty(conn)? {
        tracing::info!("holiday schedules 2020-2026 loaded");
    }
    Ok(())
}
