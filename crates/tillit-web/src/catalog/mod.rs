//! The requirement catalog's versions: the version list, the comparison of two versions, the
//! upgrade with its impact, and what the upgrade leaves to be assessed.

pub mod api;
pub mod pages;
