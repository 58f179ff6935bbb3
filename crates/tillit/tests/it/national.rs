//! National figures over HTTP: an authority's page, API and export from the submissions it
//! received, with the rule that no figure rests on fewer than five organisations, and the
//! follow-up of a piece of support before and after.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::{Actor, NewReceived, NewRegistryEntry, Tenant};

/// A received status report with the figures the national figures read.
async fn receive(
    app: &TestApp,
    authority: &Tenant,
    org_number: &str,
    kind: &str,
    submitted_at: &str,
    compliance: i64,
    risk_on: Option<&str>,
) {
    let content = serde_json::json!({
        "organisation": {"kind": kind},
        "compliance": {"percent_met": compliance, "areas": [{"area": "sty", "percent_met": compliance}]},
        "risk": {"latest_risk_analysis": risk_on, "above_tolerance_untreated": 1},
        "measures": {"overdue": 0},
        "incidents": {"last_12_months": 2, "reports_overdue_now": 0},
        "classification": {"unclassified": 3},
        "access_needs_analysis": {"latest_approved": null, "systems_with_patient_data_missing_one": 1},
    });
    let figures = tillit_domain::ranking::figures_of(&content).to_string();
    let sha = format!("{org_number}-{submitted_at}");
    app.store
        .import_submission(
            authority,
            &Actor::operator(),
            &NewReceived {
                org_number,
                org_name: org_number,
                submission_id: None,
                envelope: None,
                sha256: &sha,
                key_id: "k",
                submitted_at,
                received_by_name: "Test",
                figures: &figures,
            },
        )
        .await
        .unwrap();
}

fn entry(org_number: &str, county: &str) -> NewRegistryEntry {
    NewRegistryEntry {
        org_number: org_number.into(),
        name: org_number.into(),
        kind: "municipality".into(),
        county: county.into(),
        individuals: None,
        kinds_of_care: String::new(),
        nis2_class: "unknown".into(),
        last_supervised_on: None,
        public_key: String::new(),
        generated: false,
    }
}

#[tokio::test]
async fn national_figures_never_rest_on_fewer_than_five_organisations() {
    let app = TestApp::spawn().await;
    let (imy, _) = app.org("IMY Nationellt", OrgKind::Authority).await;
    let (ivo, _) = app.org("IVO Nationellt", OrgKind::Authority).await;
    app.member(&imy, "analytiker@imy-nat.example", Role::Analyst)
        .await;
    app.member(&imy, "chef@imy-nat.example", Role::SupervisionLead)
        .await;
    app.member(&ivo, "analytiker@ivo-nat.example", Role::Analyst)
        .await;
    let b = app.login("analytiker@imy-nat.example").await;

    // Nothing received: the page says so and shows no figure.
    let (status, html) = b.get_text("/authority/national").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("inte tagit emot några inlämningar"), "{html}");

    // Four organisations: still nothing.
    let mut registry = vec![];
    for n in 0..4 {
        let org = format!("21200{n}-0001");
        registry.push(entry(&org, "Gotlands län"));
        receive(
            &app,
            &imy,
            &org,
            "municipality",
            "2026-03-10T10:00:00Z",
            40,
            Some("2026-01-15"),
        )
        .await;
    }
    let (_, html) = b.get_text("/authority/national").await;
    assert!(
        html.contains("Färre än fem organisationer har lämnat in"),
        "{html}"
    );
    let (_, api) = app
        .api(&make_token(&b, "Nationellt", &["read"]).await)
        .get_json("/api/v1/authority/national-figures")
        .await;
    assert_eq!(api["suppressed"], true);
    assert_eq!(api["total"], serde_json::Value::Null);
    assert!(api["by_county"].as_array().unwrap().is_empty());

    // Seven more in Uppsala (7) and one more on Gotland (5): 12 in all. Gotland stands alone at
    // five; a lone group below five is merged.
    for n in 0..7 {
        let org = format!("21201{n}-0001");
        registry.push(entry(&org, "Uppsala län"));
        receive(&app, &imy, &org, "region", "2026-03-12T10:00:00Z", 80, None).await;
    }
    registry.push(entry("212020-0001", "Gotlands län"));
    receive(
        &app,
        &imy,
        "212020-0001",
        "municipality",
        "2026-03-12T10:00:00Z",
        40,
        None,
    )
    .await;
    // One in Skåne: alone it would be 1, found by subtraction; it joins the smallest group.
    registry.push(entry("212030-0001", "Skåne län"));
    receive(
        &app,
        &imy,
        "212030-0001",
        "private_provider",
        "2026-03-12T10:00:00Z",
        100,
        None,
    )
    .await;
    app.store
        .import_registry(&imy, &Actor::operator(), "registry.csv", &registry)
        .await
        .unwrap();
    let token = make_token(&b, "Nationellt 2", &["read"]).await;
    let (_, api) = app
        .api(&token)
        .get_json("/api/v1/authority/national-figures")
        .await;
    assert_eq!(api["suppressed"], false);
    assert_eq!(api["total"]["organisations"], 13);
    let counties = api["by_county"].as_array().unwrap();
    for g in counties {
        assert!(g["figures"]["organisations"].as_i64().unwrap() >= 5, "{g}");
    }
    let alone: Vec<&str> = counties
        .iter()
        .filter(|g| g["rest"] == false)
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(alone, ["Uppsala län"], "{api}");
    let rest = counties.iter().find(|g| g["rest"] == true).unwrap();
    assert_eq!(
        rest["merged"],
        serde_json::json!(["Gotlands län", "Skåne län"])
    );
    assert_eq!(rest["figures"]["organisations"], 6);
    // Kinds: region 7; municipality 5; a lone private provider merged with the municipalities.
    let kinds = api["by_kind"].as_array().unwrap();
    assert!(
        !kinds.iter().any(|g| g["group"] == "private_provider"),
        "{kinds:?}"
    );
    // Compliance: (4 × 40 + 7 × 80 + 40 + 100) / 13 = 66.15 → 66.
    assert_eq!(api["total"]["compliance_percent"], 66);
    assert_eq!(api["gaps"][0]["percent"], 100);

    // The page shows the same, names the merged counties and never Skåne's own figure.
    let (_, html) = b.get_text("/authority/national").await;
    assert!(html.contains("Övriga"), "{html}");
    assert!(html.contains("Gotlands län, Skåne län"));
    assert!(html.contains("66 %"));
    // CSV export.
    let res = b.get("/authority/national/export?format=csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(csv.contains("Uppsala län"), "{csv}");
    assert!(!csv.lines().any(|l| l.contains(";Skåne län;")), "{csv}");
    // The report: the same figures and merged groups, read as a PDF reader reads it.
    let pdf = crate::reports::report(&b, "/authority/national/export?format=pdf").await;
    for want in [
        "Nationella siffror",
        "Ingen siffra visas för färre än fem organisationer",
        "Per län",
        "Gotlands län, Skåne län",
        "66 %",
    ] {
        assert!(pdf.text.contains(want), "{want} in {}", pdf.text);
    }
    assert!(!pdf.text.contains("Skåne län 1 "), "{}", pdf.text);
    let res = b.get("/authority/national/export?format=docx").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Another authority sees none of it.
    let other = app.login("analytiker@ivo-nat.example").await;
    let (_, html) = other.get_text("/authority/national").await;
    assert!(html.contains("inte tagit emot några inlämningar"));
    // A provider may not see national figures at all.
    let (p, _) = app.org("Region Nationell", OrgKind::Region).await;
    let provider = app
        .member_signed_in(&p, "samordnare@nat.example", Role::Coordinator)
        .await;
    assert_eq!(
        provider.get("/authority/national").await.status(),
        StatusCode::FORBIDDEN
    );

    // Support published 2026-04-01; the same 13 submit again in May with better figures.
    for n in 0..4 {
        receive(
            &app,
            &imy,
            &format!("21200{n}-0001"),
            "municipality",
            "2026-05-10T10:00:00Z",
            60,
            Some("2026-05-01"),
        )
        .await;
    }
    for n in 0..7 {
        receive(
            &app,
            &imy,
            &format!("21201{n}-0001"),
            "region",
            "2026-05-12T10:00:00Z",
            90,
            Some("2026-05-01"),
        )
        .await;
    }
    let analyst_mark = b
        .post_form(
            "/authority/national/marks",
            &[("title", "Vägledning"), ("published_on", "2026-04-01")],
        )
        .await;
    assert_eq!(
        analyst_mark.status(),
        StatusCode::FORBIDDEN,
        "only the lead marks support"
    );
    let lead = app.login("chef@imy-nat.example").await;
    let res = lead
        .post_form(
            "/authority/national/marks",
            &[
                ("title", "Vägledning om styrning"),
                ("published_on", "2099-04-01"),
                ("areas", "moon"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("href=\"#published_on\"") && page.contains("href=\"#areas\""),
        "{page}"
    );
    let lead_token = make_token(&lead, "Ledning", &["read", "write"]).await;
    let res = app
        .api(&lead_token)
        .post("/api/v1/authority/support-marks", serde_json::json!({"title": "Vägledning om styrning", "published_on": "2026-04-01", "areas": ["sty"], "window_months": 3}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mark: serde_json::Value = res.json().await.unwrap();
    assert_eq!(mark["before"]["organisations"], 13);
    assert_eq!(mark["after"]["organisations"], 11);
    assert_eq!(mark["before"]["compliance_percent"], 66);
    // (4 × 60 + 7 × 90) / 11 = 79.09 → 79.
    assert_eq!(mark["after"]["compliance_percent"], 79);
    assert_eq!(mark["paired_organisations"], 11);
    // Each of the 11 rose by 20 (4) or 10 (7): (80 + 70) / 11 = 13.6 → 14.
    assert_eq!(mark["paired_compliance_change"], 14);
    let (_, html) = lead.get_text("/authority/national").await;
    assert!(html.contains("Vägledning om styrning"));
    assert!(
        html.contains("ändrades i genomsnitt med +14 procentenheter"),
        "{html}"
    );
}
