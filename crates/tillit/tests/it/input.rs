//! Bad input on every form and endpoint gets a clear 4xx naming the field, and nothing is stored.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use tillit_domain::ids::*;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

/// Form fields, the field expected to be named, and words of the expected message.
type FormCase<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

async fn member_count(app: &TestApp, t: &tillit_store::Tenant) -> i64 {
    app.store
        .list_members(t, &Default::default(), Default::default())
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn the_add_member_form_names_the_broken_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "admin@r.example", Role::Admin)
        .await;
    let long_name = "Å".repeat(201);
    let cases: Vec<FormCase> = vec![
        (
            vec![("email", ""), ("display_name", "X"), ("role", "reader")],
            "email",
            "måste fyllas i",
        ),
        (
            vec![
                ("email", "inte-en-adress"),
                ("display_name", "X"),
                ("role", "reader"),
            ],
            "email",
            "har fel format",
        ),
        (
            vec![
                ("email", "ny@r.example"),
                ("display_name", &long_name),
                ("role", "reader"),
            ],
            "display_name",
            "högst 200 tecken",
        ),
        (
            vec![
                ("email", "ny@r.example"),
                ("display_name", "X"),
                ("role", ""),
            ],
            "role",
            "måste fyllas i",
        ),
        (
            vec![
                ("email", "ny@r.example"),
                ("display_name", "X"),
                ("role", "boss"),
            ],
            "role",
            "tillåtna värdena",
        ),
        (
            vec![
                ("email", "ny@r.example"),
                ("display_name", "X"),
                ("role", "case_officer"),
            ],
            "role",
            "den här typen av organisation",
        ),
        (
            vec![
                ("email", "ny@r.example"),
                ("display_name", ""),
                ("role", "reader"),
            ],
            "display_name",
            "måste fyllas i",
        ),
        (
            vec![
                ("email", "admin@r.example"),
                ("display_name", "X"),
                ("role", "reader"),
            ],
            "email",
            "finns redan",
        ),
    ];
    let before = member_count(&app, &t).await;
    for (fields, field, message) in cases {
        let res = b.post_form("/admin/members", &fields).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {fields:?}"
        );
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!("href=\"#{field}\"")),
            "names {field}"
        );
        assert!(html.contains(message), "{field}: expected «{message}»");
    }
    assert_eq!(member_count(&app, &t).await, before, "nothing stored");
    assert!(
        app.store
            .user_by_email("ny@r.example")
            .await
            .unwrap()
            .is_none(),
        "no account made"
    );
}

#[tokio::test]
async fn the_api_answers_bad_json_with_a_problem_naming_the_field() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "admin@r.example", Role::Admin)
        .await;
    let secret = make_token(&b, "admin", &["read", "write", "admin"]).await;
    let api = app.api(&secret);
    let before = member_count(&app, &t).await;
    let cases = [
        (
            json!({"email": 5, "role": "reader", "display_name": "X"}),
            "email",
            "invalid_format",
        ),
        (
            json!({"email": "x@r.example", "display_name": "X"}),
            "role",
            "required",
        ),
        (
            json!({"email": "x@r.example", "role": "reader", "display_name": "X", "admin": true}),
            "admin",
            "unknown_value",
        ),
        (json!({"email": "", "role": "reader"}), "email", "required"),
        (
            json!({"email": "x@r.example", "role": "reader", "display_name": "a".repeat(201)}),
            "display_name",
            "too_long",
        ),
        (
            json!({"email": "x@r.example", "role": "analyst", "display_name": "X"}),
            "role",
            "not_allowed_for_organisation_kind",
        ),
        (json!("not an object"), "body", "invalid_format"),
    ];
    for (body, field, rule) in cases {
        let res = api.post("/api/v1/members", body.clone()).await;
        // A rule of the document is 422; one that depends on the organisation (a role of the
        // authorities' side in a care provider) is 409.
        let expected = if rule == "not_allowed_for_organisation_kind" {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        assert_eq!(res.status(), expected, "{body}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let p: serde_json::Value = res.json().await.unwrap();
        assert_eq!(p["status"], expected.as_u16());
        assert_eq!(p["errors"][0]["field"], field, "{p}");
        assert_eq!(p["errors"][0]["rule"], rule, "{p}");
        assert!(p["errors"][0]["message"].as_str().unwrap().len() > 5);
    }
    // Not JSON at all.
    let res = api
        .client
        .post(app.url("/api/v1/members"))
        .bearer_auth(&secret)
        .body("email=x")
        .header("content-type", "text/plain")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(member_count(&app, &t).await, before, "nothing stored");

    // Unknown ids and bad query parameters.
    assert_eq!(
        api.get("/api/v1/members/nonexistent").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.patch("/api/v1/members/nonexistent", json!({"role": "dpo"}))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    for (path, field) in [
        ("/api/v1/members?per_page=0", "per_page"),
        ("/api/v1/members?page=x", "page"),
        ("/api/v1/members?role=boss", "role"),
        ("/api/v1/audit-events?from=2026-13-01", "from"),
        ("/api/v1/audit-events?to=igår", "to"),
    ] {
        let (status, p) = api.get_json(path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(p["errors"][0]["field"], field, "{path}: {p}");
    }
    // English problem details on request.
    let res = api
        .client
        .get(app.url("/api/v1/members?per_page=500"))
        .bearer_auth(&secret)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        p["errors"][0]["message"],
        "Per page: must be between 1 and 200"
    );
}

#[tokio::test]
async fn token_and_other_forms_refuse_bad_input() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "samordnare@r.example", Role::Coordinator)
        .await;
    let long = "n".repeat(101);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("name", ""), ("scopes", "read")], "name"),
        (vec![("name", &long), ("scopes", "read")], "name"),
        (vec![("name", "x")], "scopes"),
        (vec![("name", "x"), ("scopes", "root")], "scopes"),
        (vec![("name", "x"), ("scopes", "admin")], "scopes"),
        (
            vec![("name", "x"), ("scopes", "read"), ("expires_in_days", "0")],
            "expires_in_days",
        ),
        (
            vec![
                ("name", "x"),
                ("scopes", "read"),
                ("expires_in_days", "tio"),
            ],
            "expires_in_days",
        ),
    ];
    for (fields, field) in cases {
        let res = b.post_form("/account/tokens", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(
            res.text()
                .await
                .unwrap()
                .contains(&format!("href=\"#{field}\"")),
            "{field}"
        );
    }
    let user = app
        .store
        .user_by_email("samordnare@r.example")
        .await
        .unwrap()
        .unwrap();
    assert!(
        app.store
            .list_tokens(&t, &user.user.id)
            .await
            .unwrap()
            .is_empty(),
        "no token stored"
    );

    assert_eq!(
        b.post_form("/lang", &[("lang", "fi")]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        b.post_form("/org/switch", &[("org_id", "")]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        b.get("/admin/members?per_page=1000").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let res = b
        .post_form("/login", &[("email", &"a".repeat(300)), ("password", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_last_administrator_cannot_be_removed_or_demoted() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let admin = app.member(&t, "admin@r.example", Role::Admin).await;
    let b = app.login("admin@r.example").await;
    let res = b
        .post_form(
            &format!("/admin/members/{admin}/role"),
            &[("role", "reader")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("minst en administratör"));
    let res = b
        .post_form(&format!("/admin/members/{admin}/remove"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.store
            .member(&t, &MembershipId::from(admin.as_str()))
            .await
            .unwrap()
            .role,
        Role::Admin
    );
}

#[tokio::test]
async fn a_query_parameter_given_twice_is_named_in_the_error() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "anna@region.example", Role::Admin)
        .await;
    let token = make_token(&b, "query", &["read"]).await;
    let api = app.api(&token);
    let (status, body) = api.get_json("/api/v1/assets?sort=name&sort=level").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "sort", "{body}");
    let (status, body) = api.get_json("/api/v1/systems?hosting=moon").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "hosting", "{body}");
    let (status, _) = b.get_text("/assets?sort=level&unknown=1").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "parameters no page names are ignored"
    );
}
