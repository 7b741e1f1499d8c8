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
