//! The register of information assets and their classification.

pub mod api;
pub mod pages;
