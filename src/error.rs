//! The error of everything below the web (database, models, mail, jobs), in the application's
//! own terms. It knows nothing of HTTP: the pages map it once in `web::error`, the JSON API once
//! in `web::api`.

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The person may see this but not do this to it.
    #[error("forbidden")]
    Forbidden,
    /// The rules refuse this change as asked (a merge into itself, an inactive unit).
    #[error("refused: {0}")]
    Refused(String),
    /// Someone else changed the same thing first (a unique index caught a concurrent write).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Too many failed attempts in the window (logins, password resets).
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn from_pool(e: diesel::r2d2::PoolError) -> Self {
        AppError::Internal(format!("database pool: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;
