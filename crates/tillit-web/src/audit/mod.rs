//! The organisation's audit trail.

pub mod api;
pub mod pages;
