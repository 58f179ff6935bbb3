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
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("Tillit listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    (child, url)
}

#[tokio::test]
async fn no_acknowledged_write_is_lost_when_the_server_is_killed() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Hållbar", OrgKind::Region).await;
    app.member(&t, "skrivare@h.example", Role::Coordinator)
        .await;
    let b = app.login("skrivare@h.example").await;
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
                        .json(&serde_json::json!({"name": name, "personal_data": "no"}))
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
    assert!(
        acked.len() > 100,
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
