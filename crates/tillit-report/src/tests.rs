use super::*;

fn sample(sections: Vec<Section>) -> Document {
    Document {
        lang: "sv".into(),
        title: "Ledningens genomgång".into(),
        subtitle: Some("Informationssäkerhetsarbetet 2026".into()),
        organisation: "Region Norrfjäll".into(),
        date: "2 december 2026".into(),
        facts: vec![("Period".into(), "2026-09-03 – 2026-12-02".into())],
        outline: true,
        labels: Labels {
            page: "Sida".into(),
            of: "av".into(),
            contents: "Innehåll".into(),
            generated: "Skapad i Tillit".into(),
        },
        sections,
    }
}

fn every_block() -> Vec<Block> {
    vec![
        Block::Paragraph {
            text: "Första stycket.\n\nAndra stycket.".into(),
        },
        Block::Note {
            text: "Inget registrerat.".into(),
        },
        Block::Facts {
            rows: vec![
                ("Ägare".into(), "Åsa Öberg".into()),
                (
                    "E-post".into(),
                    "informationssakerhetssamordnare@norrfjall.example".into(),
                ),
            ],
        },
        Block::Figures {
            items: vec![
                Figure {
                    label: "Efterlevnad".into(),
                    value: "73 %".into(),
                    tone: Tone::Warn,
                },
                Figure {
                    label: "Brister".into(),
                    value: "12".into(),
                    tone: Tone::Bad,
                },
            ],
        },
        Block::Table {
            headers: vec!["Risk".into(), "Värde".into()],
            rows: vec![vec!["Obehörig åtkomst".into(), "12".into()]],
            widths: vec![3, 1],
            tones: vec![Tone::Bad],
        },
        Block::List {
            items: vec!["Ett".into(), "Två".into()],
        },
        Block::Checklist {
            items: vec![
                CheckItem {
                    done: true,
                    text: "Koppla bort drabbade datorer från nätverket.".into(),
                    detail: "IT-drift: 010-123 45 00 · Klart 2026-12-03 14:02".into(),
                },
                CheckItem {
                    done: false,
                    text: "Larma incidentansvarig #strong[inte markup]".into(),
                    detail: String::new(),
                },
            ],
        },
        Block::HeatMap {
            caption: "Före åtgärder".into(),
            likelihood: "Sannolikhet".into(),
            consequence: "Konsekvens".into(),
            rows: (0..4)
                .map(|l| {
                    (0..4)
                        .map(|c| HeatCell {
                            count: l * c,
                            score: (4 - l) * (c + 1),
                            above: (4 - l) * (c + 1) > 6,
                        })
                        .collect()
                })
                .collect(),
            summary: "14 scenarier, 5 över toleransen".into(),
            legend: ("Inom toleransen".into(), "Över toleransen".into()),
        },
        Block::Bars {
            caption: "Efterlevnad per område".into(),
            items: vec![("Styrning".into(), 80.0, "80 %".into())],
            max: 100.0,
        },
        Block::Columns {
            caption: "Incidenter per månad".into(),
            items: vec![("2026-11".into(), 3.0), ("2026-12".into(), 0.0)],
        },
        Block::Trend {
            caption: "Brister".into(),
            points: vec![("2026-11-01".into(), 10.0), ("2026-12-01".into(), 7.0)],
            unit: String::new(),
        },
    ]
}

#[test]
fn every_kind_of_block_typesets_to_a_pdf() -> Result<(), ReportError> {
    let pdf = render(&sample(vec![Section::new("Läget", every_block())]))?;
    assert!(pdf.bytes.starts_with(b"%PDF-"), "not a PDF");
    // The title page, the contents and the section.
    assert!(pdf.pages >= 3, "pages: {}", pdf.pages);
    Ok(())
}

#[test]
fn a_trend_of_one_point_and_empty_charts_still_typeset() -> Result<(), ReportError> {
    let blocks = vec![
        Block::Trend {
            caption: "Brister".into(),
            points: vec![("2026-12-01".into(), 7.0)],
            unit: String::new(),
        },
        Block::Trend {
            caption: "Inget".into(),
            points: vec![],
            unit: String::new(),
        },
        Block::Columns {
            caption: "Incidenter".into(),
            items: vec![("2026-12".into(), 0.0)],
        },
        Block::Bars {
            caption: "Områden".into(),
            items: vec![("Styrning".into(), 0.0, "0 %".into())],
            max: 0.0,
        },
    ];
    render(&sample(vec![Section::new("Läget", blocks)]))?;
    Ok(())
}

#[test]
fn text_that_looks_like_markup_is_set_as_text() -> Result<(), ReportError> {
    // Typst code in a user's text must neither run nor fail the report.
    let hostile =
        "#panic(\"x\") #set page(width: 1cm) *fet* _kursiv_ $x^2$ <etikett> @ref \\ ]".to_string();
    let mut doc = sample(vec![Section::new(
        hostile.clone(),
        vec![
            Block::Paragraph {
                text: hostile.clone(),
            },
            Block::Table {
                headers: vec![hostile.clone()],
                rows: vec![vec![hostile.clone()]],
                widths: vec![],
                tones: vec![],
            },
        ],
    )]);
    doc.title = hostile.clone();
    doc.organisation = hostile;
    let pdf = render(&doc)?;
    assert!(pdf.pages >= 2);
    Ok(())
}

#[test]
fn a_long_table_runs_over_pages() -> Result<(), ReportError> {
    let rows = (0..400)
        .map(|i| vec![format!("Scenario {i}"), (i % 16).to_string()])
        .collect();
    let pdf = render(&sample(vec![Section::new(
        "Risker",
        vec![Block::Table {
            headers: vec!["Scenario".into(), "Värde".into()],
            rows,
            widths: vec![],
            tones: vec![],
        }],
    )]))?;
    assert!(pdf.pages > 5, "pages: {}", pdf.pages);
    Ok(())
}
