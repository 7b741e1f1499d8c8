//! Work that runs on a clock: the reminder passes and the mail loop.

pub mod reminders;
pub mod scheduler;
