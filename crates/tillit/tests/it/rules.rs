//! Where the store keeps a fact of a domain rule for speed, the fact and the rule agree.

use crate::helpers::*;
use tillit_domain::asset::AssetInput;
use tillit_domain::ids::AssetId;
use tillit_domain::org::OrgKind;
use tillit_domain::paging::PageRequest;
use tillit_store::{Actor, Store, SystemInput, SystemQuery, Tenant};

/// Every system of the tenant: the store's patient-data flag (what the list filters by) equals
/// the domain's rule over the system's assets.
async fn flag_agrees_with_rule(store: &Store, t: &Tenant) -> usize {
    let all_of = |patient_data: Option<bool>| async move {
        let mut out = Vec::new();
        for page in 1.. {
            let q = SystemQuery {
                patient_data,
                ..Default::default()
            };
            let p = store
                .list_systems_by(
                    t,
                    &q,
                    PageRequest {
                        page,
                        per_page: 200,
                    },
                )
                .await
                .unwrap();
            let n = p.items.len();
            out.extend(p.items);
            if n < 200 {
                break;
            }
        }
        out
    };
    let flagged: std::collections::HashSet<String> = all_of(Some(true))
        .await
        .into_iter()
        .map(|s| s.id.into_string())
        .collect();
    let all = all_of(None).await;
    for s in &all {
        let rule = s.assets.iter().any(|a| a.input.is_patient_data());
        assert_eq!(
            flagged.contains(s.id.as_str()),
            rule,
            "system {} ({:?})",
            s.input.name,
            s.assets.iter().map(|a| &a.input).collect::<Vec<_>>()
        );
    }
    all.len()
}

#[tokio::test]
async fn the_patient_data_flag_follows_the_rule_on_the_demo_data() {
    let app = TestApp::spawn().await;
    tillit::demo::seed(&app.store, &app.hashing).await.unwrap();
    let mut systems = 0;
    for o in app.store.list_organisations().await.unwrap() {
        let number = tillit_domain::org::OrgNumber::parse("org_number", &o.org_number).unwrap();
        let (t, _) = app.store.operator_tenant(&number).await.unwrap();
        systems += flag_agrees_with_rule(&app.store, &t).await;
    }
    assert!(systems >= 5, "the demo has systems ({systems})");
}

#[tokio::test]
async fn the_patient_data_flag_follows_the_rule_through_every_change() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Regel", OrgKind::Region).await;
    let actor = Actor::operator();
    let subjects = [
        vec![],
        vec!["patients"],
        vec!["staff"],
        vec!["care_recipients", "relatives"],
    ];
    let provisions = [
        None,
        Some("25 kap. 1 § OSL"),
        Some("26 kap. 1 § OSL"),
        Some("39 kap. 1 § OSL"),
    ];
    let asset = |i: usize| AssetInput {
        name: format!("Mängd {i}"),
        description: None,
        owner_membership_id: None,
        personal_data: true,
        special_categories: vec![],
        offences: false,
        data_subjects: subjects[i % 4].iter().map(|s| s.to_string()).collect(),
        individuals_approx: None,
        confidentiality_provisions: provisions[(i / 4) % 4].map(str::to_string),
        confidentiality_strength: None,
        legal_basis: None,
        review_interval_months: 12,
    };
    let mut ids = Vec::new();
    for i in 0..16 {
        ids.push(
            app.store
                .create_asset(&t, &actor, &asset(i))
                .await
                .unwrap()
                .id
                .into_string(),
        );
    }
    // Each system processes a different pair of assets (and one none at all).
    for i in 0..17 {
        let asset_ids = if i == 16 {
            vec![]
        } else {
            vec![ids[i].clone(), ids[(i * 7 + 3) % 16].clone()]
        };
        let input = SystemInput {
            name: format!("System {i}"),
            description: None,
            owner_membership_id: None,
            supplier_id: None,
            hosting: "own_operation".into(),
            country: None,
            review_interval_months: 12,
            asset_ids,
        };
        app.store.create_system(&t, &actor, &input).await.unwrap();
    }
    assert_eq!(flag_agrees_with_rule(&app.store, &t).await, 17);
    // Changing an asset's facts moves the flag of every system that processes it.
    for (n, id) in ids.iter().enumerate().step_by(3) {
        let mut changed = asset(n + 1);
        changed.name = format!("Mängd {n}");
        app.store
            .update_asset(&t, &actor, &AssetId::from(id.as_str()), &changed)
            .await
            .unwrap();
    }
    assert_eq!(flag_agrees_with_rule(&app.store, &t).await, 17);
}
