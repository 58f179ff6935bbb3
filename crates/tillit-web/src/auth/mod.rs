//! Signing in and out, the organisation switch and the language switch.

pub mod pages;
pub mod sso;
