//! Tillit's pure domain: validated types and the rules a reviewer must be able to read.
//! Nothing here does I/O; everything is plain functions over plain data.

pub mod access;
pub mod archive;
pub mod assessment;
pub mod asset;
pub mod audit;
pub mod classification;
pub mod country;
pub mod diff;
pub mod draft;
pub mod error;
pub mod guide;
pub mod handling_time;
pub mod ids;
pub mod incident;
pub mod incident_case;
pub mod incident_report;
pub mod incident_stats;
pub mod measure;
pub mod national;
pub mod org;
pub mod outsourcing;
pub mod outsourcing_case;
pub mod paging;
pub mod playbook;
pub mod ranking;
pub mod requirements;
pub mod risk;
pub mod role;
pub mod sso;
pub mod starter_kit;
pub mod submission;
pub mod supervision;
pub mod supplier;
pub mod system;
pub mod text;
pub mod time;
pub mod user;
pub mod words;

pub use error::{Rule, ValidationError, ValidationErrors};
