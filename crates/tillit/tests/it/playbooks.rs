//! Incident checklists over HTTP: the administrator's contacts, a checklist started from an
//! incident and ticked off on its page (each tick in the timeline), the printouts read with
//! `pdftotext`, roles and tenancy, and the API — where a private provider gets no step about the
//! Cybersecurity Act.

use crate::helpers::*;
use crate::reports::report;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

/// Registers an incident through the form; its id.
async fn new_incident(b: &Browser, title: &str, cause: &str) -> String {
    let aware = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339();
    let res = b
        .post_form(
            "/incidents",
            &[
                ("title", title),
                ("aware_at", &aware),
                ("cause", cause),
                ("personal_data", "unknown"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    location(res.headers())
        .trim_start_matches("/incidents/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_checklist_is_started_from_an_incident_and_every_tick_reaches_the_timeline() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Checklista", OrgKind::Region).await;
    app.member(&t, "admin@cl.example", Role::Admin).await;
    app.member(&t, "samordnare@cl.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@cl.example", Role::Reader).await;
    let admin = app.login("admin@cl.example").await;
    let b = app.login("samordnare@cl.example").await;
    let reader = app.login("lasare@cl.example").await;

    // The administrator names IT operations; a phone number in words is refused by field.
    let (status, html) = admin.get_text("/incidents/playbooks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("8 roller saknar kontakt."), "{html}");
    let res = admin
        .post_form(
            "/incidents/playbooks/contacts",
            &[
                ("role", "it_operations"),
                ("name", "IT-servicedesk"),
                ("phone", "ring växeln"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("href=\"#it_operations-phone\""), "{html}");
    assert!(
        html.contains("value=\"ring växeln\""),
        "what was entered is kept"
    );
    // A role that is not one of the checklists' is named at the top of the page.
    let res = admin
        .post_form(
            "/incidents/playbooks/contacts",
            &[("role", "janitor"), ("name", "Vaktmästaren")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#role\""));
    let res = admin
        .post_form(
            "/incidents/playbooks/contacts",
            &[
                ("role", "it_operations"),
                ("name", "IT-servicedesk"),
                ("phone", "08-465 004 11"),
                ("email", "servicedesk@cl.example"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The coordinator reads the contacts but may not change them.
    let (_, html) = b.get_text("/incidents/playbooks").await;
    assert!(
        html.contains("IT-servicedesk") && html.contains("tel:084650041"),
        "{html}"
    );
    assert!(html.contains("7 roller saknar kontakt."));
    assert!(!html.contains("action=\"/incidents/playbooks/contacts\""));
    let res = b
        .post_form(
            "/incidents/playbooks/contacts",
            &[("role", "dpo"), ("name", "Någon")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // An attack suggests the ransomware checklist.
    let id = new_incident(&b, "Krypterade filer på filservern", "attack").await;
    let (_, html) = b.get_text(&format!("/incidents/{id}")).await;
    assert!(html.contains("Ingen checklista är startad"), "{html}");
    assert!(html.contains("Utpressningsprogram (ransomware) (föreslås utifrån orsaken)"));

    // The reader may not start one.
    let res = reader
        .post_form(
            &format!("/incidents/{id}/playbooks"),
            &[("playbook", "ransomware")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = b
        .post_form(
            &format!("/incidents/{id}/playbooks"),
            &[("playbook", "earthquake")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#playbook\""));
    let res = b
        .post_form(
            &format!("/incidents/{id}/playbooks"),
            &[("playbook", "ransomware")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(res.headers()).contains("done=checklist-started"));
    let res = b
        .post_form(
            &format!("/incidents/{id}/playbooks"),
            &[("playbook", "ransomware")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "started twice"
    );

    // A region is covered by the Cybersecurity Act and gives health care: all 14 steps.
    let (_, html) = b.get_text(&format!("/incidents/{id}")).await;
    assert!(html.contains("0 av 14 klara"), "{html}");
    assert!(html.contains("Bedöm om det är en betydande incident enligt cybersäkerhetslagen"));
    assert!(
        html.contains("IT-servicedesk</a>") || html.contains("IT-servicedesk, "),
        "the contact is in the step"
    );
    assert!(html.contains("Checklistan ”Utpressningsprogram (ransomware)” startades"));

    // Ticked off: the count and the timeline follow.
    async fn tick(b: &Browser, id: &str, step: &str, done: &str) -> reqwest::Response {
        b.post_form(
            &format!("/incidents/{id}/playbooks/ransomware/steps"),
            &[("step", step), ("done", done)],
        )
        .await
    }
    assert_eq!(
        tick(&b, &id, "isolate", "yes").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        tick(&b, &id, "backups", "yes").await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = b.get_text(&format!("/incidents/{id}")).await;
    assert!(html.contains("2 av 14 klara"), "{html}");
    assert!(html.contains(
        "Klart (Utpressningsprogram (ransomware)): Koppla bort drabbade datorer och servrar från nätverket (nätverkskabel, wifi)."
    ));
    assert_eq!(
        tick(&b, &id, "backups", "no").await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = b.get_text(&format!("/incidents/{id}")).await;
    assert!(html.contains("1 av 14 klara"));
    assert!(html
        .contains("Ångrat (Utpressningsprogram (ransomware)): Kontrollera att säkerhetskopiorna"));
    // A step that is not there, a checklist not started, a checklist that does not exist.
    let res = tick(&b, &id, "sing", "yes").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#step\""));
    let res = b
        .post_form(
            &format!("/incidents/{id}/playbooks/lost_device/steps"),
            &[("step", "lock"), ("done", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = b
        .post_form(
            &format!("/incidents/{id}/playbooks/earthquake/steps"),
            &[("step", "lock"), ("done", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = reader
        .post_form(
            &format!("/incidents/{id}/playbooks/ransomware/steps"),
            &[("step", "alert"), ("done", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, html) = reader.get_text(&format!("/incidents/{id}")).await;
    assert!(html.contains("1 av 14 klara") && !html.contains("/playbooks/ransomware/steps"));

    // Printed: the checklist with what is done, the contacts, a log to write on.
    let pdf = report(&b, &format!("/incidents/{id}/playbooks/ransomware/pdf")).await;
    for want in [
        "Krypterade filer på filservern",
        "1 av 14 klara",
        "Koppla bort drabbade datorer",
        "IT-servicedesk, 08-465 004 11",
        "CSIRT-enheten",
        "Logg på papper",
    ] {
        assert!(pdf.text.contains(want), "{want} in {}", pdf.text);
    }
    let all = report(&b, "/incidents/playbooks/pdf").await;
    for want in [
        "Utpressningsprogram (ransomware)",
        "Personuppgifter till fel mottagare",
        "Förlorad eller stulen enhet",
        "Avbrott hos en leverantör",
        "Obehörig åtkomst till en journal eller akt",
        "Polisen",
    ] {
        assert!(all.text.contains(want), "{want}");
    }
    assert_eq!(
        b.get("/incidents/playbooks/pdf?playbook=earthquake")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Another organisation sees nothing of it and cannot tick it.
    let (o, _) = app.org("Region Annan", OrgKind::Region).await;
    let other = app
        .member_signed_in(&o, "samordnare@annan.example", Role::Coordinator)
        .await;
    assert_eq!(
        other.get(&format!("/incidents/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = other
        .post_form(
            &format!("/incidents/{id}/playbooks/ransomware/steps"),
            &[("step", "alert"), ("done", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        other
            .get(&format!("/incidents/{id}/playbooks/ransomware/pdf"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (_, html) = other.get_text("/incidents/playbooks").await;
    assert!(
        !html.contains("IT-servicedesk"),
        "the contacts are the organisation's own"
    );
}

#[tokio::test]
async fn the_api_leaves_out_what_a_private_provider_has_no_duty_to_do() {
    let app = TestApp::spawn().await;
    let (t, _) = app
        .org("Vårdbolaget Checklista AB", OrgKind::PrivateProvider)
        .await;
    app.member(&t, "admin@vb.example", Role::Admin).await;
    app.member(&t, "samordnare@vb.example", Role::Coordinator)
        .await;
    let admin = app.api(
        &make_token(
            &app.login("admin@vb.example").await,
            "Admin",
            &["read", "write", "admin"],
        )
        .await,
    );
    let b = app.login("samordnare@vb.example").await;
    let api = app.api(&make_token(&b, "Checklistor", &["read", "write"]).await);

    let (status, body) = api.get_json("/api/v1/incident-playbooks").await;
    assert_eq!(status, StatusCode::OK);
    let national: Vec<&str> = body["national"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["key"].as_str().unwrap())
        .collect();
    assert!(!national.contains(&"csirt"), "{national:?}");
    assert!(national.contains(&"imy") && national.contains(&"ivo"));
    let ransomware = body["playbooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "ransomware")
        .unwrap();
    let steps: Vec<&str> = ransomware["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert!(
        !steps.contains(&"significant") && steps.contains(&"care_report"),
        "{steps:?}"
    );

    // Contacts: the administrator's; a bad address is named.
    let res = api
        .put(
            "/api/v1/incident-contacts",
            serde_json::json!({"role": "dpo", "name": "DSO"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = admin
        .put(
            "/api/v1/incident-contacts",
            serde_json::json!({"role": "dpo", "name": "DSO", "email": "dso@"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("\"email\""));
    let res = admin
        .put("/api/v1/incident-contacts", serde_json::json!({"role": "dpo", "name": "Dataskyddsombudet", "email": "dso@vb.example"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    let dpo = body["contact_roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "dpo")
        .unwrap();
    assert_eq!(dpo["contact"]["email"], "dso@vb.example");
    // Every field empty removes it.
    let res = admin
        .put(
            "/api/v1/incident-contacts",
            serde_json::json!({"role": "dpo"}),
        )
        .await;
    let body: serde_json::Value = res.json().await.unwrap();
    let dpo = body["contact_roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "dpo")
        .unwrap();
    assert!(dpo["contact"].is_null(), "{dpo}");

    let id = new_incident(&b, "Tjänsten för tidbokning ligger nere", "supplier").await;
    let (_, x) = api
        .get_json(&format!("/api/v1/incidents/{id}/playbooks"))
        .await;
    assert_eq!(
        x["to_start"][0], "supplier_outage",
        "the cause's suggestion first"
    );
    let res = api
        .post(
            &format!("/api/v1/incidents/{id}/playbooks"),
            serde_json::json!({"playbook": "ransomware"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = api
        .post(
            &format!("/api/v1/incidents/{id}/playbooks"),
            serde_json::json!({"playbook": "ransomware"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // The Cybersecurity Act's step is not the private provider's.
    let res = api
        .post(
            &format!("/api/v1/incidents/{id}/playbooks/ransomware/steps"),
            serde_json::json!({"step": "significant", "done": "yes"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = api
        .post(
            &format!("/api/v1/incidents/{id}/playbooks/ransomware/steps"),
            serde_json::json!({"step": "isolate", "done": "maybe"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = api
        .post(
            &format!("/api/v1/incidents/{id}/playbooks/ransomware/steps"),
            serde_json::json!({"step": "isolate", "done": "yes"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let x: serde_json::Value = res.json().await.unwrap();
    assert_eq!(x["started"][0]["done"], 1);
    assert_eq!(x["started"][0]["steps"][0]["done"], true);
    let (_, timeline) = api
        .get_json(&format!("/api/v1/incidents/{id}/timeline"))
        .await;
    let kinds: Vec<(&str, &str)> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["text"].as_str().unwrap()))
        .collect();
    assert!(
        kinds.contains(&("checklist_started", "ransomware")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("checklist_step_done", "ransomware/isolate")),
        "{kinds:?}"
    );
}
