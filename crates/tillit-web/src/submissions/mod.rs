//! Submissions to the supervising authorities, provider side.

pub mod api;
pub mod pages;
