//! The follow-up of the systematic work: gaps, key figures and their trend, reviews.

pub mod api;
pub mod pages;
