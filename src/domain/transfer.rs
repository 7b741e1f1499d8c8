//! What a transfer row records: a task sent back, transferred to another unit, or kept.

crate::words! {
    /// What a transfer row records.
    pub enum Kind {
        /// The lead unit sent the task back; waiting for the secretariat until decided.
        Returned = "returned",
        /// Moved to another lead unit.
        Transferred = "transferred",
        /// Sent back, and kept with the unit.
        Kept = "kept",
    }
}
