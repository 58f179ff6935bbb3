//! The register of information assets and their classification: the whole flow in the pages,
//! the roles, bad input, and the API.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use tillit_domain::ids::*;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::AuditFilter;

fn id_from_location(res: &reqwest::Response) -> String {
    let loc = location(res.headers());
    loc.trim_start_matches("/assets/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_coordinator_registers_and_classifies_an_asset() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    let owner = app.member(&t, "agare@r.example", Role::Owner).await;
    let b = app.login("samordnare@r.example").await;

    let res = b
        .post_form(
            "/assets",
            &[
                ("name", "Patientjournal"),
                ("description", "Journaluppgifter i vårdens journalsystem"),
                ("owner_membership_id", &owner),
                ("personal_data", "yes"),
                ("special_categories", "health"),
                ("data_subjects", "patients"),
                ("data_subjects", "children"),
                ("individuals_approx", "250 000"),
                ("confidentiality_provisions", "25 kap. 1 § OSL"),
                ("legal_basis", "PDL"),
                ("review_interval_months", "12"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = id_from_location(&res);
    let (_, html) = b.get_text("/assets").await;
    assert!(
        html.contains("Patientjournal") && html.contains("Ej klassad"),
        "listed, unclassified"
    );
    let (_, html) = b.get_text(&format!("/assets/{id}")).await;
    assert!(
        html.contains("250000")
            && html.contains("Hälsa")
            && html.contains("Barn")
            && html.contains("Test agare@r.example")
    );

    let res = b
        .post_form(
            &format!("/assets/{id}/classify"),
            &[
                ("confidentiality", "3"),
                ("integrity", "3"),
                ("availability", "2"),
                ("traceability", "3"),
                (
                    "motivation",
                    "Uppgifter om hälsa för hela regionens patienter.",
                ),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text(&format!("/assets/{id}")).await;
    assert!(
        html.contains("3 Allvarlig")
            && html.contains("2 Betydande")
            && html.contains("hela regionens patienter")
    );
    // A second classification keeps the first in the history.
    b.post_form(
        &format!("/assets/{id}/classify"),
        &[
            ("confidentiality", "4"),
            ("integrity", "3"),
            ("availability", "3"),
            ("traceability", "3"),
            ("motivation", "Skyddade personuppgifter finns."),
        ],
    )
    .await;
    let history = app
        .store
        .asset_classifications(&t, &AssetId::from(id.as_str()))
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].levels.confidentiality.number(), 4);
    assert_eq!(history[1].levels.confidentiality.number(), 3);
    // Filters, sort and the audit trail.
    b.post_form("/assets", &[("name", "Personalregister")])
        .await;
    let (_, html) = b.get_text("/assets?classified=no").await;
    assert!(html.contains("Personalregister") && !html.contains("Patientjournal"));
    let (_, html) = b.get_text("/assets?sort=level").await;
    assert!(
        html.find("Patientjournal").unwrap() < html.find("Personalregister").unwrap(),
        "highest protection need first"
    );
    let ev = app
        .store
        .list_audit_events(
            &t,
            &AuditFilter {
                action: Some("asset.classify".into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(ev.total, 2);
    // Editing keeps the classification.
    let res = b
        .post_form(
            &format!("/assets/{id}"),
            &[
                ("name", "Patientjournal (Cosmic)"),
                ("personal_data", "yes"),
                ("special_categories", "health"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let a = app
        .store
        .asset(&t, &AssetId::from(id.as_str()))
        .await
        .unwrap();
    assert_eq!(a.input.name, "Patientjournal (Cosmic)");
    assert_eq!(a.levels.unwrap().confidentiality.number(), 4);
}

#[tokio::test]
async fn bad_asset_input_names_the_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let (other, _) = app.org("Annan region", OrgKind::Region).await;
    let foreign_owner = app.member(&other, "annan@x.example", Role::Owner).await;
    let b = app
        .member_signed_in(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    b.post_form("/assets", &[("name", "Finns redan")]).await;
    let long = "x".repeat(201);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("name", "")], "name"),
        (vec![("name", &long)], "name"),
        (
            vec![("name", "A"), ("individuals_approx", "många")],
            "individuals_approx",
        ),
        (
            vec![("name", "A"), ("individuals_approx", "-5")],
            "individuals_approx",
        ),
        (
            vec![("name", "A"), ("special_categories", "health")],
            "personal_data",
        ),
        (
            vec![
                ("name", "A"),
                ("personal_data", "yes"),
                ("data_subjects", "aliens"),
            ],
            "data_subjects",
        ),
        (
            vec![("name", "A"), ("review_interval_months", "0")],
            "review_interval_months",
        ),
        (
            vec![("name", "A"), ("owner_membership_id", &foreign_owner)],
            "owner_membership_id",
        ),
        (vec![("name", "Finns redan")], "name"),
    ];
    for (fields, field) in cases {
        let res = b.post_form("/assets", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(
            res.text()
                .await
                .unwrap()
                .contains(&format!("href=\"#{field}\"")),
            "names {field}"
        );
    }
    assert_eq!(
        app.store
            .list_assets(&t, &Default::default(), Default::default())
            .await
            .unwrap()
            .total,
        1,
        "nothing stored"
    );

    let id = app
        .store
        .list_assets(&t, &Default::default(), Default::default())
        .await
        .unwrap()
        .items[0]
        .id
        .clone();
    for (fields, field) in [
        (
            vec![
                ("integrity", "1"),
                ("availability", "1"),
                ("traceability", "1"),
                ("motivation", "m"),
            ],
            "confidentiality",
        ),
        (
            vec![
                ("confidentiality", "7"),
                ("integrity", "1"),
                ("availability", "1"),
                ("traceability", "1"),
                ("motivation", "m"),
            ],
            "confidentiality",
        ),
        (
            vec![
                ("confidentiality", "1"),
                ("integrity", "1"),
                ("availability", "1"),
                ("traceability", "1"),
                ("motivation", " "),
            ],
            "motivation",
        ),
    ] {
        let res = b
            .post_form(&format!("/assets/{id}/classify"), &fields)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains(&format!("href=\"#{field}\"")),
            "names {field}"
        );
    }
    assert!(
        app.store.asset(&t, &id).await.unwrap().levels.is_none(),
        "no classification stored"
    );
    assert_eq!(
        b.get("/assets?sort=random").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn roles_decide_who_reads_edits_and_classifies() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let (imy, _) = app.org("Tillsyn", OrgKind::Authority).await;
    app.member(&t, "admin@r.example", Role::Admin).await;
    app.member(&t, "las@r.example", Role::Reader).await;
    app.member(&t, "sys@r.example", Role::SystemOwner).await;
    app.member(&imy, "handl@imy.example", Role::CaseOfficer)
        .await;
    let admin = app.login("admin@r.example").await;
    let id = id_from_location(&admin.post_form("/assets", &[("name", "Labbsvar")]).await);
    let classify = [
        ("confidentiality", "2"),
        ("integrity", "3"),
        ("availability", "2"),
        ("traceability", "2"),
        ("motivation", "m"),
    ];

    let reader = app.login("las@r.example").await;
    assert_eq!(reader.get("/assets").await.status(), StatusCode::OK);
    assert_eq!(
        reader.get(&format!("/assets/{id}")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        reader.post_form("/assets", &[("name", "X")]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reader
            .post_form(&format!("/assets/{id}/classify"), &classify)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let sys = app.login("sys@r.example").await;
    assert_eq!(
        sys.post_form(&format!("/assets/{id}"), &[("name", "Labbsvar 2")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sys.post_form(&format!("/assets/{id}/classify"), &classify)
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "system owners do not classify"
    );

    let authority = app.login("handl@imy.example").await;
    assert_eq!(
        authority.get("/assets").await.status(),
        StatusCode::FORBIDDEN,
        "authorities never see working data"
    );
    let (_, html) = authority.get_text("/overview").await;
    assert!(!html.contains("href=\"/assets\""));
}

#[tokio::test]
async fn the_api_registers_classifies_and_lists_by_protection_need() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "admin@r.example", Role::Admin)
        .await;
    let writer = app.api(&make_token(&b, "integration", &["read", "write"]).await);
    let reader = app.api(&make_token(&b, "läsare", &["read"]).await);

    let res = writer.post("/api/v1/assets", json!({"name": "Vårdplaner", "personal_data": true, "special_categories": ["health"], "data_subjects": ["care_recipients"]})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let a: serde_json::Value = res.json().await.unwrap();
    assert!(a["classification"].is_null());
    let id = a["id"].as_str().unwrap().to_string();
    writer
        .post("/api/v1/assets", json!({"name": "Schema"}))
        .await;
    let res = writer.post(&format!("/api/v1/assets/{id}/classification"), json!({"confidentiality": 3, "integrity": 2, "availability": 2, "traceability": 3, "motivation": "Hälsouppgifter"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, list) = reader.get_json("/api/v1/assets?sort=level").await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["name"], "Vårdplaner");
    assert_eq!(list["items"][0]["classification"]["confidentiality"], 3);
    let (_, only) = reader.get_json("/api/v1/assets?classified=no").await;
    assert_eq!(only["items"][0]["name"], "Schema");

    let res = reader.post("/api/v1/assets", json!({"name": "X"})).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "read scope cannot write"
    );
    let res = writer.post(&format!("/api/v1/assets/{id}/classification"), json!({"confidentiality": 9, "integrity": 2, "availability": 2, "traceability": 3, "motivation": "x"})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "confidentiality");
    let res = writer
        .put(
            &format!("/api/v1/assets/{id}"),
            json!({"name": "Vårdplaner", "special_categories": ["health"]}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "special categories need personal data"
    );
}
