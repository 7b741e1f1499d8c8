//! Work that runs on a clock: the daily pass (reminders, digests, escalations, the leaders'
//! Monday summaries) and the mail loop.

pub mod escalation;
pub mod recurring;
pub mod reminders;
pub mod scheduler;
pub mod webhooks;
pub mod weekly;
