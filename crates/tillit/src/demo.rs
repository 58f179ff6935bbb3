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
