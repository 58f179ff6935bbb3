//! Import and export of the registers: a dry run saves nothing, every row's errors are named,
//! a file with any error saves nothing, and an export read back in changes nothing.

use crate::helpers::*;
use reqwest::StatusCode;
use tillit_domain::org::OrgKind;
use tillit_domain::role::Role;

#[tokio::test]
async fn assets_and_systems_go_out_and_come_back_in() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Fil", OrgKind::Region).await;
    app.member(&t, "samordnare@fil.example", Role::Coordinator)
        .await;
    app.member(&t, "agare@fil.example", Role::Owner).await;
    let b = app.login("samordnare@fil.example").await;

    let csv = "name;description;owner_email;personal_data;special_categories;data_subjects;individuals_approx;confidentiality_strength;confidentiality;integrity;availability;traceability;classification_motivation\n\
Patientjournal;Journalen;agare@fil.example;ja;health;patients,children;250 000;presumption_of_secrecy;3;3;2;3;Hälsouppgifter om många\n\
Tidbok;Bokningar;;ja;;patients;;;;;;;\n\
Felrad;;okand@fil.example;kanske;;martians;;stark;5;1;1;1;\n\
Tidbok;Dubblett;;nej;;;;;;;;;\n";

    // A file with errors: each bad row is named with its fields; nothing is saved.
    let res = b
        .post_multipart(
            "/assets/import",
            &[],
            Some(("register.csv", csv.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("4 rader, 2 med fel"), "{html}");
    for field in [
        "Ägarens e-postadress",
        "Innehåller personuppgifter",
        "Motivering till klassningen",
    ] {
        assert!(
            html.contains(&format!("<li>{field}: ")),
            "row error names {field}"
        );
    }
    assert_eq!(
        app.store
            .list_assets(&t, &Default::default(), Default::default())
            .await
            .unwrap()
            .total,
        0
    );

    // The good rows, as a dry run: checked, not saved.
    let good: String = csv.lines().take(3).map(|l| format!("{l}\n")).collect();
    let res = b
        .post_multipart(
            "/assets/import",
            &[("dry_run", "yes")],
            Some(("register.csv", good.clone().into_bytes())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("2 rader utan fel. Provkörning"));
    assert_eq!(
        app.store
            .list_assets(&t, &Default::default(), Default::default())
            .await
            .unwrap()
            .total,
        0
    );

    // For real: saved, the journal classified with its motivation.
    let res = b
        .post_multipart(
            "/assets/import",
            &[],
            Some(("register.csv", good.into_bytes())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let assets = app
        .store
        .list_assets(&t, &Default::default(), Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(assets.len(), 2);
    let journal = assets
        .iter()
        .find(|a| a.input.name == "Patientjournal")
        .unwrap();
    assert_eq!(journal.levels.unwrap().availability.number(), 2);
    assert_eq!(journal.input.individuals_approx, Some(250_000));
    assert_eq!(
        journal.input.confidentiality_strength.as_deref(),
        Some("presumption_of_secrecy")
    );
    assert!(journal.input.owner_membership_id.is_some());

    // Systems from XLSX naming the assets; an unknown asset is refused.
    let xlsx = tillit_app::tabular::write_xlsx(
        &tillit_app::tabular::Table {
            headers: vec![
                "name".into(),
                "hosting".into(),
                "assets".into(),
                "country".into(),
            ],
            rows: vec![
                vec![
                    "Journalsystemet".into(),
                    "outsourced".into(),
                    "Patientjournal;Tidbok".into(),
                    "Sverige".into(),
                ],
                vec![
                    "Okänt".into(),
                    "somewhere".into(),
                    "Finns inte".into(),
                    "".into(),
                ],
            ],
        },
        "systems",
    )
    .unwrap();
    let res = b
        .post_multipart("/systems/import", &[], Some(("system.xlsx", xlsx)))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("2 rader, 1 med fel"));
    let xlsx = tillit_app::tabular::write_xlsx(
        &tillit_app::tabular::Table {
            headers: vec!["name".into(), "hosting".into(), "assets".into()],
            rows: vec![vec![
                "Journalsystemet".into(),
                "outsourced".into(),
                "Patientjournal;Tidbok".into(),
            ]],
        },
        "systems",
    )
    .unwrap();
    let res = b
        .post_multipart("/systems/import", &[], Some(("system.xlsx", xlsx)))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let systems = app
        .store
        .list_systems(&t, None, Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(systems.len(), 1);
    assert_eq!(systems[0].assets.len(), 2);
    assert_eq!(
        systems[0].inherited.unwrap().confidentiality.number(),
        3,
        "inherits from the imported classification"
    );

    // Export as CSV and XLSX; reading the export back changes nothing.
    for format in ["csv", "xlsx"] {
        let res = b.get(&format!("/assets/export?format={format}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!(".{format}")));
        let bytes = res.bytes().await.unwrap().to_vec();
        let table = tillit_app::tabular::read(&format!("x.{format}"), &bytes).unwrap();
        assert_eq!(table.rows.len(), 2);
        // In the reader's language: Swedish headings, words as the forms show them.
        assert_eq!(table.headers[0], "namn", "read back lower-cased");
        assert_eq!(
            table.get(&table.rows[0], "ägare (e-post)"),
            "agare@fil.example"
        );
        let journal = table
            .rows
            .iter()
            .find(|r| table.get(r, "namn") == "Patientjournal")
            .unwrap();
        assert_eq!(
            table.get(journal, "vilka uppgifterna gäller"),
            "Barn, Patienter"
        );
        assert_eq!(table.get(journal, "innehåller personuppgifter"), "Ja");
        assert_eq!(table.get(journal, "känsliga personuppgifter"), "Hälsa");
        // Re-import needs motivations for the levels it carries: give them, then nothing changes.
        let before = app
            .store
            .list_assets(&t, &Default::default(), Default::default())
            .await
            .unwrap()
            .items;
        let mut t2 = table.clone();
        let col = t2
            .headers
            .iter()
            .position(|h| h == "motivering till klassningen")
            .unwrap();
        for r in &mut t2.rows {
            r[col] = "Oförändrad".into();
        }
        let res = b
            .post_multipart(
                "/assets/import",
                &[],
                Some(("x.csv", tillit_app::tabular::write_csv(&t2))),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let after = app
            .store
            .list_assets(&t, &Default::default(), Default::default())
            .await
            .unwrap()
            .items;
        let key = |v: &Vec<tillit_store::Asset>| {
            v.iter()
                .map(|a| {
                    (
                        a.input.name.clone(),
                        a.levels,
                        a.input.data_subjects.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&before), key(&after));
    }
    let res = b.get("/systems/export?format=xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = b.get("/systems/export?format=pdf").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A reader may export but not import.
    let r = app
        .member_signed_in(&t, "lasare@fil.example", Role::Reader)
        .await;
    assert_eq!(
        r.get("/assets/export?format=csv").await.status(),
        StatusCode::OK
    );
    let res = r
        .post_multipart(
            "/assets/import",
            &[],
            Some(("x.csv", b"name\nX\n".to_vec())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A file that is not a table is refused with the reason.
    let res = b
        .post_multipart(
            "/assets/import",
            &[],
            Some(("x.xlsx", b"PK\x03\x04 broken".to_vec())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// A 1–2 KB workbook with "name" in A1 and one value at the last cell of the sheet.
fn workbook_with_a_far_cell(row: u32, col: u16) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "name").unwrap();
    ws.write_string(row, col, "x").unwrap();
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_workbook_that_spans_the_whole_sheet_is_refused_and_the_server_lives_on() {
    let app = TestApp::spawn().await;
    let (t, _) = app.org("Region Fil", OrgKind::Region).await;
    let b = app
        .member_signed_in(&t, "samordnare@fil.example", Role::Coordinator)
        .await;
    // A1 and XFD1048576 (a grid of 17 billion cells), then A1 and P1048576, on both registers,
    // as a dry run and for real.
    for (row, col) in [(1_048_575, 16_383), (1_048_575, 15)] {
        let xlsx = workbook_with_a_far_cell(row, col);
        assert!(xlsx.len() < 10_000, "{}", xlsx.len());
        for path in ["/assets/import", "/systems/import", "/suppliers/import"] {
            for fields in [vec![("dry_run", "yes")], vec![]] {
                let res = b
                    .post_multipart(path, &fields, Some(("far.xlsx", xlsx.clone())))
                    .await;
                assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
                let html = res.text().await.unwrap();
                assert!(html.contains("10000"), "the limit is named: {html}");
            }
        }
    }
    // The server still answers, and nothing was stored.
    let (status, _) = b.get_text("/assets").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.store
            .list_assets(&t, &Default::default(), Default::default())
            .await
            .unwrap()
            .total,
        0
    );
}
