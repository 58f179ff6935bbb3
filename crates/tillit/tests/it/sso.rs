//! Single sign-on end to end against a real OpenID provider: the certified `oidc-provider`
//! package, run by `e2e/oidc/provider.mjs` (its packages installed by `scripts/check`), one per
//! test. The same script serves a provider that misbehaves on purpose (a token signed with a key
//! it never published, an expired token, another issuer), for the failures.

use crate::helpers::*;
use reqwest::StatusCode;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

/// The test provider, stopped when dropped.
struct Idp {
    child: Child,
    url: String,
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Idp {
    fn start() -> Idp {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert!(
            root.join("e2e/node_modules/oidc-provider").exists(),
            "the single sign-on tests need the test provider's packages: run scripts/check, or npm ci in e2e/"
        );
        let mut child = Command::new("node")
            .arg(root.join("e2e/oidc/provider.mjs"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node e2e/oidc/provider.mjs");
        let out = child.stdout.take().expect("the provider's output");
        let mut lines = BufReader::new(out).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the provider printed its address")
                .expect("read the provider's output");
            if let Some(u) = line.strip_prefix("oidc provider listening on ") {
                break u.trim().to_string();
            }
        };
        // Its later notices are read and dropped: a closed pipe would end the provider.
        std::thread::spawn(move || lines.for_each(drop));
        Idp { child, url }
    }
}

const SECRET: &str = "tillit-test-secret";

/// The administrator sets up a provider on the form; its id, from the settings page.
async fn set_up(admin: &Browser, name: &str, issuer: &str, create: bool) -> String {
    let mut fields = vec![
        ("name", name),
        ("issuer", issuer),
        ("client_id", "tillit"),
        ("client_secret", SECRET),
        ("match_claim", "email"),
        ("default_role", "reader"),
        ("enabled", "yes"),
    ];
    if create {
        fields.push(("create_members", "yes"));
    }
    let res = admin
        .post_form("/organisation/sign-in/providers/new", &fields)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "provider {name} saved");
    let (_, html) = admin.get_text("/organisation/sign-in").await;
    let i = html
        .find(&format!(">{name}</a>"))
        .expect("the provider is listed");
    let start = html[..i].rfind("/organisation/sign-in/providers/").unwrap()
        + "/organisation/sign-in/providers/".len();
    html[start..i].trim_end_matches('"').to_string()
}

/// Walks a browser from Tillit's start address through the provider's login page (typing
/// `login`) to the callback address the provider sends it back to; returns that address.
async fn to_callback(b: &Browser, start: &str, login: &str) -> String {
    let mut url = format!("{}{}", b.base, start);
    for _ in 0..20 {
        if url.starts_with(&format!("{}/sso/callback", b.base)) {
            return url;
        }
        let res = b.client.get(&url).send().await.unwrap();
        let origin = {
            let u = reqwest::Url::parse(&url).unwrap();
            format!("{}://{}", u.scheme(), u.host_str().unwrap())
                + &u.port().map(|p| format!(":{p}")).unwrap_or_default()
        };
        if res.status().is_redirection() {
            let to = location(res.headers());
            url = if to.starts_with("http") {
                to
            } else {
                format!("{origin}{to}")
            };
            continue;
        }
        let status = res.status();
        let html = res.text().await.unwrap();
        let Some(i) = html.find("action=\"/interaction/") else {
            panic!("no login form at {url} ({status}): {html}");
        };
        let action = &html[i + 8..];
        let action = &action[..action.find('"').unwrap()];
        let res = b
            .client
            .post(format!("{origin}{action}"))
            .form(&[("login", login), ("password", "x")])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "the provider took the login");
        let to = location(res.headers());
        url = if to.starts_with("http") {
            to
        } else {
            format!("{origin}{to}")
        };
    }
    panic!("never came back to Tillit");
}

async fn callback(b: &Browser, url: &str) -> (StatusCode, String, String) {
    let res = b.client.get(url).send().await.unwrap();
    let status = res.status();
    let to = if status.is_redirection() {
        location(res.headers())
    } else {
        String::new()
    };
    (status, to, res.text().await.unwrap_or_default())
}

/// A region with an administrator and a coordinator, and the provider set up.
async fn region(
    app: &TestApp,
    idp: &Idp,
    create: bool,
) -> (tillit_store::Tenant, Browser, String, String) {
    let (t, _) = app.org("Region Sso", OrgKind::Region).await;
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let admin = format!("admin-{tag}@norrfjall.example");
    let coordinator = format!("samordnare-{tag}@norrfjall.example");
    app.member(&t, &admin, Role::Admin).await;
    app.member(&t, &coordinator, Role::Coordinator).await;
    let a = app.login(&admin).await;
    let id = set_up(&a, "Region Norrfjälls inloggning", &idp.url, create).await;
    (t, a, id, coordinator)
}

#[tokio::test]
async fn a_member_signs_in_through_the_provider_and_out_at_both() {
    let idp = Idp::start();
    let app = TestApp::spawn().await;
    let (t, _admin, id, coordinator) = region(&app, &idp, false).await;

    let b = app.browser();
    let (_, login) = b.get_text("/login").await;
    assert!(
        login.contains("Logga in med Region Norrfjälls inloggning"),
        "{login}"
    );
    let start = format!("/sso/{id}/start?next=%2Frisks");
    let url = to_callback(&b, &start, &coordinator).await;
    assert!(url.contains("state=") && url.contains("code="), "{url}");
    let (status, to, _) = callback(&b, &url).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/risks", "back where the person was going");
    let (status, page) = b.get_text("/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Region Sso"));
    assert!(app
        .store
        .audit_actions(&t)
        .await
        .unwrap()
        .contains(&"auth.login".to_string()));

    // Signing out ends the Tillit session and offers the provider's end-session endpoint.
    let mut b = b;
    b.refresh_csrf().await;
    let res = b.post_form("/logout", &[]).await;
    let to = location(res.headers());
    assert_eq!(to, format!("/login?signed_out={id}"));
    let (_, page) = b.get_text(&to).await;
    assert!(page.contains("Du är utloggad från Tillit."));
    assert!(
        page.contains(&format!("{}/session/end?client_id=tillit", idp.url)),
        "{page}"
    );
    let res = b.get("/overview").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the session ended");
}

#[tokio::test]
async fn every_failure_gets_a_page_and_an_audit_event_and_no_session() {
    let idp = Idp::start();
    let app = TestApp::spawn().await;
    let (t, admin, id, coordinator) = region(&app, &idp, false).await;
    let start = format!("/sso/{id}/start");
    let session_cookie = "tillit_session";

    // A person the provider knows but who is no member.
    let b = app.browser();
    let url = to_callback(&b, &start, "nobody@elsewhere.example").await;
    let (status, _, page) = callback(&b, &url).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        page.contains("Du är inte medlem i organisationen"),
        "{page}"
    );
    assert!(page.contains("unknown_user"));
    assert!(b.cookie(session_cookie).is_none_or(|c| c.is_empty()));
    assert_eq!(b.get("/overview").await.status(), StatusCode::SEE_OTHER);

    // An address the provider does not vouch for.
    let b = app.browser();
    let url = to_callback(&b, &start, "unverified.someone@norrfjall.example").await;
    let (status, _, page) = callback(&b, &url).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("email_unverified"), "{page}");

    // A state finished in another browser than the one that started it (login CSRF).
    let started = app.browser();
    let url = to_callback(&started, &start, &coordinator).await;
    let other = app.browser();
    let (status, _, page) = callback(&other, &url).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("other_browser"), "{page}");

    // A state used twice: the second time is a replay, even in the same browser.
    let b = app.browser();
    let url = to_callback(&b, &start, &coordinator).await;
    assert_eq!(callback(&b, &url).await.0, StatusCode::SEE_OTHER);
    let (status, _, page) = callback(&b, &url).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("replayed_state"), "{page}");

    // A state never issued: refused, and only logged (no organisation to tell; anyone could
    // fill the audit trail with them).
    let head = app.store.audit_head().await.unwrap();
    let (status, _, page) = callback(
        &app.browser(),
        &app.url("/sso/callback?state=forged&code=x"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("unknown_state"));
    assert_eq!(
        app.store.audit_head().await.unwrap(),
        head,
        "no audit event"
    );

    // Cancelled at the provider.
    let b = app.browser();
    let res = b.get(&start).await;
    let auth = location(res.headers());
    let state = auth
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let (status, _, page) = callback(
        &b,
        &app.url(&format!(
            "/sso/callback?state={state}&error=access_denied&error_description=avbr%C3%B6t"
        )),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("provider_refused"));

    // Providers that misbehave: the token's signature, expiry and issuer are checked.
    for (defect, code) in [
        ("bad-signature", "bad_signature"),
        ("expired", "expired_token"),
        ("wrong-issuer", "wrong_issuer"),
        ("wrong-audience", "invalid_token"),
        ("wrong-nonce", "invalid_token"),
    ] {
        let rogue = set_up(
            &admin,
            &format!("Trasig {defect}"),
            &format!("{}/rogue/{defect}", idp.url),
            false,
        )
        .await;
        let b = app.browser();
        let url = to_callback(&b, &format!("/sso/{rogue}/start"), &coordinator).await;
        let (status, _, page) = callback(&b, &url).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{defect}");
        assert!(page.contains(code), "{defect}: {page}");
        assert!(
            b.cookie(session_cookie).is_none_or(|c| c.is_empty()),
            "{defect}"
        );
        assert_eq!(
            b.get("/overview").await.status(),
            StatusCode::SEE_OTHER,
            "{defect}"
        );
    }
    // Discovery that names another issuer than the address set up: refused before the person
    // is sent anywhere.
    let elsewhere = set_up(
        &admin,
        "Annan utfärdare",
        &format!("{}/rogue/elsewhere", idp.url),
        false,
    )
    .await;
    let b = app.browser();
    let res = b.get(&format!("/sso/{elsewhere}/start")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("wrong_issuer"));

    // Each failure is in the organisation's audit trail.
    let events = app
        .store
        .list_audit_events(
            &t,
            &tillit_store::AuditFilter {
                action: Some("auth.sso_failed".into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap()
        .items;
    let reasons: Vec<String> = events
        .iter()
        .filter_map(|e| {
            e.after
                .as_ref()
                .and_then(|a| a["reason"].as_str().map(str::to_string))
        })
        .collect();
    for r in [
        "unknown_user",
        "email_unverified",
        "other_browser",
        "replayed_state",
        "provider_refused",
        "bad_signature",
        "expired_token",
        "wrong_issuer",
    ] {
        assert!(reasons.iter().any(|x| x == r), "{r} recorded: {reasons:?}");
    }
}

#[tokio::test]
async fn passwords_switch_off_only_once_the_provider_is_shown_to_work() {
    let idp = Idp::start();
    let app = TestApp::spawn().await;
    let (t, mut admin, id, coordinator) = region(&app, &idp, false).await;
    let before = app.login(&coordinator).await;

    // Signed in with a password, the administrator cannot switch passwords off.
    admin.refresh_csrf().await;
    let res = admin
        .post_form("/organisation/sign-in/passwords", &[("allowed", "no")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("har loggat in via en av organisationens"));

    // Through the provider, they can.
    let admin_email = app
        .store
        .list_members(&t, &Default::default(), Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|m| m.role == Role::Admin)
        .unwrap()
        .email;
    let mut via = app.browser();
    let url = to_callback(&via, &format!("/sso/{id}/start"), &admin_email).await;
    assert_eq!(callback(&via, &url).await.0, StatusCode::SEE_OTHER);
    via.refresh_csrf().await;
    let res = via
        .post_form("/organisation/sign-in/passwords", &[("allowed", "no")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!app.store.password_sign_in(&t).await.unwrap());

    // The right password no longer opens the organisation; the provider is offered instead.
    let mut b = app.browser();
    let res = b.sign_in(&coordinator, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(page.contains("loggar in via sin identitetsleverantör"));
    assert!(page.contains(&format!("/sso/{id}/start")));
    // A session signed in with a password before stops working at its next request.
    assert_eq!(
        before.get("/overview").await.status(),
        StatusCode::SEE_OTHER
    );
    // The one remaining provider cannot be removed or switched off.
    let res = via
        .post_form(&format!("/organisation/sign-in/providers/{id}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("då skulle ingen kunna logga in"));

    // The operator's way back when the provider no longer works: passwords on again.
    let number = app.store.organisation(&t).await.unwrap().org_number;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args([
            "--database-url",
            &app.database_url,
            "admin",
            "allow-passwords",
        ])
        .args(["--org-number", &number])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("accepts password sign-in again"));
    assert!(app.store.password_sign_in(&t).await.unwrap());
    let mut b = app.browser();
    assert_eq!(
        b.sign_in(&coordinator, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let events = app
        .store
        .list_audit_events(
            &t,
            &tillit_store::AuditFilter {
                action: Some("organisation.password_sign_in".into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(
        events.len(),
        2,
        "switched off by the administrator, on by the operator"
    );
}

#[tokio::test]
async fn a_first_sign_in_makes_a_member_only_when_allowed_and_never_an_administrator() {
    let idp = Idp::start();
    let app = TestApp::spawn().await;
    let (t, admin, id, _) = region(&app, &idp, true).await;
    let newcomer = format!("ny-{}@norrfjall.example", uuid::Uuid::new_v4().simple());
    let b = app.browser();
    let url = to_callback(&b, &format!("/sso/{id}/start"), &newcomer).await;
    assert_eq!(callback(&b, &url).await.0, StatusCode::SEE_OTHER);
    let members = app
        .store
        .list_members(&t, &Default::default(), Default::default())
        .await
        .unwrap()
        .items;
    let m = members
        .iter()
        .find(|m| m.email == newcomer)
        .expect("a new member");
    assert_eq!(m.role, Role::Reader);
    // No password opens the new account.
    let mut p = app.browser();
    assert_eq!(
        p.sign_in(&newcomer, "!sso").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A provider may not make administrators.
    let res = admin
        .post_form(
            "/organisation/sign-in/providers/new",
            &[
                ("name", "Admin-fabrik"),
                ("issuer", &idp.url),
                ("client_id", "tillit"),
                ("client_secret", SECRET),
                ("create_members", "yes"),
                ("default_role", "admin"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("administratörer utses av en administratör"));
}

#[tokio::test]
async fn the_secret_is_never_shown_and_another_organisation_sees_nothing() {
    let idp = Idp::start();
    let app = TestApp::spawn().await;
    let (t, admin, id, coordinator) = region(&app, &idp, false).await;
    let (_, edit) = admin
        .get_text(&format!("/organisation/sign-in/providers/{id}"))
        .await;
    assert!(edit.contains(&idp.url));
    assert!(!edit.contains(SECRET), "the secret is not on the form");
    let (_, settings) = admin.get_text("/organisation/sign-in").await;
    assert!(!settings.contains(SECRET));
    assert!(
        settings.contains("/sso/callback"),
        "the redirect URI to register"
    );
    for e in app
        .store
        .list_audit_events(&t, &Default::default(), Default::default())
        .await
        .unwrap()
        .items
    {
        let text = serde_json::to_string(&e.after).unwrap();
        assert!(!text.contains(SECRET), "the audit trail keeps no secret");
    }
    // Changing the provider with the secret left empty keeps it: sign-in still works.
    let res = admin
        .post_form(
            &format!("/organisation/sign-in/providers/{id}"),
            &[
                ("name", "Region Norrfjälls inloggning"),
                ("issuer", &idp.url),
                ("client_id", "tillit"),
                ("client_secret", ""),
                ("enabled", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let b = app.browser();
    let url = to_callback(&b, &format!("/sso/{id}/start"), &coordinator).await;
    assert_eq!(callback(&b, &url).await.0, StatusCode::SEE_OTHER);

    // Another organisation's administrator: not found; nor can they change or remove it.
    let (other, _) = app.org("Kommun Annan", OrgKind::Municipality).await;
    let other_admin = format!("admin-{}@annan.example", uuid::Uuid::new_v4().simple());
    app.member(&other, &other_admin, Role::Admin).await;
    let o = app.login(&other_admin).await;
    let (_, mine) = o.get_text("/organisation/sign-in").await;
    assert!(!mine.contains("Region Norrfjälls inloggning"));
    for res in [
        o.get(&format!("/organisation/sign-in/providers/{id}"))
            .await,
        o.post_form(&format!("/organisation/sign-in/providers/{id}/delete"), &[])
            .await,
        o.post_form(
            &format!("/organisation/sign-in/providers/{id}"),
            &[
                ("name", "x"),
                ("issuer", "https://x.example"),
                ("client_id", "x"),
            ],
        )
        .await,
    ] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    // A coordinator (no administrator) may not see the settings.
    let c = app.login(&coordinator).await;
    assert_eq!(
        c.get("/organisation/sign-in").await.status(),
        StatusCode::FORBIDDEN
    );

    // A session from the region's provider does not open another organisation of the same
    // person, even one that accepts passwords.
    app.member(&other, &coordinator, Role::Coordinator).await;
    let mut via = app.browser();
    let url = to_callback(&via, &format!("/sso/{id}/start"), &coordinator).await;
    assert_eq!(callback(&via, &url).await.0, StatusCode::SEE_OTHER);
    via.refresh_csrf().await;
    let res = via
        .post_form("/org/switch", &[("org_id", other.id())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(via.get("/overview").await.status(), StatusCode::OK);

    // Switching the provider off ends the sessions signed in through it; it never becomes a
    // password session that could act in the other organisation.
    let res = admin
        .post_form(
            &format!("/organisation/sign-in/providers/{id}"),
            &[
                ("name", "Region Norrfjälls inloggning"),
                ("issuer", &idp.url),
                ("client_id", "tillit"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(via.get("/overview").await.status(), StatusCode::SEE_OTHER);
    let (_, login) = app.browser().get_text("/login").await;
    assert!(
        !login.contains("Region Norrfjälls inloggning"),
        "no longer offered"
    );
}
