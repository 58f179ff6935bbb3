//! The incident register over HTTP: an incident registered through the form, its obligations
//! shown with their deadlines in Swedish time, a report marked sent, bad input refused by field
//! with nothing stored, and roles.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn an_incident_is_registered_and_shows_what_to_report_by_when() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Incident", OrgKind::Region).await;
    app.member(&t, "samordnare@i.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@i.example", Role::Reader).await;
    let b = app.login("samordnare@i.example").await;
    // Awareness six hours ago (an instant with its offset; the form also takes Swedish local
    // time, which the domain's tests cover).
    let aware = (chrono::Utc::now() - chrono::Duration::hours(6)).to_rfc3339();
    let fields = |aware: &str, started: &str| {
        vec![
            (
                "title".to_string(),
                "Utpressningsprogram i labbsystemet".to_string(),
            ),
            ("aware_at".to_string(), aware.to_string()),
            ("started_at".to_string(), started.to_string()),
            ("personal_data".to_string(), "yes".to_string()),
            ("breach_risk".to_string(), "high_risk".to_string()),
            (
                "risk_motivation".to_string(),
                "Provsvar kan ha lästs.".to_string(),
            ),
            ("significant".to_string(), "yes".to_string()),
            ("aspects".to_string(), "availability".to_string()),
            ("aspects".to_string(), "confidentiality".to_string()),
        ]
    };
    let as_refs = |v: &Vec<(String, String)>| -> Vec<(String, String)> { v.clone() };

    // Awareness before the start: refused, the field named, nothing stored.
    let bad = as_refs(&fields(&aware, "2026-12-31T10:00"));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = b.post_form("/incidents", &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("href=\"#aware_at\""), "{html}");
    let (_, list) = b.get_text("/incidents").await;
    assert!(list.contains("Inga incidenter registrerade."));

    // A reader may not register.
    let good = fields(&aware, "");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.login("lasare@i.example").await;
    assert_eq!(
        r.post_form("/incidents", &good).await.status(),
        StatusCode::FORBIDDEN
    );

    // Registered: the early warning is due in about 18 hours, IMY's notification within 72.
    let res = b.post_form("/incidents", &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(res.headers());
    let id = to
        .trim_start_matches("/incidents/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (status, html) = b.get_text(&to).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Tidig varning",
        "Incidentanmälan",
        "Anmälan av personuppgiftsincident",
        "Information till de registrerade",
        "GDPR art. 33",
        "cybersäkerhetslag (2025:1506) 2 kap. 5–8 §§",
        "Snarast",
        "om 17 h",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let (_, list) = b.get_text("/incidents").await;
    assert!(list.contains("Tidig varning") && list.contains("om 17 h"));

    // The early warning marked sent with the CSIRT's reference; the next report comes forward.
    let res = b
        .post_form(
            &format!("/incidents/{id}/reports"),
            &[
                ("obligation", "nis2_early_warning"),
                ("reference", "CSIRT-118"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text(&format!("/incidents/{id}")).await;
    assert!(html.contains("referens CSIRT-118"));
    let (_, list) = b.get_text("/incidents").await;
    assert!(!list.contains("Tidig varning") && list.contains("Anmälan av personuppgiftsincident"));
    // A report the incident does not call for cannot be marked sent.
    let res = b
        .post_form(
            &format!("/incidents/{id}/reports"),
            &[("obligation", "lex_sarah")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A breach known for 80 hours and not reported: IMY's deadline has passed, and the
    // follow-up says so first.
    let late = (chrono::Utc::now() - chrono::Duration::hours(80)).to_rfc3339();
    let res = b
        .post_form(
            "/incidents",
            &[
                ("title", "Fel mottagare för genomförandeplaner"),
                ("aware_at", late.as_str()),
                ("personal_data", "yes"),
                ("breach_risk", "risk"),
                ("risk_motivation", "Uppgifter om barns hälsa har röjts."),
                ("significant", "no"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text("/follow-up").await;
    assert!(html.contains("Incidentrapporter vars frist har passerat"));
    assert!(html.contains("Fel mottagare för genomförandeplaner"));
    let (_, list) = b.get_text("/incidents").await;
    assert!(list.contains("försenad 8 h"), "{list}");
    // The overview lists the reports to send, the overdue one first, and the navigation counts
    // them on every page.
    let (_, overview) = b.get_text("/overview").await;
    let reports = overview
        .split("Incidentrapporter att skicka")
        .nth(1)
        .unwrap_or_default();
    assert!(reports.contains("försenad 8 h"), "{overview}");
    let first_overdue = reports
        .find("Fel mottagare för genomförandeplaner")
        .unwrap_or(usize::MAX);
    let first_lab = reports
        .find("Utpressningsprogram i labbsystemet")
        .unwrap_or(0);
    assert!(first_overdue < first_lab, "the overdue report first");
    assert!(overview.contains("nav-badge urgent"));
    let (_, assets) = b.get_text("/assets").await;
    assert!(
        assets.contains("rapporter att skicka, 1 försenad"),
        "the count in the navigation"
    );

    // Closed without a lesson: the follow-up asks for one. With a lesson, it becomes a risk.
    let closed = (chrono::Utc::now() - chrono::Duration::hours(200)).to_rfc3339();
    let res = b
        .post_form(
            "/incidents",
            &[
                ("title", "Strömavbrott i serverhallen"),
                ("aware_at", closed.as_str()),
                ("personal_data", "no"),
                ("significant", "no"),
                ("serious_care_injury", "no"),
                ("status", "closed"),
                ("aspects", "availability"),
            ],
        )
        .await;
    let to = location(res.headers());
    let power = to
        .trim_start_matches("/incidents/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (_, html) = b.get_text("/follow-up").await;
    assert!(html.contains("Avslutade incidenter utan lärdomar"));
    let res = b
        .post_form(
            &format!("/incidents/{power}"),
            &[
                ("title", "Strömavbrott i serverhallen"),
                ("aware_at", closed.as_str()),
                ("personal_data", "no"),
                ("significant", "no"),
                ("serious_care_injury", "no"),
                ("status", "closed"),
                ("aspects", "availability"),
                ("lessons", "Reservkraften testades aldrig under last."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text("/follow-up").await;
    assert!(
        !html.contains("Strömavbrott i serverhallen"),
        "the gap closes"
    );
    let res = b
        .post_form(
            "/risks",
            &[("title", "Driftmiljön 2027"), ("analysed_on", "2026-11-20")],
        )
        .await;
    let analysis = location(res.headers())
        .trim_start_matches("/risks/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    for expected in ["done=scenario-saved", "done=scenario-exists"] {
        let res = b
            .post_form(
                &format!("/incidents/{power}/scenario"),
                &[("analysis_id", analysis.as_str())],
            )
            .await;
        assert!(location(res.headers()).ends_with(expected), "{expected}");
    }
    let (_, html) = b.get_text(&format!("/risks/{analysis}")).await;
    assert!(html.contains("Reservkraften testades aldrig under last."));

    // The lesson as a measure: made once, listed on the incident, traced in the action plan.
    for expected in ["done=measure-saved", "done=measure-exists"] {
        let res = b
            .post_form(
                &format!("/incidents/{power}/measure"),
                &[("title", "Provkör reservkraften under last")],
            )
            .await;
        assert!(location(res.headers()).ends_with(expected), "{expected}");
    }
    let res = b
        .post_form(
            &format!("/incidents/{power}/measure"),
            &[("title", ""), ("due_on", "2020-01-01")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, html) = b.get_text(&format!("/incidents/{power}")).await;
    assert!(
        html.contains("Åtgärder från lärdomarna")
            && html.contains("Provkör reservkraften under last")
    );
    let (_, plan) = b.get_text("/measures").await;
    assert_eq!(plan.matches("Provkör reservkraften under last").count(), 1);
    assert!(
        plan.contains("Rutin för incidenthantering"),
        "traced to the incident routine requirement"
    );

    // The follow-up counts them per month, cause and type.
    let (_, html) = b.get_text("/follow-up").await;
    assert!(html.contains("Incidenter per månad"));
    assert!(
        html.contains("3 incidenter de senaste 12 månaderna"),
        "{html}"
    );
    let types = html.split("Incidenter per typ").nth(1).unwrap_or_default();
    // Two personal data breaches (the lab and the letters) and one other (the power cut).
    assert!(
        types.contains("Personuppgiftsincident</th><td class=\"num\">2</td>"),
        "{types}"
    );
    assert!(
        types.contains("Övrig incident</th><td class=\"num\">1</td>"),
        "{types}"
    );
}

#[tokio::test]
async fn the_api_registers_an_incident_and_recomputes_its_deadlines() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Incident-API", OrgKind::Region).await;
    app.member(&t, "samordnare@ia.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@ia.example", Role::Reader).await;
    let b = app.login("samordnare@ia.example").await;
    let api = app.api(&make_token(&b, "incidenter", &["read", "write"]).await);
    let post = |body: serde_json::Value| api.post("/api/v1/incidents", body);

    // Awareness before the start, an unknown system and a negative count: each field named,
    // nothing stored.
    let res = post(serde_json::json!({
        "title": "Fel mottagare",
        "started_at": "2026-11-20T10:00:00+01:00",
        "aware_at": "2026-11-19T10:00:00+01:00",
        "individuals_approx": -3,
    }))
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = res.json().await.unwrap();
    let fields: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["rule"].as_str().unwrap()))
        .collect();
    assert!(fields.contains(&("aware_at", "out_of_order")), "{fields:?}");
    assert!(
        fields.contains(&("individuals_approx", "out_of_range")),
        "{fields:?}"
    );
    let res = post(serde_json::json!({
        "title": "Fel mottagare",
        "aware_at": "2026-11-19T10:00:00+01:00",
        "system_ids": ["00000000-0000-4000-8000-000000000000"],
    }))
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (_, list) = api.get_json("/api/v1/incidents").await;
    assert_eq!(list["total"], 0);

    // A breach known 10 hours ago, risk assessed: IMY's notification 72 hours from awareness.
    let aware = chrono::DateTime::from_timestamp(
        (chrono::Utc::now() - chrono::Duration::hours(10)).timestamp(),
        0,
    )
    .unwrap();
    let res = post(serde_json::json!({
        "title": "Fel mottagare för provsvar",
        "aware_at": aware.to_rfc3339(),
        "personal_data": "yes",
        "breach_risk": "risk",
        "risk_motivation": "Provsvar till fel vårdnadshavare.",
        "individuals_approx": 12,
    }))
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let x: serde_json::Value = res.json().await.unwrap();
    let id = x["id"].as_str().unwrap().to_string();
    let imy = |x: &serde_json::Value| {
        x["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["kind"] == "imy_notification")
            .cloned()
            .unwrap()
    };
    let o = imy(&x);
    assert_eq!(o["applies"], "yes");
    assert_eq!(o["due_kind"], "without_undue_delay_by");
    let due = chrono::DateTime::parse_from_rfc3339(o["due_at"].as_str().unwrap()).unwrap();
    assert_eq!((due.with_timezone(&chrono::Utc) - aware).num_hours(), 72);
    assert_eq!(
        o["due_local"],
        tillit_domain::time::swedish_minute(aware + chrono::Duration::hours(72))
    );
    // The region is covered by the Cybersecurity Act and the significance is not assessed yet:
    // the early warning (24 hours) is shown as due until it is, and comes first.
    assert_eq!(x["next_due"], "nis2_early_warning");
    assert_eq!(o["overdue"], false);

    // Awareness moved back 80 hours: the deadline has passed.
    let earlier = chrono::Utc::now() - chrono::Duration::hours(80);
    let res = api
        .put(
            &format!("/api/v1/incidents/{id}"),
            serde_json::json!({
                "title": "Fel mottagare för provsvar",
                "aware_at": earlier.to_rfc3339(),
                "personal_data": "yes",
                "breach_risk": "risk",
                "risk_motivation": "Provsvar till fel vårdnadshavare.",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let x: serde_json::Value = res.json().await.unwrap();
    assert_eq!(imy(&x)["overdue"], true);

    // Marked sent: not before awareness (409, the records say when), then with IMY's reference.
    let reports = format!("/api/v1/incidents/{id}/reports");
    let report = |body: serde_json::Value| api.post(&reports, body);
    let res = report(
        serde_json::json!({"obligation": "imy_notification", "sent_at": "2020-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["rule"], "earlier_than_recorded");
    let res =
        report(serde_json::json!({"obligation": "imy_notification", "reference": "IMY-2026-77"}))
            .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, x) = api.get_json(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(imy(&x)["sent"]["reference"], "IMY-2026-77");
    assert_eq!(imy(&x)["overdue"], false);
    let (_, list) = api.get_json("/api/v1/incidents?status=open").await;
    assert_eq!(list["total"], 1);
    let (status, _) = api.get_json("/api/v1/incidents?status=lost").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A lesson made a measure: refused while there is no lesson (the records decide), then made
    // once.
    let lesson = format!("/api/v1/incidents/{id}/lesson-measures");
    let res = api
        .post(
            &lesson,
            serde_json::json!({"title": "Dubbelkontroll av mottagare"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = api
        .put(
            &format!("/api/v1/incidents/{id}"),
            serde_json::json!({
                "title": "Fel mottagare för provsvar",
                "aware_at": earlier.to_rfc3339(),
                "personal_data": "yes",
                "breach_risk": "risk",
                "risk_motivation": "Provsvar till fel vårdnadshavare.",
                "status": "closed",
                "lessons": "Mottagaren kontrollerades inte mot folkbokföringen.",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    for expected in [StatusCode::CREATED, StatusCode::OK] {
        let res = api
            .post(
                &lesson,
                serde_json::json!({"title": "Dubbelkontroll av mottagare"}),
            )
            .await;
        assert_eq!(res.status(), expected);
        let m: serde_json::Value = res.json().await.unwrap();
        assert_eq!(m["title"], "Dubbelkontroll av mottagare");
        assert!(m["description"]
            .as_str()
            .unwrap_or_default()
            .contains("Mottagaren kontrollerades inte"));
        // The measure's page leads back to the incident, by its title, not by an address in the
        // text.
        let measure = m["id"].as_str().unwrap().to_string();
        let (_, page) = b.get_text(&format!("/measures/{measure}")).await;
        assert!(page.contains("Lärdom av incidenten"), "{page}");
        assert!(
            page.contains(&format!(
                "href=\"/incidents/{id}\">Fel mottagare för provsvar</a>"
            )),
            "{page}"
        );
        assert!(!page.contains(&format!("(/incidents/{id})")), "{page}");
    }

    // The timeline: the incident's own times, entries of its log and every change, in order.
    let entries = format!("/api/v1/incidents/{id}/entries");
    let res = api.post(&entries, serde_json::json!({"text": ""})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = api
        .post(
            &entries,
            serde_json::json!({"text": "Vårdnadshavarna kontaktade per telefon."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, tl) = api
        .get_json(&format!("/api/v1/incidents/{id}/timeline"))
        .await;
    let kinds: Vec<(String, String)> = tl
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap_or_default().to_string(),
                i["text"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(kinds[0].0, "aware", "{kinds:?}");
    for expected in [
        ("change", "incident.create"),
        ("change", "incident.report_sent"),
        ("entry", "Vårdnadshavarna kontaktade per telefon."),
    ] {
        assert!(
            kinds
                .iter()
                .any(|(k, t)| k == expected.0 && t == expected.1),
            "{expected:?} in {kinds:?}"
        );
    }
    let sent = tl
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["text"] == "incident.report_sent")
        .unwrap();
    assert_eq!(sent["obligation"], "imy_notification");

    // A reader's token sees the incident but may not register one.
    let r = app.login("lasare@ia.example").await;
    let reader = app.api(&make_token(&r, "läsare", &["read", "write"]).await);
    let (status, _) = reader.get_json(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let res = reader
        .post(
            "/api/v1/incidents",
            serde_json::json!({"title": "x", "aware_at": aware.to_rfc3339()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_report_draft_is_prefilled_edited_and_printed() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Kommun Utkast", OrgKind::Municipality).await;
    app.member(&t, "samordnare@u.example", Role::Coordinator)
        .await;
    app.member(&t, "dso@u.example", Role::Dpo).await;
    app.member(&t, "lasare@u.example", Role::Reader).await;
    let b = app.login("samordnare@u.example").await;
    let aware = (chrono::Utc::now() - chrono::Duration::hours(30)).to_rfc3339();
    let res = b
        .post_form(
            "/incidents",
            &[
                ("title", "Genomförandeplaner till fel mottagare"),
                ("description", "Ett utskick gick till fel vårdnadshavare."),
                ("aware_at", aware.as_str()),
                ("personal_data", "yes"),
                ("data_categories", "Hälsouppgifter om barn"),
                ("individuals_approx", "14"),
                ("breach_risk", "risk"),
                ("risk_motivation", "Känsliga uppgifter har röjts."),
                ("actions_taken", "Mottagarna har ombetts radera breven."),
                ("cause", "mistake"),
            ],
        )
        .await;
    let id = location(res.headers())
        .trim_start_matches("/incidents/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (_, html) = b.get_text(&format!("/incidents/{id}")).await;
    assert!(html.contains(&format!("/incidents/{id}/reports/imy_notification")));

    // Pre-filled from the register, with the DPO as the contact point.
    let draft = format!("/incidents/{id}/reports/imy_notification");
    let (status, html) = b.get_text(&draft).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Utkast: Anmälan av personuppgiftsincident till IMY",
        "Ett utskick gick till fel vårdnadshavare.",
        "Ungefärligt antal registrerade: 14.",
        "Kategorier av personuppgifter: Hälsouppgifter om barn.",
        "Första anmälan.",
        "Mottagarna har ombetts radera breven.",
        "dso@u.example",
        "GDPR art. 33.3",
        "Förifyllt från incidentregistret",
    ] {
        assert!(html.contains(&htmlescape(text)), "{text}");
    }
    // A report the incident does not call for has no draft.
    let (status, _) = b
        .get_text(&format!("/incidents/{id}/reports/controller_notification"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Edited: a field of another report, or one too long, is refused by name, nothing saved.
    let long = "x".repeat(4001);
    for (field, value) in [("malicious", "Nej"), ("nature", long.as_str())] {
        let res = b.post_form(&draft, &[(field, value)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(res
            .text()
            .await
            .unwrap()
            .contains(&format!("href=\"#{field}\"")));
    }
    let (_, html) = b.get_text(&draft).await;
    assert!(html.contains("Förifyllt från incidentregistret"));
    let res = b
        .post_form(
            &draft,
            &[
                (
                    "nature",
                    "Brev med genomförandeplaner skickades till fel adress.",
                ),
                ("delay_reasons", "Ingen försening."),
                ("contact", "Dataskyddsombudet, dso@u.example"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text(&draft).await;
    assert!(html.contains("Brev med genomförandeplaner skickades till fel adress."));
    assert!(html.contains("Sparat av"));
    assert!(!html.contains("Ett utskick gick till fel vårdnadshavare."));
    let ev = app
        .store
        .list_audit_events(
            &t,
            &tillit_store::AuditFilter {
                action: Some("incident.report_draft".into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(ev.total, 1, "the saved draft is audited");

    // Attachments: a log extract as a file (downloaded as it was sent), a link, and a file of a
    // type that is not accepted, refused by name with nothing stored.
    let attach = format!("/incidents/{id}/attachments");
    let res = b
        .post_multipart(&attach, &[], Some(("utskick.exe", b"MZ\x90\x00".to_vec())))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#file\""));
    let log = "2026-11-30 08:14 utskick 4711 till fel adressfil\n"
        .as_bytes()
        .to_vec();
    let res = b
        .post_multipart(&attach, &[], Some(("utskickslogg.txt", log.clone())))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = b
        .post_multipart(&attach, &[("url", "https://ärende.u.example/4711")], None)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text(&format!("/incidents/{id}")).await;
    assert!(html.contains("utskickslogg.txt") && html.contains("https://ärende.u.example/4711"));
    assert!(!html.contains("utskick.exe"));
    let href = html
        .split("href=\"/incident-attachments/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let res = b.get(&format!("/incident-attachments/{href}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), log);

    // A reader reads the draft but may not change it.
    let r = app.login("lasare@u.example").await;
    let (status, html) = r.get_text(&draft).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("/edit\""));
    assert_eq!(
        r.post_form(&draft, &[("nature", "x")]).await.status(),
        StatusCode::FORBIDDEN
    );
    let res = r.get(&format!("/incident-attachments/{href}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = r
        .post_multipart(&attach, &[("url", "https://x.example/")], None)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

fn htmlescape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
