//! Tillit's web layer: server-rendered pages (askama + htmx), the JSON API under `/api/v1` with its
//! OpenAPI document, authentication (sessions, API tokens), CSRF, security headers and i18n.
//! Handlers stay thin: decode, call one command or query of `tillit-app`, render.

pub mod api;
pub mod assets;
pub mod context;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod middleware;
pub mod pages;
pub mod render;
pub mod security;
pub mod startup;
pub mod state;

pub use startup::{router, serve, WebConfig};
pub use state::AppState;
