//! The authority's national figures (`/authority/national`) and its API.

pub mod api;
pub mod pages;
