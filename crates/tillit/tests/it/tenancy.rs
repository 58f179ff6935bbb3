//! Tenant isolation: for every route that takes an object id, a member of organisation A gets 404
//! for organisation B's object, and B's object is unchanged.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use tillit_domain::ids::*;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::AuditFilter;

/// Every route with an object id, as (method, path with `{id}`, which object). Checked against the
/// routers' source below, so a new route cannot be added without being listed here.
pub(crate) const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/systems/{id}/requirements", "system"),
    ("GET", "/systems/{id}/requirements/{rid}", "system"),
    ("POST", "/systems/{id}/requirements/{rid}", "system"),
    (
        "POST",
        "/systems/{id}/requirements/{rid}/evidence",
        "system",
    ),
    ("GET", "/risks/{id}", "risk"),
    ("POST", "/risks/{id}", "risk"),
    ("GET", "/risks/{id}/edit", "risk"),
    ("GET", "/risks/{id}/report.pdf", "risk"),
    ("GET", "/incidents/{id}/report.pdf", "incident"),
    ("GET", "/incidents/{id}/reports/{kind}/pdf", "incident"),
    ("GET", "/submissions/{id}/receipt.pdf", "submission"),
    ("GET", "/outsourcing/{id}/memo.pdf", "case"),
    ("GET", "/systems/{id}/access-analysis.pdf", "system"),
    (
        "GET",
        "/authority/cases/{id}/decisions/{decision}/pdf",
        "supervision_case",
    ),
    (
        "GET",
        "/supervision/{id}/decisions/{decision}/pdf",
        "supervision_case",
    ),
    ("GET", "/risks/{id}/scenarios/new", "risk"),
    ("POST", "/risks/{id}/scenarios", "risk"),
    ("GET", "/scenarios/{id}", "scenario"),
    ("GET", "/scenarios/{id}/edit", "scenario"),
    ("POST", "/scenarios/{id}", "scenario"),
    ("GET", "/measures/{id}", "measure"),
    ("GET", "/measures/{id}/edit", "measure"),
    ("POST", "/measures/{id}", "measure"),
    ("POST", "/assets/{id}/review", "asset"),
    ("POST", "/assets/{id}/confirm-suggestion", "asset"),
    (
        "POST",
        "/api/v1/assets/{id}/suggested-classification/confirmation",
        "asset",
    ),
    ("POST", "/assets/{id}/archive", "asset"),
    ("POST", "/api/v1/assets/{id}/archive", "asset"),
    ("POST", "/assets/{id}/restore", "asset"),
    ("POST", "/api/v1/assets/{id}/restore", "asset"),
    ("POST", "/systems/{id}/archive", "system"),
    ("POST", "/api/v1/systems/{id}/archive", "system"),
    ("POST", "/systems/{id}/restore", "system"),
    ("POST", "/api/v1/systems/{id}/restore", "system"),
    ("POST", "/risks/{id}/archive", "risk"),
    ("POST", "/api/v1/risk-analyses/{id}/archive", "risk"),
    ("POST", "/risks/{id}/restore", "risk"),
    ("POST", "/api/v1/risk-analyses/{id}/restore", "risk"),
    ("POST", "/scenarios/{id}/acceptance", "scenario"),
    ("POST", "/systems/{id}/access-analysis/approval", "system"),
    (
        "POST",
        "/api/v1/systems/{id}/access-analysis/approval",
        "system",
    ),
    ("POST", "/api/v1/scenarios/{id}/acceptance", "scenario"),
    ("POST", "/scenarios/{id}/archive", "scenario"),
    ("POST", "/api/v1/scenarios/{id}/archive", "scenario"),
    ("POST", "/scenarios/{id}/restore", "scenario"),
    ("POST", "/api/v1/scenarios/{id}/restore", "scenario"),
    ("POST", "/measures/{id}/archive", "measure"),
    ("POST", "/api/v1/measures/{id}/archive", "measure"),
    ("POST", "/measures/{id}/restore", "measure"),
    ("POST", "/api/v1/measures/{id}/restore", "measure"),
    ("POST", "/systems/{id}/review", "system"),
    ("GET", "/systems/{id}/access-analysis", "system"),
    ("POST", "/systems/{id}/access-analysis", "system"),
    ("GET", "/api/v1/systems/{id}/requirements", "system"),
    (
        "PUT",
        "/api/v1/systems/{id}/requirements/{rid}/assessment",
        "system",
    ),
    ("GET", "/api/v1/systems/{id}/access-analysis", "system"),
    ("PUT", "/api/v1/systems/{id}/access-analysis", "system"),
    ("GET", "/api/v1/risk-analyses/{id}", "risk"),
    ("PUT", "/api/v1/risk-analyses/{id}", "risk"),
    ("GET", "/api/v1/risk-analyses/{id}/scenarios", "risk"),
    ("POST", "/api/v1/risk-analyses/{id}/scenarios", "risk"),
    ("GET", "/api/v1/scenarios/{id}", "scenario"),
    ("PUT", "/api/v1/scenarios/{id}", "scenario"),
    ("GET", "/api/v1/measures/{id}", "measure"),
    ("PUT", "/api/v1/measures/{id}", "measure"),
    ("POST", "/systems/{id}/integrations", "system"),
    ("GET", "/api/v1/systems/{id}/integrations", "system"),
    ("PUT", "/api/v1/systems/{id}/integrations", "system"),
    (
        "POST",
        "/api/v1/systems/{id}/requirements/{rid}/evidence",
        "system",
    ),
    ("POST", "/api/v1/assets/{id}/review", "asset"),
    ("POST", "/api/v1/systems/{id}/review", "system"),
    ("GET", "/evidence/{id}", "evidence"),
    ("POST", "/evidence/{id}/remove", "evidence"),
    ("GET", "/systems/{id}", "system"),
    ("POST", "/systems/{id}", "system"),
    ("GET", "/systems/{id}/edit", "system"),
    ("POST", "/systems/{id}/levels", "system"),
    ("GET", "/api/v1/systems/{id}", "system"),
    ("PUT", "/api/v1/systems/{id}", "system"),
    ("PUT", "/api/v1/systems/{id}/levels", "system"),
    ("DELETE", "/api/v1/systems/{id}/levels", "system"),
    ("GET", "/incidents/{id}", "incident"),
    ("POST", "/incidents/{id}", "incident"),
    ("GET", "/incidents/{id}/edit", "incident"),
    ("POST", "/incidents/{id}/reports", "incident"),
    ("POST", "/incidents/{id}/scenario", "incident"),
    ("GET", "/incidents/{id}/reports/{kind}", "incident"),
    ("POST", "/incidents/{id}/reports/{kind}", "incident"),
    ("GET", "/incidents/{id}/reports/{kind}/edit", "incident"),
    ("POST", "/incidents/{id}/measure", "incident"),
    ("POST", "/incidents/{id}/entries", "incident"),
    ("POST", "/incidents/{id}/attachments", "incident"),
    ("POST", "/incidents/{id}/playbooks", "incident"),
    (
        "POST",
        "/incidents/{id}/playbooks/{playbook}/steps",
        "incident",
    ),
    (
        "GET",
        "/incidents/{id}/playbooks/{playbook}/pdf",
        "incident",
    ),
    ("GET", "/api/v1/incidents/{id}/playbooks", "incident"),
    ("POST", "/api/v1/incidents/{id}/playbooks", "incident"),
    (
        "POST",
        "/api/v1/incidents/{id}/playbooks/{playbook}/steps",
        "incident",
    ),
    ("GET", "/incident-attachments/{id}", "attachment"),
    ("POST", "/api/v1/incidents/{id}/lesson-measures", "incident"),
    ("GET", "/api/v1/incidents/{id}/timeline", "incident"),
    ("POST", "/api/v1/incidents/{id}/entries", "incident"),
    ("GET", "/submissions/{id}", "submission"),
    ("GET", "/submissions/{id}/file", "submission"),
    ("GET", "/api/v1/submissions/{id}", "submission"),
    ("GET", "/api/v1/incidents/{id}", "incident"),
    ("PUT", "/api/v1/incidents/{id}", "incident"),
    ("POST", "/api/v1/incidents/{id}/reports", "incident"),
    ("GET", "/outsourcing/{id}", "case"),
    ("POST", "/outsourcing/{id}", "case"),
    ("GET", "/outsourcing/{id}/edit", "case"),
    ("POST", "/outsourcing/{id}/decision", "case"),
    ("GET", "/outsourcing/{id}/memo", "case"),
    ("POST", "/outsourcing/{id}/risk", "case"),
    ("GET", "/api/v1/outsourcing-cases/{id}", "case"),
    ("PUT", "/api/v1/outsourcing-cases/{id}", "case"),
    ("POST", "/api/v1/outsourcing-cases/{id}/decision", "case"),
    ("GET", "/suppliers/{id}", "supplier"),
    ("POST", "/suppliers/{id}", "supplier"),
    ("GET", "/suppliers/{id}/edit", "supplier"),
    ("GET", "/api/v1/suppliers/{id}", "supplier"),
    ("PUT", "/api/v1/suppliers/{id}", "supplier"),
    ("GET", "/assets/{id}", "asset"),
    ("POST", "/assets/{id}", "asset"),
    ("GET", "/assets/{id}/edit", "asset"),
    ("POST", "/assets/{id}/classify", "asset"),
    ("GET", "/api/v1/assets/{id}", "asset"),
    ("PUT", "/api/v1/assets/{id}", "asset"),
    ("POST", "/api/v1/assets/{id}/classification", "asset"),
    ("GET", "/admin/members/{id}", "membership"),
    ("POST", "/admin/members/{id}/role", "membership"),
    ("POST", "/admin/members/{id}/delegation", "membership"),
    ("POST", "/admin/members/{id}/remove", "membership"),
    ("POST", "/admin/invitations/{id}/revoke", "invitation"),
    ("GET", "/admin/audit/{id}", "audit_event"),
    ("POST", "/account/tokens/{id}/revoke", "token"),
    ("GET", "/api/v1/members/{id}", "membership"),
    ("PATCH", "/api/v1/members/{id}", "membership"),
    (
        "PUT",
        "/api/v1/members/{id}/outsourcing-delegation",
        "membership",
    ),
    ("DELETE", "/api/v1/members/{id}", "membership"),
    ("GET", "/api/v1/audit-events/{id}", "audit_event"),
    ("DELETE", "/api/v1/tokens/{id}", "token"),
    // The authority's objects: checked authority against authority (404) and provider against
    // authority (403) in `authority::an_authority_sees_only_what_was_sent_to_it`.
    ("GET", "/authority/organisations/{id}", "registry_entry"),
    ("GET", "/authority/submissions/{id}", "received"),
    ("GET", "/api/v1/authority/ranking/{id}", "registry_entry"),
    ("GET", "/api/v1/authority/submissions/{id}", "received"),
    // Supervision cases: checked for every route against a third authority and another
    // provider in `supervision::every_case_route_is_closed_to_a_third_authority_and_another_provider`.
    ("GET", "/authority/cases/{id}", "supervision_case"),
    ("POST", "/authority/cases/{id}/requests", "supervision_case"),
    (
        "POST",
        "/authority/cases/{id}/decisions",
        "supervision_case",
    ),
    (
        "POST",
        "/authority/cases/{id}/actions/{action}/verify",
        "supervision_case",
    ),
    ("POST", "/authority/cases/{id}/close", "supervision_case"),
    ("POST", "/authority/cases/{id}/notes", "supervision_case"),
    ("POST", "/authority/cases/{id}/shares", "supervision_case"),
    (
        "POST",
        "/authority/cases/{id}/shares/{partner}/revoke",
        "supervision_case",
    ),
    (
        "GET",
        "/authority/cases/{id}/answers/{answer}/extract",
        "supervision_case",
    ),
    (
        "GET",
        "/authority/cases/{id}/files/{file}",
        "supervision_case",
    ),
    ("GET", "/supervision/{id}", "supervision_case"),
    (
        "POST",
        "/supervision/{id}/requests/{request}/answer",
        "supervision_case",
    ),
    (
        "POST",
        "/supervision/{id}/actions/{action}/report",
        "supervision_case",
    ),
    (
        "GET",
        "/supervision/{id}/answers/{answer}/extract",
        "supervision_case",
    ),
    ("GET", "/supervision/{id}/files/{file}", "supervision_case"),
    ("GET", "/api/v1/authority/cases/{id}", "supervision_case"),
    (
        "POST",
        "/api/v1/authority/cases/{id}/requests",
        "supervision_case",
    ),
    (
        "POST",
        "/api/v1/authority/cases/{id}/decisions",
        "supervision_case",
    ),
    (
        "POST",
        "/api/v1/authority/cases/{id}/actions/{action_id}/verification",
        "supervision_case",
    ),
    (
        "POST",
        "/api/v1/authority/cases/{id}/close",
        "supervision_case",
    ),
    (
        "POST",
        "/api/v1/authority/cases/{id}/notes",
        "supervision_case",
    ),
    (
        "POST",
        "/api/v1/authority/cases/{id}/shares",
        "supervision_case",
    ),
    (
        "DELETE",
        "/api/v1/authority/cases/{id}/shares/{authority_id}",
        "supervision_case",
    ),
    ("GET", "/api/v1/supervision/cases/{id}", "supervision_case"),
    (
        "POST",
        "/api/v1/supervision/cases/{id}/requests/{request_id}/answer",
        "supervision_case",
    ),
    (
        "POST",
        "/api/v1/supervision/cases/{id}/actions/{action_id}/report",
        "supervision_case",
    ),
    // Additional libraries: checked with another organisation's library and system in
    // `libraries::another_organisation_never_reaches_a_library_or_its_assessments`.
    ("GET", "/libraries/{id}", "library"),
    ("POST", "/libraries/{id}/remove", "library"),
    ("GET", "/libraries/{id}/catalog.json", "library"),
    ("POST", "/systems/{id}/libraries", "library"),
    ("GET", "/systems/{id}/libraries/{lid}", "library"),
    ("POST", "/systems/{id}/libraries/{lid}/drop", "library"),
    (
        "GET",
        "/systems/{id}/libraries/{lid}/controls/{cid}",
        "library",
    ),
    (
        "POST",
        "/systems/{id}/libraries/{lid}/controls/{cid}",
        "library",
    ),
    ("GET", "/systems/{id}/oscal/{kind}", "library"),
    ("GET", "/api/v1/libraries/{lid}", "library"),
    ("DELETE", "/api/v1/libraries/{lid}", "library"),
    ("GET", "/api/v1/libraries/{lid}/catalog", "library"),
    ("GET", "/api/v1/systems/{id}/libraries", "library"),
    ("PUT", "/api/v1/systems/{id}/libraries/{lid}", "library"),
    ("DELETE", "/api/v1/systems/{id}/libraries/{lid}", "library"),
    (
        "GET",
        "/api/v1/systems/{id}/libraries/{lid}/controls",
        "library",
    ),
    (
        "PUT",
        "/api/v1/systems/{id}/libraries/{lid}/controls/{cid}/assessment",
        "library",
    ),
    ("GET", "/api/v1/systems/{id}/oscal/{kind}", "library"),
    // Published guidance is public: every organisation reads every version.
    ("GET", "/guidance/{id}", "guidance"),
    ("GET", "/api/v1/guidance/{id}", "guidance"),
    // A published catalog is public as its guidance is; adopting it makes a copy in the acting
    // organisation (`libraries::an_authority_publishes_a_catalog_and_a_provider_follows_its_versions`).
    ("GET", "/guidance/{id}/catalog.json", "guidance"),
    ("POST", "/guidance/{id}/adopt", "guidance"),
    ("GET", "/api/v1/guidance/{id}/catalog", "guidance"),
    ("POST", "/api/v1/guidance/{id}/adopt", "guidance"),
    // Identity providers: another organisation's administrator gets 404 for each
    // (`sso::the_secret_is_never_shown_and_another_organisation_sees_nothing`). Starting a
    // sign-in is for anyone before signing in: it reveals nothing but the provider's address.
    (
        "GET",
        "/organisation/sign-in/providers/{id}",
        "sso_provider",
    ),
    (
        "POST",
        "/organisation/sign-in/providers/{id}",
        "sso_provider",
    ),
    (
        "POST",
        "/organisation/sign-in/providers/{id}/delete",
        "sso_provider",
    ),
    ("GET", "/sso/{id}/start", "sso_provider"),
];

#[test]
fn every_route_with_an_id_is_in_the_isolation_table() {
    let pages = include_str!("../../../tillit-web/src/pages/mod.rs");
    let api = include_str!("../../../tillit-web/src/api/mod.rs");
    let mut found = vec![];
    for (prefix, src) in [("", pages), ("/api/v1", api)] {
        // Route paths are the string literals starting with "/" (rustfmt may put them on their
        // own line below `.route(`).
        for line in src.lines().filter(|l| l.contains("{id}")) {
            let quoted = line.split('"').nth(1).unwrap_or("");
            let is_route = line.contains(".route(\"") || line.trim_start().starts_with("\"/");
            if is_route && quoted.starts_with('/') {
                found.push(format!("{prefix}{quoted}"));
            }
        }
    }
    assert!(found.len() >= 6, "{found:?}");
    for f in found {
        assert!(
            ROUTES.iter().any(|(_, p, _)| *p == f),
            "route {f} takes an id but is not in the tenant-isolation table"
        );
    }
}

#[tokio::test]
async fn a_member_of_one_organisation_cannot_reach_another_organisations_objects() {
    let app = TestApp::spawn().await;
    let (a, _) = app.org("Region A", OrgKind::Region).await;
    let (b, _) = app.org("Region B", OrgKind::Region).await;
    app.member(&a, "admin@a.example", Role::Admin).await;
    app.member(&b, "admin@b.example", Role::Admin).await;
    let b_reader = app.member(&b, "reader@b.example", Role::Reader).await;

    // B's objects: a membership, an audit event, an API token.
    let b_admin = app.login("admin@b.example").await;
    let b_secret = make_token(&b_admin, "B:s integration", &["read"]).await;
    let b_token_id = app
        .store
        .list_tokens(
            &b,
            &app.store
                .user_by_email("admin@b.example")
                .await
                .unwrap()
                .unwrap()
                .user
                .id,
        )
        .await
        .unwrap()[0]
        .id
        .clone();
    let b_asset = app
        .store
        .create_asset(
            &b,
            &tillit_store::Actor::operator(),
            &tillit_store::AssetInput {
                name: "B:s journal".into(),
                description: None,
                owner_membership_id: None,
                personal_data: true,
                special_categories: vec!["health".into()],
                offences: false,
                data_subjects: vec!["patients".into()],
                individuals_approx: Some(1000),
                confidentiality_provisions: None,
                confidentiality_strength: None,
                legal_basis: None,
                review_interval_months: 12,
            },
        )
        .await
        .unwrap()
        .id;
    let b_system = app
        .store
        .create_system(
            &b,
            &tillit_store::Actor::operator(),
            &tillit_store::SystemInput {
                name: "B:s journalsystem".into(),
                description: None,
                owner_membership_id: None,
                supplier_id: None,
                hosting: "own_operation".into(),
                country: None,
                review_interval_months: 12,
                asset_ids: vec![b_asset.to_string()],
            },
        )
        .await
        .unwrap()
        .id;
    let b_assessment = app
        .store
        .assess(
            &b,
            &tillit_store::Actor::operator(),
            "B",
            Some(b_system.as_str()),
            "sty-1",
            &tillit_domain::assessment::parse_assessment("met", "", "").unwrap(),
        )
        .await
        .unwrap();
    let b_evidence = app
        .store
        .add_evidence(
            &b,
            &tillit_store::Actor::operator(),
            "B",
            &b_assessment.id,
            tillit_store::NewEvidence::File {
                name: "b.txt",
                media_type: "text/plain",
                content: b"B:s underlag",
            },
        )
        .await
        .unwrap()
        .id;
    let b_risk = app
        .store
        .create_risk_analysis(
            &b,
            &tillit_store::Actor::operator(),
            &tillit_store::RiskAnalysisInput {
                title: "B:s riskanalys".into(),
                scope: None,
                participants: None,
                analysed_on: "2026-11-01".into(),
                review_interval_months: 12,
                system_ids: vec![b_system.to_string()],
            },
        )
        .await
        .unwrap()
        .id;
    let b_scenario_input = tillit_domain::risk::parse_scenario(
        &Default::default(),
        &tillit_domain::risk::ScenarioDraft {
            title: "B:s scenario".into(),
            threat_key: "ransomware".into(),
            inherent_likelihood: "2".into(),
            inherent_consequence: "2".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let b_scenario = app
        .store
        .save_scenario(
            &b,
            &tillit_store::Actor::operator(),
            &b_risk,
            None,
            &b_scenario_input,
            tillit_store::AcceptanceRecord {
                decider_name: None,
                signature: tillit_domain::risk::Signature::Unchanged,
                requester: "",
            },
        )
        .await
        .unwrap()
        .id;
    let b_measure = app
        .store
        .save_measure(
            &b,
            &tillit_store::Actor::operator(),
            "B",
            None,
            &tillit_domain::measure::parse_measure(&tillit_domain::measure::MeasureDraft {
                title: "B:s åtgärd".into(),
                scenario_ids: vec![b_scenario.to_string()],
                ..Default::default()
            })
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let b_event = app
        .store
        .list_audit_events(&b, &AuditFilter::default(), Default::default())
        .await
        .unwrap()
        .items[0]
        .id
        .clone();

    let b_invitation = app
        .store
        .create_invitation(
            &b,
            &tillit_store::Actor::operator(),
            tillit_store::NewInvitation {
                email: &tillit_domain::user::Email::parse("email", "bjuden@b.example").unwrap(),
                display_name: "Bjuden",
                role: Role::Reader,
                token_hash: "0".repeat(64).as_str(),
                expires_at: "2999-01-01T00:00:00.000Z",
            },
        )
        .await
        .unwrap()
        .id;

    let b_supplier = app
        .store
        .create_supplier(
            &b,
            &tillit_store::Actor::operator(),
            &tillit_domain::supplier::SupplierInput::try_from(
                &tillit_domain::supplier::SupplierDraft {
                    name: "B:s driftleverantör".into(),
                    country: "SE".into(),
                    ..Default::default()
                },
            )
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let b_case = app
        .store
        .create_case(
            &b,
            &tillit_store::Actor::operator(),
            &tillit_domain::outsourcing_case::CaseInput::try_from(
                &tillit_domain::outsourcing_case::CaseDraft {
                    title: "B:s utkontraktering".into(),
                    supplier_id: b_supplier.to_string(),
                    system_ids: vec![b_system.to_string()],
                    ..Default::default()
                },
            )
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let b_incident = app
        .store
        .create_incident(
            &b,
            &tillit_store::Actor::operator(),
            &tillit_domain::incident_case::parse_incident(
                &tillit_domain::incident_case::IncidentDraft {
                    title: "B:s incident".into(),
                    aware_at: "2026-11-01T09:00".into(),
                    personal_data: "yes".into(),
                    ..Default::default()
                },
                chrono::Utc::now(),
            )
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let b_attachment = app
        .store
        .add_incident_attachment(
            &b,
            &tillit_store::Actor::operator(),
            "B",
            &b_incident,
            tillit_store::NewEvidence::File {
                name: "logg.txt",
                media_type: "text/plain",
                content: b"B:s logg",
            },
        )
        .await
        .unwrap()
        .id;
    let b_key = format!("k-{}", uuid::Uuid::new_v4().simple());
    app.store
        .add_signing_key(&b, &b_key, "00", "00")
        .await
        .unwrap();
    let b_submission = app
        .store
        .record_submission(
            &b,
            &tillit_store::Actor::operator(),
            &tillit_store::NewSubmission {
                sha256: "00",
                key_id: &app.store.signing_keys(&b).await.unwrap()[0].id.clone(),
                envelope: "{}",
                by_name: "B",
                recipients: &[],
                org_number: "556677-8899",
                org_name: "B",
                figures: "{}",
            },
        )
        .await
        .unwrap();
    let a_admin = app.login("admin@a.example").await;
    let a_secret = make_token(&a_admin, "A:s admin", &["read", "write", "admin"]).await;
    let a_api = app.api(&a_secret);
    for (method, path, object) in ROUTES {
        if matches!(
            *object,
            "registry_entry"
                | "received"
                | "supervision_case"
                | "guidance"
                | "library"
                | "sso_provider"
        ) {
            continue;
        }
        let id = match *object {
            "membership" => b_reader.as_str(),
            "invitation" => b_invitation.as_str(),
            "audit_event" => b_event.as_str(),
            "asset" => b_asset.as_str(),
            "system" => b_system.as_str(),
            "supplier" => b_supplier.as_str(),
            "case" => b_case.as_str(),
            "incident" => b_incident.as_str(),
            "evidence" => b_evidence.as_str(),
            "attachment" => b_attachment.as_str(),
            "submission" => b_submission.as_str(),
            "risk" => b_risk.as_str(),
            "scenario" => b_scenario.as_str(),
            "measure" => b_measure.as_str(),
            _ => b_token_id.as_str(),
        };
        let url = path
            .replace("{id}", id)
            .replace("{rid}", "sty-1")
            .replace("{kind}", "imy_notification")
            .replace("{playbook}", "ransomware");
        let m: Method = method.parse().unwrap();
        // A body valid enough that only the lookup can refuse it.
        let body = match (method, *object) {
            (&"PATCH", _) => Some(serde_json::json!({"role": "admin"})),
            (&"PUT", "asset") | (&"PUT", "supplier") => {
                Some(serde_json::json!({"name": "Övertagen"}))
            }
            (&"PUT", "case") => Some(serde_json::json!({"title": "Övertagen"})),
            (&"PUT", "incident") => Some(
                serde_json::json!({"title": "Övertagen", "aware_at": "2026-11-02T09:00:00+01:00"}),
            ),
            (&"POST", "incident") if path.ends_with("/entries") => {
                Some(serde_json::json!({"text": "Övertagen"}))
            }
            (&"POST", "incident") if path.ends_with("/playbooks") => {
                Some(serde_json::json!({"playbook": "ransomware"}))
            }
            (&"POST", "incident") if path.ends_with("/steps") => {
                Some(serde_json::json!({"step": "isolate", "done": "yes"}))
            }
            (&"POST", "incident") if path.ends_with("/lesson-measures") => {
                Some(serde_json::json!({"title": "Övertagen"}))
            }
            (&"POST", "incident") => Some(serde_json::json!({"obligation": "imy_notification"})),
            (&"POST", "case") => {
                Some(serde_json::json!({"outcome": "rejected", "motivation": "Övertagen"}))
            }
            (&"POST", "system") if path.ends_with("/evidence") => {
                Some(serde_json::json!({"url": "https://a.example/x"}))
            }
            (&"PUT", "system") if path.ends_with("/integrations") => {
                Some(serde_json::json!({"integration_ids": []}))
            }
            (&"PUT", "system") if path.ends_with("/assessment") => {
                Some(serde_json::json!({"status": "met"}))
            }
            (&"PUT", "system") if path.ends_with("/access-analysis") => Some(serde_json::json!({
                "groups": [{"name": "Läkare", "information_needed": "Journalen", "reason": "Vård"}],
                "risks_wider": "x", "access_rules": "y"
            })),
            (&"PUT", "risk") => {
                Some(serde_json::json!({"title": "Övertagen", "analysed_on": "2026-11-01"}))
            }
            (&"POST", "system") if path.ends_with("/approval") => {
                Some(serde_json::json!({"decision": "accept"}))
            }
            (&"POST", "scenario") if path.ends_with("/acceptance") => {
                Some(serde_json::json!({"decision": "accept"}))
            }
            (&"POST", "risk") | (&"PUT", "scenario") => Some(serde_json::json!({
                "title": "Övertaget", "threat_key": "ransomware", "inherent_likelihood": 1, "inherent_consequence": 1
            })),
            (&"PUT", "measure") => Some(
                serde_json::json!({"title": "Övertagen", "requirements": ["organisation/sty-1"]}),
            ),
            (&"PUT", "system") if path.ends_with("/levels") => Some(
                serde_json::json!({"confidentiality": 1, "integrity": 1, "availability": 1, "traceability": 1, "deviation_motivation": "x"}),
            ),
            (&"PUT", "system") => {
                Some(serde_json::json!({"name": "Övertagen", "hosting": "own_operation"}))
            }
            (&"PUT", "membership") => {
                Some(serde_json::json!({"outsourcing_delegation": "Övertagen"}))
            }
            (&"POST", "asset") => Some(
                serde_json::json!({"confidentiality": 1, "integrity": 1, "availability": 1, "traceability": 1, "motivation": "x"}),
            ),
            _ => None,
        };
        let res = if url.starts_with("/api/") {
            a_admin.json(m.clone(), &url, body.clone()).await
        } else if m == Method::GET {
            a_admin.get(&url).await
        } else if url.ends_with("/evidence") || url.ends_with("/attachments") {
            a_admin
                .post_multipart(&url, &[("url", "https://a.example/underlag")], None)
                .await
        } else {
            a_admin
                .post_form(
                    &url,
                    &[
                        ("role", "admin"),
                        ("outsourcing_delegation", "Övertagen"),
                        ("aware_at", "2026-11-02T09:00"),
                        ("obligation", "imy_notification"),
                        ("name", "Övertagen"),
                        ("confidentiality", "1"),
                        ("integrity", "1"),
                        ("availability", "1"),
                        ("traceability", "1"),
                        ("motivation", "x"),
                        ("status", "met"),
                        ("title", "Övertagen"),
                        ("analysed_on", "2026-11-01"),
                        ("threat_key", "ransomware"),
                        ("inherent_likelihood", "1"),
                        ("inherent_consequence", "1"),
                        ("requirements", "organisation/sty-1"),
                    ],
                )
                .await
        };
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "session: {method} {url}"
        );
        if url.starts_with("/api/") {
            let res = a_api.req(m, &url, body).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "token: {method} {url}");
        }
    }
    // Bad input about B's objects is still "not found", never a validation error that confirms them.
    for (method, path, body) in [
        (
            Method::PUT,
            format!("/api/v1/assets/{b_asset}"),
            serde_json::json!({"name": ""}),
        ),
        (
            Method::PUT,
            format!("/api/v1/systems/{b_system}"),
            serde_json::json!({"name": "", "hosting": "x"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/suppliers/{b_supplier}"),
            serde_json::json!({"name": "", "country": "XX"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/incidents/{b_incident}"),
            serde_json::json!({"title": "", "aware_at": "igår", "individuals_approx": -1}),
        ),
        (
            Method::POST,
            format!("/api/v1/assets/{b_asset}/classification"),
            serde_json::json!({"confidentiality": 9, "integrity": 1, "availability": 1, "traceability": 1, "motivation": ""}),
        ),
        (
            Method::PUT,
            format!("/api/v1/systems/{b_system}/levels"),
            serde_json::json!({"confidentiality": 9, "integrity": 1, "availability": 1, "traceability": 1}),
        ),
    ] {
        let res = a_api.req(method, &path, Some(body)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path} with bad input");
    }
    let res = a_admin
        .post_form(&format!("/assets/{b_asset}"), &[("name", "")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "bad form about B's asset"
    );

    // Switching to B's organisation is refused too.
    let res = a_admin
        .post_form("/org/switch", &[("org_id", b.id())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // B's objects are untouched.
    let asset = app.store.asset(&b, &b_asset).await.unwrap();
    assert_eq!(asset.input.name, "B:s journal");
    assert!(asset.levels.is_none());
    let system = app.store.system(&b, &b_system).await.unwrap();
    assert_eq!(system.input.name, "B:s journalsystem");
    assert!(system.deviation.is_none());
    assert_eq!(system.input.asset_ids, vec![b_asset.clone()]);
    let m = app
        .store
        .member(&b, &MembershipId::from(b_reader.as_str()))
        .await
        .unwrap();
    assert_eq!(m.role, Role::Reader);
    let (status, body) = app.api(&b_secret).get_json("/api/v1/members").await;
    assert_eq!(status, StatusCode::OK, "B's token was not revoked");
    assert_eq!(body["total"], 2);
}
