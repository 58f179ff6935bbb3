//! No acknowledged write is lost: concurrent audited writes through the API, the server killed
//! with SIGKILL in the middle, restarted; every write that got a 2xx is there, every stored
//! change has its audit event, and the audit chain verifies. Ten times, on the suite's database.

use crate::helpers::*;
use reqwest::StatusCode;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::{AuditFilter, ChainReport};

/// Starts `tillit serve` on the database in its own process; its address.
fn start(database_url: &str, dir: &std::path::Path) -> (Child, String) {
    std::fs::create_dir_all(dir).unwrap();
    let log = dir.join(format!("serve-{}.log", uuid::Uuid::new_v4().simple()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .arg("--data-dir")
        .arg(dir)
        .env("TILLIT_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("Tillit listening on ")
        .unwrap_or_else(|| {
            panic!(
                "unexpected first line: {line}; its log: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        })
        .to_string();
    (child, url)
}

#[tokio::test]
async fn no_acknowledged_write_is_lost_when_the_server_is_killed() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Hållbar", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "skrivare@h.example", Role::Coordinator)
        .await;
    let token = make_token(&b, "durability", &["read", "write"]).await;
    let dir = std::env::temp_dir().join(format!("tillit-kill-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();

    for round in 0..10 {
        let (mut child, base) = start(&app.database_url, &dir);
        let mut writers = Vec::new();
        for w in 0..16 {
            let (base, token, acked) = (base.clone(), token.clone(), acknowledged.clone());
            writers.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                for i in 0.. {
                    let name = format!("Mängd {round}-{w}-{i}");
                    let sent = client
                        .post(format!("{base}/api/v1/assets"))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({"name": name, "personal_data": false}))
                        .send()
                        .await;
                    match sent {
                        Ok(r) if r.status() == StatusCode::CREATED => {
                            acked.lock().unwrap().push(name)
                        }
                        Ok(r) => panic!("{name}: {}", r.status()),
                        // The server is gone: this writer stops.
                        Err(_) => return,
                    }
                }
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(300 + 70 * round)).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for w in writers {
            w.await.unwrap();
        }
    }
    // Restart once more and read back through the store the server wrote with.
    let (mut child, _) = start(&app.database_url, &dir);
    let acked = acknowledged.lock().unwrap().clone();
    // Enough writes for the check to mean something; a machine busy with other work (CI on two
    // shared cores) acknowledges fewer in the same rounds than an idle one.
    assert!(
        acked.len() > 20,
        "the load wrote something: {}",
        acked.len()
    );
    let mut all = std::collections::HashSet::new();
    for page in 1.. {
        let p = app
            .store
            .list_assets(
                &t,
                &Default::default(),
                tillit_domain::paging::PageRequest {
                    page,
                    per_page: 200,
                },
            )
            .await
            .unwrap();
        let n = p.items.len();
        all.extend(p.items.into_iter().map(|a| a.input.name));
        if n < 200 {
            break;
        }
    }
    for name in &acked {
        assert!(all.contains(name), "acknowledged but lost: {name}");
    }
    // Nothing half-written: every stored asset has its audit event, and the chain verifies.
    let events = app
        .store
        .list_audit_events(
            &t,
            &AuditFilter {
                action: Some("asset.create".into()),
                ..Default::default()
            },
            tillit_domain::paging::PageRequest {
                page: 1,
                per_page: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        events.total as usize,
        all.len(),
        "one audit event per stored asset"
    );
    assert!(matches!(
        app.store.verify_audit_chain().await.unwrap(),
        ChainReport::Intact { .. }
    ));
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes assets through the API until `stop` is set, counting each acknowledged write in
/// `done`; the number this writer made.
async fn write_until(
    base: String,
    token: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
    done: Arc<std::sync::atomic::AtomicUsize>,
    tag: usize,
) -> usize {
    let client = reqwest::Client::new();
    let mut n = 0;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let res = client
            .post(format!("{base}/api/v1/assets"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"name": format!("Under last {tag}-{n}"), "personal_data": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        n += 1;
        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    n
}

/// In a copy: every asset has its creation event and the audit chain verifies — the copy is a
/// whole moment of the database, not a half-written one.
async fn copy_is_whole(copy: &tillit_store::Store, t_number: &str) -> usize {
    let n = tillit_domain::org::OrgNumber::parse("org_number", t_number).unwrap();
    let (t, _) = copy.operator_tenant(&n).await.unwrap();
    let assets = copy
        .list_assets(&t, &Default::default(), Default::default())
        .await
        .unwrap()
        .total;
    let events = copy
        .list_audit_events(
            &t,
            &AuditFilter {
                action: Some("asset.create".into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap()
        .total;
    assert_eq!(assets, events, "each asset in the copy has its audit event");
    assert!(matches!(
        copy.verify_audit_chain().await.unwrap(),
        ChainReport::Intact { .. }
    ));
    assets as usize
}

#[tokio::test]
async fn a_backup_taken_under_write_load_restores_whole() {
    let app = TestApp::spawn().await;
    let (t, org) = app.org("Region Säker", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "skrivare@s.example", Role::Coordinator)
        .await;
    let token = make_token(&b, "backup", &["read", "write"]).await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writers: Vec<_> = (0..6)
        .map(|i| {
            tokio::spawn(write_until(
                app.base.clone(),
                token.clone(),
                stop.clone(),
                done.clone(),
                i,
            ))
        })
        .collect();
    // The backup starts once the writers are well under way (a count, not a time: a busy machine
    // writes slower), and they go on until it has finished.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while done.load(std::sync::atomic::Ordering::Relaxed) < 20 {
        assert!(
            std::time::Instant::now() < deadline,
            "the writers did not get going"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let dir =
        std::env::temp_dir().join(format!("tillit-restore-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let restored_url = if is_postgres() {
        // pg_dump under load, pg_restore into a new database.
        let admin = std::env::var("TILLIT_TEST_POSTGRES_URL").unwrap();
        let bin = |name: &str| -> std::path::PathBuf {
            std::env::var("PATH")
                .unwrap_or_default()
                .split(':')
                .map(|d| std::path::Path::new(d).join(name))
                .chain(
                    std::fs::read_dir("/usr/lib/postgresql")
                        .into_iter()
                        .flatten()
                        .flatten()
                        .map(|e| e.path().join("bin").join(name)),
                )
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("{name} not found"))
        };
        let dump = dir.join("tillit.dump");
        let out = Command::new(bin("pg_dump"))
            .args(["--format=custom", "--file"])
            .arg(&dump)
            .arg(&app.database_url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let name = format!("r_{}", uuid::Uuid::new_v4().simple());
        let mut conn = {
            use sqlx::Connection;
            sqlx::AnyConnection::connect(&admin).await.unwrap()
        };
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let restored = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        let out = Command::new(bin("pg_restore"))
            .args(["--no-owner", "--dbname", &restored])
            .arg(&dump)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        restored
    } else {
        // tillit backup under load, the copy placed in a fresh data directory.
        let copy = dir.join("copy.db");
        let out = Command::new(env!("CARGO_BIN_EXE_tillit"))
            .args(["--database-url", &app.database_url, "backup", "--to"])
            .arg(&copy)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let data = dir.join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::rename(&copy, data.join("tillit.db")).unwrap();
        format!("sqlite://{}?mode=rwc", data.join("tillit.db").display())
    };
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut written = 0;
    for w in writers {
        written += w.await.unwrap();
    }
    // `tillit audit verify` on the restored copy.
    let out = Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args(["--database-url", &restored_url, "audit", "verify"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let copy = tillit_store::Store::connect(&restored_url).await.unwrap();
    let in_copy = copy_is_whole(&copy, &org.org_number).await;
    let live = copy_is_whole(&app.store, &org.org_number).await;
    assert!(
        in_copy <= live && live <= in_copy + written,
        "{in_copy} in the copy, {live} live"
    );
    copy.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn two_instances_share_sessions_and_run_each_task_once() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Två", OrgKind::Region).await;
    app.member(&t, "anna@tva.example", Role::Admin).await;
    let dir = std::env::temp_dir().join(format!("tillit-two-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut one, url_one) = start(&app.database_url, &dir.join("one"));
    let (mut two, url_two) = start(&app.database_url, &dir.join("two"));

    // Signed in on one instance, the session goes on on the other (cookies are per host, not port).
    let mut b = app.browser();
    b.base = url_one.clone();
    let res = b.sign_in("anna@tva.example", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    b.base = url_two.clone();
    let (status, html) = b.get_text("/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Region Två"));
    // A form made by one instance is accepted by the other (the CSRF key is the installation's).
    let mut anon = app.browser();
    anon.base = url_one.clone();
    let (_, login_page) = anon.get_text("/login").await;
    anon.csrf = csrf_in(&login_page).unwrap();
    anon.base = url_two.clone();
    let res = anon
        .post_form(
            "/login",
            &[("email", "anna@tva.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Failed sign-ins count across instances: five on one, then the other makes the next wait.
    app.member(&t, "bo@tva.example", Role::Reader).await;
    for _ in 0..5 {
        let mut guess = app.browser();
        guess.base = url_one.clone();
        let res = guess.sign_in("bo@tva.example", "fel lösenord").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let mut sixth = app.browser();
    sixth.base = url_two.clone();
    let res = sixth.sign_in("bo@tva.example", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the other instance counts the same failures"
    );

    // Each instance has started its tasks; each run (task and time slot) was claimed once.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for job in ["daily-snapshot", "session-sweep"] {
        let runs = app.store.job_runs(job).await.unwrap();
        let mut slots: Vec<&String> = runs.iter().map(|(s, _)| s).collect();
        let all = slots.len();
        slots.dedup();
        assert!(all >= 1, "{job} ran");
        assert_eq!(slots.len(), all, "{job}: one run per slot: {runs:?}");
    }
    let now = app.store.job_runs("daily-snapshot").await.unwrap()[0]
        .0
        .clone();
    assert!(!app
        .store
        .claim_job_run("daily-snapshot", &now, "a third")
        .await
        .unwrap());

    one.kill().unwrap();
    two.kill().unwrap();
    one.wait().unwrap();
    two.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
