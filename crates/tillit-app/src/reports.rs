//! PDF reports: the pages and API hand over a [`Document`] built from this layer's queries (in
//! the reader's language), and get it back typeset. Typesetting is CPU work: it runs on a blocking
//! thread, a few at a time (the same slots as imports), so reports cannot starve the server.

use crate::error::{Error, Result};
use crate::App;

pub use tillit_report::{Block, CheckItem, Document, Figure, HeatCell, Labels, Pdf, Section, Tone};

/// How many rows a report lists of a long register before it says how many more there are: a
/// committee reads the worst fifty, and the full list is a CSV export away.
pub const REPORT_ROWS: i64 = 50;

/// Typesets a report.
#[tracing::instrument(level = "debug", skip_all, fields(title = %doc.title))]
pub async fn render(app: &App, doc: Document) -> Result<Pdf> {
    let _slot = app.import_slots.acquire().await.map_err(Error::internal)?;
    tokio::task::spawn_blocking(move || tillit_report::render(&doc))
        .await
        .map_err(Error::internal)?
        .map_err(Error::internal)
}
