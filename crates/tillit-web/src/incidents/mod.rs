//! The incident register: what happened, and what must be reported to whom and by when.

pub mod api;
pub mod drafts;
pub mod pages;
pub mod reminders;
