//! Supervision cases over HTTP: a case from opening to a verified order; the provider answering
//! with a signed extract of exactly the objects it chose; co-supervision read-only with notes; a
//! third authority that gets 404; the roles; the handling-time statistics.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

struct World {
    app: TestApp,
    region_number: String,
    ivo_id: String,
    imy: tillit_store::Tenant,
}

/// A region with a coordinator; IMY with a case officer, a lead and an analyst; IVO and MCF with a
/// case officer each. IMY's registry holds the region.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let (region, region_org) = app.org("Region Norr", OrgKind::Region).await;
    let (imy, _imy_org) = app
        .org("Integritetsskyddsmyndigheten", OrgKind::Authority)
        .await;
    let (ivo, ivo_org) = app
        .org("Inspektionen för vård och omsorg", OrgKind::Authority)
        .await;
    let (mcf, _) = app
        .org("Myndigheten för civilt försvar", OrgKind::Authority)
        .await;
    app.member(&region, "samordnare@norr.example", Role::Coordinator)
        .await;
    app.member(&region, "lasare@norr.example", Role::Reader)
        .await;
    app.member(&imy, "handlaggare@imy.test", Role::CaseOfficer)
        .await;
    app.member(&imy, "tillsyn@imy.test", Role::SupervisionLead)
        .await;
    app.member(&imy, "analytiker@imy.test", Role::Analyst).await;
    app.member(&ivo, "handlaggare@ivo.test", Role::CaseOfficer)
        .await;
    app.member(&mcf, "handlaggare@mcf.test", Role::CaseOfficer)
        .await;
    let lead = app.login("tillsyn@imy.test").await;
    let csv = format!(
        "namn,organisationsnummer,typ,län\nRegion Norr,{},region,Norrbottens län\n",
        region_org.org_number
    );
    let res = lead
        .post_multipart(
            "/authority/registry/import",
            &[],
            Some(("register.csv", csv.into_bytes())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    World {
        app,
        region_number: region_org.org_number,
        ivo_id: ivo_org.id,
        imy,
    }
}

async fn api_of(app: &TestApp, email: &str) -> Api {
    let b = app.login(email).await;
    app.api(&make_token(&b, "t", &["read", "write"]).await)
}

async fn send(
    api: &Api,
    method: Method,
    path: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let r = api.req(method, path, Some(body)).await;
    let s = r.status();
    (s, r.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn a_case_runs_from_a_request_answered_with_an_extract_to_a_verified_order() {
    let w = world().await;
    let app = &w.app;
    let officer = api_of(app, "handlaggare@imy.test").await;
    let provider = api_of(app, "samordnare@norr.example").await;

    // The provider's registers: two assets, of which it will show the authority one.
    let (s, shown) = send(
        &provider,
        Method::POST,
        "/api/v1/assets",
        json!({"name": "Patientjournal"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{shown}");
    let (s, hidden) = send(
        &provider,
        Method::POST,
        "/api/v1/assets",
        json!({"name": "Hemlig förteckning"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{hidden}");

    // IMY opens a planned case; a complaint case needs its reference.
    let (s, e) = send(
        &officer,
        Method::POST,
        "/api/v1/authority/cases",
        json!({"org_number": w.region_number, "case_type": "complaint", "title": "Klagomål"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "origin_ref");
    let (s, e) = send(
        &officer,
        Method::POST,
        "/api/v1/authority/cases",
        json!({"org_number": "212000-0142", "case_type": "planned", "title": "Inte i registret"}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "an organisation outside the registry: {e}"
    );
    let (s, made) = send(&officer, Method::POST, "/api/v1/authority/cases",
        json!({"org_number": w.region_number, "case_type": "planned", "title": "Åtkomst till journalen"})).await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let case_id = made["id"].as_str().unwrap().to_string();

    // A request with a deadline in the past is refused; one in two weeks is sent.
    let (s, _) = send(
        &officer,
        Method::POST,
        &format!("/api/v1/authority/cases/{case_id}/requests"),
        json!({"questions": "Hur tilldelas behörigheter?", "deadline": "2020-01-01"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let deadline = (tillit_app::today_date() + chrono::Duration::days(14)).to_string();
    let (s, req) = send(&officer, Method::POST, &format!("/api/v1/authority/cases/{case_id}/requests"),
        json!({"questions": "Hur tilldelas behörigheter?", "documents": "Behovs- och riskanalys", "deadline": deadline})).await;
    assert_eq!(s, StatusCode::CREATED, "{req}");
    let request_id = req["id"].as_str().unwrap().to_string();

    // The provider sees the case and the request, but not the authority's notes.
    let (s, _) = send(
        &officer,
        Method::POST,
        &format!("/api/v1/authority/cases/{case_id}/notes"),
        json!({"text": "Intern bedömning: hög risk"}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, list) = provider.get_json("/api/v1/supervision/cases").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["open_requests"], 1);
    let (s, seen) = provider
        .get_json(&format!("/api/v1/supervision/cases/{case_id}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(seen["access"], "provider");
    assert!(
        !seen.to_string().contains("Intern bedömning"),
        "notes stay with the authorities"
    );
    assert_eq!(
        seen["requests"][0]["request"]["questions"],
        "Hur tilldelas behörigheter?"
    );

    // The provider answers with an extract of exactly the one asset it chose; another
    // organisation's object would be refused by field.
    let (s, e) = send(
        &provider,
        Method::POST,
        &format!("/api/v1/supervision/cases/{case_id}/requests/{request_id}/answer"),
        json!({"text": "Se bifogat.", "asset_ids": ["00000000-0000-0000-0000-000000000000"]}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["errors"][0]["field"], "asset_ids");
    let (s, ans) = send(
        &provider,
        Method::POST,
        &format!("/api/v1/supervision/cases/{case_id}/requests/{request_id}/answer"),
        json!({"text": "Behörigheter tilldelas efter analys.", "asset_ids": [shown["id"]]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{ans}");
    let answer_id = ans["id"].as_str().unwrap().to_string();
    // A second answer to the same request is refused.
    let (s, _) = send(
        &provider,
        Method::POST,
        &format!("/api/v1/supervision/cases/{case_id}/requests/{request_id}/answer"),
        json!({"text": "Igen."}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // The authority sees exactly that extract, signed by the provider's key.
    let b = app.login("handlaggare@imy.test").await;
    let res = b
        .get(&format!(
            "/authority/cases/{case_id}/answers/{answer_id}/extract"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let envelope = res.text().await.unwrap();
    tillit_domain::submission::verify(&envelope, None).expect("a valid signature");
    let content: serde_json::Value = serde_json::from_str(&envelope).unwrap();
    let content = &content["submission"];
    assert_eq!(content["kind"], "register_extract");
    let assets = content["objects"]["assets"].as_array().unwrap().clone();
    assert_eq!(assets.len(), 1);
    assert_eq!(assets[0]["input"]["name"], "Patientjournal");
    assert!(!envelope.contains("Hemlig förteckning"));
    assert_eq!(content["objects"]["systems"], json!([]));
    let (_, page) = b.get_text(&format!("/authority/cases/{case_id}")).await;
    assert!(page.contains("Patientjournal") && !page.contains("Hemlig förteckning"));

    // An order with one action becomes a measure in the provider's action plan.
    let due = (tillit_app::today_date() + chrono::Duration::days(60)).to_string();
    let (s, e) = send(&officer, Method::POST, &format!("/api/v1/authority/cases/{case_id}/decisions"),
        json!({"outcome": "order", "summary": "Analys saknas.",
               "findings": [{"requirement_id": "no-such-requirement", "provision": "GDPR art. 32", "text": "Ingen analys."}],
               "actions": [{"text": "Gör analysen.", "due_on": due}]})).await;
    assert_eq!(s, StatusCode::CONFLICT, "an unknown requirement: {e}");
    assert_eq!(e["errors"][0]["field"], "findings[0].requirement_id");
    let requirement = "sty-1";
    let (s, dec) = send(&officer, Method::POST, &format!("/api/v1/authority/cases/{case_id}/decisions"),
        json!({"outcome": "order", "summary": "Analys saknas.",
               "findings": [{"requirement_id": requirement, "text": "Ingen analys före tilldelning."}],
               "actions": [{"text": "Gör analysen.", "due_on": due}]})).await;
    assert_eq!(s, StatusCode::CREATED, "{dec}");
    // A second first decision is refused: the case is decided.
    let (s, e) = send(
        &officer,
        Method::POST,
        &format!("/api/v1/authority/cases/{case_id}/decisions"),
        json!({"outcome": "no_remark", "summary": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["errors"][0]["rule"], "not_allowed_in_state");

    let (_, seen) = provider
        .get_json(&format!("/api/v1/supervision/cases/{case_id}"))
        .await;
    // The provision left empty came from the catalog's requirement.
    assert_eq!(
        seen["decisions"][0]["findings"][0]["provision"],
        "GDPR art. 24"
    );
    // The decision as a PDF: the authority's document, for the officer and the provider alike.
    let decision_id = seen["decisions"][0]["id"].as_str().unwrap().to_string();
    for (email, base) in [
        ("handlaggare@imy.test", "/authority/cases"),
        ("samordnare@norr.example", "/supervision"),
    ] {
        let b = app.login(email).await;
        let r =
            crate::reports::report(&b, &format!("{base}/{case_id}/decisions/{decision_id}/pdf"))
                .await;
        for text in [
            "Integritetsskyddsmyndigheten",
            "Beslut: Föreläggande",
            "Skäl för beslutet",
            "Analys saknas.",
            "GDPR art. 24",
            "Ingen analys före tilldelning.",
            "Gör analysen.",
            &due,
        ] {
            assert!(r.text.contains(text), "{text:?} in {}", r.text);
        }
    }
    // A third authority gets nothing.
    let mcf = app.login("handlaggare@mcf.test").await;
    let res = mcf
        .get(&format!(
            "/authority/cases/{case_id}/decisions/{decision_id}/pdf"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let action = &seen["actions"][0];
    let action_id = action["id"].as_str().unwrap().to_string();
    let measure_id = action["measure_id"]
        .as_str()
        .expect("a measure in the action plan")
        .to_string();
    let (s, m) = provider
        .get_json(&format!("/api/v1/measures/{measure_id}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["title"], "Gör analysen.");

    // Closing before the action is accepted needs a motivation; verifying needs a report.
    let (s, e) = send(
        &officer,
        Method::POST,
        &format!("/api/v1/authority/cases/{case_id}/close"),
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["errors"][0]["field"], "motivation");
    let verify = format!("/api/v1/authority/cases/{case_id}/actions/{action_id}/verification");
    let (s, _) = send(
        &officer,
        Method::POST,
        &verify,
        json!({"verdict": "accepted"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "nothing reported yet");
    let report = format!("/api/v1/supervision/cases/{case_id}/actions/{action_id}/report");
    let (s, _) = send(
        &provider,
        Method::POST,
        &report,
        json!({"report": "Analysen är gjord."}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, e) = send(
        &officer,
        Method::POST,
        &verify,
        json!({"verdict": "not_accepted"}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a refusal needs its reason: {e}"
    );
    let (s, _) = send(
        &officer,
        Method::POST,
        &verify,
        json!({"verdict": "not_accepted", "reason": "Saknar loggning."}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = send(
        &provider,
        Method::POST,
        &report,
        json!({"report": "Loggning tillagd."}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = send(
        &officer,
        Method::POST,
        &verify,
        json!({"verdict": "accepted"}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // Every action accepted: the case closes without a motivation.
    let (s, _) = send(
        &officer,
        Method::POST,
        &format!("/api/v1/authority/cases/{case_id}/close"),
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, closed) = officer
        .get_json(&format!("/api/v1/authority/cases/{case_id}"))
        .await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["accepted_actions"], 1);
    // A closed case takes no request.
    let (s, _) = send(
        &officer,
        Method::POST,
        &format!("/api/v1/authority/cases/{case_id}/requests"),
        json!({"questions": "Mer?", "deadline": deadline}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The timeline has every step, and the handling time counted the wait for the answer.
    let kinds: Vec<&str> = closed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "opened",
        "request",
        "note",
        "answer",
        "decision",
        "report",
        "not_accepted",
        "accepted",
        "closed",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    assert!(closed["case"]["waited_seconds"].as_i64().unwrap() >= 0);
    assert!(closed["case"]["answers_complete_at"].is_string());

    // The statistics count it: one planned case opened, decided and closed this year.
    let (s, stats) = officer.get_json("/api/v1/authority/case-statistics").await;
    assert_eq!(s, StatusCode::OK, "{stats}");
    let planned = &stats["by_case_type"][0];
    assert_eq!(planned["case_type"], "planned");
    assert_eq!(
        (
            planned["opened"].as_i64(),
            planned["to_decision"]["count"].as_i64(),
            planned["to_close"]["count"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    // Closed, it is no case to look at; the list says how many there are in all.
    assert_eq!(stats["attention"].as_array().map(Vec::len), Some(0));
    assert_eq!(stats["attention_total"], 0);
    let res = b.get("/authority/statistics/export?format=csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(
        csv.contains("diarienummer;") && csv.contains("Region Norr"),
        "{csv}"
    );
}

#[tokio::test]
async fn a_shared_case_is_read_only_for_the_partner_and_hidden_from_a_third_authority() {
    let w = world().await;
    let app = &w.app;
    let officer = api_of(app, "handlaggare@imy.test").await;
    let ivo = api_of(app, "handlaggare@ivo.test").await;
    let mcf = api_of(app, "handlaggare@mcf.test").await;
    let analyst = api_of(app, "analytiker@imy.test").await;
    let reader = api_of(app, "lasare@norr.example").await;
    let (_, made) = send(&officer, Method::POST, "/api/v1/authority/cases",
        json!({"org_number": w.region_number, "case_type": "planned", "title": "Samordnad tillsyn"})).await;
    let case_id = made["id"].as_str().unwrap().to_string();
    let case = format!("/api/v1/authority/cases/{case_id}");

    // Before sharing, IVO and MCF get 404.
    assert_eq!(ivo.get_json(&case).await.0, StatusCode::NOT_FOUND);
    let (s, _) = send(
        &officer,
        Method::POST,
        &format!("{case}/shares"),
        json!({"authority_id": w.ivo_id}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    // IVO reads it, adds a note, and cannot change it.
    let (s, seen) = ivo.get_json(&case).await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    assert_eq!(seen["access"], "partner");
    let (s, _) = send(
        &ivo,
        Method::POST,
        &format!("{case}/notes"),
        json!({"text": "IVO har ett ärende om samma vårdgivare."}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let deadline = (tillit_app::today_date() + chrono::Duration::days(7)).to_string();
    let (s, _) = send(
        &ivo,
        Method::POST,
        &format!("{case}/requests"),
        json!({"questions": "x", "deadline": deadline}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = send(
        &ivo,
        Method::POST,
        &format!("{case}/close"),
        json!({"motivation": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, list) = ivo.get_json("/api/v1/authority/cases?scope=shared").await;
    assert_eq!(list["total"], 1);
    assert_eq!(ivo.get_json("/api/v1/authority/cases").await.1["total"], 0);

    // The third authority sees nothing, not even that the case exists.
    assert_eq!(mcf.get_json(&case).await.0, StatusCode::NOT_FOUND);
    let (s, _) = send(
        &mcf,
        Method::POST,
        &format!("{case}/notes"),
        json!({"text": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The owner sees IVO's note and IVO's read in its audit trail.
    let (_, own) = officer.get_json(&case).await;
    assert!(own.to_string().contains("IVO har ett ärende"));
    let events = app.store.audit_actions(&w.imy).await.unwrap();
    assert!(
        events.iter().any(|a| a == "supervision_case.read"),
        "{events:?}"
    );

    // Revoked: IVO is back to 404.
    let r = officer.delete(&format!("{case}/shares/{}", w.ivo_id)).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(ivo.get_json(&case).await.0, StatusCode::NOT_FOUND);

    // Roles: an analyst reads but does not handle; a provider's reader reads but does not answer.
    assert_eq!(analyst.get_json(&case).await.0, StatusCode::OK);
    let (s, _) = send(
        &analyst,
        Method::POST,
        &format!("{case}/notes"),
        json!({"text": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = send(
        &analyst,
        Method::POST,
        "/api/v1/authority/cases",
        json!({"org_number": w.region_number, "case_type": "planned", "title": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, req) = send(
        &officer,
        Method::POST,
        &format!("{case}/requests"),
        json!({"questions": "Fråga", "deadline": deadline}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = reader
        .get_json(&format!("/api/v1/supervision/cases/{case_id}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = send(
        &reader,
        Method::POST,
        &format!(
            "/api/v1/supervision/cases/{case_id}/requests/{}/answer",
            req["id"].as_str().unwrap()
        ),
        json!({"text": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The provider cannot act as the authority.
    let (s, _) = send(
        &reader,
        Method::POST,
        &format!("{case}/notes"),
        json!({"text": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn guidance_is_published_in_versions_and_rendered_without_script() {
    let w = world().await;
    let app = &w.app;
    let lead = api_of(app, "tillsyn@imy.test").await;
    let officer = api_of(app, "handlaggare@imy.test").await;
    let provider = api_of(app, "samordnare@norr.example").await;
    let body = json!({"title": "Behovs- och riskanalys", "summary": "Hur analysen görs.",
        "body": "# Analys\n\nGör analysen **före** tilldelning.\n\n<script>alert(1)</script>",
        "topics": ["åtkomst"], "org_kinds": ["region"]});
    let (s, _) = send(
        &officer,
        Method::POST,
        "/api/v1/authority/guidance",
        body.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the supervision lead publishes");
    let (s, v1) = send(
        &lead,
        Method::POST,
        "/api/v1/authority/guidance",
        body.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v1}");
    assert_eq!(v1["version"], 1);
    let mut b2 = body.clone();
    b2["body"] = json!("# Analys\n\nGör analysen **före** tilldelning och följ upp den årligen.");
    let (_, v2) = send(&lead, Method::POST, "/api/v1/authority/guidance", b2).await;
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["doc_key"], "behovs-och-riskanalys");

    let (s, list) = provider.get_json("/api/v1/guidance").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "the latest version only: {list}"
    );
    let (_, doc) = provider
        .get_json(&format!("/api/v1/guidance/{}", v2["id"].as_str().unwrap()))
        .await;
    assert_eq!(doc["versions"].as_array().unwrap().len(), 2);
    assert!(doc["changes"].to_string().contains("årligen"));

    let b = app.login("samordnare@norr.example").await;
    let (_, html) = b
        .get_text(&format!("/guidance/{}", v1["id"].as_str().unwrap()))
        .await;
    assert!(
        html.contains("<h1>Analys</h1>") || html.contains("<h1>Analys"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "raw HTML is shown as text");
}

#[tokio::test]
async fn every_case_route_is_closed_to_a_third_authority_and_another_provider() {
    let w = world().await;
    let app = &w.app;
    let (other, _) = app.org("Region Syd", OrgKind::Region).await;
    app.member(&other, "samordnare@syd.example", Role::Coordinator)
        .await;
    let officer = api_of(app, "handlaggare@imy.test").await;
    let provider = api_of(app, "samordnare@norr.example").await;
    let (_, made) = send(
        &officer,
        Method::POST,
        "/api/v1/authority/cases",
        json!({"org_number": w.region_number, "case_type": "planned", "title": "Isolering"}),
    )
    .await;
    let case_id = made["id"].as_str().unwrap().to_string();
    let deadline = (tillit_app::today_date() + chrono::Duration::days(7)).to_string();
    let (_, req) = send(
        &officer,
        Method::POST,
        &format!("/api/v1/authority/cases/{case_id}/requests"),
        json!({"questions": "Fråga", "deadline": deadline}),
    )
    .await;
    let request_id = req["id"].as_str().unwrap().to_string();
    let (_, ans) = send(
        &provider,
        Method::POST,
        &format!("/api/v1/supervision/cases/{case_id}/requests/{request_id}/answer"),
        json!({"text": "Svar"}),
    )
    .await;
    let answer_id = ans["id"].as_str().unwrap().to_string();
    let due = (tillit_app::today_date() + chrono::Duration::days(30)).to_string();
    let (s, _) = send(&officer, Method::POST, &format!("/api/v1/authority/cases/{case_id}/decisions"),
        json!({"outcome": "order", "summary": "x", "findings": [{"requirement_id": "sty-1", "text": "x"}],
               "actions": [{"text": "Gör det.", "due_on": due}]})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, seen) = officer
        .get_json(&format!("/api/v1/authority/cases/{case_id}"))
        .await;
    let action_id = seen["actions"][0]["id"].as_str().unwrap().to_string();
    let events_before = seen["events"].as_array().unwrap().len();

    for who in ["handlaggare@mcf.test", "samordnare@syd.example"] {
        let b = app.login(who).await;
        let api = app.api(&make_token(&b, "x", &["read", "write"]).await);
        for (method, path, object) in crate::tenancy::ROUTES {
            if *object != "supervision_case" {
                continue;
            }
            let path = path
                .replace("{id}", &case_id)
                .replace("{request}", &request_id)
                .replace("{request_id}", &request_id)
                .replace("{action}", &action_id)
                .replace("{action_id}", &action_id)
                .replace("{answer}", &answer_id)
                .replace("{file}", "none")
                .replace("{partner}", "none")
                .replace("{authority_id}", "none");
            let status = if path.starts_with("/api/") {
                // A body valid enough that only the case's lookup can refuse it.
                let body = match path.rsplit('/').next().unwrap_or("") {
                    "requests" => Some(json!({"questions": "x", "deadline": deadline})),
                    "decisions" => Some(json!({"outcome": "no_remark", "summary": "x"})),
                    "verification" => Some(json!({"verdict": "accepted"})),
                    "close" => Some(json!({"motivation": "x"})),
                    "notes" | "answer" => Some(json!({"text": "x"})),
                    "shares" => Some(json!({"authority_id": "x"})),
                    "report" => Some(json!({"report": "x"})),
                    _ => None,
                };
                api.req(Method::from_bytes(method.as_bytes()).unwrap(), &path, body)
                    .await
                    .status()
            } else if *method == "GET" {
                b.get(&path).await.status()
            } else if path.ends_with("/answer") {
                b.post_multipart(&path, &[("text", "x")], None)
                    .await
                    .status()
            } else {
                b.post_form(
                    &path,
                    &[
                        ("text", "x"),
                        ("report", "x"),
                        ("questions", "x"),
                        ("deadline", &deadline),
                        ("verdict", "accepted"),
                        ("motivation", "x"),
                        ("authority_id", "x"),
                    ],
                )
                .await
                .status()
            };
            assert!(
                status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
                "{who}: {method} {path} answered {status}"
            );
        }
    }
    let (_, after) = officer
        .get_json(&format!("/api/v1/authority/cases/{case_id}"))
        .await;
    assert_eq!(
        after["events"].as_array().unwrap().len(),
        events_before,
        "nothing changed"
    );
    assert_eq!(after["state"], "decided");
}
