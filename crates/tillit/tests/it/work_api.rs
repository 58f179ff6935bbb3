//! The API of the systematic work: the same rules as the pages, problems that name the field and
//! rule, and every endpoint in the OpenAPI document.

use crate::helpers::*;
use crate::requirements::patient_system;
use reqwest::StatusCode;
use serde_json::json;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn the_whole_cycle_through_the_api() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Api", OrgKind::Region).await;
    app.member(&t, "samordnare@api.example", Role::Coordinator)
        .await;
    let owner = app.member(&t, "agare@api.example", Role::Owner).await;
    let system = patient_system(&app, &t, "public_cloud").await;
    let b = app.login("samordnare@api.example").await;
    let api = app.api(&make_token(&b, "integration", &["read", "write"]).await);

    // What applies, and why.
    let (s, reqs) = api
        .get_json(&format!("/api/v1/systems/{system}/requirements"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let lev5 = reqs
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["requirement_id"] == "lev-5")
        .expect("public cloud brings lev-5");
    assert_eq!(lev5["reasons"], json!(["public-cloud"]));
    let res = api
        .put(
            &format!("/api/v1/systems/{system}/requirements/lev-5/assessment"),
            json!({"status": "not_applicable"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "motivation");
    let res = api
        .put(
            &format!("/api/v1/systems/{system}/requirements/lev-5/assessment"),
            json!({"status": "not_met", "comment": "Ingen exitplan"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Evidence as a link, and a review recorded.
    let res = api
        .post(
            &format!("/api/v1/systems/{system}/requirements/lev-5/evidence"),
            json!({"url": "ftp://x"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = api
        .post(
            &format!("/api/v1/systems/{system}/requirements/lev-5/evidence"),
            json!({"url": "https://intranat.example/exitplan"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = api
        .post_empty(&format!("/api/v1/systems/{system}/review"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let r: serde_json::Value = res.json().await.unwrap();
    assert_eq!(r["reviewed_on"], json!(tillit_app::today()));

    // A risk analysis and a scenario above tolerance accepted by the owner.
    let res = api
        .post(
            "/api/v1/risk-analyses",
            json!({"title": "Moln 2026", "analysed_on": "2026-11-02", "system_ids": [system]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let analysis: serde_json::Value = res.json().await.unwrap();
    let aid = analysis["id"].as_str().unwrap();
    // The list names the systems each analysis covers, on the page and in the API.
    let (_, list) = api.get_json("/api/v1/risk-analyses").await;
    assert_eq!(list["items"][0]["system_ids"], json!([system]), "{list}");
    let (_, sys) = api.get_json(&format!("/api/v1/systems/{system}")).await;
    let name = sys["name"].as_str().unwrap();
    let (_, html) = b.get_text("/risks").await;
    let row = html
        .split(&format!("/risks/{aid}"))
        .nth(1)
        .unwrap_or_default();
    let row = row.split("</tr>").next().unwrap_or_default();
    assert!(row.contains(name), "{name}: {row}");
    let res = api
        .post(&format!("/api/v1/risk-analyses/{aid}/scenarios"), json!({"title": "Utländsk lag", "threat_key": "foreign_law_disclosure", "inherent_likelihood": 9, "inherent_consequence": 3}))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "inherent_likelihood");
    assert_eq!(p["errors"][0]["rule"], "out_of_range");
    // Inside the largest matrix the document allows (6) but beyond this organisation's (4):
    // refused as a conflict with its records, not as a broken rule of the document.
    let res = api
        .post(&format!("/api/v1/risk-analyses/{aid}/scenarios"), json!({"title": "Utländsk lag", "threat_key": "foreign_law_disclosure", "inherent_likelihood": 5, "inherent_consequence": 3}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["rule"], "outside_risk_matrix");
    // The API reads JSON types as the document gives them: a number sent as text is refused.
    let res = api
        .post(&format!("/api/v1/risk-analyses/{aid}/scenarios"), json!({"title": "Utländsk lag", "threat_key": "foreign_law_disclosure", "inherent_likelihood": "3", "inherent_consequence": 3}))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (
            p["errors"][0]["field"].as_str(),
            p["errors"][0]["rule"].as_str()
        ),
        (Some("inherent_likelihood"), Some("invalid_format"))
    );
    let res = api
        .post(&format!("/api/v1/risk-analyses/{aid}/scenarios"), json!({"title": "Utländsk lag", "threat_key": "foreign_law_disclosure", "inherent_likelihood": 3, "inherent_consequence": 3,
                        "treatment": "accept", "accepted_by": owner, "accepted_on": "2026-11-03", "acceptance_note": "Till exit 2027"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let sc: serde_json::Value = res.json().await.unwrap();
    assert_eq!(sc["above_tolerance"], true);
    assert_eq!(sc["accepted_by_name"], "Test agare@api.example");
    // Entered by the coordinator's integration: it waits on the owner, who answers with their
    // own token; a refusal needs a note and leaves the risk without a treatment.
    assert!(sc["acceptance_signed_at"].is_null());
    let answer = format!(
        "/api/v1/scenarios/{}/acceptance",
        sc["id"].as_str().unwrap()
    );
    let res = api.post(&answer, json!({"decision": "accept"})).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let ob = app.login("agare@api.example").await;
    let owner_api = app.api(&make_token(&ob, "ägare", &["read", "write"]).await);
    let res = owner_api
        .post(&answer, json!({"decision": "decline"}))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "note");
    let res = owner_api
        .post(
            &answer,
            json!({"decision": "decline", "note": "Exit 2027 räcker inte; minska risken."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let declined: serde_json::Value = res.json().await.unwrap();
    assert!(declined["treatment"].is_null() && declined["accepted_by"].is_null());
    let (_, heat) = api
        .get_json(&format!("/api/v1/heat-map?analysis_id={aid}"))
        .await;
    let cell = heat["residual"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["likelihood"] == 3 && c["consequence"] == 3)
        .unwrap();
    assert_eq!(cell["count"], 1);
    assert_eq!(heat["inherent"].as_array().unwrap().len(), 16);

    // Measures: untraced refused with the rule; traced to the requirement accepted.
    let res = api
        .post("/api/v1/measures", json!({"title": "Exitplan"}))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "traces");
    assert_eq!(p["errors"][0]["rule"], "untraced");
    let res = api
        .post("/api/v1/measures", json!({"title": "Exitplan", "due_on": "2026-01-31", "requirements": [format!("{system}/lev-5")]}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let x: serde_json::Value = res.json().await.unwrap();
    assert_eq!(x["overdue"], true);
    let (_, list) = api.get_json("/api/v1/measures?overdue=true").await;
    assert_eq!(list["total"], 1);

    // The system's page sums it up: its risk above tolerance, the overdue measure, both listed.
    let (_, page) = b.get_text(&format!("/systems/{system}")).await;
    let standing = page
        .split("Läget för systemet")
        .nth(1)
        .and_then(|p| p.split("</section>").next())
        .unwrap_or_default();
    assert!(
        standing.contains("Utländsk lag") && standing.contains("3 × 3 = 9"),
        "{standing}"
    );
    assert!(
        standing.contains("Exitplan") && standing.contains("försenad"),
        "{standing}"
    );
    let kpi = |label: &str| {
        standing
            .split(&format!("<span class=\"kpi-label\">{label}</span>"))
            .next()
            .and_then(|h| h.rsplit("<span class=\"kpi-value\">").next())
            .and_then(|v| v.split('<').next())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(kpi("Risker över tolerans"), "1", "{standing}");
    assert_eq!(kpi("Försenade åtgärder"), "1");
    assert_eq!(kpi("Risker"), "1");

    // The access-needs analysis: a system without one says so, rather than "not found".
    let (s, a) = api
        .get_json(&format!("/api/v1/systems/{system}/access-analysis"))
        .await;
    assert_eq!((s, a["status"].clone()), (StatusCode::OK, json!("missing")));
    assert_eq!(a["risks_wider"], serde_json::Value::Null);
    let (s, _) = api
        .get_json("/api/v1/systems/01a233f2-aef2-729e-88a5-4fa5419b385f/access-analysis")
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "an unknown system is still not found"
    );
    let res = api
        .put(
            &format!("/api/v1/systems/{system}/access-analysis"),
            json!({"groups": [], "risks_wider": "x", "access_rules": "y"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Before there is an analysis, nobody has been asked to approve one.
    let ob = app.login("agare@api.example").await;
    let owner_api = app.api(&make_token(&ob, "ägare 2", &["read", "write"]).await);
    let early = owner_api
        .post(
            &format!("/api/v1/systems/{system}/access-analysis/approval"),
            json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(early.status(), StatusCode::FORBIDDEN);
    let res = api
        .put(&format!("/api/v1/systems/{system}/access-analysis"), json!({"groups": [{"name": "Läkare", "information_needed": "Journalen", "reason": "Behandling"}],
                        "risks_wider": "Snokning", "access_rules": "Vårdrelation", "approved_by": owner, "approved_on": "2026-11-04"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let a: serde_json::Value = res.json().await.unwrap();
    assert_eq!(a["next_review_on"], "2027-11-04");
    // Asked of the owner by the integration: it waits until the owner approves with their token.
    assert_eq!(a["status"], "awaiting_approval");
    let res = owner_api
        .post(
            &format!("/api/v1/systems/{system}/access-analysis/approval"),
            json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let a: serde_json::Value = res.json().await.unwrap();
    assert_eq!(a["status"], "approved");
    assert!(a["approval_signed_at"].is_string());

    // Follow-up: the overdue measure is a gap; the analysed system is not.
    let (_, f) = api.get_json("/api/v1/follow-up").await;
    let gap = |k: &str| {
        f["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["kind"] == k)
            .unwrap()["count"]
            .clone()
    };
    assert_eq!(gap("overdue_measure"), 1);
    assert_eq!(gap("missing_access_analysis"), 0);

    // A read-only token may read but not change.
    let reader = app.api(&make_token(&b, "läs", &["read"]).await);
    let res = reader
        .put(
            "/api/v1/risk-matrix",
            json!({"likelihoods": 5, "consequences": 5, "tolerance": 10}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (s, m) = reader.get_json("/api/v1/risk-matrix").await;
    assert_eq!((s, m["likelihoods"].clone()), (StatusCode::OK, json!(4)));

    // Every endpoint is documented.
    let (_, doc) = api.get_json("/api/v1/openapi.json").await;
    for path in [
        "/api/v1/systems/{id}/requirements",
        "/api/v1/systems/{id}/requirements/{rid}/assessment",
        "/api/v1/requirements/{rid}/assessment",
        "/api/v1/risk-matrix",
        "/api/v1/risk-analyses/{id}/scenarios",
        "/api/v1/scenarios/{id}",
        "/api/v1/heat-map",
        "/api/v1/measures/{id}",
        "/api/v1/systems/{id}/access-analysis",
        "/api/v1/follow-up",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} in the OpenAPI document"
        );
    }
}
