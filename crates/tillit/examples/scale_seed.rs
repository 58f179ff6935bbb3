//! Generates the scale benchmark's organisation ("Region Skala"): 5,000 information assets,
//! 2,000 systems, 20,000 risk scenarios in 500 analyses, 10,000 measures, and 200,000 recorded
//! requirement assessments (100,000 current: every requirement of the library for each system,
//! plus 100,000 earlier versions in the history). Rows are written in bulk (no audit events: this
//! is benchmark data, not user activity). Prints the id of one system for the applicability page.
//!
//! cargo run --release -p tillit --example scale_seed -- DATABASE_URL
//!
//! `TILLIT_SCALE_CATALOG=1` puts the organisation on catalog version 1 (its assessments then cover
//! version 1's requirements), so that the newest version's upgrade has a large plan to work out.

use sqlx::AnyPool;
use tillit_domain::org::{OrgKind, OrgNumber};
use tillit_domain::role::Role;
use tillit_domain::user::Email;
use tillit_store::{Actor, Store};

const ASSETS: usize = 5_000;
const SYSTEMS: usize = 2_000;
const ANALYSES: usize = 500;
const SCENARIOS_PER_ANALYSIS: usize = 40;
const MEASURES: usize = 10_000;
pub const LOGIN: &str = "skala@skala.example";
pub const PASSWORD: &str = "tillit-bench-2026";

#[path = "support/bulk.rs"]
mod bulk;
use bulk::{bulk, int, s, Rng, NULL, NULL_INT};

#[tokio::main]
async fn main() -> Result<(), String> {
    let url = std::env::args()
        .nth(1)
        .ok_or("usage: scale_seed DATABASE_URL")?;
    let store = Store::connect(&url).await.map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    let actor = Actor::operator();
    let number = OrgNumber::parse("org_number", "232100-0016").map_err(|e| e.to_string())?;
    if store
        .organisation_by_number(&number)
        .await
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err("Region Skala exists already; use a fresh database".into());
    }
    let catalogs = tillit_app::library::Catalogs::builtin()?;
    let version = std::env::var("TILLIT_SCALE_CATALOG")
        .unwrap_or_else(|_| tillit_app::library::LATEST.to_string());
    let library = catalogs
        .get(&version)
        .ok_or_else(|| format!("TILLIT_SCALE_CATALOG: no catalog version {version}"))?
        .clone();
    store
        .create_organisation(&actor, "Region Skala", &number, OrgKind::Region, &version)
        .await
        .map_err(|e| e.to_string())?;
    let (t, _) = store
        .operator_tenant(&number)
        .await
        .map_err(|e| e.to_string())?;
    let hashing = tillit_app::security::PasswordHashing::new(19 * 1024, 2)?;
    let hash = hashing.hash(PASSWORD.to_string()).await?;
    let mut owners = Vec::new();
    for (i, role) in [
        Role::Coordinator,
        Role::Owner,
        Role::Owner,
        Role::SystemOwner,
        Role::Admin,
    ]
    .into_iter()
    .enumerate()
    {
        let email = if i == 0 {
            LOGIN.to_string()
        } else {
            format!("person{i}@skala.example")
        };
        let e = Email::parse("email", &email).map_err(|e| e.to_string())?;
        let u = store
            .create_user(&actor, &e, &format!("Person {i}"), &hash, false)
            .await
            .map_err(|e| e.to_string())?;
        let m = store
            .add_member(&t, &actor, &u.id, role)
            .await
            .map_err(|e| e.to_string())?;
        owners.push(m.id);
    }
    let org = t.id().to_string();
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(&url).await.map_err(|e| e.to_string())?;
    let mut rng = Rng(0x7111_7000_2026);
    // The data was drawn around 2026-06-01; every date moves by the days since then, so that
    // the share of overdue measures and passed reviews (what the dashboards count) is the same
    // whenever the benchmark runs.
    let date = |y: i32, m: u64, d: u32| {
        chrono::NaiveDate::from_ymd_opt(y, u32::try_from(m).unwrap_or(1), d).unwrap_or_default()
    };
    let shift = tillit_domain::time::today() - date(2026, 6, 1);
    let day = |y: i32, m: u64, d: u32| -> String { (date(y, m, d) + shift).to_string() };
    let now_owned = format!("{}T08:00:00.000Z", day(2026, 6, 1));
    let now = now_owned.as_str();
    let id = |kind: &str, i: usize| format!("{kind}-{i:06}");
    let subjects = ["patients", "staff", "care_recipients", "children", "public"];

    let mut rows = Vec::new();
    for i in 0..ASSETS {
        let classified = rng.below(10) < 8;
        let lv: Vec<u64> = (0..4).map(|_| rng.below(5)).collect();
        let subject = subjects[rng.below(5) as usize];
        let name = format!("Informationsmängd {i:05} {subject}");
        let lvl = |k: usize| if classified { int(lv[k]) } else { NULL_INT };
        rows.push(vec![
            s(id("asset", i)),
            s(&org),
            s(&name),
            s(format!("Beskrivning av informationsmängd {i}")),
            s(&owners[1 + (i % 2)]),
            int(1),
            s(if subject == "patients" { "health" } else { "" }),
            s(subject),
            int(rng.below(300_000)),
            int(12),
            lvl(0),
            lvl(1),
            lvl(2),
            lvl(3),
            if classified {
                int(lv.iter().max().copied().unwrap_or(0))
            } else {
                NULL_INT
            },
            if classified { s(now) } else { NULL },
            s(name.to_lowercase()),
            s(now),
            s(now),
            s(day(2027, 1 + rng.below(9), 15)),
        ]);
    }
    bulk(
        &pool,
        "information_assets",
        &[
            "id",
            "org_id",
            "name",
            "description",
            "owner_membership_id",
            "personal_data",
            "special_categories",
            "data_subjects",
            "individuals_approx",
            "review_interval_months",
            "confidentiality",
            "integrity",
            "availability",
            "traceability",
            "highest_level",
            "classified_at",
            "search_text",
            "created_at",
            "updated_at",
            "next_review_on",
        ],
        rows,
    )
    .await?;

    let hosting = ["own_operation", "outsourced", "public_cloud"];
    let mut rows = Vec::new();
    let mut links = Vec::new();
    for i in 0..SYSTEMS {
        let name = format!("System {i:04}");
        rows.push(vec![
            s(id("system", i)),
            s(&org),
            s(&name),
            NULL,
            s(&owners[3]),
            NULL,
            s(hosting[rng.below(3) as usize]),
            s("SE"),
            int(12),
            s(name.to_lowercase()),
            s(now),
            s(now),
            s(day(2027, 1 + rng.below(9), 15)),
        ]);
        let mut linked = Vec::new();
        for _ in 0..3 {
            let a = rng.below(ASSETS as u64) as usize;
            if !linked.contains(&a) {
                linked.push(a);
                links.push(vec![s(&org), s(id("system", i)), s(id("asset", a))]);
            }
        }
    }
    bulk(
        &pool,
        "systems",
        &[
            "id",
            "org_id",
            "name",
            "description",
            "owner_membership_id",
            "supplier_id",
            "hosting",
            "country",
            "review_interval_months",
            "search_text",
            "created_at",
            "updated_at",
            "next_review_on",
        ],
        rows,
    )
    .await?;
    bulk(
        &pool,
        "system_assets",
        &["org_id", "system_id", "asset_id"],
        links,
    )
    .await?;

    let mut analyses = Vec::new();
    let mut scenarios = Vec::new();
    let mut scen_assets = Vec::new();
    for a in 0..ANALYSES {
        analyses.push(vec![
            s(id("analysis", a)),
            s(&org),
            s(format!("Riskanalys {a:03}")),
            s("Omfattning"),
            s("Deltagare"),
            s(day(2026, 1 + rng.below(9), 10)),
            int(12),
            s(day(2026, 1, 10)),
            s(format!("riskanalys {a:03}")),
            s(now),
            s(now),
        ]);
        for k in 0..SCENARIOS_PER_ANALYSIS {
            let n = a * SCENARIOS_PER_ANALYSIS + k;
            let (il, ic) = (1 + rng.below(4), 1 + rng.below(4));
            let treated = rng.below(10) < 7;
            let (rl, rc) = if treated {
                (1 + rng.below(il), ic)
            } else {
                (il, ic)
            };
            scenarios.push(vec![
                s(id("scenario", n)),
                s(&org),
                s(id("analysis", a)),
                s(format!("Scenario {n:05}")),
                s("ransomware"),
                NULL,
                s("Sårbarhet"),
                s("availability"),
                NULL,
                int(il),
                int(ic),
                if treated { s("reduce") } else { NULL },
                int(rl),
                int(rc),
                int(rl * rc),
                s(now),
                s(now),
            ]);
            scen_assets.push(vec![
                s(&org),
                s(id("scenario", n)),
                s(id("asset", rng.below(ASSETS as u64) as usize)),
            ]);
        }
    }
    bulk(
        &pool,
        "risk_analyses",
        &[
            "id",
            "org_id",
            "title",
            "scope",
            "participants",
            "analysed_on",
            "review_interval_months",
            "reviewed_on",
            "search_text",
            "created_at",
            "updated_at",
        ],
        analyses,
    )
    .await?;
    bulk(
        &pool,
        "risk_scenarios",
        &[
            "id",
            "org_id",
            "analysis_id",
            "title",
            "threat_key",
            "threat_text",
            "vulnerability",
            "aspects",
            "existing_measures",
            "inherent_likelihood",
            "inherent_consequence",
            "treatment",
            "residual_likelihood",
            "residual_consequence",
            "residual_score",
            "created_at",
            "updated_at",
        ],
        scenarios,
    )
    .await?;
    bulk(
        &pool,
        "risk_scenario_assets",
        &["org_id", "scenario_id", "asset_id"],
        scen_assets,
    )
    .await?;

    let reqs: Vec<String> = library.requirements.iter().map(|r| r.id.clone()).collect();
    let statuses = ["met", "met", "partly_met", "not_met", "not_applicable"];
    let mut current = Vec::new();
    let mut history = Vec::new();
    let mut gaps = Vec::new();
    for sys in 0..SYSTEMS {
        for (k, r) in reqs.iter().enumerate() {
            let n = sys * reqs.len() + k;
            let st = statuses[rng.below(5) as usize];
            let aid = id("assessment", n);
            current.push(vec![
                s(&aid),
                s(&org),
                s(id("system", sys)),
                s(id("system", sys)),
                s(r),
                s(st),
                if st == "not_applicable" {
                    s("Gäller inte systemet")
                } else {
                    NULL
                },
                NULL,
                s("Person 0"),
                s(now),
            ]);
            history.push(vec![
                s(id("history", 2 * n)),
                s(&org),
                s(&aid),
                s("not_met"),
                NULL,
                NULL,
                s("Person 0"),
                s(format!("{}T08:00:00.000Z", day(2025, 6, 1))),
            ]);
            history.push(vec![
                s(id("history", 2 * n + 1)),
                s(&org),
                s(&aid),
                s(st),
                NULL,
                NULL,
                s("Person 0"),
                s(now),
            ]);
            if st == "not_met" || st == "partly_met" {
                gaps.push((sys, r.clone()));
            }
        }
    }
    let assessed = current.len();
    bulk(
        &pool,
        "assessments",
        &[
            "id",
            "org_id",
            "system_id",
            "scope_key",
            "requirement_id",
            "status",
            "motivation",
            "comment",
            "assessed_by",
            "assessed_at",
        ],
        current,
    )
    .await?;
    // The history holds every version, the current one included: 2 per assessment.
    let recorded = history.len();
    bulk(
        &pool,
        "assessment_history",
        &[
            "id",
            "org_id",
            "assessment_id",
            "status",
            "motivation",
            "comment",
            "assessed_by",
            "assessed_at",
        ],
        history,
    )
    .await?;

    let mstatus = ["planned", "in_progress", "done", "verified"];
    let mut measures = Vec::new();
    let mut m_scen = Vec::new();
    let mut m_req = Vec::new();
    for i in 0..MEASURES {
        let st = mstatus[rng.below(4) as usize];
        let title = format!("Åtgärd {i:05}");
        measures.push(vec![
            s(id("measure", i)),
            s(&org),
            s(&title),
            NULL,
            s(&owners[(i % 3) + 1]),
            s(day(2026, 1 + rng.below(12), 15)),
            s(st),
            NULL_INT,
            if st == "verified" {
                s("Kontrollerad")
            } else {
                NULL
            },
            s(title.to_lowercase()),
            s(now),
            s(now),
        ]);
        let total = ANALYSES * SCENARIOS_PER_ANALYSIS;
        m_scen.push(vec![
            s(&org),
            s(id("measure", i)),
            s(id("scenario", i * 2 % total)),
        ]);
        if let Some((sys, r)) = gaps.get(i * 3) {
            m_req.push(vec![
                s(&org),
                s(id("measure", i)),
                s(id("system", *sys)),
                s(r),
            ]);
        }
    }
    bulk(
        &pool,
        "measures",
        &[
            "id",
            "org_id",
            "title",
            "description",
            "owner_membership_id",
            "due_on",
            "status",
            "cost_sek",
            "verification",
            "search_text",
            "created_at",
            "updated_at",
        ],
        measures,
    )
    .await?;
    bulk(
        &pool,
        "measure_scenarios",
        &["org_id", "measure_id", "scenario_id"],
        m_scen,
    )
    .await?;
    bulk(
        &pool,
        "measure_requirements",
        &["org_id", "measure_id", "scope_key", "requirement_id"],
        m_req,
    )
    .await?;
    // Which assessed requirements have a measure (the store keeps this as measures change).
    sqlx::query(
        "UPDATE assessments SET has_measure = 1 WHERE EXISTS (SELECT 1 FROM measure_requirements mr
           WHERE mr.org_id = assessments.org_id AND mr.scope_key = assessments.scope_key AND mr.requirement_id = assessments.requirement_id)",
    )
    .execute(&pool)
    .await
    .map_err(|e| e.to_string())?;
    sqlx::query(
        "UPDATE systems SET patient_data = 1 WHERE EXISTS (SELECT 1 FROM system_assets sa JOIN information_assets a ON a.id = sa.asset_id
           WHERE sa.system_id = systems.id AND (',' || a.data_subjects || ',') LIKE '%,patients,%')",
    )
    .execute(&pool)
    .await
    .map_err(|e| e.to_string())?;
    // Fresh statistics for the query planners of both databases (and on PostgreSQL the visibility
    // map, as autovacuum leaves it shortly after a bulk load).
    let analyze = if url.starts_with("postgres") {
        "VACUUM ANALYZE"
    } else {
        "ANALYZE"
    };
    sqlx::query(analyze)
        .execute(&pool)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{{\"system\": \"{}\", \"assets\": {ASSETS}, \"systems\": {SYSTEMS}, \"scenarios\": {}, \"measures\": {MEASURES}, \"assessments_current\": {assessed}, \"assessments_recorded\": {recorded}, \"login\": \"{LOGIN}\", \"password\": \"{PASSWORD}\"}}",
        id("system", 7),
        ANALYSES * SCENARIOS_PER_ANALYSIS
    );
    Ok(())
}
