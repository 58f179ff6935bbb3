//! The register of systems: facts, levels, integrations.

pub mod api;
pub mod pages;
