//! PDF reports read as a reader's PDF program reads them: each downloaded over HTTP, its text
//! extracted by `pdftotext` and its pages counted by `pdfinfo` (Debian's poppler-utils, which
//! `scripts/check` installs), and the headings and figures compared with the registers.

use crate::helpers::*;
use reqwest::StatusCode;
use std::io::Write;
use std::process::{Command, Stdio};

/// A poppler tool run on a PDF given on stdin; its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{tool} is needed to read the reports (apt-get install poppler-utils): {e}")
        });
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A report as read: its text (lines joined, so words split over lines still match) and pages.
pub(crate) struct Read {
    pub text: String,
    pub pages: usize,
    pub info: String,
}

pub(crate) fn read_pdf(pdf: &[u8]) -> Read {
    assert!(
        pdf.starts_with(b"%PDF-"),
        "not a PDF: {:?}",
        &pdf[..pdf.len().min(60)]
    );
    // pdfinfo reads a file, not stdin.
    let path = std::env::temp_dir().join(format!(
        "tillit-report-{}.pdf",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(&path, pdf).unwrap();
    let info = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("pdfinfo is needed (apt-get install poppler-utils): {e}"));
    let _ = std::fs::remove_file(&path);
    let info = String::from_utf8(info.stdout).unwrap();
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"));
    let raw = poppler("pdftotext", &["-enc", "UTF-8", "-", "-"], pdf);
    // Hyphenated line ends are joined; every run of white space becomes one space.
    let text = raw
        .replace("-\n", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Read { text, pages, info }
}

/// Downloads a report as the browser's user and reads it.
pub(crate) async fn report(b: &Browser, path: &str) -> Read {
    let res = b.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/pdf",
        "{path}"
    );
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains(".pdf"), "{disposition}");
    read_pdf(&res.bytes().await.unwrap())
}

/// The first link on a page to `prefix` followed by an id (not a word such as `new`).
fn first_id(html: &str, prefix: &str) -> String {
    html.split(&format!("href=\"{prefix}"))
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
        })
        .find(|id| id.len() >= 20)
        .unwrap_or_else(|| panic!("no link to {prefix}{{id}} on the page"))
}

#[tokio::test]
async fn the_demo_regions_reports_carry_its_figures() {
    let app = TestApp::spawn().await;
    tillit::demo::seed(&app.store, &app.hashing).await.unwrap();
    let mut b = app.browser();
    let res = b
        .sign_in("samordnare@norrfjall.example", "tillit-demo-2026")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    b.refresh_csrf().await;
    let api = app.api(&make_token(&b, "rapporter", &["read"]).await);

    // The management review: title, every section, and the key figures of the follow-up.
    let (_, f) = api.get_json("/api/v1/follow-up").await;
    let r = report(&b, "/reports/management-review.pdf").await;
    assert!(
        r.info.contains("Ledningens genomgång"),
        "title in the metadata: {}",
        r.info
    );
    let tagged = r
        .info
        .lines()
        .find_map(|l| l.strip_prefix("Tagged:"))
        .map(str::trim);
    assert_eq!(tagged, Some("yes"), "a tagged PDF: {}", r.info);
    assert!(r.info.contains("A4"), "{}", r.info);
    assert!(r.pages >= 4, "pages: {}", r.pages);
    for heading in [
        "Region Norrfjäll",
        "Innehåll",
        "Sammanfattning",
        "Beslut som behövs",
        "Efterlevnad per kravområde",
        "Utveckling",
        "Brister",
        "Risker",
        "Åtgärder",
        "Incidenter per månad",
        &format!("Sida 1 av {}", r.pages),
    ] {
        assert!(r.text.contains(heading), "{heading:?} in {}", r.text);
    }
    let figures = &f;
    let compliance = figures["compliance_percent"]
        .as_i64()
        .expect("a compliance figure");
    let gaps: i64 = f["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_i64().unwrap())
        .sum();
    let summary = format!(
        "Efterlevnaden av de krav som gäller är {compliance} %. Uppföljningen visar {gaps} brister, {} ",
        figures["scenarios_above_tolerance"]
    );
    assert!(r.text.contains(&summary), "{summary:?} in {}", r.text);
    // The worst risk above tolerance is listed by name.
    let (_, risks) = api.get_json("/api/v1/risk-analyses").await;
    assert!(
        risks["items"].as_array().is_some_and(|a| !a.is_empty()),
        "{risks}"
    );

    // A risk analysis: its title, its scenarios, both heat maps.
    let (_, html) = b.get_text("/risks").await;
    let id = first_id(&html, "/risks/");
    let (_, one) = api.get_json(&format!("/api/v1/risk-analyses/{id}")).await;
    let r = report(&b, &format!("/risks/{id}/report.pdf")).await;
    assert!(
        r.text.contains(one["title"].as_str().unwrap()),
        "{}",
        r.text
    );
    for heading in [
        "Riskanalys",
        "Risk före åtgärder",
        "Kvarvarande risk",
        "Scenarier",
        "Informationsägarens beslut",
    ] {
        assert!(r.text.contains(heading), "{heading:?} in {}", r.text);
    }
    let (_, scenarios) = api
        .get_json(&format!("/api/v1/risk-analyses/{id}/scenarios"))
        .await;
    let scenarios = scenarios
        .as_array()
        .or_else(|| scenarios["items"].as_array())
        .cloned()
        .unwrap_or_default();
    assert!(!scenarios.is_empty());
    for s in &scenarios {
        let title = s["title"].as_str().unwrap();
        let first_words: String = title
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            r.text.contains(&first_words),
            "scenario {title:?} in {}",
            r.text
        );
    }

    // An incident: its facts, its reporting obligations and their drafts.
    let (_, html) = b.get_text("/incidents").await;
    let id = first_id(&html, "/incidents/");
    let (_, inc) = api.get_json(&format!("/api/v1/incidents/{id}")).await;
    let r = report(&b, &format!("/incidents/{id}/report.pdf")).await;
    for heading in [
        "Incidentrapport",
        "Händelsen",
        "Rapporteringsskyldigheter",
        "Tidslinje",
        "Rapportutkast",
    ] {
        assert!(r.text.contains(heading), "{heading:?} in {}", r.text);
    }
    assert!(
        r.text.contains(inc["title"].as_str().unwrap()),
        "{}",
        r.text
    );

    // The outsourcing decision memo.
    let (_, html) = b.get_text("/outsourcing").await;
    let id = first_id(&html, "/outsourcing/");
    let r = report(&b, &format!("/outsourcing/{id}/memo.pdf")).await;
    for heading in [
        "Beslutsunderlag om utkontraktering",
        "Bedömning",
        "Uppgifter som bedömningen bygger på",
    ] {
        assert!(r.text.contains(heading), "{heading:?} in {}", r.text);
    }

    // The access-needs analysis of the record system, approved in the demo by Maria Holm.
    let (_, html) = b.get_text("/systems").await;
    let mut found = false;
    for part in html.split("href=\"/systems/").skip(1) {
        let sid: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let res = b.get(&format!("/systems/{sid}/access-analysis.pdf")).await;
        if res.status() == StatusCode::OK {
            let r = read_pdf(&res.bytes().await.unwrap());
            assert!(r.text.contains("Behovs- och riskanalys"), "{}", r.text);
            assert!(r.text.contains("Maria Holm"), "{}", r.text);
            assert!(r.text.contains("4 kap. 2 § patientdatalagen"), "{}", r.text);
            found = true;
            break;
        }
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "a system without an analysis"
        );
    }
    assert!(
        found,
        "the demo's record system has an access-needs analysis"
    );

    // In English, the same report speaks English.
    let res = b
        .post_form("/lang", &[("lang", "en"), ("return_to", "/")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let r = report(&b, "/reports/management-review.pdf").await;
    for heading in [
        "Management review",
        "Summary",
        "Decisions needed",
        "Page 1 of",
    ] {
        assert!(r.text.contains(heading), "{heading:?} in {}", r.text);
    }
    assert!(!r.text.contains("Sammanfattning"));
}

#[tokio::test]
async fn a_reader_may_read_reports_and_another_organisation_may_not() {
    use tillit_domain::org::OrgKind;
    use tillit_domain::role::Role;
    let app = TestApp::spawn().await;
    tillit::demo::seed(&app.store, &app.hashing).await.unwrap();
    let mut b = app.browser();
    b.sign_in("samordnare@norrfjall.example", "tillit-demo-2026")
        .await;
    b.refresh_csrf().await;
    let (_, html) = b.get_text("/risks").await;
    let risk = first_id(&html, "/risks/");
    let (_, html) = b.get_text("/incidents").await;
    let incident = first_id(&html, "/incidents/");

    let (t, _) = app.org("Region Annan", OrgKind::Region).await;
    let other = app
        .member_signed_in(&t, "lasare@annan.example", Role::Reader)
        .await;
    for path in [
        format!("/risks/{risk}/report.pdf"),
        format!("/incidents/{incident}/report.pdf"),
        format!("/incidents/{incident}/reports/imy_notification/pdf"),
    ] {
        let res = other.get(&path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // Its own management review holds nothing of the demo region's.
    let r = report(&other, "/reports/management-review.pdf").await;
    assert!(
        r.text.contains("Region Annan") && !r.text.contains("Norrfjäll"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("Ingen risk ligger över toleransen"),
        "{}",
        r.text
    );
    // Signed out: no report.
    let res = app.browser().get("/reports/management-review.pdf").await;
    assert_ne!(res.status(), StatusCode::OK);
}
