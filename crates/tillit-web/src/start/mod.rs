//! Getting started: the starter kit (`/start/kit`) and its API.

pub mod api;
pub mod pages;
