//! The use cases: one function for each thing a person or the scheduler does to the records
//! (report progress, confirm, publish a directive, decide an extension, …). The pages, the JSON
//! API, the command line and the scheduler call these alike. Each one checks the permission,
//! holds the write transaction, makes the change through the models and queues the mail the
//! change causes inside that same transaction: if the change rolls back, so do its messages.
//!
//! What a use case needs from outside comes in as arguments: a connection, where files go, who
//! acts, and the moment (`domain::dates::Moment`) read once at the edge.

pub mod bulk;
pub mod chases;
pub mod coordination;
pub mod corrections;
pub mod directives;
pub mod explanations;
pub mod extensions;
pub mod passwords;
pub mod periodic;
pub mod steps;
pub mod tasks;
pub mod transfers;

use crate::domain::permissions::{decide, Action, Actor, Decision, Target};
use crate::error::{AppError, AppResult};
use crate::models::attachment::{Storage, Upload};

/// Files stored for a change that did not hold are removed again: a failed change keeps
/// nothing of what it brought.
fn keeping_files<T>(storage: &Storage, files: &[Upload], result: AppResult<T>) -> AppResult<T> {
    if result.is_err() {
        storage.discard(files);
    }
    result
}

/// The one permission check, in the application's terms: a record the person may not see is
/// "not found", one they see but may not change is "forbidden".
pub fn allow(actor: &Actor, action: Action, target: Target) -> AppResult<()> {
    match decide(actor, action, target) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(AppError::Forbidden),
        Decision::NotFound => Err(AppError::NotFound),
    }
}
