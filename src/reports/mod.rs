//! Statistics and exports: pure tallies and formats; the queries stay with the task model.

pub mod csv;
pub mod stats;
pub mod svg;
pub mod tallies;
pub mod xlsx;

use chrono::NaiveDate;

/// One line of the customary task report, whatever it is written to.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub task: String,
    pub directive: String,
    pub lead: String,
    pub coordinating: String,
    pub due: Option<NaiveDate>,
    pub status: String,
    pub result: String,
}
