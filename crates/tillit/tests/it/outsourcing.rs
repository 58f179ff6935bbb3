//! Outsourcing cases over HTTP: facts from the registers, the assessment by the rule set, the
//! decision record (immutable, with the facts' hash and the rule-set version), conditions as
//! measures, roles and tenancy.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use tillit_domain::classification::{ConsequenceLevel, Levels};
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::{Actor, AssetInput, Tenant};

/// A region with a classified patient-data asset in a system, and a US-owned cloud supplier.
async fn region(app: &TestApp) -> (Tenant, String, String) {
    let (t, _) = app.org("Region Moln", OrgKind::Region).await;
    let asset = app
        .store
        .create_asset(
            &t,
            &Actor::operator(),
            &AssetInput {
                name: "1177-ärenden".into(),
                description: None,
                owner_membership_id: None,
                personal_data: true,
                special_categories: vec!["health".into()],
                offences: false,
                data_subjects: vec!["patients".into()],
                individuals_approx: Some(120_000),
                confidentiality_provisions: Some("25 kap. 1 § OSL".into()),
                confidentiality_strength: Some("presumption_of_secrecy".into()),
                legal_basis: None,
                review_interval_months: 12,
            },
        )
        .await
        .unwrap();
    let lv = |n| ConsequenceLevel::from_number(n).unwrap();
    app.store
        .classify_asset(
            &t,
            &Actor::operator(),
            &asset.id,
            &Levels {
                confidentiality: lv(3),
                integrity: lv(2),
                availability: lv(2),
                traceability: lv(2),
            },
            "Patientuppgifter",
        )
        .await
        .unwrap();
    let system = app
        .store
        .create_system(
            &t,
            &Actor::operator(),
            &tillit_store::SystemInput {
                name: "E-tjänstplattformen".into(),
                description: None,
                owner_membership_id: None,
                supplier_id: None,
                hosting: "public_cloud".into(),
                country: None,
                review_interval_months: 12,
                asset_ids: vec![asset.id.to_string()],
            },
        )
        .await
        .unwrap();
    let supplier = app
        .store
        .create_supplier(
            &t,
            &Actor::operator(),
            &tillit_domain::supplier::SupplierInput::try_from(
                &tillit_domain::supplier::SupplierDraft {
                    name: "Digitala Vårdtjänster AB".into(),
                    country: "SE".into(),
                    parent_company: "Global Cloud Inc.".into(),
                    parent_country: "US".into(),
                    data_locations: vec!["SE".into()],
                    support_locations: vec!["SE".into()],
                    subprocessors: "Drift AB; SE".into(),
                    dpa_signed_on: "2024-09-01".into(),
                    confidentiality_undertaking: "yes".into(),
                    audit_rights: "yes".into(),
                    subprocessor_approval: "yes".into(),
                    exit_terms: "yes".into(),
                    ..Default::default()
                },
            )
            .unwrap(),
        )
        .await
        .unwrap();
    (t, system.id.to_string(), supplier.id.to_string())
}

#[tokio::test]
async fn a_case_is_assessed_from_the_registers_and_decided_with_a_record() {
    let app = TestApp::spawn().await;
    let (t, system, supplier) = region(&app).await;
    app.member(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    app.member(&t, "agare@r.example", Role::Owner).await;
    let coordinator = app.login("samordnare@r.example").await;
    let api = app.api(&make_token(&coordinator, "utkontraktering", &["read", "write"]).await);

    // As offered: the supplier's own keys and plaintext access, under a US parent.
    let res = api
        .post("/api/v1/outsourcing-cases", json!({
                "title": "E-tjänster i publikt moln", "reference": "RS 2026/1234",
                "supplier_id": supplier, "system_ids": [system],
                "scope": "technical", "encryption_in_transit": "yes", "encryption_at_rest": "yes",
                "key_holder": "supplier", "supplier_plaintext_access": "yes", "supplier_access_logged": "yes"
            }))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: serde_json::Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["reference"], "RS 2026/1234");
    assert_eq!(
        created["prepared_by_name"], "Test samordnare@r.example",
        "whoever opens the case prepares it"
    );
    let (_, v) = api
        .get_json(&format!("/api/v1/outsourcing-cases/{id}"))
        .await;
    let a = &v["assessment"];
    assert_eq!(a["question"], "osl_10_2a");
    assert_eq!(a["recommendation"], "unsuitable", "{a:#}");
    // The registers gave the level, the strength and the foreign law; they were not retyped.
    assert_eq!(v["facts"]["confidentiality_level"], 3);
    assert_eq!(v["facts"]["foreign_law_exposure"], true);
    let from_registers: Vec<&str> = v["from_registers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(from_registers.contains(&"confidentiality_level"));
    assert!(a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "utl-plaintext" && f["provision"] == "10 kap. 2 a § OSL"));
    assert_eq!(a["conditions"][0]["id"], "customer-held-keys");
    assert_eq!(
        a["conditions"][0]["recommendation_to"],
        "suitable_with_conditions"
    );

    // The coordinator may not decide; the information owner may.
    let res = api
        .post(
            &format!("/api/v1/outsourcing-cases/{id}/decision"),
            json!({"outcome": "rejected", "motivation": "x"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let owner = app.login("agare@r.example").await;
    let owner_api = app.api(&make_token(&owner, "beslut", &["read", "write"]).await);
    // Bad input names the field; nothing is recorded.
    let res = owner_api
        .post(&format!("/api/v1/outsourcing-cases/{id}/decision"), json!({"outcome": "approved_with_conditions", "motivation": "", "conditions": ["made-up"]}))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, v) = owner_api
        .get_json(&format!("/api/v1/outsourcing-cases/{id}"))
        .await;
    assert_eq!(v["decisions"].as_array().unwrap().len(), 0);
    let res = owner_api
        .post(&format!("/api/v1/outsourcing-cases/{id}/decision"), json!({"outcome": "approved_with_conditions",
                        "motivation": "Godkänns bara med regionens egna nycklar utanför leverantörens kontroll.",
                        "conditions": ["customer-held-keys"], "conditions_due_on": "2027-03-31",
                        "delegation": "punkt 4.2 i regionstyrelsens delegationsordning"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let d: serde_json::Value = res.json().await.unwrap();
    assert_eq!(d["rule_set_id"], "tillit-utkontraktering");
    assert_eq!(d["rule_set_version"], "1");
    assert_eq!(d["recommendation"], "unsuitable");
    assert_eq!(d["facts_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(d["facts"]["key_holder"], "supplier");
    // The memo names the diary reference, who prepared the case and the delegation.
    let (_, memo) = coordinator
        .get_text(&format!("/outsourcing/{id}/memo"))
        .await;
    for text in [
        "RS 2026/1234",
        "Handläggare",
        "Test samordnare@r.example",
        "Beslutat med stöd av punkt 4.2 i regionstyrelsens delegationsordning.",
    ] {
        assert!(memo.contains(text), "{text}");
    }

    // The condition became a measure in the action plan, traced to the outsourcing requirement.
    let (_, measures) = api.get_json("/api/v1/measures").await;
    let m = measures["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["due_on"] == "2027-03-31")
        .expect("the condition's measure");
    assert_eq!(m["requirements"], json!([format!("{system}/lev-2")]));
    assert_eq!(
        m["title"], "Krypteringsnycklar enbart hos kunden, utom leverantörens kontroll",
        "the condition's name"
    );
    // The case follows its conditions' measures.
    let (_, v) = owner_api
        .get_json(&format!("/api/v1/outsourcing-cases/{id}"))
        .await;
    assert_eq!(v["measures"][0]["id"], m["id"]);
    assert_eq!(v["measures"][0]["status"], "planned");
    assert_eq!(v["measures"][0]["decision_id"], d["id"]);
    assert!(m["description"]
        .as_str()
        .unwrap()
        .starts_with("Kunden håller nycklarna i egen nyckelhantering"));

    // The record cannot be changed, even in the database.
    let pool = crate::audit::raw_pool(&app).await;
    let changed = sqlx::query("UPDATE outsourcing_decisions SET outcome = 'approved'")
        .execute(&pool)
        .await;
    assert!(changed.is_err(), "a decision record is append-only");

    // When the facts change, the case says it needs to be assessed again.
    let res = api
        .put(&format!("/api/v1/outsourcing-cases/{id}"), json!({
                "title": "E-tjänster i publikt moln", "supplier_id": supplier, "system_ids": [system],
                "scope": "technical", "encryption_in_transit": "yes", "encryption_at_rest": "yes",
                "key_holder": "customer_outside_supplier", "supplier_plaintext_access": "no", "supplier_access_logged": "yes"
            }))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, v) = api
        .get_json(&format!("/api/v1/outsourcing-cases/{id}"))
        .await;
    assert_eq!(v["needs_reassessment"], true);
    // The list says so too, beside today's assessment.
    let (_, list) = api.get_json("/api/v1/outsourcing-cases").await;
    let item = &list["items"][0];
    assert_eq!(
        (item["id"].as_str(), item["needs_reassessment"].clone()),
        (Some(id.as_str()), json!(true))
    );
    assert_eq!(item["recommendation"], "suitable_with_conditions");
    assert_eq!(item["decided"], "approved_with_conditions");
    let (_, html) = coordinator.get_text("/outsourcing").await;
    assert!(html.contains("Pröva igen") && html.contains("Bedömning i dag"));
    // ... and the follow-up lists it as a gap.
    let (_, follow_up) = api.get_json("/api/v1/follow-up").await;
    let gap = follow_up["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "outsourcing_reassessment")
        .expect("the outsourcing gap");
    assert_eq!(gap["count"], 1);
    assert_eq!(gap["items"][0]["href"], format!("/outsourcing/{id}"));
    assert_eq!(
        v["assessment"]["recommendation"],
        "suitable_with_conditions"
    );

    // A residual risk goes into a risk analysis as a scenario with one click.
    let res = api
        .post("/api/v1/risk-analyses", json!({"title": "Molntjänster 2027", "analysed_on": "2026-12-01", "system_ids": [system]}))
        .await;
    let analysis = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let assessment = &v["assessment"];
    let risk_rule = assessment["residual_risks"][0][0]
        .as_str()
        .unwrap()
        .to_string();
    let res = coordinator
        .post_form(
            &format!("/outsourcing/{id}/risk"),
            &[
                ("rule_id", risk_rule.as_str()),
                ("analysis_id", analysis.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, scenarios) = api
        .get_json(&format!("/api/v1/risk-analyses/{analysis}/scenarios"))
        .await;
    let s = &scenarios.as_array().unwrap()[0];
    assert_eq!(s["inherent_consequence"], 3, "from the classification");
    // Carried again (a double click, a second visit): still one scenario, and the user is told.
    let res = coordinator
        .post_form(
            &format!("/outsourcing/{id}/risk"),
            &[
                ("rule_id", risk_rule.as_str()),
                ("analysis_id", analysis.as_str()),
            ],
        )
        .await;
    assert!(location(res.headers()).ends_with("done=scenario-exists"));
    let (_, again) = api
        .get_json(&format!("/api/v1/risk-analyses/{analysis}/scenarios"))
        .await;
    assert_eq!(again.as_array().unwrap().len(), 1);
    assert!(s["vulnerability"]
        .as_str()
        .unwrap()
        .contains("E-tjänster i publikt moln"));
    let res = coordinator
        .post_form(
            &format!("/outsourcing/{id}/risk"),
            &[
                ("rule_id", "no-such-rule"),
                ("analysis_id", analysis.as_str()),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "a risk the assessment does not give"
    );

    // The page and the memo show it in words.
    let (status, html) = coordinator.get_text(&format!("/outsourcing/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Lämpligt med villkor"), "{html}");
    assert!(html.contains("bedömningen behöver göras om"));
    let (status, memo) = coordinator
        .get_text(&format!("/outsourcing/{id}/memo"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        memo.contains("Godkänt med villkor") && memo.contains(d["facts_sha256"].as_str().unwrap())
    );
}

#[tokio::test]
async fn a_private_provider_is_told_that_10_kap_2_a_does_not_govern_it() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Omsorg AB", OrgKind::PrivateProvider).await;
    let b = app
        .member_signed_in(&t, "samordnare@p.example", Role::Coordinator)
        .await;
    let api = app.api(&make_token(&b, "p", &["read", "write"]).await);
    let (_, s) = api.get_json("/api/v1/suppliers").await;
    assert_eq!(s["total"], 0);
    let res = api
        .post(
            "/api/v1/suppliers",
            json!({"name": "Drift AB", "country": "SE"}),
        )
        .await;
    let supplier = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = api
        .post(
            "/api/v1/systems",
            json!({"name": "Omsorgsjournalen", "hosting": "outsourced"}),
        )
        .await;
    let system = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = api
        .post("/api/v1/outsourcing-cases", json!({"title": "Drift", "supplier_id": supplier, "system_ids": [system], "scope": "technical"}))
        .await;
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, v) = api
        .get_json(&format!("/api/v1/outsourcing-cases/{id}"))
        .await;
    assert_eq!(v["assessment"]["question"], "private_confidentiality");
    assert_eq!(v["facts"]["public_body"], false);
    let (_, html) = b.get_text(&format!("/outsourcing/{id}")).await;
    assert!(html.contains("obehörigt röjande"), "{html}");

    // Unknown references are conflicts with the records; a case needs what it concerns.
    let res = api
        .post("/api/v1/outsourcing-cases", json!({"title": "X", "supplier_id": "01a00000-0000-7000-8000-000000000000", "system_ids": [system]}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = api
        .post(
            "/api/v1/outsourcing-cases",
            json!({"title": "X", "supplier_id": supplier}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = api.get_json("/api/v1/outsourcing-cases").await;
    assert_eq!(list["total"], 1, "nothing stored from bad input");
}

#[tokio::test]
async fn an_administrator_delegates_the_right_to_decide_and_withdraws_it() {
    let app = TestApp::spawn().await;
    let (t, system, supplier) = region(&app).await;
    let (other, _) = app.org("Region Annan", OrgKind::Region).await;
    let coordinator_id = app
        .member(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    app.member(&t, "admin@r.example", Role::Admin).await;
    app.member(&other, "admin@annan.example", Role::Admin).await;
    let coordinator = app.login("samordnare@r.example").await;
    let api = app.api(&make_token(&coordinator, "beslut", &["read", "write"]).await);
    let admin = app.login("admin@r.example").await;
    let admin_api = app.api(&make_token(&admin, "admin", &["read", "write", "admin"]).await);
    let res = api
        .post(
            "/api/v1/outsourcing-cases",
            json!({"title": "Drift", "supplier_id": supplier, "system_ids": [system],
                        "scope": "technical"}),
        )
        .await;
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let decide = |api: &Api| {
        let path = format!("/api/v1/outsourcing-cases/{id}/decision");
        let api = api.clone();
        async move {
            api.post(
                &path,
                json!({"outcome": "rejected", "motivation": "Underlaget räcker inte."}),
            )
            .await
        }
    };
    let delegation = format!("/api/v1/members/{coordinator_id}/outsourcing-delegation");

    // A coordinator may not decide by role.
    assert_eq!(decide(&api).await.status(), StatusCode::FORBIDDEN);
    // Only an administrator grants the right; bad input names the field; another
    // organisation's administrator does not find the member.
    let body = json!({"outsourcing_delegation": "punkt 4.2 i regionstyrelsens delegationsordning"});
    let res = api.put(&delegation, body.clone()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = admin_api
        .put(
            &delegation,
            json!({"outsourcing_delegation": "x".repeat(301)}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("outsourcing_delegation"));
    let stranger = app.login("admin@annan.example").await;
    let stranger_api = app.api(&make_token(&stranger, "admin", &["read", "write", "admin"]).await);
    let res = stranger_api.put(&delegation, body.clone()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Granted: the coordinator decides, and the record names the delegation.
    let res = admin_api.put(&delegation, body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let m: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        m["outsourcing_delegation"],
        "punkt 4.2 i regionstyrelsens delegationsordning"
    );
    let res = decide(&api).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let d: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        d["delegation"],
        "punkt 4.2 i regionstyrelsens delegationsordning"
    );
    let (_, html) = admin.get_text("/admin/members").await;
    assert!(html.contains("beslutanderätt för utkontraktering"));

    // Withdrawn: the right is gone at once.
    let res = admin_api
        .put(&delegation, json!({"outsourcing_delegation": ""}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(decide(&api).await.status(), StatusCode::FORBIDDEN);

    // Both changes are in the audit trail.
    let pool = crate::audit::raw_pool(&app).await;
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'member.outsourcing_delegation'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(n, 2);
}
