//! Statistics and exports: pure tallies and formats; the queries stay with the task model.

pub mod csv;
pub mod docx;
pub mod periodic;
pub mod stats;
pub mod svg;
pub mod tallies;
pub mod xlsx;

use chrono::NaiveDate;

/// One line of the customary task report, whatever it is written to.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    /// The task's number in the service (#12).
    pub number: i64,
    pub task: String,
    pub directive: String,
    pub lead: String,
    pub coordinating: String,
    /// The due date as first assigned.
    pub original_due: Option<NaiveDate>,
    /// The due date now, where an extension or an edit moved it.
    pub extended_to: Option<NaiveDate>,
    pub completed: Option<NaiveDate>,
    pub status: String,
    /// The latest progress or completion report's text.
    pub result: String,
}

impl ReportRow {
    /// The row as text cells, in the columns' order (the CSV; dates as dd/mm/yyyy).
    pub fn cells(&self, index: usize) -> Vec<String> {
        let date = crate::domain::dates::format_opt_date;
        vec![
            (index + 1).to_string(),
            self.number.to_string(),
            self.task.clone(),
            self.directive.clone(),
            self.lead.clone(),
            self.coordinating.clone(),
            date(self.original_due),
            date(self.extended_to),
            date(self.completed),
            self.status.clone(),
            self.result.clone(),
        ]
    }
}

/// The columns' words (`report.col.…`), in order.
pub const COLUMNS: [&str; 11] = [
    "report.col.no",
    "report.col.number",
    "report.col.task",
    "report.col.directive",
    "report.col.lead",
    "report.col.coordinating",
    "report.col.original_due",
    "report.col.extended_to",
    "report.col.completed",
    "report.col.status",
    "report.col.result",
];
