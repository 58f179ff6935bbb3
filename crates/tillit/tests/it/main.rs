//! The one integration-test binary: every test starts the real server on 127.0.0.1:0 against a
//! fresh database and drives it over HTTP like a browser or an API client would.
//!
//! Backend: SQLite in a temporary directory, or PostgreSQL when `TILLIT_TEST_POSTGRES_URL` names a
//! server (each test gets its own database). `scripts/check` runs the suite once on each.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod followup;
mod helpers;
mod incidents;

mod api;
mod archive;
mod assets;
mod audit;
mod auth;
mod authority;
mod catalog;
mod durability;
mod input;
mod invitations;
mod libraries;
mod middleware;
mod national;
mod oscal;
mod outsourcing;
mod pages;
mod playbooks;
mod reminders;
mod reports;
mod requirements;
mod risk;
mod roles;
mod rules;
mod search;
mod sso;
mod start;
mod submissions;
mod supervision;
mod suppliers;
mod systems;
mod tenancy;
mod transfer;
mod work_api;
