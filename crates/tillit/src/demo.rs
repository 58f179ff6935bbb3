//! Demo data: a region, two municipalities, a private care provider, and IMY and IVO as
//! authorities, with a user for every role. Fictional people and organisation numbers (valid in
//! form and check digit). Seeding is idempotent: what exists is kept.

use tillit_domain::org::{OrgKind, OrgNumber};
use tillit_domain::role::Role;
use tillit_domain::user::Email;
use tillit_domain::Rule;
use tillit_store::{Actor, Store, StoreError};
use tillit_web::security::PasswordHashing;

/// The password of every demo user. Demo data only: never use for real accounts.
pub const DEMO_PASSWORD: &str = "tillit-demo-2026";

pub struct DemoOrg {
    pub name: &'static str,
    pub number: &'static str,
    pub kind: OrgKind,
}

pub const ORGS: &[DemoOrg] = &[
    DemoOrg {
        name: "Region Norrfjäll",
        number: "232100-9991",
        kind: OrgKind::Region,
    },
    DemoOrg {
        name: "Åsby kommun",
        number: "212000-9994",
        kind: OrgKind::Municipality,
    },
    DemoOrg {
        name: "Östervik kommun",
        number: "212000-9986",
        kind: OrgKind::Municipality,
    },
    DemoOrg {
        name: "Omsorgshuset Linden AB",
        number: "556999-1234",
        kind: OrgKind::PrivateProvider,
    },
    DemoOrg {
        name: "Integritetsskyddsmyndigheten (demo)",
        number: "202100-9994",
        kind: OrgKind::Authority,
    },
    DemoOrg {
        name: "Inspektionen för vård och omsorg (demo)",
        number: "202100-9986",
        kind: OrgKind::Authority,
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
        .map(|m| m.id.clone());
    for (name, description, special, subjects, individuals, provision, classification) in
        REGION_ASSETS
    {
        let input = tillit_store::AssetInput {
            name: name.to_string(),
            description: Some(description.to_string()),
            owner_membership_id: owner.clone(),
            personal_data: true,
            special_categories: special.iter().map(|s| s.to_string()).collect(),
            data_subjects: subjects.iter().map(|s| s.to_string()).collect(),
            individuals_approx: *individuals,
            confidentiality_provisions: provision.map(str::to_string),
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
            .map(|a| a.id.clone())
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
        .map(|m| m.id.clone());
    for (name, supplier, hosting, linked) in [
        (
            "Journalsystemet",
            "Vårdsystem Norr AB",
            "outsourced",
            ids(&["Patientjournal", "Laboratoriesvar"]),
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
            supplier: Some(supplier.into()),
            hosting: hosting.into(),
            country: Some("Sverige".into()),
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
                .create_organisation(&actor, o.name, &n, o.kind)
                .await?;
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
            Err(StoreError::Invalid(v)) if v.0.iter().all(|e| e.rule == Rule::AlreadyExists) => {}
            Err(e) => return Err(e),
        }
    }
    seed_region_assets(store, &actor).await
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
