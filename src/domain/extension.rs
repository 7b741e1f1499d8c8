//! An extension request's (gia hạn) decision: the words its state is stored and sent as.

crate::words! {
    /// Where a request stands.
    pub enum Decision {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
}
