//! OSCAL for Tillit: serde models of catalogs and profiles (OSCAL 1.1/1.2), reading and writing JSON
//! and YAML, and profile resolution following NIST's profile-resolution specification. Pure: no
//! database, no HTTP; imports are read from local files only.
//!
//! The models are typed where Tillit works with the content (controls, parameters, parts, the
//! profile's directives) and keep the free-form rest (metadata parties, parameter constraints,
//! citations) as JSON values, so a document read and written back is the same document. Unknown
//! keys are refused with their path rather than silently dropped.

pub mod error;
pub mod flatten;
pub mod io;
pub mod model;
pub mod resolve;
pub mod schema;

pub use error::OscalError;
pub use io::{read_document, read_document_file, write_json, write_yaml, Format};
pub use model::{Catalog, Document, Profile};
pub use resolve::{resolve_against, resolve_profile, resolve_profile_file, ResolveOptions};
