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
}
