//! `tillit submission verify FILE`: a signed submission checked offline — valid, valid for the
//! pinned key, refused when a byte changed or another organisation's key signed it.

use std::process::Command;

fn verify(path: &std::path::Path, key: Option<&str>) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tillit"));
    cmd.args(["submission", "verify"]).arg(path);
    if let Some(k) = key {
        cmd.args(["--public-key", k]);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_downloaded_submission_is_checked_offline() {
    let dir = std::env::temp_dir().join(format!("tillit-sub-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let other = ed25519_dalek::SigningKey::from_bytes(&[43; 32]);
    let published = hex::encode(key.verifying_key().to_bytes());
    let content = serde_json::json!({
        "organisation": {"name": "Region Norrfjäll", "org_number": "232100-9991"},
        "risk_profile": {"above_tolerance": 2, "untreated": 1},
    });
    let env = tillit_domain::submission::sign(content.clone(), &key, "k1").unwrap();
    let file = dir.join("inlamning.json");
    std::fs::write(&file, serde_json::to_string_pretty(&env).unwrap()).unwrap();

    let (code, out) = verify(&file, None);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&env.sha256) && out.contains("not pinned"),
        "{out}"
    );
    let (code, out) = verify(&file, Some(&published));
    assert_eq!(code, 0, "{out}");

    // One byte of the content changed.
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"untreated\": 1", "\"untreated\": 0");
    let changed = dir.join("andrad.json");
    std::fs::write(&changed, text).unwrap();
    let (code, out) = verify(&changed, Some(&published));
    assert_eq!(code, 2);
    assert!(
        out.contains("NOT VALID") && out.contains("SHA-256"),
        "{out}"
    );

    // Signed by another organisation, presented against this one's published key.
    let forged = tillit_domain::submission::sign(content, &other, "k1").unwrap();
    let forged_file = dir.join("forfalskad.json");
    std::fs::write(&forged_file, serde_json::to_string(&forged).unwrap()).unwrap();
    let (code, out) = verify(&forged_file, Some(&published));
    assert_eq!(code, 2);
    assert!(
        out.contains("not with the organisation's published key"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn each_organisation_has_a_published_key_whose_private_half_is_sealed() {
    use crate::helpers::*;
    let app = TestApp::spawn().await;
    let (t, _) = app
        .org("Region Nyckel", tillit_domain::org::OrgKind::Region)
        .await;
    app.member(&t, "admin@nyckel.example", tillit_domain::role::Role::Admin)
        .await;
    let b = app.login("admin@nyckel.example").await;
    let api = app.api(&make_token(&b, "nyckel", &["read"]).await);
    let (status, org) = api.get_json("/api/v1/organisation").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let keys = org["signing_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{org}");
    let public = keys[0]["public_key"].as_str().unwrap().to_string();
    assert_eq!(public.len(), 64);
    // Asked again: the same key, not a new one.
    let (_, again) = api.get_json("/api/v1/organisation").await;
    assert_eq!(again["signing_keys"][0]["public_key"], public.as_str());
    let (_, html) = b.get_text("/organisation").await;
    assert!(html.contains(&public) && html.contains("Signeringsnyckel"));

    // The database holds the private key only sealed; it opens with the key-encryption key, and
    // what it signs verifies with the published key.
    let rows = app.store.signing_keys(&t).await.unwrap();
    let row = &rows[0];
    let kek = tillit_app::signing::Kek([7; 32]);
    let key = tillit_app::signing::open(&kek, t.id(), &row.id, &row.sealed_private_key).unwrap();
    assert!(!row
        .sealed_private_key
        .contains(&hex::encode(key.to_bytes())));
    assert_eq!(hex::encode(key.verifying_key().to_bytes()), public);
    assert!(tillit_app::signing::open(
        &tillit_app::signing::Kek([8; 32]),
        t.id(),
        &row.id,
        &row.sealed_private_key
    )
    .is_err());
    let env = tillit_domain::submission::sign(serde_json::json!({"x": 1}), &key, &row.id).unwrap();
    let text = serde_json::to_string(&env).unwrap();
    assert!(tillit_domain::submission::verify(&text, Some(&public)).is_ok());
}

#[tokio::test]
async fn the_preview_shows_exactly_what_would_leave_and_nothing_else() {
    use crate::helpers::*;
    let app = TestApp::spawn().await;
    let (t, _) = app
        .org("Region Förhand", tillit_domain::org::OrgKind::Region)
        .await;
    app.member(
        &t,
        "samordnare@forhand.example",
        tillit_domain::role::Role::Coordinator,
    )
    .await;
    let b = app.login("samordnare@forhand.example").await;
    let res = b
        .post_form(
            "/incidents",
            &[
                ("title", "Hemlig rubrik om patient Anna Andersson"),
                (
                    "aware_at",
                    &(chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339(),
                ),
                ("personal_data", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let res = b
        .post_form(
            "/assets",
            &[("name", "Patientjournal"), ("personal_data", "yes")],
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let api = app.api(&make_token(&b, "förhand", &["read"]).await);
    let (status, report) = api.get_json("/api/v1/submission-preview").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(report["organisation"]["name"], "Region Förhand");
    assert_eq!(report["classification"]["information_assets"], 1);
    assert_eq!(report["classification"]["unclassified"], 1);
    assert_eq!(report["incidents"]["last_12_months"], 1);
    assert_eq!(report["incidents"]["by_type"]["personal_data_breach"], 1);
    assert!(report["compliance"]["areas"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    // Summaries only: no incident text and no register rows leave.
    let text = report.to_string();
    assert!(
        !text.contains("Anna Andersson") && !text.contains("Patientjournal"),
        "{text}"
    );
    // The page shows the same content and the SHA-256 of its canonical form.
    let (status, html) = b.get_text("/submissions/preview").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let canonical = tillit_domain::submission::canonical(&report).unwrap();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(canonical.as_bytes()));
    assert!(html.contains(&sha), "the preview's digest is the content's");
}

#[tokio::test]
async fn a_provider_signs_and_sends_a_status_report_that_cannot_be_changed() {
    use crate::helpers::*;
    use reqwest::StatusCode;
    use tillit_domain::org::OrgKind;
    use tillit_domain::role::Role;
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Inlämning", OrgKind::Region).await;
    let (imy, imy_org) = app
        .org("Integritetsskyddsmyndigheten", OrgKind::Authority)
        .await;
    let (_, other_provider) = app.org("Kommun Annan", OrgKind::Municipality).await;
    app.member(&t, "samordnare@inl.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@inl.example", Role::Reader).await;
    let _ = imy;
    let b = app.login("samordnare@inl.example").await;

    // Refused: no authority, a provider named as one, a reader.
    let res = b.post_form("/submissions", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("href=\"#authority_ids\""));
    let res = b
        .post_form(
            "/submissions",
            &[("authority_ids", other_provider.id.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.login("lasare@inl.example").await;
    let res = r
        .post_form("/submissions", &[("authority_ids", imy_org.id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(app.store.submissions(&t).await.unwrap().is_empty());

    // Sent to IMY: signed, listed, its file verifies with the published key.
    let (_, list) = b.get_text("/submissions").await;
    assert!(list.contains("Integritetsskyddsmyndigheten") && !list.contains("Kommun Annan"));
    let res = b
        .post_form("/submissions", &[("authority_ids", imy_org.id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(res.headers());
    let id = to
        .trim_start_matches("/submissions/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (_, html) = b.get_text(&to).await;
    assert!(html.contains("Signaturen stämmer"), "{html}");
    let file = b.get(&format!("/submissions/{id}/file")).await;
    assert_eq!(file.status(), StatusCode::OK);
    let text = file.text().await.unwrap();
    let api = app.api(&make_token(&b, "inl", &["read", "write"]).await);
    let (_, org) = api.get_json("/api/v1/organisation").await;
    let published = org["signing_keys"][0]["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    let v = tillit_domain::submission::verify(&text, Some(&published)).unwrap();
    let (status, one) = api.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["sha256"], v.sha256.as_str());
    // The receipt names the checksum, the authority and what was reported.
    let r = crate::reports::report(&b, &format!("/submissions/{id}/receipt.pdf")).await;
    for text in [
        "Kvitto på inlämning",
        "Region Inlämning",
        "Integritetsskyddsmyndigheten",
        v.sha256.as_str(),
        "Signaturen stämmer",
    ] {
        assert!(r.text.contains(text), "{text:?} in {}", r.text);
    }
    assert_eq!(
        one["submission"]["organisation"]["name"],
        "Region Inlämning"
    );

    // A second one through the API supersedes the first; neither can be changed or removed.
    let res = api
        .post(
            "/api/v1/submissions",
            serde_json::json!({"authority_ids": [imy_org.id]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let second: serde_json::Value = res.json().await.unwrap();
    assert_eq!(second["supersedes"], id.as_str());
    let res = api
        .post(
            "/api/v1/submissions",
            serde_json::json!({"authority_ids": ["00000000-0000-4000-8000-000000000000"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (_, list) = b.get_text("/submissions").await;
    assert!(list.contains("Ersatt"));
    let pool = crate::audit::raw_pool(&app).await;
    for sql in [
        "UPDATE submissions SET envelope = '{}' WHERE id = $1",
        "DELETE FROM submissions WHERE id = $1",
    ] {
        let refused = sqlx::query(sql).bind(&id).execute(&pool).await;
        assert!(refused.is_err(), "{sql}");
    }
}

#[tokio::test]
async fn a_provider_sets_a_schedule_and_is_reminded_until_it_submits() {
    use crate::helpers::*;
    use reqwest::StatusCode;
    use tillit_domain::org::OrgKind;
    use tillit_domain::role::Role;
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Schema", OrgKind::Region).await;
    let (_, imy) = app
        .org("Integritetsskyddsmyndigheten", OrgKind::Authority)
        .await;
    app.member(&t, "samordnare@schema.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@schema.example", Role::Reader).await;
    let b = app.login("samordnare@schema.example").await;
    let (_, overview) = b.get_text("/overview").await;
    assert!(!overview.contains("Inlämning till tillsynsmyndigheterna"));

    // Bad input: an unknown period; a schedule with no authority (named as the schedule's own
    // boxes); a reader may not set one.
    let res = b
        .post_form("/submissions/schedule", &[("period", "varje vecka")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = b
        .post_form("/submissions/schedule", &[("period", "quarterly")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("href=\"#schedule_authority_ids\""));
    let r = app.login("lasare@schema.example").await;
    let res = r
        .post_form(
            "/submissions/schedule",
            &[("period", "quarterly"), ("authority_ids", imy.id.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Quarterly to IMY: due at once (nothing sent since), shown on the overview and in the menu.
    let res = b
        .post_form(
            "/submissions/schedule",
            &[("period", "quarterly"), ("authority_ids", imy.id.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let today = tillit_app::today_date();
    let (_, overview) = b.get_text("/overview").await;
    assert!(
        overview.contains("Inlämning till tillsynsmyndigheterna"),
        "{overview}"
    );
    assert!(overview.contains(&format!("senast {today}")));
    assert!(
        overview.contains(&format!("inlämning senast {today}")),
        "the menu counts it"
    );
    let api = app.api(&make_token(&b, "schema", &["read", "write"]).await);
    let (_, s) = api.get_json("/api/v1/submission-schedule").await;
    assert_eq!(s["period"], "quarterly");
    assert_eq!(s["next_due"], today.to_string().as_str());

    // Submitted: the next is due a quarter later and the reminder is gone.
    let res = b
        .post_form("/submissions", &[("authority_ids", imy.id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, s) = api.get_json("/api/v1/submission-schedule").await;
    let next = today
        .checked_add_months(chrono::Months::new(3))
        .unwrap()
        .to_string();
    assert_eq!(s["next_due"], next.as_str());
    let (_, overview) = b.get_text("/overview").await;
    assert!(!overview.contains("Inlämning till tillsynsmyndigheterna"));

    // Through the API: an unknown authority is a conflict with the records; none removes it.
    let res = api
        .put("/api/v1/submission-schedule", serde_json::json!({"period": "yearly", "authority_ids": ["00000000-0000-4000-8000-000000000000"]}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = api
        .put(
            "/api/v1/submission-schedule",
            serde_json::json!({"period": "none"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, s) = api.get_json("/api/v1/submission-schedule").await;
    assert_eq!(s["period"], "none");
}
