//! `/design`: Tillit's design system on one page, for developers — every part a page is built
//! from, rendered by the same CSS and partials the product uses, with the markup to copy. On in
//! the demo and in tests, off in production (`WebConfig::design_page`), where it answers 404.

use crate::context::Member;
use crate::error::{AppError, AppResult};
use crate::pages::ui::Input;
use crate::pages::{Choice, FieldError, PageCommon};
use crate::render::page;
use crate::risk::pages::{heat_map, HeatMap};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_app::views::CellCount;
use tillit_domain::risk::{RiskMatrix, RiskPoint};

/// One part: what it is for, the markup, and the rules for using it.
pub struct Part {
    pub id: &'static str,
    pub title: &'static str,
    pub use_for: &'static str,
    /// Shown rendered and, escaped, as the markup to copy.
    pub html: &'static str,
}

const PARTS: &[Part] = &[
    Part {
        id: "kpis",
        title: "Key figures (KPI tiles)",
        use_for: "The few figures a dashboard or a read view leads with. A tile is a link to where the figure comes from; kpi-warn marks a figure that needs action (its text says so too, never the colour alone).",
        html: r##"<ul class="kpis">
  <li class="kpi"><a href="#kpis"><span class="kpi-value">72 %</span> <span class="kpi-label">Efterlevnad</span></a></li>
  <li class="kpi kpi-warn"><a href="#kpis"><span class="kpi-value">3</span> <span class="kpi-label">Risker över toleransnivån</span></a></li>
  <li class="kpi"><a href="#kpis"><span class="kpi-value">12</span> <span class="kpi-label">Öppna åtgärder</span></a></li>
</ul>"##,
    },
    Part {
        id: "tiles",
        title: "Gap tiles",
        use_for: "A list of things to do, each with its count and a link to the items. A tile with nothing to do is small and says so (tile-ok).",
        html: r##"<ul class="tiles">
  <li class="tile"><a href="#tiles"><strong class="tile-count">4</strong> <span class="tile-label">Oklassade informationsmängder</span></a></li>
  <li class="tile tile-ok"><span><strong class="tile-count">0</strong> <span class="tile-text">Försenade åtgärder</span></span></li>
</ul>"##,
    },
    Part {
        id: "chips",
        title: "Status and level chips",
        use_for: "A status or a consequence level in a table or a read view: colour and text together, contrast AA. Levels 0–4 are the classification model's; statuses are the self-assessment's and the action plan's.",
        html: r##"<p>
  <span class="status status-met">Uppfyllt</span>
  <span class="status status-partly-met">Delvis uppfyllt</span>
  <span class="status status-not-met">Ej uppfyllt</span>
  <span class="status status-unassessed">Ej bedömt</span>
  <span class="status status-not-applicable">Ej tillämpligt</span>
</p>
<p>
  <span class="level level-0">0 Försumbar</span> <span class="level level-1">1 Måttlig</span>
  <span class="level level-2">2 Betydande</span> <span class="level level-3">3 Allvarlig</span>
  <span class="level level-4">4 Synnerligen allvarlig</span>
  <span class="count-badge">7</span>
</p>"##,
    },
    Part {
        id: "facts",
        title: "Summary list (read view)",
        use_for: "The facts of one object on its read view, label and value; an Ändra link or button above it opens the form. Forms are never the first thing a read view shows.",
        html: r##"<dl class="facts">
  <dt>Ägare</dt><dd>Karin Berg</dd>
  <dt>Drift</dt><dd>Utkontrakterad drift</dd>
  <dt>Nästa översyn</dt><dd>2027-03-15</dd>
</dl>"##,
    },
    Part {
        id: "notices",
        title: "Notices and call-outs",
        use_for: "notice: what just happened (saved, archived). notice important: something the user must know before going on. callout: a hint in the text of a page.",
        html: r##"<p class="notice">Sparat.</p>
<p class="notice important"><strong>Arkiverad.</strong> Objektet visas inte i listor och uppföljning.</p>
<div class="callout"><p>Ett krav som organisationen bedömt en gång gäller för varje system.</p></div>"##,
    },
    Part {
        id: "buttons",
        title: "Buttons and links",
        use_for: "One primary action per form; secondary for the others; danger only for what cannot be undone without a restore. Navigation is a link, not a button.",
        html: r##"<p>
  <button type="button">Spara</button>
  <button type="button" class="secondary">Markera som översedd</button>
  <button type="button" class="danger">Arkivera</button>
  <a class="button-link" href="#buttons">Skapa åtgärd</a>
</p>"##,
    },
    Part {
        id: "table",
        title: "Tables that never overflow the page",
        use_for: "Every table sits in a table-wrap (tabindex=0, so it can be scrolled with the keyboard): it scrolls inside its container, with the first column sticky; dates are td.date (never wrapped), numbers td.num.",
        html: r##"<div class="table-wrap" tabindex="0"><table>
  <caption>Åtgärder</caption>
  <thead><tr><th scope="col">Åtgärd</th><th scope="col">Status</th><th scope="col">Ansvarig</th><th scope="col">Klart senast</th><th scope="col" class="num">Kostnad (kr)</th></tr></thead>
  <tbody>
    <tr><td><a href="#table">Inför tvåfaktorsinloggning i journalsystemet</a></td><td><span class="status status-partly-met">Pågående</span></td><td>Karin Berg</td><td class="date">2027-01-31</td><td class="num">120 000</td></tr>
    <tr><td><a href="#table">Logga uppföljning av åtkomst</a></td><td><span class="status status-not-met">Planerad</span></td><td>Ali Hassan</td><td class="date">2027-03-01</td><td class="num">15 000</td></tr>
  </tbody>
</table></div>"##,
    },
    Part {
        id: "fold",
        title: "A settled form, folded away",
        use_for: "A form whose result is already saved (a classification, a system's levels) stays closed under the result, opened by its summary.",
        html: r##"<details class="edit"><summary>Klassa om</summary>
  <p>Formuläret står här.</p>
</details>"##,
    },
    Part {
        id: "tabs",
        title: "Section tabs",
        use_for: "A page with sections that are read one at a time: links to the sections (or to sub-pages), the current one marked with aria-current. No JavaScript; each tab is a real link.",
        html: r##"<nav class="tabs" aria-label="Systemets delar">
  <a href="#tabs" aria-current="page">Översikt</a>
  <a href="#tabs">Krav</a>
  <a href="#tabs">Behovs- och riskanalys</a>
</nav>"##,
    },
];

#[derive(Template)]
#[template(path = "design.html")]
struct DesignPage {
    c: PageCommon,
    parts: &'static [Part],
    fields: Vec<Input>,
    errors: Vec<FieldError>,
    heatmaps: Vec<HeatMap>,
}

/// A long list of choices, as a region's register has.
const DESIGN_SYSTEMS: [&str; 16] = [
    "Ambulansjournalen",
    "Bokningssystemet",
    "Cosmic",
    "Dosdispenseringen",
    "E-tjänstplattformen",
    "Fakturasystemet",
    "HR-systemet",
    "Journalsystemet (i arkivet)",
    "Labbsystemet",
    "Läkemedelsmodulen",
    "Patientportalen",
    "Provtagningsanvisningarna",
    "Röntgenarkivet",
    "Tolkbokningen",
    "Vårdplaneringen",
    "Översättningstjänsten",
];

pub async fn design(m: Member) -> AppResult<Response> {
    if !m.state.config.design_page {
        return Err(AppError::NotFound);
    }
    let tr = &m.ctx.tr;
    let matrix = RiskMatrix::default();
    let counts: Vec<CellCount> = [(4, 4, 1), (3, 3, 2), (2, 3, 5), (1, 2, 3), (2, 1, 4)]
        .into_iter()
        .map(|(likelihood, consequence, count)| CellCount {
            point: RiskPoint {
                likelihood,
                consequence,
            },
            count,
        })
        .collect();
    let tpl = DesignPage {
        c: PageCommon::member(&m, "Design".into(), "/design"),
        parts: PARTS,
        fields: vec![
            Input::text("title", "Rubrik".into(), String::new()),
            Input::date("due_on", "Klart senast".into(), "2027-01-31".into())
                .hint("Lämna tomt om det inte finns något datum.".into()),
            Input::radios(
                "status",
                "Status".into(),
                vec![
                    Choice {
                        key: "planned".into(),
                        label: "Planerad".into(),
                        selected: true,
                    },
                    Choice {
                        key: "in_progress".into(),
                        label: "Pågående".into(),
                        selected: false,
                    },
                ],
            ),
            // Over twelve choices: the list scrolls and gets a filter field.
            Input::checks(
                "system_ids",
                "System som omfattas".into(),
                DESIGN_SYSTEMS
                    .iter()
                    .enumerate()
                    .map(|(n, name)| Choice {
                        key: format!("s{n}"),
                        label: (*name).into(),
                        selected: n == 2,
                    })
                    .collect(),
            ),
        ],
        errors: vec![FieldError {
            field: "title".into(),
            label: "Rubrik".into(),
            message: "Fyll i rubriken.".into(),
        }],
        heatmaps: vec![heat_map(
            tr,
            "design-heat",
            "Risker efter åtgärder".into(),
            &matrix,
            &counts,
        )],
    };
    Ok(page(StatusCode::OK, &tpl))
}
