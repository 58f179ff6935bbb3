//! Signing in and out: CSRF, hardened cookies, rotation, throttling, password rules.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn sign_in_needs_the_csrf_token_and_sets_a_hardened_session_cookie() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "anna@region.example", Role::Admin).await;

    let mut b = app.browser();
    let (_, html) = b.get_text("/login").await;
    b.csrf = csrf_in(&html).unwrap();
    let res = b
        .post_form_without_csrf(
            "/login",
            &[("email", "anna@region.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "sign-in without CSRF token"
    );
    assert!(res
        .headers()
        .get("set-cookie")
        .is_none_or(|c| !c.to_str().unwrap().contains("tillit_session")));

    let res = b
        .post_form(
            "/login",
            &[("email", "anna@region.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), "/overview");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("tillit_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let (status, html) = b.get_text("/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Region Test"));
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_a_token() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "anna@region.example", Role::Admin)
        .await;
    let res = b
        .client
        .post(app.url("/lang"))
        .header("origin", "https://evil.example")
        .form(&[("lang", "en"), ("csrf", b.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn wrong_password_gives_no_session_and_repeated_failures_are_throttled() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "anna@region.example", Role::Admin).await;
    let mut b = app.browser();
    for i in 0..5 {
        let res = b.sign_in("anna@region.example", "fel lösenord här").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
        let html = res.text().await.unwrap();
        assert!(html.contains("error-summary"));
    }
    assert_eq!(
        b.get("/overview").await.status(),
        StatusCode::SEE_OTHER,
        "not signed in"
    );
    // The sixth attempt is refused even with the right password.
    let res = b.sign_in("anna@region.example", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().get("retry-after").is_some());
    // An unknown account fails the same way as a wrong password.
    let res = b.sign_in("nobody@region.example", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_session_is_rotated_at_sign_in_and_ends_at_sign_out() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let mut b = app
        .member_signed_in(&t, "anna@region.example", Role::Admin)
        .await;
    let first = session_cookie(&b, &app).await;
    // Signing in again in the same browser replaces the session id.
    let res = b
        .post_form(
            "/login",
            &[("email", "anna@region.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "signed-in users can still post the sign-in form"
    );
    let second = session_cookie(&b, &app).await;
    assert_ne!(first, second);
    // The old id no longer works.
    let old = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = old
        .get(app.url("/overview"))
        .header("cookie", format!("tillit_session={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    b.refresh_csrf().await;
    let res = b.post_form("/logout", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = old
        .get(app.url("/overview"))
        .header("cookie", format!("tillit_session={second}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "session ended at sign-out"
    );
    assert!(location(res.headers()).starts_with("/login"));
}

async fn session_cookie(b: &Browser, _app: &TestApp) -> String {
    b.cookie("tillit_session").expect("a session cookie")
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    for path in [
        "/login",
        "/healthz",
        "/static/app.css",
        "/no-such-page",
        "/api/v1/me",
    ] {
        let res = b.get(path).await;
        let h = res.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(
            h.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{path}");
        assert!(h.get("referrer-policy").is_some(), "{path}");
    }
    // No inline script anywhere in the page.
    let (_, html) = b.get_text("/login").await;
    assert!(!html.contains("<script>") && !html.contains("onclick="));
}

#[tokio::test]
async fn secure_cookies_and_hsts_when_configured_for_tls() {
    let app = TestApp::spawn_with(tillit_web::WebConfig {
        secure_cookies: true,
        ..test_config()
    })
    .await;
    let b = app.browser();
    let res = b.get("/login").await;
    assert!(res.headers().get("strict-transport-security").is_some());
    let c = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(c.contains("Secure"), "{c}");
}

#[tokio::test]
async fn a_new_account_must_change_its_one_time_password_first() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Åsby kommun", OrgKind::Municipality).await;
    // An account made by the operator (`tillit admin create-user`), with a one-time password.
    let one_time = tillit_app::security::initial_password();
    let hash = app.hashing.hash(one_time.clone()).await.unwrap();
    let user = app
        .store
        .create_user(
            &tillit_store::Actor::operator(),
            &tillit_domain::user::Email::parse("email", "ny@asby.example").unwrap(),
            "Ny Person",
            &hash,
            true,
        )
        .await
        .unwrap();
    app.store
        .add_member(
            &t,
            &tillit_store::Actor::operator(),
            &user.id,
            Role::Coordinator,
        )
        .await
        .unwrap();

    let mut b = app.browser();
    let res = b.sign_in("ny@asby.example", &one_time).await;
    assert_eq!(location(res.headers()), "/account?must_change=1#password");
    // The API, with the same session, does nothing before the password is changed.
    b.refresh_csrf().await;
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/assets"),
        (reqwest::Method::GET, "/api/v1/me"),
        (reqwest::Method::POST, "/api/v1/tokens"),
        (reqwest::Method::POST, "/api/v1/assets"),
    ] {
        let res = b
            .client
            .request(method.clone(), app.url(path))
            .header("x-csrf-token", &b.csrf)
            .json(&serde_json::json!({"name": "x", "scopes": ["read"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method} {path}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["type"], "urn:tillit:problem:must-change-password");
    }
    let res = b.get("/overview").await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "every page sends the user to change the password"
    );
    assert!(location(res.headers()).starts_with("/account"));
    b.refresh_csrf().await;
    let res = b
        .post_form(
            "/account/password",
            &[
                ("current_password", &one_time),
                ("new_password", "ett nytt långt lösenord"),
                ("new_password_confirm", "ett nytt långt lösenord"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, html) = b.get_text("/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Åsby kommun"));
    let res = b.get("/api/v1/assets").await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "after the change the API answers"
    );
}

#[tokio::test]
async fn password_change_checks_the_current_password_and_the_rules() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "anna@region.example", Role::Reader)
        .await;
    let other = app.login("anna@region.example").await;

    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "fel nuvarande lösenord",
            "ett nytt långt lösenord",
            "ett nytt långt lösenord",
            "current_password",
        ),
        (PASSWORD, "kort", "kort", "new_password"),
        (
            PASSWORD,
            "ett nytt långt lösenord",
            "ett annat långt lösenord",
            "new_password_confirm",
        ),
        (PASSWORD, &"x".repeat(129), &"x".repeat(129), "new_password"),
    ];
    for (cur, new, confirm, field) in cases {
        let res = b
            .post_form(
                "/account/password",
                &[
                    ("current_password", cur),
                    ("new_password", new),
                    ("new_password_confirm", confirm),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!("href=\"#{field}\"")),
            "error names {field}"
        );
    }
    let res = b
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "ett nytt långt lösenord"),
                ("new_password_confirm", "ett nytt långt lösenord"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // This session goes on; the other one has ended; the old password no longer works.
    assert_eq!(b.get("/overview").await.status(), StatusCode::OK);
    assert_eq!(other.get("/overview").await.status(), StatusCode::SEE_OTHER);
    let mut c = app.browser();
    assert_eq!(
        c.sign_in("anna@region.example", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.sign_in("anna@region.example", "ett nytt långt lösenord")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_idle_session_expires_and_is_removed() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "anna@region.example", Role::Admin)
        .await;
    assert_eq!(b.get("/overview").await.status(), StatusCode::OK);
    // Age the session past the 30-minute idle limit, as if the user had walked away.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let old = tillit_store::format_timestamp(chrono::Utc::now() - chrono::Duration::minutes(31));
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(&old)
        .execute(&pool)
        .await
        .unwrap();
    let res = b.get("/overview").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(res.headers()).starts_with("/login"));
    let left: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) AS n FROM sessions")
            .fetch_one(&pool)
            .await
            .unwrap(),
        "n",
    );
    assert_eq!(left, 0, "the expired session is deleted");
}

#[tokio::test]
async fn parallel_sign_ins_cannot_outrun_the_throttle() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "anna@region.example", Role::Admin).await;
    let mut b = app.browser();
    let (_, html) = b.get_text("/login").await;
    b.csrf = csrf_in(&html).unwrap();
    // 39 wrong passwords and the right one, all at once.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = b.client.clone();
        let url = app.url("/login");
        let csrf = b.csrf.clone();
        let password = if i == 20 {
            PASSWORD.to_string()
        } else {
            format!("fel lösenord {i}")
        };
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&[
                    ("email", "anna@region.example"),
                    ("password", password.as_str()),
                    ("csrf", csrf.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    // Five attempts per account are allowed in the window; every other one is refused before
    // its password is checked.
    assert!(checked <= 5, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count()
            >= 35,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_new_password_revokes_the_api_tokens() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "anna@region.example", Role::Admin)
        .await;
    let token = make_token(&b, "integration", &["read"]).await;
    let api = app.api(&token);
    assert_eq!(api.get_json("/api/v1/assets").await.0, StatusCode::OK);
    let res = b
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "ett nytt långt lösenord"),
                ("new_password_confirm", "ett nytt långt lösenord"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text(&location(res.headers())).await;
    assert!(
        html.contains("API-nycklar har återkallats"),
        "the change says so"
    );
    assert_eq!(
        api.get_json("/api/v1/assets").await.0,
        StatusCode::UNAUTHORIZED,
        "the token made before the change no longer works"
    );
    // A reset (by the operator) revokes the tokens made since, too.
    let b = {
        let mut b = app.browser();
        let res = b
            .sign_in("anna@region.example", "ett nytt långt lösenord")
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        b.refresh_csrf().await;
        b
    };
    let token = make_token(&b, "second", &["read"]).await;
    let user = app
        .store
        .user_by_email("anna@region.example")
        .await
        .unwrap()
        .unwrap();
    let hash = app
        .hashing
        .hash("ett tredje långt lösenord".into())
        .await
        .unwrap();
    app.store
        .set_password(
            &tillit_store::Actor::operator(),
            &user.user.id,
            &hash,
            true,
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        app.api(&token).get_json("/api/v1/assets").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_anonymous_csrf_token_is_the_servers_not_the_clients() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "anna@region.example", Role::Admin).await;
    // A token the client made up (or a sibling site planted) is not accepted.
    let planted = "a".repeat(64);
    let res = reqwest::Client::new()
        .post(app.url("/login"))
        .header("cookie", format!("tillit_csrf={planted}"))
        .form(&[
            ("email", "anna@region.example"),
            ("password", PASSWORD),
            ("csrf", planted.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The one the server issued with the sign-in page is.
    let b = app.login("anna@region.example").await;
    assert_eq!(b.get("/overview").await.status(), StatusCode::OK);

    // Behind HTTPS the cookie carries the __Host- prefix.
    let secure = TestApp::spawn_with(tillit_web::WebConfig {
        secure_cookies: true,
        ..test_config()
    })
    .await;
    let res = secure.browser().get("/login").await;
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-tillit_csrf=")
            && c.contains("Secure")
            && c.contains("Path=/")
            && !c.contains("Domain")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn failures_from_elsewhere_do_not_lock_the_real_user_out() {
    // Behind a trusted proxy, so that each request can come from its own address.
    let app = TestApp::spawn_with(tillit_web::WebConfig {
        trusted_proxies: tillit_web::middleware::client::TrustedProxies::parse("127.0.0.0/8")
            .unwrap(),
        ..test_config()
    })
    .await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "anna@region.example", Role::Admin).await;
    let mut b = app.browser();
    let (_, html) = b.get_text("/login").await;
    b.csrf = csrf_in(&html).unwrap();
    let attempt = |from: &'static str, password: &'static str| {
        let (client, url, csrf) = (b.client.clone(), app.url("/login"), b.csrf.clone());
        async move {
            client
                .post(url)
                .header("x-forwarded-for", from)
                .form(&[
                    ("email", "anna@region.example"),
                    ("password", password),
                    ("csrf", csrf.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..5 {
        assert_eq!(
            attempt("203.0.113.66", "fel lösenord").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The guesser is slowed down …
    assert_eq!(
        attempt("203.0.113.66", "fel lösenord").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … and the real user, elsewhere, signs in at once.
    assert_eq!(
        attempt("198.51.100.7", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_wrong_password_says_only_that_the_pair_is_wrong_and_forms_mark_the_field() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Fel", OrgKind::Region).await;
    app.member(&t, "anna@fel.example", Role::Coordinator).await;
    let mut b = app.browser();
    let res = b.sign_in("anna@fel.example", "inte rätt").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(html.contains("Fel e-postadress eller lösenord."), "{html}");
    assert!(!html.contains("finns inte kontot"));
    assert!(
        html.contains("autofocus"),
        "focus moves to the error summary"
    );
    // The same words for an address that has no account.
    let res = b.sign_in("ingen@fel.example", "inte rätt").await;
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Fel e-postadress eller lösenord."));

    // A form with an error names it at the field as well as in the summary.
    let b = app.login("anna@fel.example").await;
    let res = b
        .post_form(
            "/risks/matrix",
            &[
                ("likelihoods", "9"),
                ("consequences", "4"),
                ("tolerance", "8"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("class=\"field-error\" id=\"likelihoods-error\""),
        "{html}"
    );
}
