//! What every request passes: a request id, the client's address behind a trusted proxy, the
//! request timeout and the body-size limit, each answered in the request's language.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_store::AuditFilter;
use tillit_web::middleware::client::TrustedProxies;

#[tokio::test]
async fn every_answer_carries_its_own_request_id() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let mut ids = std::collections::HashSet::new();
    for path in [
        "/login",
        "/login",
        "/no-such-page",
        "/api/v1/assets",
        "/healthz",
    ] {
        let res = b.get(path).await;
        let id = res
            .headers()
            .get("x-request-id")
            .unwrap_or_else(|| panic!("x-request-id on {path}"))
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
        assert!(ids.insert(id), "a new id for every request");
    }
}

async fn login_ip(app: &TestApp, forwarded_for: &str) -> String {
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    app.member(&t, "anna@region.example", Role::Admin).await;
    let mut b = app.browser();
    let (_, html) = b.get_text("/login").await;
    b.csrf = csrf_in(&html).unwrap();
    let res = b
        .client
        .post(app.url("/login"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("email", "anna@region.example"),
            ("password", PASSWORD),
            ("csrf", b.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let ev = app
        .store
        .list_audit_events(
            &t,
            &AuditFilter {
                action: Some("auth.login".into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap();
    ev.items[0].after.as_ref().unwrap()["ip"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn x_forwarded_for_is_believed_only_from_a_trusted_proxy() {
    // Reached directly, a client cannot choose the address recorded for it.
    let direct = TestApp::spawn().await;
    assert_eq!(login_ip(&direct, "198.51.100.7").await, "127.0.0.1");

    // Behind a proxy on 127.0.0.1, the proxy's right-most entry is the client.
    let behind = TestApp::spawn_with(tillit_web::WebConfig {
        trusted_proxies: TrustedProxies::parse("127.0.0.0/8").unwrap(),
        ..test_config()
    })
    .await;
    assert_eq!(
        login_ip(&behind, "203.0.113.1, 198.51.100.7").await,
        "198.51.100.7"
    );
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_answered_clearly() {
    // A password hash far costlier than the timeout allows: signing in cannot finish in time,
    // while showing the sign-in page can.
    let app = TestApp::spawn_with(tillit_web::WebConfig {
        request_timeout: std::time::Duration::from_millis(100),
        argon2_memory_kib: 256 * 1024,
        argon2_iterations: 8,
        ..test_config()
    })
    .await;
    let mut b = app.browser();
    let (_, html) = b.get_text("/login").await;
    b.csrf = csrf_in(&html).unwrap();
    let res = b
        .post_form(
            "/login",
            &[("email", "anna@region.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().get("x-request-id").is_some());
    let html = res.text().await.unwrap();
    assert!(html.contains("Det tog för lång tid"), "{html}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_it_is_read() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Test", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "anna@region.example", Role::Admin)
        .await;
    let token = make_token(&b, "limit", &["write"]).await;
    let huge = vec![b'x'; tillit_web::middleware::MAX_BODY_BYTES + 1];
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/assets"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["type"], "urn:tillit:problem:payload-too-large");
}

/// Reads until the server closes the connection; how long that took.
async fn until_closed(mut stream: tokio::net::TcpStream) -> std::time::Duration {
    use tokio::io::AsyncReadExt;
    let start = std::time::Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(20), stream.read(&mut buf)).await
        {
            Ok(Ok(0)) | Ok(Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => return start.elapsed(),
        }
    }
}

#[tokio::test]
async fn slow_and_silent_connections_are_closed() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(tillit_web::WebConfig {
        header_read_timeout: std::time::Duration::from_secs(1),
        ..test_config()
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_string();
    // Silent: connects and sends nothing.
    let silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
    // Slow: a header line every 300 ms, never the end of the headers.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let dripping = tokio::spawn(async move {
        for i in 0..60 {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            if slow
                .write_all(format!("X-Drip-{i}: 1\r\n").as_bytes())
                .await
                .is_err()
            {
                return true;
            }
        }
        false
    });
    let closed_after = until_closed(silent).await;
    assert!(
        closed_after < std::time::Duration::from_secs(15),
        "a silent connection is closed ({closed_after:?})"
    );
    assert!(
        dripping.await.unwrap(),
        "the server stops reading a request whose headers never end"
    );
    // An ordinary client is served as before.
    assert_eq!(
        app.browser().get("/healthz").await.status(),
        reqwest::StatusCode::OK
    );
}
