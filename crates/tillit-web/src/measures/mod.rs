//! The action plan: measures that trace to a risk or a requirement.

pub mod api;
pub mod pages;
