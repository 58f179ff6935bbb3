//! E-mail reminders of incident deadlines against a real SMTP server (aiosmtpd, which
//! `scripts/check` installs; `TILLIT_TEST_PYTHON` names the Python that has it): a reminder
//! arrives once, to the right person, with the deadline in Swedish time; and when the server is
//! down it is retried and arrives exactly once when the server is back.

use crate::helpers::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;
use tillit_web::WebConfig;

/// An SMTP server that keeps every message it receives in a maildir.
struct Smtpd {
    child: Child,
}

impl Smtpd {
    fn start(port: u16, maildir: &Path) -> Smtpd {
        let python = std::env::var("TILLIT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let probe = Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .status()
            .expect("run Python for the test SMTP server");
        assert!(
            probe.success(),
            "the reminder tests need aiosmtpd: run scripts/check, or pip install aiosmtpd and set TILLIT_TEST_PYTHON"
        );
        let child = Command::new(&python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
                &maildir.display().to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        Smtpd { child }
    }

    async fn ready(port: u16) {
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the test SMTP server did not start");
    }
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The messages in the maildir, as text.
fn messages(maildir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        if let Ok(entries) = std::fs::read_dir(maildir.join(sub)) {
            for e in entries.flatten() {
                if let Ok(text) = std::fs::read_to_string(e.path()) {
                    out.push(text);
                }
            }
        }
    }
    out
}

/// Waits until the maildir holds at least `n` messages (at most 30 s).
async fn wait_for(maildir: &Path, n: usize) -> Vec<String> {
    for _ in 0..300 {
        let m = messages(maildir);
        if m.len() >= n {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    messages(maildir)
}

fn mail_config(port: u16) -> tillit_app::reminders::MailConfig {
    let mut c = tillit_app::reminders::MailConfig::new(
        "127.0.0.1".into(),
        port,
        tillit_app::reminders::SmtpSecurity::None,
        "Tillit <tillit@test.example>".into(),
    );
    c.public_url = Some("https://tillit.region.example".into());
    c.interval = Duration::from_millis(300);
    c.retry_base = Duration::from_secs(1);
    c
}

fn maildir() -> PathBuf {
    std::env::temp_dir().join(format!("tillit-mail-{}", uuid::Uuid::new_v4().simple()))
}

/// A region covered by the Cybersecurity Act, a coordinator and a reader, and a significant
/// incident the region became aware of 20 hours ago: its early warning is due in 4 hours, so
/// the 12-hour reminder has come (and no other obligation has an hour that near).
async fn region_with_incident(
    app: &TestApp,
) -> (tillit_store::Tenant, String, chrono::DateTime<chrono::Utc>) {
    let (t, _) = app.org("Region Påminnelse", OrgKind::Region).await;
    app.member(&t, "samordnare@paminnelse.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@paminnelse.example", Role::Reader)
        .await;
    let aware = chrono::DateTime::from_timestamp(
        (chrono::Utc::now() - chrono::Duration::hours(20)).timestamp(),
        0,
    )
    .unwrap();
    let x = app
        .store
        .create_incident(
            &t,
            &tillit_store::Actor::operator(),
            &tillit_domain::incident_case::parse_incident(
                &tillit_domain::incident_case::IncidentDraft {
                    title: "Utpressningsprogram i labbsystemet".into(),
                    aware_at: aware.to_rfc3339(),
                    significant: "yes".into(),
                    personal_data: "no".into(),
                    serious_care_injury: "no".into(),
                    ..Default::default()
                },
                chrono::Utc::now(),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    (t, x.id, aware)
}

#[tokio::test]
async fn a_reminder_arrives_once_with_the_deadline_in_swedish_time() {
    let port = free_port();
    let dir = maildir();
    let _smtpd = Smtpd::start(port, &dir);
    Smtpd::ready(port).await;
    let app = TestApp::spawn_with(WebConfig {
        mail: Some(mail_config(port)),
        ..test_config()
    })
    .await;
    let (_, id, aware) = region_with_incident(&app).await;
    let got = wait_for(&dir, 1).await;
    assert_eq!(got.len(), 1, "one reminder");
    // Several more runs of the task: nothing is sent twice.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = messages(&dir);
    assert_eq!(got.len(), 1, "still one reminder: {got:?}");
    let m = &got[0];
    let due = tillit_domain::time::swedish_minute(aware + chrono::Duration::hours(24));
    assert!(m.contains("To: samordnare@paminnelse.example"), "{m}");
    assert!(!m.contains("lasare@paminnelse.example"), "{m}");
    // Headers may be folded over several lines.
    let head = m
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .replace("\n ", " ");
    let subject = head
        .lines()
        .find(|l| l.starts_with("Subject:"))
        .unwrap_or_default();
    // The subject is encoded (it has å, ä, ö); decode its words to read it.
    let subject = decode_header(subject);
    assert!(
        subject.contains("Tidig varning") && subject.contains(&due),
        "{subject} / {due}"
    );
    let body = decode_body(m);
    assert!(
        body.contains(&format!("https://tillit.region.example/incidents/{id}")),
        "{body}"
    );
    assert!(body.contains("(svensk tid)"), "{body}");
}

#[tokio::test]
async fn a_reminder_is_retried_while_the_server_is_down_and_arrives_exactly_once() {
    let port = free_port();
    let dir = maildir();
    let app = TestApp::spawn_with(WebConfig {
        mail: Some(mail_config(port)),
        ..test_config()
    })
    .await;
    let (t, id, _) = region_with_incident(&app).await;
    // No server yet: the reminder is planned, tried and fails.
    let mut failed = false;
    // Up to 30 s: the whole suite runs beside it on two cores.
    for _ in 0..300 {
        let rs = app.store.reminders_of_incident(&t, &id).await.unwrap();
        if rs.iter().any(|r| r.attempts >= 1 && r.last_error.is_some()) {
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed, "the reminder was tried while the server was down");
    assert!(messages(&dir).is_empty());
    // The server comes up: the next attempt delivers it, once.
    let _smtpd = Smtpd::start(port, &dir);
    Smtpd::ready(port).await;
    let got = wait_for(&dir, 1).await;
    assert_eq!(got.len(), 1);
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(messages(&dir).len(), 1, "exactly once");
    let rs = app.store.reminders_of_incident(&t, &id).await.unwrap();
    assert_eq!(rs.len(), 1);
    assert!(rs[0].sent_at.is_some() && rs[0].attempts >= 2, "{rs:?}");
}

/// An RFC 2047 header's text (`=?utf-8?b?…?=` or `=?utf-8?q?…?=` words), decoded.
fn decode_header(h: &str) -> String {
    let v = h.trim_start_matches("Subject:").trim();
    let mut out = String::new();
    for word in v.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
            let b = &word[10..word.len() - 2];
            out.push_str(&String::from_utf8_lossy(&base64(b)));
        } else if lower.starts_with("=?utf-8?q?") && word.ends_with("?=") {
            out.push_str(&quoted_printable(
                &word[10..word.len() - 2].replace('_', " "),
            ));
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// The body of a single-part message, decoded from base64 or quoted-printable as it says.
fn decode_body(m: &str) -> String {
    let (head, body) = m.split_once("\n\n").unwrap_or((m, ""));
    let head = head.to_ascii_lowercase();
    if head.contains("content-transfer-encoding: base64") {
        String::from_utf8_lossy(&base64(&body.replace(['\n', '\r'], ""))).into_owned()
    } else if head.contains("content-transfer-encoding: quoted-printable") {
        quoted_printable(&body.replace("=\n", "").replace("=\r\n", ""))
    } else {
        body.to_string()
    }
}

fn base64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| *c != b'=') {
        let Some(v) = A.iter().position(|a| *a == c) else {
            continue;
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}

fn quoted_printable(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_scheduled_submission_is_reminded_by_email_once_on_the_day() {
    let port = free_port();
    let dir = maildir();
    let _smtpd = Smtpd::start(port, &dir);
    Smtpd::ready(port).await;
    let app = TestApp::spawn_with(WebConfig {
        mail: Some(mail_config(port)),
        ..test_config()
    })
    .await;
    let (t, _) = app.org("Region Schemapåminnelse", OrgKind::Region).await;
    let (_, imy) = app
        .org("Integritetsskyddsmyndigheten", OrgKind::Authority)
        .await;
    app.member(&t, "samordnare@schemapam.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@schemapam.example", Role::Reader)
        .await;
    let b = app.login("samordnare@schemapam.example").await;
    // Quarterly from today, nothing submitted since: due today.
    let res = b
        .post_form(
            "/submissions/schedule",
            &[("period", "quarterly"), ("authority_ids", imy.id.as_str())],
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let got = wait_for(&dir, 1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got_later = messages(&dir);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got_later.len(), 1, "planned once: {got_later:?}");
    let m = &got[0];
    assert!(m.contains("To: samordnare@schemapam.example"), "{m}");
    assert!(!m.contains("lasare@schemapam.example"), "{m}");
    let head = m
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .replace("\n ", " ");
    let subject = decode_header(
        head.lines()
            .find(|l| l.starts_with("Subject:"))
            .unwrap_or_default(),
    );
    let today = tillit_app::today();
    assert!(
        subject.contains("Lägesrapport till Integritetsskyddsmyndigheten i dag")
            && subject.contains(&today),
        "{subject}"
    );
    let body = decode_body(m);
    assert!(
        body.contains("https://tillit.region.example/submissions"),
        "{body}"
    );
}

#[tokio::test]
async fn a_supervision_request_is_reminded_to_both_sides_before_its_deadline() {
    let port = free_port();
    let dir = maildir();
    let _smtpd = Smtpd::start(port, &dir);
    Smtpd::ready(port).await;
    let app = TestApp::spawn_with(WebConfig {
        mail: Some(mail_config(port)),
        ..test_config()
    })
    .await;
    let (t, region) = app.org("Region Tillsynspåminnelse", OrgKind::Region).await;
    let (imy, _) = app
        .org("Integritetsskyddsmyndigheten", OrgKind::Authority)
        .await;
    app.member(&t, "samordnare@tillsynpam.example", Role::Coordinator)
        .await;
    app.member(&t, "lasare@tillsynpam.example", Role::Reader)
        .await;
    app.member(&imy, "handlaggare@imy.test", Role::CaseOfficer)
        .await;
    let lead = app
        .member_signed_in(&imy, "tillsyn@imy.test", Role::SupervisionLead)
        .await;
    let csv = format!(
        "namn,organisationsnummer,typ\nRegion Tillsynspåminnelse,{},region\n",
        region.org_number
    );
    let res = lead
        .post_multipart(
            "/authority/registry/import",
            &[],
            Some(("r.csv", csv.into_bytes())),
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let officer = app.login("handlaggare@imy.test").await;
    let res = officer
        .post_form(
            "/authority/cases",
            &[
                ("org_number", region.org_number.as_str()),
                ("case_type", "planned"),
                ("title", "Loggning"),
            ],
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let case = res.headers()["location"].to_str().unwrap().to_string();
    let case = case.split('?').next().unwrap().to_string();
    // The answer is due in two days: inside the three days' notice.
    let deadline = (tillit_app::today_date() + chrono::Duration::days(2)).to_string();
    let res = officer
        .post_form(
            &format!("{case}/requests"),
            &[
                ("questions", "Hur följs loggarna upp?"),
                ("deadline", deadline.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let got = wait_for(&dir, 2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(messages(&dir).len(), 2, "planned once each: {got:?}");
    let to_provider = got
        .iter()
        .find(|m| m.contains("To: samordnare@tillsynpam.example"))
        .expect("the provider's coordinator is reminded");
    assert!(
        got.iter().any(|m| m.contains("To: handlaggare@imy.test")),
        "{got:?}"
    );
    assert!(!got.iter().any(|m| m.contains("lasare@tillsynpam.example")));
    let body = decode_body(to_provider);
    assert!(
        body.contains("Integritetsskyddsmyndigheten väntar på ert svar")
            && body.contains(&deadline),
        "{body}"
    );
    assert!(
        body.contains("https://tillit.region.example/supervision/"),
        "{body}"
    );
}
