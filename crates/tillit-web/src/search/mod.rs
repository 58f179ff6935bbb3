//! The search over the organisation's registers: a page (`/search`) and the API
//! (`/api/v1/search`).

pub mod api;
pub mod pages;

use tillit_app::search::HitKind;

/// The page of a hit.
pub fn href(kind: HitKind, id: &str) -> String {
    match kind {
        HitKind::Asset => format!("/assets/{id}"),
        HitKind::System => format!("/systems/{id}"),
        HitKind::RiskAnalysis => format!("/risks/{id}"),
        HitKind::Scenario => format!("/scenarios/{id}"),
        HitKind::Measure => format!("/measures/{id}"),
    }
}

/// The list that shows every hit of a kind, where there is one that filters by text.
pub fn list_href(kind: HitKind, q: &str) -> Option<String> {
    let q = url_escape(q);
    match kind {
        HitKind::Asset => Some(format!("/assets?q={q}")),
        HitKind::System => Some(format!("/systems?q={q}")),
        HitKind::Measure => Some(format!("/measures?q={q}")),
        HitKind::RiskAnalysis | HitKind::Scenario => None,
    }
}

fn url_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
