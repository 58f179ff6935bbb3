//! The supplier register: who the suppliers are, which law can reach them, their agreements.

pub mod api;
pub mod pages;
