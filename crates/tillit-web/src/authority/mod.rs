//! The authority's workspace: registry, received submissions, ranking model and ranking.
pub mod api;
pub mod pages;
