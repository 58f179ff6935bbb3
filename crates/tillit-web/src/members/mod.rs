//! The organisation and its members.

pub mod api;
pub mod pages;
