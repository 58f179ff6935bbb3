//! The crate's one error type: every error says where (file, JSON path, import chain) and why.

#[derive(Debug, thiserror::Error)]
pub enum OscalError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {size} bytes is more than the {limit} bytes accepted")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: not a valid OSCAL document at {at}: {message}")]
    Parse {
        path: String,
        at: String,
        message: String,
    },
    #[error("{path}: expected one of catalog, profile, assessment-results, plan-of-action-and-milestones at the top level")]
    UnknownModel { path: String },
    #[error("{path}: expected a {expected}, found a {found}")]
    WrongModel {
        path: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("import cycle: {}", chain.join(" → "))]
    ImportCycle { chain: Vec<String> },
    #[error("import {href} in {from}: {reason}")]
    Import {
        from: String,
        href: String,
        reason: String,
    },
    #[error("imports nested more than {limit} deep: {}", chain.join(" → "))]
    TooDeep { chain: Vec<String>, limit: usize },
    #[error("{profile}: {message}")]
    Directive { profile: String, message: String },
    #[error("cannot write: {0}")]
    Write(String),
}
