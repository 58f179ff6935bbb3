//! Outsourcing cases: the guided assessment, the decision record and the memo.

pub mod api;
pub mod pages;
