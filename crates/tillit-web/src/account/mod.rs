//! The signed-in person's own account: password, language and API tokens.

pub mod api;
pub mod pages;
