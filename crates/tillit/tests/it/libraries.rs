//! Additional libraries imported as OSCAL and a system's OSCAL exports: NIST SP 800-53 with the
//! MODERATE baseline imported through the API, a system assessed against it, and every export
//! valid against NIST's OSCAL schema in JSON and YAML; bad imports refused naming the field; and
//! every route closed to another organisation.

use crate::helpers::*;
use crate::requirements::patient_system;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::{Actor, Tenant};

fn oscal_data() -> Option<PathBuf> {
    let dir = std::env::var("TILLIT_OSCAL_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oscal")
        });
    if dir.join("schema").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "OSCAL reference data not found at {} — NIST import and schema validation NOT checked (set TILLIT_OSCAL_DATA)",
            dir.display()
        );
        None
    }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn small_catalog() -> Value {
    read_json(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tillit-oscal/tests/data/small-catalog.json"),
    )
}

/// The controls of a catalog one assesses: every control and enhancement not withdrawn.
fn assessable(cat: &Value) -> usize {
    fn walk(cs: &Value) -> usize {
        cs.as_array()
            .map(|a| {
                a.iter()
                    .map(|c| {
                        let withdrawn = c["props"].as_array().is_some_and(|p| {
                            p.iter()
                                .any(|x| x["name"] == "status" && x["value"] == "withdrawn")
                        });
                        usize::from(!withdrawn) + walk(&c["controls"])
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    fn groups(gs: &Value) -> usize {
        gs.as_array()
            .map(|a| {
                a.iter()
                    .map(|g| walk(&g["controls"]) + groups(&g["groups"]))
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&cat["catalog"]["controls"]) + groups(&cat["catalog"]["groups"])
}

async fn admin_api(app: &TestApp, t: &Tenant, email: &str) -> (Browser, Api) {
    app.member(t, email, Role::Admin).await;
    let b = app.login(email).await;
    let secret = make_token(&b, "admin", &["read", "write", "admin"]).await;
    (b, app.api(&secret))
}

#[tokio::test]
async fn nist_moderate_is_imported_assessed_and_exported_valid_against_the_schema() {
    let Some(data) = oscal_data() else { return };
    let nist = data.join("nist-sp800-53-rev5");
    let schema = tillit_oscal::schema::Schema::compile(&read_json(
        &data.join("schema/oscal_complete_schema-1.2.2.json"),
    ))
    .unwrap();
    let valid = |what: &str, doc: &Value| {
        let v = schema.violations(doc, 5);
        assert!(v.is_empty(), "{what} is not valid OSCAL: {v:?}");
    };

    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Nist", OrgKind::Region).await;
    let (b, api) = admin_api(&app, &t, "admin@nist.example").await;
    let system = patient_system(&app, &t, "outsourced").await;

    // The profile imports the full catalog, which is not here; NIST's HIGH resolved catalog holds
    // every control MODERATE selects (see the data's README).
    let high = read_json(
        &nist.join("NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json"),
    );
    let profile = read_json(&nist.join("NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"));
    let res = api
        .post(
            "/api/v1/libraries",
            json!({"catalog": high, "profile": profile}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let lib: Value = res.json().await.unwrap();
    let expected = assessable(&read_json(
        &nist.join("NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json"),
    ));
    assert_eq!(lib["control_count"], expected, "{lib}");
    assert!(lib["title"].as_str().unwrap().contains("MODERATE"), "{lib}");
    assert!(lib["profile_title"].as_str().unwrap().contains("MODERATE"));
    let lid = lib["id"].as_str().unwrap().to_string();

    // The detail names the controls readably, parameters filled in.
    let (s, detail) = api.get_json(&format!("/api/v1/libraries/{lid}")).await;
    assert_eq!(s, StatusCode::OK);
    let ac2 = detail["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ac-2")
        .unwrap();
    assert_eq!(ac2["label"], "AC-2");
    assert!(ac2["statement"]
        .as_str()
        .unwrap()
        .contains("[Assignment: prerequisites and criteria]"));

    // Assessing needs the library adopted for the system.
    let assess = |cid: &str, body: Value| {
        let api = api.clone();
        let path = format!("/api/v1/systems/{system}/libraries/{lid}/controls/{cid}/assessment");
        async move { api.put(&path, body).await }
    };
    assert_eq!(
        assess("ac-2", json!({"status": "met"})).await.status(),
        StatusCode::NOT_FOUND
    );
    let (s, adopted) = api
        .get_json(&format!("/api/v1/systems/{system}/libraries"))
        .await;
    assert_eq!((s, adopted.as_array().unwrap().len()), (StatusCode::OK, 0));
    let res = api
        .req(
            Method::PUT,
            &format!("/api/v1/systems/{system}/libraries/{lid}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = assess(
        "ac-2",
        json!({"status": "partly_met", "motivation": "Konton granskas inte regelbundet."}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        assess("ac-3", json!({"status": "met"})).await.status(),
        StatusCode::OK
    );
    // "Not applicable" needs a motivation; a control the library lacks is not found.
    let res = assess("ac-4", json!({"status": "not_applicable"})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "motivation", "{p}");
    assert_eq!(
        assess("xx-99", json!({"status": "met"})).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, controls) = api
        .get_json(&format!(
            "/api/v1/systems/{system}/libraries/{lid}/controls"
        ))
        .await;
    let status_of = |id: &str| {
        controls
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["control_id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status_of("ac-2"), "partly_met");
    assert_eq!(status_of("ac-4"), Value::Null);
    assert_eq!(controls.as_array().unwrap().len(), expected);

    // Tillit's own requirements: one assessed, and a measure in the system's action plan.
    app.store
        .assess(
            &t,
            &Actor::operator(),
            "Samordnaren",
            Some(&system),
            "sty-1",
            &tillit_domain::assessment::parse_assessment("not_met", "", "").unwrap(),
        )
        .await
        .unwrap();
    let export = |kind: &str, q: &str| {
        let api = api.clone();
        let path = format!("/api/v1/systems/{system}/oscal/{kind}{q}");
        async move { api.get_json(&path).await }
    };
    // No measure yet: a plan of action needs at least one item.
    let (s, p) = export("poam", "").await;
    assert_eq!(s, StatusCode::CONFLICT, "{p}");
    assert_eq!(p["errors"][0]["field"], "measures", "{p}");
    app.store
        .save_measure(
            &t,
            &Actor::operator(),
            "Samordnaren",
            None,
            &tillit_domain::measure::parse_measure(&tillit_domain::measure::MeasureDraft {
                title: "Inför behörighetsgranskning".into(),
                due_on: "2027-03-31".into(),
                requirements: vec![format!("{system}/sty-1")],
                ..Default::default()
            })
            .unwrap(),
        )
        .await
        .unwrap();

    let (s, catalog) = export("catalog", "").await;
    assert_eq!(s, StatusCode::OK);
    valid("the system's catalog", &catalog);
    let ids: Vec<String> = catalog["catalog"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["controls"].as_array().unwrap().iter())
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let (_, applicable) = api
        .get_json(&format!("/api/v1/systems/{system}/requirements"))
        .await;
    let mut want: Vec<String> = applicable
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["requirement_id"].as_str().unwrap().to_string())
        .collect();
    let mut got = ids.clone();
    want.sort();
    got.sort();
    assert_eq!(
        got, want,
        "the catalog holds exactly the requirements that apply"
    );
    assert!(catalog.to_string().contains("applies-because"));

    let (s, profile) = export("profile", "").await;
    assert_eq!(s, StatusCode::OK);
    valid("the system's profile", &profile);
    let selected = profile["profile"]["imports"][0]["include-controls"][0]["with-ids"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(selected, ids.len());

    let (s, results) = export("assessment-results", "").await;
    assert_eq!(s, StatusCode::OK);
    valid("the self-assessment", &results);
    let findings = results["assessment-results"]["results"][0]["findings"]
        .as_array()
        .unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["target"]["target-id"], "sty-1");
    assert_eq!(findings[0]["target"]["status"]["state"], "not-satisfied");

    let (s, results) = export("assessment-results", &format!("?library={lid}")).await;
    assert_eq!(s, StatusCode::OK);
    valid("the assessment against MODERATE", &results);
    let r = &results["assessment-results"]["results"][0];
    assert_eq!(
        r["reviewed-controls"]["control-selections"][0]["include-controls"]
            .as_array()
            .unwrap()
            .len(),
        expected
    );
    let states: Vec<(String, String)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["target"]["target-id"].as_str().unwrap().to_string(),
                f["target"]["status"]["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![
            ("ac-2".to_string(), "not-satisfied".to_string()),
            ("ac-3".to_string(), "satisfied".to_string())
        ]
    );
    assert_eq!(r["observations"].as_array().unwrap().len(), 2);

    let (s, poam) = export("poam", "").await;
    assert_eq!(s, StatusCode::OK);
    valid("the action plan", &poam);
    let items = poam["plan-of-action-and-milestones"]["poam-items"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["title"], "Inför behörighetsgranskning");
    assert!(items[0].to_string().contains("2027-03-31"));

    // The same documents as YAML from the system's page.
    for (kind, q) in [
        ("catalog", String::new()),
        ("profile", String::new()),
        ("assessment-results", format!("&library={lid}")),
        ("poam", String::new()),
    ] {
        let res = b
            .get(&format!("/systems/{system}/oscal/{kind}?format=yaml{q}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{kind}");
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .ends_with("+yaml"));
        let text = res.text().await.unwrap();
        let doc =
            tillit_oscal::read_document(text.as_bytes(), tillit_oscal::Format::Yaml, kind).unwrap();
        valid(
            &format!("{kind} as YAML"),
            &serde_json::to_value(&doc).unwrap(),
        );
    }
    let (s, _) = b
        .get_text(&format!("/systems/{system}/oscal/poam?format=xml"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = b.get_text(&format!("/systems/{system}/oscal/ssp")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The pages: the library, the system's assessment against it, one control.
    let (s, page) = b.get_text(&format!("/libraries/{lid}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Access Control") && page.contains("AC-2"));
    let (s, page) = b
        .get_text(&format!("/systems/{system}/libraries/{lid}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains(&format!("2 av {expected} kontroller är bedömda")),
        "{page}"
    );
    let (s, page) = b
        .get_text(&format!("/systems/{system}/libraries/{lid}/controls/ac-2"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Konton granskas inte regelbundet."));

    // A library in use cannot be removed; the audit trail has the import.
    let res = api.delete(&format!("/api/v1/libraries/{lid}")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let events = app
        .store
        .list_audit_events(&t, &Default::default(), Default::default())
        .await
        .unwrap();
    assert!(events.items.iter().any(|e| e.action == "library.import"));
    assert!(events.items.iter().any(|e| e.action == "library.assess"));
}

#[tokio::test]
async fn bad_imports_are_refused_naming_the_field_and_the_rule() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Fel", OrgKind::Region).await;
    let (b, api) = admin_api(&app, &t, "admin@fel.example").await;
    let post = |body: Value| {
        let api = api.clone();
        async move {
            let res = api.post("/api/v1/libraries", body).await;
            let s = res.status();
            (s, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let refused = |p: &Value, field: &str, rule: &str| {
        assert_eq!(p["errors"][0]["field"], field, "{p}");
        assert_eq!(p["errors"][0]["rule"], rule, "{p}");
    };
    let profile = json!({"profile": {"uuid": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
        "metadata": {"title": "Urval", "last-modified": "2026-11-22T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
        "imports": [{"href": "någon-katalog.json", "include-controls": [{"with-ids": ["a-1", "b-1"]}]}], "merge": {"as-is": true}}});

    let (s, p) = post(json!({"catalog": profile})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    refused(&p, "catalog", "invalid_document");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("profile"),
        "{p}"
    );
    let (s, p) = post(json!({"catalog": {}})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    refused(&p, "catalog", "invalid_document");
    let (s, p) =
        post(json!({"catalog": {"catalog": {"uuid": "x", "metadata": {"title": 7}}}})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("title"),
        "{p}"
    );
    let (s, p) = post(json!({"profile": profile})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    refused(&p, "catalog", "required");
    let mut two = profile.clone();
    two["profile"]["imports"] =
        json!([{"href": "a.json", "include-all": {}}, {"href": "b.json", "include-all": {}}]);
    let (s, p) = post(json!({"catalog": small_catalog(), "profile": two})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    refused(&p, "profile", "invalid_document");
    let mut none = profile.clone();
    none["profile"]["imports"][0]["include-controls"][0]["with-ids"] = json!(["zz-1"]);
    let (s, p) = post(json!({"catalog": small_catalog(), "profile": none})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "profile", "{p}");
    let res = api
        .client
        .post(format!("{}/api/v1/libraries", api.base))
        .bearer_auth(&api.token)
        .header("content-type", "text/plain")
        .body("catalog")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (s, libs) = api.get_json("/api/v1/libraries").await;
    assert_eq!(
        (s, libs.as_array().unwrap().len()),
        (StatusCode::OK, 0),
        "nothing was stored"
    );

    // A selection of the small catalog through its profile: the controls selected, resolved.
    let (s, lib) = post(json!({"catalog": small_catalog(), "profile": profile})).await;
    assert_eq!(s, StatusCode::CREATED, "{lib}");
    assert_eq!(lib["control_count"], 2);

    // Only those who manage the catalogs import; a reader sees.
    let reader = app
        .member_signed_in(&t, "lasare@fel.example", Role::Reader)
        .await;
    let reader_api = app.api(&make_token(&reader, "läsare", &["read"]).await);
    let res = reader_api
        .post("/api/v1/libraries", json!({"catalog": small_catalog()}))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (s, libs) = reader_api.get_json("/api/v1/libraries").await;
    assert_eq!((s, libs.as_array().unwrap().len()), (StatusCode::OK, 1));

    // The page: a file that is not OSCAL is refused with the field named; a YAML catalog is taken.
    let form = |name: &str, bytes: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("csrf", b.csrf.clone())
            .part(
                "catalog",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            )
    };
    let res = b
        .client
        .post(app.url("/libraries"))
        .multipart(form("katalog.json", b"{\"not\": \"oscal\"}".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Katalog (OSCAL)") && page.contains("inte ett dokument Tillit kan läsa"),
        "{page}"
    );
    let doc = tillit_oscal::read_document(
        small_catalog().to_string().as_bytes(),
        tillit_oscal::Format::Json,
        "small",
    )
    .unwrap();
    let yaml = tillit_oscal::write_yaml(&doc).unwrap();
    let res = b
        .client
        .post(app.url("/libraries"))
        .multipart(form("katalog.yaml", yaml.into_bytes()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(res.headers()).contains("done=library-imported"));
    let (_, libs) = api.get_json("/api/v1/libraries").await;
    assert_eq!(libs.as_array().unwrap().len(), 2);
    let small = libs
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["profile_title"].is_null())
        .unwrap();
    assert_eq!(small["control_count"], assessable(&small_catalog()));

    // An unused library can be removed.
    let id = small["id"].as_str().unwrap();
    let res = api.delete(&format!("/api/v1/libraries/{id}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (s, _) = api.get_json(&format!("/api/v1/libraries/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_organisation_never_reaches_a_library_or_its_assessments() {
    let app = TestApp::spawn().await;
    let (a, _) = app.org("Region A", OrgKind::Region).await;
    let (bt, _) = app.org("Region B", OrgKind::Region).await;
    let (_, b_api) = admin_api(&app, &bt, "admin@b.example").await;
    let (a_browser, a_api) = admin_api(&app, &a, "admin@a.example").await;
    let b_system = patient_system(&app, &bt, "own_operation").await;
    let a_system = patient_system(&app, &a, "own_operation").await;
    let res = b_api
        .post("/api/v1/libraries", json!({"catalog": small_catalog()}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let b_lib = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = b_api
        .req(
            Method::PUT,
            &format!("/api/v1/systems/{b_system}/libraries/{b_lib}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = b_api
        .put(
            &format!("/api/v1/systems/{b_system}/libraries/{b_lib}/controls/a-1/assessment"),
            json!({"status": "met"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Every route with B's system or library, as A: not found (never forbidden, never shown).
    let mut checked = 0;
    for (method, path, object) in crate::tenancy::ROUTES
        .iter()
        .filter(|(_, _, o)| *o == "library")
    {
        let url = path
            .replace(
                "{id}",
                if path.starts_with("/libraries") || path.starts_with("/api/v1/libraries") {
                    &b_lib
                } else {
                    &b_system
                },
            )
            .replace("{lid}", &b_lib)
            .replace("{cid}", "a-1")
            .replace("{kind}", "catalog");
        let m: Method = method.parse().unwrap();
        let status = if url.starts_with("/api/") {
            let body = path
                .ends_with("/assessment")
                .then(|| json!({"status": "met"}));
            a_api.req(m, &url, body).await.status()
        } else if *method == "GET" {
            a_browser.get(&url).await.status()
        } else {
            a_browser
                .post_form(&url, &[("library_id", &b_lib), ("status", "met")])
                .await
                .status()
        };
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {url} ({object})");
        checked += 1;
    }
    assert!(checked >= 12, "{checked}");
    // A's own system with B's library: B's library is not A's to adopt.
    let res = a_api
        .req(
            Method::PUT,
            &format!("/api/v1/systems/{a_system}/libraries/{b_lib}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = a_browser
        .post_form(
            &format!("/systems/{a_system}/libraries"),
            &[("library_id", &b_lib)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, libs) = a_api.get_json("/api/v1/libraries").await;
    assert_eq!(libs.as_array().unwrap().len(), 0);
    // B's assessment is untouched.
    let (_, controls) = b_api
        .get_json(&format!(
            "/api/v1/systems/{b_system}/libraries/{b_lib}/controls"
        ))
        .await;
    let a1 = controls
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control_id"] == "a-1")
        .unwrap();
    assert_eq!(a1["status"], "met", "{controls}");
}

/// The small test catalog with `a-1`'s statement changed, `a-2` removed and `c-2` added.
fn small_catalog_v2() -> Value {
    let mut v = small_catalog();
    let groups = v["catalog"]["groups"].as_array_mut().unwrap();
    let access = groups[0]["controls"].as_array_mut().unwrap();
    access[0]["parts"][0]["prose"] = json!("Have a policy, approved by management.");
    access.retain(|c| c["id"] != "a-2");
    groups[1]["controls"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "c-2", "title": "Incident drills"}));
    v["catalog"]["metadata"]["version"] = json!("2.0");
    v
}

#[tokio::test]
async fn an_authority_publishes_a_catalog_and_a_provider_follows_its_versions() {
    let app = TestApp::spawn().await;
    let (imy, _) = app
        .org("Integritetsskyddsmyndigheten", OrgKind::Authority)
        .await;
    let (region, _) = app.org("Region Katalog", OrgKind::Region).await;
    let (other, _) = app.org("Region Annan", OrgKind::Region).await;
    app.member(&imy, "tillsyn@imy.test", Role::SupervisionLead)
        .await;
    app.member(&imy, "handlaggare@imy.test", Role::CaseOfficer)
        .await;
    let lead = app.login("tillsyn@imy.test").await;
    let lead_api = app.api(&make_token(&lead, "lead", &["read", "write"]).await);
    let (browser, api) = admin_api(&app, &region, "admin@katalog.example").await;
    let (_, other_api) = admin_api(&app, &other, "admin@annan.example").await;
    let system = patient_system(&app, &region, "own_operation").await;

    let publish = |catalog: Value, summary: &str| {
        let api = lead_api.clone();
        let body = json!({"doc_key": "krav-socialtjanst", "title": "Krav på socialtjänstens system",
            "summary": summary, "body": "# Krav\n\nVad IMY förväntar sig.", "org_kinds": ["region"], "catalog": catalog});
        async move {
            let res = api.post("/api/v1/authority/guidance/catalogs", body).await;
            let s = res.status();
            (s, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // A case officer may not publish; a document that is not a catalog is refused, naming it.
    let officer = app.login("handlaggare@imy.test").await;
    let officer_api = app.api(&make_token(&officer, "officer", &["read", "write"]).await);
    let res = officer_api
        .post(
            "/api/v1/authority/guidance/catalogs",
            json!({"title": "x", "summary": "x", "body": "x", "catalog": small_catalog()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (s, p) = publish(json!({"profile": {}}), "Fel").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "catalog");
    let (s, v1) = publish(small_catalog(), "Första versionen.").await;
    assert_eq!(s, StatusCode::CREATED, "{v1}");
    let v1_id = v1["id"].as_str().unwrap().to_string();
    assert!(v1["library_id"].is_string());

    // The provider sees it among the guidance, reads the catalog and adopts it.
    let (_, list) = api.get_json("/api/v1/guidance").await;
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == v1_id.as_str())
        .unwrap();
    assert_eq!(entry["publishes_catalog"], true);
    let (s, cat) = api
        .get_json(&format!("/api/v1/guidance/{v1_id}/catalog"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cat["catalog"]["metadata"]["title"], "Tillit test catalog");
    let (s, adopted) = api.get_json(&format!("/api/v1/guidance/{v1_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(adopted["catalog"]["may_adopt"], true, "{adopted}");
    let res = api
        .post_empty(&format!("/api/v1/guidance/{v1_id}/adopt"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let a1: Value = res.json().await.unwrap();
    let copy1 = a1["library"]["id"].as_str().unwrap().to_string();
    assert_eq!(a1["library"]["control_count"], assessable(&small_catalog()));
    // Adopting again gives the same library; an authority cannot adopt.
    let res = api
        .post_empty(&format!("/api/v1/guidance/{v1_id}/adopt"))
        .await;
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["library"]["id"], copy1.as_str());
    let res = lead_api
        .post_empty(&format!("/api/v1/guidance/{v1_id}/adopt"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The copy is the provider's: the authority does not see it, nor its assessments.
    let res = api
        .req(
            Method::PUT,
            &format!("/api/v1/systems/{system}/libraries/{copy1}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    for (cid, status) in [("a-1", "met"), ("a-2", "not_met"), ("b-1", "partly_met")] {
        let res = api
            .put(
                &format!("/api/v1/systems/{system}/libraries/{copy1}/controls/{cid}/assessment"),
                json!({"status": status}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{cid}");
    }
    let (s, _) = lead_api
        .get_json(&format!("/api/v1/libraries/{copy1}"))
        .await;
    assert_ne!(s, StatusCode::OK);
    let (s, _) = other_api
        .get_json(&format!("/api/v1/libraries/{copy1}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Two measures: one answers a-1 for the system, one b-1 for the whole organisation.
    for (title, requirement) in [
        ("Ny policy för åtkomst", format!("{system}/a-1")),
        ("Återläsningstest", "organisation/b-1".to_string()),
    ] {
        app.store
            .save_measure(
                &region,
                &Actor::operator(),
                "Samordnaren",
                None,
                &tillit_domain::measure::parse_measure(&tillit_domain::measure::MeasureDraft {
                    title: title.into(),
                    requirements: vec![requirement],
                    ..Default::default()
                })
                .unwrap(),
            )
            .await
            .unwrap();
    }

    // Version 2: a-1 changed, a-2 removed, c-2 added. The provider sees what changed and which
    // of its assessments and measures it touches.
    let (s, v2) = publish(small_catalog_v2(), "Andra versionen.").await;
    assert_eq!(s, StatusCode::CREATED, "{v2}");
    assert_eq!(v2["version"], 2);
    let v2_id = v2["id"].as_str().unwrap().to_string();
    let (_, view) = api.get_json(&format!("/api/v1/guidance/{v2_id}")).await;
    let cat = &view["catalog"];
    let changes: Vec<(String, String)> = cat["changes"][1]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c[0].as_str().unwrap().to_string(),
                c[1]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            ("changed".to_string(), "a-1".to_string()),
            ("added".to_string(), "c-2".to_string()),
            ("removed".to_string(), "a-2".to_string())
        ],
        "{cat}"
    );
    let touched: Vec<(String, String)> = cat["touched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["control"]["id"].as_str().unwrap().to_string(),
                t["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        touched,
        vec![
            ("a-1".to_string(), "changed".to_string()),
            ("a-2".to_string(), "removed".to_string())
        ]
    );
    assert_eq!(cat["touched"][0]["system_name"], "Journalsystemet");
    let measures = cat["touched_measures"].as_array().unwrap();
    assert_eq!(measures.len(), 1, "{cat}");
    assert_eq!(measures[0]["measure_title"], "Ny policy för åtkomst");
    assert_eq!(measures[0]["control"]["id"], "a-1");
    assert_eq!(measures[0]["change"], "changed");
    assert_eq!(measures[0]["system_name"], "Journalsystemet");
    // Another region that adopted nothing sees the changes but no assessments touched.
    let (_, view) = other_api
        .get_json(&format!("/api/v1/guidance/{v2_id}"))
        .await;
    assert_eq!(view["catalog"]["touched"].as_array().unwrap().len(), 0);
    assert_eq!(
        view["catalog"]["touched_measures"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // Adopting version 2 carries the system over, and the assessment of b-1 (unchanged); a-1
    // changed and is to be assessed again.
    let res = api
        .post_empty(&format!("/api/v1/guidance/{v2_id}/adopt"))
        .await;
    let a2: Value = res.json().await.unwrap();
    assert_eq!(
        (a2["systems"].as_u64(), a2["assessments_carried"].as_u64()),
        (Some(1), Some(1)),
        "{a2}"
    );
    let copy2 = a2["library"]["id"].as_str().unwrap();
    let (_, controls) = api
        .get_json(&format!(
            "/api/v1/systems/{system}/libraries/{copy2}/controls"
        ))
        .await;
    let status = |id: &str| {
        controls
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["control_id"] == id)
            .map(|c| c["status"].clone())
    };
    assert_eq!(status("b-1"), Some(json!("partly_met")));
    assert_eq!(status("a-1"), Some(Value::Null));
    assert_eq!(status("c-2"), Some(Value::Null));
    assert_eq!(status("a-2"), None);

    // The page shows the catalog, its changes and the adopted copy. Libraries are a provider's
    // registers: the authority neither reads nor removes the one it published through them.
    let (s, page) = browser.get_text(&format!("/guidance/{v2_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Ändringar sedan version 1") && page.contains("Borttagen"),
        "{page}"
    );
    assert!(page.contains("Er organisation har antagit den här versionen."));
    assert!(
        page.contains("Era åtgärder som ändringarna berör")
            && page.contains("Ny policy för åtkomst")
    );
    let published = format!("/api/v1/libraries/{}", v1["library_id"].as_str().unwrap());
    let (s, _) = lead_api.get_json(&published).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let res = lead_api.delete(&published).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (s, _) = api.get_json(&published).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "the authority's row is not the provider's copy"
    );
}
