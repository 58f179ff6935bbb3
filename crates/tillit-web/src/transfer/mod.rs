//! Import and export of the registers (CSV and XLSX).

pub mod pages;
