//! Additional requirement libraries imported as OSCAL, systems assessed against them, and a
//! system's OSCAL exports.

pub mod api;
pub mod pages;
