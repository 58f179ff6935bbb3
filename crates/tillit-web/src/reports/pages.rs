//! The report downloads.

use super::{document, heat_block, more, pdf, slug, table_or};
use crate::context::Member;
use crate::error::AppResult;
use axum::extract::Path;
use axum::response::Response;
use tillit_app::reports::{Block, Figure, Section, Tone, REPORT_ROWS};
use tillit_app::views::{GapKind, MeasureOrder, MeasureQuery};
use tillit_domain::ids::AnalysisId;
use tillit_domain::paging::PageRequest;
use tillit_domain::role::Permission;

/// The matrix and its tolerance in words.
fn tolerance(tr: &crate::i18n::Tr, matrix: &tillit_domain::risk::RiskMatrix) -> Block {
    Block::Paragraph {
        text: tr.f(
            "report-tolerance",
            &[
                ("tolerance", matrix.tolerance.to_string()),
                ("likelihoods", matrix.likelihoods.to_string()),
                ("consequences", matrix.consequences.to_string()),
            ],
        ),
    }
}

fn tone_of(n: i64) -> Tone {
    if n > 0 {
        Tone::Bad
    } else {
        Tone::Good
    }
}

/// Ledningens genomgång: the state and trend of the whole work, gaps, risks above tolerance,
/// measures, incidents and the decisions management is asked for.
pub async fn management_review(m: Member) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let lang = tr.lang();
    let app = m.app();
    let (gaps, f) = tillit_app::followup::gaps_now(app, &m.who).await?;
    let since = (tillit_app::today_date() - chrono::Days::new(365)).to_string();
    let snaps = tillit_app::followup::snapshots(app, &m.who, &since).await?;
    let lib = app.library(&m.who);
    let matrix = tillit_app::risk::risk_matrix(app, &m.who).await?;
    let residual = tillit_app::risk::heat_counts(app, &m.who, None, true).await?;
    let (above_total, above) =
        tillit_app::risk::scenarios_above_tolerance(app, &m.who, REPORT_ROWS).await?;
    let analyses = tillit_app::risk::all_risk_analyses(app, &m.who).await?;
    let today = tillit_app::today_date().to_string();
    let overdue = tillit_app::measures::list_measures(
        app,
        &m.who,
        &MeasureQuery {
            overdue_on: Some(today.clone()),
            ..Default::default()
        },
        MeasureOrder::Due,
        PageRequest {
            page: 1,
            per_page: REPORT_ROWS,
        },
    )
    .await?;
    let incidents = tillit_app::incidents::incident_statistics(app, &m.who, 12).await?;
    let open_items = tillit_app::supervision::provider_open_items(app, &m.who).await?;

    let gap_total: i64 = gaps.iter().map(|g| g.count).sum();
    let compliance = f
        .compliance_percent
        .map(|p| format!("{p} %"))
        .unwrap_or_else(|| "–".into());
    let figures = Block::Figures {
        items: vec![
            Figure {
                label: tr.t("figure-compliance"),
                value: compliance.clone(),
                tone: match f.compliance_percent {
                    Some(p) if p >= 90 => Tone::Good,
                    Some(p) if p >= 60 => Tone::Warn,
                    Some(_) => Tone::Bad,
                    None => Tone::Plain,
                },
            },
            Figure {
                label: tr.t("figure-gaps"),
                value: gap_total.to_string(),
                tone: tone_of(gap_total),
            },
            Figure {
                label: tr.t("figure-above-tolerance"),
                value: f.scenarios_above_tolerance.to_string(),
                tone: tone_of(f.scenarios_above_tolerance),
            },
            Figure {
                label: tr.t("figure-overdue-measures"),
                value: f.overdue_measures.to_string(),
                tone: tone_of(f.overdue_measures),
            },
            Figure {
                label: tr.t("figure-assets"),
                value: f.assets.to_string(),
                tone: Tone::Plain,
            },
            Figure {
                label: tr.t("figure-unclassified"),
                value: f.unclassified_assets.to_string(),
                tone: tone_of(f.unclassified_assets),
            },
            Figure {
                label: tr.t("figure-systems"),
                value: f.systems.to_string(),
                tone: Tone::Plain,
            },
            Figure {
                label: tr.t("figure-open-measures"),
                value: f.open_measures.to_string(),
                tone: Tone::Plain,
            },
        ],
    };
    let summary = Block::Paragraph {
        text: tr.f(
            "report-review-summary",
            &[
                ("compliance", compliance),
                ("gaps", gap_total.to_string()),
                ("above", f.scenarios_above_tolerance.to_string()),
                ("overdue", f.overdue_measures.to_string()),
                ("incidents", incidents.total.to_string()),
            ],
        ),
    };

    // Compliance per area, and the trend of the key figures.
    let areas = Block::Bars {
        caption: tr.t("report-compliance-by-area"),
        items: lib
            .areas
            .iter()
            .map(|a| {
                let p = f.areas.get(&a.id).copied();
                (
                    a.title(lang).to_string(),
                    p.unwrap_or(0) as f64,
                    p.map(|p| format!("{p} %")).unwrap_or_else(|| "–".into()),
                )
            })
            .collect(),
        max: 100.0,
    };
    let mut trend_blocks = Vec::new();
    if snaps.len() < 2 {
        trend_blocks.push(Block::Note {
            text: tr.f("report-trend-short", &[("count", snaps.len().to_string())]),
        });
    }
    let charts = if snaps.len() < 2 { 0 } else { 4 };
    for (key, unit, get) in [
        (
            "figure-compliance",
            " %",
            (|k: &tillit_app::views::KeyFigures| k.compliance_percent.unwrap_or(0))
                as fn(&tillit_app::views::KeyFigures) -> i64,
        ),
        ("figure-gaps", "", |k| k.gaps),
        ("figure-above-tolerance", "", |k| {
            k.scenarios_above_tolerance
        }),
        ("figure-overdue-measures", "", |k| k.overdue_measures),
    ]
    .into_iter()
    .take(charts)
    {
        trend_blocks.push(Block::Trend {
            caption: tr.t(key),
            points: snaps
                .iter()
                .map(|(d, k)| (d.clone(), get(k) as f64))
                .collect(),
            unit: unit.into(),
        });
    }
    // The snapshots as a table: the first of each month, and the latest.
    let mut monthly: Vec<Vec<String>> = Vec::new();
    let mut last_month = String::new();
    for (i, (d, k)) in snaps.iter().enumerate() {
        let month = d.get(..7).unwrap_or(d).to_string();
        if month != last_month || i + 1 == snaps.len() {
            monthly.push(vec![
                d.clone(),
                k.compliance_percent
                    .map(|p| format!("{p} %"))
                    .unwrap_or_else(|| "–".into()),
                k.gaps.to_string(),
                k.scenarios_above_tolerance.to_string(),
                k.overdue_measures.to_string(),
            ]);
            last_month = month;
        }
    }
    if !monthly.is_empty() {
        trend_blocks.push(Block::Table {
            headers: vec![
                tr.t("report-date"),
                tr.t("figure-compliance"),
                tr.t("figure-gaps"),
                tr.t("figure-above-tolerance"),
                tr.t("figure-overdue-measures"),
            ],
            rows: monthly,
            widths: vec![2, 2, 1, 2, 2],
            tones: Vec::new(),
        });
    }

    // Gaps by kind, with the first of each.
    let gap_rows: Vec<Vec<String>> = gaps
        .iter()
        .filter(|g| g.count > 0)
        .map(|g| {
            let first = g
                .items
                .iter()
                .take(3)
                .map(|i| match g.kind {
                    GapKind::UnmetWithoutMeasure => lib
                        .requirement(&i.label)
                        .map(|r| format!("{} {}", r.label, r.title(lang)))
                        .unwrap_or_else(|| i.label.clone()),
                    _ => i.label.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            vec![
                tr.t(&format!("gap-{}", g.kind.key())),
                g.count.to_string(),
                first,
            ]
        })
        .collect();
    let gap_block = table_or(
        tr,
        "report-no-gaps",
        vec![
            tr.t("report-gap-kind"),
            tr.t("report-count"),
            tr.t("report-for-example"),
        ],
        gap_rows,
        vec![3, 1, 5],
    );

    // Risks above tolerance.
    let analysis_title = |id: &AnalysisId| {
        analyses
            .iter()
            .find(|a| &a.id == id)
            .map(|a| a.input.title.clone())
            .unwrap_or_default()
    };
    let risk_rows: Vec<Vec<String>> = above
        .iter()
        .map(|s| {
            vec![
                s.input.title.clone(),
                analysis_title(&s.analysis_id),
                matrix.score(s.input.residual).to_string(),
                crate::risk::pages::treatment_label(tr, s.input.treatment),
                match crate::risk::pages::acceptance_text(tr, s) {
                    t if t.is_empty() => "–".into(),
                    t => t,
                },
            ]
        })
        .collect();
    let mut risk_blocks = vec![
        tolerance(tr, &matrix),
        heat_block(
            tr,
            crate::risk::pages::heat_map(
                tr,
                "heat-residual-all",
                tr.t("heat-residual-all"),
                &matrix,
                &residual,
            ),
        ),
        table_or(
            tr,
            "report-no-risks-above",
            vec![
                tr.t("report-scenario"),
                tr.t("report-analysis"),
                tr.t("report-score"),
                tr.t("field-treatment"),
                tr.t("report-accepted-by"),
            ],
            risk_rows,
            vec![4, 3, 1, 3, 3],
        ),
    ];
    risk_blocks.extend(more(tr, above_total, above.len()));

    // Measures: status counts and the overdue ones.
    let measure_rows: Vec<Vec<String>> = overdue
        .items
        .iter()
        .map(|x| {
            vec![
                x.input.title.clone(),
                x.owner_name.clone().unwrap_or_else(|| "–".into()),
                x.input.due_on.clone().unwrap_or_default(),
                tr.t(&format!("measure-status-{}", x.input.status.key())),
            ]
        })
        .collect();
    let mut measure_blocks = vec![Block::Paragraph {
        text: tr.f(
            "report-measures-summary",
            &[
                ("open", f.open_measures.to_string()),
                ("overdue", f.overdue_measures.to_string()),
            ],
        ),
    }];
    measure_blocks.push(table_or(
        tr,
        "report-no-overdue",
        vec![
            tr.t("field-title"),
            tr.t("report-owner"),
            tr.t("field-due-on"),
            tr.t("field-measure-status"),
        ],
        measure_rows,
        vec![5, 3, 2, 2],
    ));
    measure_blocks.extend(more(tr, overdue.total, overdue.items.len()));

    // Incidents of the last twelve months.
    let mut incident_blocks = vec![Block::Columns {
        caption: tr.t("followup-incidents"),
        items: incidents
            .months
            .iter()
            .map(|mo| (mo.month.clone(), mo.total as f64))
            .collect(),
    }];
    incident_blocks.push(table_or(
        tr,
        "report-no-incidents",
        vec![tr.t("report-incident-type"), tr.t("report-count")],
        incidents
            .by_type
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| {
                vec![
                    tr.t(&format!("incident-type-{}", t.replace('_', "-"))),
                    n.to_string(),
                ]
            })
            .collect(),
        vec![5, 1],
    ));

    // What management is asked to decide.
    let count_of = |k: GapKind| gaps.iter().find(|g| g.kind == k).map_or(0, |g| g.count);
    let mut decisions = Vec::new();
    for (kind, key) in [
        (GapKind::UntreatedRisk, "report-decide-risks"),
        (GapKind::UnmetWithoutMeasure, "report-decide-unmet"),
        (GapKind::OverdueMeasure, "report-decide-overdue"),
        (
            GapKind::OutsourcingReassessment,
            "report-decide-outsourcing",
        ),
        (GapKind::MissingAccessAnalysis, "report-decide-access"),
    ] {
        let n = count_of(kind);
        if n > 0 {
            decisions.push(tr.f(key, &[("count", n.to_string())]));
        }
    }
    if open_items > 0 {
        decisions.push(tr.f(
            "report-decide-supervision",
            &[("count", open_items.to_string())],
        ));
    }
    let decision_block = if decisions.is_empty() {
        super::none(tr, "report-no-decisions")
    } else {
        Block::List { items: decisions }
    };

    let sections = vec![
        Section::new(tr.t("report-summary"), vec![summary, figures]),
        Section::new(tr.t("report-decisions-needed"), vec![decision_block]),
        Section::new(tr.t("report-section-compliance"), vec![areas]),
        Section::new(tr.t("report-trend"), trend_blocks),
        Section::new(tr.t("report-gaps"), vec![gap_block]),
        Section::new(tr.t("report-section-risks"), risk_blocks),
        Section::new(tr.t("report-section-measures"), measure_blocks),
        Section::new(tr.t("report-section-incidents"), incident_blocks),
    ];
    let first = snaps
        .first()
        .map(|(d, _)| d.clone())
        .unwrap_or(today.clone());
    let facts = vec![
        (tr.t("report-period"), format!("{first} – {today}")),
        (tr.t("report-prepared-by"), m.who.display_name().to_string()),
        (
            tr.t("report-catalog-used"),
            format!("{} {}", lib.title, lib.version),
        ),
    ];
    let doc = document(
        &m,
        tr.t("report-review-title"),
        Some(tr.t("report-review-subtitle")),
        facts,
        sections,
    );
    pdf(&m.state, &format!("ledningens-genomgang-{today}"), doc).await
}

/// The report of one risk analysis: scope, matrix, heat maps before and after treatment, and
/// every scenario with its scores, treatment and the owner's decision.
pub async fn risk_analysis(m: Member, Path(id): Path<AnalysisId>) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let app = m.app();
    let a = tillit_app::risk::risk_analysis(app, &m.who, &id).await?;
    let matrix = tillit_app::risk::risk_matrix(app, &m.who).await?;
    let scenarios = tillit_app::risk::scenarios(app, &m.who, &id).await?;
    let inherent = tillit_app::risk::heat_counts(app, &m.who, Some(&id), false).await?;
    let residual = tillit_app::risk::heat_counts(app, &m.who, Some(&id), true).await?;
    let dash = || "–".to_string();
    let facts = crate::risk::pages::analysis_facts(tr, &a);
    let score = |p: tillit_domain::risk::RiskPoint| {
        format!("{} × {} = {}", p.likelihood, p.consequence, matrix.score(p))
    };
    let rows: Vec<Vec<String>> = scenarios
        .iter()
        .map(|s| {
            vec![
                s.input.title.clone(),
                crate::risk::pages::threat_label(tr, s),
                score(s.input.inherent),
                score(s.input.residual),
                crate::risk::pages::treatment_label(tr, s.input.treatment),
            ]
        })
        .collect();
    let tones = scenarios
        .iter()
        .map(|s| {
            if s.input.untreated_above_tolerance(&matrix) {
                Tone::Bad
            } else if matrix.above_tolerance(s.input.residual) {
                Tone::Warn
            } else {
                Tone::Plain
            }
        })
        .collect();
    let scenario_table = if rows.is_empty() {
        super::none(tr, "report-no-scenarios")
    } else {
        Block::Table {
            headers: vec![
                tr.t("report-scenario"),
                tr.t("field-threat-key"),
                tr.t("heat-inherent"),
                tr.t("heat-residual"),
                tr.t("field-treatment"),
            ],
            rows,
            widths: vec![4, 3, 2, 2, 3],
            tones,
        }
    };
    // The decisions above tolerance, each with who decided and why.
    let decided: Vec<Vec<String>> = scenarios
        .iter()
        .filter_map(|s| {
            // Only a decision the owner has signed is one.
            let acc = s.input.acceptance.as_ref()?;
            s.acceptance_signed_at.as_ref()?;
            Some(vec![
                s.input.title.clone(),
                score(s.input.residual),
                s.accepted_by_name.clone().unwrap_or_else(dash),
                acc.decided_on.clone(),
                acc.note.clone(),
            ])
        })
        .collect();
    let sections = vec![
        Section::new(
            tr.t("report-matrix"),
            vec![
                tolerance(tr, &matrix),
                heat_block(
                    tr,
                    crate::risk::pages::heat_map(
                        tr,
                        "heat-inherent",
                        tr.t("heat-inherent"),
                        &matrix,
                        &inherent,
                    ),
                ),
                heat_block(
                    tr,
                    crate::risk::pages::heat_map(
                        tr,
                        "heat-residual",
                        tr.t("heat-residual"),
                        &matrix,
                        &residual,
                    ),
                ),
            ],
        ),
        Section::new(
            tr.t("report-scenarios"),
            vec![
                Block::Paragraph {
                    text: tr.t("report-scenarios-help"),
                },
                scenario_table,
            ],
        ),
        Section::new(
            tr.t("report-acceptances"),
            vec![table_or(
                tr,
                "report-no-acceptances",
                vec![
                    tr.t("report-scenario"),
                    tr.t("heat-residual"),
                    tr.t("report-accepted-by"),
                    tr.t("report-date"),
                    tr.t("report-motivation"),
                ],
                decided,
                vec![3, 2, 2, 2, 4],
            )],
        ),
    ];
    let doc = document(
        &m,
        tr.t("report-risk-title"),
        Some(a.input.title.clone()),
        facts,
        sections,
    );
    pdf(
        &m.state,
        &format!("riskanalys-{}", slug(&a.input.title)),
        doc,
    )
    .await
}
