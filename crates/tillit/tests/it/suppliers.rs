//! The supplier register: over HTTP, pages and API; bad input names the field and stores
//! nothing; roles and tenancy hold; countries come from the ISO list and an unknown one is never
//! inside the EU/EEA.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn a_supplier_is_registered_read_and_changed_through_the_api() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    let api = app.api(&make_token(&b, "leverantörer", &["read", "write"]).await);

    let res = api
        .post(
            "/api/v1/suppliers",
            json!({
                "name": "Molnbolaget Sverige AB", "org_number": "5560360793", "country": "SE",
                "parent_company": "Cloud Corp", "parent_country": "US", "jurisdictions": ["US"],
                "subprocessors": "Drift AB; SE\nSupport Inc; IN",
                "dpa_signed_on": "2025-03-01", "confidentiality_undertaking": "yes",
                "audit_rights": "no", "certifications": "ISO/IEC 27001; 2027-05-31",
                "data_locations": ["SE", "IE"], "support_locations": ["SE", "IN"]
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let s: serde_json::Value = res.json().await.unwrap();
    let id = s["id"].as_str().unwrap().to_string();
    assert_eq!(s["org_number"], "556036-0793");
    assert_eq!(
        s["subprocessors"][1],
        json!({"name": "Support Inc", "country": "IN"})
    );
    assert_eq!(s["confidentiality_undertaking"], true);
    assert_eq!(s["audit_rights"], false);
    assert_eq!(
        s["exit_terms"],
        serde_json::Value::Null,
        "not answered is unknown"
    );
    assert_eq!(s["data_in_eea"], true);
    assert_eq!(s["foreign_law_exposure"], true);

    // An agreement cannot have been signed after today (today's date rules it out: 409).
    let res = api
        .post(
            "/api/v1/suppliers",
            json!({"name": "Framtiden AB", "dpa_signed_on": "2999-01-01"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("dpa_signed_on") && body.contains("in_the_future"),
        "{body}"
    );

    // Bad input: each field named, nothing stored.
    let res = api
        .post("/api/v1/suppliers", json!({"name": " ", "country": "Sverige", "data_locations": ["XX"], "audit_rights": "kanske"}))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["name", "country", "data_locations", "audit_rights"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let (_, list) = api.get_json("/api/v1/suppliers").await;
    assert_eq!(list["total"], 1);

    // A second supplier with the same name is a conflict with the register.
    let res = api
        .post(
            "/api/v1/suppliers",
            json!({"name": "Molnbolaget Sverige AB"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // An update replaces the facts; an unknown data location makes "in the EEA" unknown.
    let res = api
        .put(
            &format!("/api/v1/suppliers/{id}"),
            json!({"name": "Molnbolaget Sverige AB", "country": "SE", "data_locations": []}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let s: serde_json::Value = res.json().await.unwrap();
    assert_eq!(s["data_in_eea"], serde_json::Value::Null);
    assert_eq!(s["parent_company"], serde_json::Value::Null);
    let (_, found) = api.get_json("/api/v1/suppliers?q=molnbolaget").await;
    assert_eq!(found["total"], 1);

    // Every change is in the audit trail.
    let events = app
        .store
        .list_audit_events(
            &t,
            &Default::default(),
            tillit_domain::paging::PageRequest::default(),
        )
        .await
        .unwrap();
    let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"supplier.create") && actions.contains(&"supplier.update"));
}

#[tokio::test]
async fn suppliers_are_the_organisations_own_and_only_editors_change_them() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region A", OrgKind::Region).await;
    let (other, _) = app.org("Kommun B", OrgKind::Municipality).await;
    app.member(&t, "samordnare@a.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@a.example", Role::Reader).await;
    app.member(&other, "samordnare@b.example", Role::Coordinator)
        .await;
    let a = app.login("samordnare@a.example").await;
    let res = a
        .post_form(
            "/suppliers",
            &[
                ("name", "Drifthallen AB"),
                ("country", "SE"),
                ("data_locations", "SE"),
                ("data_locations", "NO"),
                ("exit_terms", "yes"),
                ("subprocessors", "Kylan AB; Sverige"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(res.headers());
    let id = path
        .trim_start_matches("/suppliers/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (status, html) = a.get_text(&format!("/suppliers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Drifthallen AB") && html.contains("Norge"),
        "{html}"
    );
    assert!(html.contains("Kylan AB"));

    // Another organisation: not found, on the page and in the API.
    let b = app.login("samordnare@b.example").await;
    let (status, _) = b.get_text(&format!("/suppliers/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let api_b = app.api(&make_token(&b, "b", &["read", "write"]).await);
    let res = api_b
        .put(&format!("/api/v1/suppliers/{id}"), json!({"name": "Kapad"}))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, list) = api_b.get_json("/api/v1/suppliers").await;
    assert_eq!(list["total"], 0);

    // A reader sees but does not change.
    let r = app.login("lasare@a.example").await;
    let (status, html) = r.get_text("/suppliers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Drifthallen AB"));
    assert!(!html.contains("/suppliers/new"));
    let res = r.post_form("/suppliers", &[("name", "Nytt")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A form with errors is shown again with the field named and the input kept.
    let res = a
        .post_form(
            "/suppliers",
            &[
                ("name", ""),
                ("parent_country", "US"),
                ("notes", "behåll mig"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("behåll mig"));
    assert!(html.contains("id=\"parent_company-error\""), "{html}");
}

#[tokio::test]
async fn the_supplier_register_is_imported_and_exported_and_systems_name_its_suppliers() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Fil", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "samordnare@fil.example", Role::Coordinator)
        .await;
    let csv = |rows: &[[&str; 8]]| {
        let table = tillit_app::tabular::Table {
            headers: [
                "name",
                "country",
                "parent_country",
                "parent_company",
                "subprocessors",
                "dpa_signed_on",
                "audit_rights",
                "data_locations",
            ]
            .map(String::from)
            .to_vec(),
            rows: rows.iter().map(|r| r.map(String::from).to_vec()).collect(),
        };
        tillit_app::tabular::write_csv(&table)
    };
    let good = [
        "Molnbolaget AB",
        "Sverige",
        "USA",
        "Cloud Corp",
        "Drift AB; SE\nSupport Inc; Indien",
        "2025-03-01",
        "ja",
        "Sverige, Irland",
    ];
    let bad = [
        "Atlantis AB",
        "Atlantis",
        "",
        "",
        "",
        "2999-01-01",
        "kanske",
        "SE",
    ];

    // Every row checked first: with one bad row nothing is saved, and each error is named.
    let res = b
        .post_multipart(
            "/suppliers/import",
            &[],
            Some(("lev.csv", csv(&[good, bad]))),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for f in [
        "Leverantörens land: är inte ett av de tillåtna värdena",
        "framåt i tiden",
        "Rätt till revision och inspektion: är inte ett av de tillåtna värdena",
    ] {
        assert!(html.contains(f), "{f} named: {html}");
    }
    let (_, list) = b.get_text("/suppliers").await;
    assert!(!list.contains("Molnbolaget AB"), "nothing saved");

    // A good file is saved: names of countries become codes, "ja" yes.
    let res = b
        .post_multipart("/suppliers/import", &[], Some(("lev.csv", csv(&[good]))))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let s = app
        .store
        .list_suppliers(&t, None, Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(s.len(), 1);
    let i = &s[0].input;
    assert_eq!(
        (i.country.as_deref(), i.parent_country.as_deref()),
        (Some("SE"), Some("US"))
    );
    assert_eq!(i.data_locations, ["SE", "IE"]);
    assert_eq!(i.subprocessors[1].country.as_deref(), Some("IN"));
    assert_eq!(i.audit_rights, Some(true));

    // Exported and read back, nothing changes.
    for format in ["csv", "xlsx"] {
        let res = b.get(&format!("/suppliers/export?format={format}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.unwrap().to_vec();
        let res = b
            .post_multipart(
                "/suppliers/import",
                &[],
                Some((&format!("x.{format}"), bytes)),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{format}");
        let after = app
            .store
            .list_suppliers(&t, None, Default::default())
            .await
            .unwrap()
            .items;
        assert_eq!(after.len(), 1);
        assert_eq!(after[0].input, s[0].input, "{format} round trip");
    }

    // A systems file names suppliers as the register does; an unknown one is a row error.
    let systems = |supplier: &str| {
        tillit_app::tabular::write_csv(&tillit_app::tabular::Table {
            headers: ["name", "hosting", "supplier", "country"]
                .map(String::from)
                .to_vec(),
            rows: vec![["Journalen", "outsourced", supplier, "Norge"]
                .map(String::from)
                .to_vec()],
        })
    };
    let res = b
        .post_multipart(
            "/systems/import",
            &[],
            Some(("s.csv", systems("Okänd leverantör AB"))),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Leverantör: finns inte"));
    let res = b
        .post_multipart(
            "/systems/import",
            &[],
            Some(("s.csv", systems("molnbolaget ab"))),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let sys = &app
        .store
        .list_systems(&t, None, Default::default())
        .await
        .unwrap()
        .items[0];
    assert_eq!(sys.supplier_name.as_deref(), Some("Molnbolaget AB"));
    assert_eq!(sys.input.country.as_deref(), Some("NO"));

    // A reader may export but not import.
    let r = app
        .member_signed_in(&t, "lasare@fil.example", Role::Reader)
        .await;
    assert_eq!(
        r.get("/suppliers/export?format=csv").await.status(),
        StatusCode::OK
    );
    let res = r
        .post_multipart("/suppliers/import", &[], Some(("x.csv", csv(&[good]))))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
