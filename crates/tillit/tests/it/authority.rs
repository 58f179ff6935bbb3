//! The authority's workspace over HTTP: a provider's submission followed to the authority's
//! registry, ranking and explanation; the roles; an authority seeing only what was sent to it;
//! submission files imported from another Tillit and refused with the reason; the versioned
//! model; bad input named by field and rule.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

struct World {
    app: TestApp,
    region_number: String,
    other_number: String,
    imy_id: String,
    imy: tillit_store::Tenant,
    ivo: tillit_store::Tenant,
}

/// A region that submits to IMY, a municipality that does not, IMY with one member of each
/// authority role, and IVO with an administrator.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let (region, region_org) = app.org("Region Tillsyn", OrgKind::Region).await;
    let (_, other) = app.org("Kommun Tyst", OrgKind::Municipality).await;
    let (imy, imy_org) = app
        .org("Integritetsskyddsmyndigheten", OrgKind::Authority)
        .await;
    let (ivo, _) = app
        .org("Inspektionen för vård och omsorg", OrgKind::Authority)
        .await;
    app.member(&region, "samordnare@tillsyn.example", Role::Coordinator)
        .await;
    app.member(&imy, "admin@imy.test", Role::AuthorityAdmin)
        .await;
    app.member(&imy, "handlaggare@imy.test", Role::CaseOfficer)
        .await;
    app.member(&imy, "tillsyn@imy.test", Role::SupervisionLead)
        .await;
    app.member(&imy, "analytiker@imy.test", Role::Analyst).await;
    app.member(&ivo, "admin@ivo.test", Role::AuthorityAdmin)
        .await;
    World {
        app,
        region_number: region_org.org_number,
        other_number: other.org_number,
        imy_id: imy_org.id,
        imy,
        ivo,
    }
}

fn registry_csv(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut s = String::from(
        "namn,organisationsnummer,typ,län,antal_individer,vårdformer,nis2,senaste_tillsyn\n",
    );
    for (name, number, kind) in rows {
        s.push_str(&format!(
            "{name},{number},{kind},Norrbottens län,120000,sjukhusvård;primärvård,väsentlig,2020-03-01\n"
        ));
    }
    s.into_bytes()
}

#[tokio::test]
async fn a_submission_reaches_the_authoritys_ranking_explained_and_its_reads_are_audited() {
    let w = world().await;
    let app = &w.app;
    // The region submits to IMY.
    let r = app.login("samordnare@tillsyn.example").await;
    let res = r
        .post_form("/submissions", &[("authority_ids", w.imy_id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // IMY's administrator imports the registry: the region and a municipality without a
    // submission, one row with Swedish words.
    let admin = app.login("admin@imy.test").await;
    let csv = registry_csv(&[
        ("Region Tillsyn", &w.region_number, "region"),
        ("Kommun Tyst", &w.other_number, "kommun"),
    ]);
    let res = admin
        .post_multipart(
            "/authority/registry/import",
            &[],
            Some(("register.csv", csv.clone())),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let (_, html) = admin.get_text("/authority/registry").await;
    assert!(html.contains("Region Tillsyn") && html.contains("Kommun Tyst"));
    assert!(html.contains("I Tillit"), "linked by organisation number");

    // The ranking: both ranked; the municipality flagged as without submission.
    let lead = app.login("tillsyn@imy.test").await;
    let api = app.api(&make_token(&lead, "ranking", &["read", "write"]).await);
    let (status, ranking) = api.get_json("/api/v1/authority/ranking").await;
    assert_eq!(status, StatusCode::OK, "{ranking}");
    assert_eq!(ranking["total"], 2);
    assert_eq!(ranking["model_version"], 1);
    let items = ranking["items"].as_array().unwrap();
    let region = items
        .iter()
        .find(|i| i["org_number"] == w.region_number.as_str())
        .unwrap();
    let other = items
        .iter()
        .find(|i| i["org_number"] == w.other_number.as_str())
        .unwrap();
    assert_eq!(region["no_submission"], false);
    assert_eq!(other["no_submission"], true);
    assert_eq!(ranking["without_submission"], 1);
    assert_eq!(
        ranking["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .sum::<i64>(),
        2
    );
    // The overview shows the top of the ranking, the municipality without a submission first.
    let (_, overview) = lead.get_text("/overview").await;
    assert!(overview.contains("Högst i rangordningen"), "{overview}");
    let top = overview
        .split("Högst i rangordningen")
        .nth(1)
        .unwrap_or_default();
    assert!(
        top.find("Kommun Tyst").unwrap_or(usize::MAX) < top.find("Region Tillsyn").unwrap_or(0),
        "{top}"
    );
    assert!(top.contains("Ingen inlämning"));
    // Filters: by kind.
    let (_, only) = api
        .get_json("/api/v1/authority/ranking?kind=municipality")
        .await;
    assert_eq!(only["total"], 1);
    assert_eq!(only["items"][0]["org_number"], w.other_number.as_str());

    // The explanation: the parts of each half add up to the score; the submission's figures
    // carry its date; the municipality's missing submission counts as the model states.
    let (status, x) = api
        .get_json(&format!(
            "/api/v1/authority/ranking/{}",
            region["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{x}");
    let score = x["score"]["score"].as_f64().unwrap();
    let parts = x["score"]["parts"].as_array().unwrap();
    let sum = |half: &str| -> f64 {
        parts
            .iter()
            .filter(|p| p["half"] == half)
            .map(|p| p["points"].as_f64().unwrap())
            .sum()
    };
    assert!((sum("likelihood") - score).abs() < 0.5, "{x}");
    assert!((sum("consequence") - score).abs() < 0.5, "{x}");
    // A region with no measures has 0 overdue, dated by its submission; with nothing assessed it
    // has no compliance figure, which counts as the model states.
    let overdue = parts
        .iter()
        .find(|p| p["key"] == "overdue_measures")
        .unwrap();
    assert_eq!(overdue["as_of"], tillit_app::today().as_str());
    assert_eq!(overdue["figure"], 0.0);
    let gap = parts.iter().find(|p| p["key"] == "compliance_gap").unwrap();
    assert_eq!(gap["figure"], serde_json::Value::Null);
    assert_eq!(gap["value"], 1.0);
    let (_, y) = api
        .get_json(&format!(
            "/api/v1/authority/ranking/{}",
            other["id"].as_str().unwrap()
        ))
        .await;
    let sub = y["score"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "submission_age")
        .unwrap();
    assert_eq!(sub["figure"], serde_json::Value::Null);
    assert_eq!(sub["value"], 1.0);
    let (status, page) = lead
        .get_text(&format!(
            "/authority/organisations/{}",
            other["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Vad som skulle ändra placeringen mest"));

    // The received submission: read by the case officer, with the signature checked, and the
    // read audited in IMY's trail.
    let (_, list) = api.get_json("/api/v1/authority/submissions").await;
    assert_eq!(list["total"], 1);
    let rid = list["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(list["items"][0]["source"], "tillit");
    let officer = app.login("handlaggare@imy.test").await;
    let (status, html) = officer
        .get_text(&format!("/authority/submissions/{rid}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Signaturen stämmer"), "{html}");
    assert!(
        html.contains("Uppfyllda krav"),
        "a readable summary beside the JSON"
    );
    let (_, one) = api
        .get_json(&format!("/api/v1/authority/submissions/{rid}"))
        .await;
    assert_eq!(one["signature_valid"], true);
    let reads = app
        .store
        .list_audit_events(
            &w.imy,
            &tillit_app::views::AuditFilter {
                action: Some("submission.read".into()),
                ..Default::default()
            },
            tillit_domain::paging::PageRequest::default(),
        )
        .await
        .unwrap();
    // The region's explanation (its submission's figures), then the submission by page and by
    // the API; the municipality's explanation had no submission to read.
    assert_eq!(reads.total, 3);
    assert_eq!(
        reads
            .items
            .iter()
            .filter(|e| e
                .after
                .as_ref()
                .is_some_and(|a| a["read_as"] == "ranking_explanation"))
            .count(),
        1
    );
    assert!(reads
        .items
        .iter()
        .any(|e| e.actor_label.contains("handlaggare@imy.test")));

    // The export, CSV and XLSX.
    let csv = lead.get("/authority/ranking/export?format=csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    let text = text.trim_start_matches('\u{feff}');
    assert!(
        text.starts_with("placering;namn") && text.contains("Kommun Tyst"),
        "{text}"
    );
    let xlsx = lead
        .get("/authority/ranking/export?format=xlsx&kind=region")
        .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap();
    let table = tillit_app::tabular::read("r.xlsx", &bytes).unwrap();
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.get(&table.rows[0], "namn"), "Region Tillsyn");
}

#[tokio::test]
async fn roles_decide_who_imports_reads_and_changes_the_model() {
    let w = world().await;
    let app = &w.app;
    let admin = app.login("admin@imy.test").await;
    let analyst = app.login("analytiker@imy.test").await;
    let officer = app.login("handlaggare@imy.test").await;
    let lead = app.login("tillsyn@imy.test").await;
    let csv = registry_csv(&[("Region Tillsyn", &w.region_number, "region")]);
    // Only the administrator and the supervision lead import the registry.
    for (b, ok) in [(&analyst, false), (&officer, false), (&lead, true)] {
        let res = b
            .post_multipart(
                "/authority/registry/import",
                &[],
                Some(("r.csv", csv.clone())),
            )
            .await;
        assert_eq!(
            res.status() == StatusCode::SEE_OTHER,
            ok,
            "{}",
            res.status()
        );
    }
    // Every authority role sees the ranking; a provider's member does not.
    for b in [&admin, &analyst, &officer, &lead] {
        assert_eq!(b.get("/authority/ranking").await.status(), StatusCode::OK);
    }
    let provider = app.login("samordnare@tillsyn.example").await;
    for path in [
        "/authority/ranking",
        "/authority/registry",
        "/authority/model",
    ] {
        assert_eq!(provider.get(path).await.status(), StatusCode::FORBIDDEN);
    }
    let res = provider
        .post_form("/submissions", &[("authority_ids", w.imy_id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, list) = app
        .api(&make_token(&lead, "l", &["read"]).await)
        .get_json("/api/v1/authority/submissions")
        .await;
    let rid = list["items"][0]["id"].as_str().unwrap().to_string();
    // The administrator manages members and the registry, not the providers' content.
    assert_eq!(
        admin
            .get(&format!("/authority/submissions/{rid}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        analyst
            .get(&format!("/authority/submissions/{rid}"))
            .await
            .status(),
        StatusCode::OK
    );
    // The explanation shows the submission's figures: not for the administrator either.
    let (_, ranking) = app
        .api(&make_token(&lead, "r", &["read"]).await)
        .get_json("/api/v1/authority/ranking")
        .await;
    let entry = ranking["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        admin
            .get(&format!("/authority/organisations/{entry}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let (_, page) = admin.get_text("/authority/ranking").await;
    assert!(
        !page.contains("/authority/organisations/"),
        "no link it cannot follow"
    );
    assert_eq!(
        analyst
            .get(&format!("/authority/organisations/{entry}"))
            .await
            .status(),
        StatusCode::OK
    );
    // And the authority never reads a provider's registers.
    assert_eq!(lead.get("/assets").await.status(), StatusCode::FORBIDDEN);

    // Only the supervision lead publishes a model version.
    let (_, model) = app
        .api(&make_token(&lead, "m", &["read"]).await)
        .get_json("/api/v1/authority/model")
        .await;
    let mut draft = serde_json::json!({"note": "Mer vikt på tillsynens ålder", "factors": {}});
    for f in model["model"]["factors"].as_array().unwrap() {
        let key = f["key"].as_str().unwrap();
        let scale = &f["scale"];
        let mut d = serde_json::json!({"weight": f["weight"], "missing": f["missing"], "rationale": f["rationale"]});
        if scale["kind"] == "levels" {
            d["levels"] = scale["levels"].clone();
        } else {
            d["full_at"] = scale["full_at"].clone();
        }
        if key == "since_supervision" {
            d["weight"] = serde_json::json!(40);
        }
        draft["factors"][key] = d;
    }
    for b in [&admin, &analyst, &officer] {
        let api = app.api(&make_token(b, "x", &["read", "write"]).await);
        let res = api.post("/api/v1/authority/model", draft.clone()).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let api = app.api(&make_token(&lead, "y", &["read", "write"]).await);
    let res = api.post("/api/v1/authority/model", draft.clone()).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    let (_, versions) = api.get_json("/api/v1/authority/model/versions").await;
    assert_eq!(versions.as_array().unwrap().len(), 2, "every version kept");
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[1]["model"]["factors"][7]["weight"], 10.0);
    let (_, ranking) = api.get_json("/api/v1/authority/ranking").await;
    assert_eq!(
        ranking["model_version"], 2,
        "the ranking names the model it used"
    );
    let (status, old) = lead.get_text("/authority/model/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(old.contains("Du ser version 1"));

    // Bad input names the field and the rule: API and form.
    let mut bad = draft.clone();
    bad["factors"]["incidents"]["weight"] = serde_json::json!(500);
    bad["factors"]["nis2"]
        .as_object_mut()
        .unwrap()
        .remove("levels");
    let res = api.post("/api/v1/authority/model", bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = res.text().await.unwrap();
    assert!(problem.contains("factors.nis2.levels"), "{problem}");
    let res = lead
        .post_form(
            "/authority/model",
            &[("compliance_gap.weight", "mycket"), ("note", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("href=\"#factors.compliance_gap.weight\""),
        "{html}"
    );
    assert!(html.contains("Ej uppfyllda krav (%) – Vikt"), "{html}");
    let (_, versions) = api.get_json("/api/v1/authority/model/versions").await;
    assert_eq!(versions.as_array().unwrap().len(), 2, "nothing saved");
}

#[tokio::test]
async fn an_authority_sees_only_what_was_sent_to_it() {
    let w = world().await;
    let app = &w.app;
    let r = app.login("samordnare@tillsyn.example").await;
    let res = r
        .post_form("/submissions", &[("authority_ids", w.imy_id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let lead = app.login("tillsyn@imy.test").await;
    let imy_api = app.api(&make_token(&lead, "imy", &["read", "write"]).await);
    let (_, list) = imy_api.get_json("/api/v1/authority/submissions").await;
    let rid = list["items"][0]["id"].as_str().unwrap().to_string();
    let csv = registry_csv(&[("Region Tillsyn", &w.region_number, "region")]);
    let res = lead
        .post_multipart("/authority/registry/import", &[], Some(("r.csv", csv)))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, ranking) = imy_api.get_json("/api/v1/authority/ranking").await;
    let entry = ranking["items"][0]["id"].as_str().unwrap().to_string();

    // IVO: the same registry row would be its own; IMY's submission, registry row, ranking and
    // model are not its to read.
    app.member(&w.ivo, "analytiker@ivo.test", Role::Analyst)
        .await;
    let ivo = app.login("analytiker@ivo.test").await;
    let ivo_api = app.api(&make_token(&ivo, "ivo", &["read"]).await);
    let (_, list) = ivo_api.get_json("/api/v1/authority/submissions").await;
    assert_eq!(list["total"], 0, "a submission sent to IMY only");
    for path in [
        format!("/api/v1/authority/submissions/{rid}"),
        format!("/api/v1/authority/ranking/{entry}"),
    ] {
        let (status, _) = ivo_api.get_json(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        format!("/authority/submissions/{rid}"),
        format!("/authority/organisations/{entry}"),
    ] {
        assert_eq!(
            ivo.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let (_, ranking) = ivo_api.get_json("/api/v1/authority/ranking").await;
    assert_eq!(ranking["total"], 0);
    // A provider's member is refused every one of them by role.
    let provider = app.api(&make_token(&r, "prov", &["read"]).await);
    for path in [
        format!("/api/v1/authority/submissions/{rid}"),
        format!("/api/v1/authority/ranking/{entry}"),
        "/api/v1/authority/ranking".to_string(),
        "/api/v1/authority/model".to_string(),
    ] {
        let (status, _) = provider.get_json(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    for path in [
        format!("/authority/submissions/{rid}"),
        format!("/authority/organisations/{entry}"),
    ] {
        assert_eq!(r.get(&path).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let (_, model) = ivo_api.get_json("/api/v1/authority/model").await;
    assert_eq!(model["version"], 1);
    // IVO's reading left nothing in IMY's trail, and IMY's model is still its own.
    let (_, imy_versions) = imy_api.get_json("/api/v1/authority/model/versions").await;
    assert_eq!(imy_versions.as_array().unwrap().len(), 1);
    let _ = &w.imy;
}

#[tokio::test]
async fn a_submission_file_from_another_tillit_is_imported_or_refused_with_the_reason() {
    let w = world().await;
    let app = &w.app;
    let key = ed25519_dalek::SigningKey::from_bytes(&[21; 32]);
    let other_key = ed25519_dalek::SigningKey::from_bytes(&[22; 32]);
    let published = hex::encode(key.verifying_key().to_bytes());
    let elsewhere = unique_org_number();
    let report = |number: &str| {
        serde_json::json!({
            "report_version": 2,
            "as_of": tillit_app::today(),
            "organisation": {"name": "Vårdbolaget Fjärran AB", "org_number": number},
            "compliance": {"percent_met": 40},
            "measures": {"overdue": 12},
            "risk": {"above_tolerance_untreated": 3, "latest_risk_analysis": null},
            "incidents": {"last_12_months": 2, "reports_overdue_now": 1},
            "classification": {"highest_confidentiality": 4},
            "access_needs_analysis": {"latest_approved": null},
        })
    };
    let file = |v: serde_json::Value, k: &ed25519_dalek::SigningKey| {
        serde_json::to_vec(&tillit_domain::submission::sign(v, k, "fjarran-1").unwrap()).unwrap()
    };
    let good = file(report(&elsewhere), &key);
    let officer = app.login("handlaggare@imy.test").await;
    let import = |bytes: Vec<u8>| {
        let officer = &officer;
        async move {
            let res = officer
                .post_multipart(
                    "/authority/submissions/import",
                    &[],
                    Some(("inlamning.json", bytes)),
                )
                .await;
            let status = res.status();
            (status, res.text().await.unwrap())
        }
    };
    // Not in the registry yet.
    let (status, html) = import(good.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("organisationsnumret finns inte i myndighetens register"),
        "{html}"
    );
    // In the registry, but with no published key.
    let lead = app.login("tillsyn@imy.test").await;
    let registry = |columns: &str, rest: &str| {
        let csv = format!("name,org_number,kind,{columns}\nVårdbolaget Fjärran AB,{elsewhere},private_provider,{rest}\n");
        let lead = &lead;
        async move {
            let res = lead
                .post_multipart(
                    "/authority/registry/import",
                    &[],
                    Some(("r.csv", csv.into_bytes())),
                )
                .await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
        }
    };
    registry("public_key", "").await;
    let (_, html) = import(good.clone()).await;
    assert!(html.contains("ingen publicerad nyckel"), "{html}");
    registry("public_key", &published).await;
    // A refreshed list without the key column changes the county and keeps the published key.
    registry("county", "Norrbotten").await;
    let (_, html) = lead.get_text("/authority/registry?q=Fjärran").await;
    assert!(html.contains("Norrbotten"), "{html}");
    // Signed with another key; a changed byte; not a submission at all.
    let (_, html) = import(file(report(&elsewhere), &other_key)).await;
    assert!(html.contains("en annan nyckel"), "{html}");
    let tampered = String::from_utf8(good.clone())
        .unwrap()
        .replace("\"overdue\":12", "\"overdue\":0")
        .into_bytes();
    assert_ne!(tampered, good);
    let (_, html) = import(tampered).await;
    assert!(html.contains("innehållet har ändrats"), "{html}");
    let (status, html) = import(b"inte json".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("ingen inlämning från Tillit"), "{html}");
    // The good file: imported, then refused as already received.
    let res = officer
        .post_multipart(
            "/authority/submissions/import",
            &[],
            Some(("inlamning.json", good.clone())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(res.headers());
    let (_, html) = officer.get_text(&to).await;
    assert!(
        html.contains("Signaturen stämmer") && html.contains("Inläst fil"),
        "{html}"
    );
    let (_, html) = import(good.clone()).await;
    assert!(html.contains("redan mottagen"), "{html}");
    // Through the API the reason is the rule's.
    let api = app.api(&make_token(&officer, "imp", &["read", "write"]).await);
    let res = api
        .client
        .post(format!("{}/api/v1/authority/submissions", api.base))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body(file(report(&elsewhere), &other_key))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");
    assert_eq!(
        problem["errors"][0]["rule"], "submission_refused",
        "{problem}"
    );
    let msg = problem["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("annan nyckel") || msg.contains("another key"),
        "{msg}"
    );
    // A key put in the registry does not stand in for an organisation that publishes its keys
    // in this Tillit: a file "from the region" signed with it is refused — before the region
    // has a key (none published) and after (another key).
    let forger = ed25519_dalek::SigningKey::from_bytes(&[23; 32]);
    let row = format!(
        "name,org_number,kind,public_key\nRegion Tillsyn,{},region,{}\n",
        w.region_number,
        hex::encode(forger.verifying_key().to_bytes())
    );
    let res = lead
        .post_multipart(
            "/authority/registry/import",
            &[],
            Some(("r.csv", row.into_bytes())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let forged = file(report(&w.region_number), &forger);
    let (status, html) = import(forged.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("ingen publicerad nyckel"), "{html}");
    let region = app.login("samordnare@tillsyn.example").await;
    assert_eq!(region.get("/organisation").await.status(), StatusCode::OK);
    let (status, html) = import(forged).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("en annan nyckel"), "{html}");
    // The imported figures count in the ranking.
    let (_, ranking) = api.get_json("/api/v1/authority/ranking").await;
    let fj = ranking["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["org_number"] == elsewhere.as_str())
        .unwrap()
        .clone();
    assert_eq!(fj["no_submission"], false);
}

#[tokio::test]
async fn a_registry_file_with_bad_rows_is_refused_row_by_row_and_nothing_is_saved() {
    let w = world().await;
    let app = &w.app;
    let lead = app.login("tillsyn@imy.test").await;
    let csv = format!(
        "name,org_number,kind,individuals,nis2_class,last_supervised_on,public_key\n\
         Bra rad,{},region,100,essential,2024-01-01,\n\
         ,123,bolag,-5,kanske,2099-01-01,xyz\n\
         Dubblett,{},region,,,,\n",
        w.region_number, w.region_number
    );
    let res = lead
        .post_multipart(
            "/authority/registry/import",
            &[],
            Some(("r.csv", csv.into_bytes())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("3 rader, 2 med fel"), "{html}");
    for label in [
        "Organisationsnummer",
        "Antal patienter/klienter",
        "NIS2-klass",
        "Senaste tillsyn",
        "Publik nyckel",
    ] {
        assert!(html.contains(label), "{label}: {html}");
    }
    let (_, reg) = app
        .api(&make_token(&lead, "r", &["read"]).await)
        .get_json("/api/v1/authority/registry")
        .await;
    assert_eq!(reg["total"], 0, "nothing saved");
    // An XLSX workbook with the Swedish column names, its number a number cell: a dry run
    // saves nothing, the real import saves both rows.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "namn",
        "organisationsnummer",
        "typ",
        "län",
        "antal_individer",
        "nis2",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (name, number, kind)) in [
        ("Region Tillsyn", w.region_number.as_str(), "Region"),
        ("Kommun Tyst", w.other_number.as_str(), "Kommun"),
    ]
    .iter()
    .enumerate()
    {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *name).unwrap();
        ws.write_string(r, 1, *number).unwrap();
        ws.write_string(r, 2, *kind).unwrap();
        ws.write_string(r, 3, "Jämtlands län").unwrap();
        ws.write_number(r, 4, 5400.0).unwrap();
        ws.write_string(r, 5, "Viktig").unwrap();
    }
    let xlsx = wb.save_to_buffer().unwrap();
    let res = lead
        .post_multipart(
            "/authority/registry/import",
            &[("dry_run", "yes")],
            Some(("register.xlsx", xlsx.clone())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("2 rader utan fel"));
    let res = lead
        .post_multipart(
            "/authority/registry/import",
            &[],
            Some(("register.xlsx", xlsx)),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, reg) = app
        .api(&make_token(&lead, "x", &["read"]).await)
        .get_json("/api/v1/authority/registry?county=J%C3%A4mtlands+l%C3%A4n&nis2_class=important")
        .await;
    assert_eq!(reg["total"], 2, "{reg}");
    assert_eq!(reg["items"][0]["individuals"], 5400);
    // A file that is no table.
    let res = lead
        .post_multipart(
            "/authority/registry/import",
            &[],
            Some(("r.xlsx", b"PK\x03\x04 inte en xlsx".to_vec())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Filters that are not words of the registry.
    let (status, p) = app
        .api(&make_token(&lead, "q", &["read"]).await)
        .get_json("/api/v1/authority/ranking?kind=bolag")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["field"], "kind");
}
