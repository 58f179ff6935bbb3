//! The store's one error type.

use tillit_domain::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist in this tenant (or at all; the two are never told apart).
    #[error("not found")]
    NotFound,
    /// The change breaks a rule that needs the stored data to check (the last administrator).
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The change refers to an object the organisation does not have.
    #[error("unknown {0:?}")]
    UnknownReference(Reference),
    /// The value must be unique and is already taken.
    #[error("{0:?} already exists")]
    Duplicate(Unique),
    #[error("unsupported database URL (use sqlite://PATH or postgres://…): {0}")]
    UnsupportedUrl(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// What kind of object a change referred to and the organisation does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// The owner (a membership) of an asset or a system.
    Owner,
    Asset,
    System,
    /// A system another system integrates with (which may not be the system itself).
    Integration,
    Scenario,
    /// A requirement's scope (a system) of a measure.
    Requirement,
    /// A person (by e-mail) to add as a member.
    Person,
    /// The supplier of an outsourcing case.
    Supplier,
    /// The member who prepares an outsourcing case.
    PreparedBy,
    /// An authority a submission is sent to.
    Authority,
}

/// What must be unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    /// An asset's or a system's name within the organisation.
    Name,
    /// A person's e-mail address, or a member's within the organisation.
    Email,
    /// An organisation's number.
    OrgNumber,
    /// A submission the authority already received (by its SHA-256).
    Submission,
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
