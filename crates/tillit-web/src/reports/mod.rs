//! PDF reports, each built here from the application layer's queries in the reader's language
//! and typeset by `tillit_app::reports` (ADR 0015): the management review, and the report of a
//! risk analysis, an access-needs analysis, an outsourcing decision, an incident, a submission
//! and a supervision decision.

pub mod pages;

use crate::context::Member;
use crate::error::AppResult;
use crate::i18n::Tr;
use crate::state::AppState;
use axum::response::Response;
use tillit_app::reports::{Block, Document, Labels, Section};

/// A report's frame: the organisation acting, today's date, the template's words.
pub fn document(
    m: &Member,
    title: String,
    subtitle: Option<String>,
    facts: Vec<(String, String)>,
    sections: Vec<Section>,
) -> Document {
    let tr = &m.ctx.tr;
    let now = chrono::Utc::now().to_rfc3339();
    let stamp = crate::pages::show_time(&now);
    Document {
        lang: tr.lang().to_string(),
        title,
        subtitle,
        organisation: m.who.membership().org_name.clone(),
        date: stamp.get(..10).unwrap_or(&stamp).to_string(),
        facts,
        outline: sections.len() > 3,
        labels: Labels {
            page: tr.t("report-page"),
            of: tr.t("report-of"),
            contents: tr.t("report-contents"),
            generated: tr.f(
                "report-generated",
                &[("time", stamp), ("name", m.who.display_name().to_string())],
            ),
        },
        sections,
    }
}

/// Typesets a report and sends it as a PDF download named `name` (without extension).
pub async fn pdf(state: &AppState, name: &str, doc: Document) -> AppResult<Response> {
    let pdf = tillit_app::reports::render(&state.app, doc).await?;
    Ok(crate::requirements::pages::download(
        &format!("{name}.pdf"),
        Some("application/pdf"),
        pdf.bytes,
    ))
}

/// A note in place of an empty table.
pub fn none(tr: &Tr, key: &str) -> Block {
    Block::Note { text: tr.t(key) }
}

/// A table, or the note `empty` when it has no rows.
pub fn table_or(
    tr: &Tr,
    empty: &str,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    widths: Vec<u32>,
) -> Block {
    if rows.is_empty() {
        return none(tr, empty);
    }
    Block::Table {
        headers,
        rows,
        widths,
        tones: Vec::new(),
    }
}

/// "and n more" under a table cut at the report's row limit.
pub fn more(tr: &Tr, total: i64, shown: usize) -> Option<Block> {
    let rest = total - i64::try_from(shown).unwrap_or(total);
    (rest > 0).then(|| Block::Note {
        text: tr.f("report-more", &[("count", rest.to_string())]),
    })
}

/// A file name's safe form of a title: letters, digits and dashes.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    let out = out.trim_end_matches('-');
    out.chars().take(60).collect()
}

/// The report block of a risk page's heat map.
pub fn heat_block(tr: &Tr, h: crate::risk::pages::HeatMap) -> Block {
    Block::HeatMap {
        caption: h.caption,
        likelihood: tr.t("ranking-likelihood"),
        consequence: tr.t("ranking-consequence"),
        rows: h
            .rows
            .into_iter()
            .map(|r| {
                r.cells
                    .into_iter()
                    .map(|c| tillit_app::reports::HeatCell {
                        count: c.count,
                        score: c.score,
                        above: c.above,
                    })
                    .collect()
            })
            .collect(),
        summary: h.summary,
        legend: (tr.t("heat-within"), tr.t("heat-above")),
    }
}
