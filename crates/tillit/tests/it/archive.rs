//! Archiving: nothing is deleted, an archived object leaves the lists, the follow-up and other
//! forms' choices and comes back when restored; an asset a system in use processes stays; only
//! editors of the same organisation may archive, and every step is in the audit trail.

use crate::helpers::*;
use crate::requirements::patient_system;
use reqwest::StatusCode;
use serde_json::json;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn archived_objects_leave_the_work_and_come_back() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Arkiv", OrgKind::Region).await;
    app.member(&t, "samordnare@arkiv.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@arkiv.example", Role::Reader).await;
    app.member(&t, "admin@arkiv.example", Role::Admin).await;
    let (other, _) = app.org("Kommun Annan", OrgKind::Municipality).await;
    app.member(&other, "samordnare@annan.example", Role::Coordinator)
        .await;
    let system = patient_system(&app, &t, "own_operation").await;
    let b = app.login("samordnare@arkiv.example").await;
    let api = app.api(&make_token(&b, "arkiv", &["read", "write"]).await);
    let (_, sys) = api.get_json(&format!("/api/v1/systems/{system}")).await;
    let asset = sys["asset_ids"][0].as_str().unwrap().to_string();
    let (_, before) = api.get_json("/api/v1/follow-up").await;
    assert_eq!(before["assets"], 1);
    assert_eq!(before["systems"], 1);

    // The asset is processed by the system: it stays, and the page says why before anyone tries.
    let res = api
        .post_empty(&format!("/api/v1/assets/{asset}/archive"))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "archived");
    assert_eq!(p["errors"][0]["rule"], "still_in_use");
    let (_, html) = b.get_text(&format!("/assets/{asset}")).await;
    assert!(
        html.contains("Kan inte arkiveras medan den behandlas i"),
        "{html}"
    );

    // A reader may not archive; another organisation does not see the system at all.
    let r = app.login("lasare@arkiv.example").await;
    assert_eq!(
        r.post_form(&format!("/systems/{system}/archive"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let o = app.login("samordnare@annan.example").await;
    assert_eq!(
        o.post_form(&format!("/systems/{system}/archive"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // A measure for the system's requirement, then the system archived from its page.
    let res = api
        .post(
            "/api/v1/measures",
            json!({"title": "Logguppföljning", "status": "planned", "due_on": "2020-01-01",
                "requirements": [format!("{system}/log-2")]}),
        )
        .await;
    let m: serde_json::Value = res.json().await.unwrap();
    let measure = Some(m["id"].as_str().expect("the measure is made").to_string());
    let res = b
        .post_form(&format!("/systems/{system}/archive"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text(&location(res.headers())).await;
    assert!(html.contains("Arkiverat. Det kan återställas"), "{html}");
    assert!(html.contains("Arkiverades"), "{html}");
    assert!(
        html.contains(&format!("action=\"/systems/{system}/restore\""))
            || html.contains("/restore\""),
        "{html}"
    );
    let (_, list) = b.get_text("/systems").await;
    assert!(
        !list.contains(&format!("/systems/{system}\"")),
        "gone from the list"
    );
    let (_, list) = b.get_text("/systems?archived=yes").await;
    assert!(list.contains(&format!("/systems/{system}\"")), "{list}");
    let (s, _) = b.get_text("/systems?archived=maybe").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, after) = api.get_json("/api/v1/follow-up").await;
    assert_eq!(after["systems"], 0, "{after}");

    // Now the asset may go, and it leaves the figures; archiving it twice changes nothing.
    let res = api
        .post_empty(&format!("/api/v1/assets/{asset}/archive"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let a: serde_json::Value = res.json().await.unwrap();
    assert_eq!(a["archived"], true);
    assert_eq!(a["changed"], true);
    let res = api
        .post_empty(&format!("/api/v1/assets/{asset}/archive"))
        .await;
    let a: serde_json::Value = res.json().await.unwrap();
    assert_eq!(a["changed"], false);
    let (_, after) = api.get_json("/api/v1/follow-up").await;
    assert_eq!(after["assets"], 0, "{after}");
    let (_, assets) = api.get_json("/api/v1/assets").await;
    assert_eq!(assets["total"], 0);
    let (_, assets) = api.get_json("/api/v1/assets?archived=yes").await;
    assert_eq!(assets["total"], 1);

    // The overdue measure leaves the action plan and the follow-up when archived.
    if let Some(measure) = &measure {
        let (_, f) = api.get_json("/api/v1/follow-up").await;
        assert_eq!(f["overdue_measures"], 1, "{f}");
        let res = api
            .post_empty(&format!("/api/v1/measures/{measure}/archive"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let (_, f) = api.get_json("/api/v1/follow-up").await;
        assert_eq!(f["overdue_measures"], 0, "{f}");
        let (_, plan) = b.get_text("/measures").await;
        assert!(!plan.contains("Logguppföljning"));
        let (_, plan) = b.get_text("/measures?archived=yes").await;
        assert!(plan.contains("Logguppföljning"));
    }

    // A risk analysis takes its scenarios with it, and brings back only those.
    let res = api
        .post(
            "/api/v1/risk-analyses",
            json!({"title": "Arkivanalys", "analysed_on": "2026-11-02"}),
        )
        .await;
    let ra: serde_json::Value = res.json().await.unwrap();
    let aid = ra["id"].as_str().unwrap().to_string();
    let mut scenarios = vec![];
    for title in ["Kvar i analysen", "Arkiverat för sig"] {
        let res = api
            .post(&format!("/api/v1/risk-analyses/{aid}/scenarios"), json!({"title": title, "threat_key": "ransomware", "inherent_likelihood": 4, "inherent_consequence": 4}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let sc: serde_json::Value = res.json().await.unwrap();
        scenarios.push(sc["id"].as_str().unwrap().to_string());
    }
    let (_, f) = api.get_json("/api/v1/follow-up").await;
    assert_eq!(f["scenarios_above_tolerance"], 2, "{f}");
    let res = b
        .post_form(&format!("/scenarios/{}/archive", scenarios[1]), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get_text(&format!("/risks/{aid}")).await;
    assert!(page.contains("Arkiverade scenarier (1)"), "{page}");
    let res = b.post_form(&format!("/risks/{aid}/archive"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, f) = api.get_json("/api/v1/follow-up").await;
    assert_eq!(f["scenarios_above_tolerance"], 0, "{f}");
    let (_, list) = api.get_json("/api/v1/risk-analyses").await;
    assert_eq!(list["total"], 0);
    // The archived analysis's page still shows the scenario archived with it.
    let (_, page) = b.get_text(&format!("/risks/{aid}")).await;
    assert!(page.contains("Kvar i analysen"), "{page}");
    let res = b.post_form(&format!("/risks/{aid}/restore"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, f) = api.get_json("/api/v1/follow-up").await;
    assert_eq!(
        f["scenarios_above_tolerance"], 1,
        "the one archived on its own stays archived: {f}"
    );

    // Restored, the system is back in the list; every step is in the audit trail in words.
    let res = api
        .post_empty(&format!("/api/v1/systems/{system}/restore"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, list) = b.get_text("/systems").await;
    assert!(list.contains(&format!("/systems/{system}\"")));
    let admin = app.login("admin@arkiv.example").await;
    let (_, audit) = admin.get_text("/admin/audit?per_page=100").await;
    for words in [
        "System arkiverades",
        "System återställdes",
        "Informationsmängd arkiverades",
        "Riskanalys arkiverades",
        "Riskscenario arkiverades",
    ] {
        assert!(audit.contains(words), "{words}: {audit}");
    }
}
