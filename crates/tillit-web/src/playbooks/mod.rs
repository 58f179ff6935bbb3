//! Incident checklists: the pages (the checklists with the organisation's contacts, the
//! checklists of an incident, print) and the API.

pub mod api;
pub mod pages;
