//! Tillit's web layer: server-rendered pages (askama + htmx), the JSON API under `/api/v1` with its
//! OpenAPI document, authentication (sessions, API tokens), CSRF, security headers and i18n.
//! Handlers stay thin: decode, call one command or query of `tillit-app`, render.
//!
//! One module per feature, each with its pages (`pages.rs`) and its API (`api.rs`) side by side;
//! `pages/` holds the page shell and routes, `api/` the API's router and OpenAPI document,
//! `middleware/` what every request passes.

pub mod access;
pub mod account;
pub mod api;
pub mod archive;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod authority;
pub mod catalog;
pub mod context;
pub mod design;
pub mod error;
pub mod followup;
pub mod forms;
pub mod i18n;
pub mod incidents;
pub mod invitations;
pub mod libraries;
pub mod markdown;
pub mod measures;
pub mod members;
pub mod middleware;
pub mod national;
pub mod organisation;
pub mod outsourcing;
pub mod overview;
pub mod pages;
pub mod playbooks;
pub mod register;
pub mod render;
pub mod reports;
pub mod requirements;
pub mod risk;
pub mod search;
pub mod security;
pub mod start;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod submissions;
pub mod supervision;
pub mod suppliers;
pub mod systems;
pub mod transfer;

pub use startup::{router, serve, WebConfig};
pub use state::AppState;
