//! A system's access-needs analysis (behovs- och riskanalys, HSLF-FS 2016:40 4 kap. 2 §; the conditions for access, PDL 4 kap. 2 §).

pub mod api;
pub mod pages;
