//! Follow-up: every kind of gap appears on the overview and the follow-up page with a link to fix
//! it, and disappears when fixed; the access-needs analysis; review dates; daily snapshots.

use crate::helpers::*;
use crate::requirements::patient_system;
use reqwest::StatusCode;
use tillit_domain::ids::*;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::{Actor, AssetInput};

/// One user group and an empty row, the risks and rules, approved by `approver` on 2026-11-20.
fn access_fields(approver: &str) -> Vec<(&str, &str)> {
    vec![
        ("group_name", "Sjuksköterskor"),
        (
            "group_information",
            "Journal för patienter i den egna hemsjukvården",
        ),
        ("group_reason", "Omvårdnad och läkemedelshantering"),
        ("group_rule", "Egen enhet"),
        ("group_name", ""),
        ("group_information", ""),
        ("group_reason", ""),
        ("group_rule", ""),
        (
            "risks_wider",
            "Personal kan läsa uppgifter om grannar och bekanta.",
        ),
        (
            "access_rules",
            "Åtkomst till egen enhet; spärr för skyddade personer.",
        ),
        ("approved_by", approver),
        ("approved_on", "2026-11-20"),
    ]
}

#[tokio::test]
async fn the_overview_lists_the_gaps_and_each_closes_when_fixed() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Kommun Uppföljning", OrgKind::Municipality).await;
    app.member(&t, "samordnare@upp.example", Role::Coordinator)
        .await;
    let owner = app.member(&t, "agare@upp.example", Role::Owner).await;
    let reader = app.member(&t, "lasare@upp.example", Role::Reader).await;
    let system = patient_system(&app, &t, "outsourced").await;
    app.store
        .create_asset(
            &t,
            &Actor::operator(),
            &AssetInput {
                name: "Hemtjänstens planering".into(),
                description: None,
                owner_membership_id: None,
                personal_data: true,
                special_categories: vec![],
                offences: false,
                data_subjects: vec!["care_recipients".into()],
                individuals_approx: None,
                confidentiality_provisions: None,
                confidentiality_strength: None,
                legal_basis: None,
                review_interval_months: 12,
            },
        )
        .await
        .unwrap();
    let b = app.login("samordnare@upp.example").await;

    let (status, html) = b.get_text("/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Oklassade informationsmängder"));
    assert!(html.contains("System med patientuppgifter utan behovs- och riskanalys"));
    assert!(!html.contains("Försenade åtgärder</a>"), "no measures yet");

    // An unmet requirement with no measure, and a measure past due.
    let res = b
        .post_form(
            &format!("/systems/{system}/requirements/beh-4"),
            &[("status", "not_met")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text("/follow-up").await;
    assert!(html.contains("Ej uppfyllda krav utan åtgärd"));
    assert!(html.contains(&format!("/systems/{system}/requirements/beh-4")));
    // The gap offers a measure with its trace filled in; the form has the requirement chosen.
    let new = format!("/measures/new?requirement={system}/beh-4");
    assert!(
        html.contains(&new.replace('/', "&#x2f;")) || html.contains(&new),
        "{html}"
    );
    let (status, form) = b.get_text(&new).await;
    assert_eq!(status, StatusCode::OK);
    let chosen = format!("value=\"{system}/beh-4\" checked");
    assert!(form.replace("&#x2f;", "/").contains(&chosen), "{form}");
    // A reader is not offered it.
    let (_, read) = app
        .login("lasare@upp.example")
        .await
        .get_text("/follow-up")
        .await;
    assert!(read.contains("Ej uppfyllda krav utan åtgärd"));
    assert!(!read.contains("Skapa åtgärd"));
    let (_, req_page) = b
        .get_text(&format!("/systems/{system}/requirements/beh-4"))
        .await;
    assert!(req_page.contains("Ingen åtgärd svarar mot kravet här ännu."));
    let res = b
        .post_form(
            "/measures",
            &[
                ("title", "Inför tvåfaktorsinloggning"),
                ("due_on", "2026-01-15"),
                ("requirements", &format!("{system}/beh-4")),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text("/follow-up").await;
    assert!(
        html.contains("Försenade åtgärder") && html.contains("Inför tvåfaktorsinloggning"),
        "the measure is overdue"
    );
    // The requirement's page lists the measure that answers it, with its status and due day.
    let (_, req_page) = b
        .get_text(&format!("/systems/{system}/requirements/beh-4"))
        .await;
    let section = req_page
        .split("Åtgärder för kravet")
        .nth(1)
        .unwrap_or_default();
    assert!(
        section.contains("Inför tvåfaktorsinloggning") && section.contains("2026-01-15"),
        "{section}"
    );

    let gaps = app.store.gaps(&t, &tillit_app::today(), 6).await.unwrap();
    let count = |k: tillit_store::GapKind| gaps.iter().find(|g| g.kind == k).unwrap().count;
    assert_eq!(
        count(tillit_store::GapKind::UnmetWithoutMeasure),
        0,
        "traced by the measure"
    );
    assert_eq!(count(tillit_store::GapKind::OverdueMeasure), 1);
    assert_eq!(count(tillit_store::GapKind::UnclassifiedAsset), 1);
    assert_eq!(count(tillit_store::GapKind::MissingAccessAnalysis), 1);

    // The access-needs analysis: a reader cannot approve it; the owner's decision is recorded.
    let path = format!("/systems/{system}/access-analysis");
    let res = b.post_form(&path, &access_fields(&reader)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#approved_by\""));
    let res = b
        .post_form(&path, &[("risks_wider", "x"), ("access_rules", "y")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no user groups"
    );
    let res = b.post_form(&path, &access_fields(&owner)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let a = app
        .store
        .access_analysis(&t, &SystemId::from(system.as_str()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.input.groups.len(), 1);
    assert_eq!(a.input.next_review_on, "2027-11-20");
    assert_eq!(
        a.approved_by_name.as_deref(),
        Some("Test agare@upp.example")
    );
    // The coordinator named the owner: the approval waits on the owner, who approves it signed in.
    let (_, html) = b.get_text(&path).await;
    assert!(
        html.contains("Väntar på godkännande av Test agare@upp.example"),
        "{html}"
    );
    assert!(a.approval_signed_at.is_none());
    let (_, follow) = b.get_text("/follow-up").await;
    assert!(
        follow.contains("Behovs- och riskanalyser som väntar på informationsägarens godkännande")
    );
    let approval = format!("{path}/approval");
    let res = b.post_form(&approval, &[("decision", "accept")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "only the owner asked");
    let o = app.login("agare@upp.example").await;
    let (_, overview) = o.get_text("/overview").await;
    assert!(
        overview.contains("Godkänn behovs- och riskanalysen för"),
        "{overview}"
    );
    let (_, page) = o.get_text(&path).await;
    assert!(page.contains("Ditt beslut: godkänna analysen?"));
    let res = o.post_form(&approval, &[("decision", "decline")]).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a refusal says why"
    );
    assert!(res.text().await.unwrap().contains("id=\"note-error\""));
    let res = o.post_form(&approval, &[("decision", "accept")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let today = tillit_app::today();
    let (_, html) = b.get_text(&path).await;
    assert!(html.contains(&format!("Beslutad av Test agare@upp.example {today}")));
    let (_, html) = b.get_text("/overview").await;
    assert!(!html.contains("System med patientuppgifter utan behovs- och riskanalys"));

    // Today's snapshot is kept for the trend.
    let today = tillit_app::today();
    let snaps = app.store.snapshots(&t, &today).await.unwrap();
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0].1.overdue_measures, 1);
    // Compliance per requirement area: the one access requirement assessed is not met.
    assert_eq!(snaps[0].1.areas.get("beh"), Some(&0));
    let (_, html) = b.get_text("/follow-up").await;
    assert!(html.contains(&today) && html.contains("<polyline"));
    assert!(html.contains("Efterlevnad per kravområde") && html.contains("Behörighet och åtkomst"));

    // Marking a system reviewed moves its next review one interval on.
    let res = b.post_form(&format!("/systems/{system}/review"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (last, next) = app
        .store
        .next_review_of(&t, tillit_store::Reviewed::System, &system)
        .await
        .unwrap();
    assert_eq!(last.as_deref(), Some(today.as_str()));
    let expected = tillit_domain::measure::next_review(tillit_app::today_date(), 12);
    assert_eq!(next, Some(expected.to_string()));
    let r = app.login("lasare@upp.example").await;
    let res = r.post_form(&format!("/systems/{system}/review"), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// The overview and the daily task may compute the same day's snapshot at once (on PostgreSQL a
/// delete-then-insert raced into a duplicate key and a 500): every concurrent save succeeds and
/// one snapshot of the day remains.
#[tokio::test]
async fn concurrent_snapshots_of_one_day_never_collide() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Samtidig", OrgKind::Region).await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = app.store.clone();
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            let f = tillit_store::KeyFigures {
                assets: i,
                ..Default::default()
            };
            store.save_snapshot(&t, "2026-01-15", &f).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    // (The server's daily task may keep today's snapshot beside it.)
    let kept = app.store.snapshots(&t, "2026-01-15").await.unwrap();
    assert_eq!(
        kept.iter().filter(|(day, _)| day == "2026-01-15").count(),
        1
    );
}

/// The compliance counts kept per scope (refreshed from the scopes the database marks on every
/// change) always equal a count made afresh from every assessment, and the follow-up shows the
/// figure of that count: through organisation-wide and system assessments, a new system, a
/// reclassified asset and an archived system.
#[tokio::test]
async fn kept_compliance_counts_always_equal_a_fresh_count() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Efterlevnad", OrgKind::Region).await;
    app.member(&t, "samordnare@eft.example", Role::Coordinator)
        .await;
    let system = patient_system(&app, &t, "own_operation").await;
    let a = tillit_app::App::new(app.store.clone(), tillit_app::AppConfig::default()).unwrap();
    let b = app.login("samordnare@eft.example").await;
    let check = |step: &'static str| {
        let (a, t) = (&a, &t);
        async move {
            let kept = tillit_app::compliance::by_area(a, t).await.unwrap();
            let fresh = tillit_app::compliance::computed_afresh(a, t).await.unwrap();
            assert_eq!(kept, fresh, "after {step}");
            let mut total = tillit_domain::assessment::Tally::default();
            for n in kept.values() {
                total += *n;
            }
            (kept, total)
        }
    };
    let (_, total) = check("nothing assessed").await;
    assert!(total.applicable > 10, "{total:?}");
    assert_eq!(total.compliance_percent(), None);
    b.get_text("/follow-up").await;
    let snap = app.store.snapshots(&t, &tillit_app::today()).await.unwrap();
    assert_eq!(
        snap[0].1.compliance_percent, None,
        "no figure before the first assessment"
    );

    // sty-1 is a baseline requirement: the organisation's one assessment counts for itself and
    // for the system.
    let res = b
        .post_form("/requirements/sty-1", &[("status", "met")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (kept, _) = check("an organisation-wide assessment").await;
    assert_eq!(kept["sty"].met, 2);
    let res = b
        .post_form(
            &format!("/systems/{system}/requirements/beh-4"),
            &[("status", "not_met")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (kept, total) = check("a system's assessment").await;
    assert_eq!(kept["beh"].not_met, 1);
    // The follow-up shows the same figure.
    b.get_text("/follow-up").await;
    let snap = app.store.snapshots(&t, &tillit_app::today()).await.unwrap();
    assert_eq!(
        snap[0].1.compliance_percent,
        total.compliance_percent().map(i64::from)
    );

    let second = app
        .store
        .create_system(
            &t,
            &Actor::operator(),
            &tillit_store::SystemInput {
                name: "Lokalbokning".into(),
                description: None,
                owner_membership_id: None,
                supplier_id: None,
                hosting: "own_operation".into(),
                country: Some("SE".into()),
                review_interval_months: 12,
                asset_ids: vec![],
            },
        )
        .await
        .unwrap();
    let (kept, _) = check("a new system").await;
    assert_eq!(kept["sty"].met, 3, "the new system counts sty-1 too");
    assert!(!second.id.as_str().is_empty());

    // Lowering the asset's levels takes the higher levels' requirements off the system.
    let sys = app
        .store
        .system(&t, &SystemId::from(system.as_str()))
        .await
        .unwrap();
    let before = check("before reclassifying").await.1.applicable;
    let lv = |n| tillit_domain::classification::ConsequenceLevel::from_number(n).unwrap();
    app.store
        .classify_asset(
            &t,
            &Actor::operator(),
            &sys.assets[0].id,
            &tillit_domain::classification::Levels {
                confidentiality: lv(1),
                integrity: lv(1),
                availability: lv(1),
                traceability: lv(1),
            },
            "Omprövad.",
        )
        .await
        .unwrap();
    let after = check("a reclassified asset").await.1.applicable;
    assert!(after < before, "{after} < {before}");

    let res = b
        .post_form(&format!("/systems/{system}/archive"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (kept, _) = check("an archived system").await;
    assert_eq!(kept["sty"].met, 2);
    assert!(kept.get("beh").is_none_or(|n| n.not_met == 0));
}

/// Several requests may bring the same out-of-date scopes up to date at once (on PostgreSQL two
/// recomputations inserted the same counts and one failed on the duplicate key): every one
/// succeeds and they agree with a fresh count.
#[tokio::test]
async fn concurrent_recomputations_of_compliance_never_collide() {
    let app = TestApp::spawn().await;
    let (t, _) = app
        .org("Region Samtidig efterlevnad", OrgKind::Region)
        .await;
    patient_system(&app, &t, "outsourced").await;
    let a = tillit_app::App::new(app.store.clone(), tillit_app::AppConfig::default()).unwrap();
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let (a, t) = (a.clone(), t.clone());
        tasks.push(tokio::spawn(async move {
            tillit_app::compliance::by_area(&a, &t).await
        }));
    }
    let fresh = tillit_app::compliance::computed_afresh(&a, &t)
        .await
        .unwrap();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), fresh);
    }
}
