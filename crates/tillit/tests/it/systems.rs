//! The systems register: a system inherits, per aspect, the highest level of the assets it
//! processes; a deviation needs a motivation; assets must be the organisation's own.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use tillit_domain::classification::{ConsequenceLevel, Levels};
use tillit_domain::ids::*;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::{Actor, AssetInput, Tenant};

async fn classified_asset(app: &TestApp, t: &Tenant, name: &str, l: [i64; 4]) -> String {
    let input = AssetInput {
        name: name.into(),
        description: None,
        owner_membership_id: None,
        personal_data: true,
        special_categories: vec![],
        offences: false,
        data_subjects: vec![],
        individuals_approx: None,
        confidentiality_provisions: None,
        confidentiality_strength: None,
        legal_basis: None,
        review_interval_months: 12,
    };
    let a = app
        .store
        .create_asset(t, &Actor::operator(), &input)
        .await
        .unwrap();
    let lv = |n: i64| ConsequenceLevel::from_number(n).unwrap();
    let levels = Levels {
        confidentiality: lv(l[0]),
        integrity: lv(l[1]),
        availability: lv(l[2]),
        traceability: lv(l[3]),
    };
    app.store
        .classify_asset(t, &Actor::operator(), &a.id, &levels, "test")
        .await
        .unwrap();
    a.id.into()
}

#[tokio::test]
async fn a_system_inherits_the_highest_level_and_deviations_are_motivated() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    let journal = classified_asset(&app, &t, "Patientjournal", [3, 3, 2, 3]).await;
    let booking = classified_asset(&app, &t, "Tidbok", [1, 2, 3, 1]).await;
    let b = app.login("samordnare@r.example").await;

    let res = b
        .post_form(
            "/systems",
            &[
                ("name", "Journalsystemet"),
                ("hosting", "outsourced"),
                ("country", "SE"),
                ("asset_ids", &journal),
                ("asset_ids", &booking),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = location(res.headers())
        .trim_start_matches("/systems/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let s = app
        .store
        .system(&t, &SystemId::from(id.as_str()))
        .await
        .unwrap();
    let inherited = s.inherited.unwrap();
    assert_eq!(
        [
            inherited.confidentiality,
            inherited.integrity,
            inherited.availability,
            inherited.traceability
        ]
        .map(|l| l.number()),
        [3, 3, 3, 3],
        "highest per aspect"
    );
    let (_, html) = b.get_text(&format!("/systems/{id}")).await;
    assert!(
        html.contains("Patientjournal")
            && html.contains("Tidbok")
            && html.contains("Utkontrakterad drift")
    );

    // Lower availability without a motivation: refused, nothing stored.
    let levels = [
        ("confidentiality", "3"),
        ("integrity", "3"),
        ("availability", "2"),
        ("traceability", "3"),
    ];
    let res = b.post_form(&format!("/systems/{id}/levels"), &levels).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("href=\"#deviation_motivation\""));
    assert!(app
        .store
        .system(&t, &SystemId::from(id.as_str()))
        .await
        .unwrap()
        .deviation
        .is_none());
    let mut with_motivation = levels.to_vec();
    with_motivation.push((
        "deviation_motivation",
        "Tidboken har en pappersrutin vid avbrott.",
    ));
    assert_eq!(
        b.post_form(&format!("/systems/{id}/levels"), &with_motivation)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let s = app
        .store
        .system(&t, &SystemId::from(id.as_str()))
        .await
        .unwrap();
    assert_eq!(s.effective().unwrap().availability.number(), 2);
    assert_eq!(
        s.deviation_motivation.as_deref(),
        Some("Tidboken har en pappersrutin vid avbrott.")
    );
    // Clearing the deviation brings the inherited levels back.
    assert_eq!(
        b.post_form(&format!("/systems/{id}/levels"), &[("clear", "yes")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let s = app
        .store
        .system(&t, &SystemId::from(id.as_str()))
        .await
        .unwrap();
    assert!(s.deviation.is_none());
    assert_eq!(s.effective().unwrap().availability.number(), 3);
    // Reclassifying an asset changes what the system inherits.
    let lv = |n: i64| ConsequenceLevel::from_number(n).unwrap();
    app.store
        .classify_asset(
            &t,
            &Actor::operator(),
            &AssetId::from(journal.as_str()),
            &Levels {
                confidentiality: lv(4),
                integrity: lv(3),
                availability: lv(2),
                traceability: lv(3),
            },
            "skyddade personuppgifter",
        )
        .await
        .unwrap();
    assert_eq!(
        app.store
            .system(&t, &SystemId::from(id.as_str()))
            .await
            .unwrap()
            .inherited
            .unwrap()
            .confidentiality
            .number(),
        4
    );
}

#[tokio::test]
async fn bad_system_input_is_refused_and_foreign_assets_cannot_be_linked() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let (other, _) = app.org("Annan region", OrgKind::Region).await;
    let foreign = classified_asset(&app, &other, "Annans journal", [3, 3, 3, 3]).await;
    let b = app
        .member_signed_in(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    for (fields, field) in [
        (vec![("name", ""), ("hosting", "own_operation")], "name"),
        (vec![("name", "S")], "hosting"),
        (vec![("name", "S"), ("hosting", "basement")], "hosting"),
        (
            vec![
                ("name", "S"),
                ("hosting", "own_operation"),
                ("asset_ids", foreign.as_str()),
            ],
            "asset_ids",
        ),
        (
            vec![
                ("name", "S"),
                ("hosting", "own_operation"),
                ("review_interval_months", "99"),
            ],
            "review_interval_months",
        ),
    ] {
        let res = b.post_form("/systems", &fields).await;
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
            .list_systems(&t, None, Default::default())
            .await
            .unwrap()
            .total,
        0,
        "nothing stored"
    );
}

#[tokio::test]
async fn the_api_shows_inherited_levels_and_refuses_an_unmotivated_deviation() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "admin@r.example", Role::Admin).await;
    let asset = classified_asset(&app, &t, "Röntgenbilder", [3, 4, 2, 3]).await;
    let b = app.login("admin@r.example").await;
    let api = app.api(&make_token(&b, "cmdb", &["read", "write"]).await);
    let res = api
        .post(
            "/api/v1/systems",
            json!({"name": "PACS", "hosting": "public_cloud", "asset_ids": [asset]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let s: serde_json::Value = res.json().await.unwrap();
    assert_eq!(s["inherited"]["integrity"], 4);
    assert!(s["deviation"].is_null());
    let id = s["id"].as_str().unwrap();
    let res = api
        .put(
            &format!("/api/v1/systems/{id}/levels"),
            json!({"confidentiality": 3, "integrity": 3, "availability": 2, "traceability": 3}),
        )
        .await;
    // The document cannot know the inherited levels: a missing motivation is a 409.
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "deviation_motivation");
    assert_eq!(p["errors"][0]["rule"], "required_by_records");
    let res = api.put(&format!("/api/v1/systems/{id}/levels"), json!({"confidentiality": 3, "integrity": 3, "availability": 2, "traceability": 3, "deviation_motivation": "Bilderna granskas alltid av läkare innan beslut."})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, list) = api.get_json("/api/v1/systems").await;
    assert_eq!(list["items"][0]["deviation"]["integrity"], 3);
    assert_eq!(
        api.delete(&format!("/api/v1/systems/{id}/levels"))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn systems_record_their_integrations_both_ways() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Integration", OrgKind::Region).await;
    app.member(&t, "samordnare@int.example", Role::Coordinator)
        .await;
    let mk = |name: &str| tillit_store::SystemInput {
        name: name.into(),
        description: None,
        owner_membership_id: None,
        supplier_id: None,
        hosting: "own_operation".into(),
        country: None,
        review_interval_months: 12,
        asset_ids: vec![],
    };
    let journal = app
        .store
        .create_system(&t, &Actor::operator(), &mk("Journal"))
        .await
        .unwrap()
        .id;
    let lab = app
        .store
        .create_system(&t, &Actor::operator(), &mk("Labb"))
        .await
        .unwrap()
        .id;
    let b = app.login("samordnare@int.example").await;
    let res = b
        .post_form(
            &format!("/systems/{journal}/integrations"),
            &[("integration_ids", lab.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text(&format!("/systems/{lab}")).await;
    assert!(
        html.contains("Integreras från") && html.contains(&format!("/systems/{journal}\">Journal"))
    );
    // A system cannot integrate with itself; an unknown system is refused; nothing changes.
    let res = b
        .post_form(
            &format!("/systems/{journal}/integrations"),
            &[("integration_ids", journal.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let api = app.api(&make_token(&b, "int", &["read", "write"]).await);
    let res = api
        .put(
            &format!("/api/v1/systems/{journal}/integrations"),
            json!({"integration_ids": ["nope"]}),
        )
        .await;
    // Well formed, but no such system in the organisation: a conflict with its records.
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (
            p["errors"][0]["field"].as_str(),
            p["errors"][0]["rule"].as_str()
        ),
        (Some("integration_ids"), Some("not_found"))
    );
    let res = api
        .put(
            &format!("/api/v1/systems/{journal}/integrations"),
            json!({"integration_ids": [7]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The list filters by hosting and sorts; an unknown filter value is named.
    let cloud = tillit_store::SystemInput {
        hosting: "public_cloud".into(),
        ..mk("Molnet")
    };
    app.store
        .create_system(&t, &Actor::operator(), &cloud)
        .await
        .unwrap();
    let (_, html) = b.get_text("/systems?hosting=public_cloud").await;
    assert!(
        html.contains("Molnet") && !html.contains(">Journal<"),
        "only the cloud system"
    );
    let (_, html) = b.get_text("/systems?sort=updated").await;
    assert!(
        html.find("Molnet").unwrap() < html.find(">Labb<").unwrap(),
        "most recently changed first"
    );
    let (status, _) = b.get_text("/systems?hosting=mars").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = api
        .get_json(&format!("/api/v1/systems/{journal}/integrations"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["integrates_with"][0]["name"], "Labb");
    assert_eq!(v["integrated_from"], json!([]));
}

#[tokio::test]
async fn a_systems_supplier_comes_from_the_register_and_text_written_before_is_linked() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let (other, _) = app.org("Region Annan", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    let api = app.api(&make_token(&b, "system", &["read", "write"]).await);
    let supplier = |name: &str| json!({"name": name, "country": "SE"});

    // Chosen by its id or by its name in the register (case aside).
    let (_, s) = {
        let res = api
            .post("/api/v1/suppliers", supplier("Vårdsystem Norr AB"))
            .await;
        (res.status(), res.json::<serde_json::Value>().await.unwrap())
    };
    let sup = s["id"].as_str().unwrap().to_string();
    let res = api
        .post(
            "/api/v1/systems",
            json!({"name": "Journalsystemet", "hosting": "outsourced",
                        "supplier": "vårdsystem norr ab", "country": "SE"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let x: serde_json::Value = res.json().await.unwrap();
    assert_eq!(x["supplier_id"], sup.as_str());
    assert_eq!(x["supplier"], "Vårdsystem Norr AB");
    assert_eq!(x["country"], "SE");

    // A name the register does not hold, a country not on the list, another organisation's
    // supplier: each refused, naming its field; nothing stored.
    let refused = |body: serde_json::Value, field: &'static str, status: StatusCode| {
        let api = &api;
        async move {
            let res = api.post("/api/v1/systems", body).await;
            assert_eq!(res.status(), status, "{field}");
            let p: serde_json::Value = res.json().await.unwrap();
            assert!(
                p["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["field"] == field),
                "{field}: {p}"
            );
        }
    };
    refused(
        json!({"name": "A", "hosting": "outsourced", "supplier": "Okänd AB"}),
        "supplier",
        StatusCode::CONFLICT,
    )
    .await;
    refused(
        json!({"name": "B", "hosting": "outsourced", "country": "Sverige"}),
        "country",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let theirs = app
        .store
        .create_supplier(
            &other,
            &Actor::operator(),
            &tillit_domain::supplier::SupplierInput::try_from(
                &serde_json::from_value::<tillit_domain::supplier::SupplierDraft>(supplier(
                    "Deras AB",
                ))
                .unwrap(),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    refused(
        json!({"name": "C", "hosting": "outsourced", "supplier_id": theirs.id.as_str()}),
        "supplier_id",
        StatusCode::CONFLICT,
    )
    .await;
    // A name that is another supplier than the id given contradicts the register (409).
    let res = api.post("/api/v1/suppliers", supplier("Annan AB")).await;
    let annan: serde_json::Value = res.json().await.unwrap();
    refused(
        json!({"name": "D", "hosting": "outsourced", "supplier": "Vårdsystem Norr AB",
               "supplier_id": annan["id"]}),
        "supplier",
        StatusCode::CONFLICT,
    )
    .await;
    let (_, list) = api.get_json("/api/v1/systems").await;
    assert_eq!(list["total"], 1);

    // The supplier's page lists the systems that use it.
    let (_, html) = b.get_text(&format!("/suppliers/{sup}")).await;
    assert!(html.contains("Journalsystemet"));

    // Text written before the register and the country list (as an older version stored it).
    let mut ids = Vec::new();
    for name in ["Labbsystemet", "Röntgensystemet"] {
        let res = api
            .post(
                "/api/v1/systems",
                json!({"name": name, "hosting": "outsourced"}),
            )
            .await;
        let x: serde_json::Value = res.json().await.unwrap();
        ids.push(x["id"].as_str().unwrap().to_string());
    }
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    for (id, supplier, country) in [
        (&ids[0], Some("Labbdata Nordic AB"), "Sverige"),
        (&ids[1], None, "Norden"),
    ] {
        sqlx::query("UPDATE systems SET unlinked_supplier = $1, unmatched_country = $2, country = NULL WHERE id = $3")
            .bind(supplier)
            .bind(country)
            .bind(id.as_str())
            .execute(&pool)
            .await
            .unwrap();
    }
    app.store.heal().await.unwrap();
    let (_, lab) = api.get_json(&format!("/api/v1/systems/{}", ids[0])).await;
    assert_eq!(lab["country"], "SE", "a country's name becomes its code");
    assert_eq!(lab["unmatched_country"], serde_json::Value::Null);
    assert_eq!(
        lab["unlinked_supplier"], "Labbdata Nordic AB",
        "kept, not lost"
    );
    assert_eq!(lab["supplier_id"], serde_json::Value::Null);
    let (_, xray) = api.get_json(&format!("/api/v1/systems/{}", ids[1])).await;
    assert_eq!(
        (xray["country"].clone(), xray["unmatched_country"].clone()),
        (serde_json::Value::Null, json!("Norden")),
        "a text that names no country is kept for the user to choose"
    );
    let (_, html) = b.get_text(&format!("/systems/{}", ids[0])).await;
    assert!(html.contains("Labbdata Nordic AB (inte kopplad till leverantörsregistret)"));
    let (_, html) = b.get_text(&format!("/systems/{}/edit", ids[0])).await;
    assert!(html.contains("/suppliers/new?name=Labbdata+Nordic+AB"));
    let (_, html) = b.get_text("/suppliers/new?name=Labbdata+Nordic+AB").await;
    assert!(html.contains("value=\"Labbdata Nordic AB\""));

    // Adding the supplier to the register links the system to it.
    let res = api
        .post("/api/v1/suppliers", supplier("Labbdata Nordic AB"))
        .await;
    let lab_supplier: serde_json::Value = res.json().await.unwrap();
    let (_, lab) = api.get_json(&format!("/api/v1/systems/{}", ids[0])).await;
    assert_eq!(lab["supplier_id"], lab_supplier["id"]);
    assert_eq!(lab["unlinked_supplier"], serde_json::Value::Null);
    let (_, found) = api.get_json("/api/v1/systems?q=labbdata").await;
    assert_eq!(found["total"], 1, "found by its supplier's name");

    // Saving without choosing a country keeps the text; choosing one replaces it.
    let put = |country: &str| json!({"name": "Röntgensystemet", "hosting": "outsourced", "country": country});
    let path = format!("/api/v1/systems/{}", ids[1]);
    let res = api.put(&path, put("")).await;
    let x: serde_json::Value = res.json().await.unwrap();
    assert_eq!(x["unmatched_country"], "Norden");
    let res = api.put(&path, put("NO")).await;
    let x: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (x["country"].clone(), x["unmatched_country"].clone()),
        (json!("NO"), serde_json::Value::Null)
    );

    // Each link is in the audit trail: the country at start-up, the supplier when added.
    let linked: Vec<String> = sqlx::query_scalar(
        "SELECT object_id FROM audit_events WHERE action = 'system.link' ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(linked, [ids[0].clone(), ids[0].clone()]);
}

/// The forms that link systems, assets, suppliers and scenarios offer every one of them, not
/// the first page (a region has thousands), and keep the links they have to archived ones: a
/// link a form does not show is dropped when the form is saved.
#[tokio::test]
async fn linking_forms_offer_every_object_and_keep_archived_links() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Många", OrgKind::Region).await;
    let actor = Actor::operator();
    let asset = |name: String| AssetInput {
        name,
        description: None,
        owner_membership_id: None,
        personal_data: false,
        special_categories: vec![],
        offences: false,
        data_subjects: vec![],
        individuals_approx: None,
        confidentiality_provisions: None,
        confidentiality_strength: None,
        legal_basis: None,
        review_interval_months: 12,
    };
    let supplier = |name: String| tillit_domain::supplier::SupplierInput {
        name,
        org_number: None,
        country: None,
        parent_company: None,
        parent_country: None,
        jurisdictions: vec![],
        subprocessors: vec![],
        dpa_signed_on: None,
        confidentiality_undertaking: None,
        audit_rights: None,
        subprocessor_approval: None,
        exit_terms: None,
        certifications: vec![],
        data_locations: vec![],
        support_locations: vec![],
        notes: None,
    };
    // The last of each by name comes after the first 200.
    let last_supplier = app
        .store
        .create_supplier(&t, &actor, &supplier("Zeta Leverantör".into()))
        .await
        .unwrap()
        .id
        .to_string();
    for i in 0..200 {
        app.store
            .create_supplier(&t, &actor, &supplier(format!("Leverantör {i:03}")))
            .await
            .unwrap();
    }
    let mut last_asset = String::new();
    for i in 0..201 {
        let name = if i == 200 {
            "Zeta-mängd".to_string()
        } else {
            format!("Mängd {i:03}")
        };
        last_asset = app
            .store
            .create_asset(&t, &actor, &asset(name))
            .await
            .unwrap()
            .id
            .into_string();
    }
    let mut last_system = String::new();
    for i in 0..201 {
        let name = if i == 200 {
            "Zeta-system".to_string()
        } else {
            format!("System {i:03}")
        };
        let input = tillit_store::SystemInput {
            name,
            description: None,
            owner_membership_id: None,
            supplier_id: Some(last_supplier.clone()),
            hosting: "own_operation".into(),
            country: None,
            review_interval_months: 12,
            asset_ids: if i == 200 {
                vec![last_asset.clone()]
            } else {
                vec![]
            },
        };
        last_system = app
            .store
            .create_system(&t, &actor, &input)
            .await
            .unwrap()
            .id
            .into_string();
    }
    let analysis = app
        .store
        .create_risk_analysis(
            &t,
            &actor,
            &tillit_store::RiskAnalysisInput {
                title: "Analys".into(),
                scope: None,
                participants: None,
                analysed_on: "2026-11-01".into(),
                review_interval_months: 12,
                system_ids: vec![last_system.clone()],
            },
        )
        .await
        .unwrap()
        .id;
    let b = app
        .member_signed_in(&t, "samordnare@many.test", Role::Coordinator)
        .await;
    let offers = |html: &str, name: &str, id: &str| {
        html.contains(name) && html.contains(&format!("value=\"{id}\""))
    };
    let checked = |html: &str, id: &str| html.contains(&format!("value=\"{id}\" checked"));

    let (s, html) = b.get_text("/systems/new").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        offers(&html, "Zeta-mängd", &last_asset),
        "new system offers the last asset"
    );
    let (_, html) = b.get_text(&format!("/systems/{last_system}/edit")).await;
    assert!(
        checked(&html, &last_asset),
        "the system's link to the last asset is kept"
    );

    let (_, html) = b.get_text("/risks/new").await;
    assert!(
        offers(&html, "Zeta-system", &last_system),
        "new analysis offers the last system"
    );
    let (_, html) = b.get_text(&format!("/risks/{analysis}/edit")).await;
    assert!(
        checked(&html, &last_system),
        "the analysis keeps its last system"
    );
    let (_, html) = b
        .get_text(&format!("/risks/{analysis}/scenarios/new"))
        .await;
    assert!(
        offers(&html, "Zeta-mängd", &last_asset),
        "a scenario offers the last asset"
    );

    let (_, html) = b.get_text("/incidents/new").await;
    assert!(
        offers(&html, "Zeta-system", &last_system),
        "an incident offers the last system"
    );
    assert!(
        offers(&html, "Zeta-mängd", &last_asset),
        "an incident offers the last asset"
    );

    let (_, html) = b.get_text("/outsourcing/new").await;
    assert!(
        offers(&html, "Zeta Leverantör", &last_supplier),
        "a case offers the last supplier"
    );
    assert!(
        offers(&html, "Zeta-system", &last_system),
        "a case offers the last system"
    );
    assert!(
        offers(&html, "Zeta-mängd", &last_asset),
        "a case offers the last asset"
    );

    // The supplier's page lists every system it runs.
    let (_, html) = b.get_text(&format!("/suppliers/{last_supplier}")).await;
    assert!(html.contains("Zeta-system") && html.contains("System 000"));

    // An archived system leaves the choices of new forms, but an analysis that covers it
    // keeps it, marked, and saving the analysis keeps the link.
    assert!(app
        .store
        .set_archived(
            &t,
            &actor,
            "operator",
            tillit_domain::archive::Archivable::System,
            &last_system,
            true
        )
        .await
        .unwrap());
    let (_, html) = b.get_text("/risks/new").await;
    assert!(
        !html.contains("Zeta-system"),
        "a new analysis does not offer it"
    );
    let (_, html) = b.get_text(&format!("/risks/{analysis}/edit")).await;
    assert!(checked(&html, &last_system), "the analysis still covers it");
    assert!(
        html.contains("Zeta-system (i arkivet)"),
        "marked as archived"
    );
    let r = b
        .post_form(
            &format!("/risks/{analysis}"),
            &[
                ("title", "Analys, ny titel"),
                ("analysed_on", "2026-11-01"),
                ("review_interval_months", "12"),
                ("system_ids", &last_system),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let kept = app
        .store
        .risk_analysis(&t, &analysis)
        .await
        .unwrap()
        .input
        .system_ids;
    assert_eq!(kept, vec![last_system.clone()]);

    // A measure that answers a scenario of an archived analysis keeps it too.
    let scenario_input = tillit_domain::risk::parse_scenario(
        &Default::default(),
        &tillit_domain::risk::ScenarioDraft {
            title: "Utpressningsvirus".into(),
            threat_key: "ransomware".into(),
            inherent_likelihood: "2".into(),
            inherent_consequence: "2".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let no_acceptance = tillit_store::AcceptanceRecord {
        decider_name: None,
        signature: tillit_domain::risk::Signature::Unchanged,
        requester: "",
    };
    let scenario = app
        .store
        .save_scenario(&t, &actor, &analysis, None, &scenario_input, no_acceptance)
        .await
        .unwrap()
        .id
        .to_string();
    let measure = app
        .store
        .save_measure(
            &t,
            &actor,
            "Operatören",
            None,
            &tillit_domain::measure::parse_measure(&tillit_domain::measure::MeasureDraft {
                title: "Säkerhetskopior offline".into(),
                scenario_ids: vec![scenario.clone()],
                ..Default::default()
            })
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let (_, html) = b.get_text(&format!("/measures/{measure}/edit")).await;
    assert!(
        checked(&html, &scenario),
        "the measure answers the scenario"
    );
    app.store
        .set_archived(
            &t,
            &actor,
            "operator",
            tillit_domain::archive::Archivable::RiskAnalysis,
            analysis.as_str(),
            true,
        )
        .await
        .unwrap();
    let (_, html) = b.get_text(&format!("/measures/{measure}/edit")).await;
    assert!(
        checked(&html, &scenario),
        "it still does once the analysis is archived"
    );
    assert!(html.contains("Utpressningsvirus (Analys, ny titel) (i arkivet)"));
    let (_, html) = b.get_text("/measures/new").await;
    assert!(
        !html.contains("Utpressningsvirus"),
        "a new measure is not offered it"
    );
}
