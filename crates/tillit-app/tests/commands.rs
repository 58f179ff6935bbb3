//! The application layer's commands and queries called directly, without HTTP: authorisation,
//! tenancy, validation, audit, and the import's unit of work. They run against a real database:
//! SQLite in a temporary directory, or PostgreSQL when `TILLIT_TEST_POSTGRES_URL` names a server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tillit_app::auth::{self, SignIn};
use tillit_app::security::PasswordHashing;
use tillit_app::tabular::{self, Table};
use tillit_app::transfer::{self, Import, Register, RowAction};
use tillit_app::{Acting, App, AppConfig, Error};
use tillit_domain::asset::AssetDraft;
use tillit_domain::org::{luhn_check_digit, OrgKind, OrgNumber};
use tillit_domain::role::Role;
use tillit_domain::user::Email;
use tillit_domain::Rule;
use tillit_store::{Actor, Backend, Store, Tenant};

const PASSWORD: &str = "korrekt häst batteri";

struct World {
    app: App,
    url: String,
    store: Store,
    hashing: PasswordHashing,
    dir: std::path::PathBuf,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("TILLIT_TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let name = format!("c_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let (base, _) = admin.rsplit_once('/').unwrap();
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join("tillit.db").display()),
    }
}

impl World {
    async fn new() -> World {
        let dir =
            std::env::temp_dir().join(format!("tillit-app-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = database_url(&dir).await;
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let config = AppConfig {
            argon2_memory_kib: 1024,
            argon2_iterations: 1,
            ..AppConfig::default()
        };
        let hashing = PasswordHashing::new(1024, 1).unwrap();
        let app = App::new(store.clone(), config).unwrap();
        World {
            app,
            url,
            store,
            hashing,
            dir,
        }
    }

    async fn org(&self, name: &str) -> Tenant {
        self.org_on(name, OrgKind::Region, tillit_app::library::LATEST)
            .await
    }

    /// An organisation of a kind, working against a catalog version.
    async fn org_on(&self, name: &str, kind: OrgKind, version: &str) -> Tenant {
        let n: u32 = uuid::Uuid::new_v4().as_u128() as u32 % 1_000_000;
        let first9 = format!("556{n:06}");
        let digits: Vec<u32> = first9.chars().filter_map(|c| c.to_digit(10)).collect();
        let number = format!(
            "{}-{}{}",
            &first9[..6],
            &first9[6..],
            luhn_check_digit(&digits)
        );
        let n = OrgNumber::parse("org_number", &number).unwrap();
        self.store
            .create_organisation(&Actor::operator(), name, &n, kind, version)
            .await
            .unwrap();
        self.store.operator_tenant(&n).await.unwrap().0
    }

    /// A person with a role in the organisation, signed in the way the web layer does it.
    async fn person(&self, t: &Tenant, email: &str, role: Role) -> Acting {
        let hash = self.hashing.hash(PASSWORD.to_string()).await.unwrap();
        let e = Email::parse("email", email).unwrap();
        let u = self
            .store
            .create_user(&Actor::operator(), &e, email, &hash, false)
            .await
            .unwrap();
        self.store
            .add_member(t, &Actor::operator(), &u.id, role)
            .await
            .unwrap();
        auth_again(self, email).await
    }
}

fn asset(name: &str) -> AssetDraft {
    AssetDraft {
        name: name.into(),
        personal_data: "no".into(),
        review_interval_months: "12".into(),
        ..AssetDraft::default()
    }
}

fn fields(e: &Error) -> Vec<(String, Rule)> {
    match e {
        Error::Invalid(v) => {
            v.0.iter()
                .map(|e| (e.field.clone(), e.rule.clone()))
                .collect()
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn a_reader_may_read_the_register_but_not_change_it() {
    let w = World::new().await;
    let t = w.org("Region A").await;
    let coordinator = w.person(&t, "c@a.example", Role::Coordinator).await;
    let reader = w.person(&t, "r@a.example", Role::Reader).await;
    let a = tillit_app::assets::create_asset(&w.app, &coordinator, &asset("Journal"))
        .await
        .unwrap();
    let err = tillit_app::assets::create_asset(&w.app, &reader, &asset("Other"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let err = tillit_app::assets::update_asset(&w.app, &reader, &a.id, &asset("Renamed"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden), "{err:?}");
    let seen = tillit_app::assets::asset(&w.app, &reader, &a.id)
        .await
        .unwrap();
    assert_eq!(seen.input.name, "Journal");
}

#[tokio::test]
async fn one_organisation_never_sees_or_changes_anothers_asset() {
    let w = World::new().await;
    let (ta, tb) = (w.org("Region A").await, w.org("Region B").await);
    let a = w.person(&ta, "c@a.example", Role::Coordinator).await;
    let b = w.person(&tb, "c@b.example", Role::Coordinator).await;
    let mine = tillit_app::assets::create_asset(&w.app, &a, &asset("Journal"))
        .await
        .unwrap();
    let err = tillit_app::assets::asset(&w.app, &b, &mine.id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound), "{err:?}");
    let err = tillit_app::assets::update_asset(&w.app, &b, &mine.id, &asset("Taken"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound), "{err:?}");
    let listed = tillit_app::assets::all_assets(&w.app, &b).await.unwrap();
    assert!(listed.is_empty());
    let still = tillit_app::assets::asset(&w.app, &a, &mine.id)
        .await
        .unwrap();
    assert_eq!(still.input.name, "Journal");
}

#[tokio::test]
async fn a_draft_with_errors_names_each_field_and_stores_nothing() {
    let w = World::new().await;
    let t = w.org("Region A").await;
    let c = w.person(&t, "c@a.example", Role::Coordinator).await;
    let draft = AssetDraft {
        name: "  ".into(),
        personal_data: "perhaps".into(),
        review_interval_months: "twelve".into(),
        ..AssetDraft::default()
    };
    let err = tillit_app::assets::create_asset(&w.app, &c, &draft)
        .await
        .unwrap_err();
    let f = fields(&err);
    assert!(f.contains(&("name".into(), Rule::Required)), "{f:?}");
    assert!(f.iter().any(|(k, _)| k == "personal_data"), "{f:?}");
    assert!(
        f.iter().any(|(k, _)| k == "review_interval_months"),
        "{f:?}"
    );
    assert!(tillit_app::assets::all_assets(&w.app, &c)
        .await
        .unwrap()
        .is_empty());
    // A name already in the register is the store's finding, reported on the same field.
    tillit_app::assets::create_asset(&w.app, &c, &asset("Journal"))
        .await
        .unwrap();
    let err = tillit_app::assets::create_asset(&w.app, &c, &asset("Journal"))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec![("name".into(), Rule::AlreadyExists)]);
}

#[tokio::test]
async fn every_change_is_audited_with_who_and_what() {
    let w = World::new().await;
    let t = w.org("Region A").await;
    let c = w.person(&t, "c@a.example", Role::Coordinator).await;
    let a = tillit_app::assets::create_asset(&w.app, &c, &asset("Journal"))
        .await
        .unwrap();
    tillit_app::assets::update_asset(&w.app, &c, &a.id, &asset("Patientjournal"))
        .await
        .unwrap();
    let admin = w.person(&t, "admin@a.example", Role::Admin).await;
    let err = tillit_app::audit::latest_events(&w.app, &c, 10)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Forbidden),
        "only an administrator reads the audit trail"
    );
    let events = tillit_app::audit::latest_events(&w.app, &admin, 10)
        .await
        .unwrap();
    let of_asset: Vec<_> = events.iter().filter(|e| e.object_id == a.id).collect();
    assert_eq!(of_asset.len(), 2, "{events:?}");
    assert_eq!(of_asset[0].action, "asset.update");
    assert_eq!(of_asset[0].actor_label, "c@a.example");
    assert_eq!(
        of_asset[0].after.as_ref().unwrap()["name"],
        "Patientjournal"
    );
    assert_eq!(of_asset[0].before.as_ref().unwrap()["name"], "Journal");
    assert_eq!(of_asset[1].action, "asset.create");
}

fn asset_table(n: usize) -> Table {
    let headers = Register::Assets
        .columns()
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>();
    let rows = (1..=n)
        .map(|i| {
            headers
                .iter()
                .map(|h| match h.as_str() {
                    "name" => format!("Informationsmängd {i:05}"),
                    "personal_data" => "ja".into(),
                    "data_subjects" => "patients".into(),
                    "review_interval_months" => "12".into(),
                    "confidentiality" | "integrity" => "3".into(),
                    "availability" | "traceability" => "2".into(),
                    "classification_motivation" => "Uppgifter om hälsa".into(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    Table { headers, rows }
}

/// Makes the database refuse the insert of the asset with this name, as a full disk or a lost
/// connection would at that row.
async fn fail_on_insert_of(w: &World, name: &str) {
    fail_on_insert_into(w, "information_assets", "name", name).await;
}

/// A trigger that refuses to insert a row whose `column` is `value`: a failure in the middle of a
/// unit of work, as a lost connection or a full disk would cause.
async fn fail_on_insert_into(w: &World, table: &str, column: &str, value: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&w.url).await.unwrap();
    let statements = match w.store.backend() {
        Backend::Sqlite => vec![format!(
            "CREATE TRIGGER refuse_row BEFORE INSERT ON {table} WHEN NEW.{column} = '{value}' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )],
        Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION refuse_row() RETURNS trigger AS $$ BEGIN \
                 IF NEW.{column} = '{value}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ \
                 LANGUAGE plpgsql"
            ),
            format!(
                "CREATE TRIGGER refuse_row BEFORE INSERT ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION refuse_row()"
            ),
        ],
    };
    for s in statements {
        sqlx::query(&s).execute(&mut conn).await.unwrap();
    }
}

#[tokio::test]
async fn an_import_of_5000_rows_is_one_unit_of_work() {
    let w = World::new().await;
    let t = w.org("Region A").await;
    let c = w.person(&t, "c@a.example", Role::Coordinator).await;
    let xlsx = tabular::write_xlsx(&asset_table(5000), "assets").unwrap();

    let dry = transfer::import(
        &w.app,
        &c,
        Register::Assets,
        "a.xlsx",
        &xlsx,
        true,
        &Default::default(),
    )
    .await
    .unwrap();
    let Import::Rows { rows, saved } = dry else {
        panic!("file refused")
    };
    assert!(!saved);
    assert_eq!(rows.len(), 5000);
    assert!(rows
        .iter()
        .all(|r| r.action == RowAction::Create && r.errors.is_empty()));
    assert!(tillit_app::assets::all_assets(&w.app, &c)
        .await
        .unwrap()
        .is_empty());

    let Import::Rows { saved, .. } = transfer::import(
        &w.app,
        &c,
        Register::Assets,
        "a.xlsx",
        &xlsx,
        false,
        &Default::default(),
    )
    .await
    .unwrap() else {
        panic!("file refused")
    };
    assert!(saved);
    let stored = tillit_app::assets::all_assets(&w.app, &c).await.unwrap();
    assert_eq!(stored.len(), 5000);
    assert!(stored.iter().all(|a| a.levels.is_some()));
}

#[tokio::test]
async fn a_failure_in_row_4999_leaves_nothing_stored() {
    let w = World::new().await;
    let t = w.org("Region A").await;
    let c = w.person(&t, "c@a.example", Role::Coordinator).await;
    let admin = w.person(&t, "admin@a.example", Role::Admin).await;
    fail_on_insert_of(&w, "Informationsmängd 04999").await;
    let events_before = tillit_app::audit::latest_events(&w.app, &admin, 1000)
        .await
        .unwrap()
        .len();
    let xlsx = tabular::write_xlsx(&asset_table(5000), "assets").unwrap();
    let result = transfer::import(
        &w.app,
        &c,
        Register::Assets,
        "a.xlsx",
        &xlsx,
        false,
        &Default::default(),
    )
    .await;
    assert!(
        matches!(result, Err(Error::Internal(_))),
        "the database refused row 4999"
    );
    assert!(tillit_app::assets::all_assets(&w.app, &c)
        .await
        .unwrap()
        .is_empty());
    let events_after = tillit_app::audit::latest_events(&w.app, &admin, 1000)
        .await
        .unwrap()
        .len();
    assert_eq!(
        events_before, events_after,
        "no audit event of a row survives"
    );
}

/// Sets an organisation's facts through the administrator's command.
async fn set_facts(w: &World, admin: &Acting, fields: &[(&str, &str)]) {
    let d: tillit_domain::org::OrgFactsDraft = serde_json::from_value(serde_json::Value::Object(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect(),
    ))
    .unwrap();
    tillit_app::members::set_organisation_facts(&w.app, admin, &d)
        .await
        .unwrap();
}

/// A system run by a supplier that processes one asset about the given data subjects.
async fn system_with(w: &World, who: &Acting, subject: &str) -> tillit_domain::ids::SystemId {
    let a = tillit_app::assets::create_asset(
        &w.app,
        who,
        &AssetDraft {
            name: format!("Uppgifter om {subject} {}", uuid::Uuid::new_v4().simple()),
            personal_data: "yes".into(),
            data_subjects: vec![subject.into()],
            ..AssetDraft::default()
        },
    )
    .await
    .unwrap();
    let s = tillit_app::systems::create_system(
        &w.app,
        who,
        &tillit_domain::system::SystemDraft {
            name: format!("System för {subject} {}", uuid::Uuid::new_v4().simple()),
            hosting: "outsourced".into(),
            country: "SE".into(),
            asset_ids: vec![a.id.to_string()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    s.id
}

/// The requirement ids that apply to a scope of the acting organisation.
async fn applicable(
    w: &World,
    who: &Acting,
    system: Option<&tillit_domain::ids::SystemId>,
) -> std::collections::BTreeSet<String> {
    let (facts, lib) = tillit_app::assessments::org_context(&w.app, who)
        .await
        .unwrap();
    let triggers = match system {
        Some(id) => tillit_app::assessments::system_triggers(
            &tillit_app::systems::system(&w.app, who, id).await.unwrap(),
            &facts,
        ),
        None => tillit_app::assessments::organisation_triggers(&facts),
    };
    lib.applicable(&triggers)
        .into_iter()
        .map(|a| a.requirement.id.clone())
        .collect()
}

fn set(ids: &[&str]) -> std::collections::BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// The baseline of version 2, in the order of its profile.
const BASELINE: &[&str] = &[
    "sty-1", "sty-2", "sty-3", "sty-4", "sty-8", "sty-10", "sty-12", "inc-1", "inc-2", "inc-3",
];
const CYBER: &[&str] = &["lev-4", "inc-4", "inc-5", "inc-8", "cyb-1", "cyb-2"];
const DPO: &[&str] = &["sty-14", "sty-15"];

#[tokio::test]
async fn who_each_rule_binds_follows_the_organisation_facts() {
    let w = World::new().await;
    // A region: public health care, covered by the Cybersecurity Act, a DPO is mandatory.
    let region = w.org_on("Region", OrgKind::Region, "2").await;
    let r = w.person(&region, "admin@region.example", Role::Admin).await;
    let mut expected = set(BASELINE);
    expected.extend(set(&["sty-13", "inc-6"]));
    expected.extend(set(CYBER));
    expected.extend(set(DPO));
    assert_eq!(applicable(&w, &r, None).await, expected);
    let rs = system_with(&w, &r, "patients").await;
    let sys = applicable(&w, &r, Some(&rs)).await;
    for id in [
        "sek-1", "sek-3", "lev-2", "lev-3", "beh-2", "log-2", "sty-5", "sty-9",
    ] {
        assert!(sys.contains(id), "region system lacks {id}");
    }
    assert!(!sys.contains("sek-4") && !sys.contains("lev-7"));

    // A medium-sized private provider of health and social care: PSL instead of OSL, its own
    // confidentiality for social care, NIS2 duties by size, a DPO by scale.
    let private = w.org_on("Linden", OrgKind::PrivateProvider, "2").await;
    let p = w
        .person(&private, "admin@linden.example", Role::Admin)
        .await;
    set_facts(
        &w,
        &p,
        &[
            ("legal_form", "private"),
            ("care", "both"),
            ("employees", "240"),
        ],
    )
    .await;
    let mut expected = set(BASELINE);
    expected.extend(set(&["sty-13", "inc-6", "inc-7"]));
    expected.extend(set(CYBER));
    expected.extend(set(DPO));
    assert_eq!(applicable(&w, &p, None).await, expected);
    let ps = system_with(&w, &p, "patients").await;
    let sys = applicable(&w, &p, Some(&ps)).await;
    assert!(sys.contains("sek-4") && sys.contains("lev-7") && sys.contains("beh-2"));
    for id in ["sek-1", "sek-2", "sek-3", "lev-2", "lev-3"] {
        assert!(
            !sys.contains(id),
            "OSL requirement {id} binds a private provider"
        );
    }
    let cs = system_with(&w, &p, "care_recipients").await;
    let sys = applicable(&w, &p, Some(&cs)).await;
    assert!(sys.contains("sek-5") && sys.contains("log-9") && !sys.contains("sek-2"));

    // The same company with 20 staff: not covered, no mandatory DPO by the rule.
    set_facts(
        &w,
        &p,
        &[
            ("legal_form", "private"),
            ("care", "both"),
            ("employees", "20"),
        ],
    )
    .await;
    let mut expected = set(BASELINE);
    expected.extend(set(&["sty-13", "inc-6", "inc-7"]));
    assert_eq!(applicable(&w, &p, None).await, expected);

    // A large private home-care company: social care only is not covered on that ground.
    set_facts(
        &w,
        &p,
        &[
            ("legal_form", "private"),
            ("care", "social"),
            ("employees", "900"),
        ],
    )
    .await;
    let mut expected = set(BASELINE);
    expected.extend(set(&["sty-13", "inc-7"]));
    expected.extend(set(DPO));
    assert_eq!(applicable(&w, &p, None).await, expected);
    // ... unless it says otherwise.
    set_facts(
        &w,
        &p,
        &[
            ("legal_form", "private"),
            ("care", "social"),
            ("employees", "900"),
            ("cybersecurity_override", "yes"),
        ],
    )
    .await;
    assert!(applicable(&w, &p, None).await.contains("cyb-1"));
}

#[tokio::test]
async fn only_the_administrator_keeps_the_facts_and_bad_ones_name_their_field() {
    let w = World::new().await;
    let t = w.org("Region").await;
    let admin = w.person(&t, "admin@r.example", Role::Admin).await;
    let coordinator = w
        .person(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    let d = tillit_domain::org::OrgFactsDraft {
        legal_form: "region".into(),
        care: "health".into(),
        ..Default::default()
    };
    let e = tillit_app::members::set_organisation_facts(&w.app, &coordinator, &d)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden), "{e:?}");
    let bad = tillit_domain::org::OrgFactsDraft {
        legal_form: "stiftelse".into(),
        care: "health".into(),
        employees: "många".into(),
        ..Default::default()
    };
    let e = tillit_app::members::set_organisation_facts(&w.app, &admin, &bad)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&e),
        vec![
            ("legal_form".to_string(), Rule::UnknownValue),
            ("employees".to_string(), Rule::InvalidFormat)
        ]
    );
    let o = tillit_app::members::set_organisation_facts(&w.app, &admin, &d)
        .await
        .unwrap();
    assert!(o.facts.public_authority());
    let events = tillit_app::audit::latest_events(&w.app, &admin, 10)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.action == "organisation.facts"));
}

#[tokio::test]
async fn an_upgrade_carries_over_marks_changed_lists_new_and_an_assessment_settles_it() {
    use tillit_app::catalog::{self, ChangeKind};
    use tillit_domain::assessment::AssessmentDraft;
    let w = World::new().await;
    let t = w.org_on("Åsby", OrgKind::Municipality, "1").await;
    let coordinator = w
        .person(&t, "samordnare@asby.example", Role::Coordinator)
        .await;
    let reader = w.person(&t, "reader@asby.example", Role::Reader).await;
    let sys = system_with(&w, &coordinator, "patients").await;
    let assess = |rid: &'static str, scope: Option<String>| {
        let (app, who) = (&w.app, &coordinator);
        async move {
            tillit_app::assessments::assess(
                app,
                who,
                scope.as_deref(),
                rid,
                &AssessmentDraft {
                    status: "met".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
        }
    };
    // One requirement that changes (log-2) and one the upgrade leaves as it was.
    let c = tillit_app::library::Catalogs::builtin().unwrap();
    let d = catalog::diff(c.get("1").unwrap(), c.get("2").unwrap());
    assert_eq!(d.change("log-2").unwrap().kind, ChangeKind::Changed);
    let (_, v1) = tillit_app::assessments::org_context(&w.app, &coordinator)
        .await
        .unwrap();
    assert_eq!(v1.key, "1");
    // Integrity level 1 brings rik-1 (change control), which version 2 leaves as it was.
    let asset = tillit_app::systems::system(&w.app, &coordinator, &sys)
        .await
        .unwrap()
        .assets[0]
        .id
        .clone();
    tillit_app::assets::classify_asset(
        &w.app,
        &coordinator,
        &asset,
        &tillit_domain::classification::ClassificationDraft {
            confidentiality: "0".into(),
            integrity: "1".into(),
            availability: "0".into(),
            traceability: "0".into(),
            motivation: "Fel kan rättas i efterhand.".into(),
        },
    )
    .await
    .unwrap();
    let unchanged = applicable(&w, &coordinator, Some(&sys))
        .await
        .into_iter()
        .find(|id| d.change(id).is_none())
        .expect("an unchanged requirement applies");
    assess("log-2", Some(sys.to_string())).await;
    let kept: &'static str = Box::leak(unchanged.clone().into_boxed_str());
    assess(kept, Some(sys.to_string())).await;

    let plan = catalog::upgrade_plan(&w.app, &coordinator)
        .await
        .unwrap()
        .expect("an upgrade is offered");
    assert_eq!((plan.from.as_str(), plan.to.as_str()), ("1", "2"));
    assert_eq!(plan.to_reassess(), 1);
    assert_eq!(plan.carried_over, 1);
    assert!(plan
        .newly_applicable
        .iter()
        .any(|n| n.requirement_id == "beh-7" && n.system_id.as_deref() == Some(sys.as_str())));

    // A reader sees the plan but may not accept it; a stale plan is refused.
    assert!(matches!(
        catalog::upgrade(&w.app, &reader, "1").await.unwrap_err(),
        Error::Forbidden
    ));
    let e = catalog::upgrade(&w.app, &coordinator, "0")
        .await
        .unwrap_err();
    assert_eq!(
        fields(&e),
        vec![("catalog_version".to_string(), Rule::Mismatch)]
    );

    let out = catalog::upgrade(&w.app, &coordinator, "1").await.unwrap();
    assert_eq!((out.to_reassess, out.carried_over), (1, 1));
    assert_eq!(out.to_assess, plan.newly_applicable.len());
    // Acting again reads the new version.
    let coordinator = auth_again(&w, "samordnare@asby.example").await;
    let (_, v2) = tillit_app::assessments::org_context(&w.app, &coordinator)
        .await
        .unwrap();
    assert_eq!(v2.key, "2");
    assert!(catalog::upgrade_plan(&w.app, &coordinator)
        .await
        .unwrap()
        .is_none());

    let todo = catalog::reassessments(&w.app, &coordinator, Default::default())
        .await
        .unwrap()
        .items;
    let log2 = todo
        .iter()
        .find(|r| r.requirement_id == "log-2")
        .expect("log-2 to re-assess");
    assert_eq!(log2.reason, tillit_store::ReassessReason::Changed);
    assert!(!todo.iter().any(|r| r.requirement_id == unchanged));
    // Assessments are kept: the earlier one of log-2 is still there.
    let current =
        tillit_app::assessments::assessment(&w.app, &coordinator, Some(sys.as_str()), "log-2")
            .await
            .unwrap();
    assert!(current.is_some());
    // The follow-up shows what is to be assessed as a gap.
    let (gaps, _) = tillit_app::followup::gaps_now(&w.app, &coordinator)
        .await
        .unwrap();
    let gap = gaps
        .iter()
        .find(|g| g.kind == tillit_store::GapKind::Reassessment)
        .unwrap();
    assert_eq!(gap.count as usize, todo.len());
    // Assessing settles it.
    tillit_app::assessments::assess(
        &w.app,
        &coordinator,
        Some(sys.as_str()),
        "log-2",
        &AssessmentDraft {
            status: "partly_met".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let after = catalog::reassessments(&w.app, &coordinator, Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(after.len(), todo.len() - 1);
    assert!(!after.iter().any(|r| r.requirement_id == "log-2"));
}

/// Signs a person in, as the web layer does for a new request (so the organisation's catalog
/// version and facts are read anew).
async fn auth_again(w: &World, email: &str) -> Acting {
    let SignIn::SignedIn { session_secret, .. } =
        auth::sign_in(&w.app, email, PASSWORD, "127.0.0.1", None)
            .await
            .unwrap()
    else {
        panic!("sign-in of {email} refused");
    };
    let a = auth::authenticate_session(&w.app, &session_secret)
        .await
        .unwrap()
        .unwrap();
    auth::acting(&w.app, a).await.unwrap()
}

#[tokio::test]
async fn an_upgrade_with_many_systems_records_every_pair_to_assess() {
    use tillit_app::catalog;
    let w = World::new().await;
    let t = w.org_on("Stora", OrgKind::Region, "1").await;
    let coordinator = w
        .person(&t, "samordnare@stora.example", Role::Coordinator)
        .await;
    // Enough systems that what to assess runs past one INSERT's rows.
    for i in 0..60 {
        system_with(
            &w,
            &coordinator,
            if i % 2 == 0 {
                "patients"
            } else {
                "care_recipients"
            },
        )
        .await;
    }
    let plan = catalog::upgrade_plan(&w.app, &coordinator)
        .await
        .unwrap()
        .unwrap();
    assert!(
        plan.newly_applicable.len() > 500,
        "{}",
        plan.newly_applicable.len()
    );
    let out = catalog::upgrade(&w.app, &coordinator, "1").await.unwrap();
    let coordinator = auth_again(&w, "samordnare@stora.example").await;
    let page = catalog::reassessments(
        &w.app,
        &coordinator,
        tillit_domain::paging::PageRequest {
            page: 2,
            per_page: 200,
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total as usize, out.to_assess + out.to_reassess);
    assert_eq!(page.items.len(), 200);
}

/// A region's outsourcing case whose assessment offers conditions: a classified patient-data asset
/// in a system, a supplier with a US parent that holds the keys and sees plaintext.
async fn outsourcing_case(w: &World, t: &Tenant, who: &Acting) -> String {
    let a = tillit_app::assets::create_asset(
        &w.app,
        who,
        &AssetDraft {
            name: "1177-ärenden".into(),
            personal_data: "yes".into(),
            special_categories: vec!["health".into()],
            data_subjects: vec!["patients".into()],
            confidentiality_provisions: "25 kap. 1 § OSL".into(),
            confidentiality_strength: "presumption_of_secrecy".into(),
            review_interval_months: "12".into(),
            ..AssetDraft::default()
        },
    )
    .await
    .unwrap();
    let lv = |n| tillit_domain::classification::ConsequenceLevel::from_number(n).unwrap();
    w.store
        .classify_asset(
            t,
            &Actor::operator(),
            &a.id,
            &tillit_domain::classification::Levels {
                confidentiality: lv(3),
                integrity: lv(2),
                availability: lv(2),
                traceability: lv(2),
            },
            "Patientuppgifter",
        )
        .await
        .unwrap();
    let sys = tillit_app::systems::create_system(
        &w.app,
        who,
        &tillit_domain::system::SystemDraft {
            name: "E-tjänstplattformen".into(),
            hosting: "public_cloud".into(),
            country: "SE".into(),
            asset_ids: vec![a.id.to_string()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let sup = tillit_app::suppliers::create_supplier(
        &w.app,
        who,
        &tillit_domain::supplier::SupplierDraft {
            name: "Moln AB".into(),
            country: "SE".into(),
            parent_company: "Cloud Inc.".into(),
            parent_country: "US".into(),
            data_locations: vec!["SE".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let c = tillit_app::outsourcing::create_case(
        &w.app,
        who,
        &tillit_domain::outsourcing_case::CaseDraft {
            title: "E-tjänster i molnet".into(),
            supplier_id: sup.id.to_string(),
            system_ids: vec![sys.id.to_string()],
            scope: "technical".into(),
            key_holder: "supplier".into(),
            supplier_plaintext_access: "yes".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    c.id
}

#[tokio::test]
async fn a_decision_and_its_condition_measures_are_saved_together_or_not_at_all() {
    let w = World::new().await;
    let t = w.org("Region Beslut").await;
    let owner = w.person(&t, "agare@beslut.example", Role::Owner).await;
    let case = outsourcing_case(&w, &t, &owner).await;
    let view = tillit_app::outsourcing::case(&w.app, &owner, &case)
        .await
        .unwrap();
    let condition = view
        .assessment
        .conditions
        .iter()
        .find(|c| c.id == "customer-held-keys")
        .expect("the keys condition is offered")
        .clone();
    let draft = tillit_domain::outsourcing_case::DecisionDraft {
        outcome: "approved_with_conditions".into(),
        motivation: "Med regionens egna nycklar.".into(),
        conditions: vec![condition.id.clone()],
        ..Default::default()
    };
    // The measure cannot be stored: the decision is not stored either.
    fail_on_insert_into(&w, "measures", "title", condition.title.sv.as_str()).await;
    let e = tillit_app::outsourcing::decide(&w.app, &owner, &case, &draft, "sv").await;
    assert!(e.is_err(), "the unit of work fails");
    let after = tillit_app::outsourcing::case(&w.app, &owner, &case)
        .await
        .unwrap();
    assert!(
        after.decisions.is_empty(),
        "no decision without its measures"
    );
    let measures = w
        .store
        .list_measures(
            &t,
            &Default::default(),
            Default::default(),
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(measures.total, 0);
}

#[tokio::test]
async fn a_new_rule_set_version_calls_for_reassessment_only_where_it_answers_differently() {
    let w = World::new().await;
    let t = w.org("Region Regler").await;
    let owner = w.person(&t, "agare@regler.example", Role::Owner).await;
    let case = outsourcing_case(&w, &t, &owner).await;
    let view = tillit_app::outsourcing::case(&w.app, &owner, &case)
        .await
        .unwrap();
    let assessment = serde_json::to_value(&view.assessment).unwrap();
    // Decisions made under an earlier version (as an older Tillit recorded them).
    let record = |recommendation: &'static str| {
        let (w, t, case, view, assessment, owner) = (&w, &t, &case, &view, &assessment, &owner);
        async move {
            w.store
                .record_decision(
                    t,
                    &Actor::operator(),
                    case,
                    &tillit_store::NewDecision {
                        decided_by: &owner.membership().membership_id,
                        decided_by_name: "Ägare",
                        outcome: "rejected",
                        motivation: "Olämpligt.",
                        conditions: &[],
                        conditions_due_on: None,
                        facts: &view.facts,
                        rule_set_id: &w.app.rules.id,
                        rule_set_version: "0",
                        recommendation,
                        assessment,
                        delegation: None,
                    },
                    &[],
                )
                .await
                .unwrap();
        }
    };
    // The earlier version answered as today's does: nothing to reassess.
    record(view.assessment.recommendation.key()).await;
    let v = tillit_app::outsourcing::case(&w.app, &owner, &case)
        .await
        .unwrap();
    assert!(!v.rules_changed && !v.needs_reassessment());
    // It answered differently: the case must be reassessed, and the list says so.
    let other = if view.assessment.recommendation.key() == "suitable" {
        "unsuitable"
    } else {
        "suitable"
    };
    record(other).await;
    let v = tillit_app::outsourcing::case(&w.app, &owner, &case)
        .await
        .unwrap();
    assert!(v.rules_changed && v.needs_reassessment());
    let list =
        tillit_app::outsourcing::list_case_summaries(&w.app, &owner, None, Default::default())
            .await
            .unwrap();
    assert!(list.items[0].needs_reassessment);
}

#[tokio::test]
async fn an_incident_is_registered_and_its_obligations_follow_the_facts() {
    use tillit_domain::incident::{Applies, Kind};
    use tillit_domain::incident_case::IncidentDraft;
    let w = World::new().await;
    let t = w.org("Region Incident").await;
    let other = w.org("Region Annan").await;
    let coordinator = w
        .person(&t, "samordnare@incident.example", Role::Coordinator)
        .await;
    let reader = w.person(&t, "lasare@incident.example", Role::Reader).await;
    let stranger = w.person(&other, "admin@annan.example", Role::Admin).await;
    let system = system_with(&w, &coordinator, "patients").await;
    let theirs = system_with(&w, &stranger, "patients").await;
    let aware = chrono::Utc::now() - chrono::Duration::hours(30);
    let draft = IncidentDraft {
        title: "Utpressningsprogram i labbsystemet".into(),
        aware_at: aware.to_rfc3339(),
        system_ids: vec![system.to_string()],
        personal_data: "yes".into(),
        breach_risk: "high_risk".into(),
        risk_motivation: "Provsvar för många patienter kan ha lästs.".into(),
        significant: "yes".into(),
        significance_motivation: "Labbet står still.".into(),
        ..Default::default()
    };

    // A reader may not register; another organisation's system is refused; bad input names the
    // field; nothing is stored by any of them.
    assert!(matches!(
        tillit_app::incidents::create_incident(&w.app, &reader, &draft).await,
        Err(Error::Forbidden)
    ));
    let foreign = IncidentDraft {
        system_ids: vec![theirs.to_string()],
        ..draft.clone()
    };
    let e = tillit_app::incidents::create_incident(&w.app, &coordinator, &foreign)
        .await
        .unwrap_err();
    assert_eq!(fields(&e)[0].0, "system_ids");
    let bad = IncidentDraft {
        aware_at: "2020-01-01T00:00".into(),
        started_at: "2021-01-01T00:00".into(),
        individuals_approx: "-1".into(),
        ..draft.clone()
    };
    let e = tillit_app::incidents::create_incident(&w.app, &coordinator, &bad)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&e),
        [
            ("aware_at".to_string(), Rule::OutOfOrder),
            (
                "individuals_approx".to_string(),
                Rule::OutOfRange {
                    min: 0,
                    max: 100_000_000
                }
            )
        ]
    );
    let list =
        tillit_app::incidents::list_incidents(&w.app, &coordinator, None, None, Default::default())
            .await
            .unwrap();
    assert_eq!(list.total, 0);

    // Registered: a region is covered by the Cybersecurity Act and gives health care.
    let v = tillit_app::incidents::create_incident(&w.app, &coordinator, &draft)
        .await
        .unwrap();
    let id = v.incident.id.clone();
    let applies = |v: &tillit_app::incidents::IncidentView, k: Kind| {
        v.obligations
            .iter()
            .find(|o| o.obligation.kind == k)
            .unwrap()
            .obligation
            .applies
    };
    for k in [
        Kind::Nis2EarlyWarning,
        Kind::ImyNotification,
        Kind::Nis2Notification,
        Kind::DataSubjects,
    ] {
        assert_eq!(applies(&v, k), Applies::Yes, "{k:?}");
    }
    assert_eq!(applies(&v, Kind::LexMaria), Applies::NotYetKnown);
    let early = v.obligations[0].obligation.due.at().unwrap();
    assert_eq!(
        early,
        v.incident.input.aware_at + chrono::Duration::hours(24),
        "the early warning, 24 hours from awareness, comes first"
    );

    // The early warning marked sent, with the CSIRT's reference.
    let sent = tillit_app::incidents::ReportSentDraft {
        obligation: "nis2_early_warning".into(),
        reference: "CSIRT-2026-118".into(),
        ..Default::default()
    };
    let v = tillit_app::incidents::mark_report_sent(&w.app, &coordinator, &id, &sent)
        .await
        .unwrap();
    let o = &v.obligations[0];
    assert_eq!(o.obligation.kind, Kind::Nis2EarlyWarning);
    assert_eq!(
        o.sent.as_ref().and_then(|s| s.reference.as_deref()),
        Some("CSIRT-2026-118")
    );
    // A report that the incident does not call for cannot be marked sent.
    let e = tillit_app::incidents::mark_report_sent(
        &w.app,
        &coordinator,
        &id,
        &tillit_app::incidents::ReportSentDraft {
            obligation: "lex_sarah".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        fields(&e)[0],
        ("obligation".to_string(), Rule::RequiredByRecords)
    );

    // The risk reassessed as unlikely: IMY no longer, the people no longer; the change is audited.
    let changed = IncidentDraft {
        breach_risk: "unlikely".into(),
        risk_motivation: "Krypterade data; nycklarna var inte åtkomliga.".into(),
        ..draft.clone()
    };
    let v = tillit_app::incidents::update_incident(&w.app, &coordinator, &id, &changed)
        .await
        .unwrap();
    assert_eq!(applies(&v, Kind::ImyNotification), Applies::No);
    assert_eq!(applies(&v, Kind::DataSubjects), Applies::No);

    // Another organisation neither sees nor changes it.
    assert!(matches!(
        tillit_app::incidents::incident(&w.app, &stranger, &id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        tillit_app::incidents::update_incident(&w.app, &stranger, &id, &changed).await,
        Err(Error::NotFound)
    ));
}

/// The draft a person would submit to keep an asset exactly as it is.
fn draft_of_asset(a: &tillit_domain::asset::AssetInput) -> AssetDraft {
    AssetDraft {
        name: a.name.clone(),
        description: a.description.clone().unwrap_or_default(),
        owner_membership_id: a.owner_membership_id.clone().unwrap_or_default(),
        personal_data: a.personal_data.to_string(),
        special_categories: a.special_categories.clone(),
        offences: a.offences.to_string(),
        data_subjects: a.data_subjects.clone(),
        individuals_approx: a
            .individuals_approx
            .map(|n| n.to_string())
            .unwrap_or_default(),
        confidentiality_provisions: a.confidentiality_provisions.clone().unwrap_or_default(),
        confidentiality_strength: a.confidentiality_strength.clone().unwrap_or_default(),
        legal_basis: a.legal_basis.clone().unwrap_or_default(),
        review_interval_months: a.review_interval_months.to_string(),
    }
}

/// The draft that keeps a system as it is.
fn draft_of_system(s: &tillit_domain::system::SystemInput) -> tillit_domain::system::SystemDraft {
    tillit_domain::system::SystemDraft {
        name: s.name.clone(),
        description: s.description.clone().unwrap_or_default(),
        owner_membership_id: s.owner_membership_id.clone().unwrap_or_default(),
        supplier_id: s.supplier_id.clone().unwrap_or_default(),
        hosting: s.hosting.clone(),
        country: s.country.clone().unwrap_or_default(),
        review_interval_months: s.review_interval_months.to_string(),
        asset_ids: s.asset_ids.clone(),
        ..Default::default()
    }
}

fn every_offered_item(offer: &tillit_app::starter_kit::Offer) -> Vec<String> {
    offer
        .profiles
        .iter()
        .flat_map(|p| p.items.iter().map(|i| i.id.clone()))
        .collect()
}

#[tokio::test]
async fn the_whole_municipality_kit_is_valid_and_nothing_counts_until_the_owner_confirms() {
    use tillit_app::starter_kit::{self as kit, Outcome};
    use tillit_domain::starter_kit::AdoptionDraft;
    let w = World::new().await;
    let t = w
        .org_on(
            "Kommun Startpaket",
            OrgKind::Municipality,
            tillit_app::library::LATEST,
        )
        .await;
    let coordinator = w
        .person(&t, "samordnare@start.example", Role::Coordinator)
        .await;
    let owner = w.person(&t, "agare@start.example", Role::Owner).await;
    let offer = kit::offer(&w.app, &coordinator, "sv").await.unwrap();
    assert!(offer.bound_by_osl);
    let keys: Vec<&str> = offer.profiles.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["municipality-social", "school-health"]);
    let items = every_offered_item(&offer);
    let done = kit::adopt(
        &w.app,
        &coordinator,
        &AdoptionDraft {
            items: items.clone(),
            owner_membership_id: owner.membership().membership_id.clone(),
        },
        "sv",
    )
    .await
    .unwrap();
    assert!(
        done.iter().all(|d| d.outcome == Outcome::Created),
        "{done:?}"
    );
    let distinct: std::collections::HashSet<&str> = items.iter().map(String::as_str).collect();
    assert_eq!(done.len(), distinct.len(), "every offered item once");

    // Every adopted object passes the registers' own rules again, unchanged.
    let assets = tillit_app::assets::all_assets(&w.app, &coordinator)
        .await
        .unwrap();
    let systems = tillit_app::systems::all_systems(&w.app, &coordinator)
        .await
        .unwrap();
    assert_eq!(
        assets.len() + systems.len(),
        done.len(),
        "nothing but the kit is in the registers"
    );
    for a in &assets {
        tillit_app::assets::update_asset(&w.app, &coordinator, &a.id, &draft_of_asset(&a.input))
            .await
            .unwrap_or_else(|e| panic!("{} refused: {e:?}", a.input.name));
        assert!(a.levels.is_none(), "{} is classified", a.input.name);
    }
    for s in &systems {
        assert!(
            !s.input.asset_ids.is_empty(),
            "{} processes nothing",
            s.input.name
        );
        tillit_app::systems::update_system(&w.app, &coordinator, &s.id, &draft_of_system(&s.input))
            .await
            .unwrap_or_else(|e| panic!("{} refused: {e:?}", s.input.name));
    }
    // A municipal school's health records fall under 23 kap. 2 § OSL, the case files under 26 kap.
    let provisions = |name: &str| {
        assets
            .iter()
            .find(|a| a.input.name == name)
            .and_then(|a| a.input.confidentiality_provisions.clone())
            .unwrap()
    };
    assert_eq!(provisions("Elevhälsans journaler"), "23 kap. 2 § OSL");
    assert_eq!(
        provisions("Personakter i socialtjänsten"),
        "26 kap. 1 § OSL"
    );

    // Nothing counts as classified: the follow-up sees every asset unclassified.
    let (_, figures) = tillit_app::followup::gaps_now(&w.app, &coordinator)
        .await
        .unwrap();
    assert_eq!(figures.assets, assets.len() as i64);
    assert_eq!(figures.unclassified_assets, assets.len() as i64);
    assert_eq!(
        kit::suggestions_waiting(&w.app, &coordinator)
            .await
            .unwrap(),
        assets.len() as i64
    );

    // Only the information owner confirms; the coordinator may not.
    let case_files = assets
        .iter()
        .find(|a| a.input.name == "Personakter i socialtjänsten")
        .unwrap();
    let refused = kit::confirm_suggestion(&w.app, &coordinator, &case_files.id, "sv").await;
    assert!(matches!(refused, Err(Error::Forbidden)), "{refused:?}");
    kit::confirm_suggestion(&w.app, &owner, &case_files.id, "sv")
        .await
        .unwrap();
    let confirmed = tillit_app::assets::asset(&w.app, &owner, &case_files.id)
        .await
        .unwrap();
    let levels = confirmed.levels.expect("classified once confirmed");
    assert_eq!(levels.confidentiality.number(), 3);
    assert_eq!(levels.integrity.number(), 3);
    let history = tillit_app::assets::asset_classifications(&w.app, &owner, &case_files.id)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert!(history[0]
        .motivation
        .contains("bekräftat av informationsägaren"));
    let (_, figures) = tillit_app::followup::gaps_now(&w.app, &coordinator)
        .await
        .unwrap();
    assert_eq!(figures.unclassified_assets, assets.len() as i64 - 1);
    let again = kit::confirm_suggestion(&w.app, &owner, &case_files.id, "sv")
        .await
        .unwrap_err();
    assert_eq!(
        fields(&again),
        [("suggestion".to_string(), Rule::AlreadyExists)]
    );

    // Adopting again makes nothing new.
    let twice = kit::adopt(
        &w.app,
        &coordinator,
        &AdoptionDraft {
            items: items.clone(),
            ..Default::default()
        },
        "sv",
    )
    .await
    .unwrap();
    assert!(twice.iter().all(|d| d.outcome == Outcome::AlreadyAdopted));
    assert_eq!(
        tillit_app::assets::all_assets(&w.app, &coordinator)
            .await
            .unwrap()
            .len(),
        assets.len()
    );

    // Another organisation neither confirms nor sees the suggestion.
    let other = w.org("Region Annan").await;
    let stranger = w.person(&other, "agare@annan.example", Role::Owner).await;
    let hidden = kit::confirm_suggestion(&w.app, &stranger, &case_files.id, "sv").await;
    assert!(matches!(hidden, Err(Error::NotFound)), "{hidden:?}");
    let none = kit::asset_adoption(&w.app, &stranger, &case_files.id)
        .await
        .unwrap();
    assert!(none.is_none());
    // A region is not offered the municipality's case files.
    let region_coordinator = w
        .person(&other, "samordnare@annan.example", Role::Coordinator)
        .await;
    let foreign = kit::adopt(
        &w.app,
        &region_coordinator,
        &AdoptionDraft {
            items: vec!["social-case-files".into()],
            ..Default::default()
        },
        "sv",
    )
    .await
    .unwrap_err();
    assert_eq!(
        fields(&foreign),
        [("items".to_string(), Rule::NotAllowedForOrganisationKind)]
    );
    // A reader may look but not adopt.
    let reader = w.person(&t, "lasare@start.example", Role::Reader).await;
    assert!(kit::offer(&w.app, &reader, "sv").await.is_ok());
    let denied = kit::adopt(
        &w.app,
        &reader,
        &AdoptionDraft {
            items: items.clone(),
            ..Default::default()
        },
        "sv",
    )
    .await;
    assert!(matches!(denied, Err(Error::Forbidden)));
}

#[tokio::test]
async fn a_private_provider_adopts_without_osl_and_an_adoption_is_all_or_nothing() {
    use tillit_app::starter_kit as kit;
    use tillit_domain::starter_kit::AdoptionDraft;
    let w = World::new().await;
    let t = w
        .org_on(
            "Omsorg Privat AB",
            OrgKind::PrivateProvider,
            tillit_app::library::LATEST,
        )
        .await;
    let coordinator = w
        .person(&t, "samordnare@privat.example", Role::Coordinator)
        .await;
    let offer = kit::offer(&w.app, &coordinator, "en").await.unwrap();
    assert!(!offer.bound_by_osl);
    for item in offer.profiles.iter().flat_map(|p| &p.items) {
        let p = item.provisions.clone().unwrap_or_default();
        assert!(!p.contains("OSL"), "{} cites OSL: {p}", item.id);
    }
    fail_on_insert_into(&w, "systems", "name", "Safety alarm service").await;
    let items = every_offered_item(&offer);
    let failed = kit::adopt(
        &w.app,
        &coordinator,
        &AdoptionDraft {
            items: items.clone(),
            ..Default::default()
        },
        "en",
    )
    .await;
    assert!(failed.is_err());
    assert!(tillit_app::assets::all_assets(&w.app, &coordinator)
        .await
        .unwrap()
        .is_empty());
    assert!(tillit_app::systems::all_systems(&w.app, &coordinator)
        .await
        .unwrap()
        .is_empty());
    assert!(kit::adopted_items(&w.app, &coordinator)
        .await
        .unwrap()
        .is_empty());
}

/// The reports due are read from every incident that may still owe one, however many: the
/// newest incident, whose deadlines are the most urgent, counts when 500 older ones are open.
#[tokio::test]
async fn the_reports_due_come_from_every_open_incident() {
    use tillit_domain::incident_case::IncidentDraft;
    let w = World::new().await;
    let t = w.org("Region Många incidenter").await;
    let coordinator = w
        .person(&t, "samordnare@manga.example", Role::Coordinator)
        .await;
    let old = chrono::Utc::now() - chrono::Duration::days(20);
    for i in 0..500 {
        let draft = IncidentDraft {
            title: format!("Äldre händelse {i:03}"),
            aware_at: (old + chrono::Duration::minutes(i)).to_rfc3339(),
            personal_data: "no".into(),
            significant: "no".into(),
            significance_motivation: "Ingen påverkan.".into(),
            ..Default::default()
        };
        tillit_app::incidents::create_incident(&w.app, &coordinator, &draft)
            .await
            .unwrap();
    }
    let newest = tillit_app::incidents::create_incident(
        &w.app,
        &coordinator,
        &IncidentDraft {
            title: "Journal skickad till fel mottagare".into(),
            aware_at: (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339(),
            personal_data: "yes".into(),
            breach_risk: "high_risk".into(),
            risk_motivation: "Känsliga uppgifter om en patient.".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .incident
    .id;
    let due_of_newest = |due: &[tillit_app::incidents::DueReport]| {
        due.iter()
            .filter(|d| d.incident_id == newest)
            .map(|d| d.obligation.kind.key())
            .collect::<Vec<_>>()
    };
    let due = tillit_app::incidents::reports_due(&w.app, &coordinator)
        .await
        .unwrap();
    let newest_due = due_of_newest(&due);
    assert!(newest_due.contains(&"imy_notification"), "{newest_due:?}");
    assert!(newest_due.contains(&"data_subjects"), "{newest_due:?}");

    // A report marked sent leaves the list; the others stay.
    let sent = tillit_app::incidents::ReportSentDraft {
        obligation: "imy_notification".into(),
        reference: "IMY-2026-7".into(),
        ..Default::default()
    };
    tillit_app::incidents::mark_report_sent(&w.app, &coordinator, &newest, &sent)
        .await
        .unwrap();
    let due = tillit_app::incidents::reports_due(&w.app, &coordinator)
        .await
        .unwrap();
    let newest_due = due_of_newest(&due);
    assert!(!newest_due.contains(&"imy_notification"), "{newest_due:?}");
    assert!(newest_due.contains(&"data_subjects"), "{newest_due:?}");
}

/// An import that leaves columns out changes only the columns it has: an existing asset keeps
/// its owner and personal-data facts, a system its assets, a supplier its contract answers.
/// A new row gets the columns it has and nothing else.
#[tokio::test]
async fn an_import_changes_only_the_columns_the_file_has() {
    use tillit_domain::supplier::SupplierDraft;
    let w = World::new().await;
    let t = w.org("Region Kolumner").await;
    let c = w
        .person(&t, "samordnare@kolumner.example", Role::Coordinator)
        .await;
    let owner = c.membership().membership_id.clone();
    let asset = tillit_app::assets::create_asset(
        &w.app,
        &c,
        &AssetDraft {
            name: "Patientjournal".into(),
            owner_membership_id: owner.clone(),
            personal_data: "yes".into(),
            special_categories: vec!["health".into()],
            data_subjects: vec!["patients".into()],
            confidentiality_provisions: "25 kap. 1 § OSL".into(),
            review_interval_months: "6".into(),
            ..AssetDraft::default()
        },
    )
    .await
    .unwrap();
    let old = tillit_app::assets::create_asset(
        &w.app,
        &c,
        &AssetDraft {
            name: "Gammal journal; före 2020".into(),
            ..AssetDraft::default()
        },
    )
    .await
    .unwrap();
    // Two suppliers whose names differ only in case; the system runs at the second.
    let mut runs_it = String::new();
    for name in ["Drift Norr AB", "DRIFT NORR AB"] {
        let s = SupplierDraft {
            name: name.into(),
            ..Default::default()
        };
        runs_it = tillit_app::suppliers::create_supplier(&w.app, &c, &s)
            .await
            .unwrap()
            .id
            .to_string();
    }
    let system = tillit_app::systems::create_system(
        &w.app,
        &c,
        &tillit_domain::system::SystemDraft {
            name: "Journalsystemet".into(),
            hosting: "outsourced".into(),
            country: "SE".into(),
            supplier_id: runs_it.clone(),
            asset_ids: vec![asset.id.to_string(), old.id.to_string()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // The old journal is archived (the store allows it; the app refuses while a system in use
    // processes it, but a system restored after both were archived is in this state).
    w.store
        .set_archived(
            &t,
            &Actor::operator(),
            "operator",
            tillit_domain::archive::Archivable::Asset,
            old.id.as_str(),
            true,
        )
        .await
        .unwrap();
    let supplier = tillit_app::suppliers::create_supplier(
        &w.app,
        &c,
        &SupplierDraft {
            name: "Driftbolaget AB".into(),
            country: "SE".into(),
            dpa_signed_on: "2026-01-15".into(),
            audit_rights: "yes".into(),
            exit_terms: "no".into(),
            subprocessors: "Molnet AB; SE".into(),
            data_locations: vec!["SE".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let import = |reg: Register, csv: &'static str| {
        let c = c.clone();
        let app = &w.app;
        async move {
            let result = transfer::import(
                app,
                &c,
                reg,
                "delvis.csv",
                csv.as_bytes(),
                false,
                &Default::default(),
            )
            .await
            .unwrap();
            let Import::Rows { rows, saved } = result else {
                panic!("file refused")
            };
            assert!(
                saved,
                "{:?}",
                rows.iter().map(|r| &r.errors).collect::<Vec<_>>()
            );
            rows
        }
    };

    let rows = import(
        Register::Assets,
        "name,description\nPatientjournal,Hela journalen\nLabbsvar,Svar från labbet\n",
    )
    .await;
    assert_eq!(rows[0].action, RowAction::Update);
    assert_eq!(rows[1].action, RowAction::Create);
    let a = tillit_app::assets::asset(&w.app, &c, &asset.id)
        .await
        .unwrap()
        .input;
    assert_eq!(a.description.as_deref(), Some("Hela journalen"));
    assert_eq!(a.owner_membership_id.as_deref(), Some(owner.as_str()));
    assert!(a.personal_data);
    assert_eq!(a.special_categories, ["health"]);
    assert_eq!(a.data_subjects, ["patients"]);
    assert_eq!(
        a.confidentiality_provisions.as_deref(),
        Some("25 kap. 1 § OSL")
    );
    assert_eq!(a.review_interval_months, 6);
    let new = tillit_app::assets::all_assets(&w.app, &c)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.input.name == "Labbsvar")
        .unwrap()
        .input;
    assert!(!new.personal_data && new.owner_membership_id.is_none());

    // A column the file has, left empty, empties it.
    import(Register::Assets, "name,owner_email\nPatientjournal,\n").await;
    let a = tillit_app::assets::asset(&w.app, &c, &asset.id)
        .await
        .unwrap()
        .input;
    assert_eq!(a.owner_membership_id, None);
    assert!(a.personal_data, "personal data untouched");

    import(
        Register::Systems,
        "name,description\nJournalsystemet,Vårdens journal\n",
    )
    .await;
    let s = tillit_app::systems::system(&w.app, &c, &system.id)
        .await
        .unwrap();
    assert_eq!(s.input.description.as_deref(), Some("Vårdens journal"));
    let mut kept = s.input.asset_ids.clone();
    kept.sort();
    let mut both = vec![asset.id.to_string(), old.id.to_string()];
    both.sort();
    assert_eq!(
        kept, both,
        "the system keeps its assets, the archived one too"
    );
    assert_eq!(s.input.supplier_id.as_deref(), Some(runs_it.as_str()));
    assert_eq!(s.input.hosting, "outsourced");
    assert_eq!(s.input.country.as_deref(), Some("SE"));

    import(
        Register::Suppliers,
        "name,notes\nDriftbolaget AB,Avtal förlängt\n",
    )
    .await;
    let x = tillit_app::suppliers::supplier(&w.app, &c, &supplier.id)
        .await
        .unwrap()
        .input;
    assert_eq!(x.notes.as_deref(), Some("Avtal förlängt"));
    assert_eq!(x.dpa_signed_on.as_deref(), Some("2026-01-15"));
    assert_eq!((x.audit_rights, x.exit_terms), (Some(true), Some(false)));
    assert_eq!(x.subprocessors.len(), 1);
    assert_eq!(x.subprocessors[0].country.as_deref(), Some("SE"));
    assert_eq!(x.data_locations, ["SE"]);
}
