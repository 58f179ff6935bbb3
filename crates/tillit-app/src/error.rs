//! The application layer's one error type. The web layer maps it once to a status and a page or
//! problem document; the command line prints it.

use tillit_domain::{Rule, ValidationErrors};
use tillit_store::{Reference, StoreError, Unique};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    /// The object does not exist in the acting organisation (or at all; never told apart).
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error("too many failed attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("no membership in any organisation")]
    NoOrganisation,
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Error::Internal(e.to_string())
    }
}

/// The field of a draft that refers to objects of this kind.
pub fn reference_field(r: Reference) -> &'static str {
    match r {
        Reference::Owner => "owner_membership_id",
        Reference::Asset => "asset_ids",
        Reference::System => "system_ids",
        Reference::Integration => "integration_ids",
        Reference::Scenario => "scenario_ids",
        Reference::Requirement => "requirements",
        Reference::Person => "email",
        Reference::Supplier => "supplier_id",
        Reference::PreparedBy => "prepared_by",
        Reference::Authority => "authority_ids",
    }
}

/// The field of a draft that holds a value that must be unique.
pub fn unique_field(u: Unique) -> &'static str {
    match u {
        Unique::Name => "name",
        Unique::Email => "email",
        Unique::OrgNumber => "org_number",
        Unique::Submission => "file",
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            StoreError::Invalid(v) => Error::Invalid(v),
            StoreError::UnknownReference(r) => {
                Error::Invalid(ValidationErrors::single(reference_field(r), Rule::NotFound))
            }
            StoreError::Duplicate(u) => Error::Invalid(ValidationErrors::single(
                unique_field(u),
                Rule::AlreadyExists,
            )),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<tillit_domain::ValidationError> for Error {
    fn from(e: tillit_domain::ValidationError) -> Self {
        Error::Invalid(e.into())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
