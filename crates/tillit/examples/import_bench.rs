//! Times the import of 5,000 information assets from one XLSX file (every row with personal data
//! and a classification, so each row is a create and a classification in the same transaction):
//! a dry run (read, check every row, store nothing) and the import itself (one unit of work).
//! Each round uses a new organisation, so every import creates 5,000 assets. Prints one JSON line
//! per database.
//!
//! cargo run --release -p tillit --example import_bench -- ROUNDS DATABASE_URL...

use std::time::Instant;
use tillit_app::auth::{self, SignIn};
use tillit_app::security::PasswordHashing;
use tillit_app::tabular::{self, Table};
use tillit_app::transfer::{self, Import, Register};
use tillit_app::{App, AppConfig};
use tillit_domain::org::{luhn_check_digit, OrgKind, OrgNumber};
use tillit_domain::role::Role;
use tillit_domain::user::Email;
use tillit_store::{Actor, Store};

const ROWS: usize = 5_000;
const PASSWORD: &str = "tillit-bench-2026";

fn table() -> Table {
    let headers: Vec<String> = Register::Assets
        .columns()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows = (1..=ROWS)
        .map(|i| {
            headers
                .iter()
                .map(|h| match h.as_str() {
                    "name" => format!("Informationsmängd {i:05}"),
                    "description" => format!("Uppgifter i verksamhet {}", i % 40),
                    "personal_data" => "ja".into(),
                    "special_categories" => "health".into(),
                    "data_subjects" => "patients".into(),
                    "individuals_approx" => format!("{}", 100 + i),
                    "review_interval_months" => "12".into(),
                    "confidentiality" | "integrity" => "3".into(),
                    "availability" | "traceability" => "2".into(),
                    "classification_motivation" => "Uppgifter om hälsa".into(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    Table { headers, rows }
}

fn org_number(n: u32) -> OrgNumber {
    let first9 = format!("556{:06}", n % 1_000_000);
    let digits: Vec<u32> = first9.chars().filter_map(|c| c.to_digit(10)).collect();
    let s = format!(
        "{}-{}{}",
        &first9[..6],
        &first9[6..],
        luhn_check_digit(&digits)
    );
    OrgNumber::parse("org_number", &s)
        .map_err(|e| format!("{e:?}"))
        .unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        })
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn run(url: &str, rounds: usize, xlsx: &[u8]) -> Result<String, String> {
    let e = |e: &dyn std::fmt::Debug| format!("{e:?}");
    let store = Store::connect(url).await.map_err(|x| e(&x))?;
    store.migrate().await.map_err(|x| e(&x))?;
    let app = App::new(
        store.clone(),
        AppConfig {
            argon2_memory_kib: 1024,
            argon2_iterations: 1,
            ..AppConfig::default()
        },
    )?;
    let hash = PasswordHashing::new(1024, 1)?
        .hash(PASSWORD.to_string())
        .await
        .map_err(|x| e(&x))?;
    let (mut dry, mut real) = (Vec::new(), Vec::new());
    let seed = std::process::id();
    for round in 0..rounds {
        let n = org_number(seed.wrapping_mul(31).wrapping_add(round as u32));
        let name = format!("Region Import {round}");
        store
            .create_organisation(
                &Actor::operator(),
                &name,
                &n,
                OrgKind::Region,
                tillit_app::library::LATEST,
            )
            .await
            .map_err(|x| e(&x))?;
        let (t, _) = store.operator_tenant(&n).await.map_err(|x| e(&x))?;
        let email = format!("import{round}-{seed}@bench.example");
        let u = store
            .create_user(
                &Actor::operator(),
                &Email::parse("email", &email).map_err(|x| e(&x))?,
                "Bench",
                &hash,
                false,
            )
            .await
            .map_err(|x| e(&x))?;
        store
            .add_member(&t, &Actor::operator(), &u.id, Role::Coordinator)
            .await
            .map_err(|x| e(&x))?;
        let SignIn::SignedIn { session_secret, .. } =
            auth::sign_in(&app, &email, PASSWORD, "127.0.0.1", None)
                .await
                .map_err(|x| e(&x))?
        else {
            return Err("sign-in refused".into());
        };
        let a = auth::authenticate_session(&app, &session_secret)
            .await
            .map_err(|x| e(&x))?
            .ok_or("no session")?;
        let who = auth::acting(&app, a).await.map_err(|x| e(&x))?;
        for (dry_run, out) in [(true, &mut dry), (false, &mut real)] {
            let start = Instant::now();
            let r = transfer::import(
                &app,
                &who,
                Register::Assets,
                "assets.xlsx",
                xlsx,
                dry_run,
                &Default::default(),
            )
            .await
            .map_err(|x| e(&x))?;
            out.push(start.elapsed().as_secs_f64() * 1000.0);
            match r {
                Import::Rows { rows, saved } if rows.len() == ROWS && saved != dry_run => {}
                _ => return Err("the import did not take every row".into()),
            }
        }
        let stored = tillit_app::assets::all_assets(&app, &who)
            .await
            .map_err(|x| e(&x))?;
        if stored.len() != ROWS || stored.iter().any(|a| a.levels.is_none()) {
            return Err(format!("{} assets stored, expected {ROWS}", stored.len()));
        }
    }
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    Ok(format!(
        "{{\"backend\":\"{}\",\"rows\":{ROWS},\"bytes\":{},\"rounds\":{rounds},\"dry_median_ms\":{:.0},\"dry_max_ms\":{:.0},\"import_median_ms\":{:.0},\"import_max_ms\":{:.0}}}",
        store.backend().name(),
        xlsx.len(),
        median(&mut dry.clone()),
        max(&dry),
        median(&mut real.clone()),
        max(&real)
    ))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args.first().and_then(|r| r.parse().ok()).unwrap_or(5);
    let xlsx = match tabular::write_xlsx(&table(), "assets") {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1)
        }
    };
    for url in args.iter().skip(1) {
        match run(url, rounds, &xlsx).await {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("{url}: {e}");
                std::process::exit(1)
            }
        }
    }
}
