//! The search over the registers: Swedish letters in any case, every kind of object, only the
//! organisation's own and only those in use, and a clear error for a query too short.

use crate::helpers::*;
use crate::requirements::patient_system;
use reqwest::StatusCode;
use serde_json::json;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn the_search_finds_the_organisations_own_objects_in_use() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Sök", OrgKind::Region).await;
    app.member(&t, "samordnare@sok.example", Role::Coordinator)
        .await;
    let (other, _) = app.org("Region Annan", OrgKind::Region).await;
    app.member(&other, "samordnare@annan.example", Role::Coordinator)
        .await;
    let system = patient_system(&app, &t, "own_operation").await;
    patient_system(&app, &other, "own_operation").await;
    let b = app.login("samordnare@sok.example").await;
    let api = app.api(&make_token(&b, "sok", &["read", "write"]).await);

    // A measure and a scenario whose words carry Swedish letters.
    let res = api
        .post(
            "/api/v1/measures",
            json!({"title": "Översyn av behörigheter i journalen", "status": "planned",
                "requirements": [format!("{system}/log-2")]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = api
        .post(
            "/api/v1/risk-analyses",
            json!({"title": "Journalens risker", "analysed_on": "2026-11-02"}),
        )
        .await;
    let ra: serde_json::Value = res.json().await.unwrap();
    let aid = ra["id"].as_str().unwrap();
    let res = api
        .post(
            &format!("/api/v1/risk-analyses/{aid}/scenarios"),
            json!({"title": "Obehörig läsning", "threat_key": "unauthorised_internal_access",
                "threat_text": "Personal läser JOURNALER utan vårdrelation",
                "inherent_likelihood": 2, "inherent_consequence": 3}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // "journal" in any case finds the asset (Patientjournal), the analysis, the scenario (by its
    // threat) and the measure; "ÖVERSYN" finds the measure by its Swedish capital.
    let (s, hits) = api.get_json("/api/v1/search?q=JOURNAL").await;
    assert_eq!(s, StatusCode::OK);
    let kinds: Vec<(String, i64)> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["kind"].as_str().unwrap().to_string(),
                g["total"].as_i64().unwrap(),
            )
        })
        .collect();
    for (kind, n) in [
        ("asset", 1),
        ("risk_analysis", 1),
        ("scenario", 1),
        ("measure", 1),
    ] {
        assert!(kinds.contains(&(kind.to_string(), n)), "{kind}: {kinds:?}");
    }
    let (_, hits) = api.get_json("/api/v1/search?q=%C3%96VERSYN").await;
    let measure = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "measure")
        .unwrap();
    assert_eq!(measure["total"], 1, "{hits}");
    assert!(measure["items"][0]["href"]
        .as_str()
        .unwrap()
        .starts_with("/measures/"));

    // The page: grouped hits with links, and only this organisation's asset.
    let (s, html) = b.get_text("/search?q=patientjournal").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("En träff på ”patientjournal”."), "{html}");
    assert_eq!(html.matches("href=\"/assets/").count(), 1, "{html}");

    // Archived, the measure is no longer found.
    let id = measure["items"][0]["id"].as_str().unwrap();
    let res = api
        .post_empty(&format!("/api/v1/measures/{id}/archive"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, hits) = api.get_json("/api/v1/search?q=%C3%B6versyn").await;
    let total: i64 = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["total"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 0, "{hits}");

    // Too short: the field and the rule, on the page and in the API; a LIKE wildcard is a letter.
    let (s, html) = b.get_text("/search?q=j").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#q\""), "{html}");
    let res = api.get("/api/v1/search?q=j").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "q");
    assert_eq!(p["errors"][0]["rule"], "too_short");
    let (_, hits) = api.get_json("/api/v1/search?q=%25%25").await;
    let total: i64 = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["total"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 0, "'%%' is searched for as it is: {hits}");
}
