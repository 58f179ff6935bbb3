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
    let (_, html) = b.get_text("/admin/audit?action=member.role").await;
    assert!(html.contains("1 händelse"), "filtered list");

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

async fn raw_pool(app: &TestApp) -> sqlx::AnyPool {
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
