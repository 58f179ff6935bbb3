//! Every role of product.md section 2 sees what it may and is refused the rest, on pages and API.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::{Permission, Role};

#[tokio::test]
async fn every_role_gets_exactly_its_permissions() {
    let app = TestApp::spawn().await;
    let (region, _) = app.org("Region Test", OrgKind::Region).await;
    let (authority, _) = app.org("Tillsynsmyndighet", OrgKind::Authority).await;
    for role in Role::ALL {
        let email = format!("{}@test.example", role.key());
        let tenant = if role.side() == tillit_domain::org::Side::Authority {
            &authority
        } else {
            &region
        };
        app.member(tenant, &email, role).await;
        let b = app.login(&email).await;
        let expect = |p: Permission| {
            if role.permits(p) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        };
        assert_eq!(
            b.get("/overview").await.status(),
            StatusCode::OK,
            "{role:?} overview"
        );
        assert_eq!(
            b.get("/admin/members").await.status(),
            expect(Permission::ViewMembers),
            "{role:?} members page"
        );
        assert_eq!(
            b.get("/admin/audit").await.status(),
            expect(Permission::ViewAuditLog),
            "{role:?} audit page"
        );
        assert_eq!(
            b.get("/api/v1/members").await.status(),
            expect(Permission::ViewMembers),
            "{role:?} members API"
        );
        assert_eq!(
            b.get("/api/v1/audit-events").await.status(),
            expect(Permission::ViewAuditLog),
            "{role:?} audit API"
        );
        let add = b
            .post_form(
                "/admin/members",
                &[
                    ("email", &format!("new-{}@test.example", role.key())),
                    ("display_name", "Ny"),
                    (
                        "role",
                        Role::for_kind(if role.side() == tillit_domain::org::Side::Authority {
                            OrgKind::Authority
                        } else {
                            OrgKind::Region
                        })[1]
                            .key(),
                    ),
                ],
            )
            .await;
        let want = if role.permits(Permission::ManageMembers) {
            StatusCode::CREATED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(add.status(), want, "{role:?} add member");
        // The navigation shows only what the role may open.
        let (_, html) = b.get_text("/overview").await;
        assert_eq!(
            html.contains("href=\"/admin/audit\""),
            role.permits(Permission::ViewAuditLog),
            "{role:?} nav"
        );
    }
}

#[tokio::test]
async fn a_user_without_membership_is_told_so() {
    let app = TestApp::spawn().await;
    app.user("ensam@test.example").await;
    let b = app.login("ensam@test.example").await;
    let (status, html) = b.get_text("/overview").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Inget medlemskap"), "{html}");
}
