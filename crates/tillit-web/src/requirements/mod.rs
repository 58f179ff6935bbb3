//! The requirements that apply (and why), their self-assessment and evidence.

pub mod api;
pub mod pages;
