//! Nobody becomes a member of an organisation without taking its invitation; the administrator's
//! answer does not tell whether the address has an account anywhere on the platform.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

fn link_in(html: &str) -> String {
    let i = html
        .find("id=\"invitation-link\">")
        .expect("the link is shown")
        + "id=\"invitation-link\">".len();
    let url = &html[i..i + html[i..].find('<').unwrap()];
    url[url.find("/invitations/").unwrap()..].to_string()
}

async fn invite(b: &Browser, email: &str) -> (StatusCode, String) {
    let res = b
        .post_form(
            "/admin/members",
            &[
                ("email", email),
                ("display_name", "Ny Person"),
                ("role", "coordinator"),
            ],
        )
        .await;
    let status = res.status();
    (status, res.text().await.unwrap())
}

#[tokio::test]
async fn an_existing_account_joins_only_by_accepting_and_the_answer_does_not_tell() {
    let app = TestApp::spawn().await;
    let (a, _) = app.org("Region A", OrgKind::Region).await;
    let (v, _) = app.org("Region V", OrgKind::Region).await;
    app.member(&a, "admin@a.example", Role::Admin).await;
    app.member(&v, "offer@v.example", Role::Coordinator).await;
    let admin = app.login("admin@a.example").await;

    // The same answer for an address with an account and one without.
    let (s1, html1) = invite(&admin, "offer@v.example").await;
    let (s2, html2) = invite(&admin, "ingen@nowhere.example").await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert!(
        !html1.contains("Test offer@v.example"),
        "the account's name is not shown"
    );
    let (l1, _) = (link_in(&html1), link_in(&html2));
    for html in [&html1, &html2] {
        assert!(html.contains("Inbjudan är skapad"), "{html}");
    }
    // The API answers alike too: the same fields, whatever the address.
    let token = make_token(&admin, "admin", &["read", "write", "admin"]).await;
    let api = app.api(&token);
    let mut shapes = Vec::new();
    for email in ["offer2@v.example", "ingen2@nowhere.example"] {
        if email.starts_with("offer2") {
            app.member(&v, email, Role::Reader).await;
        }
        let res = api
            .post(
                "/api/v1/members",
                serde_json::json!({"email": email, "display_name": "N", "role": "reader"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: serde_json::Value = res.json().await.unwrap();
        let mut keys: Vec<String> = body.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        shapes.push(keys);
    }
    assert_eq!(shapes[0], shapes[1]);
    // Not a member until accepted: the next sign-in stays in the person's own organisation.
    let mut person = app.login("offer@v.example").await;
    let (_, overview) = person.get_text("/overview").await;
    assert!(overview.contains("Region V") && !overview.contains("Region A"));
    assert!(app
        .store
        .memberships_of_user(
            &app.store
                .user_by_email("offer@v.example")
                .await
                .unwrap()
                .unwrap()
                .user
                .id
        )
        .await
        .unwrap()
        .iter()
        .all(|m| m.org_name == "Region V"));

    // Someone else signed in cannot take it.
    let admin_page = admin.get_text(&l1).await.1;
    assert!(admin_page.contains("annan e-postadress"), "{admin_page}");
    let res = admin.post_form(&format!("{l1}/accept"), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The person accepts: now a member of A, acting there.
    person.refresh_csrf().await;
    let (_, page) = person.get_text(&l1).await;
    assert!(
        page.contains("Region A bjuder in offer@v.example"),
        "{page}"
    );
    let res = person.post_form(&format!("{l1}/accept"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, overview) = person.get_text("/overview").await;
    assert!(overview.contains("Region A"));
    // Once only.
    assert_eq!(person.get(&l1).await.status(), StatusCode::NOT_FOUND);

    // The next sign-in returns to the organisation last acted in.
    let fresh = app.login("offer@v.example").await;
    let (_, overview) = fresh.get_text("/overview").await;
    assert!(
        overview.contains("Region A"),
        "returns to the last organisation"
    );
}

#[tokio::test]
async fn a_new_address_makes_its_account_with_the_link() {
    let app = TestApp::spawn().await;
    let (a, _) = app.org("Region A", OrgKind::Region).await;
    let admin = app
        .member_signed_in(&a, "admin@a.example", Role::Admin)
        .await;
    let (_, html) = invite(&admin, "ny@a.example").await;
    let link = link_in(&html);
    // Listed as waiting, and withdrawable.
    let (_, members) = admin.get_text("/admin/members").await;
    assert!(members.contains("ny@a.example"));

    let mut b = app.browser();
    let (status, page) = b.get_text(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Skapa ditt konto"), "{page}");
    b.csrf = csrf_in(&page).unwrap();
    // A weak password is refused, naming the field.
    let res = b
        .post_form(
            &format!("{link}/register"),
            &[
                ("display_name", "Ny Person"),
                ("new_password", "kort"),
                ("new_password_confirm", "kort"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#new_password\""));
    let res = b
        .post_form(
            &format!("{link}/register"),
            &[
                ("display_name", "Ny Person"),
                ("new_password", "ett långt nytt lösenord"),
                ("new_password_confirm", "ett långt nytt lösenord"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, overview) = b.get_text("/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(overview.contains("Region A"));
    // The account signs in with its own password.
    let mut again = app.browser();
    let res = again
        .sign_in("ny@a.example", "ett långt nytt lösenord")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_withdrawn_invitation_cannot_be_taken() {
    let app = TestApp::spawn().await;
    let (a, _) = app.org("Region A", OrgKind::Region).await;
    let admin = app
        .member_signed_in(&a, "admin@a.example", Role::Admin)
        .await;
    let (_, html) = invite(&admin, "ny@a.example").await;
    let link = link_in(&html);
    let id = {
        let (_, members) = admin.get_text("/admin/members").await;
        let i = members.find("/admin/invitations/").unwrap() + "/admin/invitations/".len();
        members[i..i + members[i..].find('/').unwrap()].to_string()
    };
    let res = admin
        .post_form(&format!("/admin/invitations/{id}/revoke"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.browser().get(&link).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, members) = admin.get_text("/admin/members").await;
    assert!(!members.contains("ny@a.example"));
}
