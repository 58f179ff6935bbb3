//! Catalog versions over HTTP: the offer, the plan and its export, the upgrade (by whom), the
//! re-assessment list, the comparison in the API, the organisation facts in the API, and that one
//! organisation's upgrade never touches another's.

use crate::helpers::*;
use crate::requirements::patient_system;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::Actor;

#[tokio::test]
async fn an_organisation_on_version_1_is_offered_2_and_a_coordinator_upgrades() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org_on("Åsby", OrgKind::Municipality, "1").await;
    app.member(&t, "samordnare@asby.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@asby.example", Role::Reader).await;
    let sys = patient_system(&app, &t, "outsourced").await;
    let x = tillit_domain::assessment::parse_assessment("partly_met", "Stickprov utan plan", "")
        .unwrap();
    app.store
        .assess(&t, &Actor::operator(), "Peter Ek", Some(&sys), "log-2", &x)
        .await
        .unwrap();
    // Another organisation on version 1, untouched by Åsby's upgrade.
    let (other, _) = app.org_on("Östervik", OrgKind::Municipality, "1").await;
    app.member(&other, "samordnare@ostervik.example", Role::Coordinator)
        .await;

    let reader = app.login("lasare@asby.example").await;
    let (status, html) = reader.get_text("/catalog").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"upgrade-offer\""));
    assert!(html.contains("arbetar efter version 1"));
    let (status, html) = reader.get_text("/catalog/upgrade").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("LOG-2 Systematiska och återkommande kontroller"));
    assert!(
        !html.contains("Uppgradera kravkatalogen</button>"),
        "a reader sees no button"
    );
    // The exact list behind the counts.
    let res = reader.get("/catalog/upgrade/export?format=csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("requirement_id;change;scope"),
        "{csv}"
    );
    assert!(csv.contains(&format!(
        "log-2;changed;Journalsystemet;{sys};partly_met;0;;reassess"
    )));
    assert!(csv.contains("sty-14;added"));
    // A reader may not upgrade.
    let res = reader.post_form("/catalog/upgrade", &[("from", "1")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let coordinator = app.login("samordnare@asby.example").await;
    // A plan seen for another version is refused with the field named.
    let res = coordinator
        .post_form("/catalog/upgrade", &[("from", "0")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = coordinator
        .post_form("/catalog/upgrade", &[("from", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), "/catalog?done=catalog-upgraded");
    let (_, html) = coordinator.get_text("/catalog").await;
    assert!(html.contains("arbetar efter version 2"));
    assert!(!html.contains("id=\"upgrade-offer\""));
    assert!(html.contains("Kravet har ändrats: bedöm igen"));
    assert!(html.contains(&format!("/systems/{sys}/requirements/log-2")));
    // No upgrade left: the plan page goes back to the catalog, its export is not found.
    let res = coordinator.get("/catalog/upgrade").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = coordinator.get("/catalog/upgrade/export").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The follow-up counts the re-assessments as a gap.
    let (_, html) = coordinator.get_text("/follow-up").await;
    assert!(html.contains("Krav att bedöma efter uppgradering"));

    // Östervik is still on version 1 and has nothing to re-assess.
    let ostervik = app.login("samordnare@ostervik.example").await;
    let (_, html) = ostervik.get_text("/catalog").await;
    assert!(html.contains("arbetar efter version 1"));
    assert!(html.contains("Inget väntar på bedömning efter en uppgradering."));
}

#[tokio::test]
async fn the_catalog_and_the_facts_in_the_api() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Linden", OrgKind::PrivateProvider).await;
    app.member(&t, "admin@linden.example", Role::Admin).await;
    app.member(&t, "samordnare@linden.example", Role::Coordinator)
        .await;
    let admin = app.login("admin@linden.example").await;
    let api = app.api(&make_token(&admin, "facts", &["read", "write", "admin"]).await);

    let (status, versions) = api.get_json("/api/v1/catalog/versions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(versions[0]["version"], "1");
    assert_eq!(versions[1]["version"], "2");
    assert_eq!(versions[1]["current"], true);
    assert!(versions[1]["requirements"].as_u64().unwrap() >= 65);

    let (status, diff) = api.get_json("/api/v1/catalog/diff?from=1&to=2").await;
    assert_eq!(status, StatusCode::OK);
    let log2 = diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["requirement_id"] == "log-2")
        .unwrap();
    assert_eq!(log2["kind"], "changed");
    assert!(log2["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["pieces"].as_array().unwrap().iter().any(
            |p| p["kind"] == "removed" && p["text"].as_str().unwrap().contains("fortlöpande")
        )));
    let (status, _) = api.get_json("/api/v1/catalog/diff?from=1&to=9").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = api.get_json("/api/v1/catalog/diff?from=1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    // On the newest version there is no upgrade.
    let (status, _) = api.get_json("/api/v1/catalog/upgrade").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The facts: refused with the fields named, then kept, and what follows is reported.
    let res = api
        .put(
            "/api/v1/organisation/facts",
            json!({"legal_form": "aktiebolag", "care": "both", "employees": -1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["legal_form", "employees"]);
    let res = api
        .put(
            "/api/v1/organisation/facts",
            json!({"legal_form": "private", "care": "health", "employees": 180,
                        "controllers": "Linden AB"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, org) = api.get_json("/api/v1/organisation").await;
    assert_eq!(org["facts"]["public_authority"], false);
    assert_eq!(org["facts"]["cybersecurity_act"], true);
    assert_eq!(
        org["facts"]["cybersecurity_act_reason"],
        "medium_health_care"
    );
    assert_eq!(org["facts"]["data_protection_officer"], true);
    assert_eq!(org["facts"]["controllers"], json!(["Linden AB"]));
    assert_eq!(org["catalog_version"], "2");
    // What applies follows at once: the organisation-wide duties of the Cybersecurity Act.
    let (_, reqs) = api.get_json("/api/v1/requirements").await;
    let ids: Vec<&str> = reqs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["requirement_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"cyb-1") && ids.contains(&"sty-14"), "{ids:?}");

    // A coordinator may not change the facts, in the API or the form.
    let coordinator = app.login("samordnare@linden.example").await;
    let res = coordinator
        .json(
            Method::PUT,
            "/api/v1/organisation/facts",
            Some(json!({"legal_form": "region", "care": "health"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = coordinator
        .post_form(
            "/organisation/edit",
            &[("legal_form", "region"), ("care", "health")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, html) = coordinator.get_text("/organisation").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Omfattas."));
    assert!(!html.contains("href=\"/organisation/edit\""));
}
