//! The JSON API: tokens with scopes, CSRF for browser calls, pagination, the OpenAPI document.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn tokens_carry_scopes_are_shown_once_and_can_be_revoked() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "admin@r.example", Role::Admin)
        .await;

    let read = app.api(&make_token(&b, "läsare", &["read"]).await);
    let (status, body) = read.get_json("/api/v1/members").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 1);
    let (status, _) = read.get_json("/api/v1/audit-events").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "audit needs the admin scope");
    let res = read
        .post(
            "/api/v1/members",
            json!({"email": "x@r.example", "display_name": "X", "role": "reader"}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "read scope cannot add members"
    );

    let secret = make_token(&b, "admin", &["read", "write", "admin"]).await;
    let admin = app.api(&secret);
    let res = admin
        .post(
            "/api/v1/members",
            json!({"email": "x@r.example", "display_name": "X", "role": "reader"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let added: serde_json::Value = res.json().await.unwrap();
    assert_eq!(added["role"], "reader");
    assert!(
        added["url"].as_str().unwrap().contains("/invitations/"),
        "{added}"
    );
    // A token cannot mint tokens.
    let res = admin
        .post("/api/v1/tokens", json!({"name": "n", "scopes": ["read"]}))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The list never shows the secret again, only its beginning.
    let (_, tokens) = admin.get_json("/api/v1/tokens").await;
    let text = tokens.to_string();
    assert!(!text.contains(&secret[10..]), "secret is not shown again");
    assert!(text.contains(&secret[..12]));

    // Revoked: refused with a problem document.
    let id = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "admin")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        admin.delete(&format!("/api/v1/tokens/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let res = admin.get("/api/v1/members").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    // A made-up token too.
    let (status, _) = app.api("tlt_00").get_json("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn browser_api_calls_need_the_csrf_header_for_changes() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "admin@r.example", Role::Admin).await;
    let reader = app.member(&t, "reader@r.example", Role::Reader).await;
    let b = app.login("admin@r.example").await;
    let res = b
        .client
        .patch(app.url(&format!("/api/v1/members/{reader}")))
        .json(&json!({"role": "dpo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no CSRF header");
    let res = b
        .json(
            Method::PATCH,
            &format!("/api/v1/members/{reader}"),
            Some(json!({"role": "dpo"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let m: serde_json::Value = res.json().await.unwrap();
    assert_eq!(m["role"], "dpo");
    // Unauthenticated API calls get 401, not a redirect.
    let res = app.browser().get("/api/v1/members").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn lists_are_paginated() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "admin@r.example", Role::Admin).await;
    for i in 0..4 {
        app.member(&t, &format!("person{i}@r.example"), Role::Reader)
            .await;
    }
    let b = app.login("admin@r.example").await;
    let (_, p1) = {
        let r = b.get("/api/v1/members?per_page=2").await;
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    let (_, p3) = {
        let r = b.get("/api/v1/members?per_page=2&page=3").await;
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    assert_eq!(p1["total"], 5);
    assert_eq!(p1["items"].as_array().unwrap().len(), 2);
    assert_eq!(p3["items"].as_array().unwrap().len(), 1);
    let (_, role_only) = {
        let r = b.get("/api/v1/members?role=admin").await;
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    assert_eq!(role_only["total"], 1);
    let (_, q) = {
        let r = b.get("/api/v1/members?q=PERSON2").await;
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    assert_eq!(q["total"], 1, "case-insensitive search");
    // The page's pager links keep the filter.
    let (_, html) = b.get_text("/admin/members?per_page=2&role=reader").await;
    let pager = html[html.find("class=\"pager\"").expect("a pager")..].replace("&#38;", "&");
    assert!(
        pager.contains("role=reader&per_page=2&page=2"),
        "pager keeps the filter and page size: {}",
        &pager[..600.min(pager.len())]
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = TestApp::spawn().await;
    let res = app.browser().get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for path in [
        "/api/v1/me",
        "/api/v1/members",
        "/api/v1/members/{id}",
        "/api/v1/audit-events",
        "/api/v1/tokens/{id}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Request bodies keep the schema names clients were generated from, and every reference
    // resolves to a schema in the document.
    for name in [
        "AssetBody",
        "SystemBody",
        "SystemLevelsBody",
        "ClassificationBody",
        "AssessmentBody",
        "RiskAnalysisBody",
        "ScenarioBody",
        "MeasureBody",
        "AccessAnalysisBody",
        "UserGroupDto",
        "RiskMatrixDto",
    ] {
        assert!(doc["components"]["schemas"][name].is_object(), "{name}");
    }
    let text = doc.to_string();
    for (pos, _) in text.match_indices("#/components/schemas/") {
        let rest = &text[pos + "#/components/schemas/".len()..];
        let name = &rest[..rest.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling $ref {name}"
        );
    }
    assert_eq!(
        doc["paths"]["/api/v1/assets"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/AssetBody"
    );
    // Errors are documented as the API sends them: problem documents, for every operation.
    let put = &doc["paths"]["/api/v1/assets/{id}"]["put"]["responses"];
    for status in ["401", "403", "404", "413", "415", "422", "503"] {
        assert_eq!(
            put[status]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem",
            "{status}"
        );
    }
    assert!(!text
        .contains("\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\""));
    let per_page = doc["paths"]["/api/v1/assets"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "per_page")
        .unwrap();
    assert_eq!(per_page["schema"]["anyOf"][0]["maximum"], 200);
    // The document states the domain's rules: a required name with its length, a word list.
    let asset = &doc["components"]["schemas"]["AssetBody"];
    assert_eq!(asset["required"], json!(["name"]));
    assert_eq!(asset["properties"]["name"]["maxLength"], 200);
    assert!(asset["properties"]["data_subjects"]["items"]["enum"]
        .as_array()
        .unwrap()
        .contains(&json!("patients")));

    // What the document says about an anonymous write is what the API answers.
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/assets"))
        .json(&serde_json::json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
}
