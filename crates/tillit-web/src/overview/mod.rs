//! The overview: the first page after signing in.

pub mod pages;
