//! The store's one error type.

use tillit_domain::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist in this tenant (or at all; the two are never told apart).
    #[error("not found")]
    NotFound,
    /// The change breaks a rule that needs the stored data to check (unique values, last admin).
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error("unsupported database URL (use sqlite://PATH or postgres://…): {0}")]
    UnsupportedUrl(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
        match e {
            sqlx::Error::Database(d) => {
                d.is_unique_violation() || d.message().contains("UNIQUE constraint failed")
            }
            _ => false,
        }
    }
}
