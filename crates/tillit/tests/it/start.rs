//! The starter kit over HTTP: the page, adoption by form and by API, the information owner's
//! confirmation on the asset page, and a risk analysis started from the kit's common threats.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn a_region_adopts_from_the_kit_page_and_the_owner_confirms_on_the_asset_page() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Startpaket", OrgKind::Region).await;
    app.member(&t, "samordnare@kit.example", Role::Coordinator)
        .await;
    let owner = app.member(&t, "agare@kit.example", Role::Owner).await;
    let b = app.login("samordnare@kit.example").await;

    let (status, html) = b.get_text("/start/kit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Region: hälso- och sjukvård"), "{html}");
    assert!(
        !html.contains("Kommun: socialtjänst"),
        "a region is offered the region's kit"
    );
    assert!(html.contains("25 kap. 1 § OSL"));

    // Nothing chosen: the field is named.
    let res = b.post_form("/start/kit", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("href=\"#items\""), "{page}");

    let res = b
        .post_form(
            "/start/kit",
            &[("items", "record-system"), ("owner_membership_id", &owner)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(res.headers());
    assert!(
        to.starts_with("/start/kit?done=kit-adopted&count=5"),
        "{to}"
    );
    let (_, html) = b.get_text(&to).await;
    assert!(html.contains("5 nya objekt finns nu i registren"), "{html}");
    assert!(html.contains("I registret"));

    let assets = app
        .store
        .list_assets(&t, &Default::default(), Default::default())
        .await
        .unwrap();
    assert_eq!(assets.total, 4, "the record system brings its four assets");
    let record = assets
        .items
        .iter()
        .find(|a| a.input.name == "Patientjournal")
        .unwrap();
    assert!(record.levels.is_none());

    // The coordinator sees the suggestion waiting on the owner, without a button.
    let (_, html) = b.get_text(&format!("/assets/{}", record.id)).await;
    assert!(html.contains("Förslag från startpaketet"), "{html}");
    assert!(html.contains("Väntar på att informationsägaren"));
    assert!(!html.contains("confirm-suggestion"));
    let res = b
        .post_form(&format!("/assets/{}/confirm-suggestion", record.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The owner confirms it.
    let o = app.login("agare@kit.example").await;
    let (_, html) = o.get_text(&format!("/assets/{}", record.id)).await;
    assert!(html.contains("Du är informationsägare"), "{html}");
    assert!(html.contains(&format!("/assets/{}/confirm-suggestion", record.id)));
    let res = o
        .post_form(&format!("/assets/{}/confirm-suggestion", record.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = app.store.asset(&t, &record.id).await.unwrap();
    assert_eq!(after.levels.unwrap().confidentiality.number(), 3);
    let (_, html) = o.get_text(&format!("/assets/{}", record.id)).await;
    assert!(!html.contains("Förslag från startpaketet"));
    let events = app
        .store
        .list_audit_events(
            &t,
            &tillit_store::AuditFilter {
                action: Some("kit.classification_confirmed".into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(events.total, 1);

    // A risk analysis of the adopted system is offered the kit's threats, and one starts a
    // scenario with the system's assets chosen.
    let system = app
        .store
        .list_systems(&t, None, Default::default())
        .await
        .unwrap()
        .items
        .remove(0);
    let res = b
        .post_form(
            "/risks",
            &[
                ("title", "Journalsystemet 2026"),
                ("analysed_on", "2026-12-01"),
                ("system_ids", system.id.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(res.headers());
    let analysis = to.split('?').next().unwrap().to_string();
    let (_, html) = b.get_text(&analysis).await;
    assert!(
        html.contains("Vanliga hot för systemen i analysen"),
        "{html}"
    );
    assert!(html.contains("Utpressningsvirus slår ut systemet"));
    let (status, form) = b
        .get_text(&format!(
            "{analysis}/scenarios/new?system={}&threat=ransomware",
            system.id
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("Journalsystem: Utpressningsvirus slår ut systemet"),
        "{form}"
    );
    assert!(
        form.contains(&format!("value=\"{}\" checked", record.id)),
        "{form}"
    );
    let (status, _) = b
        .get_text(&format!(
            "{analysis}/scenarios/new?system={}&threat=martians",
            system.id
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_kit_api_offers_adopts_and_confirms_and_names_bad_input() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Kommun Api", OrgKind::Municipality).await;
    let owner = app.member(&t, "agare@kitapi.example", Role::Owner).await;
    let b = app
        .member_signed_in(&t, "samordnare@kitapi.example", Role::Coordinator)
        .await;
    let token = make_token(&b, "Startpaket", &["read", "write"]).await;
    let api = app.api(&token);

    let (status, kit) = api.get_json("/api/v1/starter-kit").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kit["version"], "1");
    assert_eq!(kit["bound_by_osl"], true);
    let school = kit["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "school-health")
        .unwrap();
    assert_eq!(
        school["items"][0]["confidentiality_provisions"],
        "23 kap. 2 § OSL"
    );

    for (body, field, status) in [
        (serde_json::json!({"items": []}), "items", 422),
        (
            serde_json::json!({"items": ["patient-record-x"]}),
            "items",
            422,
        ),
        (
            serde_json::json!({"items": ["safety-alarm"], "colour": "red"}),
            "colour",
            422,
        ),
        (
            serde_json::json!({"items": ["safety-alarm"], "owner_membership_id": "nobody"}),
            "owner_membership_id",
            409,
        ),
    ] {
        let res = api
            .post("/api/v1/starter-kit/adoptions", body.clone())
            .await;
        assert_eq!(res.status().as_u16(), status, "{body}");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    assert_eq!(
        app.store
            .list_assets(&t, &Default::default(), Default::default())
            .await
            .unwrap()
            .total,
        0,
        "a refused adoption stores nothing"
    );

    let res = api
        .post("/api/v1/starter-kit/adoptions", serde_json::json!({"items": ["safety-alarm", "alarm-data"], "owner_membership_id": owner}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let done: serde_json::Value = res.json().await.unwrap();
    assert_eq!(done["created"], 2);
    let asset_id = done["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["object_type"] == "information_asset")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, asset) = api.get_json(&format!("/api/v1/assets/{asset_id}")).await;
    assert_eq!(asset["classification"], serde_json::Value::Null);

    // The coordinator's token may not confirm: only the owner.
    let res = api
        .post_empty(&format!(
            "/api/v1/assets/{asset_id}/suggested-classification/confirmation"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let o = app.login("agare@kitapi.example").await;
    let owner_token = make_token(&o, "Ägare", &["read", "write"]).await;
    let res = app
        .api(&owner_token)
        .post_empty(&format!(
            "/api/v1/assets/{asset_id}/suggested-classification/confirmation"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let confirmed: serde_json::Value = res.json().await.unwrap();
    assert_eq!(confirmed["classification"]["availability"], 4);
}

#[tokio::test]
async fn the_guide_follows_the_records_and_members_mark_or_skip_the_rest() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Kommun Guide", OrgKind::Municipality).await;
    let membership = app
        .member(&t, "samordnare@guide.example", Role::Coordinator)
        .await;
    let b = app.login("samordnare@guide.example").await;
    let (status, html) = b.get_text("/start").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("0 av 8 steg klara"), "{html}");
    // The overview points to the first step.
    let (_, overview) = b.get_text("/overview").await;
    assert!(overview.contains("/start#step-members"), "{overview}");

    // Adopting from the kit with the coordinator as owner, and confirming, does two steps.
    let res = b
        .post_form(
            "/start/kit",
            &[
                ("items", "safety-alarm"),
                ("owner_membership_id", &membership),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text("/start").await;
    assert!(
        html.contains("1 av 8 steg klara"),
        "adopted, not yet classified: {html}"
    );
    let asset = app
        .store
        .list_assets(&t, &Default::default(), Default::default())
        .await
        .unwrap()
        .items
        .remove(0);
    let res = b
        .post_form(&format!("/assets/{}/confirm-suggestion", asset.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let token = make_token(&b, "Guide", &["read", "write"]).await;
    let api = app.api(&token);
    let (_, g) = api.get_json("/api/v1/guide").await;
    assert_eq!(g["done"], 2, "{g}");
    assert_eq!(g["next"], "members");
    assert_eq!(g["steps"][2]["state"], "done");

    // Steps the records cannot show are marked; a skip can be taken back.
    let res = b
        .post_form("/start/steps", &[("step", "members"), ("state", "skipped")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = api
        .post(
            "/api/v1/guide/steps",
            serde_json::json!({"step": "requirements", "state": "done"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let g: serde_json::Value = res.json().await.unwrap();
    assert_eq!(g["done"], 4);
    assert_eq!(g["steps"][3]["state"], "marked_done");
    assert_eq!(g["next"], "assess");
    let (_, html) = b.get_text("/start").await;
    assert!(html.contains("Överhoppat"), "{html}");
    let res = b
        .post_form("/start/steps", &[("step", "members"), ("state", "todo")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, g) = api.get_json("/api/v1/guide").await;
    assert_eq!(g["steps"][0]["state"], "todo");
    // Bad input names the field.
    let res = api
        .post(
            "/api/v1/guide/steps",
            serde_json::json!({"step": "dance", "state": "done"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "step");
    let res = b.post_form("/start/steps", &[("step", "risk")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Pages of the cycle carry their help.
    let (_, html) = b.get_text("/assets").await;
    assert!(html.contains("id=\"page-help\""), "{html}");
    assert!(html.contains("GDPR art. 30"));
    // A reader sees the guide but cannot mark it; an authority has no guide.
    let r = app
        .member_signed_in(&t, "lasare@guide.example", Role::Reader)
        .await;
    let (_, html) = r.get_text("/start").await;
    assert!(!html.contains("action=\"/start/steps\""));
    assert_eq!(
        r.post_form("/start/steps", &[("step", "risk"), ("state", "done")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let (a, _) = app.org("IMY Guide", OrgKind::Authority).await;
    let officer = app
        .member_signed_in(&a, "handlaggare@guide.example", Role::CaseOfficer)
        .await;
    assert_eq!(officer.get("/start").await.status(), StatusCode::FORBIDDEN);
}
