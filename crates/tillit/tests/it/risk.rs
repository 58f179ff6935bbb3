//! Risk analysis over HTTP: the matrix and tolerance, scenarios scored on it, owner acceptance above
//! tolerance, heat maps with numbers; measures that must trace to a risk or requirement.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::ids::*;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

fn id_from(location: &str, prefix: &str) -> String {
    location
        .trim_start_matches(prefix)
        .split(['?', '/'])
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_coordinator_analyses_risks_and_an_owner_decision_is_needed_above_tolerance() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Risk", OrgKind::Region).await;
    app.member(&t, "samordnare@risk.example", Role::Coordinator)
        .await;
    let owner = app.member(&t, "agare@risk.example", Role::Owner).await;
    let reader = app.member(&t, "lasare@risk.example", Role::Reader).await;
    let b = app.login("samordnare@risk.example").await;

    // Bad date: refused with the field named.
    let res = b
        .post_form(
            "/risks",
            &[("title", "Journal 2026"), ("analysed_on", "22/11")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#analysed_on\""));
    let res = b
        .post_form(
            "/risks",
            &[
                ("title", "Journal 2026"),
                ("analysed_on", "2026-11-20"),
                (
                    "participants",
                    "Samordnare, systemägare, verksamhetsutvecklare",
                ),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let analysis = id_from(&location(res.headers()), "/risks/");

    // Each step of the scales is named and described on the form.
    let (_, form) = b
        .get_text(&format!("/risks/{analysis}/scenarios/new"))
        .await;
    assert!(form.contains(">2 – Måttlig<"), "{form}");
    assert!(form.contains("4 Mycket allvarlig: fara för liv och hälsa"));
    assert!(
        !form.contains("Mycket låg"),
        "a scale of four starts at Låg"
    );

    // Out of the matrix: 5 on a 4-step scale.
    let scenario = |l: &'static str, c: &'static str| {
        vec![
            ("title", "Utpressningsvirus krypterar journalen"),
            ("threat_key", "ransomware"),
            ("inherent_likelihood", l),
            ("inherent_consequence", c),
        ]
    };
    let res = b
        .post_form(&format!("/risks/{analysis}/scenarios"), &scenario("5", "4"))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("href=\"#inherent_likelihood\""));

    // Accepting 3 × 4 = 12 > 6 without a decision: refused.
    let mut accept = scenario("3", "4");
    accept.push(("treatment", "accept"));
    let res = b
        .post_form(&format!("/risks/{analysis}/scenarios"), &accept)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#accepted_by\""));
    // A reader is not an information owner: their "decision" is refused.
    let mut by_reader = accept.clone();
    by_reader.extend([
        ("accepted_by", reader.as_str()),
        ("accepted_on", "2026-11-21"),
        ("acceptance_note", "Vi tar risken."),
    ]);
    let res = b
        .post_form(&format!("/risks/{analysis}/scenarios"), &by_reader)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The information owner's recorded decision: accepted.
    let mut by_owner = accept.clone();
    by_owner.extend([
        ("accepted_by", owner.as_str()),
        ("accepted_on", "2026-11-21"),
        (
            "acceptance_note",
            "Accepteras tills nytt system driftsätts 2027.",
        ),
    ]);
    let res = b
        .post_form(&format!("/risks/{analysis}/scenarios"), &by_owner)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // An untreated scenario above tolerance.
    let mut snoop = scenario("4", "3");
    snoop[0] = ("title", "Journalsnokning");
    snoop[1] = ("threat_key", "unauthorised_internal_access");
    let res = b
        .post_form(&format!("/risks/{analysis}/scenarios"), &snoop)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The coordinator chose the owner: the acceptance is a request that waits on the owner.
    let (_, html) = b.get_text(&format!("/risks/{analysis}")).await;
    assert!(
        html.contains("Väntar på beslut av Test agare@risk.example"),
        "{html}"
    );
    assert!(!html.contains("Accepterad av"));
    let waiting = app
        .store
        .scenarios(&t, &AnalysisId::from(analysis.as_str()))
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.input.title == "Utpressningsvirus krypterar journalen")
        .unwrap();
    assert!(waiting.acceptance_signed_at.is_none());
    let answer = format!("/scenarios/{}/acceptance", waiting.id);
    let (_, follow) = b.get_text("/follow-up").await;
    assert!(follow.contains("Riskacceptanser som väntar på informationsägaren"));
    // Only the owner asked may answer.
    let res = b.post_form(&answer, &[("decision", "accept")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let o = app.login("agare@risk.example").await;
    let (_, overview) = o.get_text("/overview").await;
    assert!(overview.contains("Beslut som väntar på dig"), "{overview}");
    assert!(overview.contains(&format!("/scenarios/{}", waiting.id)));
    let (_, page) = o.get_text(&format!("/scenarios/{}", waiting.id)).await;
    assert!(
        page.contains("Ditt beslut: acceptera risken?")
            && page.contains("Accepteras tills nytt system")
    );
    // A refusal must say why; the error stands at the field.
    let res = o
        .post_form(&answer, &[("decision", "decline"), ("note", "  ")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("id=\"note-error\""));
    let res = o
        .post_form(
            &answer,
            &[
                ("decision", "accept"),
                ("note", "Accepteras tills nytt system driftsätts 2027."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let today = tillit_app::today();
    let (_, html) = b.get_text(&format!("/risks/{analysis}")).await;
    assert!(html.contains(&format!("Accepterad av Test agare@risk.example {today}")));
    // Answered once: nothing waits any more.
    let res = o.post_form(&answer, &[("decision", "accept")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, overview) = o.get_text("/overview").await;
    assert!(!overview.contains("Beslut som väntar på dig"));
    assert!(html.contains("över tolerans utan behandling"));
    // The heat maps carry numbers: two scenarios, both above tolerance.
    assert!(html.contains("2 scenarier, 2 över tolerans"));
    assert!(html.contains("1 scenario med sannolikhet 3 och konsekvens 4 (poäng 12)"));

    // Measures: untraced is refused with the reason; traced to the scenario is accepted.
    let scenarios = app
        .store
        .scenarios(&t, &AnalysisId::from(analysis.as_str()))
        .await
        .unwrap();
    let snoop_id = scenarios
        .iter()
        .find(|s| s.input.title == "Journalsnokning")
        .unwrap()
        .id
        .clone();
    // The untreated scenario offers a measure that treats it; the accepted one does not.
    let offer = |id: &str| format!("/measures/new?scenario={id}");
    assert!(html.contains(&offer(snoop_id.as_str())), "{html}");
    for x in scenarios.iter().filter(|x| x.id != snoop_id) {
        assert!(!html.contains(&offer(x.id.as_str())));
    }
    let (_, form) = b.get_text(&offer(snoop_id.as_str())).await;
    assert!(
        form.contains(&format!("value=\"{snoop_id}\" checked")),
        "{form}"
    );
    let res = b
        .post_form(
            "/measures",
            &[
                ("title", "Inför stickprov i loggarna"),
                ("due_on", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("minst ett riskscenario eller ett krav"));
    let res = b
        .post_form(
            "/measures",
            &[
                ("title", "Inför stickprov i loggarna"),
                ("due_on", "2026-01-31"),
                ("scenario_ids", snoop_id.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Tracing to a requirement that does not exist is refused.
    let res = b
        .post_form(
            "/measures",
            &[("title", "Något"), ("requirements", "organisation/xyz-9")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The action plan shows it as overdue, grouped by due date.
    let (status, html) = b.get_text("/measures?group=due").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Försenade") && html.contains("Inför stickprov i loggarna"));
    assert!(html.contains("Risk: Journalsnokning"));
    let (_, html) = b.get_text("/measures?overdue=1").await;
    assert!(html.contains("1 åtgärd"));
    let (status, _) = b.get_text("/measures?group=nonsense").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Verified needs how the effect was checked.
    let measure = app
        .store
        .list_measures(
            &t,
            &Default::default(),
            Default::default(),
            Default::default(),
        )
        .await
        .unwrap()
        .items[0]
        .id
        .clone();
    let res = b
        .post_form(
            &format!("/measures/{measure}"),
            &[
                ("title", "Inför stickprov i loggarna"),
                ("status", "verified"),
                ("scenario_ids", snoop_id.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("href=\"#verification\""));
    let res = b
        .post_form(
            &format!("/measures/{measure}"),
            &[
                ("title", "Inför stickprov i loggarna"),
                ("status", "verified"),
                (
                    "verification",
                    "Tre månaders stickprov granskade; två avvikelser utreddes.",
                ),
                ("scenario_ids", snoop_id.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let x = app.store.measure(&t, &measure).await.unwrap();
    assert_eq!(
        x.verified_by.as_deref(),
        Some("Test samordnare@risk.example")
    );

    // Read views: a reader opens the scenario and the measure (no edit button, no form); the
    // coordinator gets the button, and the form one click further.
    let r = app.login("lasare@risk.example").await;
    let (status, view) = r.get_text(&format!("/scenarios/{snoop_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        view.contains("4 × 3 = 12 (Mycket hög sannolikhet, Allvarlig konsekvens)"),
        "{view}"
    );
    assert!(
        view.contains("Inför stickprov i loggarna"),
        "the measure against it"
    );
    assert!(
        !view.contains("/edit\"") && !view.contains("<form method=\"post\" action=\"/scenarios")
    );
    assert!(!view.contains("Skapa åtgärd"));
    let (status, view) = r.get_text(&format!("/measures/{measure}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        view.contains("class=\"status status-met\">Verifierad"),
        "{view}"
    );
    assert!(
        view.contains(&format!("/scenarios/{snoop_id}\">Journalsnokning"))
            || view.contains("Journalsnokning</a>")
    );
    assert!(view.contains("Tre månaders stickprov"));
    assert_eq!(
        r.get(&format!("/scenarios/{snoop_id}/edit")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        r.get(&format!("/measures/{measure}/edit")).await.status(),
        StatusCode::FORBIDDEN
    );
    let (_, view) = b.get_text(&format!("/measures/{measure}")).await;
    assert!(
        view.contains(&format!("href=\"/measures/{measure}/edit\""))
            || view.contains(&format!("href=\"&#x2f;measures&#x2f;{measure}&#x2f;edit\"")),
        "{view}"
    );
    let (status, form) = b.get_text(&format!("/scenarios/{snoop_id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("name=\"residual_likelihood\""));

    // Exports of the scenarios and the action plan.
    let res = b.get("/risks/export?format=csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    let t1 = tillit_app::tabular::read("r.csv", &res.bytes().await.unwrap()).unwrap();
    assert_eq!(t1.rows.len(), 2);
    let snoop_row = t1
        .rows
        .iter()
        .find(|r| t1.get(r, "rubrik") == "Journalsnokning")
        .unwrap();
    // Swedish headings and words, not codes.
    assert_eq!(t1.get(snoop_row, "kvarvarande riskvärde"), "12");
    assert_eq!(t1.get(snoop_row, "över risktoleransen"), "Ja");
    assert_eq!(
        t1.get(snoop_row, "hot"),
        "Obehörig åtkomst av egen personal (journalsnokning)"
    );
    let res = b.get("/measures/export?format=xlsx").await;
    let bytes = res.bytes().await.unwrap();
    let t2 = tillit_app::tabular::read("m.xlsx", &bytes).unwrap();
    assert_eq!(t2.rows.len(), 1);
    assert_eq!(t2.get(&t2.rows[0], "riskscenarier"), "Journalsnokning");
    assert_eq!(t2.get(&t2.rows[0], "status"), "Verifierad");
    // Days are date cells and scores numbers, not text.
    {
        use calamine::{Data, Reader, Xlsx};
        let bytes = b
            .get("/risks/export?format=xlsx")
            .await
            .bytes()
            .await
            .unwrap();
        let t = tillit_app::tabular::read("r.xlsx", &bytes).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        let col = |h: &str| t.headers.iter().position(|x| x == h).unwrap() as u32;
        let row = 1 + t
            .rows
            .iter()
            .position(|r| !t.get(r, "accepterad den").is_empty())
            .unwrap() as u32;
        assert!(matches!(
            range.get_value((row, col("accepterad den"))),
            Some(Data::DateTime(_))
        ));
        assert!(matches!(
            range.get_value((row, col("kvarvarande riskvärde"))),
            Some(Data::Float(_))
        ));
        // The day the owner signed.
        assert_eq!(
            t.get(&t.rows[row as usize - 1], "accepterad den"),
            tillit_app::today()
        );
    }
    // In English for an English reader.
    let res = b
        .post_form("/lang", &[("lang", "en"), ("return_to", "/measures")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = b.get("/measures/export?format=csv").await;
    let t3 = tillit_app::tabular::read("m.csv", &res.bytes().await.unwrap()).unwrap();
    assert_eq!(t3.get(&t3.rows[0], "status"), "Verified");
    let res = b
        .post_form("/lang", &[("lang", "sv"), ("return_to", "/measures")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The matrix: the coordinator may change it, not below values in use; a reader may not.
    let res = b
        .post_form(
            "/risks/matrix",
            &[
                ("likelihoods", "3"),
                ("consequences", "4"),
                ("tolerance", "6"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a scenario uses likelihood 4"
    );
    let res = b
        .post_form(
            "/risks/matrix",
            &[
                ("likelihoods", "5"),
                ("consequences", "5"),
                ("tolerance", "12"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text(&format!("/risks/{analysis}")).await;
    assert!(html.contains("Riskmatris 5 × 5"));
    let r = app.login("lasare@risk.example").await;
    let res = r
        .post_form(
            "/risks/matrix",
            &[
                ("likelihoods", "4"),
                ("consequences", "4"),
                ("tolerance", "6"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, _) = r.get_text(&format!("/risks/{analysis}")).await;
    assert_eq!(status, StatusCode::OK);
    let res = r
        .post_form(&format!("/risks/{analysis}/scenarios"), &snoop)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
