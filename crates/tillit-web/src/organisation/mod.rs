//! The organisation's own page: the facts the law turns on, and their form.

pub mod pages;
pub mod sign_in;
