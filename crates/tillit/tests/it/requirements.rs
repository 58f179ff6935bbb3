//! Requirements that apply to a system (and why), self-assessment with its rules, evidence files
//! with type and size limits and a content hash.

use crate::helpers::*;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tillit_domain::classification::{ConsequenceLevel, Levels};
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::{Actor, AssetInput, SystemInput, Tenant};

/// A classified patient-record asset and an outsourced system that processes it.
pub async fn patient_system(app: &TestApp, t: &Tenant, hosting: &str) -> String {
    let asset = app
        .store
        .create_asset(
            t,
            &Actor::operator(),
            &AssetInput {
                name: "Patientjournal".into(),
                description: None,
                owner_membership_id: None,
                personal_data: true,
                special_categories: vec!["health".into()],
                offences: false,
                data_subjects: vec!["patients".into()],
                individuals_approx: Some(250_000),
                confidentiality_provisions: Some("25 kap. 1 § OSL".into()),
                confidentiality_strength: None,
                legal_basis: None,
                review_interval_months: 12,
            },
        )
        .await
        .unwrap();
    let lv = |n| ConsequenceLevel::from_number(n).unwrap();
    app.store
        .classify_asset(
            t,
            &Actor::operator(),
            &asset.id,
            &Levels {
                confidentiality: lv(3),
                integrity: lv(3),
                availability: lv(2),
                traceability: lv(3),
            },
            "Uppgifter om hälsa för många patienter.",
        )
        .await
        .unwrap();
    app.store
        .create_system(
            t,
            &Actor::operator(),
            &SystemInput {
                name: "Journalsystemet".into(),
                description: None,
                owner_membership_id: None,
                supplier_id: None,
                hosting: hosting.into(),
                country: Some("SE".into()),
                review_interval_months: 12,
                asset_ids: vec![asset.id.into()],
            },
        )
        .await
        .unwrap()
        .id
        .into_string()
}

#[tokio::test]
async fn a_system_shows_what_applies_and_why() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Krav", OrgKind::Region).await;
    app.member(&t, "samordnare@krav.example", Role::Coordinator)
        .await;
    let outsourced = patient_system(&app, &t, "outsourced").await;
    let b = app.login("samordnare@krav.example").await;

    let (status, html) = b
        .get_text(&format!("/systems/{outsourced}/requirements"))
        .await;
    assert_eq!(status, StatusCode::OK);
    // Health data → the Patient Data Act's needs-and-risk analysis, with the reason shown.
    assert!(html.contains("Behovs- och riskanalys före tilldelning av behörighet"));
    assert!(html.contains("4 kap. 2 § patientdatalagen (2008:355)"));
    assert!(html.contains("Behandlar patientuppgifter i hälso- och sjukvården"));
    // Outsourced → supplier requirements; confidentiality 3 → encryption at rest.
    assert!(html.contains("10 kap. 2 a § OSL"));
    assert!(html.contains("Drift hos leverantör"));
    assert!(html.contains("Konfidentialitet nivå 3 (Allvarlig)"));
    assert!(html.contains("Kryptering av lagrad information"));

    // The same information run in-house: no supplier requirements.
    let (t2, _) = app.org("Region Egen", OrgKind::Region).await;
    app.member(&t2, "samordnare@egen.example", Role::Coordinator)
        .await;
    let own = patient_system(&app, &t2, "own_operation").await;
    let b2 = app.login("samordnare@egen.example").await;
    let (_, html) = b2.get_text(&format!("/systems/{own}/requirements")).await;
    assert!(!html.contains("10 kap. 2 a § OSL"));
    assert!(html.contains("4 kap. 2 § patientdatalagen (2008:355)"));

    // A requirement that does not apply to the system has no page under it.
    let (status, _) = b2
        .get_text(&format!("/systems/{own}/requirements/lev-2"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = b2
        .get_text(&format!("/systems/{own}/requirements/no-such"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn self_assessment_rules_history_and_evidence() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Bedömning", OrgKind::Region).await;
    app.member(&t, "samordnare@bed.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@bed.example", Role::Reader).await;
    let sys = patient_system(&app, &t, "outsourced").await;
    let b = app.login("samordnare@bed.example").await;
    let path = format!("/systems/{sys}/requirements/beh-2");

    // Evidence cannot be added before there is an assessment.
    let res = b
        .post_multipart(
            &format!("{path}/evidence"),
            &[("url", "https://intranat.example/bra")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // "Not applicable" without a motivation: refused, the field named, nothing stored.
    let res = b
        .post_form(&path, &[("status", "not_applicable"), ("motivation", " ")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("href=\"#motivation\""));
    assert!(app
        .store
        .assessment(&t, Some(&sys), "beh-2")
        .await
        .unwrap()
        .is_none());

    // An unknown status is named too.
    let res = b.post_form(&path, &[("status", "kanske")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#status\""));

    let res = b
        .post_form(
            &path,
            &[
                ("status", "partly_met"),
                (
                    "comment",
                    "Analys finns för slutenvården, inte för primärvården.",
                ),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = b.post_form(&path, &[("status", "met")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let a = app
        .store
        .assessment(&t, Some(&sys), "beh-2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.status.key(), "met");
    assert_eq!(a.assessed_by, "Test samordnare@bed.example");
    let history = app.store.assessment_history(&t, &a.id).await.unwrap();
    assert_eq!(
        history.iter().map(|h| h.status.key()).collect::<Vec<_>>(),
        vec!["met", "partly_met"]
    );

    // Evidence: a link, then a PDF stored with its SHA-256.
    let res = b
        .post_multipart(
            &format!("{path}/evidence"),
            &[("url", "javascript:alert(1)")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Neither a link nor a file: either will do, and the page says so.
    let res = b
        .post_multipart(&format!("{path}/evidence"), &[("url", " ")], None)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("ange en länk eller välj en fil"), "{html}");
    let res = b
        .post_multipart(
            &format!("{path}/evidence"),
            &[("url", "https://intranat.example/behovsanalys")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let pdf = b"%PDF-1.7\nBehovs- och riskanalys, beslutad 2026-10-01\n%%EOF".to_vec();
    let res = b
        .post_multipart(
            &format!("{path}/evidence"),
            &[],
            Some(("behovsanalys.pdf", pdf.clone())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A program renamed to .pdf, and an unaccepted type: refused with the field named.
    for (name, bytes) in [
        ("rapport.pdf", b"MZ\x90\x00\x03".to_vec()),
        ("verktyg.exe", b"MZ\x90\x00\x03".to_vec()),
    ] {
        let res = b
            .post_multipart(&format!("{path}/evidence"), &[], Some((name, bytes)))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(res.text().await.unwrap().contains("href=\"#file\""));
    }
    // Too large: refused before it is stored.
    let big = vec![b'a'; tillit_domain::assessment::MAX_EVIDENCE_BYTES + 10];
    let res = b
        .post_multipart(&format!("{path}/evidence"), &[], Some(("stor.txt", big)))
        .await;
    assert!(
        res.status() == StatusCode::PAYLOAD_TOO_LARGE
            || res.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.status()
    );
    let evidence = app.store.evidence_of(&t, &a.id).await.unwrap();
    assert_eq!(evidence.len(), 2);
    let file = evidence.iter().find(|e| e.kind == "file").unwrap();
    assert_eq!(
        file.sha256.as_deref(),
        Some(hex::encode(Sha256::digest(&pdf)).as_str())
    );

    // Download: the same bytes, as an attachment.
    let res = b.get(&format!("/evidence/{}", file.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);

    // An upload without the CSRF token is refused.
    let res = b
        .client
        .post(app.url(&format!("{path}/evidence")))
        .multipart(reqwest::multipart::Form::new().text("url", "https://x.example/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A reader sees the assessment but may not assess.
    let r = app.login("lasare@bed.example").await;
    let (status, html) = r.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Uppfyllt") && !html.contains("Spara bedömningen"));
    let res = r.post_form(&path, &[("status", "not_met")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The system's list shows the status and the compliance figure.
    let (_, html) = b.get_text(&format!("/systems/{sys}/requirements")).await;
    assert!(html.contains("status-met"));
    assert!(html.contains("efterlevnad"));

    // The assessments as a table.
    let res = b.get("/requirements/export?format=csv").await;
    let table = tillit_app::tabular::read("a.csv", &res.bytes().await.unwrap()).unwrap();
    let row = table
        .rows
        .iter()
        .find(|r| table.get(r, "krav-id") == "BEH-2")
        .unwrap();
    assert_eq!(table.get(row, "omfattning"), "Journalsystemet");
    assert_eq!(table.get(row, "status"), "Uppfyllt");

    // Removing evidence.
    let res = b
        .post_form(&format!("/evidence/{}/remove", file.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.evidence_of(&t, &a.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_organisation_wide_requirements_are_assessed_once() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Kommun Org", OrgKind::Municipality).await;
    let b = app
        .member_signed_in(&t, "samordnare@org.example", Role::Coordinator)
        .await;
    let (status, html) = b.get_text("/requirements").await;
    assert_eq!(status, StatusCode::OK);
    // Municipalities are covered by the Cybersecurity Act: its incident reporting applies.
    assert!(html.contains("Incidentrapportering enligt cybersäkerhetslagen"));
    let res = b
        .post_form("/requirements/inc-2", &[("status", "met")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store
            .assessment(&t, None, "inc-2")
            .await
            .unwrap()
            .unwrap()
            .status
            .key(),
        "met"
    );
    // A system-only requirement is not assessed organisation-wide.
    let res = b
        .post_form("/requirements/beh-2", &[("status", "met")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Assessed once for the whole organisation, it counts for every system: a system's list
    // shows it met and says where the assessment was made, and the system's figures count it.
    let system = patient_system(&app, &t, "own_operation").await;
    let (_, before) = b.get_text(&format!("/systems/{system}/requirements")).await;
    let res = b
        .post_form("/requirements/inc-1", &[("status", "met")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, after) = b.get_text(&format!("/systems/{system}/requirements")).await;
    let row = |html: &str| {
        html.split(&format!("/systems/{system}/requirements/inc-1\""))
            .nth(1)
            .and_then(|r| r.split("</tr>").next())
            .unwrap_or_default()
            .to_string()
    };
    assert!(row(&before).contains("Inte bedömt"), "{}", row(&before));
    let r = row(&after);
    assert!(
        r.contains("Uppfyllt") && r.contains("bedömt för hela organisationen"),
        "{r}"
    );
    // The system's own assessment takes precedence.
    let res = b
        .post_form(
            &format!("/systems/{system}/requirements/inc-1"),
            &[
                ("status", "partly_met"),
                ("motivation", "Rutinen når inte nattpersonalen."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, own) = b.get_text(&format!("/systems/{system}/requirements")).await;
    let r = row(&own);
    assert!(
        r.contains("Delvis uppfyllt") && !r.contains("hela organisationen"),
        "{r}"
    );
}
