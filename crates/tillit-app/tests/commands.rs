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
            .create_organisation(
                &Actor::operator(),
                name,
                &n,
                OrgKind::Region,
                tillit_app::library::LATEST,
            )
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
        let SignIn::SignedIn { session_secret, .. } =
            auth::sign_in(&self.app, email, PASSWORD, "127.0.0.1", None)
                .await
                .unwrap()
        else {
            panic!("sign-in of {email} refused");
        };
        let a = auth::authenticate_session(&self.app, &session_secret)
            .await
            .unwrap()
            .unwrap();
        auth::acting(&self.app, a).await.unwrap()
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
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&w.url).await.unwrap();
    let statements = match w.store.backend() {
        Backend::Sqlite => vec![format!(
            "CREATE TRIGGER refuse_row BEFORE INSERT ON information_assets WHEN NEW.name = '{name}' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )],
        Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION refuse_row() RETURNS trigger AS $$ BEGIN \
                 IF NEW.name = '{name}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ \
                 LANGUAGE plpgsql"
            ),
            "CREATE TRIGGER refuse_row BEFORE INSERT ON information_assets \
             FOR EACH ROW EXECUTE FUNCTION refuse_row()"
                .to_string(),
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

    let dry = transfer::import(&w.app, &c, Register::Assets, "a.xlsx", &xlsx, true)
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

    let Import::Rows { saved, .. } =
        transfer::import(&w.app, &c, Register::Assets, "a.xlsx", &xlsx, false)
            .await
            .unwrap()
    else {
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
    let result = transfer::import(&w.app, &c, Register::Assets, "a.xlsx", &xlsx, false).await;
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
