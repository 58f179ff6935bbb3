//! The web shell: language, organisation switch, health, assets, errors, backup.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn language_switch_changes_the_pages_and_is_remembered() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "anna@r.example", Role::Coordinator)
        .await;
    let (_, html) = b.get_text("/overview").await;
    assert!(html.contains("<html lang=\"sv\">") && html.contains("Översikt"));
    let res = b
        .post_form("/lang", &[("lang", "en"), ("return_to", "/overview")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), "/overview");
    let (_, html) = b.get_text("/overview").await;
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("Getting started"),
        "English page"
    );
    // Stored on the account: a new browser gets English too.
    let b2 = app.login("anna@r.example").await;
    assert!(b2
        .get_text("/overview")
        .await
        .1
        .contains("<html lang=\"en\">"));
    // An open redirect is not possible.
    let res = b
        .post_form("/lang", &[("lang", "sv"), ("return_to", "//evil.example/")])
        .await;
    assert_eq!(location(res.headers()), "/");
}

#[tokio::test]
async fn a_member_of_two_organisations_switches_between_them() {
    let app = TestApp::spawn().await;
    let (a, _) = app.org("Åsby kommun", OrgKind::Municipality).await;
    let (b_org, _) = app.org("Östervik kommun", OrgKind::Municipality).await;
    app.member(&a, "peter@samverkan.example", Role::Coordinator)
        .await;
    let b = app
        .member_signed_in(&b_org, "peter@samverkan.example", Role::Admin)
        .await;
    let (_, html) = b.get_text("/overview").await;
    assert!(html.contains("Åsby kommun (Kommun)"), "first by name");
    assert!(
        !html.contains("href=\"/admin/audit\""),
        "coordinator in Åsby"
    );
    let res = b.post_form("/org/switch", &[("org_id", b_org.id())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text("/overview").await;
    assert!(html.contains("Östervik kommun (Kommun)"));
    assert!(html.contains("href=\"/admin/audit\""), "admin in Östervik");
}

#[tokio::test]
async fn health_assets_and_unknown_pages() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    assert_eq!(
        b.get_text("/healthz").await,
        (StatusCode::OK, "ok".to_string())
    );
    assert_eq!(
        b.get_text("/readyz").await,
        (StatusCode::OK, "ready".to_string())
    );
    let res = b.get("/static/app.css").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(b.get("/static/htmx.min.js").await.status(), StatusCode::OK);
    assert_eq!(
        b.get("/static/nope.js").await.status(),
        StatusCode::NOT_FOUND
    );
    let (status, html) = b.get_text("/finns-inte").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Sidan finns inte"));
    let res = b.get("/overview").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), "/login?next=%2Foverview");
}

#[tokio::test]
async fn the_overview_tells_a_new_organisation_what_to_do_first() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Ny kommun", OrgKind::Municipality).await;
    let b = app
        .member_signed_in(&t, "admin@ny.example", Role::Admin)
        .await;
    let (_, html) = b.get_text("/overview").await;
    assert!(html.contains("Kom igång"));
    assert_eq!(
        html.matches("class=\"todo\"").count(),
        4,
        "all four first steps open"
    );
    app.member(&t, "samordnare@ny.example", Role::Coordinator)
        .await;
    let (_, html) = b.get_text("/overview").await;
    assert_eq!(
        html.matches("class=\"done\"").count(),
        2,
        "members and coordinator done"
    );
    let (t2, _) = app.org("Tillsynsmyndighet", OrgKind::Authority).await;
    let b2 = app
        .member_signed_in(&t2, "admin@myndighet.example", Role::AuthorityAdmin)
        .await;
    let (_, html) = b2.get_text("/overview").await;
    assert!(
        html.contains("Tillsyn och stöd") && html.contains("handläggare"),
        "authority side"
    );
}

#[tokio::test]
async fn backup_makes_a_consistent_copy_of_sqlite() {
    if is_postgres() {
        eprintln!("backup of PostgreSQL is pg_dump's job; this test is for SQLite");
        return;
    }
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "anna@r.example", Role::Admin).await;
    let target = std::env::temp_dir().join(format!(
        "tillit-backup-{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args([
            "--database-url",
            &app.database_url,
            "backup",
            "--to",
            target.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = tillit_store::Store::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    assert_eq!(copy.list_organisations().await.unwrap().len(), 1);
    assert!(copy
        .user_by_email("anna@r.example")
        .await
        .unwrap()
        .is_some());
    assert!(matches!(
        copy.verify_audit_chain().await.unwrap(),
        tillit_store::ChainReport::Intact { .. }
    ));
    // A second backup to the same file is refused rather than overwriting it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args([
            "--database-url",
            &app.database_url,
            "backup",
            "--to",
            target.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let _ = std::fs::remove_file(target);
}

#[test]
fn serve_logs_the_chosen_port_and_stops_gracefully_on_sigterm() {
    use std::io::BufRead;
    let dir = std::env::temp_dir().join(format!("tillit-serve-{}", uuid::Uuid::new_v4().simple()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "serve",
            "--bind",
            "127.0.0.1:0",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("Tillit listening on http://")
        .expect("the address is printed")
        .to_string();
    assert!(!addr.ends_with(":0"), "a real port was chosen: {addr}");
    let ready = std::process::Command::new("curl")
        .args(["-fsS", &format!("http://{addr}/readyz")])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&ready.stdout), "ready");
    assert!(
        dir.join("tillit.db").exists(),
        "SQLite database made in the data directory"
    );

    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "did not stop after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_organisation_with_nothing_registered_is_told_where_to_begin() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Tom", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "anna@tom.example", Role::Coordinator)
        .await;
    let (status, html) = b.get_text("/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Börja här"), "{html}");
    assert!(html.contains("href=\"/assets/new\""));
    assert!(
        !html.contains("Inga brister just nu"),
        "no gaps is not said of nothing"
    );
}

/// The design system's page renders the product's own parts (the field table with an error at
/// the field and in the summary, a heat map, chips) where it is switched on, and is not found in
/// production.
#[tokio::test]
async fn the_design_page_shows_the_real_parts_and_is_off_in_production() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Design", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "utv@design.example", Role::Reader)
        .await;
    let (status, html) = b.get_text("/design").await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "class=\"kpis\"",
        "class=\"tiles\"",
        "status status-not-met",
        "level level-4",
        "class=\"table-wrap\"",
        "details class=\"edit\"",
        "nav class=\"tabs\"",
        "id=\"error-summary\"",
        "<p class=\"field-error\" id=\"title-error\">Fyll i rubriken.</p>",
        "<figure class=\"heatmap\"",
        "&#60;ul class=&#34;kpis&#34;&#62;",
    ] {
        assert!(html.contains(part), "{part}");
    }

    let prod = TestApp::spawn_with(tillit_web::WebConfig {
        design_page: false,
        ..test_config()
    })
    .await;
    let (t, _) = prod.org("Region Drift", OrgKind::Region).await;
    prod.member(&t, "utv@drift.example", Role::Reader).await;
    let b = prod.login("utv@drift.example").await;
    assert_eq!(b.get_text("/design").await.0, StatusCode::NOT_FOUND);
}
