//! The `tillit` command: serve the web application, start it with demo data, administer the
//! platform, verify the audit trail and back up the database.

pub mod checkpoints;
pub mod cli;
pub mod config;
pub mod demo;
pub mod demo_authority;
pub mod oscal;

use clap::Parser;
use std::process::ExitCode;

pub fn main_entry() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
