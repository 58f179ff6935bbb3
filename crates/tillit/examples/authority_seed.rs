//! Generates the national-scale benchmark's authority ("Tillsynsmyndigheten Skala"): 10,000
//! organisations in its registry and 100,000 submissions received — on average ten per
//! organisation: one in ten never submitted (flagged), the others eleven or twelve times, a month
//! apart — each a real signed envelope with its figures. Rows are written in bulk (no audit
//! events: benchmark data, not user activity). Prints the login and one registry row's id.
//!
//! With a number of cases (`-- DATABASE_URL 50000`) it makes the supervision-case benchmark's
//! authority instead: the same registry, no submissions, and that many cases over the 10,000
//! organisations, opened over five years, most decided and closed, with times waited for the
//! providers.
//!
//! cargo run --release -p tillit --example authority_seed -- DATABASE_URL [CASES]

use sqlx::AnyPool;
use tillit_domain::org::{luhn_check_digit, OrgKind, OrgNumber};
use tillit_domain::role::Role;
use tillit_domain::user::Email;
use tillit_store::{Actor, Store};

const ORGS: usize = 10_000;
const SUBMISSIONS: usize = 100_000;
pub const LOGIN: &str = "tillsyn@skala-myndighet.example";
pub const PASSWORD: &str = "tillit-bench-2026";

#[path = "support/bulk.rs"]
mod bulk;
use bulk::{bulk, int, s, Rng, V};

fn org_number(i: usize) -> String {
    let body = format!("55{i:07}");
    let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    format!("{}-{}{}", &body[..6], &body[6..], luhn_check_digit(&digits))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let url = std::env::args()
        .nth(1)
        .ok_or("usage: authority_seed DATABASE_URL")?;
    let cases: usize = match std::env::args().nth(2) {
        Some(n) => n.parse().map_err(|_| "CASES must be a number")?,
        None => 0,
    };
    let store = Store::connect(&url).await.map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    let actor = Actor::operator();
    let number = OrgNumber::parse("org_number", "202100-0019").map_err(|e| e.to_string())?;
    if store
        .organisation_by_number(&number)
        .await
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err("the benchmark authority exists already; use a fresh database".into());
    }
    store
        .create_organisation(
            &actor,
            "Tillsynsmyndigheten Skala",
            &number,
            OrgKind::Authority,
            tillit_app::library::LATEST,
        )
        .await
        .map_err(|e| e.to_string())?;
    let (t, _) = store
        .operator_tenant(&number)
        .await
        .map_err(|e| e.to_string())?;
    let hashing = tillit_app::security::PasswordHashing::new(19 * 1024, 2)?;
    let hash = hashing.hash(PASSWORD.to_string()).await?;
    let e = Email::parse("email", LOGIN).map_err(|e| e.to_string())?;
    let u = store
        .create_user(&actor, &e, "Tillsynsansvarig Skala", &hash, false)
        .await
        .map_err(|e| e.to_string())?;
    store
        .add_member(&t, &actor, &u.id, Role::SupervisionLead)
        .await
        .map_err(|e| e.to_string())?;
    let authority = t.id().to_string();
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(&url).await.map_err(|e| e.to_string())?;
    let mut rng = Rng(0x0005_ca1e_2026);
    let now = "2026-11-01T08:00:00.000Z";
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let public = hex::encode(key.verifying_key().to_bytes());
    let kinds = ["municipality", "private_provider", "region", "other"];
    let cares = [
        "äldreomsorg;lss",
        "primärvård",
        "sjukhusvård;psykiatri",
        "individ- och familjeomsorg",
        "tandvård",
    ];
    let classes = ["essential", "important", "not_covered", "unknown"];
    let mut entries = Vec::new();
    let mut received = Vec::new();
    let mut latest = Vec::new();
    // The national figures' rows, as the store takes them out of each submission it receives.
    let mut national = Vec::new();
    let mut national_areas = Vec::new();
    let areas = [
        "sty", "beh", "log", "rik", "kon", "tek", "lev", "sek", "inc", "cyb", "ssk",
    ];
    let today = chrono::Utc::now().date_naive();
    for i in 0..ORGS {
        let n = org_number(i);
        let name = format!("Vårdgivare Skala {i:05}");
        entries.push(vec![
            s(format!("entry-{i:05}")),
            s(&authority),
            s(&n),
            s(&name),
            s(kinds[(rng.below(100) / 30).min(3) as usize]),
            s(tillit::demo_authority::COUNTIES[rng.below(21) as usize]),
            int(50 + rng.below(300_000)),
            s(cares[rng.below(5) as usize]),
            s(classes[rng.below(4) as usize]),
            if rng.below(3) == 0 {
                V::T(None)
            } else {
                s(format!("20{}-0{}-10", 16 + rng.below(10), 1 + rng.below(9)))
            },
            s(&public),
            int(1),
            s(now),
            s(tillit_domain::text::search_key(&[&name, &n])),
        ]);
        // One in ten has never submitted; the rest ten times, a month apart.
        if i % 10 == 9 || cases > 0 {
            continue;
        }
        let submitter = i - i / 10;
        let provider_kind = ["municipality", "private_provider", "region"][i % 3];
        let mut quarters_seen = std::collections::HashSet::new();
        let per_org = SUBMISSIONS / (ORGS - ORGS / 10)
            + usize::from(submitter < SUBMISSIONS % (ORGS - ORGS / 10));
        for k in 0..per_org {
            let day = today - chrono::Duration::days((30 * k + rng.below(30) as usize) as i64);
            let area_figures: Vec<serde_json::Value> = areas
                .iter()
                .map(|a| serde_json::json!({"area": a, "percent_met": 20 + rng.below(81)}))
                .collect();
            let content = serde_json::json!({
                "report_version": 2,
                "as_of": day.to_string(),
                "organisation": {"name": name, "org_number": n, "kind": provider_kind},
                "compliance": {"percent_met": 30 + rng.below(70), "areas": area_figures},
                "measures": {"open": rng.below(50), "overdue": rng.below(30)},
                "risk": {"above_tolerance": rng.below(15), "above_tolerance_untreated": rng.below(10),
                         "latest_risk_analysis": format!("2026-0{}-01", 1 + rng.below(9))},
                "incidents": {"last_12_months": rng.below(20), "reports_overdue_now": rng.below(3)},
                "classification": {"highest_confidentiality": 1 + rng.below(4), "unclassified": rng.below(5)},
                "access_needs_analysis": {"latest_approved": if rng.below(4) == 0 { serde_json::Value::Null } else { serde_json::json!("2025-10-01") },
                                          "systems_with_patient_data_missing_one": rng.below(3)},
            });
            let figures = tillit_domain::ranking::figures_of(&content).to_string();
            let f = tillit_domain::national::SubmissionFigures::from_figures(
                &serde_json::from_str(&figures).map_err(|e| e.to_string())?,
            );
            let one = tillit_domain::national::Sums::of(&f, day);
            let quarter = tillit_domain::national::quarter_of(day);
            // Newest first: the first of a quarter is the quarter's last.
            let last_in_quarter = quarters_seen.insert(quarter.clone());
            national.push(vec![
                s(format!("rec-{i:05}-{k:02}")),
                s(&authority),
                s(&n),
                s(&f.kind),
                s(format!("{day}T00:00:00.000Z")),
                s(day.to_string()),
                s(quarter),
                int(u64::from(last_in_quarter)),
                int(one.with_compliance as u64),
                int(one.compliance_sum as u64),
                int(one.risk_current as u64),
                int(one.access_current as u64),
                int(one.incidents as u64),
                int(one.with_unclassified as u64),
                int(one.with_untreated_risks as u64),
                int(one.with_overdue_measures as u64),
                int(one.with_missing_access as u64),
                int(one.with_overdue_reports as u64),
            ]);
            for (a, p) in &f.areas {
                national_areas.push(vec![
                    s(format!("rec-{i:05}-{k:02}")),
                    s(&authority),
                    s(a),
                    int(*p as u64),
                ]);
            }
            let env = tillit_domain::submission::sign(content, &key, "skala")
                .map_err(|e| e.to_string())?;
            let text = serde_json::to_string(&env).map_err(|e| e.to_string())?;
            // The first is the newest (a month apart, going back).
            if k == 0 {
                latest.push(vec![
                    s(&authority),
                    s(&n),
                    s(format!("rec-{i:05}-{k:02}")),
                    s(format!("{day}T00:00:00.000Z")),
                    s(&figures),
                ]);
            }
            received.push(vec![
                s(format!("rec-{i:05}-{k:02}")),
                s(&authority),
                s(&n),
                s(&name),
                V::T(None),
                s(text),
                s(&env.sha256),
                s("skala"),
                s(format!("{day}T00:00:00.000Z")),
                s(now),
                s("Skala"),
                s(figures),
            ]);
        }
    }
    bulk(
        &pool,
        "registry_entries",
        &[
            "id",
            "authority_org_id",
            "org_number",
            "name",
            "kind",
            "county",
            "individuals",
            "kinds_of_care",
            "nis2_class",
            "last_supervised_on",
            "public_key",
            "generated",
            "updated_at",
            "search_text",
        ],
        entries,
    )
    .await?;
    let count = received.len();
    bulk(
        &pool,
        "received_submissions",
        &[
            "id",
            "authority_org_id",
            "org_number",
            "org_name",
            "submission_id",
            "envelope",
            "sha256",
            "key_id",
            "submitted_at",
            "received_at",
            "received_by_name",
            "figures",
        ],
        received,
    )
    .await?;
    bulk(
        &pool,
        "latest_submissions",
        &[
            "authority_org_id",
            "org_number",
            "received_id",
            "submitted_at",
            "figures",
        ],
        latest,
    )
    .await?;
    bulk(
        &pool,
        "submission_figures",
        &[
            "received_id",
            "authority_org_id",
            "org_number",
            "kind",
            "submitted_at",
            "submitted_on",
            "quarter",
            "last_in_quarter",
            "has_compliance",
            "compliance_percent",
            "risk_current",
            "access_current",
            "incidents_12m",
            "has_unclassified",
            "has_untreated_risks",
            "has_overdue_measures",
            "has_missing_access",
            "has_overdue_reports",
        ],
        national,
    )
    .await?;
    bulk(
        &pool,
        "submission_area_figures",
        &["received_id", "authority_org_id", "area", "percent"],
        national_areas,
    )
    .await?;
    let mut case_rows = Vec::new();
    let now_t = chrono::Utc::now();
    let at = |days_ago: u64, secs: u64| {
        tillit_store::format_timestamp(
            now_t - chrono::Duration::days(days_ago as i64)
                + chrono::Duration::seconds(secs as i64),
        )
    };
    let types = ["planned", "complaint", "incident", "follow_up"];
    let mut per_year: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut opened_list: Vec<u64> = (0..cases).map(|_| rng.below(5 * 365)).collect();
    opened_list.sort_unstable_by(|a, b| b.cmp(a));
    for (k, opened) in opened_list.into_iter().enumerate() {
        let org = rng.below(ORGS as u64) as usize;
        let n = org_number(org);
        let name = format!("Vårdgivare Skala {org:05}");
        let case_type = types[rng.below(4) as usize];
        // Days from opening to the request, the answer, the decision and the closing.
        let to_request = 2 + rng.below(20);
        let waited = 5 + rng.below(45);
        let to_decision = to_request + waited + 5 + rng.below(120);
        let to_close = to_decision + rng.below(90);
        let request = (opened > to_request).then(|| opened - to_request);
        let answered = (opened > to_request + waited).then(|| opened - to_request - waited);
        let decided = (opened > to_decision && rng.below(10) > 0).then(|| opened - to_decision);
        let closed = decided
            .filter(|_| opened > to_close && rng.below(10) > 1)
            .map(|_| opened - to_close);
        let state = match (decided, closed) {
            (_, Some(_)) => "closed",
            (Some(_), None) => "decided",
            _ => "open",
        };
        let opened_at = at(opened, k as u64 % 86_000);
        let year = opened_at[..4].to_string();
        let seq = per_year.entry(year.clone()).or_insert(0);
        *seq += 1;
        let reference = format!("{year}-{seq:05}");
        let title = format!("Tillsyn {reference}");
        let waiting_since = match (request, answered) {
            (Some(r), None) => Some(at(r, 0)),
            _ => None,
        };
        let waited_s = answered.map(|_| waited * 86_400).unwrap_or(0);
        case_rows.push(vec![
            s(format!("case-{k:06}")),
            s(&authority),
            s(&reference),
            s(&n),
            s(&name),
            s(case_type),
            s(&title),
            s("Handläggare Skala"),
            s(state),
            s(&opened_at),
            request.map(|d| s(at(d, 0))).unwrap_or(V::T(None)),
            answered.map(|d| s(at(d, 0))).unwrap_or(V::T(None)),
            decided.map(|d| s(at(d, 0))).unwrap_or(V::T(None)),
            closed.map(|d| s(at(d, 0))).unwrap_or(V::T(None)),
            int(waited_s),
            waiting_since.map(s).unwrap_or(V::T(None)),
            decided.map(|_| int(waited_s)).unwrap_or(V::I(None)),
            int(u64::from(request.is_some() && answered.is_none())),
            s(tillit_domain::text::search_key(&[
                &reference, &title, &name, &n,
            ])),
            int(1),
            s(&opened_at),
        ]);
    }
    let case_count = case_rows.len();
    bulk(
        &pool,
        "supervision_cases",
        &[
            "id",
            "authority_org_id",
            "reference",
            "org_number",
            "org_name",
            "case_type",
            "title",
            "officer_name",
            "state",
            "opened_at",
            "first_request_at",
            "answers_complete_at",
            "decided_at",
            "closed_at",
            "waited_seconds",
            "waiting_since",
            "waited_before_decision",
            "open_requests",
            "search_text",
            "generated",
            "updated_at",
        ],
        case_rows,
    )
    .await?;
    let mut targets = Vec::new();
    for (t, d) in [
        ("planned", 120),
        ("complaint", 90),
        ("incident", 60),
        ("follow_up", 60),
    ] {
        targets.push(vec![s(&authority), s(t), int(d)]);
    }
    bulk(
        &pool,
        "case_targets",
        &["authority_org_id", "case_type", "target_days"],
        targets,
    )
    .await?;
    println!(
        "{}",
        serde_json::json!({"login": LOGIN, "password": PASSWORD, "entry": "entry-00042",
                           "organisations": ORGS, "submissions": count, "cases": case_count,
                           "case": if case_count > 0 { "case-000042" } else { "" }})
    );
    Ok(())
}
