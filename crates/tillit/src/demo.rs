//! Demo data: a region, two municipalities, a private care provider, and IMY and IVO as
//! authorities, with a user for every role. Fictional people and organisation numbers (valid in
//! form and check digit). Seeding is idempotent: what exists is kept.

use tillit_app::security::PasswordHashing;
use tillit_domain::org::{OrgKind, OrgNumber};
use tillit_domain::risk::Signature;
use tillit_domain::role::Role;
use tillit_domain::user::Email;
use tillit_domain::Rule;
use tillit_store::{Actor, Store, StoreError};

/// The password of every demo user. Demo data only: never use for real accounts.
pub const DEMO_PASSWORD: &str = "tillit-demo-2026";

pub struct DemoOrg {
    pub name: &'static str,
    pub number: &'static str,
    pub kind: OrgKind,
    /// The requirement catalog version it starts on: Åsby kommun still works against version 1,
    /// so the demo shows the upgrade.
    pub catalog_version: &'static str,
}

pub const ORGS: &[DemoOrg] = &[
    DemoOrg {
        name: "Region Norrfjäll",
        number: "232100-9991",
        kind: OrgKind::Region,
        catalog_version: tillit_app::library::LATEST,
    },
    DemoOrg {
        name: "Åsby kommun",
        number: "212000-9994",
        kind: OrgKind::Municipality,
        catalog_version: "1",
    },
    DemoOrg {
        name: "Östervik kommun",
        number: "212000-9986",
        kind: OrgKind::Municipality,
        catalog_version: tillit_app::library::LATEST,
    },
    DemoOrg {
        name: "Omsorgshuset Linden AB",
        number: "556999-1234",
        kind: OrgKind::PrivateProvider,
        catalog_version: tillit_app::library::LATEST,
    },
    DemoOrg {
        name: "Integritetsskyddsmyndigheten (demo)",
        number: "202100-9994",
        kind: OrgKind::Authority,
        catalog_version: tillit_app::library::LATEST,
    },
    DemoOrg {
        name: "Inspektionen för vård och omsorg (demo)",
        number: "202100-9986",
        kind: OrgKind::Authority,
        catalog_version: tillit_app::library::LATEST,
    },
];

/// (e-mail, name, organisation number, role)
pub const USERS: &[(&str, &str, &str, Role)] = &[
    (
        "admin@norrfjall.example",
        "Karin Lindqvist",
        "232100-9991",
        Role::Admin,
    ),
    (
        "samordnare@norrfjall.example",
        "Johan Berg",
        "232100-9991",
        Role::Coordinator,
    ),
    (
        "agare@norrfjall.example",
        "Maria Holm",
        "232100-9991",
        Role::Owner,
    ),
    (
        "systemagare@norrfjall.example",
        "Erik Sandberg",
        "232100-9991",
        Role::SystemOwner,
    ),
    (
        "dso@norrfjall.example",
        "Sara Nyström",
        "232100-9991",
        Role::Dpo,
    ),
    (
        "ledning@norrfjall.example",
        "Anders Wikström",
        "232100-9991",
        Role::Reader,
    ),
    (
        "admin@asby.example",
        "Lena Forsberg",
        "212000-9994",
        Role::Admin,
    ),
    (
        "samordnare@kommunsamverkan.example",
        "Peter Ek",
        "212000-9994",
        Role::Coordinator,
    ),
    (
        "samordnare@kommunsamverkan.example",
        "Peter Ek",
        "212000-9986",
        Role::Coordinator,
    ),
    (
        "admin@ostervik.example",
        "Fatima Ali",
        "212000-9986",
        Role::Admin,
    ),
    (
        "admin@linden.example",
        "Oskar Lund",
        "556999-1234",
        Role::Admin,
    ),
    (
        "admin@imy.example",
        "Helena Strand",
        "202100-9994",
        Role::AuthorityAdmin,
    ),
    (
        "handlaggare@imy.example",
        "David Öberg",
        "202100-9994",
        Role::CaseOfficer,
    ),
    (
        "tillsyn@imy.example",
        "Eva Blom",
        "202100-9994",
        Role::SupervisionLead,
    ),
    (
        "analytiker@imy.example",
        "Nils Hedlund",
        "202100-9994",
        Role::Analyst,
    ),
    (
        "admin@ivo.example",
        "Ingrid Sjöberg",
        "202100-9986",
        Role::AuthorityAdmin,
    ),
    (
        "handlaggare@ivo.example",
        "Ali Hassan",
        "202100-9986",
        Role::CaseOfficer,
    ),
];

fn number(s: &str) -> Result<OrgNumber, StoreError> {
    OrgNumber::parse("org_number", s).map_err(|e| StoreError::Invalid(e.into()))
}

/// The demo region's information assets: (name, description, special categories, data subjects,
/// approximate individuals, confidentiality provision, levels C/I/A/T and motivation, if classified).
type DemoAsset = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Option<i64>,
    Option<&'static str>,
    Option<([i64; 4], &'static str)>,
);

const REGION_ASSETS: &[DemoAsset] = &[
    (
        "Patientjournal",
        "Journaluppgifter om regionens patienter i journalsystemet.",
        &["health"],
        &["patients", "children"],
        Some(280_000),
        Some("25 kap. 1 § OSL"),
        Some((
            [3, 3, 3, 3],
            "Hälsouppgifter om hela regionens befolkning; fel eller avbrott kan skada patienter.",
        )),
    ),
    (
        "Laboratoriesvar",
        "Provsvar från klinisk kemi och mikrobiologi.",
        &["health"],
        &["patients"],
        Some(150_000),
        Some("25 kap. 1 § OSL"),
        Some((
            [3, 4, 3, 3],
            "Felaktiga provsvar kan leda till fel behandling.",
        )),
    ),
    (
        "Personaladministration",
        "Anställningar, löner och frånvaro.",
        &["health", "trade_union"],
        &["staff"],
        Some(9_000),
        None,
        Some((
            [2, 2, 1, 2],
            "Känsliga uppgifter om medarbetare, men avbrott kan hanteras manuellt.",
        )),
    ),
    (
        "1177-ärenden",
        "Meddelanden och egenremisser från invånare via e-tjänster.",
        &["health"],
        &["patients", "public"],
        Some(120_000),
        Some("25 kap. 1 § OSL"),
        None,
    ),
];

async fn seed_region_assets(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    use tillit_domain::classification::{ConsequenceLevel, Levels};
    let (tenant, _) = store.operator_tenant(&number("232100-9991")?).await?;
    if store
        .list_assets(&tenant, &Default::default(), Default::default())
        .await?
        .total
        > 0
    {
        return Ok(());
    }
    let owner = store
        .list_members(
            &tenant,
            &tillit_store::MemberQuery {
                role: Some(Role::Owner),
                ..Default::default()
            },
            Default::default(),
        )
        .await?
        .items
        .first()
        .map(|m| m.id.to_string());
    for (name, description, special, subjects, individuals, provision, classification) in
        REGION_ASSETS
    {
        let input = tillit_store::AssetInput {
            name: name.to_string(),
            description: Some(description.to_string()),
            owner_membership_id: owner.clone(),
            personal_data: true,
            special_categories: special.iter().map(|s| s.to_string()).collect(),
            offences: false,
            data_subjects: subjects.iter().map(|s| s.to_string()).collect(),
            individuals_approx: *individuals,
            confidentiality_provisions: provision.map(str::to_string),
            // Health-care secrecy presumes confidentiality (25 kap. 1 § OSL).
            confidentiality_strength: provision.map(|_| "presumption_of_secrecy".to_string()),
            legal_basis: Some("Patientdatalagen (2008:355)".into()),
            review_interval_months: 12,
        };
        let asset = store.create_asset(&tenant, actor, &input).await?;
        if let Some((l, motivation)) = classification {
            let lv = |n: i64| {
                ConsequenceLevel::from_number(n)
                    .ok_or_else(|| StoreError::Corrupt(format!("level {n}")))
            };
            let levels = Levels {
                confidentiality: lv(l[0])?,
                integrity: lv(l[1])?,
                availability: lv(l[2])?,
                traceability: lv(l[3])?,
            };
            store
                .classify_asset(&tenant, actor, &asset.id, &levels, motivation)
                .await?;
        }
    }
    // The record system processes the journal and the lab results, and inherits from both.
    let assets = store
        .list_assets(&tenant, &Default::default(), Default::default())
        .await?
        .items;
    let ids = |names: &[&str]| {
        assets
            .iter()
            .filter(|a| names.contains(&a.input.name.as_str()))
            .map(|a| a.id.to_string())
            .collect::<Vec<_>>()
    };
    let system_owner = store
        .list_members(
            &tenant,
            &tillit_store::MemberQuery {
                role: Some(Role::SystemOwner),
                ..Default::default()
            },
            Default::default(),
        )
        .await?
        .items
        .first()
        .map(|m| m.id.to_string());
    for (name, supplier, hosting, linked) in [
        (
            "Journalsystemet",
            "Vårdsystem Norr AB",
            "outsourced",
            ids(&["Patientjournal"]),
        ),
        (
            "Labbsystemet",
            "Labbdata Nordic AB",
            "own_operation",
            ids(&["Laboratoriesvar", "Patientjournal"]),
        ),
        (
            "E-tjänstplattformen",
            "Digitala Vårdtjänster AB",
            "public_cloud",
            ids(&["1177-ärenden"]),
        ),
        (
            "HR-systemet",
            "Lönepartner AB",
            "outsourced",
            ids(&["Personaladministration"]),
        ),
    ] {
        let input = tillit_store::SystemInput {
            name: name.into(),
            description: None,
            owner_membership_id: system_owner.clone(),
            supplier_id: supplier_named(store, &tenant, actor, supplier, &[("country", "SE")])
                .await?,
            hosting: hosting.into(),
            country: Some("SE".into()),
            review_interval_months: 12,
            asset_ids: linked,
        };
        store.create_system(&tenant, actor, &input).await?;
    }
    Ok(())
}

pub async fn seed(store: &Store, hashing: &PasswordHashing) -> Result<(), StoreError> {
    let actor = Actor::operator();
    for o in ORGS {
        let n = number(o.number)?;
        if store.organisation_by_number(&n).await?.is_none() {
            store
                .create_organisation(&actor, o.name, &n, o.kind, o.catalog_version)
                .await?;
            let (tenant, _) = store.operator_tenant(&n).await?;
            if let Some(facts) = demo_facts(o.number)? {
                store
                    .set_organisation_facts(&tenant, &actor, &facts)
                    .await?;
            }
        }
    }
    let hash = hashing
        .hash(DEMO_PASSWORD.to_string())
        .await
        .map_err(StoreError::Corrupt)?;
    for (email, name, org, role) in USERS {
        let user_id = match store.user_by_email(email).await? {
            Some(u) => u.user.id,
            None => {
                let e = Email::parse("email", email).map_err(|e| StoreError::Invalid(e.into()))?;
                store.create_user(&actor, &e, name, &hash, false).await?.id
            }
        };
        let (tenant, _) = store.operator_tenant(&number(org)?).await?;
        match store.add_member(&tenant, &actor, &user_id, *role).await {
            Ok(_) => {}
            // Already a member (a later run on the same data).
            Err(StoreError::Duplicate(tillit_store::Unique::Email)) => {}
            Err(StoreError::Invalid(v)) if v.0.iter().all(|e| e.rule == Rule::AlreadyExists) => {}
            Err(e) => return Err(e),
        }
    }
    // The suppliers first: the systems name them.
    seed_region_suppliers(store, &actor).await?;
    seed_region_assets(store, &actor).await?;
    seed_region_work(store, &actor).await?;
    seed_municipality(store, &actor).await?;
    seed_private_provider(store, &actor).await?;
    seed_outsourcing(store, &actor).await?;
    seed_incidents(store, &actor).await
}

/// One incident from its fields, the systems it touched (by name) and the reports marked sent
/// (obligation, hours after awareness, reference), awareness `hours_ago` before now.
async fn incident(
    store: &Store,
    actor: &Actor,
    t: &tillit_store::Tenant,
    hours_ago: i64,
    fields: &[(&str, &str)],
    systems: &[&str],
    sent: &[(&str, i64, &str)],
) -> Result<String, StoreError> {
    let now = chrono::Utc::now();
    let aware = now - chrono::Duration::hours(hours_ago);
    let all = store.list_systems(t, None, Default::default()).await?.items;
    let mut d: tillit_domain::incident_case::IncidentDraft = draft(fields)?;
    d.aware_at = aware.to_rfc3339();
    // (The draft helper leaves "aspects" to the scenarios; an incident's are a list.)
    d.aspects = fields
        .iter()
        .filter(|(k, _)| *k == "aspects")
        .flat_map(|(_, v)| v.split(',').map(str::to_string))
        .collect();
    d.system_ids = all
        .iter()
        .filter(|s| systems.contains(&s.input.name.as_str()))
        .map(|s| s.id.to_string())
        .collect();
    let input = tillit_domain::incident_case::parse_incident(&d, now).map_err(invalid)?;
    let x = store.create_incident(t, actor, &input).await?;
    for (kind, after, reference) in sent {
        let at = aware + chrono::Duration::hours(*after);
        store
            .mark_report_sent(
                t,
                actor,
                &x.id,
                &tillit_store::NewSentReport {
                    kind,
                    sent_at: &at,
                    by_name: "Johan Berg",
                    reference: Some(reference),
                },
            )
            .await?;
    }
    Ok(x.id)
}

/// The region's contacts for incidents (fictional names and numbers) and the ransomware
/// checklist started on its lab incident, the first steps ticked off.
async fn seed_checklists(
    store: &Store,
    actor: &Actor,
    region: &tillit_store::Tenant,
    incident_id: &str,
) -> Result<(), StoreError> {
    use tillit_domain::playbook::{ContactChange, ContactDraft, Playbooks};
    let book = Playbooks::v1().map_err(StoreError::Corrupt)?;
    for (role, name, phone, email, note) in [
        (
            "incident_lead",
            "Tjänsteperson i beredskap",
            "08-465 004 10",
            "",
            "Dygnet runt",
        ),
        (
            "it_operations",
            "IT-servicedesk",
            "08-465 004 11",
            "servicedesk@norrfjall.example",
            "Jour efter 17: 08-465 004 12",
        ),
        (
            "information_security",
            "Sara Lind",
            "08-465 004 13",
            "samordnare@norrfjall.example",
            "",
        ),
        (
            "dpo",
            "Dataskyddsombudet",
            "08-465 004 14",
            "dso@norrfjall.example",
            "",
        ),
        (
            "management",
            "Regiondirektörens stab",
            "08-465 004 15",
            "",
            "",
        ),
        (
            "communications",
            "Kommunikationsjouren",
            "08-465 004 16",
            "",
            "",
        ),
        ("patient_safety", "Chefläkaren", "08-465 004 17", "", ""),
    ] {
        let change = ContactDraft {
            role: role.into(),
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            note: note.into(),
        }
        .parse(&book)
        .map_err(invalid)?;
        if let ContactChange::Set(_) = change {
            store
                .set_incident_contact(region, actor, "Johan Berg", &change)
                .await?;
        }
    }
    store
        .start_incident_playbook(
            region,
            actor,
            "Johan Berg",
            incident_id,
            "ransomware",
            &book.version,
        )
        .await?;
    for step in [
        "isolate",
        "alert",
        "continuity",
        "preserve",
        "no_contact",
        "credentials",
    ] {
        store
            .tick_incident_playbook_step(
                region,
                actor,
                "Johan Berg",
                incident_id,
                "ransomware",
                step,
                true,
            )
            .await?;
    }
    Ok(())
}

/// The demo's incidents, timed from now: the region's ongoing ransomware on its lab system
/// (early warning sent, the incident notification due in a few hours) and a closed misdirected
/// letters breach reported to IMY; Åsby's breach whose 72 hours have passed without a report.
async fn seed_incidents(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    let (region, _) = store.operator_tenant(&number("232100-9991")?).await?;
    if store
        .list_incidents(&region, None, None, Default::default())
        .await?
        .total
        > 0
    {
        return Ok(());
    }
    let ransomware = incident(
        store,
        actor,
        &region,
        64,
        &[
            ("title", "Utpressningsprogram krypterar labbsystemet"),
            (
                "description",
                "Servrarna för klinisk kemi är krypterade; provsvar lämnas manuellt.",
            ),
            ("status", "contained"),
            ("aspects", "availability,confidentiality"),
            ("personal_data", "yes"),
            ("data_categories", "Provsvar, personnummer"),
            ("individuals_approx", "150000"),
            ("cause", "attack"),
            ("breach_risk", "high_risk"),
            (
                "risk_motivation",
                "Angriparen kan ha fört ut provsvar för många patienter.",
            ),
            ("significant", "yes"),
            (
                "significance_motivation",
                "Labbet står still; vården påverkas i hela regionen.",
            ),
            ("serious_care_injury", "no"),
            (
                "actions_taken",
                "Nätet segmenterat, återläsning från säkerhetskopior pågår.",
            ),
        ],
        &["Labbsystemet"],
        &[("nis2_early_warning", 10, "CSIRT-2026-0412")],
    )
    .await?;
    seed_checklists(store, actor, &region, &ransomware).await?;
    let letters = incident(
        store,
        actor,
        &region,
        24 * 40,
        &[
            ("title", "Kallelser skickade till fel adresser"),
            (
                "description",
                "En felaktig adressfil gav 212 kallelser till fel mottagare.",
            ),
            ("status", "closed"),
            ("aspects", "confidentiality"),
            ("personal_data", "yes"),
            ("individuals_approx", "212"),
            ("cause", "mistake"),
            ("breach_risk", "risk"),
            (
                "risk_motivation",
                "Kallelserna röjer vårdkontakt men inte diagnoser.",
            ),
            ("significant", "no"),
            ("serious_care_injury", "no"),
            (
                "lessons",
                "Adressfiler kontrolleras nu mot folkbokföringen före varje utskick.",
            ),
        ],
        &["Journalsystemet"],
        &[("imy_notification", 30, "IMY-2026-7713")],
    )
    .await?;
    // Its lesson became a measure, done and traced to the incident-handling routine.
    let lesson = "Adressfiler kontrolleras nu mot folkbokföringen före varje utskick.";
    store
        .lesson_to_measure(
            &region,
            actor,
            "Johan Berg",
            &letters,
            &tillit_domain::measure::MeasureInput {
                title: "Kontrollera adressfiler mot folkbokföringen före utskick".into(),
                description: Some(format!(
                    "{lesson}\n\nLärdom av incidenten: Kallelser skickade till fel adresser"
                )),
                owner_membership_id: None,
                due_on: None,
                status: tillit_domain::measure::MeasureStatus::Done,
                cost_sek: None,
                verification: None,
                scenario_ids: vec![],
                requirements: vec![tillit_domain::measure::RequirementRef {
                    system_id: None,
                    requirement_id: "inc-1".into(),
                }],
            },
        )
        .await?;
    let (asby, _) = store.operator_tenant(&number("212000-9994")?).await?;
    incident(
        store,
        actor,
        &asby,
        80,
        &[
            (
                "title",
                "Genomförandeplaner skickade till fel vårdnadshavare",
            ),
            ("status", "open"),
            ("aspects", "confidentiality"),
            ("personal_data", "yes"),
            ("individuals_approx", "3"),
            ("cause", "mistake"),
            ("breach_risk", "risk"),
            (
                "risk_motivation",
                "Uppgifter om barns hälsa och sociala förhållanden har röjts.",
            ),
        ],
        &[],
        &[],
    )
    .await?;
    Ok(())
}

/// One outsourcing case from its supplier's fields, the systems it concerns (by name) and its
/// answers, in an organisation that has no case by that title yet.
async fn outsourcing_case(
    store: &Store,
    actor: &Actor,
    t: &tillit_store::Tenant,
    supplier: &[(&str, &str)],
    systems: &[&str],
    answers: &[(&str, &str)],
) -> Result<(), StoreError> {
    let supplier_name = supplier
        .iter()
        .find(|(k, _)| *k == "name")
        .map(|(_, v)| *v)
        .unwrap_or_default();
    let existing = store
        .list_suppliers(t, Some(supplier_name), Default::default())
        .await?;
    let supplier_id = match existing
        .items
        .into_iter()
        .find(|s| s.input.name == supplier_name)
    {
        Some(s) => s.id.to_string(),
        None => {
            let d: tillit_domain::supplier::SupplierDraft = draft(supplier)?;
            let input = tillit_domain::supplier::SupplierInput::try_from(&d).map_err(invalid)?;
            store
                .create_supplier(t, actor, &input)
                .await?
                .id
                .to_string()
        }
    };
    let all = store.list_systems(t, None, Default::default()).await?.items;
    let mut d: tillit_domain::outsourcing_case::CaseDraft = draft(answers)?;
    d.supplier_id = supplier_id;
    d.system_ids = all
        .iter()
        .filter(|s| systems.contains(&s.input.name.as_str()))
        .map(|s| s.id.to_string())
        .collect();
    // The organisation's coordinator prepares its cases.
    d.prepared_by = store
        .list_members(
            t,
            &tillit_store::MemberQuery {
                role: Some(Role::Coordinator),
                ..Default::default()
            },
            Default::default(),
        )
        .await?
        .items
        .first()
        .map(|m| m.id.to_string())
        .unwrap_or_default();
    let input = tillit_domain::outsourcing_case::CaseInput::try_from(&d).map_err(invalid)?;
    store.create_case(t, actor, &input).await?;
    Ok(())
}

/// The outsourcing cases of the demo: the region's e-service platform in a US-owned public cloud
/// as offered (unsuitable) and with its own keys (suitable with conditions), its backups at the
/// municipal data centre (suitable); Åsby's half-answered case; and the private provider's, which
/// 10 kap. 2 a § OSL does not govern.
async fn seed_outsourcing(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    let (region, _) = store.operator_tenant(&number("232100-9991")?).await?;
    if store
        .list_cases(&region, None, Default::default())
        .await?
        .total
        > 0
    {
        return Ok(());
    }
    let cloud: &[(&str, &str)] = &[("name", "Digitala Vårdtjänster AB")];
    let common: &[(&str, &str)] = &[
        ("scope", "technical"),
        ("encryption_in_transit", "yes"),
        ("encryption_at_rest", "yes"),
        ("supplier_access_logged", "yes"),
        ("transfer_basis", "dpf"),
        ("dpf_certified", "yes"),
        ("large_scale", "yes"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut v: Vec<(&str, &str)> = common.to_vec();
        v.extend_from_slice(extra);
        v
    };
    outsourcing_case(
        store,
        actor,
        &region,
        cloud,
        &["E-tjänstplattformen"],
        &with(&[
            ("title", "E-tjänstplattformen i publikt moln, som offererad"),
            ("reference", "RS 2026/0412"),
            ("service", "Drift av e-tjänstplattformen i leverantörens publika moln; leverantören hanterar nycklarna och dess support kan se uppgifterna vid felsökning."),
            ("key_holder", "supplier"),
            ("supplier_plaintext_access", "yes"),
        ]),
    )
    .await?;
    outsourcing_case(
        store,
        actor,
        &region,
        cloud,
        &["E-tjänstplattformen"],
        &with(&[
            ("title", "E-tjänstplattformen i publikt moln med regionens egna nycklar"),
            ("reference", "RS 2026/0413"),
            ("service", "Samma drift, med regionens egen nyckelhantering utanför leverantörens kontroll; leverantören ser aldrig klartext."),
            ("key_holder", "customer_outside_supplier"),
            ("supplier_plaintext_access", "no"),
        ]),
    )
    .await?;
    outsourcing_case(
        store,
        actor,
        &region,
        &[("name", "Norrlands IT-drift AB")],
        &["Journalsystemet"],
        &[
            (
                "title",
                "Säkerhetskopior av journalsystemet hos Norrlands IT-drift",
            ),
            (
                "service",
                "Lagring av regionens krypterade säkerhetskopior i kommunägt datacenter.",
            ),
            ("scope", "technical"),
            ("encryption_in_transit", "yes"),
            ("encryption_at_rest", "yes"),
            ("key_holder", "customer_outside_supplier"),
            ("supplier_plaintext_access", "no"),
            ("supplier_access_logged", "yes"),
            ("large_scale", "yes"),
        ],
    )
    .await?;
    let (asby, _) = store.operator_tenant(&number("212000-9994")?).await?;
    outsourcing_case(
        store,
        actor,
        &asby,
        &[
            ("name", "Omsorgsmolnet Sverige AB"),
            ("country", "SE"),
            ("data_locations", "SE"),
            ("dpa_signed_on", "2026-02-01"),
        ],
        &["Verksamhetssystem för socialtjänsten"],
        &[
            ("title", "Verksamhetssystemet som molntjänst"),
            ("service", "Leverantören erbjuder verksamhetssystemet som tjänst; frågorna om nycklar och support är inte besvarade ännu."),
            ("scope", "technical"),
            ("encryption_in_transit", "yes"),
        ],
    )
    .await?;
    let (linden, _) = store.operator_tenant(&number("556999-1234")?).await?;
    outsourcing_case(
        store,
        actor,
        &linden,
        &[
            ("name", "Journaldrift Norden AB"),
            ("country", "SE"),
            ("data_locations", "SE"),
            ("support_locations", "SE"),
            ("dpa_signed_on", "2025-06-01"),
            ("confidentiality_undertaking", "yes"),
            ("audit_rights", "yes"),
            ("subprocessor_approval", "yes"),
            ("exit_terms", "yes"),
        ],
        &["Omsorgsjournalen"],
        &[
            ("title", "Drift av omsorgsjournalen"),
            (
                "service",
                "Leverantören driftar omsorgsjournalen i sitt datacenter.",
            ),
            ("scope", "technical"),
            ("encryption_in_transit", "yes"),
            ("encryption_at_rest", "yes"),
            ("key_holder", "supplier"),
            ("supplier_plaintext_access", "no"),
            ("supplier_access_logged", "yes"),
            ("covered_by_lag_2020_914", "no"),
        ],
    )
    .await?;
    Ok(())
}

/// The facts the law turns on, for the demo organisations that differ from their kind's defaults.
fn demo_facts(number: &str) -> Result<Option<tillit_domain::org::OrgFacts>, StoreError> {
    let fields: &[(&str, &str)] = match number {
        "232100-9991" => &[
            ("legal_form", "region"),
            ("care", "health"),
            ("employees", "8200"),
            (
                "controllers",
                "Regionstyrelsen\nHälso- och sjukvårdsnämnden\nPatientnämnden",
            ),
        ],
        "212000-9994" => &[
            ("legal_form", "municipality"),
            ("care", "both"),
            ("employees", "1900"),
            (
                "controllers",
                "Kommunstyrelsen\nSocialnämnden\nBarn- och utbildningsnämnden",
            ),
        ],
        // A medium-sized private care company: elderly care with home health care, so both
        // health care and social care; its size brings it under the Cybersecurity Act.
        "556999-1234" => &[
            ("legal_form", "private"),
            ("care", "both"),
            ("employees", "240"),
            ("turnover_meur", "21"),
            ("balance_meur", "9"),
            ("controllers", "Omsorgshuset Linden AB"),
        ],
        _ => return Ok(None),
    };
    let d: tillit_domain::org::OrgFactsDraft = draft(fields)?;
    tillit_domain::org::OrgFacts::try_from(&d)
        .map(Some)
        .map_err(invalid)
}

/// The private provider's record system for home health care and its care documentation.
async fn seed_private_provider(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    let (t, _) = store.operator_tenant(&number("556999-1234")?).await?;
    if store
        .list_assets(&t, &Default::default(), Default::default())
        .await?
        .total
        > 0
    {
        return Ok(());
    }
    let journal = store
        .create_asset(
            &t,
            actor,
            &tillit_store::AssetInput {
                name: "Patientjournal i hemsjukvården".into(),
                description: Some(
                    "Sjuksköterskornas journal för boendets och hemsjukvårdens patienter.".into(),
                ),
                owner_membership_id: None,
                personal_data: true,
                special_categories: vec!["health".into()],
                offences: false,
                data_subjects: vec!["patients".into()],
                individuals_approx: Some(1_400),
                // A private provider is not bound by OSL: its staff by patientsäkerhetslagen.
                confidentiality_provisions: Some(
                    "6 kap. 12 § patientsäkerhetslagen (2010:659)".into(),
                ),
                confidentiality_strength: None,
                legal_basis: Some("Vårddokumentation enligt patientdatalagen".into()),
                review_interval_months: 12,
            },
        )
        .await?;
    let care = store
        .create_asset(
            &t,
            actor,
            &tillit_store::AssetInput {
                name: "Social dokumentation i äldreomsorgen".into(),
                description: Some("Genomförandeplaner och anteckningar om de boendes stöd.".into()),
                owner_membership_id: None,
                personal_data: true,
                special_categories: vec!["health".into()],
                offences: false,
                data_subjects: vec!["care_recipients".into()],
                individuals_approx: Some(300),
                confidentiality_provisions: None,
                confidentiality_strength: None,
                legal_basis: None,
                review_interval_months: 12,
            },
        )
        .await?;
    store
        .create_system(
            &t,
            actor,
            &tillit_store::SystemInput {
                name: "Omsorgsjournalen".into(),
                description: Some(
                    "Journal- och dokumentationssystem som leverantören driftar.".into(),
                ),
                owner_membership_id: None,
                supplier_id: supplier_named(
                    store,
                    &t,
                    actor,
                    "Vårddata Norden AB",
                    &[("country", "SE"), ("data_locations", "SE")],
                )
                .await?,
                hosting: "outsourced".into(),
                country: Some("SE".into()),
                review_interval_months: 12,
                asset_ids: vec![journal.id.to_string(), care.id.to_string()],
            },
        )
        .await?;
    Ok(())
}

/// The first member with a role, as a membership id.
async fn member_with(
    store: &Store,
    t: &tillit_store::Tenant,
    role: Role,
) -> Result<Option<String>, StoreError> {
    Ok(store
        .list_members(
            t,
            &tillit_store::MemberQuery {
                role: Some(role),
                ..Default::default()
            },
            Default::default(),
        )
        .await?
        .items
        .first()
        .map(|m| m.id.to_string()))
}

fn invalid(e: tillit_domain::ValidationErrors) -> StoreError {
    StoreError::Invalid(e)
}

/// The id of the organisation's supplier of that name, added to the register with the given
/// facts when it is not there yet.
async fn supplier_named(
    store: &Store,
    t: &tillit_store::Tenant,
    actor: &Actor,
    name: &str,
    facts: &[(&str, &str)],
) -> Result<Option<String>, StoreError> {
    if let Some((id, _)) = store
        .supplier_names(t)
        .await?
        .into_iter()
        .find(|(_, n)| n == name)
    {
        return Ok(Some(id));
    }
    let mut fields = vec![("name", name)];
    fields.extend_from_slice(facts);
    let d: tillit_domain::supplier::SupplierDraft = draft(&fields)?;
    let input = tillit_domain::supplier::SupplierInput::try_from(&d).map_err(invalid)?;
    Ok(Some(
        store
            .create_supplier(t, actor, &input)
            .await?
            .id
            .to_string(),
    ))
}

/// The region's suppliers: the e-service platform's cloud supplier with a US parent, the
/// municipally owned data centre that keeps the backups, and the record and payroll suppliers.
async fn seed_region_suppliers(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    let (t, _) = store.operator_tenant(&number("232100-9991")?).await?;
    if store
        .list_suppliers(&t, None, Default::default())
        .await?
        .total
        > 0
    {
        return Ok(());
    }
    let suppliers: [&[(&str, &str)]; 4] = [
        &[
            ("name", "Digitala Vårdtjänster AB"),
            ("org_number", "559012-3450"),
            ("country", "SE"),
            ("parent_company", "Global Cloud Inc."),
            ("parent_country", "US"),
            ("jurisdictions", "US"),
            (
                "subprocessors",
                "Global Cloud Ireland Ltd; IE\nGlobal Cloud Inc.; US",
            ),
            ("data_locations", "SE, IE"),
            ("support_locations", "SE, US"),
            ("dpa_signed_on", "2024-09-01"),
            ("confidentiality_undertaking", "yes"),
            ("audit_rights", "yes"),
            ("subprocessor_approval", "no"),
            ("exit_terms", "yes"),
            (
                "certifications",
                "ISO/IEC 27001; 2027-03-31\nSOC 2 Typ II; 2026-12-31",
            ),
            (
                "notes",
                "Plattformen för 1177-ärenden och e-tjänster körs i leverantörens publika moln.",
            ),
        ],
        &[
            ("name", "Norrlands IT-drift AB"),
            ("org_number", "556036-0793"),
            ("country", "SE"),
            ("parent_company", "Kommunerna i Norrfjäll (gemensamt ägt)"),
            ("parent_country", "SE"),
            ("subprocessors", "Kylan Datahall AB; SE"),
            ("data_locations", "SE"),
            ("support_locations", "SE"),
            ("dpa_signed_on", "2023-05-15"),
            ("confidentiality_undertaking", "yes"),
            ("audit_rights", "yes"),
            ("subprocessor_approval", "yes"),
            ("exit_terms", "yes"),
            ("certifications", "ISO/IEC 27001; 2026-10-31"),
            (
                "notes",
                "Kommunägt driftbolag; tar emot regionens krypterade säkerhetskopior.",
            ),
        ],
        &[
            ("name", "Vårdsystem Norr AB"),
            ("country", "SE"),
            ("data_locations", "SE"),
            ("support_locations", "SE"),
            ("dpa_signed_on", "2021-02-01"),
            ("confidentiality_undertaking", "yes"),
            ("audit_rights", "yes"),
            ("subprocessor_approval", "yes"),
            ("exit_terms", "no"),
        ],
        &[
            ("name", "Lönepartner AB"),
            ("country", "SE"),
            ("data_locations", "SE"),
            ("dpa_signed_on", "2022-01-10"),
            ("confidentiality_undertaking", "yes"),
        ],
    ];
    for fields in suppliers {
        let d: tillit_domain::supplier::SupplierDraft = draft(fields)?;
        let input = tillit_domain::supplier::SupplierInput::try_from(&d).map_err(invalid)?;
        store.create_supplier(&t, actor, &input).await?;
    }
    Ok(())
}

/// A scenario from its fields (checked by the same rules as the form).
fn scenario(
    fields: &[(&str, &str)],
    assets: Vec<String>,
) -> Result<tillit_domain::risk::ScenarioInput, StoreError> {
    let mut d: tillit_domain::risk::ScenarioDraft = draft(fields)?;
    d.asset_ids = assets;
    d.aspects = fields
        .iter()
        .filter(|(f, _)| *f == "aspects")
        .map(|(_, v)| v.to_string())
        .collect();
    tillit_domain::risk::parse_scenario(&Default::default(), &d).map_err(invalid)
}

/// A measure from its fields and traces (checked by the same rules as the form).
fn measure(
    fields: &[(&str, &str)],
    scenarios: Vec<String>,
    requirements: Vec<String>,
) -> Result<tillit_domain::measure::MeasureInput, StoreError> {
    let mut d: tillit_domain::measure::MeasureDraft = draft(fields)?;
    d.scenario_ids = scenarios;
    d.requirements = requirements;
    tillit_domain::measure::parse_measure(&d).map_err(invalid)
}

async fn assess(
    store: &Store,
    t: &tillit_store::Tenant,
    actor: &Actor,
    by: &str,
    system: Option<&str>,
    items: &[(&str, &str, &str)],
) -> Result<(), StoreError> {
    for (req, status, comment) in items {
        let x =
            tillit_domain::assessment::parse_assessment(status, comment, "").map_err(invalid)?;
        store.assess(t, actor, by, system, req, &x).await?;
    }
    Ok(())
}

/// The region's self-assessment, risk analysis, measures (one overdue) and access-needs analysis.
async fn seed_region_work(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    let (t, _) = store.operator_tenant(&number("232100-9991")?).await?;
    if store
        .list_risk_analyses(&t, false, Default::default())
        .await?
        .total
        > 0
    {
        return Ok(());
    }
    let systems = store
        .list_systems(&t, None, Default::default())
        .await?
        .items;
    let system = |name: &str| {
        systems
            .iter()
            .find(|s| s.input.name == name)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("demo system {name}")))
    };
    let journal = system("Journalsystemet")?;
    let by = "Johan Berg";
    store
        .set_integrations(
            &t,
            actor,
            &journal.id,
            &[
                system("Labbsystemet")?.id.to_string(),
                system("E-tjänstplattformen")?.id.to_string(),
            ],
        )
        .await?;
    assess(
        store,
        &t,
        actor,
        by,
        Some(journal.id.as_str()),
        &[
            (
                "beh-1",
                "met",
                "Vårdrelation krävs för att öppna journalen.",
            ),
            (
                "beh-2",
                "met",
                "Behovs- och riskanalys beslutad 2026-03-01.",
            ),
            (
                "beh-4",
                "partly_met",
                "SITHS-kort inne på sjukhusen; hemtjänstens surfplattor saknar andra faktor.",
            ),
            ("log-2", "not_met", "Stickprov görs bara vid misstanke."),
            ("kon-1", "met", "Daglig kopia till separat miljö."),
            ("lev-1", "met", "Biträdesavtal tecknat 2024."),
            (
                "lev-2",
                "partly_met",
                "Prövning gjord, men nyckelhantering inte bedömd.",
            ),
        ],
    )
    .await?;
    assess(
        store,
        &t,
        actor,
        by,
        None,
        &[
            ("sty-1", "met", "Policy beslutad av regionstyrelsen 2025."),
            ("inc-2", "met", "Rutin finns och övas årligen."),
            (
                "inc-4",
                "partly_met",
                "Rapporteringskedjan till MCF (tidigare MSB) är inte övad.",
            ),
        ],
    )
    .await?;
    if let Some(a) = store
        .assessment(&t, Some(journal.id.as_str()), "beh-2")
        .await?
    {
        store
            .add_evidence(
                &t,
                actor,
                by,
                &a.id,
                tillit_store::NewEvidence::Link(
                    "https://intranat.norrfjall.example/behovsanalys-journal",
                ),
            )
            .await?;
    }
    let owner = member_with(store, &t, Role::Owner).await?;
    let analysis = store
        .create_risk_analysis(&t, actor, &tillit_store::RiskAnalysisInput {
            title: "Journalsystemet 2026".into(),
            scope: Some("Journalsystemet och informationen i patientjournalen, inklusive leverantörens drift.".into()),
            participants: Some("Johan Berg (samordnare), Erik Sandberg (systemägare), Maria Holm (informationsägare), leverantörens driftchef".into()),
            analysed_on: "2026-10-14".into(),
            review_interval_months: 12,
            system_ids: vec![journal.id.to_string()],
        })
        .await?;
    let journal_asset = journal.input.asset_ids.clone();
    let mut ids = Vec::new();
    for (fields, decision) in [
        (vec![("title", "Utpressningsprogram krypterar journalen"), ("threat_key", "ransomware"), ("vulnerability", "Flat nätverk mellan klienter och servrar"),
              ("aspects", "availability"), ("aspects", "integrity"), ("inherent_likelihood", "3"), ("inherent_consequence", "4"), ("treatment", "reduce"),
              ("residual_likelihood", "2"), ("residual_consequence", "3"), ("existing_measures", "Daglig säkerhetskopia")], false),
        (vec![("title", "Journalsnokning bland egen personal"), ("threat_key", "unauthorised_internal_access"), ("vulnerability", "Loggar följs inte upp systematiskt"),
              ("aspects", "confidentiality"), ("inherent_likelihood", "3"), ("inherent_consequence", "3"), ("treatment", "reduce"),
              ("residual_likelihood", "2"), ("residual_consequence", "3")], false),
        (vec![("title", "Längre avbrott hos driftleverantören"), ("threat_key", "supplier_outage"), ("aspects", "availability"),
              ("inherent_likelihood", "2"), ("inherent_consequence", "4"), ("treatment", "transfer"), ("residual_likelihood", "2"), ("residual_consequence", "3")], false),
        (vec![("title", "Reservrutiner saknas på vårdcentralerna"), ("threat_key", "power_or_network_failure"), ("aspects", "availability"),
              ("inherent_likelihood", "3"), ("inherent_consequence", "3"), ("treatment", "accept"), ("accepted_on", "2026-10-20"),
              ("acceptance_note", "Accepteras till nytt journalsystem 2027; vårdcentralerna har pappersrutin för akuta fall.")], true),
        // Proposed by the coordinator, waiting on Maria Holm's decision (her overview lists it).
        (vec![("title", "Journalkopior blir liggande i skrivare"), ("threat_key", "unauthorised_internal_access"),
              ("vulnerability", "Utskrifter hämtas inte direkt; skrivarna står i korridorer"), ("aspects", "confidentiality"),
              ("inherent_likelihood", "3"), ("inherent_consequence", "3"), ("treatment", "accept"), ("accepted_on", "2026-11-25"),
              ("acceptance_note", "Föreslås accepteras till våren 2027, då utskrift med kort (follow-me) införs i hela regionen.")], true),
    ] {
        let mut fields = fields;
        let owner_id = owner.clone().unwrap_or_default();
        if decision {
            fields.push(("accepted_by", owner_id.as_str()));
        }
        let requested = fields.iter().any(|(k, v)| *k == "title" && v.starts_with("Journalkopior"));
        let x = scenario(&fields, journal_asset.clone())?;
        let name = decision.then_some("Maria Holm");
        // Maria Holm, the information owner, signed her earlier decision; the latest waits on her.
        let signature = if requested { Signature::Requested } else { Signature::Now };
        ids.push(
            store
                .save_scenario(
                    &t,
                    actor,
                    &analysis.id,
                    None,
                    &x,
                    tillit_store::AcceptanceRecord {
                        decider_name: name,
                        signature,
                        requester: by,
                    },
                )
                .await?
                .id
                .into_string(),
        );
    }
    let sysowner = member_with(store, &t, Role::SystemOwner)
        .await?
        .unwrap_or_default();
    let coord = member_with(store, &t, Role::Coordinator)
        .await?
        .unwrap_or_default();
    let jid = journal.id.clone();
    for (fields, scen, reqs) in [
        (vec![("title", "Tvåfaktorsinloggning på hemtjänstens surfplattor"), ("owner_membership_id", sysowner.as_str()), ("due_on", "2027-02-28"), ("status", "in_progress"), ("cost_sek", "240000")],
         vec![ids[0].clone()], vec![format!("{jid}/beh-4")]),
        (vec![("title", "Månatliga stickprov i journalloggarna"), ("owner_membership_id", coord.as_str()), ("due_on", "2026-09-30"), ("status", "planned")],
         vec![ids[1].clone()], vec![format!("{jid}/log-2")]),
        (vec![("title", "Återläsningstest av journalen"), ("owner_membership_id", sysowner.as_str()), ("due_on", "2026-06-30"), ("status", "verified"),
              ("verification", "Full återläsning till testmiljö 2026-06-12 tog 5 timmar; godkänt mot kravet på 8 timmar.")],
         vec![ids[0].clone()], vec![]),
        (vec![("title", "Avtal om reservdrift med andra leverantör"), ("owner_membership_id", sysowner.as_str()), ("due_on", "2026-11-30"), ("status", "done")],
         vec![ids[2].clone()], vec![]),
    ] {
        let x = measure(&fields, scen, reqs)?;
        store.save_measure(&t, actor, by, None, &x).await?;
    }
    let group = |name: &str, information_needed: &str, reason: &str, access_rule: &str| {
        tillit_domain::access::UserGroupDraft {
            name: name.into(),
            information_needed: information_needed.into(),
            reason: reason.into(),
            access_rule: access_rule.into(),
        }
    };
    let approval = tillit_domain::access::parse_access_analysis(&tillit_domain::access::AccessAnalysisDraft {
        groups: vec![
            group("Läkare", "Hela journalen för patienter med vårdrelation", "Diagnos och behandling", "Vårdrelation"),
            group("Sjuksköterskor", "Omvårdnad, läkemedel och provsvar för patienter på enheten", "Omvårdnad och läkemedelshantering", "Egen enhet"),
            group("Medicinska sekreterare", "Diktat och administrativa uppgifter för enhetens patienter", "Journalföring och remisshantering", "Egen enhet, ej läkemedel"),
        ],
        risks_wider: "Bred åtkomst ger risk för journalsnokning och intrång i skyddade personers uppgifter.".into(),
        risks_narrower: "För snäv åtkomst kan fördröja akut vård; nödåtkomst med efterkontroll behövs.".into(),
        access_rules: "Åtkomst till patienter med vårdrelation på egen enhet; nödåtkomst loggas och granskas inom en vecka; skyddade personuppgifter spärras.".into(),
        approved_by: owner.clone().unwrap_or_default(),
        approved_on: "2026-03-01".into(),
        next_review_on: String::new(),
    })
    .map_err(invalid)?;
    store
        .save_access_analysis(
            &t,
            actor,
            &journal.id,
            &approval,
            tillit_store::AcceptanceRecord {
                decider_name: Some("Maria Holm"),
                signature: Signature::Now,
                requester: "",
            },
        )
        .await?;
    Ok(())
}

/// Åsby kommun: a thinner, gappier picture — one asset unclassified, a cloud system abroad with no
/// access-needs analysis, an untreated risk above tolerance, an overdue measure, an unmet
/// requirement with no measure.
async fn seed_municipality(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    use tillit_domain::classification::{ConsequenceLevel, Levels};
    let (t, _) = store.operator_tenant(&number("212000-9994")?).await?;
    if store
        .list_assets(&t, &Default::default(), Default::default())
        .await?
        .total
        > 0
    {
        return Ok(());
    }
    let mk = |name: &str, desc: &str, special: &[&str], subjects: &[&str], provision: &str| {
        tillit_store::AssetInput {
            name: name.into(),
            description: Some(desc.into()),
            owner_membership_id: None,
            personal_data: true,
            special_categories: special.iter().map(|s| s.to_string()).collect(),
            offences: false,
            data_subjects: subjects.iter().map(|s| s.to_string()).collect(),
            individuals_approx: None,
            confidentiality_provisions: Some(provision.into()),
            confidentiality_strength: None,
            legal_basis: None,
            review_interval_months: 12,
        }
    };
    let plans = store
        .create_asset(
            &t,
            actor,
            &mk(
                "Genomförandeplaner i hemtjänsten",
                "Planer och anteckningar om brukarnas stöd.",
                &["health"],
                &["care_recipients"],
                "26 kap. 1 § OSL",
            ),
        )
        .await?;
    let school = store
        .create_asset(
            &t,
            actor,
            &mk(
                "Elevhälsans journaler",
                "Skolsköterskans och skolläkarens journaler.",
                &["health"],
                &["children", "patients"],
                // The medical part of a municipal school's elevhälsa: 23 kap. 2 § OSL.
                "23 kap. 2 § OSL",
            ),
        )
        .await?;
    let lv =
        |n| ConsequenceLevel::from_number(n).ok_or_else(|| StoreError::Corrupt("level".into()));
    store
        .classify_asset(
            &t,
            actor,
            &school.id,
            &Levels {
                confidentiality: lv(3)?,
                integrity: lv(2)?,
                availability: lv(2)?,
                traceability: lv(3)?,
            },
            "Hälsouppgifter om barn; röjande kan skada allvarligt.",
        )
        .await?;
    let social = store
        .create_system(
            &t,
            actor,
            &tillit_store::SystemInput {
                name: "Verksamhetssystem för socialtjänsten".into(),
                description: None,
                owner_membership_id: None,
                supplier_id: supplier_named(
                    store,
                    &t,
                    actor,
                    "Omsorgsdata AB",
                    &[("country", "SE")],
                )
                .await?,
                hosting: "outsourced".into(),
                country: Some("SE".into()),
                review_interval_months: 12,
                asset_ids: vec![plans.id.to_string()],
            },
        )
        .await?;
    let elev = store
        .create_system(
            &t,
            actor,
            &tillit_store::SystemInput {
                name: "Elevhälsans journalsystem".into(),
                description: Some("Molntjänst med support från USA.".into()),
                owner_membership_id: None,
                supplier_id: supplier_named(
                    store,
                    &t,
                    actor,
                    "SchoolHealth Cloud Inc.",
                    &[
                        ("country", "US"),
                        ("data_locations", "IE"),
                        ("support_locations", "US"),
                    ],
                )
                .await?,
                hosting: "public_cloud".into(),
                country: Some("IE".into()),
                review_interval_months: 12,
                asset_ids: vec![school.id.to_string()],
            },
        )
        .await?;
    assess(
        store,
        &t,
        actor,
        "Peter Ek",
        Some(elev.id.as_str()),
        &[
            ("beh-2", "not_met", "Ingen behovs- och riskanalys är gjord."),
            ("lev-6", "not_met", "Överföringsmekanism inte utredd."),
            ("log-2", "partly_met", "Stickprov görs, men utan plan."),
        ],
    )
    .await?;
    assess(
        store,
        &t,
        actor,
        "Peter Ek",
        None,
        &[
            ("sty-1", "met", "Policy antagen av kommunfullmäktige 2025."),
            ("sty-2", "partly_met", "Förteckningen saknar elevhälsan."),
            ("inc-2", "met", "Rutin för anmälan till IMY finns."),
            (
                "inc-4",
                "not_met",
                "Rutin för rapportering enligt cybersäkerhetslagen saknas.",
            ),
        ],
    )
    .await?;
    let _ = social;
    let analysis = store
        .create_risk_analysis(
            &t,
            actor,
            &tillit_store::RiskAnalysisInput {
                title: "Elevhälsans molntjänst".into(),
                scope: Some("Elevhälsans journalsystem hos molnleverantör".into()),
                participants: Some("Peter Ek (samordnare)".into()),
                analysed_on: "2025-09-01".into(),
                review_interval_months: 12,
                system_ids: vec![elev.id.to_string()],
            },
        )
        .await?;
    let s = store
        .save_scenario(
            &t,
            actor,
            &analysis.id,
            None,
            &scenario(
                &[
                    ("title", "Utlämnande till utländsk myndighet"),
                    ("threat_key", "foreign_law_disclosure"),
                    ("aspects", "confidentiality"),
                    ("inherent_likelihood", "3"),
                    ("inherent_consequence", "3"),
                ],
                vec![school.id.to_string()],
            )?,
            tillit_store::AcceptanceRecord {
                decider_name: None,
                signature: Signature::Unchanged,
                requester: "",
            },
        )
        .await?;
    store
        .save_measure(
            &t,
            actor,
            "Peter Ek",
            None,
            &measure(
                &[
                    ("title", "Utred kryptering med egen nyckel"),
                    ("due_on", "2026-06-30"),
                    ("status", "planned"),
                ],
                vec![s.id.into()],
                vec![],
            )?,
        )
        .await?;
    Ok(())
}

/// What `tillit demo` prints: where to go and how to sign in. `{url}` is replaced by the address.
pub fn banner() -> String {
    let mut s = String::from(
        "\nTillit demo is running at {url}\nSign in with any of these (password for all: ",
    );
    s.push_str(DEMO_PASSWORD);
    s.push_str(")\n\n");
    for (email, name, org, role) in USERS {
        let org_name = ORGS
            .iter()
            .find(|o| o.number == *org)
            .map(|o| o.name)
            .unwrap_or("");
        s.push_str(&format!(
            "  {email:<38} {name:<18} {:<17} {org_name}\n",
            role.key()
        ));
    }
    s
}

/// A draft from (field, value) pairs, read as a form would be (lists are set by the caller).
fn draft<T: serde::de::DeserializeOwned>(fields: &[(&str, &str)]) -> Result<T, StoreError> {
    let map: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .filter(|(f, _)| *f != "aspects")
        .map(|(f, v)| (f.to_string(), serde_json::Value::String(v.to_string())))
        .collect();
    serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|e| StoreError::Corrupt(format!("demo draft: {e}")))
}

/// Ninety days of key figures before today for every care provider of the demo, so that the
/// follow-up's trend reads like an organisation at work: a week further back, one gap more and
/// compliance two points lower (per area too); a risk above tolerance until six weeks ago and a
/// measure overdue for five weeks on the way. Written once; a later run keeps the history.
pub async fn seed_history(app: &tillit_app::App, store: &Store) -> Result<(), String> {
    let today = tillit_app::today_date();
    let since = (today - chrono::Days::new(90)).to_string();
    for t in store.provider_tenants().await.map_err(|e| e.to_string())? {
        if store
            .snapshots(&t, &since)
            .await
            .map_err(|e| e.to_string())?
            .len()
            > 1
        {
            continue;
        }
        let now = tillit_app::followup::figures_today(app, &t)
            .await
            .map_err(|e| e.to_string())?;
        for back in 1..=90u64 {
            let day = (today - chrono::Days::new(back)).to_string();
            store
                .save_snapshot(&t, &day, &figures_before(&now, back))
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The demo's key figures `back` days before `now`'s.
fn figures_before(now: &tillit_store::KeyFigures, back: u64) -> tillit_store::KeyFigures {
    let weeks = i64::try_from(back / 7).unwrap_or(0);
    let lower = |p: i64| (p - 2 * weeks).max(0);
    let mut f = now.clone();
    f.gaps = now.gaps + weeks;
    f.compliance_percent = now.compliance_percent.map(lower);
    f.scenarios_above_tolerance = now.scenarios_above_tolerance + i64::from(weeks >= 6);
    f.overdue_measures = now.overdue_measures + i64::from((3..8).contains(&weeks));
    for v in f.areas.values_mut() {
        *v = lower(*v);
    }
    f
}

#[cfg(test)]
mod history_tests {
    use super::figures_before;

    #[test]
    fn the_history_is_worse_the_further_back_and_never_below_zero() {
        let mut now = tillit_store::KeyFigures {
            gaps: 6,
            compliance_percent: Some(75),
            overdue_measures: 1,
            ..Default::default()
        };
        now.areas.insert("beh".into(), 3);
        assert_eq!(figures_before(&now, 6), now, "the same week");
        let two = figures_before(&now, 14);
        assert_eq!((two.gaps, two.compliance_percent), (8, Some(71)));
        assert_eq!(two.areas["beh"], 0, "not below zero");
        let far = figures_before(&now, 90);
        assert_eq!(far.gaps, 18);
        assert_eq!(far.scenarios_above_tolerance, 1);
        assert_eq!(
            far.overdue_measures, 1,
            "the overdue measure was done by then"
        );
        assert_eq!(figures_before(&now, 30).overdue_measures, 2);
    }
}
