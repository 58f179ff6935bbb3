//! The audit trail: every change is recorded with before and after; the chain verifies; tampering
//! is found and named, by the store and by `tillit audit verify`.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::{AuditFilter, ChainReport};

fn verify_cli(app: &TestApp) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args(["--database-url", &app.database_url, "audit", "verify"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[tokio::test]
async fn changes_are_recorded_and_tampering_is_detected_with_the_event_id() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "admin@r.example", Role::Admin).await;
    let reader = app.member(&t, "reader@r.example", Role::Reader).await;
    let b = app.login("admin@r.example").await;
    let res = b
        .post_form(&format!("/admin/members/{reader}/role"), &[("role", "dpo")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The role change is an event with before and after, shown on the audit page.
    let f = AuditFilter {
        action: Some("member.role".into()),
        ..Default::default()
    };
    let events = app
        .store
        .list_audit_events(&t, &f, Default::default())
        .await
        .unwrap();
    assert_eq!(events.total, 1);
    let ev = &events.items[0];
    assert_eq!(ev.before.as_ref().unwrap()["role"], "reader");
    assert_eq!(ev.after.as_ref().unwrap()["role"], "dpo");
    assert_eq!(ev.actor_label, "admin@r.example");
    let (status, html) = b.get_text(&format!("/admin/audit/{}", ev.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("reader") && html.contains("dpo"));
    assert!(
        html.contains("Roll ändrades"),
        "the action in words: {html}"
    );
    assert!(!html.contains(">member.role<"));
    let (_, html) = b.get_text("/admin/audit?action=member.role").await;
    assert!(html.contains("1 händelse"), "filtered list");
    // Events made from the command line are the operator's, in words.
    let (_, html) = b.get_text("/admin/audit").await;
    assert!(html.contains("Driftansvarig (kommandoraden)"), "{html}");
    assert!(!html.contains("operator (tillit admin)"));
    assert!(html.contains("Medlem lades till") && !html.contains(">member.add<"));

    let n = match app.store.verify_audit_chain().await.unwrap() {
        ChainReport::Intact { events } => events,
        ChainReport::Broken(b) => panic!("{b}"),
    };
    assert!(n >= 6, "{n}");
    let (code, out) = verify_cli(&app);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact"), "{out}");

    // The trail is append-only: the database itself refuses an update.
    let pool = raw_pool(&app).await;
    let refused = sqlx::query("UPDATE audit_events SET after_json = '{}' WHERE id = $1")
        .bind(&ev.id)
        .execute(&pool)
        .await;
    assert!(refused.is_err(), "update of an audit event must be refused");

    // Someone with database access removes the guard and changes the event.
    let drop_guard = if is_postgres() {
        "DROP TRIGGER audit_events_append_only ON audit_events"
    } else {
        "DROP TRIGGER audit_events_no_update"
    };
    sqlx::query(drop_guard).execute(&pool).await.unwrap();
    sqlx::query("UPDATE audit_events SET after_json = $1 WHERE id = $2")
        .bind(r#"{"email":"reader@r.example","role":"admin"}"#)
        .bind(&ev.id)
        .execute(&pool)
        .await
        .unwrap();
    match app.store.verify_audit_chain().await.unwrap() {
        ChainReport::Broken(b) => assert_eq!(b.event_id(), Some(ev.id.as_str()), "{b}"),
        ChainReport::Intact { .. } => panic!("tampering not detected"),
    }
    let (code, out) = verify_cli(&app);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&ev.id), "{out}");
}

pub(crate) async fn raw_pool(app: &TestApp) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&app.database_url).await.unwrap()
}

#[tokio::test]
async fn concurrent_changes_keep_one_unbroken_chain() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let mut handles = vec![];
    for i in 0..20 {
        let store = app.store.clone();
        let t = t.clone();
        handles.push(tokio::spawn(async move {
            let e = tillit_domain::user::Email::parse("email", &format!("p{i}@r.example")).unwrap();
            let u = store
                .create_user(&tillit_store::Actor::operator(), &e, "P", "x", false)
                .await
                .unwrap();
            store
                .add_member(&t, &tillit_store::Actor::operator(), &u.id, Role::Reader)
                .await
                .unwrap();
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert!(
        matches!(app.store.verify_audit_chain().await.unwrap(), ChainReport::Intact { events } if events == 41)
    );
}

/// Every event of the chain, in order, as the hash covers it.
async fn chain_records(pool: &sqlx::AnyPool) -> Vec<tillit_domain::audit::AuditRecord> {
    use sqlx::Row;
    sqlx::query("SELECT seq, id, occurred_at, actor_id, actor_label, org_id, action, object_type, object_id, before_json, after_json FROM audit_events ORDER BY seq")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| tillit_domain::audit::AuditRecord {
            seq: r.get("seq"),
            id: r.get("id"),
            occurred_at: r.get("occurred_at"),
            actor_id: r.get("actor_id"),
            actor_label: r.get("actor_label"),
            org_id: r.get("org_id"),
            action: r.get("action"),
            object_type: r.get("object_type"),
            object_id: r.get("object_id"),
            before_json: r.get("before_json"),
            after_json: r.get("after_json"),
        })
        .collect()
}

async fn drop_append_only_guard(pool: &sqlx::AnyPool) {
    let drops: &[&str] = if is_postgres() {
        &["DROP TRIGGER audit_events_append_only ON audit_events"]
    } else {
        &[
            "DROP TRIGGER audit_events_no_update",
            "DROP TRIGGER audit_events_no_delete",
        ]
    };
    for d in drops {
        sqlx::query(d).execute(pool).await.unwrap();
    }
}

fn verify_with_checkpoints(app: &TestApp, dir: &std::path::Path, public: &str) -> (i32, String) {
    let file = dir.join("checkpoints.jsonl");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args(["--database-url", &app.database_url, "--data-dir"])
        .arg(dir.join("data"))
        .args(["audit", "verify", "--checkpoints"])
        .arg(&file)
        .args(["--public-key", public])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// An audit trail with some events and a signed checkpoint of its head, in a fresh directory.
async fn checkpointed() -> (TestApp, std::path::PathBuf, String) {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    for i in 0..4 {
        app.member(&t, &format!("p{i}@r.example"), Role::Reader)
            .await;
    }
    let dir = std::env::temp_dir().join(format!("tillit-cp-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = tillit::checkpoints::load_or_create_key(&dir.join("checkpoint.key")).unwrap();
    let file = dir.join("checkpoints.jsonl");
    let written = tillit::checkpoints::write(&app.store, &key, &file)
        .await
        .unwrap();
    assert!(written.is_some());
    // Nothing changed: no second checkpoint.
    assert!(tillit::checkpoints::write(&app.store, &key, &file)
        .await
        .unwrap()
        .is_none());
    let public = tillit::checkpoints::public_key_hex(&key);
    let (code, out) = verify_with_checkpoints(&app, &dir, &public);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("extends all 1 signed checkpoints"), "{out}");
    (app, dir, public)
}

#[tokio::test]
async fn removing_the_last_events_is_found_by_the_checkpoints() {
    let (app, dir, public) = checkpointed().await;
    let pool = raw_pool(&app).await;
    drop_append_only_guard(&pool).await;
    // Delete the last event and move the head back to the one before: the chain alone verifies.
    let records = chain_records(&pool).await;
    let last = records.last().unwrap();
    sqlx::query("DELETE FROM audit_events WHERE seq = $1")
        .bind(last.seq)
        .execute(&pool)
        .await
        .unwrap();
    let prev: String = {
        use sqlx::Row;
        sqlx::query("SELECT hash FROM audit_events WHERE seq = $1")
            .bind(last.seq - 1)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("hash")
    };
    sqlx::query("UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1")
        .bind(last.seq - 1)
        .bind(&prev)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        app.store.verify_audit_chain().await.unwrap(),
        ChainReport::Intact { .. }
    ));
    let (code, out) = verify_with_checkpoints(&app, &dir, &public);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("events were removed"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_rewritten_chain_is_found_by_the_checkpoints() {
    let (app, dir, public) = checkpointed().await;
    let pool = raw_pool(&app).await;
    drop_append_only_guard(&pool).await;
    // Change an event in the middle and recompute every later hash and the head.
    let mut records = chain_records(&pool).await;
    let k = records.len() / 2;
    records[k].after_json = Some(r#"{"role":"admin"}"#.into());
    let mut prev: String = {
        use sqlx::Row;
        sqlx::query("SELECT prev_hash FROM audit_events WHERE seq = $1")
            .bind(records[0].seq)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("prev_hash")
    };
    for r in &records {
        let hash = r.chain_hash(&prev);
        sqlx::query(
            "UPDATE audit_events SET after_json = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
        )
        .bind(&r.after_json)
        .bind(&prev)
        .bind(&hash)
        .bind(r.seq)
        .execute(&pool)
        .await
        .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        app.store.verify_audit_chain().await.unwrap(),
        ChainReport::Intact { .. }
    ));
    let (code, out) = verify_with_checkpoints(&app, &dir, &public);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("rewritten"), "{out}");
    // A checkpoint file signed with another key is refused too.
    let other = tillit::checkpoints::public_key_hex(
        &tillit::checkpoints::load_or_create_key(&dir.join("other.key")).unwrap(),
    );
    let (code, out) = verify_with_checkpoints(&app, &dir, &other);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not signed by the pinned key"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
