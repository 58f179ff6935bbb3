//! The risk matrix, risk analyses, scenarios and heat maps.

pub mod api;
pub mod pages;
