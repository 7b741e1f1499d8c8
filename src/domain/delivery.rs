//! Delivery of messages and webhook calls: where one stands, and when it is tried again.

use chrono::Duration;

crate::words! {
    /// Where a message stands.
    pub enum Status {
        /// Waiting for its (next) try.
        Pending = "pending",
        Sent = "sent",
        /// A permanent answer, or too many tries: waits for an administrator.
        Failed = "failed",
        /// Moot by the time it was due (the task was finished): never sent.
        Skipped = "skipped",
    }
}

/// After this many attempts a temporary failure becomes a failure an administrator can retry.
pub const MAX_ATTEMPTS: i32 = 12;

/// The wait before the next try: twice as long after each failure (30 s, 1 min, 2 min, ... 1 h).
pub fn backoff(attempts: i32) -> Duration {
    let shift = attempts.clamp(1, 8) - 1;
    Duration::seconds((30i64 << shift).min(3600))
}
