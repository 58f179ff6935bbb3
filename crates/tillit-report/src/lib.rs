//! PDF reports. A report is a [`Document`]: a title page with the organisation, the date and a
//! few facts, then numbered sections of blocks — paragraphs, facts, key figures, tables and charts
//! drawn as vectors (heat maps, bars, trends). One Typst template (`templates/report.typ`) lays
//! every report out, so all of them look alike; the words come from the caller (the web layer's
//! translations), the figures from the application layer's queries. The fonts are Typst's own,
//! embedded in the binary: no program or font of the machine is used.
//!
//! The document reaches the template as JSON data, never as markup: whatever a user typed is set
//! as text, so it cannot change the layout or run code.

mod world;

use serde::Serialize;

/// A report to typeset.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// `sv` or `en`: hyphenation, quotes and the document's language tag.
    pub lang: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub organisation: String,
    /// The date the report speaks of, as the reader writes it.
    pub date: String,
    /// Facts on the title page (label, value).
    pub facts: Vec<(String, String)>,
    /// A table of contents after the title page.
    pub outline: bool,
    pub labels: Labels,
    pub sections: Vec<Section>,
}

/// The template's own words.
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    /// "Sida" / "Page".
    pub page: String,
    /// "av" / "of".
    pub of: String,
    /// "Innehåll" / "Contents".
    pub contents: String,
    /// A line at the foot of the title page, e.g. "Skapad i Tillit 2026-12-02 14:03".
    pub generated: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
    /// Subsections, numbered under this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
}

impl Section {
    pub fn new(heading: impl Into<String>, blocks: Vec<Block>) -> Section {
        Section {
            heading: heading.into(),
            blocks,
            sections: Vec::new(),
        }
    }

    /// The section with these subsections.
    pub fn with_sections(mut self, sections: Vec<Section>) -> Section {
        self.sections = sections;
        self
    }
}

/// How a figure or cell reads: good, a warning, bad, or plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    Plain,
    Good,
    Warn,
    Bad,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
    pub tone: Tone,
}

/// One cell of a heat map: how many scenarios, and whether the cell is above tolerance.
#[derive(Debug, Clone, Serialize)]
pub struct HeatCell {
    pub count: u32,
    pub score: u32,
    pub above: bool,
}

/// One step of a checklist: whether it is done, what to do, and a detail line (may be empty).
#[derive(Debug, Clone, Serialize)]
pub struct CheckItem {
    pub done: bool,
    pub text: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Text; a blank line starts a new paragraph.
    Paragraph { text: String },
    /// A muted remark, e.g. "Nothing registered".
    Note { text: String },
    /// Label–value pairs.
    Facts { rows: Vec<(String, String)> },
    /// Key figures as large numbers with their labels.
    Figures { items: Vec<Figure> },
    /// A table; `widths` in fractions (one per column) when some columns need more room.
    /// Rows may carry a tone per row (empty: all plain).
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        widths: Vec<u32>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        tones: Vec<Tone>,
    },
    /// A bulleted list.
    List { items: Vec<String> },
    /// A checklist to tick off by hand: a box per step, filled when done.
    Checklist { items: Vec<CheckItem> },
    /// A heat map of likelihood (rows, highest first) × consequence (columns).
    HeatMap {
        caption: String,
        likelihood: String,
        consequence: String,
        /// Rows from the highest likelihood down; each row's cells from consequence 1 up.
        rows: Vec<Vec<HeatCell>>,
        /// "n scenarios, m above tolerance" in words.
        summary: String,
        /// Legend entries: (within tolerance, above tolerance).
        legend: (String, String),
    },
    /// Horizontal bars, e.g. compliance per area, with the value written beside each bar.
    Bars {
        caption: String,
        /// (label, value, text shown).
        items: Vec<(String, f64, String)>,
        max: f64,
    },
    /// Vertical bars over time, e.g. incidents per month.
    Columns {
        caption: String,
        /// (label under the column, value).
        items: Vec<(String, f64)>,
    },
    /// A line over time; `points` (label, value) in order.
    Trend {
        caption: String,
        points: Vec<(String, f64)>,
        /// Written beside the axis' top value, e.g. " %".
        unit: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the report could not be typeset: {0}")]
    Typeset(String),
    #[error("the report could not be written as PDF: {0}")]
    Pdf(String),
    #[error("the report's data could not be encoded: {0}")]
    Data(#[from] serde_json::Error),
}

/// A typeset report.
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Typesets a document as a tagged PDF (A4).
pub fn render(doc: &Document) -> Result<Pdf, ReportError> {
    let data = serde_json::to_vec(doc)?;
    world::typeset(TEMPLATE, data)
}

const TEMPLATE: &str = include_str!("../templates/report.typ");

#[cfg(test)]
mod tests;
