//! Statistics and exports: pure tallies and formats; the queries stay with the task model.

pub mod csv;
pub mod stats;
