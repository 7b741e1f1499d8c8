//! Conclusion text to draft items: the notice's parts, its items, who leads and coordinates
//! each, and by when. Pure: no I/O.

pub mod deadline;
pub mod folded;
pub mod units;
